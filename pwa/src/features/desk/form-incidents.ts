// Which incident a new order belongs to: the region's open incidents, most recent first, after
// "新事件". Asked of the server with open=true; closed ones are still dropped here, so an older
// server's answer reads right too.
import { t, type MessageKey } from "../../i18n";
import { NEW_INCIDENT } from "./draft";

export interface Incident {
  id: string;
  kind: string;
  title: string;
  place?: string | null;
  severity?: string | null;
  closed_at?: string | null;
  created_at?: string | null;
  occurred_at?: string | null;
}

export interface IncidentOption {
  /** NEW_INCIDENT or the incident's id: the radio's value. */
  value: string;
  incident: Incident | null;
  /**
   * The saved choice is not among the open incidents we have: "unchecked" when the list could
   * not be loaded from the server, "gone" when the server's list no longer has it (closed).
   */
  stale: "" | "unchecked" | "gone";
  /** For a stale choice: its words as saved with the draft. */
  label?: string;
}

const time = (i: Incident) => {
  const ms = Date.parse(i.created_at ?? i.occurred_at ?? "");
  return Number.isNaN(ms) ? -Infinity : ms;
};

/** The open ones, most recent first (the server's order is kept among equals). */
export function openIncidents(items: readonly Incident[]): Incident[] {
  return items
    .filter((i) => i && typeof i.id === "string" && !i.closed_at)
    .map((i, n) => ({ i, n }))
    .sort((a, b) => time(b.i) - time(a.i) || a.n - b.n)
    .map(({ i }) => i);
}

/**
 * The radios to show: "新事件" first, then the open incidents; a saved choice that is not among
 * them stays offered (marked), so nothing the officer chose silently changes.
 */
export function incidentOptions(open: readonly Incident[], chosen: string, chosenLabel: string, listFresh: boolean): IncidentOption[] {
  const options: IncidentOption[] = [{ value: NEW_INCIDENT, incident: null, stale: "" }];
  for (const i of open) options.push({ value: i.id, incident: i, stale: "" });
  if (chosen !== NEW_INCIDENT && !open.some((i) => i.id === chosen)) {
    options.push({ value: chosen, incident: null, stale: listFresh ? "gone" : "unchecked", label: chosenLabel || chosen });
  }
  return options;
}

function word(prefix: string, value: string | null | undefined): string {
  if (!value) return "";
  const key = `${prefix}${value}` as MessageKey;
  const text = t(key);
  return text === key ? value : text;
}

/** The kind's name: the report categories' words, plus the two playbook kinds. */
export function kindName(kind: string): string {
  if (kind === "hazmat_transport" || kind === "tunnel") return t(`deskf.kind.${kind}` as MessageKey);
  return word("cat.", kind);
}

/** "后山滑坡" and a second line "地质灾害（滑坡） · 大坪村 · 较大": how an incident reads in the choice. */
export function incidentLines(i: Incident): { title: string; meta: string } {
  const meta = [kindName(i.kind), i.place ?? "", i.severity ? word("sev.", i.severity) : ""].filter(Boolean).join(" · ");
  return { title: i.title, meta };
}

/** One line, kept with the draft so the choice reads right when the list cannot be loaded. */
export function incidentLabel(i: Incident): string {
  const { title, meta } = incidentLines(i);
  return meta ? `${title}（${meta}）` : title;
}

type Get = <T>(path: string) => Promise<T>;
const PAGE = 100;
const MAX_PAGES = 5;

/** The caller's region's open incidents, reading pages (newest first) until none are left. */
export async function fetchOpenIncidents(get: Get): Promise<Incident[]> {
  const all: Incident[] = [];
  let cursor: string | null = null;
  for (let n = 0; n < MAX_PAGES; n += 1) {
    const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
    const page: { items: Incident[]; next_cursor?: string | null } = await get(`/api/v1/incidents?open=true&limit=${PAGE}${q}`);
    all.push(...(page.items ?? []));
    cursor = page.next_cursor ?? null;
    if (!cursor) break;
  }
  return openIncidents(all);
}
