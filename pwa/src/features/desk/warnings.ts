// /desk/warnings and /desk/warnings/<id>: the desk's warnings (预警信息) in force, starting soon,
// waiting as drafts and ended, each with its level's colour and word; one warning's message, its
// chain of updates and cancellation, and how far it has reached people (responsible persons and
// subscribed residents), refreshed every few seconds while it is still going out.
import "./warnings.css";
import { h } from "../../shared/dom";
import { navigate } from "../../shared/router";
import { screenHead } from "../../shared/ui";
import { confirmStep } from "../../shared/confirm";
import { once } from "../../shared/guard";
import { errorSlot, markField } from "../../shared/form-errors";
import { showToast } from "../../shared/toast";
import { isNotFound, notFoundView } from "../../shared/not-found";
import { api, ApiError } from "../../api";
import { problemSlug } from "../../data/problem";
import { problemSentence } from "../../i18n/problem";
import { formatDateTime, roleName, t, type MessageKey } from "../../i18n";
import { kindWord, levelBadge, levelWord } from "./warnings-form";
import { groupOf, latestPerChain, mergeDelivery, readDelivery, telHref, type Delivery, type ListGroup, type WarningItem } from "./warnings-model";

const GOING_OUT_MS = 3000;
const SETTLED_MS = 10000; // acknowledgements keep coming in after the cascade has gone out
const LIST_LIMIT = 100;
const GROUPS: ListGroup[] = ["active", "upcoming", "drafts", "ended"];

function errorText(err: unknown): string {
  return err instanceof ApiError ? problemSentence(err.problem) : t("wd.offline");
}

/** Where a message stands, in words. */
function stateWords(w: WarningItem): string {
  if (w.state === "draft") return t("wd.s.pending");
  if (w.cancelled || w.msg_type === "cancel") return t("wd.s.cancelled");
  if (w.superseded_by) return t("wd.s.superseded");
  const g = groupOf(w);
  return g === "upcoming" ? t("wd.s.upcoming") : g === "ended" ? t("wd.s.expired") : t("wd.s.active");
}

function areaText(w: WarningItem): string {
  if (w.polygon && w.polygon.length) return t("wd.areaPolygon");
  return (w.regions ?? []).map((r) => r.name).join("、");
}

function card({ item: w, messages }: { item: WarningItem; messages: number }): HTMLElement {
  return h(
    "li",
    {},
    h(
      "button",
      { type: "button", class: "card card-btn wd-card", "data-warning": w.id, onclick: () => navigate(`/desk/warnings/${encodeURIComponent(w.id)}`) },
      h("span", { class: "card-top" }, levelBadge(w.level), h("span", { class: "card-title" }, w.title)),
      h("span", { class: "card-meta" }, [kindWord(w.kind), t(`wd.m.${w.msg_type}` as MessageKey), stateWords(w), areaText(w)].filter(Boolean).join(" · ")),
      w.onset_at && w.expires_at ? h("span", { class: "card-meta" }, t("wd.period", { from: formatDateTime(w.onset_at), to: formatDateTime(w.expires_at) })) : null,
      messages > 1 ? h("span", { class: "card-meta" }, t("wd.messagesN", { n: messages })) : null,
    ),
  );
}

export function renderWarnings(): HTMLElement {
  const status = h("p", { class: "hint", id: "wd-list-status", "aria-live": "polite" }, t("wd.loading"));
  const lists = h("div", { id: "wd-lists" });
  const more = h("button", { type: "button", class: "btn btn-secondary btn-block", id: "wd-more", hidden: true }, t("wd.more"));
  // Newest first, a page at a time; a chain's messages may straddle pages, so every page loaded so
  // far is grouped again.
  const items: WarningItem[] = [];
  let cursor: string | null = null;
  function paint(): void {
    const now = Date.now();
    const by = new Map<ListGroup, { item: WarningItem; messages: number }[]>();
    for (const line of latestPerChain(items)) by.set(groupOf(line.item, now), [...(by.get(groupOf(line.item, now)) ?? []), line]);
    status.textContent = items.length ? "" : t("wd.empty");
    lists.replaceChildren(
      ...GROUPS.filter((g) => by.get(g)?.length).map((g) =>
        h("section", { class: "wd-group", "data-group": g }, h("h2", {}, t(`wd.g.${g}` as MessageKey), ` (${by.get(g)!.length})`), h("ul", { class: "cards" }, ...by.get(g)!.map(card))),
      ),
    );
    more.hidden = !cursor;
  }
  async function load(): Promise<void> {
    try {
      const q = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
      const page = await api.get<{ items: WarningItem[]; next_cursor?: string | null }>(`/api/v1/warnings?limit=${LIST_LIMIT}${q}`);
      items.push(...page.items.filter((w) => !items.some((x) => x.id === w.id)));
      cursor = page.next_cursor ?? null;
      paint();
    } catch (err) {
      status.textContent = errorText(err);
    }
  }
  more.addEventListener("click", () => void once([more], load));
  void load();
  return h(
    "section",
    { class: "screen screen-wide", "aria-labelledby": "wd-title" },
    h(
      "div",
      { class: "screen-body" },
      screenHead("wd-title", t("wd.title")),
      h("div", { class: "front-actions" }, h("button", { type: "button", class: "btn btn-primary btn-block btn-huge", id: "wd-new", onclick: () => navigate("/desk/warnings/new") }, t("wd.new"))),
      status,
      lists,
      more,
    ),
  );
}

