import { describe, expect, it } from "vitest";
import { emptyFigures, figureErrors, fromServer, lowered, nextKind, toPayload } from "./model";

const figs = (over: Record<string, string>) => ({ ...emptyFigures(), ...over });

describe("situation report figures", () => {
  it("refuses negatives, fractions of people and a third decimal place", () => {
    expect(figureErrors(figs({ affected: "-1" })).affected).toBe("number");
    expect(figureErrors(figs({ dead: "1.5", affected: "3" })).dead).toBe("number");
    expect(figureErrors(figs({ loss_10k_yuan: "1.005" })).loss_10k_yuan).toBe("decimal");
    expect(figureErrors(figs({ loss_10k_yuan: "12.5", crops_affected_ha: "3" }))).toEqual({});
  });

  it("keeps the dead, missing and injured within the affected, and crops lost within crops affected", () => {
    expect(figureErrors(figs({ affected: "5", dead: "6", missing: "5" }))).toEqual({ dead: "over_affected" });
    expect(figureErrors(figs({ crops_affected_ha: "1.00", crops_lost_ha: "1.01" }))).toEqual({ crops_lost_ha: "over_crops" });
    // Evacuated beyond the affected is normal (moved before it struck).
    expect(figureErrors(figs({ affected: "5", evacuated: "300" }))).toEqual({});
  });

  it("sends counts as integers and decimals with two places, an empty field as zero", () => {
    const p = toPayload(figs({ affected: "12", crops_affected_ha: "3.5", loss_10k_yuan: "" }));
    expect(p.affected).toBe(12);
    expect(p.dead).toBe(0);
    expect(p.crops_affected_ha).toBe("3.50");
    expect(p.loss_10k_yuan).toBe("0.00");
  });

  it("names the figures lower than the last report, comparing decimals exactly", () => {
    const last = fromServer({ affected: 100, missing: 4, loss_10k_yuan: "50.10", crops_affected_ha: "0.30" });
    expect(lowered(figs({ affected: "120", missing: "2", loss_10k_yuan: "50.1", crops_affected_ha: "0.3" }), last)).toEqual(["missing"]);
    expect(lowered(figs({ affected: "100", missing: "4", loss_10k_yuan: "50.09", crops_affected_ha: "0.30" }), last)).toEqual(["loss_10k_yuan"]);
    expect(lowered(figs({ affected: "1" }), null)).toEqual([]);
  });

  it("makes the first report the initial one and later ones follow-ups", () => {
    expect(nextKind(null)).toBe("initial");
    expect(nextKind("initial")).toBe("follow_up");
  });
});
