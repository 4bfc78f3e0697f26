// 逾期未保养的装备 (/desk/equipment?region_id=): the desk's list of every team's items overdue for
// maintenance in its area, by township and team, the longest overdue first, each with its days
// late in words, its due date and last maintenance. A township filter when the desk sees more
// than one. The last answer for each filter is kept on this phone for this account and shown,
// with its time, when the server cannot be reached; the days are counted on the phone's day.
import "./equipment.css";
import { h } from "../../shared/dom";
import { screenHead } from "../../shared/ui";
import { navigate } from "../../shared/router";
import { hasKey, t, type MessageKey } from "../../i18n";
import { api, type User } from "../../api";
import { fetchRegions, keptLoader, townshipFilter, type Region } from "../../shared/kept-view";
import { dayWords } from "../teams/readiness-model";
import { chinaToday, conditionKey, daysOverdue } from "./model";
import { groupOverdue, OVERDUE_PATH, readOverdue, type OverdueItem, type OverdueTownship } from "./overdue-model";

interface Kept {
  body: unknown;
  regions: Region[];
}

const keptKey = (regionId: number | null) => `equipment_overdue:${regionId ?? "all"}`;

const categoryWords = (item: OverdueItem): string => (hasKey(`eq.cat.${item.category}`) ? t(`eq.cat.${item.category}` as MessageKey) : item.categoryLabel);

function itemCard(item: OverdueItem, today: string): HTMLElement {
  const late = daysOverdue(item, today);
  return h(
    "li",
    { class: "eqo-item", "data-item": item.id },
    h("div", { class: "eqo-item-head" }, h("strong", {}, item.name), h("span", { class: "tone tone-bad eq-badge", "data-overdue": String(late) }, t("eq.overdue", { n: late }))),
    h("p", { class: "eqo-sub" }, [categoryWords(item), item.standard, item.quantity > 1 ? t("eqo.quantity", { n: item.quantity }) : null].filter(Boolean).join(" · ")),
    h(
      "p",
      { class: "eqo-dates" },
      [
        item.nextDueOn ? t("eqo.due", { date: dayWords(item.nextDueOn) }) : null,
        item.lastMaintainedOn ? t("eqo.last", { date: dayWords(item.lastMaintainedOn) }) : t("eqo.never"),
        t(conditionKey(item.condition)),
      ]
        .filter(Boolean)
        .join(t("eqo.sep")),
    ),
  );
}

function townCard(town: OverdueTownship, today: string): HTMLElement {
  return h(
    "li",
    {},
    h(
      "article",
      { class: "card", "data-region": String(town.regionId), "aria-labelledby": `eqo-town-${town.regionId}` },
      h("h2", { id: `eqo-town-${town.regionId}` }, town.name, " ", h("span", { class: "eqo-town-count" }, t("eqo.townCount", { n: town.count }))),
      ...town.teams.map((tm) =>
        h("div", { class: "eqo-team", "data-team": tm.id }, h("h3", {}, tm.name), h("ul", { class: "eqo-items" }, ...tm.items.map((i) => itemCard(i, today)))),
      ),
    ),
  );
}

export function renderOverdueEquipment(user: User, regionParam: string | null): HTMLElement {
  const wanted = regionParam && /^\d{1,12}$/.test(regionParam) ? Number(regionParam) : null;
  const status = h("p", { class: "hint", id: "eqo-status", "aria-live": "polite" }, t("desk.loading"));
  const count = h("p", { class: "notice", id: "eqo-count", hidden: true });
  const list = h("ul", { class: "cards eqo-list", id: "eqo-list" });
  const filter = townshipFilter("eqo-region", t("flags.filter"), t("flags.filterAll"), (id) => navigate(id ? `/desk/equipment?region_id=${encodeURIComponent(id)}` : "/desk/equipment", true));
  const refresh = h("button", { type: "button", class: "btn btn-secondary btn-block", id: "eqo-refresh" }, t("flags.refresh")) as HTMLButtonElement;

  function paint(k: Kept): void {
    const today = chinaToday();
    filter.paint(k.regions, wanted);
    const towns = groupOverdue(readOverdue(k.body), today, new Map(k.regions.map((r) => [r.id, r.name])));
    const n = towns.reduce((sum, town) => sum + town.count, 0);
    count.hidden = false;
    count.textContent = n ? t("eqo.count", { n }) : t("eqo.none");
    list.replaceChildren(...towns.map((town) => townCard(town, today)));
  }

  const load = keptLoader<Kept>({
    userId: user.id,
    key: keptKey(wanted),
    read: async () => {
      const q = wanted === null ? "" : `?region_id=${wanted}`;
      const [body, regions] = await Promise.all([api.get<unknown>(OVERDUE_PATH + q), fetchRegions()]);
      return { body, regions };
    },
    paint,
    status,
    refresh,
    words: { asOf: "flags.asOf", offlineAt: "flags.offlineAt", offlineNone: "flags.offlineNone" },
  });
  refresh.onclick = () => void load();
  void load();
  return h(
    "section",
    { class: "screen screen-wide", "aria-labelledby": "eqo-title" },
    h("div", { class: "screen-body" }, screenHead("eqo-title", t("eqo.title")), h("p", { class: "hint" }, t("eqo.intro")), filter.box, status, count, list, refresh),
  );
}
