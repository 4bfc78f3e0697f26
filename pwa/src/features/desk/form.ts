// The duty desk's "新建调度" form: choose the incident (an open one of the region, or a new one),
// say what, where and who, send. Quick enough at 3 a.m. and it never loses what was typed: every
// change is written to the phone (the "drafts" store) within a moment and read back when the form
// opens again, even after the page was closed. The draft goes only once the server answered 201.
// An order is never queued to go out later by itself (an hour late it may send people into a
// danger that changed): with no network the form says so, keeps everything and waits for a tap.
import { markField, revealField } from "../../shared/form-errors";
import { describeProblem, problemSentence } from "../../i18n/problem";
import { h, whileAttached } from "../../shared/dom";
import { navigate } from "../../shared/router";
import { showToast } from "../../shared/toast";
import { screenHead } from "../../shared/ui";
import { failureText, fixText, GeoError, locate, type Fix } from "../../shared/geo";
import { pickOnMap } from "../../shared/picker";
import { isOnline, onNetworkChange } from "../../shared/network";
import { formatDateTime, getLang, t, type MessageKey } from "../../i18n";
import { api, ApiError, OfflineError } from "../../api";
import { getMeta, setMeta } from "../../data/db";
import { cachedMe } from "../auth/session";
import {
  checkDraft,
  discardOrderDraft,
  draftHasContent,
  draftKey,
  emptyOrderDraft,
  incidentBody,
  INCIDENT_KINDS,
  loadOrderDraft,
  NEW_INCIDENT,
  orderBody,
  placeErrors,
  savedAtText,
  SEVERITIES,
  stepHeadcount,
  storeOrderDraft,
  toggleTarget,
  type FormField,
  type OrderDraft,
} from "./draft";
import { coverOf, coverWords } from "../teams/insurance-model";
import { fetchOpenIncidents, incidentLabel, incidentLines, incidentOptions, kindName, type Incident } from "./form-incidents";

interface Team {
  id: string;
  name: string;
  size?: number;
}
interface Member {
  id: string;
  display_name: string;
  username: string;
  /** Valid accident cover today (China time); absent in a list kept before the server said. */
  insured?: boolean;
  insurance_until?: string | null;
}
/** The last lists the server gave, kept so the form reads right with no network. */
interface Lists {
  teams: Team[];
  members: Member[];
  incidents: Incident[];
  at: string;
}

// The draft being edited, in memory too: a re-drawn form (language switch) takes it from here at
// once, and a write is made only while its draft is still the live one (not after it was sent or
// discarded).
const live = new Map<string, OrderDraft>();
// Writes of one key, one after the other, so a discard or the final delete comes after them.
const chains = new Map<string, Promise<unknown>>();
const queue = (key: string, job: () => Promise<unknown>): Promise<unknown> => {
  const next = (chains.get(key) ?? Promise.resolve()).then(job, job);
  chains.set(key, next.catch(() => undefined));
  return next;
};

const SAVE_MS = 300;

