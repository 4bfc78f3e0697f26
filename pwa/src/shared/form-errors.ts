// A form's errors where the person is looking: the message under its field, the field marked
// invalid and described by it, said by a screen reader, and the first one scrolled to and focused
// (a message below the visible area looks like a button that does nothing).
import { h } from "./dom";

/** The place under a field for its message; a live region, so the message is read out. */
export function errorSlot(id: string): HTMLElement {
  return h("p", { class: "form-error field-error", id, role: "alert" });
}

function describedBy(el: HTMLElement, id: string, on: boolean): void {
  const ids = new Set((el.getAttribute("aria-describedby") ?? "").split(/\s+/).filter(Boolean));
  if (on) ids.add(id);
  else ids.delete(id);
  if (ids.size) el.setAttribute("aria-describedby", [...ids].join(" "));
  else el.removeAttribute("aria-describedby");
}

/** Shows `message` under the field (or clears it with null), marking its controls to match. */
export function markField(controls: HTMLElement | HTMLElement[], slot: HTMLElement, message: string | null): void {
  slot.textContent = message ?? "";
  for (const el of Array.isArray(controls) ? controls : [controls]) {
    if (message) el.setAttribute("aria-invalid", "true");
    else el.removeAttribute("aria-invalid");
    describedBy(el, slot.id, Boolean(message));
  }
}

/** Brings the field into the middle of the screen (clear of the top and bottom bars) and puts
 * the focus on its control, without a second jump. */
export function revealField(field: Element | null, control: HTMLElement | null): void {
  field?.scrollIntoView({ block: "center" });
  control?.focus({ preventScroll: true });
}
