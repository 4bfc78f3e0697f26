// Running the shelter, on its kiosk screen, for its managers and the desk of its region: open and
// close it (closing asks first), its supplies with − / + and one save, who opened and closed it
// and when, its QR poster, and (the desk) 编辑. These go to the server at once, never through the
// outbox: offline the buttons are disabled with a line saying why. After a change the phone's copy
// of the shelter is the server's answer, so its state reads right offline.
import { api, ApiError, OfflineError, type User } from "../../api";
import { h } from "../../shared/dom";
import { navigate } from "../../shared/router";
import { confirmStep } from "../../shared/confirm";
import { once } from "../../shared/guard";
import { showToast } from "../../shared/toast";
import { describeProblem } from "../../i18n/problem";
import { problemSlug } from "../../data/problem";
import { formatDateTime, t, type MessageKey } from "../../i18n";
import { getMeta, setMeta, type LocalRecord } from "../../data/db";
import { putRecord } from "../../data/stores";
import {
  canRegister,
  eventRows,
  MAX_SUPPLY,
  parseCount,
  stepCount,
  SUPPLY_KEYS,
  SUPPLY_STEP,
  suppliesOf,
  surelyOffline,
  type ShelterEventRow,
  type SupplyKey,
} from "./manage-model";
import { shelterState } from "./shelters";

export interface ManagePanel {
  el: HTMLElement;
  /** The shelter as the phone now holds it (after a pull, an action, a network change). */
  update(shelter: LocalRecord): void;
}

