// 跨乡镇支援补偿 (/desk/claims, /desk/claims/<id>): the claims filed by or owed to the desk's
// townships, each with its state in words (已申请 / 已同意 / 已支付), who helped whom and the
// amount; a claim's page with its lines and each move (who, when), and the one next move this
// desk may make (同意 for the township helped, 标记已支付 for the helper; the county either),
// each asked first. Online only: read fresh, never kept or queued.
import "./subsidy.css";
import { api, ApiError, OfflineError, type User } from "../../api";
import { h } from "../../shared/dom";
import { once } from "../../shared/guard";
import { confirmStep } from "../../shared/confirm";
import { isOnline, onNetworkChange } from "../../shared/network";
import { navigate } from "../../shared/router";
import { screenHead } from "../../shared/ui";
import { describeProblem } from "../../i18n/problem";
import { formatDateTime, t, type MessageKey } from "../../i18n";
import { claimPath, CLAIMS_PATH, myMove, type Claim } from "./claims-model";

function refusal(err: unknown): string {
  if (err instanceof OfflineError) return t("claims.offline");
  return describeProblem(err instanceof ApiError ? err.problem : undefined).message;
}

const stateWords = (s: string): string => t(`claims.state.${s}` as MessageKey);

/** The region ids in the signed-in desk's scope (its region and every one below), as the server counts them. */
async function myScope(): Promise<Set<number>> {
  const answer = await api.get<{ items: { id: number }[] }>("/api/v1/regions");
  return new Set(answer.items.map((r) => Number(r.id)));
}

export function renderClaims(): HTMLElement {
  const status = h("p", { class: "hint", id: "claims-status", role: "status" }, t("desk.loading"));
  const list = h("ul", { class: "claims-list", id: "claims-list" });
  const add = h("button", { type: "button", class: "btn btn-primary btn-block btn-huge", id: "claims-new", onclick: () => navigate("/desk/claims/new") }, t("claims.new"));
  const offlineWhy = h("p", { class: "hint", id: "claims-offline" });

  function paintNetwork(): void {
    add.disabled = !isOnline();
    offlineWhy.textContent = isOnline() ? "" : t("claims.offline");
  }

  async function load(): Promise<void> {
    try {
      const answer = await api.get<{ items: Claim[] }>(CLAIMS_PATH);
      status.textContent = answer.items.length ? "" : t("claims.none");
      list.replaceChildren(
        ...answer.items.map((c) =>
          h(
            "li",
            {},
            h(
              "button",
              { type: "button", class: "card claim-card", "data-claim": c.id, onclick: () => navigate(`/desk/claims/${c.id}`) },
              h("strong", {}, t("claims.between", { helper: c.helper_township_name, helped: c.helped_township_name })),
              h("span", { class: `claim-state claim-${c.state}` }, stateWords(c.state)),
              h("span", {}, t("claims.order", { title: c.dispatch_title })),
              h("span", { class: "claim-amount" }, t("claims.amount", { amount: c.total })),
            ),
          ),
        ),
      );
    } catch (err) {
      status.textContent = refusal(err);
    }
  }

  const section = h(
    "section",
    { class: "screen screen-wide", "aria-labelledby": "claims-title" },
    h("div", { class: "screen-body" }, screenHead("claims-title", t("claims.title")), status, list, h("div", { class: "form-actions" }, offlineWhy, add)),
  );
  paintNetwork();
  const stop = onNetworkChange(() => {
    if (!section.isConnected) return stop();
    paintNetwork();
  });
  void load();
  return section;
}

