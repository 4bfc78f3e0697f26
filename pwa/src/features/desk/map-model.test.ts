// The one map's pure parts: the answer read defensively, colours (never alone: shapes and words
// too), the legend's counts and notes, the kept layer choice, popups and times.
import { describe, expect, it } from "vitest";
import {
  COLOUR,
  LAYERS,
  clock,
  clockSeconds,
  keptFromVisible,
  legendModel,
  markerLabel,
  markerStyle,
  markerSvg,
  occupancyPercent,
  placedPoints,
  popupModel,
  readAnswer,
  rowNote,
  severityColour,
  shelterFill,
  shelterFillWord,
  styleKey,
  toggleText,
  visibleFromKept,
  type LayerName,
  type MapAnswer,
  type MapMember,
  type MapShelter,
} from "./map-model";

const TZ = "Asia/Shanghai";
// 2026-11-29 16:00 in Shanghai.
const NOW = new Date("2026-11-29T08:00:00+00:00");

const SERVER = {
  generated_at: "2026-11-29T08:00:00+00:00",
  incidents: [
    { id: "i-1", title: "后山滑坡", kind: "geological", severity: "orange", place: "城东村后山", location: { lat: 25.05, lon: 116.42 }, occurred_at: "2026-11-29T06:30:00+00:00", orders_open: 1 },
    { id: "i-2", title: "隧道事故", kind: "tunnel", severity: null, place: null, location: null, occurred_at: "2026-11-29T07:00:00+00:00", orders_open: 0 },
  ],
  orders: [
    {
      id: "d-1",
      incident_id: "i-1",
      title: "后山滑坡排查",
      location: { lat: 25.051, lon: 116.421 },
      muster_point: "村委会门口",
      muster_location: null,
      headcount: 4,
      accepted: 2,
      on_scene: 1,
      declined: 1,
      silent: 1,
      overdue: 0,
      created_at: "2026-11-29T06:45:00+00:00",
    },
  ],
  members: [
    { id: "u-1", display_name: "张三", team_name: "临城镇综合救援队", location: { lat: 25.06, lon: 116.43 }, at: "2026-11-29T07:55:00+00:00", state: "on_scene", dispatch_id: "d-1", overdue: true },
    { id: "u-2", display_name: "李四", team_name: null, location: { lat: 25.07, lon: 116.44 }, at: "2026-11-28T23:10:00+00:00", state: "on_duty", dispatch_id: null, overdue: false },
  ],
  hazards: [
    { id: "h-1", category: "flood", severity: "red", status: "verified", description: "河堤渗水", location: { lat: 25.04, lon: 116.41 }, reported_at: "2026-11-29T05:00:00+00:00", people_at_risk: 30 },
  ],
  shelters: [
    { id: "s-1", name: "临城镇中心小学", kind: "township", status: "open", location: { lat: 25.052, lon: 116.43 }, capacity: 200, occupancy: 150 },
    { id: "s-2", name: "城东村活动中心", kind: "village", status: "closed", location: null, capacity: 50, occupancy: 0 },
  ],
  truncated: ["hazards", "not-a-layer"],
};

const answer = (): MapAnswer => readAnswer(structuredClone(SERVER));
const ALL = new Set<LayerName>(LAYERS);

