// 修改档案 (/members/<id>/edit): the member's captain or the desk changes birth date, education,
// background (48 px choices), skills and certificates (rows added and removed), and the emergency
// contact. Checked on the phone before it is sent; every change kept as a draft on this phone and
// read back when the form opens again; online only (no op type: with no signal the button is shut
// and says why, and the draft stays); sent once per tap; a refusal said from its problem type.
// After saving, the profile screen shows the server's fresh answer, its flags with it.
import "./profile.css";
import { api, ApiError, OfflineError, type User } from "../../api";
import { h, whileAttached } from "../../shared/dom";
import { navigate } from "../../shared/router";
import { screenHead } from "../../shared/ui";
import { errorSlot, markField, revealField } from "../../shared/form-errors";
import { once } from "../../shared/guard";
import { confirmStep } from "../../shared/confirm";
import { showToast } from "../../shared/toast";
import { isOnline, onNetworkChange } from "../../shared/network";
import { describeProblem } from "../../i18n/problem";
import { getLang, t, type MessageKey } from "../../i18n";
import { deleteDraft, getDraft, saveDraft } from "../../data/stores";
import { savedAtText } from "../desk/draft";
import { keepProfile, keptProfile, mayEdit } from "./profile";
import {
  BACKGROUNDS,
  EDUCATION,
  checkProfileForm,
  chinaDay,
  errorWords,
  formOf,
  profileBody,
  readProfile,
  restoreForm,
  type ProfileErrors,
  type ProfileForm,
  type Profile,
} from "./profile-model";

const SAVE_MS = 300;

