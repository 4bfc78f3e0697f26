// A report's life as lines to read (pure: the detail screen draws them): each step of the
// server's `steps` with what happened, who, when in China's time (a county's offices keep
// Beijing time, whatever zone the phone is set to), the comment or the reason, and how many
// photos. The filing itself comes first, from the report.
import { formatDateTime, t, type Lang, type MessageKey } from "../../i18n";


export interface TimelineLine {
  kind: string;
  what: string;
  who: string;
  when: string;
  note: string;
  photos: number;
}

export interface Step {
  kind?: unknown;
  actor_name?: unknown;
  at?: unknown;
  comment?: unknown;
  reason?: unknown;
  rejection?: unknown;
  severity?: unknown;
  responsible_unit?: unknown;
  assignee_name?: unknown;
  deadline_at?: unknown;
  photos?: unknown;
}

function str(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function word(key: string, fallback: string): string {
  const text = t(key as MessageKey);
  return text === key ? fallback : text;
}

function when(value: unknown, lang?: Lang): string {
  return typeof value === "string" && value ? formatDateTime(value, lang) : "";
}

/** What a step did, in words: the colour set, the unit and person and deadline, why refused. */
function what(step: Step, lang?: Lang): string {
  const kind = str(step.kind);
  const base = word(`tl.kind.${kind}`, kind);
  const parts: string[] = [];
  if (kind === "verify" && str(step.severity)) parts.push(word(`sev.${str(step.severity)}`, str(step.severity)));
  if (kind === "reject" && str(step.rejection)) parts.push(word(`tl.rejection.${str(step.rejection)}`, str(step.rejection)));
  if (kind === "assign") {
    const to = [str(step.responsible_unit), str(step.assignee_name)].filter(Boolean).join(" · ");
    if (to) parts.push(to);
    const due = when(step.deadline_at, lang);
    if (due) parts.push(t("tl.deadline", { time: due }));
  }
  return parts.length ? `${base}：${parts.join("，")}` : base;
}

export function timelineLines(rec: Record<string, unknown>, lang?: Lang): TimelineLine[] {
  const lines: TimelineLine[] = [
    {
      kind: "report",
      what: t("tl.kind.report"),
      who: "",
      when: when(rec.reported_at ?? rec.created_at, lang),
      note: "",
      photos: Array.isArray(rec.media_ids) ? rec.media_ids.length : 0,
    },
  ];
  const steps = Array.isArray(rec.steps) ? (rec.steps as Step[]) : [];
  for (const step of steps) {
    if (!step || typeof step !== "object") continue;
    lines.push(stepLine(step, lang));
  }
  return lines;
}

/** One step as a line: the server's, or one still on this phone (made from its op's data). */
export function stepLine(step: Step, lang?: Lang): TimelineLine {
  const reason = str(step.reason);
  const comment = str(step.comment);
  return {
    kind: str(step.kind),
    what: what(step, lang),
    who: str(step.actor_name),
    when: when(step.at, lang),
    note: [reason ? t("tl.reason", { text: reason }) : "", comment].filter(Boolean).join(" "),
    photos: Array.isArray(step.photos) ? step.photos.length : 0,
  };
}
