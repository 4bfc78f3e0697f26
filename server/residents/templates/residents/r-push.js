// Progressive enhancement of /r: where the browser can, a web push subscription for the picked
// area (the contract's POST /api/v1/public/push/subscriptions). Without it the page is complete.
(function () {
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !window.fetch) return;
  var box = document.getElementById("push");
  var button = document.getElementById("push-on");
  var state = document.getElementById("push-state");
  if (!box || !button) return;
  box.hidden = false;
  function say(zh, en) { state.textContent = zh + " " + en; }
  function key(b64) {
    var s = (b64 + "===".slice((b64.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(s), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }
  var busy = false;
  button.addEventListener("click", function () {
    var region = parseInt(document.getElementById("region_id").value, 10);
    if (!region) { say("请先选择乡镇或村。", "Pick your area first."); return; }
    if (busy) return;
    busy = true; button.disabled = true; say("正在开启…", "Turning on…");
    Promise.all([
      navigator.serviceWorker.register("/r/sw.js", { scope: "/r/" }).then(function () { return navigator.serviceWorker.getRegistration("/r/"); }),
      fetch("/api/v1/push/vapid-public-key").then(function (r) { return r.json(); })
    ]).then(function (got) {
      return got[0].pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key(got[1].public_key) });
    }).then(function (sub) {
      return fetch("/api/v1/public/push/subscriptions", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ subscription: sub.toJSON(), region_id: region })
      });
    }).then(function (resp) {
      if (resp.status !== 201) throw new Error(String(resp.status));
      say("已开启：本地区发布预警时，浏览器会通知您。在浏览器设置中可随时关闭。", "On: this browser will show your area's warnings. Turn it off in the browser's settings.");
    }).catch(function () {
      say("没有开启（浏览器不允许或网络不通）。可以改用上面的短信订阅。", "Not turned on (blocked or offline). Use the SMS form above instead.");
      button.disabled = false;
    }).then(function () { busy = false; });
  });
})();
