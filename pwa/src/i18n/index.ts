// The current language, string lookup and local date formats; zh-CN unless the user picked English.
import { zhCN, type MessageKey } from "./zh-CN";
import { en } from "./en";
import { getMeta, setMeta } from "../data/db";

export type { MessageKey };
export type Lang = "zh-CN" | "en";
export const LANGS: readonly Lang[] = ["zh-CN", "en"];

const tables: Record<Lang, Record<MessageKey, string>> = { "zh-CN": zhCN, en };
const STORAGE_KEY = "yjt.lang";
const listeners = new Set<(lang: Lang) => void>();
// localStorage is the page's; a service worker has none (it reads the language from IndexedDB).
const storage = () => (globalThis as { localStorage?: { getItem(k: string): string | null; setItem(k: string, v: string): void } }).localStorage;

function stored(): Lang {
  try {
    const v = storage()?.getItem(STORAGE_KEY);
    return v === "en" ? "en" : "zh-CN";
  } catch {
    return "zh-CN"; // storage can be blocked; Chinese is the safe default
  }
}

let current: Lang = stored();

export function getLang(): Lang {
  return current;
}

export function setLang(lang: Lang): void {
  if (lang === current) return;
  current = lang;
  try {
    storage()?.setItem(STORAGE_KEY, lang);
  } catch {
    /* the choice still holds for this visit */
  }
  applyDocumentLang();
  for (const fn of listeners) fn(lang);
}

/** Keeps <html lang> right so screen readers and the browser pick the right voice and glyphs. */
export function applyDocumentLang(): void {
  const doc = (globalThis as { document?: { documentElement: { lang: string } } }).document;
  if (doc) doc.documentElement.lang = current;
  rememberLang();
}

/** Keeps the page's language where the service worker can read it (it has no localStorage). */
function rememberLang(): void {
  void Promise.resolve()
    .then(() => setMeta("lang", current))
    .catch(() => undefined);
}

/** The language the page last used, for the service worker; zh-CN when none was kept. */
export async function workerLang(): Promise<Lang> {
  try {
    return (await getMeta<string>("lang")) === "en" ? "en" : "zh-CN";
  } catch {
    return "zh-CN";
  }
}

export function onLangChange(fn: (lang: Lang) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function t(key: MessageKey, params?: Record<string, string | number>, lang: Lang = current): string {
  const text = tables[lang][key] ?? zhCN[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

export function hasKey(key: string): key is MessageKey {
  return key in zhCN;
}

/** The role's name in the current language; an unknown role shows as sent rather than vanishing. */
export function roleName(role: string): string {
  const key = `role.${role}`;
  return hasKey(key) ? t(key) : role;
}

/** The time every record here is kept in (duty logs, reports to the county, posters): China's. */
export const CHINA_TIME_ZONE = "Asia/Shanghai";

/** A date and time as people write it: 2026年11月29日 08:00 / November 29, 2026 at 08:00, in China
 * time whatever the phone's own zone (a phone left on UTC would otherwise show a report's time
 * eight hours off the timeline beside it and the paper log of the desk). */
export function formatDateTime(value: Date | string | number, lang: Lang = current, timeZone: string = CHINA_TIME_ZONE): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return "";
  return new Intl.DateTimeFormat(lang, {
    year: "numeric",
    month: "long",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone,
  }).format(date);
}
