import "fake-indexeddb/auto";
import { IDBFactory } from "fake-indexeddb";
import { beforeEach, describe, expect, it } from "vitest";
import { resetDbForTests } from "../../data/db";
import { distanceM, wgs84ToGcj02 } from "../../shared/coords";
import { t } from "../../i18n";
import {
  checkWarning,
  dialForm,
  chinaInput,
  discardWarningDraft,
  emptyWarningDraft,
  fieldOf,
  fromChinaInput,
  groupOf,
  latestPerChain,
  loadWarningDraft,
  mergeDelivery,
  readDelivery,
  restoreWarningDraft,
  storeWarningDraft,
  tappedToWgs,
  telHref,
  warningBody,
  warningDraftKey,
  wgsToTiles,
  type WarningDraft,
} from "./warnings-model";

const KEY = warningDraftKey("u-1");
// A small seeded generator: the same cases every run, many shapes of input.
let seed = 20261202;
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const between = (a: number, b: number) => a + rnd() * (b - a);
const NOW = Date.UTC(2026, 11, 2, 1, 30, 20); // 09:30:20 in China

function filled(): WarningDraft {
  const d = emptyWarningDraft(KEY, NOW);
  d.kind = "typhoon";
  d.level = "orange";
  d.title = "台风橙色预警";
  d.body = "受第 25 号台风影响，预计今晚起有大风暴雨。";
  d.region_ids = [3];
  return d;
}

describe("China-time inputs", () => {
  it("defaults to now and now + 24 h in China time, whatever the phone's zone", () => {
    const d = emptyWarningDraft(KEY, NOW);
    expect(d.onset).toBe("2026-12-02T09:30");
    expect(d.expires).toBe("2026-12-03T09:30");
  });

  it("reads a China-time input back as the same instant", () => {
    expect(fromChinaInput("2026-12-02T09:30")?.toISOString()).toBe("2026-12-02T01:30:00.000Z");
    expect(fromChinaInput("2026-02-30T10:00")).toBeNull();
    expect(fromChinaInput("tomorrow")).toBeNull();
    for (let i = 0; i < 2000; i++) {
      const minute = Math.floor(between(Date.UTC(2000, 0, 1), Date.UTC(2099, 0, 1)) / 60_000) * 60_000;
      expect(fromChinaInput(chinaInput(minute))?.getTime()).toBe(minute);
    }
  });
});

describe("checking the form, in words", () => {
  it("names every missing field of an empty form", () => {
    const problems = checkWarning(emptyWarningDraft(KEY, NOW));
    expect(problems).toEqual({ kind: "wd.err.kind", level: "wd.err.level", title: "wd.err.title", body: "wd.err.body", area: "wd.err.regions" });
    expect(t(problems.area!, undefined, "zh-CN")).toBe("请至少选一个乡镇或村。");
    expect(t(problems.level!, undefined, "en")).toBe("Choose the level.");
  });

  it("accepts a filled form and refuses an expiry before the onset", () => {
    const d = filled();
    expect(checkWarning(d)).toEqual({});
    d.expires = d.onset;
    expect(checkWarning(d)).toEqual({ expires: "wd.err.expiresBefore" });
  });

  it("wants 3 to 200 points when the area is drawn", () => {
    const d = filled();
    d.area = "polygon";
    d.polygon = [
      [25.1, 116.4],
      [25.2, 116.5],
    ];
    expect(checkWarning(d).area).toBe("wd.err.polygonFew");
    d.polygon.push([25.1, 116.6]);
    expect(checkWarning(d)).toEqual({});
  });

  it("wants a reason for an update", () => {
    expect(checkWarning(filled(), { needReason: true, reason: "  " })).toEqual({ reason: "wd.err.reason" });
    expect(checkWarning(filled(), { needReason: true, reason: "风力加强" })).toEqual({});
  });

  it("places the server's field names on the form", () => {
    expect(fieldOf("region_ids.0")).toBe("area");
    expect(fieldOf("polygon")).toBe("area");
    expect(fieldOf("expires_at")).toBe("expires");
    expect(fieldOf("whatever")).toBeNull();
  });
});

describe("what is sent", () => {
  it("sends the regions, or the polygon, never both, with UTC times", () => {
    const d = filled();
    expect(warningBody(d)).toEqual({
      kind: "typhoon",
      level: "orange",
      title: "台风橙色预警",
      body: "受第 25 号台风影响，预计今晚起有大风暴雨。",
      region_ids: [3],
      onset_at: "2026-12-02T01:30:00.000Z",
      expires_at: "2026-12-03T01:30:00.000Z",
    });
    d.area = "polygon";
    d.polygon = [
      [25.1, 116.4],
      [25.2, 116.5],
      [25.1, 116.6],
    ];
    const body = warningBody(d, { draft: true });
    expect(body.region_ids).toBeUndefined();
    expect(body.polygon).toEqual(d.polygon);
    expect(body.draft).toBe(true);
  });
});

