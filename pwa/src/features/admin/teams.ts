// /admin/teams and /admin/teams/<id>: a township's rescue teams; create one, name its captain and
// vice-captains, move members between teams (one team at a time: the server keeps a single
// team_id per person), add someone already registered, and import the township's roster (花名册)
// from XLSX: first a check that changes nothing, shown row by row as a table, then, asked
// first, the import of every good row at once.
import { h } from "../../shared/dom";
import { screenHead } from "../../shared/ui";
import { once } from "../../shared/guard";
import { confirmStep } from "../../shared/confirm";
import { errorSlot, markField } from "../../shared/form-errors";
import { showToast } from "../../shared/toast";
import { api, ApiError, type User } from "../../api";
import { toApiError } from "../../api/client";
import { describeProblem, problemSentence } from "../../i18n/problem";
import { roleName, t, type MessageKey } from "../../i18n";
import { TEAM_ROLES, XLSX, type AdminUser, type Region, type RosterReport, type Team } from "./model";
import { adminNav, appLink, field, loadFailed, loadRegions, loadTeams, select, teamRoleName } from "./users";

interface Page<T> {
  items: T[];
  total: number;
}

const word = (key: string) => t(key as MessageKey);

// What was typed into the new-team form, kept across screens.
const teamDraft = { name: "", region_id: "" };

export function renderTeams(): HTMLElement {
  const list = h("ul", { class: "adm-list", id: "adm-teams" });
  const status = h("p", { class: "hint", role: "status" }, t("adm.loading"));
  const name = h("input", { id: "adm-team-name", type: "text", value: teamDraft.name, maxlength: "80", autocomplete: "off" });
  const region = select("adm-team-region", [["", t("adm.pick")]], teamDraft.region_id);
  const nameErr = errorSlot("adm-team-name-err");
  const regionErr = errorSlot("adm-team-region-err");
  const formStatus = h("p", { class: "notice", role: "alert", hidden: true });
  const create = h("button", { type: "submit", class: "btn btn-primary btn-block", id: "adm-team-create" }, t("adm.createTeam"));
  name.addEventListener("input", () => (teamDraft.name = name.value));
  region.addEventListener("change", () => (teamDraft.region_id = region.value));
  let regions: Region[] = [];

  function paintList(teams: Team[]): void {
    const names = new Map(regions.map((r) => [r.id, r.name]));
    status.textContent = t("adm.teamsCount", { n: teams.length });
    list.replaceChildren(
      ...teams.map((tm) =>
        h(
          "li",
          { class: `card adm-team${tm.size < 10 ? " adm-short" : ""}` },
          appLink(
            `/admin/teams/${tm.id}`,
            { class: "adm-row-link" },
            h("span", { class: "card-title" }, tm.name),
            h("span", { class: "card-meta" }, `${names.get(tm.region_id) ?? ""} · ${t("adm.teamSize", { n: tm.size })}`),
          ),
        ),
      ),
    );
  }

  async function load(): Promise<void> {
    try {
      const [r, teams] = await Promise.all([loadRegions(), loadTeams()]);
      regions = r;
      const towns = regions.filter((x) => x.level === "township");
      region.replaceChildren(h("option", { value: "" }, t("adm.pick")), ...towns.map((x) => h("option", { value: String(x.id) }, x.name)));
      region.value = teamDraft.region_id;
      if (towns.length === 1 && !region.value) region.value = teamDraft.region_id = String(towns[0].id);
      paintList(teams);
    } catch (err) {
      status.textContent = loadFailed(err);
    }
  }

  const form = h(
    "form",
    { class: "adm-form card", novalidate: true, id: "adm-team-form" },
    h("h2", {}, t("adm.newTeam")),
    field("adm-team-name", t("adm.teamName"), name, nameErr),
    field("adm-team-region", t("adm.township"), region, regionErr),
    formStatus,
    create,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void once([create], async () => {
      formStatus.hidden = true;
      markField(name, nameErr, teamDraft.name.trim() ? null : t("problem.field.required", { field: t("adm.teamName") }));
      markField(region, regionErr, teamDraft.region_id ? null : t("problem.field.required", { field: t("adm.township") }));
      if (!teamDraft.name.trim() || !teamDraft.region_id) return;
      try {
        const made = await api.post<Team>("/api/v1/teams", { name: teamDraft.name.trim(), region_id: Number(teamDraft.region_id) });
        teamDraft.name = "";
        name.value = "";
        showToast(t("adm.teamCreated", { name: made.name }));
        await load();
      } catch (err) {
        if (err instanceof ApiError) {
          const f = describeProblem(err.problem).fields;
          markField(name, nameErr, f.name ?? null);
          markField(region, regionErr, f.region_id ?? null);
          formStatus.textContent = describeProblem(err.problem).message;
        } else formStatus.textContent = loadFailed(err);
        formStatus.hidden = false;
      }
    });
  });
  void load();
  return h(
    "section",
    { class: "screen screen-wide adm", "aria-labelledby": "adm-teams-title" },
    h("div", { class: "screen-body" }, screenHead("adm-teams-title", t("adm.teams")), adminNav("teams"), status, list, form),
  );
}

