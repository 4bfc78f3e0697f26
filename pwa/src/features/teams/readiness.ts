// 队伍建设达标情况: /desk/readiness for the desk (every township of its area, and their sum) and
// /team for a captain (his township). Each township and team: a colour with its word beside it
// (never the colour alone), the reasons it falls short, and its figures (members without valid
// insurance, and a way to each member's cover); equipment says 未登记 until its records exist.
// The last answer is kept on this phone for this account and shown, with its time, when the
// server cannot be reached.
import "./teams.css";
import { h } from "../../shared/dom";
import { screenHead } from "../../shared/ui";
import { navigate } from "../../shared/router";
import { t } from "../../i18n";
import { api, type User } from "../../api";
import { keptLoader } from "../../shared/kept-view";
import { teamRoleWord } from "./profile-model";
import { dayWords, readReadiness, statusWord, teamReasons, toneOf, townshipReasons, type Readiness, type Status, type TeamReadiness, type TownshipReadiness } from "./readiness-model";

const KEPT_KEY = "teams_readiness";
const MEMBERS_KEY = "team_members";

interface TeamMember {
  id: string;
  display_name: string;
  team_role: string | null;
}

const TEAM_ROLE_ORDER = ["captain", "vice_captain", "member"];

/** 本队队员 on a captain's /team: each member a link to their profile (队员档案). The last list is
 * kept on this phone for this account and shown, with its time, when the server cannot be reached. */
function teamMembers(user: User): HTMLElement {
  const team = (user as { team_id?: string | null }).team_id ?? null;
  const status = h("p", { class: "hint", id: "team-members-status" }, t("desk.loading"));
  const list = h("ul", { class: "team-members", id: "team-members" });
  const paint = (items: TeamMember[]) => {
    const rank = (m: TeamMember) => TEAM_ROLE_ORDER.indexOf(m.team_role ?? "member");
    const sorted = [...items].sort((a, b) => rank(a) - rank(b) || a.display_name.localeCompare(b.display_name, "zh-CN"));
    list.replaceChildren(
      ...sorted.map((m) => {
        const href = `/members/${encodeURIComponent(m.id)}`;
        return h(
          "li",
          {},
          h(
            "a",
            { class: "team-member", href, "data-member": m.id, onclick: (e: Event) => (e.preventDefault(), navigate(href)) },
            h("strong", {}, m.display_name),
            h("span", {}, teamRoleWord(m.team_role)),
          ),
        );
      }),
    );
    if (!sorted.length) status.textContent = t("team.membersNone");
  };
  if (!team) status.textContent = t("team.membersNone");
  else
    void keptLoader<{ items?: TeamMember[] }>({
      userId: user.id,
      key: MEMBERS_KEY,
      read: () => api.get<{ items: TeamMember[] }>(`/api/v1/members?team_id=${encodeURIComponent(team)}&limit=200`),
      paint: (body) => paint(body.items ?? []),
      status,
      words: { asOf: "team.membersHint", offlineAt: "team.membersOffline", offlineNone: "ready.offlineNone" },
    })();
  return h("section", { class: "card team-members-card", "aria-labelledby": "team-members-title" }, h("h2", { id: "team-members-title" }, t("team.members")), status, list);
}

function badge(s: Status, id?: string): HTMLElement {
  return h("span", { class: `tone tone-${toneOf(s)} ready-badge`, "data-status": s, id }, statusWord(s));
}

function figure(label: string, value: string, bad = false): HTMLElement {
  return h("div", { class: bad ? "ready-fig ready-fig-bad" : "ready-fig" }, h("dt", {}, label), h("dd", {}, value));
}

function teamBlock(team: TeamReadiness): HTMLElement {
  const { red, yellow } = teamReasons(team);
  const notRecorded = t("ready.notRecorded");
  const certLines = [...team.expired, ...team.expiring].map((c) =>
    h("li", {}, t("ready.certLine", { member: c.memberName, cert: c.name, date: dayWords(c.expiresOn) })),
  );
  return h(
    "div",
    { class: "ready-team", "data-team": team.id },
    h("h3", {}, team.name, " ", badge(team.status)),
    red.length || yellow.length
      ? h("ul", { class: "ready-reasons" }, ...red.map((w) => h("li", { class: "ready-red" }, w)), ...yellow.map((w) => h("li", { class: "ready-yellow" }, w)))
      : h("p", { class: "ready-ok" }, t("ready.meets")),
    h(
      "dl",
      { class: "ready-figs" },
      figure(t("ready.fig.size"), t("ready.fig.sizeOf", { n: team.size, min: team.minSize }), team.size < team.minSize),
      figure(t("ready.fig.captain"), team.captain ?? t("ready.fig.none"), team.captainRequired && !team.captain),
      figure(t("ready.fig.active"), String(team.active)),
      figure(t("ready.fig.probation"), String(team.probation)),
      figure(t("ready.fig.expiring"), String(team.expiring.length + team.expired.length)),
      figure(t("ready.fig.flagged"), String(team.flagged)),
      figure(t("ready.fig.unchecked"), String(team.unchecked)),
      figure(t("ready.fig.insurance"), team.insurance === null ? notRecorded : String(team.insurance), Boolean(team.insurance)),
      figure(t("ready.fig.insuranceEnding"), String(team.insuranceEnding), Boolean(team.insuranceEnding)),
      figure(t("ready.fig.equipment"), team.equipment === null ? notRecorded : String(team.equipment)),
    ),
    certLines.length ? h("ul", { class: "ready-certs" }, ...certLines) : null,
    // Each member's cover, and adding a policy: the team's captain and the desk.
    h("button", { type: "button", class: "btn btn-secondary ins-open", "data-team": team.id, onclick: () => navigate(`/teams/${encodeURIComponent(team.id)}/insurance`) }, t("ins.open")),
  );
}

