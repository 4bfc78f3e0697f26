// /admin/users, /admin/users/new and /admin/users/<id>: the county administrator, and a township's
// duty officer within their township, list people, create a user, change their role, region or
// team, deactivate them and reset their password (a temporary one, shown once). Forms keep what
// was typed (a module draft); deactivating and resetting ask first; refusals are said in words
// by problem type, each under its field.
import { h } from "../../shared/dom";
import { screenHead } from "../../shared/ui";
import { once } from "../../shared/guard";
import { confirmStep } from "../../shared/confirm";
import { errorSlot, markField, revealField } from "../../shared/form-errors";
import { navigate } from "../../shared/router";
import { showToast } from "../../shared/toast";
import { api, ApiError, OfflineError, type User } from "../../api";
import { describeProblem, problemSentence } from "../../i18n/problem";
import { formatDateTime, roleName, t, type MessageKey } from "../../i18n";
import {
  canManage,
  checkDraft,
  createBody,
  emptyDraft,
  givableRoles,
  regionOptions,
  TEAM_ROLES,
  type AdminUser,
  type Region,
  type Team,
  type UserDraft,
} from "./model";
import "./admin.css";

interface Page<T> {
  items: T[];
  total: number;
  next_cursor: string | null;
}

const word = (key: string) => t(key as MessageKey);
export const teamRoleName = (r: string | null | undefined) => (r ? word(`adm.teamRole.${r}`) : t("adm.noTeam"));

export function loadFailed(err: unknown): string {
  if (err instanceof OfflineError) return t("adm.offline");
  if (err instanceof ApiError) return problemSentence(err.problem);
  return t("adm.loadFailed");
}

/** An in-app link: a real href (opens in a new tab, read as a link), moved through the router. */
export function appLink(path: string, attrs: Record<string, string | null>, ...children: (string | HTMLElement)[]): HTMLAnchorElement {
  return h("a", { ...attrs, href: path, onclick: (e: Event) => {
    const m = e as MouseEvent;
    if (m.ctrlKey || m.metaKey || m.shiftKey) return;
    e.preventDefault();
    navigate(path);
  } }, ...children);
}

export function select(id: string, options: [string, string][], value: string): HTMLSelectElement {
  const el = h("select", { id, name: id }, ...options.map(([v, text]) => h("option", { value: v }, text)));
  el.value = value;
  return el;
}

export function field(id: string, label: string, control: HTMLElement, err: HTMLElement, hint?: string): HTMLElement {
  return h("div", { class: "field adm-field" }, h("label", { for: id }, label), hint ? h("p", { class: "hint" }, hint) : null, control, err);
}

export async function loadRegions(): Promise<Region[]> {
  return (await api.get<Page<Region>>("/api/v1/regions")).items;
}

export async function loadTeams(): Promise<Team[]> {
  return (await api.get<Page<Team>>("/api/v1/teams?limit=200")).items;
}

function adminNav(active: "users" | "teams"): HTMLElement {
  const link = (path: string, key: MessageKey, on: boolean) =>
    appLink(path, { class: `btn ${on ? "btn-primary" : "btn-secondary"} adm-tab`, "aria-current": on ? "page" : null }, t(key));
  return h("nav", { class: "adm-tabs", "aria-label": t("adm.title") }, link("/admin/users", "adm.users", active === "users"), link("/admin/teams", "adm.teams", active === "teams"));
}
export { adminNav };

// ---------------------------------------------------------------- list

const listState = { q: "", showInactive: false };