describe("shelter fill: a colour with a word, on the lines the desk is told at (90 %, full)", () => {
  const at = (occupancy: number, status: string | null = "open", capacity = 100): MapShelter => ({ id: "s", name: "x", kind: "village", status, location: null, capacity, occupancy });

  it("is 空余 to 89 %, 将满 from 90 % to 99 %, 已满 at 100 %, 关闭 when closed", () => {
    const cases: [MapShelter, string, string, string][] = [
      [at(0), "room", "空余", COLOUR.green],
      [at(89), "room", "空余", COLOUR.green],
      [at(90), "near", "将满", COLOUR.amber],
      [at(99), "near", "将满", COLOUR.amber],
      [at(100, "full"), "full", "已满", COLOUR.red],
      [at(0, "closed"), "closed", "关闭", COLOUR.grey],
      [at(95, "closed"), "closed", "关闭", COLOUR.grey],
    ];
    for (const [s, fill, word, colour] of cases) {
      expect(shelterFill(s), `${s.occupancy} ${s.status}`).toBe(fill);
      expect(shelterFillWord(shelterFill(s))).toBe(word);
      expect(markerStyle("shelters", s).fill).toBe(colour);
      expect(popupModel("shelters", s).state?.text).toBe(word);
    }
  });

  it("counts in whole numbers as the server does: 359 of 400 is not yet 将满, 360 is", () => {
    expect(shelterFill(at(359, "open", 400))).toBe("room");
    expect(occupancyPercent(359, 400)).toBe(89);
    expect(shelterFill(at(360, "open", 400))).toBe("near");
    expect(shelterFill(at(399, "open", 400))).toBe("near");
    expect(occupancyPercent(399, 400)).toBe(99);
  });

  it("believes the server's full, and full is at capacity even before the server said so", () => {
    expect(shelterFill(at(40, "full"))).toBe("full");
    expect(shelterFill(at(100, "open"))).toBe("full");
    expect(shelterFill(at(100, null))).toBe("full");
  });

  it("calls a shelter with no capacity full, and never divides by zero in the popup", () => {
    expect(shelterFill(at(0, "open", 0))).toBe("full");
    expect(occupancyPercent(0, 0)).toBeNull();
    expect(occupancyPercent(150, 200)).toBe(75);
  });

  it("a full shelter's popup says 已满 once, never 将满 beside it", () => {
    const full = popupModel("shelters", at(100, "full"));
    const said = [full.state?.text, ...full.lines].join(" ");
    expect(said).toContain("已满");
    expect(said).not.toContain("将满");
    expect(said.split("已满").length - 1).toBe(1);
    expect(full.lines).toContain("余位 0");
    expect(full.state?.tone).toBe("bad");
  });

  it("dark glyph on amber", () => {
    expect(markerStyle("shelters", at(95)).ink).toBe(COLOUR.ink);
  });
});

describe("marker styles", () => {
  it("colours hazards by the four risk colours, grey when unknown, always a warning triangle", () => {
    expect(severityColour("red")).toBe(COLOUR.red);
    expect(severityColour("orange")).toBe(COLOUR.orange);
    expect(severityColour("yellow")).toBe(COLOUR.yellow);
    expect(severityColour("blue")).toBe(COLOUR.blue);
    expect(severityColour(null)).toBe(COLOUR.grey);
    expect(severityColour("purple")).toBe(COLOUR.grey);
    const a = answer();
    expect(markerStyle("hazards", a.hazards[0])).toMatchObject({ shape: "triangle", glyph: "bang", fill: COLOUR.red, ink: "#ffffff" });
  });

  it("draws incidents and orders red, in different shapes", () => {
    const a = answer();
    const inc = markerStyle("incidents", a.incidents[0]);
    const ord = markerStyle("orders", a.orders[0]);
    expect(inc.fill).toBe(COLOUR.red);
    expect(ord.fill).toBe(COLOUR.red);
    expect(inc.shape).not.toBe(ord.shape);
  });

  it("draws members green, darker on scene, ringed red when a check-in is overdue", () => {
    const m = (state: MapMember["state"], overdue = false): MapMember => ({ id: "m", display_name: "x", team_name: null, location: null, at: "", state, dispatch_id: null, overdue });
    expect(markerStyle("members", m("on_duty")).fill).toBe(COLOUR.onDuty);
    expect(markerStyle("members", m("on_scene")).fill).toBe(COLOUR.onScene);
    expect(markerStyle("members", m("en_route")).glyph).toBe("arrow");
    expect(markerStyle("members", m("on_scene")).alarm).toBe(false);
    expect(markerStyle("members", m("on_scene", true)).alarm).toBe(true);
    expect(styleKey(markerStyle("members", m("on_scene", true)))).not.toBe(styleKey(markerStyle("members", m("on_scene"))));
  });

  it("is inline SVG only: nothing fetched, so markers show with no tiles and no network", () => {
    const svg = markerSvg(markerStyle("members", answer().members[0]));
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain(COLOUR.onScene);
    expect(svg).toContain(COLOUR.red); // the overdue ring and badge
    expect(svg).not.toMatch(/https?:|href|<image/);
  });
});

