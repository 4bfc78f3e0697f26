// The words and colour chip of a warning, shared by the banner, the list and the detail: the
// level's colour always with its word beside it (红色预警), never the colour alone.
import { h } from "../../shared/dom";
import { hasKey, t, type MessageKey } from "../../i18n";
import { LEVEL_COLOURS, levelOf, type Standing, type Warning } from "./model";

export function levelWord(level: unknown): string {
  const key = `warning.level.${String(level)}`;
  return hasKey(key) ? t(key) : t("warning.level.blue");
}

export function kindWord(kind: unknown): string {
  const key = `warning.kind.${String(kind)}`;
  return hasKey(key) ? t(key) : t("warning.kind.other");
}

export function msgWord(msg: unknown): string {
  const key = `warning.msg.${String(msg)}`;
  return hasKey(key) ? t(key) : t("warning.msg.alert");
}

export function standingWord(s: Standing): string {
  return t(`warning.standing.${s}` as MessageKey);
}

/** The level's colours as an inline style (the one source: model.ts, whose contrast is tested). */
export function levelStyle(w: Pick<Warning, "level">): string {
  const c = LEVEL_COLOURS[levelOf(w)];
  return `background:${c.bg};color:${c.fg}`;
}

/** "红色预警" on its colour, with a shape too (a triangle) for anyone who cannot tell the colours. */
export function levelChip(w: Pick<Warning, "level">): HTMLElement {
  return h("span", { class: "warn-level", style: levelStyle(w), "data-level": levelOf(w) }, h("span", { "aria-hidden": "true" }, "▲ "), levelWord(w.level));
}
