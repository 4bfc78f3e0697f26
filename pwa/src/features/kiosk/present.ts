// 名单签出 (/shelters/<id>/present): the people inside, as the server has them now (phones
// masked), each checked out with a tap and a confirm. Online only, and kept in memory only: the
// list is never written to the phone's storage.
import { api, ApiError, OfflineError, type User } from "../../api";
import { h, whileAttached } from "../../shared/dom";
import { navigate } from "../../shared/router";
import { screenHead } from "../../shared/ui";
import { confirmStep } from "../../shared/confirm";
import { once } from "../../shared/guard";
import { showToast } from "../../shared/toast";
import { describeProblem } from "../../i18n/problem";
import { onNetworkChange } from "../../shared/network";
import { formatDateTime, t, type MessageKey } from "../../i18n";
import { enqueue, listOps } from "../../data/outbox";
import { getRecord } from "../../data/stores";
import { requestFlush } from "../../data/flush";
import { alreadyCheckedOut, maskName } from "./model";
import { reachable, runs } from "./shelters";

interface Person {
  id: string;
  name: string | null;
  phone_masked: string | null;
  household_size: number;
  needs: string[];
  checked_in_at: string;
}

interface Page {
  items: Person[];
  next_cursor?: string | null;
}

export function renderPresent(user: User, shelterId: string): HTMLElement {
  let people: Person[] = [];
  let cursor: string | null = null;
  const list = h("ul", { class: "cards", id: "present-list" });
  const status = h("p", { class: "hint", role: "status" }, t("kiosk.present.loading"));
  const problem = h("div", {});
  const more = h("button", { type: "button", class: "btn btn-secondary btn-block", hidden: true }, t("kiosk.present.more"));
  const offline = h("p", { class: "notice notice-warn", hidden: reachable() }, t("kiosk.present.offline"));

  async function draw(): Promise<void> {
    const ops = await listOps().catch(() => []);
    const shown = people.filter((p) => !alreadyCheckedOut(ops, p.id));
    list.replaceChildren(
      ...shown.map((p) => {
        // The manager finds the family by its name here (in memory only); the op keeps it masked.
        const who = p.name ?? t("kiosk.present.purged");
        const needs = p.needs.map((n) => t(`kiosk.need.${n}` as MessageKey)).join("、");
        const btn = h(
          "button",
          { type: "button", class: "card card-btn present-person", "data-checkin": p.id },
          h("span", { class: "card-top" }, h("strong", { class: "card-title" }, who), h("span", { class: "card-text" }, t("kiosk.action.size", { n: p.household_size }))),
          h("span", { class: "card-meta" }, [p.phone_masked ?? t("kiosk.present.noPhone"), needs, t("kiosk.present.since", { time: formatDateTime(p.checked_in_at) })].filter(Boolean).join(" · ")),
        );
        btn.addEventListener("click", () => void once([btn], () => checkout(p, who)));
        return h("li", {}, btn);
      }),
    );
    status.textContent = shown.length ? t("kiosk.present.count", { n: shown.length }) : t("kiosk.present.empty");
  }

  async function checkout(p: Person, who: string): Promise<void> {
    const yes = await confirmStep({
      title: t("kiosk.confirmOut.title"),
      body: t("kiosk.confirmOut.personBody", { who, n: p.household_size }),
      confirm: t("kiosk.confirmOut.yes"),
      cancel: t("kiosk.confirmOut.no"),
    });
    if (!yes) return;
    try {
      await enqueue({ type: "shelter.checkout", data: { checkin_id: p.id, shelter_id: shelterId }, kept: { name: maskName(p.name ?? ""), household_size: p.household_size, checkin_id: p.id } });
    } catch {
      showToast(t("report.error.storage"));
      return;
    }
    showToast(t("kiosk.savedOut"));
    void requestFlush();
    navigate(`/shelters/${shelterId}`, true);
  }

  async function load(next: string | null): Promise<void> {
    problem.replaceChildren();
    if (!reachable()) {
      status.textContent = "";
      return;
    }
    try {
      const rec = await getRecord("shelters", shelterId).catch(() => undefined);
      if (rec && !runs(user, rec)) throw new ApiError({ type: "about:blank", title: "", status: 403 });
      const q = `/api/v1/shelters/${encodeURIComponent(shelterId)}/checkins?present=1&limit=100${next ? `&cursor=${encodeURIComponent(next)}` : ""}`;
      const page = await api.get<Page>(q);
      people = next ? [...people, ...page.items] : page.items;
      cursor = page.next_cursor ?? null;
      more.hidden = !cursor;
      await draw();
    } catch (err) {
      status.textContent = "";
      if (err instanceof OfflineError) offline.hidden = false;
      else problem.replaceChildren(h("p", { class: "notice notice-error", role: "alert" }, describeProblem(err instanceof ApiError ? err.problem : undefined).message));
    }
  }

  more.addEventListener("click", () => void once([more], () => load(cursor)));

  const section = h(
    "section",
    { class: "screen screen-present", "aria-labelledby": "present-title" },
    h("div", { class: "screen-body" }, screenHead("present-title", t("kiosk.present.title")), offline, status, problem, list, more),
  );
  void load(null);
  whileAttached<boolean>(section, onNetworkChange, (online) => {
    offline.hidden = online;
    if (online && !people.length) void load(null);
  });
  return section;
}
