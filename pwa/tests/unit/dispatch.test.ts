import { beforeEach, describe, expect, it } from "vitest";
import { openDB } from "idb";
import { fakeServer, freshDb, signIn } from "./fake-server";
import { db, DB_NAME, getMeta, resetDbForTests } from "../../src/data/db";
import { listOps } from "../../src/data/outbox";
import { applyChanges } from "../../src/data/stores";
import { syncNow } from "../../src/data/sync";
import { createClient } from "../../src/api/client";
import { act, applyAction, checkinDue, getOrder, myLine, nextStep, opFor, storeFetched, type TargetLine } from "../../src/data/dispatch";
import { b64urlToBytes } from "../../src/data/push";

const ORDER_ID = "d-1";
const order = (line: Partial<TargetLine> = {}) => ({
  id: ORDER_ID,
  title: "后山滑坡排查",
  location: { lat: 25.05, lon: 116.42 },
  muster_point: "村委会门口",
  checkin_interval_min: 30,
  created_at: "2026-11-29T06:00:00+00:00",
  targets: [{ member_id: "u-1", response: "pending", status: "pending", eta_minutes: null, ...line }],
});

beforeEach(async () => {
  freshDb();
  await signIn();
});

describe("the member's line, step by step", () => {
  const pending: TargetLine = { response: "pending", status: "pending" };

  it("offers answer, then en route, on scene, check-ins, done", () => {
    expect(nextStep(pending)).toBe("answer");
    const accepted = applyAction(pending, { kind: "accept", eta_minutes: 20 });
    expect(accepted).toMatchObject({ response: "accepted", status: "accepted", eta_minutes: 20 });
    expect(nextStep(accepted)).toBe("en_route");
    const enRoute = applyAction(accepted, { kind: "status", status: "en_route" });
    expect(nextStep(enRoute)).toBe("on_scene");
    const now = new Date("2026-11-29T06:00:00Z");
    const onScene = applyAction(enRoute, { kind: "status", status: "on_scene" }, now, 30);
    expect(nextStep(onScene)).toBe("ping");
    expect(onScene.next_checkin_due).toBe("2026-11-29T06:30:00.000Z");
    const pinged = applyAction({ ...onScene, checkin_overdue: true }, { kind: "ping" }, new Date("2026-11-29T06:40:00Z"), 30);
    expect(pinged).toMatchObject({ checkin_overdue: false, next_checkin_due: "2026-11-29T07:10:00.000Z" });
    expect(nextStep(applyAction(pinged, { kind: "status", status: "completed" }))).toBe("done");
    expect(nextStep(applyAction(pending, { kind: "decline", reason: "在外地" }))).toBe("declined");
  });

  it("never moves an order backwards, as the server does", () => {
    const onScene: TargetLine = { response: "accepted", status: "on_scene" };
    expect(applyAction(onScene, { kind: "status", status: "en_route" }).status).toBe("on_scene");
    expect(applyAction(onScene, { kind: "accept", eta_minutes: 5 })).toEqual(onScene);
    expect(applyAction(onScene, { kind: "decline" }).response).toBe("accepted");
    const declined: TargetLine = { response: "declined", status: "pending" };
    expect(applyAction(declined, { kind: "status", status: "en_route" })).toEqual(declined);
  });

  it("works out the next check-in from the last one when the server does not say", () => {
    const o = { checkin_interval_min: 20 };
    expect(checkinDue(o, { response: "accepted", status: "en_route" })).toBeNull();
    expect(checkinDue(o, { response: "accepted", status: "on_scene", next_checkin_due: "2026-11-29T07:00:00Z" })?.toISOString()).toBe("2026-11-29T07:00:00.000Z");
    expect(checkinDue(o, { response: "accepted", status: "on_scene", status_at: "2026-11-29T06:00:00Z" })?.toISOString()).toBe("2026-11-29T06:20:00.000Z");
    expect(checkinDue(o, { response: "accepted", status: "on_scene", status_at: "2026-11-29T06:00:00Z", last_ping_at: "2026-11-29T06:30:00Z" })?.toISOString()).toBe("2026-11-29T06:50:00.000Z");
  });

  it("builds the ops the contract names", () => {
    expect(opFor("d", { kind: "accept", eta_minutes: 10 })).toEqual({ type: "dispatch.respond", data: { dispatch_id: "d", response: "accept", eta_minutes: 10 } });
    expect(opFor("d", { kind: "decline" })).toEqual({ type: "dispatch.respond", data: { dispatch_id: "d", response: "decline" } });
    expect(opFor("d", { kind: "decline", reason: "病了" }).data).toMatchObject({ reason: "病了" });
    expect(opFor("d", { kind: "status", status: "on_scene" }, { lat: 1, lon: 2 })).toEqual({ type: "dispatch.status", data: { dispatch_id: "d", status: "on_scene", location: { lat: 1, lon: 2 } } });
    expect(opFor("d", { kind: "ping" })).toEqual({ type: "dispatch.ping", data: { dispatch_id: "d" } });
  });
});

