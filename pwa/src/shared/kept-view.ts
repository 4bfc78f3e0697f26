// A desk list read from the server and kept on this phone for this account: a refusal is said
// from its problem type; with no answer the kept copy shows with the time it was kept (or the
// phone says it has none). One request per tap: a tap while one is out does nothing. And the
// township filter such lists share: the regions right below the top one the desk sees.
import { h } from "./dom";
import { formatDateTime, t, type MessageKey } from "../i18n";
import { api, ApiError } from "../api";
import { problemSentence } from "../i18n/problem";
import { getMeta, setMeta } from "../data/db";

export interface KeptCopy<T> {
  user_id: string;
  saved_at: number;
  data: T;
}

/** Keeps a server answer on this phone for this account. */
export async function keepCopy<T>(key: string, userId: string, data: T): Promise<void> {
  await setMeta(key, { user_id: userId, saved_at: Date.now(), data } satisfies KeptCopy<T>).catch(() => undefined);
}

/** This account's kept copy; a copy of another account, or of an older shape (no data), is none. */
export async function readCopy<T>(key: string, userId: string): Promise<KeptCopy<T> | null> {
  const kept = await getMeta<KeptCopy<T>>(key).catch(() => undefined);
  return kept && kept.user_id === userId && kept.data !== undefined ? kept : null;
}

export interface KeptWords {
  asOf: MessageKey;
  offlineAt: MessageKey;
  offlineNone: MessageKey;
}

export interface KeptLoader<T> {
  userId: string;
  key: string;
  read: () => Promise<T>;
  paint: (data: T) => void;
  status: HTMLElement;
  /** Disabled while a request is out. */
  refresh?: HTMLButtonElement;
  words: KeptWords;
  /** The sentence for a refusal, when the problem's own does not fit (a 404 named for the screen). */
  refused?: (err: ApiError) => string;
}

export function keptLoader<T>(o: KeptLoader<T>): () => Promise<void> {
  let busy = false;
  const say = (cls: string, state: string, text: string) => {
    o.status.className = cls;
    o.status.dataset.state = state;
    o.status.textContent = text;
  };
  return async () => {
    if (busy) return;
    busy = true;
    if (o.refresh) o.refresh.disabled = true;
    try {
      const data = await o.read();
      o.paint(data);
      say("hint", "fresh", t(o.words.asOf, { time: formatDateTime(new Date().toISOString()) }));
      void keepCopy(o.key, o.userId, data);
    } catch (err) {
      if (err instanceof ApiError) {
        say("notice notice-error", "refused", o.refused ? o.refused(err) : problemSentence(err.problem));
        return;
      }
      const mine = await readCopy<T>(o.key, o.userId);
      if (mine) o.paint(mine.data);
      say("notice notice-warn", "offline", mine ? t(o.words.offlineAt, { time: formatDateTime(new Date(mine.saved_at).toISOString()) }) : t(o.words.offlineNone));
    } finally {
      busy = false;
      if (o.refresh) o.refresh.disabled = false;
    }
  };
}

export interface Region {
  id: number;
  parent_id: number | null;
  name: string;
}

/** The regions the caller sees (names for the lists, the township filter). */
export const fetchRegions = (): Promise<Region[]> => api.get<{ items: Region[] }>("/api/v1/regions").then((r) => r.items);

/** A <select> of the townships the desk sees (hidden when there are fewer than two), filled once. */
export function townshipFilter(id: string, label: string, all: string, onPick: (regionId: string) => void) {
  const select = h("select", { id }, h("option", { value: "" }, all)) as HTMLSelectElement;
  const box = h("div", { class: "field township-filter", hidden: true }, h("label", { for: id }, label), select);
  select.addEventListener("change", () => onPick(select.value));
  return {
    box,
    paint(regions: readonly Region[], wanted: number | null): void {
      const ids = new Set(regions.map((r) => r.id));
      const top = regions.filter((r) => r.parent_id === null || !ids.has(r.parent_id));
      const towns = regions.filter((r) => top.some((p) => p.id === r.parent_id));
      box.hidden = towns.length < 2;
      if (select.options.length === 1) for (const r of towns) select.append(h("option", { value: String(r.id) }, r.name));
      select.value = wanted === null ? "" : String(wanted);
    },
  };
}