describe("the polygon drawn on GCJ-02 tiles", () => {
  it("comes back to within a metre of the WGS-84 point under the tap", () => {
    let worst = 0;
    for (let i = 0; i < 3000; i++) {
      const lat = between(18.5, 45);
      const lon = between(98, 125);
      const onTiles = wgs84ToGcj02({ lat, lon });
      const [wl, wn] = tappedToWgs(onTiles, "gcj02");
      worst = Math.max(worst, distanceM({ lat, lon }, { lat: wl, lon: wn }));
      // and the stored point is drawn back where it was tapped
      expect(distanceM(wgsToTiles([wl, wn], "gcj02"), onTiles)).toBeLessThan(1);
    }
    expect(worst).toBeLessThan(1);
  });

  it("is really shifted (hundreds of metres in Fujian), and untouched on WGS-84 tiles", () => {
    const tap = { lat: 25.05, lon: 116.42 };
    const [lat, lon] = tappedToWgs(tap, "gcj02");
    const moved = distanceM(tap, { lat, lon });
    expect(moved).toBeGreaterThan(200);
    expect(moved).toBeLessThan(1000);
    expect(tappedToWgs(tap, "wgs84")).toEqual([25.05, 116.42]);
  });
});

describe("delivery counts", () => {
  const answer = (n: number, extra: Record<string, unknown> = {}) =>
    readDelivery({
      responsible: { targeted: 10, reached: { push: n, sms: 0, voice: 0 }, acknowledged: n, silent: [{ user_id: "a", display_name: "王五", role: "info_officer", region: "大坪村", phone: "13800000001" }] },
      residents: { targeted: 100, push: { accepted: n * 10, failed: 1, pending: 100 - n * 10 }, sms: { accepted: 0, failed: 0, pending: 0 } },
      going_out: true,
      ...extra,
    });

  it("reads a partial answer as zeros, never NaN", () => {
    const d = readDelivery({ responsible: { targeted: 3 } });
    expect(d.responsible.reached).toEqual({ push: 0, sms: 0, voice: 0 });
    expect(d.residents.push).toEqual({ accepted: 0, failed: 0, pending: 0 });
    expect(d.going_out).toBe(false);
    expect(d.responsible.silent).toEqual([]);
  });

  it("drops a stale answer whole: counts never run backwards", () => {
    let shown = mergeDelivery(null, { ticket: 2, d: answer(5) });
    shown = mergeDelivery(shown, { ticket: 1, d: answer(2, { going_out: false }) });
    expect(shown.ticket).toBe(2);
    expect(shown.d.responsible.acknowledged).toBe(5);
    expect(shown.d.going_out).toBe(true);
  });

  it("keeps growing counts at their highest but takes pending and the silent list as they come", () => {
    for (let run = 0; run < 200; run++) {
      const ns = Array.from({ length: 1 + Math.floor(rnd() * 20) }, () => Math.floor(rnd() * 11));
      let shown: ReturnType<typeof mergeDelivery> | null = null;
      let best = 0;
      ns.forEach((n, i) => {
        shown = mergeDelivery(shown, { ticket: i + 1, d: answer(n) });
        best = Math.max(best, n);
        expect(shown.d.responsible.acknowledged).toBe(best);
        expect(shown.d.residents.push.accepted).toBe(best * 10);
        expect(shown.d.residents.push.pending).toBe(100 - n * 10);
      });
    }
    const last = mergeDelivery(mergeDelivery(null, { ticket: 1, d: answer(1) }), { ticket: 2, d: readDelivery({ responsible: { silent: [] }, going_out: false }) });
    expect(last.d.responsible.silent).toEqual([]);
    expect(last.d.going_out).toBe(false);
  });

  it("makes a phone number a tel: link", () => {
    expect(telHref("138 0000-0001")).toBe("tel:13800000001");
    expect(telHref("+86 138 0000 0001")).toBe("tel:+8613800000001");
  });

  it.each([
    ["+8613800000005", "138 0000 0005"],
    ["+8613800005009", "138 0000 5009"],
    ["+8657788889999", "057788889999"], // a landline with its area code
    ["+85291234567", "+85291234567"], // not a mainland number: as given
    ["110", "110"],
  ])("shows %s as a person dials it: %s (as the shelter poster prints it)", (e164, dial) => expect(dialForm(e164)).toBe(dial));

  it("shows the silent's phone as dialled and keeps the full number for the tel: link", () => {
    const d = readDelivery({
      responsible: {
        silent: [
          { user_id: "a", display_name: "王五", phone: "+8613800005009", phone_dial: "138 0000 5009" },
          { user_id: "b", display_name: "李四", phone: "+8613900000001" }, // an older server: made here
          { user_id: "c", display_name: "赵六", phone: null },
        ],
      },
    });
    const [a, b, c] = d.responsible.silent;
    expect([a.phone_dial, telHref(a.phone!)]).toEqual(["138 0000 5009", "tel:+8613800005009"]);
    expect([b.phone_dial, telHref(b.phone!)]).toEqual(["139 0000 0001", "tel:+8613900000001"]);
    expect([c.phone, c.phone_dial]).toEqual([null, null]);
  });

  it("reads a silent person's reply that was not 收到, and ignores a malformed one", () => {
    const d = readDelivery({
      responsible: {
        silent: [
          { user_id: "a", phone: "+8613800005009", reply: { text: "2", at: "2026-12-02T08:00:00+00:00" } },
          { user_id: "b", reply: "2" },
          { user_id: "c" },
        ],
      },
    });
    expect(d.responsible.silent.map((p) => p.reply)).toEqual([{ text: "2", at: "2026-12-02T08:00:00+00:00" }, null, null]);
  });
});