export function renderProfileForm(user: User, memberId: string): HTMLElement {
  const key = `member-profile:${user.id}:${memberId}`;
  let before: Profile | null = null;
  let form: ProfileForm = { birth_date: "", education: "", background: "", skills: [], certificates: [], contact_name: "", contact_phone: "" };
  let saveTimer: ReturnType<typeof setTimeout> | null = null;
  let finished = false;
  let blocked = true;

  const who = h("p", { class: "hint", id: "pff-who" });
  const missing = h("p", { class: "notice notice-warn", id: "pff-missing", hidden: true });
  const restored = h("p", { class: "notice", id: "pff-restored", hidden: true });
  // The form shows once the profile (and any kept draft) is read: typing into it before then would
  // be overwritten by what arrives (seen on a slow phone: the birth date typed first was lost).
  const loading = h("p", { class: "hint", id: "pff-loading", "aria-live": "polite" }, t("desk.loading"));
  const draftLine = h("p", { class: "draft-line", id: "pff-draft", "aria-live": "polite" });
  const netLine = h("p", { class: "notice notice-warn", id: "pff-offline", hidden: true }, t("pf.offline"));
  const errorBox = h("p", { class: "notice notice-error", id: "pff-error", role: "alert", hidden: true });
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-block btn-huge", id: "pff-save" }, t("pf.save")) as HTMLButtonElement;
  const discard = h("button", { type: "button", class: "btn btn-secondary btn-block", id: "pff-discard" }, t("pf.discard")) as HTMLButtonElement;

  const writeNow = () => {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = null;
    if (finished) return;
    const at = new Date().toISOString();
    saveDraft({ key, saved_at: at, ...form }).then(
      () => {
        draftLine.textContent = t("deskf.savedAt", { time: savedAtText(at, getLang()) });
        // Everything typed so far is on the phone (unless more came in meanwhile).
        if (!saveTimer) draftLine.dataset.pending = "false";
      },
      () => (draftLine.textContent = t("deskf.notSaved")),
    );
  };
  const changed = () => {
    draftLine.dataset.pending = "true";
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = setTimeout(writeNow, SAVE_MS);
  };

  // Fields: slots by the keys checkProfileForm answers with.
  const slots = new Map<string, HTMLElement>();
  const controls = new Map<string, HTMLElement | HTMLElement[]>();
  const slot = (k: string) => {
    let s = slots.get(k);
    if (!s) slots.set(k, (s = errorSlot(`pff-err-${k.replace(/\./g, "-")}`)));
    return s;
  };
  const setError = (k: string, message: string | null) => {
    const c = controls.get(k);
    if (c) markField(c, slot(k), message);
    else slot(k).textContent = message ?? "";
  };
  const clearErrors = () => {
    for (const k of slots.keys()) setError(k, null);
  };

  const birth = h("input", { id: "pff-birth", type: "date", min: "1900-01-01", max: chinaDay() }) as HTMLInputElement;
  const onBirth = () => {
    form.birth_date = birth.value;
    setError("birth_date", null);
    changed();
  };
  birth.addEventListener("input", onBirth);
  birth.addEventListener("change", onBirth);
  controls.set("birth_date", birth);

  function chips(name: "education" | "background", values: readonly string[], word: (v: string) => string): { row: HTMLElement; inputs: HTMLInputElement[] } {
    const inputs = ["", ...values].map((v) => {
      const input = h("input", { type: "radio", name: `pff-${name}`, value: v, class: "visually-hidden" }) as HTMLInputElement;
      input.addEventListener("change", () => {
        if (!input.checked) return;
        form[name] = v;
        setError(name, null);
        changed();
      });
      return input;
    });
    controls.set(name, inputs);
    const row = h(
      "div",
      { class: "chip-row pf-chips", id: `pff-${name}`, role: "radiogroup", "aria-labelledby": `pff-${name}-label` },
      ...inputs.map((input) => h("label", { class: "chip" }, input, h("span", { class: "chip-face" }, input.value ? word(input.value) : t("pf.none")))),
    );
    return { row, inputs };
  }
  const edu = chips("education", EDUCATION, (v) => t(`trules.edu.${v}` as MessageKey));
  const bg = chips("background", BACKGROUNDS, (v) => t(`profile.bg.${v}` as MessageKey));

  // Skills and certificates: rows drawn from the form, drawn again on add and remove.
  const skillsBox = h("div", { class: "pf-rows-edit", id: "pff-skills" });
  const certsBox = h("div", { class: "pf-rows-edit", id: "pff-certs" });
  function paintSkills(): void {
    for (const k of [...controls.keys()]) if (k.startsWith("skill.")) controls.delete(k);
    skillsBox.replaceChildren(
      ...form.skills.map((s, i) => {
        const input = h("input", { id: `pff-skill-${i}`, type: "text", value: s, maxlength: 60, autocomplete: "off" }) as HTMLInputElement;
        input.value = s;
        input.addEventListener("input", () => {
          form.skills[i] = input.value;
          setError(`skill.${i}`, null);
          changed();
        });
        controls.set(`skill.${i}`, input);
        const remove = h("button", { type: "button", class: "btn btn-secondary pf-remove", "aria-label": t("pf.removeSkill", { n: i + 1 }) }, "✕");
        remove.addEventListener("click", () => {
          form.skills.splice(i, 1);
          paintSkills();
          changed();
        });
        return h("div", { class: "field pf-line" }, h("label", { for: input.id, class: "visually-hidden" }, t("pf.skill", { n: i + 1 })), h("div", { class: "pf-line-row" }, input, remove), slot(`skill.${i}`));
      }),
    );
  }
  function paintCerts(): void {
    for (const k of [...controls.keys()]) if (k.startsWith("cert.")) controls.delete(k);
    certsBox.replaceChildren(
      ...form.certificates.map((c, i) => {
        const input = (part: "name" | "number" | "expires_on", label: string, attrs: Record<string, string | number>) => {
          const el = h("input", { id: `pff-cert-${i}-${part}`, autocomplete: "off", ...attrs }) as HTMLInputElement;
          el.value = c[part];
          const on = () => {
            form.certificates[i][part] = el.value;
            setError(`cert.${i}.${part}`, null);
            changed();
          };
          el.addEventListener("input", on);
          el.addEventListener("change", on);
          controls.set(`cert.${i}.${part}`, el);
          return h("div", { class: "field" }, h("label", { for: el.id }, label), el, slot(`cert.${i}.${part}`));
        };
        const remove = h("button", { type: "button", class: "btn btn-secondary btn-danger pf-remove-cert", id: `pff-cert-${i}-remove` }, t("pf.removeCert", { n: i + 1 }));
        remove.addEventListener("click", () => {
          form.certificates.splice(i, 1);
          paintCerts();
          changed();
        });
        return h(
          "fieldset",
          { class: "pf-cert-edit", "data-index": String(i) },
          h("legend", {}, t("pf.certN", { n: i + 1 })),
          input("name", t("pf.certName"), { type: "text", maxlength: 80 }),
          input("number", t("pf.certNumber"), { type: "text", maxlength: 60 }),
          input("expires_on", t("pf.certExpires"), { type: "date" }),
          remove,
        );
      }),
    );
  }
  const addSkill = h("button", { type: "button", class: "btn btn-secondary btn-block", id: "pff-add-skill" }, t("pf.addSkill"));
  addSkill.addEventListener("click", () => {
    form.skills.push("");
    paintSkills();
    skillsBox.querySelector<HTMLInputElement>(`#pff-skill-${form.skills.length - 1}`)?.focus();
  });
  const addCert = h("button", { type: "button", class: "btn btn-secondary btn-block", id: "pff-add-cert" }, t("pf.addCert"));
  addCert.addEventListener("click", () => {
    form.certificates.push({ name: "", number: "", expires_on: "" });
    paintCerts();
    certsBox.querySelector<HTMLInputElement>(`#pff-cert-${form.certificates.length - 1}-name`)?.focus();
  });

  const contactName = h("input", { id: "pff-contact-name", type: "text", maxlength: 80, autocomplete: "off" }) as HTMLInputElement;
  const contactPhone = h("input", { id: "pff-contact-phone", type: "tel", inputmode: "numeric", maxlength: 16, autocomplete: "off" }) as HTMLInputElement;
  contactName.addEventListener("input", () => {
    form.contact_name = contactName.value;
    setError("contact_name", null);
    changed();
  });
  contactPhone.addEventListener("input", () => {
    form.contact_phone = contactPhone.value;
    setError("contact_phone", null);
    changed();
  });
  controls.set("contact_name", contactName);
  controls.set("contact_phone", contactPhone);

  function fill(): void {
    birth.value = form.birth_date;
    for (const i of edu.inputs) i.checked = i.value === form.education;
    for (const i of bg.inputs) i.checked = i.value === form.background;
    contactName.value = form.contact_name;
    contactPhone.value = form.contact_phone;
    paintSkills();
    paintCerts();
  }

  const net = () => {
    const off = !isOnline();
    netLine.hidden = !off;
    submit.disabled = off || blocked || submit.dataset.busy === "true";
    if (off) submit.setAttribute("aria-describedby", "pff-offline");
    else submit.removeAttribute("aria-describedby");
  };

  const groupOf = (k: string) => (k.startsWith("skill.") ? "skills" : k.startsWith("cert.") ? "certificates" : k);
  function showErrors(errors: [string, string][]): void {
    for (const [k, m] of errors) setError(k, m);
    const first = errors[0]?.[0];
    if (!first) return;
    const c = controls.get(first);
    const el = Array.isArray(c) ? c[0] : c;
    revealField(el?.closest(".field, fieldset") ?? section.querySelector(`[data-group="${groupOf(first)}"]`), el ?? null);
  }

  async function send(): Promise<void> {
    errorBox.hidden = true;
    clearErrors();
    const local: ProfileErrors = checkProfileForm(form, chinaDay());
    const bad = Object.entries(local);
    if (bad.length) {
      errorBox.textContent = t("pf.checkFirst");
      errorBox.hidden = false;
      return showErrors(bad.map(([k, e]) => [k, errorWords(k, e)]));
    }
    if (!isOnline() || !before) return net();
    writeNow();
    try {
      const answer = await api.put<unknown>(`/api/v1/members/${encodeURIComponent(memberId)}/profile`, profileBody(form));
      finished = true;
      if (saveTimer) clearTimeout(saveTimer);
      await deleteDraft(key).catch(() => undefined);
      await keepProfile(user, memberId, answer);
      showToast(t("pf.saved"));
      navigate(`/members/${encodeURIComponent(memberId)}`, true);
    } catch (err) {
      if (err instanceof OfflineError) errorBox.textContent = t("pf.noAnswer");
      else if (err instanceof ApiError) {
        // Words from the problem's type and its field names, never the server's own sentence.
        const d = describeProblem(err.problem);
        const placed: [string, string][] = [];
        const where: Record<string, string> = { birth_date: "birth_date", education: "education", background: "background", skills: "skills", certificates: "certificates", emergency_contact: "contact_phone" };
        for (const [name, message] of Object.entries(d.fields)) if (where[name]) placed.push([where[name], message]);
        showErrors(placed);
        errorBox.textContent = d.message;
      } else errorBox.textContent = t("report.error.storage");
      errorBox.hidden = false;
    }
  }

  const group = (name: string, title: string, ...children: (HTMLElement | null)[]) =>
    h("div", { class: "field pf-group", "data-group": name }, h("p", { class: "field-label", id: `pff-${name}-label` }, title), ...children, slot(name));
  const formEl = h(
    "form",
    { class: "pf-form", id: "pff-form", novalidate: true, hidden: true },
    h("div", { class: "field", "data-group": "birth_date" }, h("label", { for: "pff-birth" }, t("pf.birth")), h("p", { class: "hint", id: "pff-birth-hint" }, t("pf.birthHint")), birth, slot("birth_date")),
    group("education", t("pf.education"), edu.row),
    group("background", t("pf.background"), bg.row),
    group("skills", t("pf.skills"), skillsBox, addSkill),
    group("certificates", t("pf.certs"), certsBox, addCert),
    h(
      "fieldset",
      { class: "pf-contact", "data-group": "contact" },
      h("legend", {}, t("pf.contact")),
      h("p", { class: "hint" }, t("pf.contactHint")),
      h("div", { class: "field" }, h("label", { for: "pff-contact-name" }, t("pf.contactName")), contactName, slot("contact_name")),
      h("div", { class: "field" }, h("label", { for: "pff-contact-phone" }, t("pf.contactPhone")), contactPhone, slot("contact_phone")),
    ),
    errorBox,
    netLine,
    draftLine,
    h("div", { class: "form-actions" }, submit, discard),
  );
  formEl.addEventListener("submit", (e) => {
    e.preventDefault();
    void once([submit], send).then(net);
  });
  discard.addEventListener("click", () =>
    void once([discard], async () => {
      if (!(await confirmStep({ title: t("pf.discardTitle"), confirm: t("pf.discard"), danger: true }))) return;
      if (saveTimer) clearTimeout(saveTimer);
      await deleteDraft(key).catch(() => undefined);
      if (before) form = formOf(before);
      restored.hidden = true;
      draftLine.textContent = "";
      errorBox.hidden = true;
      clearErrors();
      fill();
    }),
  );

  const section = h(
    "section",
    { class: "screen pf pf-edit", "aria-labelledby": "pff-title" },
    h("div", { class: "screen-body" }, screenHead("pff-title", t("pf.title")), who, loading, missing, restored, formEl),
  );

  async function start(): Promise<void> {
    let raw: unknown = null;
    try {
      raw = await api.get<unknown>(`/api/v1/members/${encodeURIComponent(memberId)}/profile`);
      void keepProfile(user, memberId, raw);
    } catch {
      raw = (await keptProfile(user, memberId))?.data.profile ?? null;
    }
    before = raw ? readProfile(raw) : null;
    loading.hidden = true;
    if (!before || !mayEdit(user, before)) {
      missing.hidden = false;
      missing.textContent = before ? t("pf.noRight") : t("pf.notKept");
      formEl.hidden = true;
      return;
    }
    who.textContent = t("pf.of", { name: before.name });
    form = formOf(before);
    const draft = await getDraft(key).catch(() => undefined);
    if (draft) {
      form = restoreForm(draft, form);
      restored.hidden = false;
      restored.textContent = t("pf.restored", { time: savedAtText(String(draft.saved_at ?? ""), getLang()) });
    }
    blocked = false;
    fill();
    formEl.hidden = false;
    net();
  }
  net();
  void start();
  whileAttached<boolean>(section, onNetworkChange, net);
  return section;
}