export function renderOrderForm(): HTMLElement {
  const userId = cachedMe()?.user?.id ?? null;
  const key = draftKey(userId);
  const listsKey = `desk_form_lists:${userId ?? "anon"}`;
  const fromMemory = live.get(key);
  let draft: OrderDraft = fromMemory ?? emptyOrderDraft(key);
  let touched = false;
  let sending = false;
  let saveTimer: ReturnType<typeof setTimeout> | null = null;
  let openList: Incident[] = [];
  let listFresh = false;
  let teams: Team[] | null = null;
  let members: Member[] | null = null;
  let errorKind: "" | "network" | "other" = "";
  // Set once the form is on the page: a replaced copy (language switch) then stops listening.
  let shown = false;

  // Status lines -------------------------------------------------------------------------------
  const restoredNote = h("p", { class: "notice", id: "new-restored", hidden: true });
  const savedLine = h("p", { class: "draft-line", id: "new-draft-status", "aria-live": "polite" });
  const netLine = h("p", { class: "hint net-line", id: "new-net", hidden: true }, t("deskf.offlineNow"));
  const errorBox = h("p", { class: "notice notice-error", id: "new-error", role: "alert", hidden: true });

  const showSaved = (at: string) => {
    const text = t("deskf.savedAt", { time: savedAtText(at, getLang()) });
    if (savedLine.textContent !== text) savedLine.textContent = text;
    savedLine.classList.remove("draft-line-bad");
  };
  const showSaveFailed = () => {
    savedLine.textContent = t("deskf.notSaved");
    savedLine.classList.add("draft-line-bad");
  };

  // Writing the draft ----------------------------------------------------------------------------
  const writeNow = () => {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = null;
    const d = draft;
    void queue(key, async () => {
      if (live.get(key) !== d) return; // sent or discarded meanwhile: write nothing back
      try {
        d.saved_at = await storeOrderDraft(d);
        if (form.isConnected) showSaved(d.saved_at);
      } catch {
        if (form.isConnected) showSaveFailed();
      }
    });
  };
  const changed = () => {
    touched = true;
    live.set(key, draft);
    discard.hidden = !draftHasContent(draft);
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = setTimeout(writeNow, SAVE_MS);
  };

  // Field errors, next to their fields -----------------------------------------------------------
  const FIELDS: FormField[] = ["incident", "kind", "incident_title", "place", "severity", "title", "location", "people", "headcount", "muster_point", "bring", "description"];
  const errEls = Object.fromEntries(FIELDS.map((f) => [f, h("p", { class: "form-error field-error", id: `err-${f}`, "data-field": f })])) as unknown as Record<FormField, HTMLElement>;
  const controls: Partial<Record<FormField, HTMLElement>> = {};
  const setFieldError = (field: FormField, messages: string[]) => {
    const control = controls[field];
    if (control) markField(control, errEls[field], messages.length ? messages.join(" ") : null);
    else errEls[field].textContent = messages.join(" ");
  };
  const clearFieldErrors = () => FIELDS.forEach((f) => setFieldError(f, []));
  const showError = (text: string, kind: "network" | "other") => {
    errorKind = kind;
    errorBox.className = "notice notice-error";
    errorBox.textContent = text;
    errorBox.hidden = false;
    netLine.hidden = true;
  };
  const hideError = () => {
    errorKind = "";
    errorBox.hidden = true;
    errorBox.textContent = "";
    netLine.hidden = isOnline();
  };

  const textInput = (id: string, max: number, field: FormField, get: () => string, set: (v: string) => void, extra: Record<string, string> = {}) => {
    const el = h("input", { type: "text", id, maxlength: String(max), autocomplete: "off", "aria-describedby": `err-${field}`, ...extra });
    el.addEventListener("input", () => {
      set(el.value);
      setFieldError(field, []);
      changed();
    });
    controls[field] = el;
    return Object.assign(el, { sync: () => (el.value = get()) });
  };

  /** Chips that are radios (kind, severity): real controls, so readers and tests find them. */
  const radioChips = (name: string, field: FormField, options: { value: string; label: string; swatch?: string }[], pick: (v: string) => void) => {
    const inputs = options.map((o) => {
      const input = h("input", { type: "radio", name, value: o.value, class: "visually-hidden" });
      input.addEventListener("change", () => {
        if (!input.checked) return;
        pick(o.value);
        setFieldError(field, []);
        changed();
      });
      return { o, input };
    });
    const row = h(
      "div",
      { class: "chip-row" },
      ...inputs.map(({ o, input }) =>
        h("label", { class: "chip" }, input, h("span", { class: "chip-face" }, o.swatch ? h("span", { class: `swatch sev-${o.swatch}`, "aria-hidden": "true" }) : null, o.label)),
      ),
    );
    return { row, set: (v: string) => inputs.forEach(({ input }) => (input.checked = input.value === v)) };
  };

  // The incident ---------------------------------------------------------------------------------
  const incidentRow = h("div", { class: "incident-list", id: "new-incident-choice" });
  const incidentStatus = h("p", { class: "hint", id: "new-incident-status", "aria-live": "polite" }, t("desk.loading"));
  const kinds = radioChips("new-kind", "kind", INCIDENT_KINDS.map((k) => ({ value: k, label: kindName(k) })), (v) => (draft.kind = v));
  const severity = radioChips(
    "new-severity",
    "severity",
    [...SEVERITIES.map((s) => ({ value: s, label: t(`sev.${s}` as MessageKey), swatch: s })), { value: "none", label: t("sev.none") }],
    (v) => (draft.severity = v === "none" ? null : v),
  );
  const incTitleIn = textInput("new-inc-title", 120, "incident_title", () => draft.incident_title, (v) => (draft.incident_title = v), { placeholder: t("deskf.incTitleHint") });
  const placeIn = textInput("new-place", 200, "place", () => draft.place, (v) => (draft.place = v), { placeholder: t("deskf.placeHint") });
  const newFields = h(
    "div",
    { class: "new-incident", id: "new-incident-fields" },
    h("fieldset", { class: "chips" }, h("legend", {}, t("deskf.kind")), kinds.row, errEls.kind),
    h("div", { class: "field" }, h("label", { for: "new-inc-title" }, t("deskf.incTitle")), incTitleIn, errEls.incident_title),
    h("div", { class: "field" }, h("label", { for: "new-place" }, t("deskf.place")), placeIn, errEls.place),
    h("fieldset", { class: "chips" }, h("legend", {}, t("deskf.severity")), severity.row, errEls.severity),
  );

  function renderIncidents(): void {
    const options = incidentOptions(openList, draft.incident, draft.incident_label, listFresh);
    incidentRow.replaceChildren(
      ...options.map((o) => {
        const input = h("input", { type: "radio", name: "incident", value: o.value, class: "visually-hidden", "aria-describedby": "err-incident" });
        input.checked = o.value === draft.incident;
        input.addEventListener("change", () => {
          if (!input.checked) return;
          draft.incident = o.value;
          draft.incident_label = o.incident ? incidentLabel(o.incident) : o.value === NEW_INCIDENT ? "" : draft.incident_label;
          newFields.hidden = o.value !== NEW_INCIDENT;
          setFieldError("incident", []);
          changed();
        });
        let title: string;
        let meta: string;
        if (o.incident) {
          const lines = incidentLines(o.incident);
          const when = o.incident.occurred_at ?? o.incident.created_at;
          title = lines.title;
          meta = [lines.meta, when ? formatDateTime(when) : ""].filter(Boolean).join(" · ");
        } else if (o.value === NEW_INCIDENT) {
          title = t("deskf.incidentNew");
          meta = "";
        } else {
          title = o.label ?? o.value;
          meta = t(o.stale === "gone" ? "deskf.incidentGone" : "deskf.incidentUnchecked");
        }
        return h(
          "label",
          { class: `incident-opt${o.value === NEW_INCIDENT ? " incident-new" : ""}${o.stale ? " incident-stale" : ""}`, "data-incident": o.value },
          input,
          h("span", { class: "incident-face" }, h("span", { class: "incident-title" }, title), meta ? h("span", { class: "incident-meta" }, meta) : null),
        );
      }),
    );
    newFields.hidden = draft.incident !== NEW_INCIDENT;
  }

  // The order ------------------------------------------------------------------------------------
  const titleIn = textInput("new-title", 120, "title", () => draft.title, (v) => (draft.title = v), { placeholder: t("desk.f.titleHint") });
  const musterIn = textInput("new-muster", 200, "muster_point", () => draft.muster_point, (v) => (draft.muster_point = v));
  const bringIn = textInput("new-bring", 500, "bring", () => draft.bring, (v) => (draft.bring = v));
  const descIn = h("textarea", { id: "new-desc", rows: "2", maxlength: "4000", "aria-describedby": "err-description" });
  descIn.addEventListener("input", () => {
    draft.description = descIn.value;
    setFieldError("description", []);
    changed();
  });
  controls.description = descIn;

  const locText = h("p", { class: "loc-text", id: "new-location", "aria-live": "polite" }, t("desk.f.noLocation"));
  const showFix = () => (locText.textContent = draft.location ? fixText(draft.location) : t("desk.f.noLocation"));
  const setFix = (f: Fix) => {
    draft.location = f;
    showFix();
    setFieldError("location", []);
    changed();
  };
  const gps = h("button", { type: "button", class: "btn btn-secondary", id: "new-gps", "aria-describedby": "err-location" }, t("desk.f.gps"));
  gps.addEventListener("click", () => {
    locText.textContent = t("geo.locating");
    locate()
      .then(setFix)
      .catch((err) => {
        const reason = failureText(err instanceof GeoError ? err.reason : "unavailable");
        locText.textContent = draft.location ? `${fixText(draft.location)} · ${reason}` : reason;
      });
  });
  controls.location = gps;
  const mapBtn = h("button", { type: "button", class: "btn btn-secondary", id: "new-map" }, t("map.open"));
  mapBtn.addEventListener("click", async () => {
    mapBtn.disabled = true;
    try {
      const r = await pickOnMap({ current: draft.location, user: cachedMe()?.user, opener: mapBtn });
      if (r.kind === "point") setFix({ lat: r.lat, lon: r.lon, manual: true, picked: true });
    } catch {
      showToast(t("desk.f.mapFailed"));
    }
    mapBtn.disabled = false;
  });

  const teamsRow = h("div", { class: "chip-row", id: "new-teams" });
  const membersRow = h("div", { class: "chip-row", id: "new-members" });
  const membersBox = h("details", { class: "members-box" }, h("summary", {}, t("desk.f.members")), membersRow);
  const peopleStatus = h("p", { class: "hint", id: "new-people-status", "aria-live": "polite" }, t("desk.loading"));

  const chip = (target: string, label: string, mark?: HTMLElement) => {
    const input = h("input", { type: "checkbox", value: target, class: "visually-hidden", "aria-describedby": "err-people" });
    input.checked = draft.targets.includes(target);
    input.addEventListener("change", () => {
      toggleTarget(draft, target, input.checked, label);
      setFieldError("people", []);
      changed();
    });
    return h("label", { class: "chip" }, input, h("span", { class: "chip-face" }, label, mark ?? null));
  };
  function renderPeople(): void {
    const known = new Set<string>();
    const teamChips = (teams ?? []).map((tm) => {
      known.add(`team:${tm.id}`);
      return chip(`team:${tm.id}`, tm.size != null ? `${tm.name}（${tm.size}）` : tm.name);
    });
    const memberChips = (members ?? []).map((m) => {
      known.add(`member:${m.id}`);
      // A member without valid insurance is marked in words (无有效保险), beside the colour.
      const uncovered = coverOf(m) === "none" ? h("span", { class: "tone tone-bad chip-cover", "data-cover": "none" }, coverWords(m)) : undefined;
      return chip(`member:${m.id}`, m.display_name || m.username, uncovered);
    });
    // Picked but not in the lists we have (none loaded yet, or no longer there): still shown.
    for (const k of draft.targets) {
      if (known.has(k)) continue;
      (k.startsWith("team:") ? teamChips : memberChips).push(chip(k, draft.target_labels[k] ?? k));
    }
    teamsRow.replaceChildren(...teamChips);
    membersRow.replaceChildren(...memberChips);
    if (draft.targets.some((k) => k.startsWith("member:"))) membersBox.open = true;
  }

  const headcountOut = h("output", { class: "stepper-n", id: "new-headcount", "aria-live": "polite" }, String(draft.headcount));
  const step = (d: number) => () => {
    draft.headcount = stepHeadcount(draft.headcount, d);
    headcountOut.textContent = String(draft.headcount);
    setFieldError("headcount", []);
    changed();
  };

  // Actions --------------------------------------------------------------------------------------
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-block btn-huge", id: "new-send" }, t("desk.f.send"));
  const discard = h("button", { type: "button", class: "btn btn-secondary btn-danger", id: "new-discard", hidden: true }, t("deskf.discard"));
  discard.addEventListener("click", async () => {
    if (!confirm(t("deskf.confirmDiscard"))) return;
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = null;
    draft = emptyOrderDraft(key);
    live.set(key, draft);
    await queue(key, () => discardOrderDraft(key)).catch(() => undefined);
    fill();
    restoredNote.hidden = true;
    savedLine.textContent = "";
    clearFieldErrors();
    hideError();
    showToast(t("deskf.discarded"));
    titleIn.focus();
  });

  function fill(): void {
    renderIncidents();
    kinds.set(draft.kind);
    severity.set(draft.severity ?? "none");
    for (const el of [incTitleIn, placeIn, titleIn, musterIn, bringIn]) el.sync();
    descIn.value = draft.description;
    showFix();
    renderPeople();
    headcountOut.textContent = String(draft.headcount);
    discard.hidden = !draftHasContent(draft);
  }

  const field = (id: string, label: string, control: HTMLElement, err: HTMLElement) => h("div", { class: "field" }, h("label", { for: id }, label), control, err);

  const form = h(
    "form",
    { class: "screen order-form", novalidate: true, "aria-labelledby": "new-title-h" },
    h(
      "div",
      { class: "screen-body" },
      screenHead("new-title-h", t("desk.new")),
      restoredNote,
      h(
        "div",
        { class: "order-form-cols" },
        h(
          "section",
          { class: "form-part", "aria-labelledby": "part-incident" },
          h("h2", { id: "part-incident" }, t("deskf.incident")),
          h("fieldset", { class: "chips" }, h("legend", {}, t("deskf.incidentHint")), incidentStatus, incidentRow, errEls.incident),
          newFields,
        ),
        h(
          "section",
          { class: "form-part", "aria-labelledby": "part-order" },
          h("h2", { id: "part-order" }, t("deskf.order")),
          field("new-title", t("desk.f.title"), titleIn, errEls.title),
          h("div", { class: "field" }, h("span", { class: "field-label" }, t("desk.f.location")), locText, h("div", { class: "action-row" }, gps, mapBtn), errEls.location),
          h("fieldset", { class: "chips" }, h("legend", {}, t("desk.f.teams")), peopleStatus, teamsRow, errEls.people),
          membersBox,
          h(
            "div",
            { class: "field" },
            h("span", { class: "field-label", id: "hc-label" }, t("desk.f.headcount")),
            h(
              "div",
              { class: "stepper", role: "group", "aria-labelledby": "hc-label" },
              h("button", { type: "button", class: "btn btn-secondary", "aria-label": t("desk.f.less"), onclick: step(-1) }, "−"),
              headcountOut,
              h("button", { type: "button", class: "btn btn-secondary", "aria-label": t("desk.f.more"), onclick: step(1) }, "+"),
            ),
            errEls.headcount,
          ),
          field("new-muster", t("order.muster"), musterIn, errEls.muster_point),
          field("new-bring", t("order.bring"), bringIn, errEls.bring),
          field("new-desc", t("desk.f.desc"), descIn, errEls.description),
        ),
      ),
      discard,
    ),
    h("div", { class: "screen-actions order-send" }, h("div", { class: "order-send-lines" }, savedLine, netLine, errorBox), submit),
  );

  // Sending: once, now, or not at all ------------------------------------------------------------
  const firstBad = (fields: FormField[]) => {
    const f = FIELDS.find((x) => fields.includes(x));
    if (!f) return;
    const el = f === "incident" ? incidentRow.querySelector<HTMLInputElement>("input:checked") ?? incidentRow.querySelector("input") : f === "people" ? teamsRow.querySelector("input") : controls[f];
    revealField(errEls[f].closest(".field, fieldset, .form-part"), el ?? null);
  };

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (sending) return;
    clearFieldErrors();
    hideError();
    const missing = checkDraft(draft);
    const bad = Object.keys(missing) as FormField[];
    if (bad.length) {
      for (const f of bad) setFieldError(f, [t(missing[f]!)]);
      showError(t("deskf.fixFields"), "other");
      firstBad(bad);
      return;
    }
    sending = true;
    submit.disabled = true;
    submit.textContent = t("deskf.sending");
    writeNow(); // on the phone before anything leaves it
    let stage: "incident" | "order" = "incident";
    let made: Incident | null = null;
    try {
      let incidentId = draft.incident === NEW_INCIDENT ? null : draft.incident;
      if (!incidentId) {
        made = await api.post<Incident>("/api/v1/incidents", incidentBody(draft));
        // From now on the order belongs to this incident: a second try must not open another one.
        incidentId = made.id;
        openList = [made, ...openList.filter((i) => i.id !== made!.id)];
        draft.incident = made.id;
        draft.incident_label = incidentLabel(made);
        live.set(key, draft);
        renderIncidents();
        writeNow();
      }
      stage = "order";
      const order = await api.post<{ id: string }>("/api/v1/dispatches", orderBody(draft, incidentId));
      // 201: only now does the draft go.
      if (saveTimer) clearTimeout(saveTimer);
      saveTimer = null;
      live.delete(key);
      await queue(key, () => discardOrderDraft(key)).catch(() => undefined);
      showToast(t("desk.f.sent"));
      navigate(`/desk/${order.id}`, true);
    } catch (err) {
      sending = false;
      submit.disabled = false;
      submit.textContent = t("desk.f.send");
      const before = made && stage === "order" ? `${t("deskf.incidentMade", { title: made.title })} ` : "";
      if (err instanceof OfflineError) {
        showError(before + t(err.timedOut ? "deskf.timeout" : "deskf.offline"), "network");
      } else if (err instanceof ApiError && err.status >= 400 && err.status < 500) {
        // The fields in the user's words (describeProblem), placed on the form; the server's text folds away.
        const said = describeProblem(err.problem);
        const { fields, rest } = placeErrors(Object.fromEntries(Object.entries(said.fields).map(([k, v]) => [k, [v]])), stage);
        if (err.status === 404 && stage === "order" && draft.incident !== NEW_INCIDENT) fields.incident = [t("deskf.incidentMissing")];
        for (const [f, messages] of Object.entries(fields) as [FormField, string[]][]) setFieldError(f, messages);
        const extra = rest.length ? rest.map((r) => r.slice(r.indexOf(": ") + 2)).join(" ") : Object.keys(fields).length ? "" : said.message;
        showError(before + t("deskf.refused") + (extra ? ` ${extra}` : ""), "other");
        if (said.details) errorBox.append(h("details", { class: "refusal-details" }, h("summary", {}, t("problem.details")), h("p", {}, said.details)));
        firstBad(Object.keys(fields) as FormField[]);
      } else {
        showError(before + t("deskf.serverError", { status: err instanceof ApiError ? err.status : "?" }), "other");
      }
    }
  });

  // The network: say when an order cannot go, and when it can again.
  netLine.hidden = isOnline();
  whileAttached<boolean>(form, onNetworkChange, (online) => {
    if (online && errorKind === "network") {
      errorKind = "";
      errorBox.className = "notice";
      errorBox.textContent = t("deskf.backOnline");
    }
    netLine.hidden = online || !errorBox.hidden;
  });

  // Open: the draft kept on this phone, then the lists (the kept copy first, then the server's).
  fill();
  if (fromMemory?.saved_at) showSaved(fromMemory.saved_at);
  void (async () => {
    if (!fromMemory) {
      try {
        const saved = await loadOrderDraft(key);
        if (saved && !touched) {
          draft = saved;
          live.set(key, draft);
          fill();
          if (saved.saved_at) showSaved(saved.saved_at);
          if (draftHasContent(saved)) {
            restoredNote.textContent = t("deskf.restored");
            restoredNote.hidden = false;
          }
        }
      } catch {
        showSaveFailed();
      }
    }
    await loadLists();
  })();

  async function loadLists(): Promise<void> {
    const kept = await getMeta<Lists>(listsKey).catch(() => undefined);
    if (kept) {
      teams = kept.teams;
      members = kept.members;
      openList = kept.incidents;
      renderPeople();
      renderIncidents();
    }
    const [tr, mr, ir] = await Promise.allSettled([
      api.get<{ items: Team[] }>("/api/v1/teams?limit=100"),
      api.get<{ items: Member[] }>("/api/v1/members?limit=200"),
      fetchOpenIncidents(api.get),
    ]);
    if (!form.isConnected && shown) return;
    const keptAt = kept ? savedAtText(kept.at, getLang()) : "";
    const why = (r: PromiseRejectedResult) =>
      r.reason instanceof ApiError ? problemSentence(r.reason.problem) : keptAt ? t("deskf.listsKept", { time: keptAt }) : t("deskf.listsOffline");
    if (tr.status === "fulfilled") teams = tr.value.items;
    if (mr.status === "fulfilled") members = mr.value.items;
    if (ir.status === "fulfilled") openList = ir.value;
    listFresh = ir.status === "fulfilled";
    peopleStatus.textContent = tr.status === "rejected" ? why(tr) : mr.status === "rejected" ? why(mr) : teams?.length ? "" : t("deskf.noTeams");
    incidentStatus.textContent = ir.status === "rejected" ? why(ir) : openList.length ? t("deskf.incidentsOpen", { n: openList.length }) : t("deskf.incidentsNone");
    renderPeople();
    renderIncidents();
    if (tr.status === "fulfilled" && mr.status === "fulfilled" && ir.status === "fulfilled") {
      const lists: Lists = { teams: tr.value.items, members: mr.value.items, incidents: ir.value, at: new Date().toISOString() };
      await setMeta(listsKey, lists).catch(() => undefined);
    }
  }

  // Leaving the app half-way (a call, the home button, closing the tab): write now, not in 300 ms.
  const onHide = () => {
    if (!form.isConnected && shown) {
      document.removeEventListener("visibilitychange", onHide);
      window.removeEventListener("pagehide", onHide);
      return;
    }
    if (saveTimer) writeNow();
  };
  document.addEventListener("visibilitychange", onHide);
  window.addEventListener("pagehide", onHide);
  requestAnimationFrame(() => (shown = form.isConnected));

  return h("section", { class: "screen screen-wide", "aria-labelledby": "new-title-h" }, form);
}
