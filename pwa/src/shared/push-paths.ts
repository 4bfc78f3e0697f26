// Where a tap on a notification opens the app, by the push's `type` (server/delivery: the
// notification's kind). An order opens itself; a shelter at 90 % or full opens the desk's front
// page, where the shelter block is; a warning opens its full text; a report's supervision notice (督办, its id is
// "<report id>:<seq>:<node>:<stage>") opens the report; anything else opens home.
export interface PushTarget {
  type?: string;
  id?: unknown;
}

export function notificationPath(p: PushTarget): string {
  if (p.type === "dispatch" && typeof p.id === "string" && /^[\w-]+$/.test(p.id)) return `/orders/${p.id}`;
  if (p.type === "shelter") return "/desk";
  // An area warning opens its full text and 收到.
  if (p.type === "warning" && typeof p.id === "string" && /^[\w-]+$/.test(p.id)) return `/warnings/${p.id}`;
  // A late initial report (初报督办): the event, as the officer's form or the desk's summary.
  if (p.type === "disaster" && typeof p.id === "string") {
    const event = p.id.split(":")[0];
    if (/^[\w-]+$/.test(event)) return `/disasters/${event}`;
  }
  if (p.type === "report" && typeof p.id === "string") {
    const report = p.id.split(":")[0];
    if (/^[0-9a-f-]{36}$/i.test(report)) return `/reports/${report}`;
  }
  if (p.type === "insurance" && typeof p.id === "string" && /^[0-9a-f-]{36}:/i.test(p.id)) return `/teams/${p.id.slice(0, 36)}/insurance`;
  return "/";
}
