import { describe, expect, it } from "vitest";
import type { OutboxOp, OpState } from "../../data/db";
import {
  scanRegion,
  alreadyCheckedOut,
  checkinData,
  countInside,
  draftProblems,
  emptyDraft,
  isBlankDraft,
  lastActions,
  maskName,
  normaliseMobile,
  receiptToken,
  restoreDraft,
  tokenCheckinId,
} from "./model";

const S = "11111111-1111-4111-8111-111111111111";
const OTHER = "22222222-2222-4222-8222-222222222222";
const CHECKIN_ID = "0b6c3c57-6b0e-4f43-9e5c-9d4f3f0a8a11";
// What itsdangerous' URLSafeSerializer makes of the id (payload "…" JSON, base64url, then a signature).
const b64url = (s: string) => btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const TOKEN = `${b64url(JSON.stringify(CHECKIN_ID))}.Xk1c2bq8mFvY0Zr3n5tWqL7eQpA`;

let seq = 0;
function op(type: string, data: Record<string, unknown>, state: OpState = "waiting", extra: Partial<OutboxOp> = {}): OutboxOp {
  seq += 1;
  return { seq, op_id: `op-${seq}`, type, at: "2026-12-01T08:00:00+08:00", data, state, media_ids: [], user_id: "u", created_at: "", attempts: 0, ...extra };
}

describe("the count inside", () => {
  it("is the server's occupancy plus this phone's unsent check-ins minus its unsent check-outs", () => {
    const ops = [
      op("shelter.checkin", { shelter_id: S, household_size: 3 }),
      op("shelter.checkin", { shelter_id: S, household_size: 2 }, "sending"),
      op("shelter.checkout", { shelter_id: S, checkin_id: "c-1" }, "waiting", { kept: { household_size: 4 } }),
      // Sent ones are in the occupancy already; refused ones never happened; others are elsewhere.
      op("shelter.checkin", { shelter_id: S, household_size: 9 }, "sent"),
      op("shelter.checkin", { shelter_id: S, household_size: 7 }, "refused"),
      op("shelter.checkin", { shelter_id: OTHER, household_size: 5 }),
      op("attendance.checkin", { id: "x" }),
    ];
    expect(countInside(10, 20, ops, S)).toEqual({ inside: 11, pendingIn: 5, pendingOut: 4, pendingOutUnknown: 0, placesLeft: 9 });
  });

  it("counts a check-out by receipt apart: its size is known only once the server answers", () => {
    const ops = [op("shelter.checkout", { shelter_id: S, token: TOKEN })];
    expect(countInside(6, 6, ops, S)).toMatchObject({ inside: 6, pendingOutUnknown: 1, placesLeft: 0 });
  });

  it("never goes below zero, and places left never below zero", () => {
    const ops = [op("shelter.checkout", { shelter_id: S, checkin_id: "c" }, "waiting", { kept: { household_size: 5 } })];
    expect(countInside(2, null, ops, S)).toMatchObject({ inside: 0, placesLeft: null });
    expect(countInside(30, 20, [], S).placesLeft).toBe(0);
  });
});

describe("masking", () => {
  it("keeps the first character and a star", () => {
    expect(maskName("王秀兰")).toBe("王*");
    expect(maskName("  李 ")).toBe("李*");
    expect(maskName("John Smith")).toBe("J*");
    expect(maskName("𠮷野家")).toBe("𠮷*"); // a character outside the BMP is one character
    expect(maskName("")).toBe("*");
  });
});

describe("the phone rule (as server/shelters/schemas.py MobilePhone)", () => {
  it.each([
    ["13812345678", "+8613812345678"],
    ["138 1234 5678", "+8613812345678"],
    ["138-1234-5678", "+8613812345678"],
    ["8613812345678", "+8613812345678"],
    ["+8613812345678", "+8613812345678"],
    ["008619912345678", "+8619912345678"],
    ["", null],
    ["   ", null],
  ])("takes %s", (raw, want) => expect(normaliseMobile(raw)).toBe(want));

  it.each(["12812345678", "1381234567", "059712345678", "+12025550123", "0597-1234567", "abc", "+86138123456789"])("refuses %s", (raw) =>
    expect(normaliseMobile(raw)).toBe("invalid"),
  );
});

