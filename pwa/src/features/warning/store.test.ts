import { beforeEach, describe, expect, it } from "vitest";
import { openDB } from "idb";
import { fakeServer, freshDb, signIn } from "../../../tests/unit/fake-server";
import { db, DB_NAME, getMeta, resetDbForTests } from "../../data/db";
import { discard, listOps } from "../../data/outbox";
import { applyChanges } from "../../data/stores";
import { syncNow } from "../../data/sync";
import { inForce, type Warning } from "./model";
import { acknowledge, getWarning, listWarnings, prunePast, storeFetched } from "./store";

const hour = 3600_000;
const iso = (h: number) => new Date(Date.now() + h * hour).toISOString();
const warning = (over: Partial<Warning> = {}): Warning => ({
  id: "w-1",
  msg_type: "alert",
  state: "issued",
  kind: "typhoon",
  level: "red",
  title: "台风红色预警",
  body: "第22号台风今夜登陆。",
  onset_at: iso(-1),
  expires_at: iso(6),
  issued_at: iso(-1),
  acked: false,
  ...over,
});

beforeEach(async () => {
  freshDb();
  await signIn();
});

describe("the phone's copy of the area's warnings", () => {
  it("takes the pull's warning changes, and a later change from the area's feed never takes back 收到", async () => {
    await applyChanges([{ entity: "warning", id: "w-1", op: "upsert", data: { ...warning() } }], "1");
    expect((await getWarning("w-1"))?.title).toBe("台风红色预警");
    await storeFetched([warning({ acked: true })]);
    await applyChanges([{ entity: "warning", id: "w-1", op: "upsert", data: { ...warning({ title: "台风红色预警（更正）" }) } }], "2");
    const w = await getWarning("w-1");
    expect(w?.title).toBe("台风红色预警（更正）");
    expect(w?.acked).toBe(true);
    expect(w?._status).toBe("synced");
  });

  it("sends 收到 given offline exactly once when the signal returns, and a second sync sends nothing", async () => {
    const srv = fakeServer();
    srv.state.entity = (op) => ({ ...warning(), id: String(op.data.warning_id), acked: true });
    await storeFetched([warning()]);
    srv.state.offline = true;
    await acknowledge((await getWarning("w-1"))!);
    expect((await getWarning("w-1"))?.acked).toBe(true); // shown as given at once
    expect((await syncNow({ fetch: srv.transport })).stopped).toBe("offline");
    // A pull of the area's copy (acked false for everyone) while the ack waits keeps it shown.
    await applyChanges([{ entity: "warning", id: "w-1", op: "upsert", data: { ...warning() } }], "3");
    expect((await getWarning("w-1"))?.acked).toBe(true);
    srv.state.offline = false;
    const first = await syncNow({ fetch: srv.transport });
    expect(first.sent).toBe(1);
    // The offline attempt never reached it: the server's ledger has the one ack.
    expect(srv.ledger.size).toBe(1);
    const last = srv.posts().at(-1)!.body as { ops: { type: string; data: unknown }[] };
    expect(last.ops.map((o) => [o.type, o.data])).toEqual([["warning.ack", { warning_id: "w-1" }]]);
    expect((await listOps()).map((o) => o.state)).toEqual(["sent"]);
    expect(await getWarning("w-1")).toMatchObject({ acked: true, _status: "synced" });
    const again = await syncNow({ fetch: srv.transport });
    expect(again.posts).toBe(0);
    expect(srv.ledger.size).toBe(1);
  });

  it("a refused 收到 goes again under a new op id when tapped again; a discarded one is taken back", async () => {
    const srv = fakeServer();
    let refuse = true;
    srv.state.refuse = () => (refuse ? { type: "https://emergency-field.example/problems/forbidden", title: "Forbidden", status: 403 } : null);
    srv.state.entity = (op) => ({ ...warning(), id: String(op.data.warning_id), acked: true });
    await storeFetched([warning()]);
    await acknowledge((await getWarning("w-1"))!);
    await syncNow({ fetch: srv.transport });
    const refused = (await listOps())[0];
    expect(refused.state).toBe("refused");
    refuse = false;
    await acknowledge((await getWarning("w-1"))!, refused.op_id);
    expect((await listOps()).map((o) => [o.state, o.replaces])).toEqual([["waiting", refused.op_id]]);
    await syncNow({ fetch: srv.transport });
    expect((await listOps()).map((o) => o.state)).toEqual(["sent"]);
    expect(srv.ledger.size).toBe(2);

    await storeFetched([warning({ id: "w-2" })]);
    srv.state.offline = true;
    await acknowledge((await getWarning("w-2"))!);
    const waiting = (await listOps()).find((o) => o.entity_id === "w-2")!;
    await discard(waiting.op_id, "warnings");
    expect((await getWarning("w-2"))?.acked).toBe(false);
    expect((await getWarning("w-2"))?._status).toBe("synced");
  });

  it("marks gone what the server's active list no longer names, but not one issued after the question", async () => {
    const askedAt = new Date();
    await storeFetched([warning({ id: "old", issued_at: iso(-2) }), warning({ id: "kept", level: "yellow" })]);
    await applyChanges([{ entity: "warning", id: "new", op: "upsert", data: { ...warning({ id: "new", level: "blue", issued_at: iso(0.01) }) } }], "4");
    await storeFetched([warning({ id: "kept", level: "yellow" })], { askedAt });
    expect(inForce(await listWarnings()).map((w) => w.id)).toEqual(["kept", "new"]);
    expect(await getMeta("warnings_fetched_at")).toBeTypeOf("string");
  });

  it("forgets warnings a week past their expiry, but never one whose 收到 still waits", async () => {
    await storeFetched([warning({ id: "old", expires_at: iso(-24 * 8) }), warning({ id: "recent", expires_at: iso(-24 * 6) }), warning({ id: "waits", expires_at: iso(-24 * 9) })]);
    await acknowledge((await getWarning("waits"))!);
    expect(await prunePast()).toBe(1);
    expect((await listWarnings()).map((w) => w.id).sort()).toEqual(["recent", "waits"]);
  });

  it("a database from version 2 gets the warnings store, keeps its outbox and pulls again from the start", async () => {
    freshDb();
    const v2 = await openDB(DB_NAME, 2, {
      upgrade(d) {
        d.createObjectStore("meta");
        for (const s of ["reports", "checkins", "shelters", "dispatches"]) d.createObjectStore(s, { keyPath: "id" });
        d.createObjectStore("drafts", { keyPath: "key" });
        d.createObjectStore("blobs", { keyPath: "id" });
        const o = d.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
        o.createIndex("by_op_id", "op_id", { unique: true });
        o.createIndex("by_state", "state");
      },
    });
    await v2.put("meta", "123", "cursor");
    await v2.add("outbox", { op_id: "op-1", type: "report.create", state: "waiting", data: {}, media_ids: [] } as never);
    v2.close();
    resetDbForTests();
    const d = await db();
    expect(d.objectStoreNames.contains("warnings")).toBe(true);
    expect(await getMeta("cursor")).toBeUndefined();
    expect((await listOps()).map((o) => o.op_id)).toEqual(["op-1"]);
  });
});