function countCell(id: string, label: string, n: number, tone = ""): HTMLElement {
  return h("div", { class: `wd-count ${tone}`, "data-count": id }, h("span", { class: "wd-count-n" }, String(n)), h("span", { class: "wd-count-l" }, label));
}

/** The delivery counts, both audiences; the silent with their phones as links to call. */
export function deliveryView(d: Delivery): HTMLElement {
  const r = d.responsible;
  const p = d.residents;
  const silentN = Math.max(0, r.targeted - r.acknowledged);
  return h(
    "div",
    { class: "wd-delivery", id: "wd-delivery" },
    h("h3", {}, t("wd.r.title")),
    h(
      "div",
      { class: "wd-counts" },
      countCell("r-targeted", t("wd.r.targeted"), r.targeted),
      countCell("r-push", t("wd.r.push"), r.reached.push),
      countCell("r-sms", t("wd.r.sms"), r.reached.sms),
      countCell("r-voice", t("wd.r.voice"), r.reached.voice),
      countCell("r-acked", t("wd.r.acked"), r.acknowledged, r.acknowledged ? "ok" : ""),
      countCell("r-silent", t("wd.r.silent"), silentN, silentN ? "warn" : ""),
    ),
    r.reported_at ? h("p", { class: "hint" }, t("wd.r.reported", { time: formatDateTime(r.reported_at) })) : null,
    r.silent.length
      ? h(
          "div",
          { class: "wd-silent" },
          h("h4", {}, t("wd.r.silentList")),
          h(
            "ul",
            { class: "wd-silent-list", id: "wd-silent" },
            ...r.silent.map((s) =>
              h(
                "li",
                { "data-user": s.user_id },
                h("span", { class: "wd-silent-who" }, s.display_name, " · ", roleName(s.role), s.region ? ` · ${s.region}` : ""),
                s.reminded_at ? h("span", { class: "hint" }, t("wd.r.reminded", { time: formatDateTime(s.reminded_at) })) : null,
                s.reply
                  ? h("span", { class: "wd-silent-reply" }, t("wd.r.reply", { text: s.reply.text, time: s.reply.at ? formatDateTime(s.reply.at) : "" }))
                  : null,
                s.phone
                  ? h("a", { class: "btn btn-secondary wd-call", href: telHref(s.phone), "aria-label": t("wd.r.call", { phone: s.phone_dial ?? s.phone, name: s.display_name }) }, s.phone_dial ?? s.phone)
                  : h("span", { class: "hint" }, t("wd.r.noPhone")),
              ),
            ),
          ),
        )
      : r.targeted > 0
        ? h("p", { class: "hint" }, t("wd.r.noneSilent"))
        : null,
    h("h3", {}, t("wd.p.title")),
    h(
      "div",
      { class: "wd-counts" },
      countCell("p-targeted", t("wd.p.targeted"), p.targeted),
      countCell("p-push-ok", t("wd.p.pushOk"), p.push.accepted, p.push.accepted ? "ok" : ""),
      countCell("p-push-fail", t("wd.p.pushFail"), p.push.failed, p.push.failed ? "bad" : ""),
      countCell("p-sms-ok", t("wd.p.smsOk"), p.sms.accepted, p.sms.accepted ? "ok" : ""),
      countCell("p-sms-fail", t("wd.p.smsFail"), p.sms.failed, p.sms.failed ? "bad" : ""),
    ),
    p.push.pending + p.sms.pending ? h("p", { class: "hint" }, t("wd.p.pending", { n: p.push.pending + p.sms.pending })) : null,
  );
}