describe("receipts", () => {
  it("reads the check-in id out of a token, as a link or bare", () => {
    expect(tokenCheckinId(TOKEN)).toBe(CHECKIN_ID);
    expect(receiptToken(` ${TOKEN}\n`)).toBe(TOKEN);
    expect(receiptToken(`https://yingji.example.gov.cn/r/${TOKEN}`)).toBe(TOKEN);
    expect(receiptToken(`https://yingji.example.gov.cn/receipt?token=${encodeURIComponent(TOKEN)}`)).toBe(TOKEN);
  });

  it("says no to what is not a receipt", () => {
    for (const text of ["https://yingji.example.gov.cn/s/AB12CD", "hello", "", `${b64url('"not-a-uuid"')}.Xk1c2bq8mFvY0Zr3n5tWqL7eQpA`, "a.b", "WEIXIN://xyz"]) {
      expect(receiptToken(text), text).toBeNull();
    }
  });
});

describe("the check-in draft", () => {
  it("starts empty with one person and a fixed id", () => {
    const d = emptyDraft(S, CHECKIN_ID);
    expect(d).toMatchObject({ key: `kiosk-checkin:${S}`, id: CHECKIN_ID, household_size: 1, needs: [] });
    expect(isBlankDraft(d)).toBe(true);
  });

  it("comes back as it was saved, and a damaged copy never breaks the form", () => {
    const saved = { ...emptyDraft(S, CHECKIN_ID), name: "王秀兰", phone: "138", household_size: 4, needs: ["elderly", "medical"] as const };
    expect(restoreDraft({ ...saved, needs: [...saved.needs] }, S, "x")).toMatchObject({ id: CHECKIN_ID, name: "王秀兰", phone: "138", household_size: 4, needs: ["elderly", "medical"] });
    const bad = restoreDraft({ id: "nope", name: 7 as unknown as string, household_size: -3, needs: ["flying", "children"] as never }, S, CHECKIN_ID);
    expect(bad).toMatchObject({ id: CHECKIN_ID, name: "", household_size: 1, needs: ["children"] });
    expect(restoreDraft({ household_size: 999 }, S, CHECKIN_ID).household_size).toBe(50);
    expect(isBlankDraft(restoreDraft({ name: "李" }, S, CHECKIN_ID))).toBe(false);
  });

  it("needs a name, and a phone only if it is a mobile", () => {
    const d = emptyDraft(S, CHECKIN_ID);
    expect(draftProblems(d)).toEqual(["name"]);
    d.name = "  ";
    d.phone = "0597-1234567";
    expect(draftProblems(d)).toEqual(["name", "phone"]);
    d.name = "李建国";
    d.phone = "139 0000 1111";
    expect(draftProblems(d)).toEqual([]);
  });

  it("becomes the contract's shelter.checkin data", () => {
    const d = { ...emptyDraft(S, CHECKIN_ID), name: " 李建国 ", phone: "139 0000 1111", household_size: 3, needs: ["children" as const] };
    expect(checkinData(d, S)).toEqual({ id: CHECKIN_ID, shelter_id: S, name: "李建国", phone: "+8613900001111", household_size: 3, needs: ["children"] });
    expect(checkinData({ ...d, phone: "" }, S)).not.toHaveProperty("phone");
  });
});

