// 督办 (/desk/supervised): the reports of the desk's area whose node is overdue or was escalated,
// the newest escalation first (GET /api/v1/reports/supervised). Each card: the risk colour with
// its word, the category, the node it waits at, how long overdue in words, the escalation level
// and when; a tap opens the report. The last answer is kept on this phone for this account and
// shown, with its time, when the server cannot be reached (as the shelter block does).
import { h } from "../../shared/dom";
import { navigate } from "../../shared/router";
import { screenHead } from "../../shared/ui";
import { formatDateTime, getLang, t, type MessageKey } from "../../i18n";
import { api, ApiError } from "../../api";
import { problemSentence } from "../../i18n/problem";
import { getMeta, setMeta } from "../../data/db";
import { cachedMe } from "../auth/session";
import { levelWords, nodeWord, overdueWords, readSupervised, tone, type SupervisedItem } from "./supervised-model";

const KEPT_KEY = "desk_supervised";
const LIMIT = 50;

interface Kept {
  user_id: string;
  saved_at: number;
  body: unknown;
}

function word(prefix: string, value: string): string {
  const key = `${prefix}.${value}` as MessageKey;
  const text = t(key);
  return text === key ? value : text;
}

function card(item: SupervisedItem): HTMLElement {
  const sev = item.severity ?? "none";
  const level = tone(item);
  return h(
    "li",
    {},
    h(
      "button",
      { type: "button", class: `card card-btn sup-card tone-border-${level}`, "data-report": item.id, "data-level": String(item.level), onclick: () => navigate(`/reports/${item.id}`) },
      h(
        "span",
        { class: "card-top" },
        h("span", { class: "sev-word" }, h("span", { class: `swatch sev-${sev}`, "aria-hidden": "true" }), word("sev", sev)),
        h("span", { class: "card-title" }, word("cat", item.category)),
      ),
      h("span", { class: "sup-node" }, nodeWord(item.node)),
      h("span", { class: `tone tone-${level} sup-level` }, levelWords(item.level)),
      h("span", { class: "sup-overdue", "data-overdue": String(item.overdueS) }, overdueWords(item.overdueS)),
      h(
        "span",
        { class: "card-meta" },
        [t("sup.due", { time: formatDateTime(item.dueAt) }), item.escalatedAt ? t("sup.escalatedAt", { time: formatDateTime(item.escalatedAt) }) : ""].filter(Boolean).join(" · "),
      ),
      item.description ? h("span", { class: "card-meta sup-desc" }, item.description.slice(0, 80)) : null,
    ),
  );
}

const clock = (at: number) => new Intl.DateTimeFormat(getLang(), { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(at);

export function renderSupervised(): HTMLElement {
  const list = h("ul", { class: "cards", id: "supervised-list" });
  const status = h("p", { class: "hint", id: "supervised-status", "aria-live": "polite" }, t("desk.loading"));
  const more = h("button", { type: "button", class: "btn btn-secondary btn-block", id: "supervised-more", hidden: true }, t("sup.more"));
  let next: string | null = null;
  let busy = false;

  function paint(body: unknown, append: boolean): void {
    const page = readSupervised(body);
    const cards = page.items.map(card);
    if (append) list.append(...cards);
    else list.replaceChildren(...cards);
    next = page.next;
    more.hidden = !next;
    if (!append) status.textContent = page.items.length ? t("sup.count", { n: page.total }) : t("sup.empty");
  }

  async function load(append = false): Promise<void> {
    if (busy) return; // one tap, one request
    busy = true;
    const userId = cachedMe()?.user?.id;
    try {
      const query = `?limit=${LIMIT}${append && next ? `&cursor=${encodeURIComponent(next)}` : ""}`;
      const body = await api.get<unknown>(`/api/v1/reports/supervised${query}`);
      paint(body, append);
      status.dataset.state = "fresh";
      status.className = "hint";
      if (!append && userId) void setMeta(KEPT_KEY, { user_id: userId, saved_at: Date.now(), body } satisfies Kept).catch(() => undefined);
    } catch (err) {
      if (err instanceof ApiError) {
        status.className = "hint";
        status.dataset.state = "refused";
        status.textContent = problemSentence(err.problem);
        return;
      }
      if (!append) {
        const kept = userId ? await getMeta<Kept>(KEPT_KEY).catch(() => undefined) : undefined;
        if (kept && kept.user_id === userId) paint(kept.body, false);
        status.className = "notice notice-warn";
        status.dataset.state = "offline";
        status.textContent = kept && kept.user_id === userId ? t("sup.offlineAt", { time: clock(kept.saved_at) }) : t("sup.offlineNone");
      } else {
        status.textContent = t("desk.offline");
      }
    } finally {
      busy = false;
    }
  }
  more.onclick = () => void load(true);
  void load();
  return h(
    "section",
    { class: "screen screen-wide", "aria-labelledby": "supervised-title" },
    h("div", { class: "screen-body" }, screenHead("supervised-title", t("sup.title")), h("p", { class: "hint" }, t("sup.intro")), status, list, more),
  );
}