export function renderUsers(): HTMLElement {
  const q = h("input", { id: "adm-q", type: "search", value: listState.q, autocomplete: "off", placeholder: t("adm.searchHint") });
  const inactive = h("input", { id: "adm-inactive", type: "checkbox", checked: listState.showInactive });
  const list = h("ul", { class: "adm-list", id: "adm-users" });
  const status = h("p", { class: "hint", role: "status" }, t("adm.loading"));
  let ticket = 0;

  async function load(): Promise<void> {
    const mine = ++ticket;
    const params = new URLSearchParams({ limit: "200" });
    if (listState.q.trim()) params.set("q", listState.q.trim());
    if (!listState.showInactive) params.set("active", "true");
    try {
      const page = await api.get<Page<AdminUser>>(`/api/v1/users?${params}`);
      if (mine !== ticket) return;
      status.textContent = t("adm.usersCount", { n: page.total });
      list.replaceChildren(
        ...page.items.map((u) =>
          h(
            "li",
            { class: `card adm-user${u.active ? "" : " adm-inactive"}` },
            appLink(
              `/admin/users/${u.id}`,
              { class: "adm-row-link" },
              h("span", { class: "card-title" }, u.display_name),
              h("span", { class: "card-meta" }, `${roleName(u.role)} · ${u.region_name ?? ""}${u.team_role ? ` · ${teamRoleName(u.team_role)}` : ""}`),
              h("span", { class: "card-meta" }, `${u.username}${u.active ? "" : ` · ${t("adm.inactive")}`}${u.must_change_password ? ` · ${t("adm.mustChange")}` : ""}`),
            ),
          ),
        ),
      );
      if (!page.items.length) list.replaceChildren(h("li", { class: "hint" }, t("adm.noUsers")));
    } catch (err) {
      if (mine === ticket) status.textContent = loadFailed(err);
    }
  }

  let timer: ReturnType<typeof setTimeout> | undefined;
  q.addEventListener("input", () => {
    listState.q = q.value;
    clearTimeout(timer);
    timer = setTimeout(() => void load(), 300);
  });
  inactive.addEventListener("change", () => {
    listState.showInactive = inactive.checked;
    void load();
  });
  void load();
  return h(
    "section",
    { class: "screen screen-wide adm", "aria-labelledby": "adm-users-title" },
    h(
      "div",
      { class: "screen-body" },
      screenHead("adm-users-title", t("adm.users")),
      adminNav("users"),
      appLink("/admin/users/new", { class: "btn btn-primary btn-block", id: "adm-new-user" }, t("adm.newUser")),
      h("div", { class: "field adm-field" }, h("label", { for: "adm-q" }, t("adm.search")), q),
      h("label", { class: "adm-check", for: "adm-inactive" }, inactive, t("adm.showInactive")),
      status,
      list,
    ),
  );
}

// ---------------------------------------------------------------- new

// What was typed, kept when the person leaves the screen and comes back (never the password
// once the user is made).
let draft: UserDraft = emptyDraft();

function fieldMessages(err: ApiError): Record<string, string> {
  return describeProblem(err.problem).fields;
}

