// Situation report figures on the phone: the groups the form shows, reading what was typed, and
// which figures went down since the village's last report (the reason is then required). No DOM.

export const PEOPLE = ["affected", "dead", "missing", "injured", "evacuated", "resettled"] as const;
export const HOUSES = ["houses_collapsed", "houses_severe", "houses_light"] as const;
export const CROPS = ["crops_affected_ha", "crops_lost_ha"] as const;
export const LOSS = ["loss_10k_yuan"] as const;
export const DECIMALS: readonly string[] = [...CROPS, ...LOSS];
export const FIGURES = [...PEOPLE, ...HOUSES, ...CROPS, ...LOSS] as const;
export type Figure = (typeof FIGURES)[number];
export type Figures = Record<Figure, string>;
export const GROUPS: { id: string; fields: readonly Figure[] }[] = [
  { id: "people", fields: PEOPLE },
  { id: "houses", fields: HOUSES },
  { id: "crops", fields: CROPS },
  { id: "loss", fields: LOSS },
];
export type ReportKind = "initial" | "follow_up" | "verified";

const COUNT = /^\d{1,9}$/;
const DECIMAL = /^\d{1,10}(\.\d{1,2})?$/;

export function emptyFigures(): Figures {
  return Object.fromEntries(FIGURES.map((f) => [f, ""])) as Figures;
}

/** The server's figures (numbers, and decimals as strings) as the form's text. */
export function fromServer(figures: Record<string, unknown> | null | undefined): Figures {
  const out = emptyFigures();
  for (const f of FIGURES) {
    const v = figures?.[f];
    if (typeof v === "number" || typeof v === "string") out[f] = String(v);
  }
  return out;
}

/** Hundredths for decimals, the count itself otherwise: compared as whole numbers, no float drift. */
function units(field: Figure, text: string): number {
  if (!DECIMALS.includes(field)) return Number(text);
  const [whole, frac = ""] = text.split(".");
  return Number(whole) * 100 + Number((frac + "00").slice(0, 2));
}

/** What is wrong with each figure (an empty field counts as 0). Rules as the server's. */
export function figureErrors(values: Figures): Partial<Record<Figure, "number" | "decimal" | "over_affected" | "over_crops">> {
  const errors: Partial<Record<Figure, "number" | "decimal" | "over_affected" | "over_crops">> = {};
  const v = (f: Figure) => values[f].trim() || "0";
  for (const f of FIGURES) {
    if (DECIMALS.includes(f) ? !DECIMAL.test(v(f)) : !COUNT.test(v(f))) errors[f] = DECIMALS.includes(f) ? "decimal" : "number";
  }
  if (!errors.affected) {
    for (const f of ["dead", "missing", "injured"] as const) {
      if (!errors[f] && units(f, v(f)) > units("affected", v("affected"))) errors[f] = "over_affected";
    }
  }
  if (!errors.crops_lost_ha && !errors.crops_affected_ha && units("crops_lost_ha", v("crops_lost_ha")) > units("crops_affected_ha", v("crops_affected_ha")))
    errors.crops_lost_ha = "over_crops";
  return errors;
}

/** The op's figures: counts as integers, decimals as strings with two places. */
export function toPayload(values: Figures): Record<Figure, number | string> {
  const out = {} as Record<Figure, number | string>;
  for (const f of FIGURES) {
    const text = values[f].trim() || "0";
    out[f] = DECIMALS.includes(f) ? (units(f, text) / 100).toFixed(2) : Number(text);
  }
  return out;
}

/** The figures lower than the village's last report (valid ones only). */
export function lowered(values: Figures, last: Figures | null): Figure[] {
  if (!last) return [];
  const errs = figureErrors(values);
  return FIGURES.filter((f) => !errs[f] && last[f] !== "" && units(f, values[f].trim() || "0") < units(f, last[f]));
}

/** The kind a new report of the village takes: the first is the initial one, then follow-ups. */
export function nextKind(lastKind: ReportKind | null): ReportKind {
  return lastKind ? "follow_up" : "initial";
}
