import { describe, expect, it } from "vitest";
import { checkLine, claimBody, emptyLine, linesTotal, myMove, nextMove, openClaimables, type Claimable } from "./claims-model";

const claim = (state: "claimed" | "agreed" | "paid") => ({ state, helper_township_id: 2, helped_township_id: 1 });

describe("claims", () => {
  it("lets the township helped agree and the helper mark it paid, the county either, nobody else", () => {
    const town1 = new Set([1, 11, 12]);
    const town2 = new Set([2, 21]);
    const county = new Set([100, 1, 2, 3]);
    const town3 = new Set([3]);
    expect(myMove(claim("claimed"), town1)).toBe("agree");
    expect(myMove(claim("claimed"), town2)).toBeNull();
    expect(myMove(claim("agreed"), town2)).toBe("paid");
    expect(myMove(claim("agreed"), town1)).toBeNull();
    expect(myMove(claim("claimed"), county)).toBe("agree");
    expect(myMove(claim("agreed"), county)).toBe("paid");
    expect(myMove(claim("claimed"), town3)).toBeNull();
    expect(myMove(claim("paid"), county)).toBeNull();
    expect(nextMove(claim("paid"))).toBeNull();
  });

  it("checks each line and sums the amounts in fen, not floats", () => {
    expect(checkLine(emptyLine())).toEqual({ description: "required", amount: "required" });
    expect(checkLine({ kind: "lost", description: "x".repeat(201), quantity: "0", amount: "1.234" })).toEqual({
      kind: "choice",
      description: "tooLong",
      quantity: "quantity",
      amount: "money",
    });
    expect(checkLine({ kind: "damaged", description: "抽水泵", quantity: "1", amount: "1200" })).toEqual({});
    expect(linesTotal([{ ...emptyLine(), amount: "0.10" }, { ...emptyLine(), amount: "0.20" }, { ...emptyLine(), amount: "bad" }])).toBe("0.30");
    expect(linesTotal([{ ...emptyLine(), amount: "1200" }, { ...emptyLine(), amount: "300.5" }])).toBe("1500.50");
  });

  it("builds the body the server takes and offers only orders not claimed yet", () => {
    const body = claimBody("d1", 2, [{ kind: "consumed", description: " 柴油 ", quantity: "40", amount: "300.5" }], " ");
    expect(body).toEqual({ dispatch_id: "d1", helper_township_id: 2, lines: [{ kind: "consumed", description: "柴油", quantity: 40, amount: "300.50" }], note: null });
    const item = (claimed: boolean) => ({ dispatch_id: String(claimed), claimed }) as Claimable;
    expect(openClaimables([item(true), item(false)]).map((x) => x.dispatch_id)).toEqual(["false"]);
  });
});