export function renderNewUser(actor: User): HTMLElement {
  const d = draft;
  const errs = {
    display_name: errorSlot("adm-name-err"),
    username: errorSlot("adm-username-err"),
    phone: errorSlot("adm-phone-err"),
    role: errorSlot("adm-role-err"),
    region_id: errorSlot("adm-region-err"),
    team_id: errorSlot("adm-team-err"),
    team_role: errorSlot("adm-team-role-err"),
    password: errorSlot("adm-password-err"),
  };
  const name = h("input", { id: "adm-name", type: "text", value: d.display_name, autocomplete: "off", maxlength: "80" });
  const username = h("input", { id: "adm-username", type: "text", value: d.username, autocomplete: "off", autocapitalize: "none", spellcheck: "false", maxlength: "64" });
  const phone = h("input", { id: "adm-phone", type: "tel", value: d.phone, autocomplete: "off", inputmode: "tel" });
  const role = select("adm-role", givableRoles(actor.role).map((r) => [r, roleName(r)]), d.role);
  const region = select("adm-region", [["", t("adm.pick")]], d.region_id);
  const team = select("adm-team", [["", t("adm.noTeam")]], d.team_id);
  const teamRole = select("adm-team-role", TEAM_ROLES.map((r) => [r, teamRoleName(r)]), d.team_role);
  const password = h("input", { id: "adm-password", type: "text", value: d.password, autocomplete: "new-password", autocapitalize: "none", spellcheck: "false" });
  const mustChange = h("input", { id: "adm-must-change", type: "checkbox", checked: d.must_change_password });
  const controls: Record<string, HTMLElement> = { display_name: name, username, phone, role, region_id: region, team_id: team, team_role: teamRole, password };
  const status = h("p", { class: "notice", role: "alert", hidden: true });
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-block btn-huge", id: "adm-create" }, t("adm.create"));
  let teams: Team[] = [];

  const bind = (el: HTMLInputElement | HTMLSelectElement, key: keyof UserDraft) =>
    el.addEventListener(el instanceof HTMLSelectElement ? "change" : "input", () => {
      (d as unknown as Record<string, string>)[key] = el.value;
    });
  bind(name, "display_name");
  bind(username, "username");
  bind(phone, "phone");
  bind(role, "role");
  bind(team, "team_id");
  bind(teamRole, "team_role");
  bind(password, "password");
  mustChange.addEventListener("change", () => (d.must_change_password = mustChange.checked));
  region.addEventListener("change", () => {
    d.region_id = region.value;
    paintTeams();
  });
  team.addEventListener("change", () => (teamRole.disabled = !team.value));

  function paintTeams(): void {
    const here = teams.filter((tm) => String(tm.region_id) === d.region_id);
    team.replaceChildren(h("option", { value: "" }, t("adm.noTeam")), ...here.map((tm) => h("option", { value: tm.id }, tm.name)));
    team.value = here.some((tm) => tm.id === d.team_id) ? d.team_id : "";
    d.team_id = team.value;
    teamRole.disabled = !team.value;
  }

  function showErrors(messages: Record<string, string>): void {
    let first: HTMLElement | null = null;
    for (const [key, slot] of Object.entries(errs)) {
      const msg = messages[key] ?? null;
      markField(controls[key], slot, msg);
      if (msg && !first) first = controls[key];
    }
    if (first) revealField(first.closest(".field"), first);
  }

  const form = h(
    "form",
    { class: "adm-form", novalidate: true, id: "adm-new-form" },
    field("adm-name", t("field.display_name"), name, errs.display_name),
    field("adm-username", t("field.username"), username, errs.username, t("adm.usernameHint")),
    field("adm-phone", t("field.phone"), phone, errs.phone),
    field("adm-role", t("field.role"), role, errs.role),
    field("adm-region", t("field.region_id"), region, errs.region_id),
    field("adm-team", t("field.team_id"), team, errs.team_id),
    field("adm-team-role", t("field.team_role"), teamRole, errs.team_role),
    field("adm-password", t("adm.firstPassword"), password, errs.password, t("adm.firstPasswordHint")),
    h("label", { class: "adm-check", for: "adm-must-change" }, mustChange, t("adm.mustChangeBox")),
    status,
    h("div", { class: "form-actions" }, submit),
  );

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void once([submit], async () => {
      status.hidden = true;
      const missing = checkDraft(d);
      if (Object.keys(missing).length) {
        showErrors(Object.fromEntries(Object.entries(missing).map(([k, why]) => [k, why === "short" ? t("adm.passwordShort") : t("problem.field.required", { field: word(`field.${k}`) })])));
        return;
      }
      showErrors({});
      try {
        const made = await api.post<AdminUser>("/api/v1/users", createBody(d));
        draft = emptyDraft();
        showToast(t("adm.created", { name: made.display_name }));
        navigate(`/admin/users/${made.id}`);
      } catch (err) {
        if (err instanceof ApiError) {
          const messages = fieldMessages(err);
          showErrors(messages);
          if (!Object.keys(messages).some((k) => k in errs)) {
            status.textContent = problemSentence(err.problem);
            status.hidden = false;
          } else {
            status.textContent = t("adm.fixFields");
            status.hidden = false;
          }
        } else {
          status.textContent = loadFailed(err);
          status.hidden = false;
        }
      }
    });
  });

  void (async () => {
    try {
      const [regions, got] = await Promise.all([loadRegions(), loadTeams()]);
      teams = got;
      region.replaceChildren(h("option", { value: "" }, t("adm.pick")), ...regionOptions(regions).map(([v, text]) => h("option", { value: v }, text)));
      region.value = d.region_id;
      paintTeams();
    } catch (err) {
      status.textContent = loadFailed(err);
      status.hidden = false;
    }
  })();

  return h(
    "section",
    { class: "screen screen-wide adm", "aria-labelledby": "adm-new-title" },
    h("div", { class: "screen-body" }, screenHead("adm-new-title", t("adm.newUser")), form),
  );
}

// ---------------------------------------------------------------- one user