describe("orders on the phone", () => {
  it("stores pulled dispatch changes and shows an action at once, kept through a stale pull", async () => {
    await applyChanges([{ seq: 1, entity: "dispatch", id: ORDER_ID, op: "upsert", data: order() }], "1");
    const pulled = await getOrder(ORDER_ID);
    expect(pulled).toMatchObject({ title: "后山滑坡排查", _status: "synced" });

    await act(pulled!, { kind: "accept", eta_minutes: 30 });
    const local = await getOrder(ORDER_ID);
    expect(local?._status).toBe("updated");
    expect(myLine(local!)).toMatchObject({ response: "accepted", eta_minutes: 30 });
    const [op] = await listOps();
    expect(op).toMatchObject({ type: "dispatch.respond", entity_id: ORDER_ID, state: "waiting", data: { dispatch_id: ORDER_ID, response: "accept", eta_minutes: 30 } });

    // The server's older copy arrives (pull or GET) while the op still waits: the local state stays.
    await applyChanges([{ seq: 2, entity: "dispatch", id: ORDER_ID, op: "upsert", data: order() }], "2");
    await storeFetched([order()]);
    expect(myLine((await getOrder(ORDER_ID))!).response).toBe("accepted");
  });

  it("replaces the optimistic copy with the server's answer (the op result's entity)", async () => {
    await storeFetched([order()]);
    await act((await getOrder(ORDER_ID))!, { kind: "accept", eta_minutes: 10 });
    await act((await getOrder(ORDER_ID))!, { kind: "status", status: "en_route" });
    expect(myLine((await getOrder(ORDER_ID))!).status).toBe("en_route");
    // The server had already moved this member on scene (e.g. an SMS reply and a later op).
    const server = order({ response: "accepted", status: "on_scene", eta_minutes: 10 });
    const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const path = String(input);
      if (path === "/api/v1/sync" && init?.method === "POST") {
        const ops = JSON.parse(String(init.body)).ops as { op_id: string }[];
        return new Response(JSON.stringify({ results: ops.map((o) => ({ op_id: o.op_id, status: "applied", entity: server })) }), { status: 200, headers: { "Content-Type": "application/json" } });
      }
      return new Response(JSON.stringify({ changes: [], cursor: "9", has_more: false }), { status: 200, headers: { "Content-Type": "application/json" } });
    }) as typeof fetch;
    const r = await syncNow({ fetch: createClient({ fetch: fetchFn }).fetch });
    expect(r).toMatchObject({ sent: 2, refused: 0, stopped: null });
    const after = await getOrder(ORDER_ID);
    expect(after?._status).toBe("synced");
    expect(myLine(after!).status).toBe("on_scene");
    expect((await listOps()).map((o) => o.state)).toEqual(["sent", "sent"]);
  });

  it("sends dispatch ops through the outbox in order when the signal returns", async () => {
    const srv = fakeServer();
    await storeFetched([order()]);
    srv.state.offline = true;
    await act((await getOrder(ORDER_ID))!, { kind: "accept", eta_minutes: 20 });
    await act((await getOrder(ORDER_ID))!, { kind: "status", status: "en_route" });
    expect((await syncNow({ fetch: srv.transport })).stopped).toBe("offline");
    expect((await listOps()).map((o) => o.state)).toEqual(["waiting", "waiting"]);
    srv.state.offline = false;
    await syncNow({ fetch: srv.transport });
    // The offline attempt never reached the server: the ledger has each op once, in order.
    expect(srv.ledger.size).toBe(2);
    const last = srv.posts().at(-1)!.body as { ops: { type: string; data: Record<string, unknown> }[] };
    expect(last.ops.map((o) => [o.type, o.data.response ?? o.data.status])).toEqual([
      ["dispatch.respond", "accept"],
      ["dispatch.status", "en_route"],
    ]);
    expect((await getOrder(ORDER_ID))?._status).toBe("synced");
  });

  it("a database from version 1 gets the dispatches store and pulls again from the start", async () => {
    freshDb();
    const v1 = await openDB(DB_NAME, 1, {
      upgrade(d) {
        d.createObjectStore("meta");
        for (const s of ["reports", "checkins", "shelters"]) d.createObjectStore(s, { keyPath: "id" });
        d.createObjectStore("drafts", { keyPath: "key" });
        d.createObjectStore("blobs", { keyPath: "id" });
        const o = d.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
        o.createIndex("by_op_id", "op_id", { unique: true });
        o.createIndex("by_state", "state");
      },
    });
    await v1.put("meta", "123", "cursor");
    await v1.put("meta", "u-1", "user_id");
    v1.close();
    resetDbForTests();
    const d = await db();
    expect(d.objectStoreNames.contains("dispatches")).toBe(true);
    expect(await getMeta("cursor")).toBeUndefined();
    expect(await getMeta("user_id")).toBe("u-1");
  });
});

describe("push key", () => {
  it("decodes the server's base64url VAPID key", () => {
    expect([...b64urlToBytes("AQID_-8")]).toEqual([1, 2, 3, 255, 239]);
  });
});
