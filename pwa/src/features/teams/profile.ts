// 队员档案 (/members/<id>): the member's name, role, stage, background, skills and certificates
// (each expiry in words), the recruiting rules' flags in words, the path as a timeline and this
// year's training hours. The personal part only when the server shows it (the member, their
// captain, the desk); otherwise it says who may see it. The last answer is kept on this phone per
// account and shown, with its time, when the server cannot be reached. The captain and the desk
// open 修改档案 and record 下一步 (asked first: a step is recorded for good), both online only.
import "./rules.css";
import "./profile.css";
import { h, whileAttached } from "../../shared/dom";
import { screenHead } from "../../shared/ui";
import { navigate } from "../../shared/router";
import { once } from "../../shared/guard";
import { confirmStep } from "../../shared/confirm";
import { isOnline, onNetworkChange } from "../../shared/network";
import { t, type MessageKey } from "../../i18n";
import { api, ApiError, OfflineError, type User } from "../../api";
import { describeProblem, problemSentence } from "../../i18n/problem";
import { problemSlug } from "../../data/problem";
import { keepCopy, keptLoader, readCopy, type KeptCopy } from "../../shared/kept-view";
import { dayWords } from "./readiness-model";
import {
  backgroundWord,
  certState,
  certWords,
  chinaDay,
  educationWordOf,
  hoursText,
  mobileDigits,
  nextSteps,
  PROFILE_EDIT_ROLES,
  profileFlagLines,
  readHours,
  readProfile,
  stageWord,
  teamRoleWord,
  thisYear,
  type Hours,
  type Profile,
  type Stage,
} from "./profile-model";

export interface KeptProfile {
  profile: unknown;
  hours: unknown;
}

export const keptProfileKey = (memberId: string) => `member_profile:${memberId}`;

/** Keeps the server's answer on this phone for this account (the hours kept as they were). */
export async function keepProfile(user: User, memberId: string, profile: unknown, hours?: unknown): Promise<void> {
  const oldHours = hours === undefined ? ((await keptProfile(user, memberId))?.data.hours ?? null) : hours;
  await keepCopy<KeptProfile>(keptProfileKey(memberId), user.id, { profile, hours: oldHours });
}

export function keptProfile(user: User, memberId: string): Promise<KeptCopy<KeptProfile> | null> {
  return readCopy<KeptProfile>(keptProfileKey(memberId), user.id);
}

/** The captain of the member's own team, or the desk (the server checks the same). */
export function mayEdit(user: User, p: Profile): boolean {
  if (!PROFILE_EDIT_ROLES.has(user.role) || !p.personalVisible) return false;
  if (user.role !== "captain") return true;
  return (user as { team_id?: string | null }).team_id === p.teamId;
}

const row = (label: string, value: string | HTMLElement, id?: string) => h("div", { class: "pf-row", id }, h("dt", {}, label), h("dd", {}, value));

function certList(p: Profile, today: string): HTMLElement {
  if (!p.certificates.length) return h("p", { class: "hint", id: "pf-certs" }, t("profile.noCerts"));
  return h(
    "ul",
    { class: "pf-certs", id: "pf-certs" },
    ...p.certificates.map((c) => {
      const { state } = certState(c.expiresOn, today);
      return h(
        "li",
        { class: `pf-cert pf-cert-${state}`, "data-state": state },
        h("strong", {}, c.name),
        c.number ? h("span", { class: "pf-cert-number" }, t("profile.certNumber", { n: c.number })) : null,
        h("span", { class: "pf-cert-when" }, certWords(c.expiresOn, today)),
      );
    }),
  );
}

function flagBlock(p: Profile): HTMLElement {
  const lines = profileFlagLines(p);
  return h(
    "section",
    { class: "card", "aria-labelledby": "pf-flags-title" },
    h("h2", { id: "pf-flags-title" }, t("profile.flags")),
    lines.length
      ? h("ul", { class: "flags-why pf-flags", id: "pf-flags" }, ...lines.map((l) => h("li", { class: l.unchecked ? "flags-unchecked" : "flags-broken", "data-rule": l.rule }, l.text)))
      : h("p", { class: "ready-ok", id: "pf-flags" }, t("profile.flagsNone")),
  );
}

