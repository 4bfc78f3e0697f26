// 寻亲查询 (/desk/people): the desk finds a family across the shelters of its area by part of a
// name or a phone's last four digits (GET /api/v1/shelters/people, audited by the server), and
// sees where they are, since when, how many, their needs and a masked phone. Personal data stays
// in this screen's memory only: nothing goes to IndexedDB or localStorage, the answer is no-store
// (no disk cache), the query never enters the page's URL (history would keep a name), and leaving
// the screen drops it all. Online only: a lookup is never queued for later.
import { api, ApiError, OfflineError } from "../../api";
import { h, whileAttached } from "../../shared/dom";
import { screenHead } from "../../shared/ui";
import { once } from "../../shared/guard";
import { errorSlot, markField } from "../../shared/form-errors";
import { isOnline, onNetworkChange } from "../../shared/network";
import { describeProblem } from "../../i18n/problem";
import { getLang, t, type MessageKey } from "../../i18n";
import { chinaTime, lookupPath, MAX_QUERY, normaliseQuery, orderedNeeds, queryProblem, type PeoplePage, type Person, type QueryProblem } from "./people-model";

const PROBLEM_WORDS: Record<QueryProblem, MessageKey> = {
  empty: "lookup.error.empty",
  digits: "lookup.error.digits",
  long: "lookup.error.long",
};

function needWord(need: string): string {
  const key = `kiosk.need.${need}` as MessageKey;
  const word = t(key);
  return word === key ? need : word;
}

function personCard(p: Person): HTMLElement {
  const lang = getLang();
  const inside = !p.checked_out_at;
  const line = (cls: string, text: string) => h("p", { class: `card-meta ${cls}` }, text);
  return h(
    "li",
    { class: `card lookup-person${inside ? "" : " lookup-left"}`, "data-checkin": p.id },
    h(
      "span",
      { class: "card-top" },
      h("strong", { class: "card-title lookup-name" }, p.name ?? t("lookup.noName")),
      h("span", { class: `tone ${inside ? "tone-ok" : "tone-done"}`, "data-state": inside ? "inside" : "left" }, inside ? t("lookup.in") : t("lookup.out")),
    ),
    h("p", { class: "lookup-shelter" }, p.shelter_name ?? t("lookup.shelterUnknown")),
    line("lookup-when", [t("lookup.since", { time: chinaTime(p.checked_in_at, lang) }), t("lookup.size", { n: p.household_size })].join(" · ")),
    line("lookup-phone", p.phone_masked ? t("lookup.phone", { phone: p.phone_masked }) : t("lookup.noPhone")),
    p.needs.length ? line("lookup-needs", t("lookup.needs", { needs: orderedNeeds(p.needs).map(needWord).join("、") })) : null,
    p.checked_out_at ? line("lookup-out", t("lookup.left", { time: chinaTime(p.checked_out_at, lang) })) : null,
  );
}

export function renderPeople(): HTMLElement {
  // Everything found lives in these variables and the elements below: gone with the screen.
  let shown: Person[] = [];
  let query = "";
  let cursor: string | null = null;
  let ticket = 0;

  const input = h("input", {
    id: "lookup-q",
    type: "text",
    inputmode: "text",
    // Not in the browser's form history: a name typed here must not come back as a suggestion.
    autocomplete: "off",
    autocapitalize: "off",
    spellcheck: "false",
    enterkeyhint: "search",
    maxlength: MAX_QUERY * 2,
    "aria-describedby": "lookup-hint",
  });
  const inputError = errorSlot("err-lookup-q");
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-block btn-huge", id: "lookup-submit" }, t("lookup.search"));
  const offline = h("p", { class: "notice notice-warn", id: "lookup-offline", role: "status", hidden: isOnline() }, t("lookup.offline"));
  const status = h("p", { class: "hint lookup-status", id: "lookup-status", role: "status" });
  const refused = h("div", { id: "lookup-refused" });
  const list = h("ul", { class: "cards lookup-list", id: "lookup-results" });
  const more = h("button", { type: "button", class: "btn btn-secondary btn-block", id: "lookup-more", hidden: true }, t("lookup.more"));

  function clearResults(): void {
    shown = [];
    cursor = null;
    list.replaceChildren();
    more.hidden = true;
    status.textContent = "";
    refused.replaceChildren();
  }

  function say(err: unknown): void {
    if (err instanceof OfflineError) {
      offline.hidden = false;
      status.textContent = t("lookup.notSent");
      return;
    }
    // The server's refusal in our words, by its type and fields; never its own detail text.
    const problem = err instanceof ApiError ? err.problem : undefined;
    const d = describeProblem(problem);
    const { q: onQuery, ...others } = d.fields;
    status.textContent = "";
    if (onQuery) markField(input, inputError, onQuery);
    refused.replaceChildren(
      h("div", { class: "notice notice-error", role: "alert", "data-problem": problem?.type ?? "none" }, h("p", {}, d.message), ...Object.values(others).map((f) => h("p", {}, f))),
    );
  }

  async function fetchPage(q: string, after: string | null): Promise<void> {
    const mine = ++ticket;
    status.textContent = t("lookup.searching");
    refused.replaceChildren();
    try {
      const page = await api.get<PeoplePage>(lookupPath(q, after));
      if (mine !== ticket || !section.isConnected) return;
      offline.hidden = true;
      shown = after ? [...shown, ...page.items] : page.items;
      cursor = page.next_cursor ?? null;
      list.replaceChildren(...shown.map(personCard));
      more.hidden = !cursor;
      // The phone's keyboard goes down and the first family found comes into view (at 320 px it is
      // below the fold); a "more" page keeps the reader where they were.
      if (!after) {
        input.blur();
        list.firstElementChild?.scrollIntoView({ block: "nearest" });
      }
      const total = page.total ?? shown.length;
      status.textContent = !shown.length
        ? t("lookup.none", { q })
        : cursor
          ? t("lookup.foundSome", { n: total, shown: shown.length })
          : t("lookup.found", { n: total });
    } catch (err) {
      if (mine !== ticket || !section.isConnected) return;
      say(err);
    }
  }

  async function search(): Promise<void> {
    const q = normaliseQuery(input.value);
    const problem = queryProblem(q);
    markField(input, inputError, problem ? t(PROBLEM_WORDS[problem]) : null);
    if (problem) {
      input.focus();
      return;
    }
    clearResults();
    query = q;
    await fetchPage(q, null);
  }

  input.addEventListener("input", () => markField(input, inputError, null));
  more.addEventListener("click", () => void once([more], () => fetchPage(query, cursor)));

  const form = h(
    "form",
    {
      role: "search",
      class: "lookup-form",
      novalidate: true,
      "aria-labelledby": "lookup-title",
      // Enter submits; the page's address stays /desk/people (no ?q=).
      onsubmit: (e: Event) => {
        e.preventDefault();
        void once([submit], search);
      },
    },
    h("div", { class: "field" }, h("label", { for: "lookup-q" }, t("lookup.label")), h("p", { class: "hint", id: "lookup-hint" }, t("lookup.hint")), input, inputError),
    submit,
  );

  const section = h(
    "section",
    { class: "screen screen-wide screen-lookup", "aria-labelledby": "lookup-title" },
    h("div", { class: "screen-body" }, screenHead("lookup-title", t("lookup.title")), h("p", { class: "hint" }, t("lookup.scope")), offline, form, status, refused, list, more),
  );
  whileAttached<boolean>(section, onNetworkChange, (online) => {
    if (online) offline.hidden = true;
    else offline.hidden = false;
  });
  return section;
}
