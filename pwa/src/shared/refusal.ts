// How a refusal looks wherever one is shown: the reason in the user's words, what is wrong with
// each field, and the server's own text folded away in a small "details" line.
import { h } from "./dom";
import { t } from "../i18n";
import { describeProblem } from "../i18n/problem";
import { problemSlug, type Problem } from "../data/problem";
import { listOps } from "../data/outbox";

export function refusalView(problem: Problem | undefined, cls = "refused-reason"): HTMLElement {
  const d = describeProblem(problem);
  const fields = Object.values(d.fields);
  return h(
    "div",
    { class: `refusal ${cls}`, "data-problem": problemSlug(problem) || "none" },
    h("p", { class: "refusal-message" }, d.message),
    fields.length ? h("ul", { class: "refusal-fields" }, ...fields.map((f) => h("li", {}, f))) : null,
    d.details ? h("details", { class: "refusal-details" }, h("summary", {}, t("problem.details")), h("p", {}, d.details)) : null,
  );
}

/** Why the server refused the last op on this record (a check-in, an order's answer), if it did. */
export async function refusalOf(entityId: string): Promise<Problem | undefined> {
  const ops = await listOps().catch(() => []);
  return ops.filter((op) => op.entity_id === entityId && op.state === "refused").pop()?.error;
}