describe("reading the server's answer", () => {
  it("keeps every field the screen uses", () => {
    const a = answer();
    expect(a.generated_at).toBe(SERVER.generated_at);
    expect(a.orders[0]).toMatchObject({ id: "d-1", headcount: 4, accepted: 2, muster_point: "村委会门口", location: { lat: 25.051, lon: 116.421 } });
    expect(a.members[0]).toMatchObject({ state: "on_scene", overdue: true, dispatch_id: "d-1" });
    expect(a.shelters[1].location).toBeNull();
    expect(a.truncated).toEqual(["hazards"]); // unknown names dropped
  });

  it("survives missing layers, odd values and non-positions", () => {
    const a = readAnswer({
      generated_at: "2026-11-29T08:00:00+00:00",
      orders: [{ id: "d-2", title: "x", location: { lat: "25", lon: 116 }, accepted: null }, "junk", { title: "no id" }],
      members: [{ id: "u-9", display_name: "王五", location: { lat: 95, lon: 116 }, state: "asleep" }],
    });
    expect(a.incidents).toEqual([]);
    expect(a.hazards).toEqual([]);
    expect(a.truncated).toEqual([]);
    expect(a.orders).toHaveLength(1);
    expect(a.orders[0]).toMatchObject({ location: null, accepted: 0, headcount: null });
    expect(a.members[0]).toMatchObject({ location: null, state: "on_duty", overdue: false });
  });

  it("refuses what is not an answer at all", () => {
    expect(() => readAnswer(undefined)).toThrow();
    expect(() => readAnswer("<html>")).toThrow();
    expect(() => readAnswer([])).toThrow();
  });
});

describe("the legend", () => {
  it("counts every layer, notes a cut layer and items with no position", () => {
    const rows = legendModel(answer(), ALL);
    const by = Object.fromEntries(rows.map((r) => [r.layer, r]));
    expect(rows.map((r) => r.layer)).toEqual([...LAYERS]);
    expect(by.members.count).toBe(2);
    expect(toggleText(by.members)).toBe("队员 2");
    expect(toggleText(by.orders)).toBe("调度任务 1");
    expect(by.hazards.truncated).toBe(true);
    expect(rowNote(by.hazards)).toBe("隐患：仅显示最近 1 条");
    expect(by.incidents.unplaced).toBe(1);
    expect(rowNote(by.incidents)).toBe("事件：1 条没有位置，未画在图上");
    expect(rowNote(by.orders)).toBe("");
  });

  it("says which layers are shown, and explains each colour in words", () => {
    const rows = legendModel(answer(), new Set<LayerName>(["orders"]));
    expect(rows.filter((r) => r.visible).map((r) => r.layer)).toEqual(["orders"]);
    const by = Object.fromEntries(rows.map((r) => [r.layer, r]));
    expect(by.members.key.map((k) => k.text)).toEqual(["在岗", "在路上", "在现场", "超时未报平安"]);
    expect(by.hazards.key.map((k) => k.text)).toEqual(["重大", "较大", "一般", "低", "不清楚"]);
    expect(by.shelters.key.map((k) => k.style.fill)).toEqual([COLOUR.green, COLOUR.amber, COLOUR.red, COLOUR.grey]);
    expect(by.shelters.key.map((k) => k.text)).toEqual(["空余（不到 90%）", "将满（90% 及以上）", "已满（100%）", "关闭"]);
  });

  it("with no answer yet shows zero counts, not stale ones", () => {
    expect(legendModel(null, ALL).every((r) => r.count === 0 && !r.truncated)).toBe(true);
  });

  it("keeps the hidden layers between visits, and shows all for anything unreadable", () => {
    const shown = new Set<LayerName>(["orders", "members"]);
    expect([...visibleFromKept(keptFromVisible(shown))].sort()).toEqual(["members", "orders"]);
    expect(visibleFromKept(null).size).toBe(LAYERS.length);
    expect(visibleFromKept("{not json").size).toBe(LAYERS.length);
    expect(visibleFromKept('"incidents"').size).toBe(LAYERS.length);
  });
});

describe("where to look", () => {
  it("frames the positions of the layers shown, skipping items with none", () => {
    const a = answer();
    expect(placedPoints(a, ALL)).toHaveLength(1 + 1 + 2 + 1 + 1);
    expect(placedPoints(a, new Set<LayerName>(["shelters"]))).toEqual([{ lat: 25.052, lon: 116.43 }]);
    expect(placedPoints(a, new Set())).toEqual([]);
  });
});