function personalBlock(p: Profile): HTMLElement {
  if (!p.personalVisible)
    return h("section", { class: "card", "aria-labelledby": "pf-personal-title" }, h("h2", { id: "pf-personal-title" }, t("profile.personal")), h("p", { class: "hint", id: "pf-personal-hidden" }, t("profile.personalHidden")));
  const nr = t("profile.notRecorded");
  return h(
    "section",
    { class: "card", "aria-labelledby": "pf-personal-title" },
    h("h2", { id: "pf-personal-title" }, t("profile.personal")),
    h(
      "dl",
      { class: "pf-rows", id: "pf-personal" },
      row(t("profile.birth"), p.birthDate ? (p.age === null ? dayWords(p.birthDate) : t("profile.birthAge", { date: dayWords(p.birthDate), age: p.age })) : nr, "pf-birth"),
      row(t("profile.education"), educationWordOf(p.education), "pf-education"),
      row(t("profile.phone"), p.phone ? mobileDigits(p.phone) : nr, "pf-phone"),
      row(t("profile.contact"), p.contact ? t("profile.contactOf", { name: p.contact.name, phone: mobileDigits(p.contact.phone) }) : nr, "pf-contact"),
    ),
  );
}

function pathBlock(p: Profile): HTMLElement {
  return h(
    "section",
    { class: "card", "aria-labelledby": "pf-path-title" },
    h("h2", { id: "pf-path-title" }, t("profile.path")),
    p.steps.length
      ? h(
          "ol",
          { class: "pf-path", id: "pf-path" },
          // The latest first: what the member is now is what is read first.
          ...[...p.steps].reverse().map((s) =>
            h(
              "li",
              { class: "pf-step", "data-to": s.to ?? "" },
              h("p", { class: "pf-step-when" }, dayWords(s.happenedOn)),
              h("p", { class: "pf-step-what" }, s.from ? t("profile.pathFrom", { from: stageWord(s.from), to: stageWord(s.to) }) : stageWord(s.to)),
              h("p", { class: "pf-step-by" }, t("profile.pathBy", { name: s.byName })),
              s.note ? h("p", { class: "pf-step-note" }, s.note) : null,
            ),
          ),
        )
      : h("p", { class: "hint", id: "pf-path" }, t("profile.pathNone")),
  );
}

function hoursBlock(hours: Hours | null, why: string): HTMLElement {
  const body = hours
    ? [
        h("p", { class: "hint" }, t("profile.hoursPeriod", { from: dayWords(hours.from), to: dayWords(hours.to) })),
        h("p", { class: "pf-hours-total", id: "pf-hours-total" }, t("profile.hoursTotal", { h: hoursText(hours.hours), n: hours.trainings })),
        h("ul", { class: "pf-kinds", id: "pf-hours-kinds" }, ...hours.byKind.map((k) => h("li", { "data-kind": k.kind }, t("profile.hoursKind", { kind: t(`training.kind.${k.kind}` as MessageKey), h: hoursText(k.hours) })))),
      ]
    : [h("p", { class: "hint", id: "pf-hours-total" }, why)];
  return h("section", { class: "card", "aria-labelledby": "pf-hours-title" }, h("h2", { id: "pf-hours-title" }, t("profile.hours")), ...body);
}