/** The reason asked for, then "are you sure": resolves the reason, or null when the desk said no. */
function askReason(title: string, body: string, confirm: string): Promise<string | null> {
  return new Promise((resolve) => {
    const input = h("textarea", { id: "wd-cancel-reason", rows: 3, maxlength: 500 });
    const err = errorSlot("wd-cancel-reason-err");
    const ok = h("button", { type: "button", class: "btn btn-danger-solid btn-block", id: "wd-cancel-go" }, confirm);
    const no = h("button", { type: "button", class: "btn btn-secondary btn-block" }, t("common.cancel"));
    const dialog = h(
      "dialog",
      { class: "confirm-dialog", "aria-labelledby": "wd-cancel-title" },
      h("h2", { id: "wd-cancel-title", class: "confirm-title" }, title),
      h("p", { class: "confirm-body" }, body),
      h("div", { class: "field" }, h("label", { for: input.id }, t("wd.f.reasonCancel")), input, err),
      h("div", { class: "confirm-actions" }, ok, no),
    );
    let done = false;
    const finish = (v: string | null) => {
      if (done) return;
      done = true;
      if (dialog.open) dialog.close();
      dialog.remove();
      resolve(v);
    };
    ok.addEventListener("click", () => {
      if (!input.value.trim()) return markField(input, err, t("wd.err.reason"));
      finish(input.value.trim());
    });
    no.addEventListener("click", () => finish(null));
    dialog.addEventListener("close", () => finish(null));
    document.body.appendChild(dialog);
    dialog.showModal();
    input.focus();
  });
}