describe("last actions", () => {
  it("lists this shelter's check-ins and check-outs, newest first, never with a full name", () => {
    const a = op("shelter.checkin", { id: "c-a", shelter_id: S, name: "王秀兰", household_size: 3 });
    const b = op("shelter.checkin", { id: "c-b", shelter_id: S, household_size: 2 }, "sent", { kept: { name: "李*" }, scrubbed: true });
    const c = op("shelter.checkout", { shelter_id: S, token: TOKEN }, "refused", { error: { type: "x/wrong-shelter", title: "", status: 409 } });
    const d = op("shelter.checkout", { shelter_id: S, checkin_id: "c-z" }, "sent", { kept: { name: "张*", household_size: 1 } });
    op("shelter.checkin", { shelter_id: OTHER, name: "外人", household_size: 1 });
    const list = lastActions([a, b, c, d], S);
    expect(list.map((x) => [x.kind, x.who, x.size, x.state, x.byReceipt])).toEqual([
      ["checkout", "张*", 1, "sent", false],
      ["checkout", null, null, "refused", true],
      ["checkin", "李*", 2, "sent", false],
      ["checkin", "王*", 3, "waiting", false],
    ]);
    expect(JSON.stringify(list)).not.toContain("王秀兰");
  });

  it("knows a check-out this phone already holds, by id or by receipt", () => {
    const ops = [op("shelter.checkout", { shelter_id: S, token: TOKEN }, "waiting", { kept: { checkin_id: CHECKIN_ID } })];
    expect(alreadyCheckedOut(ops, CHECKIN_ID)).toBe(true);
    expect(alreadyCheckedOut(ops, "other")).toBe(false);
    expect(alreadyCheckedOut([{ ...ops[0], state: "refused" }], CHECKIN_ID)).toBe(false);
  });
});

describe("whatever a QR code or a thumb gives", () => {
  // A small seeded generator: the same cases every run, many shapes of input.
  let s = 12345;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const ALPHABET = "0123456789+-() .:/?=&#_abcxyzABCXYZ王李张%\n\t";
  const text = () => Array.from({ length: Math.floor(rnd() * 40) }, () => ALPHABET[Math.floor(rnd() * ALPHABET.length)]).join("");

  it("never throws, and answers only a mobile in E.164, nothing, or invalid", () => {
    for (let i = 0; i < 3000; i++) {
      const raw = i % 3 === 0 ? `1${Math.floor(rnd() * 1e10)}`.padEnd(11, "7") : text();
      const phone = normaliseMobile(raw);
      expect(phone === null || phone === "invalid" || /^\+861[3-9]\d{9}$/.test(phone), raw).toBe(true);
      const token = receiptToken(raw);
      expect(token === null || tokenCheckinId(token) !== null, raw).toBe(true);
    }
  });

  it("keeps the count a whole number of people, never below zero", () => {
    for (let i = 0; i < 500; i++) {
      const ops = Array.from({ length: Math.floor(rnd() * 8) }, () =>
        rnd() < 0.5
          ? op("shelter.checkin", { shelter_id: S, household_size: 1 + Math.floor(rnd() * 10) }, rnd() < 0.7 ? "waiting" : "sent")
          : op("shelter.checkout", { shelter_id: S, checkin_id: "c" }, "waiting", rnd() < 0.5 ? { kept: { household_size: 1 + Math.floor(rnd() * 10) } } : {}),
      );
      const occupancy = Math.floor(rnd() * 30);
      const c = countInside(occupancy, 20, ops, S);
      expect(Number.isInteger(c.inside) && c.inside >= 0).toBe(true);
      expect(c.inside).toBe(Math.max(0, occupancy + c.pendingIn - c.pendingOut));
      expect(c.placesLeft).toBe(Math.max(20 - c.inside, 0));
    }
  });
});

describe("scanRegion", () => {
  it("is the whole centre square of the picture, so a code filling the view is read", () => {
    expect(scanRegion(640, 480)).toEqual({ x: 80, y: 0, width: 480, height: 480, downScaledWidth: 480, downScaledHeight: 480 });
    expect(scanRegion(1080, 1920)).toEqual({ x: 0, y: 420, width: 1080, height: 1080, downScaledWidth: 640, downScaledHeight: 640 });
  });
});
