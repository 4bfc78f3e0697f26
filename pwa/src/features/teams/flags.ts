// 不符合招募条件的队员 (/desk/flags?region_id=): the members who break a recruiting rule or cannot
// be checked (no birth date, no education), by township and team, each with the reason in words
// and a way to the member's page; a team's own shortfalls (size, captain) above its members. A
// township filter when the desk sees more than one. The last answer for each filter is kept on
// this phone for this account and shown, with its time, when the server cannot be reached.
import "./rules.css";
import { h } from "../../shared/dom";
import { screenHead } from "../../shared/ui";
import { navigate } from "../../shared/router";
import { t } from "../../i18n";
import { api, type User } from "../../api";
import { fetchRegions, keptLoader, townshipFilter, type Region } from "../../shared/kept-view";
import { countFlagged, FLAGS_PATH, flagWords, groupFlags, isUnchecked, readFlags, readRules, ruleLines, RULES_PATH, type FlaggedTeam, type FlaggedTownship, type Rules } from "./rules-model";

interface Kept {
  flags: unknown;
  rules: unknown;
  regions: Region[];
}

const keptKey = (regionId: number | null) => `teams_flags:${regionId ?? "all"}`;

function teamBlock(team: FlaggedTeam, rules: Rules): HTMLElement {
  return h(
    "div",
    { class: "flags-team", "data-team": team.id },
    h("h3", {}, team.name),
    ...team.team.map((f) => h("p", { class: "flags-teamline" }, t("flags.teamLine", { why: flagWords(f, rules) }))),
    team.members.length
      ? h(
          "ul",
          { class: "flags-members" },
          ...team.members.map((m) => {
            const href = `/members/${encodeURIComponent(m.id)}`;
            return h(
              "li",
              {},
              h(
                "a",
                {
                  class: "flags-member",
                  href,
                  "data-member": m.id,
                  onclick: (e: Event) => {
                    e.preventDefault();
                    navigate(href);
                  },
                },
                h("strong", {}, m.name),
                h(
                  "ul",
                  { class: "flags-why" },
                  ...m.flags.map((f) =>
                    h("li", { class: isUnchecked(f) ? "flags-unchecked" : "flags-broken", "data-rule": f.rule }, `${isUnchecked(f) ? t("flags.unchecked") : t("flags.broken")}：${flagWords(f, rules)}`),
                  ),
                ),
              ),
            );
          }),
        )
      : null,
  );
}

function townCard(town: FlaggedTownship, rules: Rules): HTMLElement {
  return h(
    "li",
    {},
    h(
      "article",
      { class: "card", "data-region": String(town.regionId), "aria-labelledby": `flags-town-${town.regionId}` },
      h("h2", { class: "flags-town", id: `flags-town-${town.regionId}` }, town.name || String(town.regionId)),
      ...town.teams.map((tm) => teamBlock(tm, rules)),
    ),
  );
}

export function renderFlags(user: User, regionParam: string | null): HTMLElement {
  const wanted = regionParam && /^\d{1,12}$/.test(regionParam) ? Number(regionParam) : null;
  const status = h("p", { class: "hint", id: "flags-status", "aria-live": "polite" }, t("desk.loading"));
  const count = h("p", { class: "notice", id: "flags-count", hidden: true });
  const rulesLine = h("p", { class: "hint", id: "flags-rules" });
  const list = h("ul", { class: "flags-list", id: "flags-list" });
  const filter = townshipFilter("flags-region", t("flags.filter"), t("flags.filterAll"), (id) => navigate(id ? `/desk/flags?region_id=${encodeURIComponent(id)}` : "/desk/flags", true));
  const refresh = h("button", { type: "button", class: "btn btn-secondary btn-block", id: "flags-refresh" }, t("flags.refresh")) as HTMLButtonElement;

  function paint(k: Kept): void {
    const rules = readRules(k.rules);
    const flags = readFlags(k.flags);
    const names = new Map(k.regions.map((r) => [r.id, r.name]));
    filter.paint(k.regions, wanted);
    rulesLine.textContent = `${t("flags.rules")}：${ruleLines(rules).join("；")}`;
    const n = countFlagged(flags);
    count.hidden = false;
    count.textContent = flags.length ? t("flags.count", n) : t("flags.none");
    list.replaceChildren(...groupFlags(flags, names).map((town) => townCard(town, rules)));
  }

  const load = keptLoader<Kept>({
    userId: user.id,
    key: keptKey(wanted),
    read: async () => {
      const q = wanted === null ? "" : `?region_id=${wanted}`;
      const [flags, rules, regions] = await Promise.all([
        api.get<unknown>(FLAGS_PATH + q),
        api.get<unknown>(RULES_PATH),
        fetchRegions(),
      ]);
      return { flags, rules, regions };
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
    { class: "screen screen-wide", "aria-labelledby": "flags-title" },
    h(
      "div",
      { class: "screen-body" },
      screenHead("flags-title", t("flags.title")),
      h("p", { class: "hint" }, t("flags.intro")),
      filter.box,
      status,
      count,
      rulesLine,
      h("div", { class: "trules-links" }, h("button", { type: "button", class: "btn btn-secondary", id: "flags-to-rules", onclick: () => navigate("/desk/team-rules") }, t("trules.open"))),
      list,
      refresh,
    ),
  );
}