export function renderWarning(id: string): HTMLElement {
  const body = h("div", { class: "screen-body" }, screenHead("wd-one-title", t("wd.title")), h("p", { class: "hint" }, t("wd.loading")));
  const section = h("section", { class: "screen screen-wide", "aria-labelledby": "wd-one-title" }, body);
  const status = h("p", { class: "notice", role: "status", id: "wd-one-status", hidden: true });
  const deliveryBox = h("div", { id: "wd-delivery-box" });
  const deliveryState = h("p", { class: "hint", id: "wd-going", "aria-live": "polite" });
  let shown: { ticket: number; d: Delivery } | null = null;
  let ticket = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const say = (text: string) => {
    status.textContent = text;
    status.hidden = false;
  };

  // Every load takes a ticket: a slow answer that arrives after a newer one is dropped.
  async function loadDelivery(wid: string): Promise<void> {
    const mine = ++ticket;
    try {
      const raw = await api.get<unknown>(`/api/v1/warnings/${encodeURIComponent(wid)}/delivery`);
      if (!section.isConnected) return;
      shown = mergeDelivery(shown, { ticket: mine, d: readDelivery(raw) });
      deliveryBox.replaceChildren(deliveryView(shown.d));
      deliveryState.dataset.goingOut = String(shown.d.going_out);
      deliveryState.textContent = `${shown.d.going_out ? t("wd.goingOut", { n: GOING_OUT_MS / 1000 }) : t("wd.doneOut")} · ${t("wd.checkedAt", { time: formatDateTime(Date.now()) })}`;
    } catch (err) {
      if (!section.isConnected) return;
      if (!shown) deliveryState.textContent = errorText(err);
    }
    if (!section.isConnected || mine !== ticket) return;
    clearTimeout(timer);
    timer = setTimeout(() => void loadDelivery(wid), shown?.d.going_out === false ? SETTLED_MS : GOING_OUT_MS);
  }

  async function act(btns: HTMLButtonElement[], fn: () => Promise<WarningItem | null>, done: string): Promise<void> {
    await once(btns, async () => {
      status.hidden = true;
      try {
        const w = await fn();
        if (!w) return;
        showToast(done);
        navigate(`/desk/warnings/${encodeURIComponent(w.id)}`, true);
      } catch (err) {
        const slug = err instanceof ApiError ? problemSlug(err) : "";
        const words: Record<string, MessageKey> = {
          "same-person": "wd.samePerson",
          "already-issued": "wd.p.alreadyIssued",
          cancelled: "wd.p.cancelled",
          expired: "wd.p.expired",
          "not-issued": "wd.p.notIssued",
        };
        say(words[slug] ? t(words[slug]) : errorText(err));
      }
    });
  }

  function view(w: WarningItem, chain: WarningItem[]): (HTMLElement | null)[] {
    const root = w.references_id || w.id;
    const ended = w.cancelled || w.msg_type === "cancel" || Boolean(w.superseded_by) || groupOf(w) === "ended";
    const approve = h("button", { type: "button", class: "btn btn-primary btn-block btn-huge", id: "wd-approve" }, t("wd.approve"));
    const update = h("button", { type: "button", class: "btn btn-secondary btn-block", id: "wd-update" }, t("wd.update"));
    const cancel = h("button", { type: "button", class: "btn btn-danger btn-block", id: "wd-cancel" }, t("wd.cancel"));
    const area = areaText(w) || "—";
    approve.addEventListener("click", () =>
      void act(
        [approve],
        async () => {
          const yes = await confirmStep({ title: t("wd.approveAsk"), body: t("wd.approveBody", { area }), confirm: t("wd.approve"), danger: true });
          return yes ? api.post<WarningItem>(`/api/v1/warnings/${encodeURIComponent(w.id)}/issue`, {}) : null;
        },
        t("wd.sent"),
      ),
    );
    update.addEventListener("click", () => navigate(`/desk/warnings/${encodeURIComponent(root)}/update`));
    cancel.addEventListener("click", () =>
      void act(
        [cancel, update],
        async () => {
          const reason = await askReason(t("wd.cancelAsk"), t("wd.cancelAskBody", { area }), t("wd.cancelConfirm"));
          return reason === null ? null : api.post<WarningItem>(`/api/v1/warnings/${encodeURIComponent(root)}/cancel`, { reason });
        },
        t("wd.cancelled"),
      ),
    );
    const issued = w.issued_at ? t("wd.issuedBy", { name: w.issued_by?.display_name ?? "—", time: formatDateTime(w.issued_at) }) : "";
    return [
      h(
        "article",
        { class: `wd-message wl-edge-${w.level}`, id: "wd-message", "data-state": w.state, "data-msg": w.msg_type },
        h("p", { class: "wd-head" }, levelBadge(w.level), h("span", { class: "wd-kind" }, kindWord(w.kind)), h("span", { class: "wd-state", id: "wd-state" }, `${t(`wd.m.${w.msg_type}` as MessageKey)} · ${stateWords(w)}`)),
        h("h2", { class: "wd-title" }, w.title),
        h("p", { class: "wd-body" }, w.body ?? ""),
        w.instructions ? h("div", { class: "wd-instr" }, h("h3", {}, t("wd.instructions")), h("p", {}, w.instructions)) : null,
        w.onset_at && w.expires_at ? h("p", { class: "card-meta" }, t("wd.period", { from: formatDateTime(w.onset_at), to: formatDateTime(w.expires_at) })) : null,
        h("p", { class: "card-meta", id: "wd-area-text" }, t("wd.area", { area })),
        issued ? h("p", { class: "card-meta" }, issued) : null,
        w.identifier ? h("p", { class: "card-meta wd-ident" }, w.identifier) : null,
      ),
      status,
      w.state === "issued" ? h("section", { class: "wd-delivery-sec" }, h("h2", {}, t("wd.delivery")), deliveryState, deliveryBox) : null,
      h("div", { class: "form-actions wd-actions" }, w.state === "draft" ? approve : null, w.state === "issued" && !ended ? update : null, w.state === "issued" && !ended ? cancel : null),
      chain.length > 1
        ? h(
            "section",
            { class: "wd-chain" },
            h("h2", {}, t("wd.chain")),
            h(
              "ol",
              { class: "wd-chain-list", id: "wd-chain" },
              ...chain.map((m) =>
                h(
                  "li",
                  { class: m.id === w.id ? "here" : "" },
                  h(
                    "button",
                    { type: "button", class: "card card-btn", onclick: () => navigate(`/desk/warnings/${encodeURIComponent(m.id)}`) },
                    h("span", { class: "card-top" }, levelBadge(m.level), h("span", { class: "card-title" }, `${t(`wd.m.${m.msg_type}` as MessageKey)} · ${m.title}`)),
                    h("span", { class: "card-meta" }, [m.issued_at ? formatDateTime(m.issued_at) : t("wd.s.pending"), m.reason ?? ""].filter(Boolean).join(" · ")),
                  ),
                ),
              ),
            ),
          )
        : null,
    ];
  }

  void (async () => {
    try {
      const w = await api.get<WarningItem>(`/api/v1/warnings/${encodeURIComponent(id)}`);
      const root = w.references_id || w.id;
      // The chain: the first message and every message that references it, oldest first.
      const page = await api.get<{ items: WarningItem[] }>("/api/v1/warnings?limit=200").catch(() => ({ items: [] as WarningItem[] }));
      const chain = [w, ...page.items.filter((m) => m.id !== w.id && (m.id === root || m.references_id === root))].sort((a, b) =>
        (a.issued_at ?? a.created_at ?? "").localeCompare(b.issued_at ?? b.created_at ?? ""),
      );
      if (!section.isConnected) return;
      body.replaceChildren(screenHead("wd-one-title", `${levelWord(w.level)} · ${kindWord(w.kind)}`), ...view(w, chain).filter((x): x is HTMLElement => x !== null));
      if (w.state === "issued") void loadDelivery(w.id);
    } catch (err) {
      if (isNotFound(err)) body.replaceChildren(screenHead("wd-one-title", t("wd.title")), notFoundView("wd.notFound", "wd.back", "/desk/warnings"));
      else body.replaceChildren(screenHead("wd-one-title", t("wd.title")), h("p", { class: "notice" }, errorText(err)));
    }
  })();
  return section;
}