export function renderManagePanel(user: User, shelterId: string): ManagePanel {
  let shelter: LocalRecord | null = null;
  let dirty = false;
  let eventsLoaded = false;
  let wasNet: boolean | null = null;
  const base = `/api/v1/shelters/${encodeURIComponent(shelterId)}`;

  const offline = h("p", { class: "notice notice-warn", id: "manage-offline", hidden: true }, t("manage.offline"));
  const error = h("div", { class: "notice notice-error", id: "manage-error", role: "alert", hidden: true });
  const openBtn = h("button", { type: "button", class: "btn btn-primary btn-block", id: "manage-open" }, t("manage.open"));
  const closeBtn = h("button", { type: "button", class: "btn btn-danger btn-block", id: "manage-close" }, t("manage.close"));
  const stateLine = h("p", { class: "hint", id: "manage-state-line" });

  const showError = (err: unknown) => {
    if (err instanceof OfflineError) {
      error.textContent = t("manage.noAnswer");
      error.dataset.problem = "offline";
    } else if (err instanceof ApiError) {
      // The reason in the user's words, by the problem's type: never the server's own text.
      error.textContent = describeProblem(err.problem).message;
      error.dataset.problem = problemSlug(err.problem) || "none";
    } else {
      error.textContent = t("report.error.storage");
      error.dataset.problem = "storage";
    }
    error.hidden = false;
  };
  const clearError = () => {
    error.hidden = true;
    error.textContent = "";
  };

  /** The server's answer becomes the phone's copy (the kiosk redraws from it). */
  async function keep(answer: LocalRecord): Promise<void> {
    shelter = { ...answer, _status: "synced" };
    await putRecord("shelters", shelter);
  }

  openBtn.addEventListener("click", () =>
    void once([openBtn, closeBtn], async () => {
      clearError();
      try {
        await keep(await api.post<LocalRecord>(`${base}/open`));
        showToast(t("manage.opened"));
        void loadEvents();
      } catch (err) {
        showError(err);
      }
    }),
  );
  closeBtn.addEventListener("click", () =>
    void once([openBtn, closeBtn], async () => {
      clearError();
      const yes = await confirmStep({
        title: t("manage.confirmClose.title", { shelter: String(shelter?.name ?? "") }),
        body: t("manage.confirmClose.body"),
        confirm: t("manage.confirmClose.yes"),
        cancel: t("manage.confirmClose.no"),
        danger: true,
      });
      if (!yes) return;
      try {
        await keep(await api.post<LocalRecord>(`${base}/close`));
        showToast(t("manage.closed"));
        void loadEvents();
      } catch (err) {
        showError(err);
      }
    }),
  );

  // Supplies --------------------------------------------------------------------------------------
  const inputs = {} as Record<SupplyKey, HTMLInputElement>;
  const steppers: HTMLButtonElement[] = [];
  const supplyErr = h("p", { class: "form-error field-error", id: "supplies-error", role: "alert" });
  const savedLine = h("p", { class: "hint", id: "supplies-saved", "aria-live": "polite" });
  const save = h("button", { type: "button", class: "btn btn-primary btn-block", id: "supplies-save" }, t("manage.supplies.save"));
  const rows = SUPPLY_KEYS.map((k) => {
    const label = t(`manage.supply.${k}` as MessageKey);
    const input = h("input", {
      type: "text",
      inputmode: "numeric",
      id: `supply-${k}`,
      class: "supply-input",
      maxlength: "8",
      autocomplete: "off",
      "aria-describedby": "supplies-error",
    });
    input.addEventListener("input", () => {
      dirty = true;
      input.removeAttribute("aria-invalid");
      supplyErr.textContent = "";
      savedLine.textContent = "";
    });
    inputs[k] = input;
    const step = (delta: number, name: string, sign: string) => {
      const b = h("button", { type: "button", class: "btn btn-secondary stepper-btn", "aria-label": `${name}${label}` }, sign);
      b.addEventListener("click", () => {
        input.value = String(stepCount(parseCount(input.value, MAX_SUPPLY), delta));
        input.dispatchEvent(new Event("input"));
      });
      steppers.push(b);
      return b;
    };
    return h(
      "div",
      { class: "supply-row", "data-supply": k },
      h("label", { for: `supply-${k}`, class: "supply-label" }, label),
      h(
        "div",
        { class: "supply-stepper" },
        step(-SUPPLY_STEP[k], t("manage.less"), "−"),
        input,
        step(SUPPLY_STEP[k], t("manage.more"), "+"),
      ),
    );
  });

  save.addEventListener("click", () =>
    void once([save], async () => {
      clearError();
      const body: Record<string, number> = {};
      const bad: SupplyKey[] = [];
      for (const k of SUPPLY_KEYS) {
        const n = parseCount(inputs[k].value, MAX_SUPPLY);
        if (n === null) bad.push(k);
        else body[k] = n;
      }
      for (const k of SUPPLY_KEYS) inputs[k].toggleAttribute("aria-invalid", bad.includes(k));
      if (bad.length) {
        supplyErr.textContent = t("manage.supplies.invalid", { fields: bad.map((k) => t(`manage.supply.${k}` as MessageKey)).join(t("kiosk.sep")) });
        inputs[bad[0]].focus();
        return;
      }
      try {
        await keep(await api.put<LocalRecord>(`${base}/supplies`, body));
        dirty = false;
        fillSupplies();
        savedLine.textContent = t("manage.supplies.saved", { time: formatDateTime(new Date()) });
      } catch (err) {
        if (err instanceof ApiError && err.errors) {
          const fields = Object.keys(err.errors).filter((k): k is SupplyKey => (SUPPLY_KEYS as readonly string[]).includes(k));
          for (const k of fields) inputs[k].setAttribute("aria-invalid", "true");
          if (fields.length) supplyErr.textContent = t("manage.supplies.invalid", { fields: fields.map((k) => t(`manage.supply.${k}` as MessageKey)).join(t("kiosk.sep")) });
        }
        showError(err);
      }
    }),
  );

  function fillSupplies(): void {
    if (dirty) return; // what the manager is typing stays
    const s = suppliesOf(shelter);
    for (const k of SUPPLY_KEYS) inputs[k].value = String(s[k]);
  }

  // The record of openings and closings ---------------------------------------------------------
  const events = h("ul", { class: "event-list", id: "shelter-events" });
  const eventsNote = h("p", { class: "hint", id: "shelter-events-note" }, t("desk.loading"));
  const eventsKey = `shelter_events:${shelterId}`;
  function showEvents(rows: ShelterEventRow[]): void {
    events.replaceChildren(
        ...rows.map((r) =>
          h(
            "li",
            { class: `event-row event-${r.kind}`, "data-kind": r.kind },
            h("strong", {}, t(r.kind === "open" ? "manage.events.open" : "manage.events.close")),
            h("span", {}, r.actor_name ?? t("manage.events.someone")),
            h("span", { class: "card-meta" }, formatDateTime(r.at)),
          ),
        ),
    );
  }
  /** The record from the server; offline (or unanswered), the last one this phone was given. */
  async function loadEvents(): Promise<void> {
    try {
      if (surelyOffline()) throw new OfflineError();
      const rows = eventRows(await api.get<unknown>(`${base}/events`));
      eventsLoaded = true;
      showEvents(rows);
      eventsNote.hidden = rows.length > 0;
      eventsNote.textContent = rows.length ? "" : t("manage.events.none");
      await setMeta(eventsKey, { rows, at: new Date().toISOString() }).catch(() => undefined);
    } catch (err) {
      eventsNote.hidden = false;
      if (err instanceof ApiError) {
        eventsNote.textContent = describeProblem(err.problem).message;
        return;
      }
      const kept = await getMeta<{ rows: unknown; at: string }>(eventsKey).catch(() => undefined);
      if (kept && !eventsLoaded) {
        showEvents(eventRows({ items: kept.rows }));
        eventsNote.textContent = t("manage.events.kept", { time: formatDateTime(kept.at) });
      } else if (!eventsLoaded) eventsNote.textContent = t("manage.events.offline");
    }
  }

  // The poster ------------------------------------------------------------------------------------
  const posterLink = (id: string, href: string, label: string, cls: string, download: boolean) =>
    h("a", { id, class: cls, "data-href": href, target: "_blank", rel: "noopener", download: download ? "" : null }, label);
  const poster = posterLink("poster-print", `${base}/poster`, t("manage.poster.print"), "btn btn-secondary btn-block", false);
  const pdf = posterLink("poster-pdf", `${base}/poster.pdf`, t("manage.poster.pdf"), "btn btn-secondary", true);
  const svg = posterLink("poster-svg", `${base}/poster.svg`, t("manage.poster.svg"), "btn btn-secondary", true);
  const links = [poster, pdf, svg];

  const edit = canRegister(user)
    ? h("button", { type: "button", class: "btn btn-secondary btn-block", id: "manage-edit", onclick: () => navigate(`/shelters/${shelterId}/edit`) }, t("manage.edit"))
    : null;

  const el = h(
    "section",
    { class: "manage-panel", "aria-labelledby": "manage-title" },
    h("h2", { id: "manage-title" }, t("manage.title")),
    offline,
    error,
    h("div", { class: "manage-state" }, stateLine, openBtn, closeBtn),
    h("h3", {}, t("manage.supplies.title")),
    h("div", { class: "supply-rows" }, ...rows),
    supplyErr,
    save,
    savedLine,
    h("h3", {}, t("manage.events.title")),
    eventsNote,
    events,
    h("h3", {}, t("manage.poster.title")),
    poster,
    h("div", { class: "poster-downloads" }, pdf, svg),
    h("p", { class: "hint", id: "poster-base-note" }, t("manage.poster.base")),
    edit,
  );

  function update(next: LocalRecord): void {
    shelter = next;
    // Disabled only when there is surely no network: after one request went unanswered (two bars
    // of signal) a tap may still try, and says so if no answer comes.
    const net = !surelyOffline();
    offline.hidden = net;
    const state = shelterState(next);
    openBtn.hidden = state !== "closed";
    closeBtn.hidden = state === "closed";
    stateLine.textContent = t(`manage.stateLine.${state}` as MessageKey);
    for (const b of [openBtn, closeBtn, save, ...steppers]) {
      if (b.dataset.busy !== "true") b.disabled = !net;
    }
    for (const input of Object.values(inputs)) input.disabled = !net;
    for (const a of links) {
      // A link cannot be disabled: offline it has no address and says it is unavailable.
      if (net) {
        a.setAttribute("href", a.dataset.href ?? "");
        a.removeAttribute("aria-disabled");
      } else {
        a.removeAttribute("href");
        a.setAttribute("aria-disabled", "true");
      }
    }
    fillSupplies();
    if (!eventsLoaded && net !== wasNet) void loadEvents();
    wasNet = net;
  }

  return { el, update };
}