describe("times", () => {
  it("shows HH:mm for today and the date too for another day", () => {
    expect(clock("2026-11-29T07:55:00+00:00", NOW, "zh-CN", TZ)).toBe("15:55");
    expect(clock("2026-11-28T23:10:00+00:00", NOW, "zh-CN", TZ)).toBe("07:10"); // 29th in Shanghai
    expect(clock("2026-11-28T08:05:00+00:00", NOW, "zh-CN", TZ)).toBe("11月28日 16:05");
    expect(clock("2026-11-28T08:05:00+00:00", NOW, "en", TZ)).toBe("Nov 28 16:05");
    expect(clock("", NOW, "zh-CN", TZ)).toBe("");
  });

  it("shows seconds for the last update", () => {
    expect(clockSeconds("2026-11-29T08:00:09+00:00", "zh-CN", TZ)).toBe("16:00:09");
  });
});

describe("popups", () => {
  it("an order: its counts, muster point, time and a link to its board", () => {
    const p = popupModel("orders", answer().orders[0], NOW);
    expect(p.title).toBe("后山滑坡排查");
    expect(p.state).toEqual({ text: "已接受 2 人 / 需要 4 人", tone: "warn" });
    expect(p.lines).toContain("已接受 2 · 在现场 1 · 未回复 1 · 拒绝 1");
    expect(p.lines).toContain("集合地点：村委会门口");
    expect(p.lines.some((l) => /^下达于 \d\d:\d\d$/.test(l))).toBe(true);
    expect(p.board).toBe("/desk/d-1");
    expect(popupModel("orders", answer().orders[0], NOW, false).board).toBeUndefined();
  });

  it("a member: state words, overdue said in words, the order they are on", () => {
    const p = popupModel("members", answer().members[0], NOW);
    expect(p.state).toEqual({ text: "在现场 · 超时未报平安", tone: "bad" });
    expect(p.lines[0]).toBe("队伍：临城镇综合救援队");
    expect(p.board).toBe("/desk/d-1");
    expect(popupModel("members", answer().members[1], NOW).board).toBeUndefined();
  });

  it("a hazard, a shelter and an incident, in Chinese", () => {
    const a = answer();
    const hz = popupModel("hazards", a.hazards[0], NOW);
    expect(hz.title).toBe("洪涝");
    expect(hz.state?.text).toBe("重大 · 已核实");
    expect(hz.lines).toContain("受威胁 30 人");
    const sh = popupModel("shelters", a.shelters[0], NOW);
    expect(sh.state).toEqual({ text: "空余", tone: "ok" });
    expect(sh.lines).toEqual(["已安置 150 / 可容纳 200 人（75%）", "余位 50", "乡镇级避难所"]);
    // The server stores "full" once a shelter reaches capacity: said in words, not its code.
    const full = popupModel("shelters", { ...a.shelters[0], status: "full", occupancy: 200 }, NOW);
    expect(full.state).toEqual({ text: "已满", tone: "bad" });
    expect(full.lines).toEqual(["已安置 200 / 可容纳 200 人（100%）", "余位 0", "乡镇级避难所"]);
    const closed = popupModel("shelters", a.shelters[1], NOW);
    expect(closed.state).toEqual({ text: "关闭", tone: "none" });
    expect(popupModel("incidents", a.incidents[1], NOW).state?.text).toBe("公路隧道事故");
    expect(popupModel("incidents", { ...a.incidents[0], kind: "meteor" }, NOW).state?.text).toBe("meteor · 较大");
  });

  it("names each marker for a screen reader, with the colour's meaning in words", () => {
    const a = answer();
    expect(markerLabel("orders", a.orders[0])).toBe("调度任务：后山滑坡排查");
    expect(markerLabel("members", a.members[0])).toBe("队员：张三（超时未报平安）");
    expect(markerLabel("hazards", a.hazards[0])).toBe("隐患：洪涝（重大）");
    expect(markerLabel("shelters", a.shelters[0])).toBe("避难所：临城镇中心小学（空余）");
  });
});