// ---------------------------------------------------------------- one team

function reportTable(report: RosterReport): HTMLElement {
  const readLabel = (k: string) => word(`adm.read.${k}`);
  return h(
    "div",
    { class: "adm-table-wrap", tabindex: "0", role: "region", "aria-label": t("adm.rosterReport") },
    h(
      "table",
      { class: "adm-table", id: "adm-roster-table" },
      h("thead", {}, h("tr", {}, ...["adm.col.row", "adm.col.name", "adm.col.phone", "adm.col.role", "adm.col.result", "adm.col.why"].map((k) => h("th", { scope: "col" }, t(k as MessageKey))))),
      h(
        "tbody",
        {},
        ...report.rows.map((r) =>
          h(
            "tr",
            { class: `adm-row-${r.status}`, "data-row": String(r.row) },
            h("td", { "data-label": t("adm.col.row") }, String(r.row)),
            h("td", { "data-label": t("adm.col.name") }, r.name || "—"),
            h("td", { "data-label": t("adm.col.phone") }, r.phone ? r.phone.replace(/^\+86/, "") : "—"),
            h("td", { "data-label": t("adm.col.role") }, r.team_role_label ?? "—"),
            h("td", { class: "adm-result", "data-label": t("adm.col.result") }, r.status === "taken" ? t("adm.taken") : t("adm.refused")),
            h(
              "td",
              { "data-label": t("adm.col.why"), class: "adm-why" },
              r.reasons.length ? h("ul", { class: "adm-reasons" }, ...r.reasons.map((x) => h("li", {}, x))) : "",
              Object.keys(r.read).length ? h("p", { class: "hint" }, t("adm.readOnly", { what: Object.entries(r.read).map(([k, v]) => `${readLabel(k)} ${v}`).join("，") })) : null,
            ),
          ),
        ),
      ),
    ),
  );
}

async function sendRoster(teamId: string, file: File, confirm: boolean): Promise<RosterReport> {
  const res = await api.fetch(`/api/v1/teams/${encodeURIComponent(teamId)}/roster${confirm ? "?confirm=true" : ""}`, {
    method: "POST",
    headers: { "Content-Type": XLSX },
    body: file,
    timeoutMs: 60_000,
  });
  if (!res.ok) throw await toApiError(res);
  return (await res.json()) as RosterReport;
}