export function renderClaim(_user: User, id: string): HTMLElement {
  let claim: Claim | null = null;
  let scope = new Set<number>();
  const status = h("p", { class: "hint", id: "claim-status", role: "status" }, t("desk.loading"));
  const body = h("div", { id: "claim-body" });
  const said = h("p", { class: "notice", id: "claim-said", role: "status", hidden: true });
  const offlineWhy = h("p", { class: "hint", id: "claim-offline" });
  const next = h("div", { id: "claim-next" });
  // The one button in a stable slot: a reload after a move changes its words, never drops a tap.
  const act = h("button", { type: "button", class: "btn btn-primary btn-block btn-huge", id: "claim-act", hidden: true });

  function say(text: string): void {
    said.textContent = text;
    said.hidden = !text;
  }

  function paintAct(): void {
    const move = claim ? myMove(claim, scope) : null;
    act.hidden = !move;
    act.textContent = move === "agree" ? t("claims.agree") : move === "paid" ? t("claims.paid") : "";
    if (act.dataset.busy !== "true") act.disabled = !isOnline();
    offlineWhy.textContent = move && !isOnline() ? t("claims.offline") : "";
    if (!claim) return next.replaceChildren();
    const waiting = claim.state === "claimed" ? claim.helped_township_name : claim.helper_township_name;
    next.replaceChildren(
      claim.state === "paid"
        ? h("p", { class: "hint", id: "claim-done" }, t("claims.done"))
        : move
          ? ""
          : h("p", { class: "hint", id: "claim-wait" }, t("claims.waitFor", { township: waiting })),
    );
  }

  function show(c: Claim): void {
    claim = c;
    body.replaceChildren(
      h("p", { class: `notice claim-state claim-${c.state}`, id: "claim-state" }, stateWords(c.state)),
      h("p", { class: "claim-between" }, t("claims.between", { helper: c.helper_township_name, helped: c.helped_township_name })),
      h("p", {}, t("claims.order", { title: c.dispatch_title })),
      h("p", {}, t("claims.people", { members: c.members, hours: c.hours })),
      c.note ? h("p", { class: "hint" }, c.note) : "",
      h("h2", {}, t("claims.lines")),
      h(
        "ul",
        { class: "claim-lines", id: "claim-lines" },
        ...c.lines.map((l) =>
          h("li", {}, t("claims.lineText", { kind: t(`claims.kind.${l.kind}` as MessageKey), description: l.description, quantity: l.quantity, amount: l.amount })),
        ),
      ),
      h("p", { class: "claim-total", id: "claim-total" }, h("strong", {}, t("claims.total", { amount: c.total }))),
      h("h2", {}, t("claims.history")),
      h(
        "ol",
        { class: "claim-steps", id: "claim-steps" },
        ...c.steps.map((s) =>
          h("li", { "data-state": s.state }, t("claims.step", { state: stateWords(s.state), name: s.by_name, time: formatDateTime(s.at) }), s.note ? h("span", { class: "hint" }, ` · ${s.note}`) : ""),
        ),
      ),
    );
    paintAct();
  }

  async function load(): Promise<void> {
    try {
      const [c, s] = await Promise.all([api.get<Claim>(claimPath(id)), myScope()]);
      scope = s;
      status.textContent = "";
      show(c);
    } catch (err) {
      status.textContent = err instanceof ApiError && err.problem?.status === 404 ? t("claims.notFound") : refusal(err);
    }
  }

  act.addEventListener("click", () =>
    void once([act], async () => {
      const c = claim;
      const move = c ? myMove(c, scope) : null;
      if (!c || !move) return;
      say("");
      const yes = await confirmStep(
        move === "agree"
          ? { title: t("claims.agreeTitle"), body: t("claims.agreeBody", { helper: c.helper_township_name, amount: c.total }), confirm: t("claims.confirm") }
          : { title: t("claims.paidTitle"), body: t("claims.paidBody"), confirm: t("claims.confirm") },
      );
      if (!yes) return;
      try {
        show(await api.post<Claim>(`${claimPath(c.id)}/${move}`, {}));
      } catch (err) {
        say(refusal(err));
        // Someone else may have moved it: show it as it is now.
        await load();
      }
    }),
  );

  const section = h(
    "section",
    { class: "screen screen-wide", "aria-labelledby": "claim-title" },
    h(
      "div",
      { class: "screen-body" },
      screenHead("claim-title", t("claims.title")),
      status,
      body,
      h("div", { class: "form-actions" }, said, next, offlineWhy, act),
      h("button", { type: "button", class: "btn btn-secondary btn-block", id: "claim-back", onclick: () => navigate("/desk/claims") }, t("claims.back")),
    ),
  );
  const stop = onNetworkChange(() => {
    if (!section.isConnected) return stop();
    paintAct();
  });
  void load();
  return section;
}