/** The desk's ways on from a township: its flagged members, the rules they are held to, and its
 * equipment overdue for maintenance. */
function ruleLinks(town: TownshipReadiness): HTMLElement {
  const flagged = town.teams.reduce((n, tm) => n + tm.flagged, 0);
  const unchecked = town.teams.reduce((n, tm) => n + tm.unchecked, 0);
  const late = town.teams.reduce((n, tm) => n + (tm.equipment ?? 0), 0);
  const label = flagged ? t("ready.toFlags", { n: flagged }) : t("ready.toUnchecked", { n: unchecked });
  const go = (path: string) => () => navigate(path);
  return h(
    "div",
    { class: "ready-rule-links" },
    flagged || unchecked ? h("button", { type: "button", class: "btn btn-secondary ready-to-flags", onclick: go(`/desk/flags?region_id=${town.regionId}`) }, label) : null,
    h("button", { type: "button", class: "btn btn-secondary ready-to-rules", onclick: go("/desk/team-rules") }, t("ready.toRules")),
    late ? h("button", { type: "button", class: "btn btn-secondary ready-to-equipment", onclick: go(`/desk/equipment?region_id=${town.regionId}`) }, t("ready.toEquipment", { n: late })) : null,
  );
}

function townshipCard(town: TownshipReadiness, own = false): HTMLElement {
  const reasons = townshipReasons(town);
  const noTeam = !town.teams.some((tm) => tm.comprehensive);
  return h(
    "li",
    {},
    h(
      "article",
      { class: `card ready-card tone-border-${toneOf(town.status)}`, "data-region": String(town.regionId), "data-status": town.status, "aria-labelledby": `ready-town-${town.regionId}` },
      h("h2", { id: `ready-town-${town.regionId}`, class: "ready-town" }, town.name, " ", badge(town.status)),
      noTeam ? h("ul", { class: "ready-reasons" }, ...reasons.map((w) => h("li", { class: "ready-red" }, w))) : null,
      ...town.teams.map(teamBlock),
      own ? null : ruleLinks(town),
    ),
  );
}

function summaryBlock(r: Readiness): HTMLElement {
  const text =
    r.townships.length === 0
      ? t("ready.noTownships")
      : r.short
        ? t("ready.summaryShort", { short: r.short, n: r.townships.length })
        : t("ready.summaryAll", { n: r.townships.length });
  return h("p", { class: `notice ready-summary tone-border-${toneOf(r.status)}`, id: "ready-summary" }, badge(r.status, "ready-summary-status"), " ", text);
}

export function renderReadiness(user: User, own = false): HTMLElement {
  const summary = h("div", {});
  const list = h("ul", { class: "cards ready-list", id: "ready-list" });
  const status = h("p", { class: "hint", id: "ready-status", "aria-live": "polite" }, t("desk.loading"));
  const refresh = h("button", { type: "button", class: "btn btn-secondary btn-block", id: "ready-refresh" }, t("ready.refresh")) as HTMLButtonElement;

  function paint(body: unknown): void {
    const r = readReadiness(body);
    summary.replaceChildren(own ? h("span") : summaryBlock(r));
    // Those that fall short first, then those to look at, then the rest; by name within each.
    const order = { red: 0, yellow: 1, green: 2 };
    const towns = [...r.townships].sort((a, b) => order[a.status] - order[b.status] || a.name.localeCompare(b.name, "zh-CN"));
    list.replaceChildren(...towns.map((town) => townshipCard(town, own)));
  }

  const load = keptLoader<unknown>({
    userId: user.id,
    key: KEPT_KEY,
    read: () => api.get<unknown>("/api/v1/teams/readiness"),
    paint,
    status,
    refresh,
    words: { asOf: "ready.asOf", offlineAt: "ready.offlineAt", offlineNone: "ready.offlineNone" },
  });
  refresh.onclick = () => void load();
  void load();
  const title = own ? t("ready.ownTitle") : t("ready.title");
  return h(
    "section",
    { class: "screen screen-wide", "aria-labelledby": "ready-title" },
    h("div", { class: "screen-body" }, screenHead("ready-title", title), h("p", { class: "hint" }, t("ready.intro")), status, summary, list, own ? teamMembers(user) : null, refresh),
  );
}
