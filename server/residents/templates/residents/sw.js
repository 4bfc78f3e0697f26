// The residents' service worker (scope /r/): show each warning pushed, open /r on a tap.
self.addEventListener("push", function (event) {
  var p = {};
  try { p = event.data ? event.data.json() : {}; } catch (e) { p = {}; }
  var levels = { blue: "蓝色", yellow: "黄色", orange: "橙色", red: "红色" };
  var head = (p.msg_type === "cancel" ? "解除" : "") + (levels[p.level] || "") + "预警";
  event.waitUntil(self.registration.showNotification(head, { body: p.title || "", tag: "warning-" + (p.id || ""), lang: "zh-CN", data: p }));
});
self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  event.waitUntil(self.clients.openWindow("/r"));
});