export function renderProfile(user: User, memberId: string): HTMLElement {
  const status = h("p", { class: "hint", id: "pf-status", "aria-live": "polite" }, t("profile.loading"));
  const body = h("div", { class: "pf-body", id: "pf-body" });
  const actions = h("div", { class: "pf-actions", id: "pf-actions" });
  const refresh = h("button", { type: "button", class: "btn btn-secondary btn-block", id: "pf-refresh" }, t("profile.refresh"));
  const netSensitive: HTMLButtonElement[] = [];
  let hoursWhy = "";

  function paintNetwork(): void {
    const online = isOnline();
    for (const b of netSensitive) if (b.dataset.busy !== "true") b.disabled = !online;
    section.querySelectorAll<HTMLElement>(".pf-offline-why").forEach((el) => (el.hidden = online));
  }

  function stepBox(p: Profile): HTMLElement {
    const today = chinaDay();
    const date = h("input", { id: "pf-next-date", type: "date", value: today, max: today, min: "1990-01-01" }) as HTMLInputElement;
    const note = h("textarea", { id: "pf-next-note", rows: 2, maxlength: 500 }) as HTMLTextAreaElement;
    const said = h("p", { class: "notice", id: "pf-next-said", role: "status", hidden: true });
    const dateErr = h("p", { class: "form-error field-error", id: "pf-next-date-error", role: "alert" });
    const say = (text: string, tone = "") => {
      said.textContent = text;
      said.className = `notice ${tone}`.trim();
      said.hidden = !text;
    };
    const steps = nextSteps(p.stage);
    const buttons = steps.map((to) => h("button", { type: "button", class: `btn ${to === "inactive" ? "btn-secondary btn-danger" : "btn-primary"} pf-next-btn`, "data-to": to }, t("profile.nextTo", { to: stageWord(to) })) as HTMLButtonElement);
    netSensitive.push(...buttons);
    buttons.forEach((btn, i) =>
      btn.addEventListener("click", () =>
        void once(buttons, async () => {
          say("");
          const to: Stage = steps[i];
          const day = date.value;
          dateErr.textContent = "";
          if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || day > chinaDay() || day < "1990-01-01") {
            dateErr.textContent = t("profile.nextErr.date");
            date.focus();
            return;
          }
          const yes = await confirmStep({
            title: t("profile.nextConfirmTitle", { name: p.name, from: stageWord(p.stage), to: stageWord(to) }),
            body: [t("profile.nextConfirmBody", { date: dayWords(day) }), note.value.trim() ? t("profile.nextConfirmNote", { note: note.value.trim() }) : ""].filter(Boolean).join(" "),
            confirm: t("profile.nextConfirmYes"),
            danger: to === "inactive",
          });
          if (!yes) return;
          say(t("profile.nextSaving"));
          try {
            const answer = await api.post<unknown>(`/api/v1/members/${encodeURIComponent(memberId)}/path`, { to, happened_on: day, note: note.value.trim() });
            void keepProfile(user, memberId, answer);
            paint(readProfile(answer));
            const done = section.querySelector<HTMLElement>("#pf-next-said");
            if (done) {
              done.hidden = false;
              done.className = "notice";
              done.textContent = t("profile.nextDone", { name: p.name, to: stageWord(to) });
            }
          } catch (err) {
            if (err instanceof OfflineError) return say(t("profile.noAnswer"), "notice-error");
            if (err instanceof ApiError && problemSlug(err.problem) === "member-path") {
              await load();
              const again = section.querySelector<HTMLElement>("#pf-next-said");
              if (again) {
                again.hidden = false;
                again.className = "notice notice-error";
                again.textContent = t("profile.nextRefused");
              }
              return;
            }
            say(err instanceof ApiError ? describeProblem(err.problem).message : t("profile.noAnswer"), "notice-error");
          }
        }).then(paintNetwork),
      ),
    );
    return h(
      "section",
      { class: "card pf-next", "aria-labelledby": "pf-next-title" },
      h("h2", { id: "pf-next-title" }, t("profile.next")),
      h("p", { class: "hint" }, steps.length ? t("profile.nextHint") : t("profile.nextNone")),
      steps.length
        ? h(
            "div",
            { class: "pf-next-form" },
            h("div", { class: "field" }, h("label", { for: "pf-next-date" }, t("profile.nextDate")), date, dateErr),
            h("div", { class: "field" }, h("label", { for: "pf-next-note" }, t("profile.nextNote")), note),
            h("div", { class: "pf-next-buttons" }, ...buttons),
          )
        : null,
      h("p", { class: "notice notice-warn pf-offline-why", id: "pf-next-offline" }, t("profile.nextOffline")),
      said,
    );
  }

  function paint(p: Profile, hours: Hours | null = null, keepHours = true): void {
    const today = chinaDay();
    const oldHours = keepHours ? body.querySelector("#pf-hours") : null;
    netSensitive.length = 0;
    body.replaceChildren(
      h(
        "section",
        { class: "card", "aria-labelledby": "pf-name" },
        h("h2", { id: "pf-name", class: "pf-name" }, p.name),
        h(
          "dl",
          { class: "pf-rows" },
          row(t("profile.role"), p.teamRole ? teamRoleWord(p.teamRole) : t("profile.notRecorded"), "pf-role"),
          row(t("profile.stage"), h("span", { class: `pf-stage pf-stage-${p.stage ?? "none"}`, "data-stage": p.stage ?? "" }, stageWord(p.stage)), "pf-stage"),
          row(t("profile.background"), backgroundWord(p.background), "pf-background"),
        ),
        h("h3", {}, t("profile.skills")),
        p.skills.length ? h("ul", { class: "pf-skills", id: "pf-skills" }, ...p.skills.map((s) => h("li", {}, s))) : h("p", { class: "hint", id: "pf-skills" }, t("profile.noSkills")),
        h("h3", {}, t("profile.certs")),
        certList(p, today),
      ),
      p.personalVisible ? flagBlock(p) : h("span", { hidden: true }),
      personalBlock(p),
      p.personalVisible ? pathBlock(p) : h("span", { hidden: true }),
      oldHours && !hours ? (oldHours as HTMLElement) : h("div", { id: "pf-hours" }, hoursBlock(hours, hoursWhy || t("profile.loading"))),
    );
    if (mayEdit(user, p)) {
      const edit = h("button", { type: "button", class: "btn btn-primary btn-block btn-huge", id: "pf-edit", onclick: () => navigate(`/members/${encodeURIComponent(memberId)}/edit`) }, t("profile.edit")) as HTMLButtonElement;
      netSensitive.push(edit);
      actions.replaceChildren(stepBox(p), h("div", { class: "form-actions" }, h("p", { class: "notice notice-warn pf-offline-why", id: "pf-edit-offline" }, t("profile.editOffline")), edit));
    } else actions.replaceChildren();
    paintNetwork();
  }

  async function loadHours(): Promise<unknown> {
    const { from, to } = thisYear(chinaDay());
    try {
      return await api.get<unknown>(`/api/v1/members/${encodeURIComponent(memberId)}/training-hours?from=${from}&to=${to}`);
    } catch (err) {
      if (err instanceof ApiError) hoursWhy = err.status === 403 ? t("profile.hoursHidden") : t("profile.hoursFailed", { why: problemSentence(err.problem) });
      else throw err;
      return null;
    }
  }

  const load = keptLoader<KeptProfile>({
    userId: user.id,
    key: keptProfileKey(memberId),
    read: async () => {
      const [profile, hours] = await Promise.all([api.get<unknown>(`/api/v1/members/${encodeURIComponent(memberId)}/profile`), loadHours()]);
      return { profile, hours };
    },
    paint: (k) => paint(readProfile(k.profile), k.hours ? readHours(k.hours) : null, false),
    status,
    refresh,
    words: { asOf: "profile.asOf", offlineAt: "profile.offlineAt", offlineNone: "profile.offlineNone" },
    refused: (err) => (err.status === 404 ? t("profile.notFound") : problemSentence(err.problem)),
  });

  refresh.onclick = () => void load();
  const section = h(
    "section",
    { class: "screen screen-wide pf", "aria-labelledby": "pf-title" },
    h("div", { class: "screen-body" }, screenHead("pf-title", t("profile.title")), status, body, refresh, actions),
  );
  whileAttached<boolean>(section, onNetworkChange, paintNetwork);
  void load();
  return section;
}