export function renderTeam(actor: User, id: string): HTMLElement {
  const head = h("div", { class: "card adm-summary" }, h("p", { class: "hint", role: "status" }, t("adm.loading")));
  const status = h("p", { class: "notice", role: "alert", hidden: true });
  const members = h("ul", { class: "adm-list", id: "adm-members" });
  const addBox = h("div", { class: "adm-add" });
  const rosterBox = h("div", { class: "adm-roster" });
  let team: Team | null = null;
  let teams: Team[] = [];
  let people: AdminUser[] = [];
  // Who is being added, and as what: kept while the page draws again after another member's
  // change (a role, a move), which used to put both back to 请选择 and 队员.
  const adding = { who: "", role: "member" };

  const say = (text: string) => {
    status.textContent = text;
    status.hidden = !text;
  };

  async function patchUser(u: AdminUser, body: Record<string, unknown>, done: string): Promise<void> {
    say("");
    try {
      await api.request<AdminUser>("PATCH", `/api/v1/users/${encodeURIComponent(u.id)}`, body);
      showToast(done);
      await load();
    } catch (err) {
      say(err instanceof ApiError ? problemSentence(err.problem) : loadFailed(err));
    }
  }

  function memberCard(u: AdminUser): HTMLElement {
    const role = select(`adm-m-role-${u.id}`, TEAM_ROLES.map((r) => [r, teamRoleName(r)]), u.team_role ?? "member");
    role.setAttribute("aria-label", t("adm.teamRoleOf", { name: u.display_name }));
    role.addEventListener("change", () => void once([], () => patchUser(u, { team_role: role.value }, t("adm.roleChanged", { name: u.display_name, role: teamRoleName(role.value) }))));
    const others = teams.filter((x) => x.id !== team!.id && x.region_id === team!.region_id);
    const move = select(`adm-m-move-${u.id}`, [["", t("adm.moveTo")], ...others.map((x) => [x.id, x.name] as [string, string]), ["none", t("adm.takeOut")]], "");
    move.setAttribute("aria-label", t("adm.moveOf", { name: u.display_name }));
    move.addEventListener("change", () =>
      void (async () => {
        if (!move.value) return;
        const out = move.value === "none";
        const target = others.find((x) => x.id === move.value);
        const yes = await confirmStep({
          title: out ? t("adm.takeOutTitle", { name: u.display_name }) : t("adm.moveTitle", { name: u.display_name, team: target?.name ?? "" }),
          confirm: out ? t("adm.takeOutYes") : t("adm.moveYes"),
        });
        if (!yes) {
          move.value = "";
          return;
        }
        // A member moved keeps being a member there; a captain moved becomes a member (the other
        // team has its own captain), named again there if need be.
        await patchUser(u, out ? { team_id: null } : { team_id: move.value, team_role: "member" }, out ? t("adm.takenOut", { name: u.display_name }) : t("adm.moved", { name: u.display_name, team: target?.name ?? "" }));
      })(),
    );
    return h(
      "li",
      { class: "card adm-member", "data-user": u.username },
      h("div", { class: "card-top" }, appLink(`/admin/users/${u.id}`, { class: "card-title" }, u.display_name), h("span", { class: "card-meta" }, `${roleName(u.role)}${u.phone ? ` · ${u.phone.replace(/^\+86/, "")}` : ""}`)),
      h("div", { class: "adm-member-actions" }, h("div", { class: "field adm-field" }, h("label", { for: role.id }, t("field.team_role")), role), h("div", { class: "field adm-field" }, h("label", { for: move.id }, t("adm.move")), move)),
      // 档案: the member's profile (队员档案), where the desk changes it.
      appLink(`/members/${u.id}`, { class: "btn btn-secondary adm-profile-link", "data-profile": u.id, "aria-label": t("adm.profileOf", { name: u.display_name }) }, t("adm.profile")),
    );
  }

  function paintAdd(): void {
    const candidates = people.filter((u) => u.team_id !== team!.id && u.active && u.role !== "admin");
    if (adding.who && !candidates.some((u) => u.id === adding.who)) Object.assign(adding, { who: "", role: "member" }); // added, or gone
    const who = select("adm-add-who", [["", t("adm.pick")], ...candidates.map((u) => [u.id, `${u.display_name}（${u.team_id ? teams.find((x) => x.id === u.team_id)?.name ?? t("adm.otherTeam") : t("adm.noTeam")}）`] as [string, string])], adding.who);
    const role = select("adm-add-role", TEAM_ROLES.map((r) => [r, teamRoleName(r)]), adding.role);
    who.addEventListener("change", () => (adding.who = who.value));
    role.addEventListener("change", () => (adding.role = role.value));
    const add = h("button", { type: "button", class: "btn btn-secondary btn-block", id: "adm-add" }, t("adm.addMember"));
    add.addEventListener("click", () =>
      void once([add], async () => {
        const u = candidates.find((x) => x.id === who.value);
        if (!u) return say(t("adm.pickSomeone"));
        if (u.team_id) {
          const yes = await confirmStep({ title: t("adm.moveTitle", { name: u.display_name, team: team!.name }), body: t("adm.moveBody"), confirm: t("adm.moveYes") });
          if (!yes) return;
        }
        await patchUser(u, { team_id: team!.id, team_role: role.value }, t("adm.added", { name: u.display_name }));
      }),
    );
    addBox.replaceChildren(h("h2", {}, t("adm.addMember")), h("p", { class: "hint" }, t("adm.addHint")), field("adm-add-who", t("adm.person"), who, errorSlot("adm-add-who-err")), field("adm-add-role", t("field.team_role"), role, errorSlot("adm-add-role-err")), add);
  }

  // The roster: the file chosen stays chosen while the check and the confirm are made.
  let file: File | null = null;
  let report: RosterReport | null = null;
  function paintRoster(): void {
    const input = h("input", { id: "adm-roster-file", type: "file", accept: ".xlsx," + XLSX });
    const check = h("button", { type: "button", class: "btn btn-secondary btn-block", id: "adm-roster-check", disabled: !file }, t("adm.rosterCheck"));
    const chosen = h("p", { class: "hint", id: "adm-roster-chosen" }, file ? t("adm.rosterChosen", { name: file.name }) : "");
    const out = h("div", { id: "adm-roster-report" });
    const rosterStatus = h("p", { class: "notice", role: "alert", hidden: true });
    input.addEventListener("change", () => {
      file = input.files?.[0] ?? null;
      report = null;
      paintRoster();
    });
    check.addEventListener("click", () =>
      void once([check], async () => {
        if (!file) return;
        rosterStatus.hidden = true;
        try {
          report = await sendRoster(team!.id, file, false);
          paintRoster();
        } catch (err) {
          report = null;
          rosterStatus.textContent = err instanceof ApiError ? problemSentence(err.problem) : loadFailed(err);
          rosterStatus.hidden = false;
        }
      }),
    );
    const parts: HTMLElement[] = [];
    if (report) {
      const r = report;
      parts.push(
        h("p", { class: "adm-roster-sum", id: "adm-roster-sum" }, r.dry_run ? t("adm.rosterSum", { taken: r.taken, refused: r.refused }) : t("adm.rosterDone", { n: r.imported, refused: r.refused })),
        r.ignored_columns.length ? h("p", { class: "hint" }, t("adm.ignored", { cols: r.ignored_columns.join("、") })) : h("span", {}),
        r.read_only_columns.length ? h("p", { class: "hint" }, t("adm.readNotKept")) : h("span", {}),
        reportTable(r),
      );
      if (r.dry_run && r.taken > 0) {
        const go = h("button", { type: "button", class: "btn btn-primary btn-block btn-huge", id: "adm-roster-confirm" }, t("adm.rosterConfirm", { n: r.taken }));
        go.addEventListener("click", () =>
          void once([go], async () => {
            const yes = await confirmStep({ title: t("adm.rosterConfirmTitle", { n: r.taken, team: team!.name }), body: t("adm.rosterConfirmBody", { refused: r.refused }), confirm: t("adm.rosterConfirmYes") });
            if (!yes || !file) return;
            try {
              report = await sendRoster(team!.id, file, true);
              showToast(t("adm.rosterDone", { n: report.imported, refused: report.refused }));
              file = null;
              await load();
            } catch (err) {
              rosterStatus.textContent = err instanceof ApiError ? problemSentence(err.problem) : loadFailed(err);
              rosterStatus.hidden = false;
            }
          }),
        );
        parts.push(go);
      }
    }
    rosterBox.replaceChildren(
      h("h2", {}, t("adm.roster")),
      h("p", { class: "hint" }, t("adm.rosterHint")),
      h("a", { class: "btn btn-secondary", href: "/api/v1/teams/roster-template.xlsx", download: "", id: "adm-roster-template" }, t("adm.rosterTemplate")),
      h("div", { class: "field adm-field" }, h("label", { for: "adm-roster-file" }, t("adm.rosterFile")), input, chosen),
      check,
      rosterStatus,
      out,
      ...parts,
    );
  }

  // 初始密码: members imported from the roster have none until the desk issues them. Shown once,
  // here only (never kept on the phone); the server decides who has none.
  const firstBox = h("div", { class: "adm-first", id: "adm-first" });
  function paintFirst(): void {
    const issue = h("button", { type: "button", class: "btn btn-secondary btn-block", id: "adm-first-issue" }, t("adm.firstIssue"));
    const out = h("div", { id: "adm-first-out", role: "status" });
    issue.addEventListener("click", () =>
      void once([issue], async () => {
        const yes = await confirmStep({ title: t("adm.firstTitle", { team: team!.name }), body: t("adm.firstBody"), confirm: t("adm.firstYes") });
        if (!yes) return;
        out.replaceChildren();
        try {
          const got = await api.post<{ issued: { user_id: string; display_name: string; username: string; temporary_password: string }[] }>(
            `/api/v1/teams/${encodeURIComponent(team!.id)}/first-passwords`,
          );
          if (!got.issued.length) return void out.replaceChildren(h("p", { class: "hint", id: "adm-first-none" }, t("adm.firstNone")));
          out.replaceChildren(
            h("p", {}, t("adm.firstIssued", { n: got.issued.length })),
            // One card per person (a table's third column does not fit a phone: the password was cut).
            h(
              "ul",
              { class: "adm-list", id: "adm-first-list", "aria-label": t("adm.firstTable") },
              ...got.issued.map((p) =>
                h(
                  "li",
                  { class: "card adm-first-card", "data-login": p.username },
                  h("p", { class: "card-title" }, p.display_name),
                  h("p", { class: "card-meta" }, `${t("field.username")}：`, h("span", { class: "adm-first-username" }, p.username)),
                  h("p", { class: "card-meta" }, t("adm.firstTempPassword")),
                  h("p", { class: "adm-secret-value adm-first-password" }, p.temporary_password),
                ),
              ),
            ),
            h("p", { class: "hint" }, t("adm.tempOnce")),
          );
        } catch (err) {
          out.replaceChildren(h("p", { class: "notice", role: "alert" }, err instanceof ApiError ? problemSentence(err.problem) : loadFailed(err)));
        }
      }),
    );
    firstBox.replaceChildren(h("h2", {}, t("adm.first")), h("p", { class: "hint" }, t("adm.firstHint")), issue, out);
  }

  async function load(): Promise<void> {
    try {
      const [got, list, teamMembers, everyone] = await Promise.all([
        api.get<Team>(`/api/v1/teams/${encodeURIComponent(id)}`),
        loadTeams(),
        api.get<Page<AdminUser>>(`/api/v1/members?team_id=${encodeURIComponent(id)}&limit=200`),
        api.get<Page<AdminUser>>("/api/v1/users?limit=200&active=true"),
      ]);
      team = got;
      teams = list;
      people = everyone.items;
      const order = (u: AdminUser) => TEAM_ROLES.indexOf((u.team_role ?? "member") as (typeof TEAM_ROLES)[number]);
      const sorted = [...teamMembers.items].sort((a, b) => order(a) - order(b) || a.display_name.localeCompare(b.display_name, "zh-CN"));
      const captain = sorted.find((u) => u.team_role === "captain");
      head.replaceChildren(
        h("p", { class: "card-title", id: "adm-team-title-name" }, got.name),
        h("p", { class: `card-meta${got.size < 10 ? " adm-warn" : ""}` }, t("adm.teamSize", { n: got.size }), got.size < 10 ? ` · ${t("adm.underTen")}` : ""),
        h("p", { class: `card-meta${captain ? "" : " adm-warn"}` }, captain ? t("adm.captainIs", { name: captain.display_name }) : t("adm.noCaptain")),
      );
      members.replaceChildren(...(sorted.length ? sorted.map(memberCard) : [h("li", { class: "hint" }, t("adm.noMembers"))]));
      paintAdd();
      paintRoster();
      // Once: a repaint after a member's change must not wipe passwords shown once.
      if (!firstBox.childElementCount) paintFirst();
    } catch (err) {
      head.replaceChildren(h("p", { class: "notice" }, loadFailed(err)));
    }
  }
  void load();
  void actor;
  return h(
    "section",
    { class: "screen screen-wide adm", "aria-labelledby": "adm-team-title" },
    h(
      "div",
      { class: "screen-body" },
      screenHead("adm-team-title", t("adm.team")),
      adminNav("teams"),
      head,
      status,
      h("h2", {}, t("adm.members")),
      members,
      h("div", { class: "card" }, addBox),
      h("div", { class: "card" }, rosterBox),
      h("div", { class: "card" }, firstBox),
    ),
  );
}