export function renderUser(actor: User, id: string): HTMLElement {
  const body = h("div", { class: "adm-user-body" }, h("p", { class: "hint", role: "status" }, t("adm.loading")));
  const status = h("p", { class: "notice", role: "alert", hidden: true });
  const secret = h("div", { class: "adm-secret", id: "adm-secret", hidden: true });
  let user: AdminUser | null = null;
  let regions: Region[] = [];
  let teams: Team[] = [];
  // The edits not yet saved, kept across a repaint.
  const edit: Record<string, string> = {};

  function say(text: string): void {
    status.textContent = text;
    status.hidden = !text;
  }

  function paint(): void {
    const u = user!;
    const mayManage = canManage(actor.role, u) && u.id !== actor.id;
    const value = (k: keyof AdminUser) => edit[k] ?? String(u[k] ?? "");
    const errs = {
      display_name: errorSlot("adm-e-name-err"),
      phone: errorSlot("adm-e-phone-err"),
      role: errorSlot("adm-e-role-err"),
      region_id: errorSlot("adm-e-region-err"),
      team_id: errorSlot("adm-e-team-err"),
      team_role: errorSlot("adm-e-team-role-err"),
    };
    const name = h("input", { id: "adm-e-name", type: "text", value: value("display_name"), maxlength: "80", disabled: !canManage(actor.role, u) });
    const phone = h("input", { id: "adm-e-phone", type: "tel", value: value("phone"), inputmode: "tel", disabled: !canManage(actor.role, u) });
    const roles = givableRoles(actor.role);
    const role = select("adm-e-role", (roles.includes(u.role) ? roles : [u.role, ...roles]).map((r) => [r, roleName(r)]), value("role"));
    role.disabled = !mayManage;
    const region = select("adm-e-region", regionOptions(regions), value("region_id"));
    region.disabled = !mayManage;
    const teamChoices = () => teams.filter((tm) => String(tm.region_id) === (edit.region_id ?? String(u.region_id)));
    const team = select("adm-e-team", [["", t("adm.noTeam")], ...teamChoices().map((tm) => [tm.id, tm.name] as [string, string])], value("team_id"));
    team.disabled = !canManage(actor.role, u);
    const teamRole = select("adm-e-team-role", TEAM_ROLES.map((r) => [r, teamRoleName(r)]), value("team_role") || "member");
    teamRole.disabled = !canManage(actor.role, u) || !team.value;
    const controls: Record<string, HTMLElement> = { display_name: name, phone, role, region_id: region, team_id: team, team_role: teamRole };
    for (const [k, el] of Object.entries(controls)) {
      el.addEventListener(el instanceof HTMLSelectElement ? "change" : "input", () => {
        edit[k] = (el as HTMLInputElement).value;
        if (k === "region_id" || k === "team_id") paint();
      });
    }
    const save = h("button", { type: "submit", class: "btn btn-primary btn-block", id: "adm-save", hidden: !canManage(actor.role, u) }, t("adm.save"));
    const form = h(
      "form",
      { class: "adm-form", novalidate: true, id: "adm-edit-form" },
      field("adm-e-name", t("field.display_name"), name, errs.display_name),
      field("adm-e-phone", t("field.phone"), phone, errs.phone),
      field("adm-e-role", t("field.role"), role, errs.role),
      field("adm-e-region", t("field.region_id"), region, errs.region_id),
      field("adm-e-team", t("field.team_id"), team, errs.team_id),
      field("adm-e-team-role", t("field.team_role"), teamRole, errs.team_role),
      h("div", { class: "form-actions" }, save),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void once([save], async () => {
        say("");
        const patch: Record<string, unknown> = {};
        if ((edit.display_name ?? u.display_name) !== u.display_name) patch.display_name = edit.display_name.trim();
        if ((edit.phone ?? (u.phone ?? "")) !== (u.phone ?? "")) patch.phone = edit.phone.trim() || null;
        if (mayManage && (edit.role ?? u.role) !== u.role) patch.role = edit.role;
        if (mayManage && (edit.region_id ?? String(u.region_id)) !== String(u.region_id)) patch.region_id = Number(edit.region_id);
        const teamId = edit.team_id ?? (u.team_id ?? "");
        if (teamId !== (u.team_id ?? "")) patch.team_id = teamId || null;
        const tr = edit.team_role ?? (u.team_role ?? "");
        if (teamId && tr && (tr !== (u.team_role ?? "") || "team_id" in patch)) patch.team_role = tr;
        if (!Object.keys(patch).length) return say(t("adm.nothingChanged"));
        try {
          user = await api.request<AdminUser>("PATCH", `/api/v1/users/${encodeURIComponent(u.id)}`, patch);
          for (const k of Object.keys(edit)) delete edit[k];
          showToast(t("adm.saved"));
          paint();
        } catch (err) {
          if (err instanceof ApiError) {
            const messages = describeProblem(err.problem).fields;
            for (const [k, slot] of Object.entries(errs)) markField(controls[k], slot, messages[k] ?? null);
            say(Object.keys(messages).some((k) => k in errs) ? t("adm.fixFields") : problemSentence(err.problem));
          } else say(loadFailed(err));
        }
      });
    });

    const reset = h("button", { type: "button", class: "btn btn-secondary btn-block", id: "adm-reset", hidden: !mayManage || !u.active }, t("adm.resetPassword"));
    reset.addEventListener("click", () =>
      void once([reset], async () => {
        const yes = await confirmStep({ title: t("adm.resetTitle", { name: u.display_name }), body: t("adm.resetBody"), confirm: t("adm.resetYes"), danger: true });
        if (!yes) return;
        try {
          const got = await api.post<{ user: AdminUser; temporary_password: string }>(`/api/v1/users/${encodeURIComponent(u.id)}/reset-password`);
          user = got.user;
          paint();
          // Shown once, here only: not kept anywhere on the phone.
          secret.replaceChildren(
            h("p", {}, t("adm.tempIs", { name: u.display_name })),
            h("p", { class: "adm-secret-value", id: "adm-temp-password" }, got.temporary_password),
            h("p", { class: "hint" }, t("adm.tempOnce")),
          );
          secret.hidden = false;
          secret.scrollIntoView({ block: "center" });
        } catch (err) {
          say(err instanceof ApiError ? problemSentence(err.problem) : loadFailed(err));
        }
      }),
    );
    const toggle = h(
      "button",
      { type: "button", class: `btn ${u.active ? "btn-danger" : "btn-secondary"} btn-block`, id: "adm-deactivate", hidden: !mayManage },
      u.active ? t("adm.deactivate") : t("adm.reactivate"),
    );
    toggle.addEventListener("click", () =>
      void once([toggle], async () => {
        if (u.active) {
          const yes = await confirmStep({ title: t("adm.deactivateTitle", { name: u.display_name }), body: t("adm.deactivateBody"), confirm: t("adm.deactivateYes"), danger: true });
          if (!yes) return;
        }
        try {
          user = await api.request<AdminUser>("PATCH", `/api/v1/users/${encodeURIComponent(u.id)}`, { active: !u.active });
          showToast(user.active ? t("adm.reactivated") : t("adm.deactivated"));
          secret.hidden = true;
          paint();
        } catch (err) {
          say(err instanceof ApiError ? problemSentence(err.problem) : loadFailed(err));
        }
      }),
    );

    body.replaceChildren(
      h(
        "div",
        { class: "card adm-summary" },
        h("p", { class: "card-title", id: "adm-user-name" }, u.display_name),
        h("p", { class: "card-meta" }, `${u.username} · ${roleName(u.role)} · ${u.region_name ?? ""}`),
        h("p", { class: `card-meta${u.active ? "" : " adm-warn"}`, id: "adm-user-state" }, u.active ? t("adm.active") : t("adm.inactive")),
        u.must_change_password ? h("p", { class: "card-meta adm-warn" }, t("adm.mustChange")) : null,
        u.created_at ? h("p", { class: "card-meta" }, t("adm.createdAt", { time: formatDateTime(u.created_at) })) : null,
      ),
      !canManage(actor.role, u) ? h("p", { class: "notice" }, t("adm.adminOnly")) : "",
      u.id === actor.id ? h("p", { class: "notice" }, t("adm.notYourself")) : "",
      form,
      h("div", { class: "adm-danger-zone" }, reset, toggle),
    );
  }

  void (async () => {
    try {
      [user, regions, teams] = await Promise.all([api.get<AdminUser>(`/api/v1/users/${encodeURIComponent(id)}`), loadRegions(), loadTeams()]);
      paint();
    } catch (err) {
      body.replaceChildren(h("p", { class: "notice" }, loadFailed(err)));
    }
  })();

  return h(
    "section",
    { class: "screen screen-wide adm", "aria-labelledby": "adm-user-title" },
    h("div", { class: "screen-body" }, screenHead("adm-user-title", t("adm.user")), adminNav("users"), secret, status, body),
  );
}