describe("the list's groups", () => {
  const base = { id: "w", msg_type: "alert" as const, state: "issued" as const, kind: "flood", level: "red", title: "x" };
  it("puts each warning where it stands", () => {
    const now = Date.parse("2026-12-02T02:00:00Z");
    const period = { onset_at: "2026-12-02T01:00:00Z", expires_at: "2026-12-03T01:00:00Z" };
    expect(groupOf({ ...base, ...period, active: true }, now)).toBe("active");
    expect(groupOf({ ...base, ...period, state: "draft" }, now)).toBe("drafts");
    expect(groupOf({ ...base, ...period, cancelled: true }, now)).toBe("ended");
    expect(groupOf({ ...base, ...period, superseded_by: "w2" }, now)).toBe("ended");
    expect(groupOf({ ...base, onset_at: "2026-12-02T05:00:00Z", expires_at: "2026-12-03T01:00:00Z" }, now)).toBe("upcoming");
    expect(groupOf({ ...base, onset_at: "2026-12-01T01:00:00Z", expires_at: "2026-12-02T01:00:00Z", active: true }, now)).toBe("ended");
  });
});

describe("one line per chain", () => {
  it("lists a chain's latest issued message, counts its messages, and keeps drafts apart", () => {
    const m = (id: string, extra: Record<string, unknown>) => ({ id, msg_type: "alert" as const, state: "issued" as const, kind: "flood", level: "red", title: id, ...extra });
    const lines = latestPerChain([
      m("a", { issued_at: "2026-12-02T01:00:00Z" }),
      m("a2", { msg_type: "update", references_id: "a", issued_at: "2026-12-02T02:00:00Z" }),
      m("a3", { msg_type: "cancel", references_id: "a", issued_at: "2026-12-02T03:00:00Z" }),
      m("b", { issued_at: "2026-12-02T00:30:00Z" }),
      m("d", { state: "draft", created_at: "2026-12-02T04:00:00Z" }),
      m("a4", { state: "draft", msg_type: "update", references_id: "a", created_at: "2026-12-02T05:00:00Z" }),
    ]);
    expect(lines.map((l) => [l.item.id, l.messages])).toEqual([
      ["a4", 1],
      ["d", 1],
      ["a3", 3],
      ["b", 1],
    ]);
  });
});

describe("the draft on this phone", () => {
  beforeEach(() => {
    globalThis.indexedDB = new IDBFactory();
    resetDbForTests();
  });

  it("survives a reload, polygon, regions and all, and is gone once discarded", async () => {
    const d = filled();
    d.area = "polygon";
    d.polygon = [
      [25.1, 116.4],
      [25.2, 116.5],
      [25.1, 116.6],
    ];
    d.region_names = { "3": "临城镇" };
    await storeWarningDraft(d);
    const back = await loadWarningDraft(KEY);
    expect(back).toMatchObject({ kind: "typhoon", level: "orange", title: d.title, area: "polygon", polygon: d.polygon, region_ids: [3], region_names: { "3": "临城镇" } });
    await discardWarningDraft(KEY);
    expect(await loadWarningDraft(KEY)).toBeNull();
  });

  it("reads a damaged or older draft as a fresh one", () => {
    expect(restoreWarningDraft({ v: 99, title: "x" }, KEY, NOW)).toEqual(emptyWarningDraft(KEY, NOW));
    const r = restoreWarningDraft({ v: 1, kind: "meteor", level: "purple", polygon: [[1, "a"], [2, 3]], region_ids: [1, 1, "x"], onset: "soon" }, KEY, NOW);
    expect(r.kind).toBe("");
    expect(r.level).toBe("");
    expect(r.polygon).toEqual([[2, 3]]);
    expect(r.region_ids).toEqual([1]);
    expect(r.onset).toBe(emptyWarningDraft(KEY, NOW).onset);
  });
});
