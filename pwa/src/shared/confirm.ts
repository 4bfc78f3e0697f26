// Asking before an irreversible step (完成任务, 签退, 退出登录). The dialog sits in the upper part of
// the screen, away from the bottom bar where the first tap landed, and its confirm button is
// inert for a moment: a double tap on the step can never confirm it by accident.
import { h } from "./dom";
import { armLater } from "./guard";
import { t } from "../i18n";

export interface ConfirmOptions {
  title: string;
  body?: string;
  confirm: string;
  cancel?: string;
  danger?: boolean;
}

/** Resolves true only when the person taps the confirm button; Esc, cancel or a tap outside say no. */
export function confirmStep(opts: ConfirmOptions): Promise<boolean> {
  return new Promise((resolve) => {
    const titleId = `confirm-title-${Math.random().toString(36).slice(2, 8)}`;
    const ok = h("button", { type: "button", class: `btn ${opts.danger ? "btn-danger-solid" : "btn-primary"} btn-block`, "data-confirm": "yes" }, opts.confirm);
    const no = h("button", { type: "button", class: "btn btn-secondary btn-block", "data-confirm": "no" }, opts.cancel ?? t("confirm.cancel"));
    const dialog = h(
      "dialog",
      { class: "confirm-dialog", "aria-labelledby": titleId },
      h("h2", { id: titleId, class: "confirm-title" }, opts.title),
      opts.body ? h("p", { class: "confirm-body" }, opts.body) : null,
      // Confirm first (top), cancel below it: nearer the thumb is the safe answer.
      h("div", { class: "confirm-actions" }, ok, no),
    );
    let answered = false;
    const finish = (yes: boolean) => {
      if (answered) return;
      answered = true;
      if (dialog.open) dialog.close();
      dialog.remove();
      resolve(yes);
    };
    ok.addEventListener("click", () => finish(true));
    no.addEventListener("click", () => finish(false));
    dialog.addEventListener("close", () => finish(false));
    dialog.addEventListener("click", (e) => {
      if (e.target === dialog) finish(false); // the backdrop
    });
    document.body.appendChild(dialog);
    armLater(ok);
    dialog.showModal();
    no.focus();
  });
}
