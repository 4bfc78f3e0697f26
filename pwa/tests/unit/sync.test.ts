import { beforeEach, describe, expect, it } from "vitest";
import { fakeServer, freshDb, signIn, P } from "./fake-server";
import { getMeta, setMeta } from "../../src/data/db";
import { counts, discard, enqueue, getBlob, getOp, listOps, markSending, requeue, saveBlob } from "../../src/data/outbox";
import { getRecord, listRecords } from "../../src/data/stores";
import { syncNow } from "../../src/data/sync";

const report = (n: number, extra: Record<string, unknown> = {}) => ({
  type: "report.create",
  data: { id: `r-${n}`, category: "flood", description: `report ${n}`, location: { lat: 25.05, lon: 116.42 }, ...extra },
  entity_id: `r-${n}`,
  record: { store: "reports" as const, value: { id: `r-${n}`, _status: "created" as const, description: `report ${n}` } },
});

beforeEach(async () => {
  freshDb();
  await signIn();
});

describe("pushing the outbox", () => {
  it("sends ops in the order the user acted (FIFO), each with its client op_id", async () => {
    const srv = fakeServer();
    const a = await enqueue(report(1));
    const b = await enqueue({ type: "attendance.checkin", data: { id: "c-1", dispatch_id: null } });
    const c = await enqueue(report(2));
    const r = await syncNow({ fetch: srv.transport });
    expect(r).toMatchObject({ sent: 3, refused: 0, stopped: null, posts: 1 });
    expect(srv.sentOps().map((o) => o.op_id)).toEqual([a.op_id, b.op_id, c.op_id]);
    expect(srv.sentOps()[0].at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
    expect((await listOps()).map((o) => o.state)).toEqual(["sent", "sent", "sent"]);
    expect(await counts()).toEqual({ waiting: 0, refused: 0 });
    expect(srv.posts()[0].body).toMatchObject({ device_id: await getMeta("device_id") });
  });

  it("keeps batches within the size and still in order", async () => {
    const srv = fakeServer();
    for (let i = 0; i < 5; i++) await enqueue(report(i));
    const r = await syncNow({ fetch: srv.transport, batchSize: 2 });
    expect(r.posts).toBe(3);
    expect(srv.sentOps().map((o) => o.data.id)).toEqual(["r-0", "r-1", "r-2", "r-3", "r-4"]);
  });

  it("puts everything back, in place, when the network fails, and sends it all later", async () => {
    const srv = fakeServer();
    srv.state.offline = true;
    await enqueue(report(1));
    await enqueue(report(2));
    const r = await syncNow({ fetch: srv.transport });
    expect(r.stopped).toBe("offline");
    const ops = await listOps();
    expect(ops.map((o) => [o.data.id, o.state])).toEqual([["r-1", "waiting"], ["r-2", "waiting"]]);
    expect(ops[0].attempts).toBe(1);
    expect(await counts()).toEqual({ waiting: 2, refused: 0 });

    srv.state.offline = false;
    const again = await syncNow({ fetch: srv.transport });
    expect(again).toMatchObject({ sent: 2, stopped: null });
    expect(srv.ledger.size).toBe(2);
  });

  it("keeps everything on a 503 and passes on Retry-After for the backoff", async () => {
    const srv = fakeServer();
    srv.state.syncStatus = 503;
    await enqueue(report(1));
    const r = await syncNow({ fetch: srv.transport });
    expect(r).toMatchObject({ stopped: "server", retryAfterMs: 7000, sent: 0 });
    expect((await listOps())[0].state).toBe("waiting");
  });

  it("keeps a rejected op with the server's reason; the ones after it still go", async () => {
    const srv = fakeServer();
    srv.state.refuse = (op) =>
      op.data.id === "r-2" ? { type: P + "validation", title: "Invalid input", status: 422, detail: "描述太长", errors: { description: ["too long"] } } : null;
    await enqueue(report(1));
    const bad = await enqueue(report(2));
    await enqueue(report(3));
    const r = await syncNow({ fetch: srv.transport });
    expect(r).toMatchObject({ sent: 2, refused: 1, stopped: null });
    const refused = await getOp(bad.op_id);
    expect(refused).toMatchObject({ state: "refused", error: { status: 422, detail: "描述太长", errors: { description: ["too long"] } } });
    expect(await counts()).toEqual({ waiting: 0, refused: 1 });
    expect((await getRecord("reports", "r-2"))?._status).toBe("created");

    // A refused op is not sent again by itself.
    const quiet = await syncNow({ fetch: srv.transport });
    expect(quiet.posts).toBe(0);

    // Fixed by the user: re-queued under a new op_id, and then it goes through.
    srv.state.refuse = () => null;
    const fixed = await requeue(bad.op_id, { ...bad.data, description: "短一点" });
    expect(fixed!.op_id).not.toBe(bad.op_id);
    expect(await getOp(bad.op_id)).toBeUndefined();
    const r2 = await syncNow({ fetch: srv.transport });
    expect(r2.sent).toBe(1);
    expect(srv.sentOps().at(-1)).toMatchObject({ op_id: fixed!.op_id, data: { description: "短一点" } });
    expect((await getRecord("reports", "r-2"))?._status).toBe("synced");
  });

  it("treats a duplicate as sent, and a duplicate of a refused op as refused", async () => {
    const srv = fakeServer();
    const a = await enqueue(report(1));
    const b = await enqueue(report(2));
    srv.ledger.set(a.op_id, { status: "applied", entity: { id: "r-1", status: "reported" } });
    srv.ledger.set(b.op_id, { status: "rejected", error: { type: P + "conflict", title: "Conflict", status: 409, detail: "已经上报过" } });
    const r = await syncNow({ fetch: srv.transport });
    expect(r).toMatchObject({ sent: 0, duplicate: 1, refused: 1 });
    expect((await getOp(a.op_id))?.state).toBe("sent");
    expect(await getOp(b.op_id)).toMatchObject({ state: "refused", error: { detail: "已经上报过" } });
  });

  it("stores the entity the server answered, marked synced", async () => {
    const srv = fakeServer();
    await enqueue(report(1));
    await syncNow({ fetch: srv.transport });
    expect(await getRecord("reports", "r-1")).toMatchObject({ id: "r-1", status: "reported", server: true, _status: "synced" });
  });

  it("a second sync with nothing new posts nothing and changes nothing", async () => {
    const srv = fakeServer();
    srv.state.changes = [{ seq: 1, entity: "shelter", id: "s-1", op: "upsert", data: { name: "临城中学" } }];
    await enqueue(report(1));
    await enqueue({ type: "attendance.checkin", data: { id: "c-1" } });
    const first = await syncNow({ fetch: srv.transport });
    expect(first).toMatchObject({ sent: 2, pulled: 1, posts: 1 });
    const before = { ops: await listOps(), reports: await listRecords("reports"), shelters: await listRecords("shelters"), cursor: await getMeta("cursor") };

    const second = await syncNow({ fetch: srv.transport });
    expect(second).toMatchObject({ sent: 0, duplicate: 0, refused: 0, uploaded: 0, pulled: 0, posts: 0, stopped: null });
    expect(srv.posts()).toHaveLength(1);
    expect(srv.requests.filter((q) => q.method === "PUT")).toHaveLength(0);
    const after = { ops: await listOps(), reports: await listRecords("reports"), shelters: await listRecords("shelters"), cursor: await getMeta("cursor") };
    expect(after).toEqual(before);
  });
});

describe("auth while syncing", () => {
  it("refreshes an access token that expired while offline, then sends, and keeps the new CSRF values only", async () => {
    const srv = fakeServer();
    srv.state.accessExpired = true;
    await enqueue(report(1));
    const r = await syncNow({ fetch: srv.transport });
    expect(r).toMatchObject({ sent: 1, stopped: null });
    const paths = srv.requests.map((q) => `${q.method} ${q.path}`);
    expect(paths.slice(0, 3)).toEqual(["POST /api/v1/sync", "POST /api/v1/auth/refresh", "POST /api/v1/sync"]);
    expect(srv.requests[1].headers.get("X-CSRF-TOKEN")).toBe("csrf-R1");
    expect(await getMeta("csrf_access")).toBe("csrf-A2");
    expect(await getMeta("csrf_refresh")).toBe("csrf-R2");
    expect(await getMeta("access_token")).toBeUndefined();
  });

  it("keeps every op when the session is over (401 on refresh too), and sends them after login", async () => {
    const srv = fakeServer();
    srv.state.accessExpired = true;
    srv.state.sessionDead = true;
    await enqueue(report(1));
    await enqueue(report(2));
    const r = await syncNow({ fetch: srv.transport });
    expect(r.stopped).toBe("auth");
    expect((await listOps()).map((o) => o.state)).toEqual(["waiting", "waiting"]);
    expect(await getMeta("auth_lost")).toBe(true);
    expect(srv.ledger.size).toBe(0);

    // The user logs in again: new cookies and CSRF values.
    srv.state.sessionDead = false;
    srv.state.accessExpired = false;
    srv.state.csrf = 5;
    await setMeta("csrf_access", "csrf-A5");
    await setMeta("csrf_refresh", "csrf-R5");
    const after = await syncNow({ fetch: srv.transport });
    expect(after).toMatchObject({ sent: 2, stopped: null });
    expect(await getMeta("auth_lost")).toBe(false);
  });

  it("does not send ops made under another account", async () => {
    const srv = fakeServer();
    await enqueue(report(1));
    await setMeta("user_id", "u-2");
    const r = await syncNow({ fetch: srv.transport });
    expect(r.posts).toBe(0);
    expect(await counts()).toEqual({ waiting: 1, refused: 0 });
  });
});

describe("photos", () => {
  const jpeg = () => new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]).buffer;

  it("uploads a report's photos before the report op, then drops them from the phone", async () => {
    const srv = fakeServer();
    const photo = await saveBlob(jpeg(), "image/jpeg");
    const op = await enqueue({ ...report(1, { media_ids: [photo.id] }), media_ids: [photo.id] });
    const r = await syncNow({ fetch: srv.transport });
    expect(r).toMatchObject({ uploaded: 1, sent: 1 });
    const order = srv.requests.map((q) => `${q.method} ${q.path}`);
    expect(order.indexOf(`PUT /api/v1/media/${photo.id}`)).toBeLessThan(order.indexOf("POST /api/v1/sync"));
    const put = srv.requests.find((q) => q.method === "PUT")!;
    expect(put.headers.get("Content-Type")).toBe("image/jpeg");
    expect(put.headers.get("X-CSRF-TOKEN")).toBe("csrf-A1");
    expect(srv.sentOps()[0]).toMatchObject({ op_id: op.op_id, data: { media_ids: [photo.id] } });
    expect(await getBlob(photo.id)).toBeUndefined();
  });

  it("keeps the photo and its op when the network drops after the upload; does not upload it twice", async () => {
    const srv = fakeServer();
    const photo = await saveBlob(jpeg(), "image/jpeg");
    await enqueue({ ...report(1, { media_ids: [photo.id] }), media_ids: [photo.id] });
    srv.state.syncStatus = 503;
    const r = await syncNow({ fetch: srv.transport });
    expect(r).toMatchObject({ uploaded: 1, stopped: "server" });
    expect(await getBlob(photo.id)).toMatchObject({ uploaded: true });
    srv.state.syncStatus = 200;
    const r2 = await syncNow({ fetch: srv.transport });
    expect(r2).toMatchObject({ uploaded: 0, sent: 1 });
    expect(srv.requests.filter((q) => q.method === "PUT")).toHaveLength(1);
  });

  it("refuses the op (kept, with the reason) when the server refuses its photo; the next ops still go", async () => {
    const srv = fakeServer();
    srv.state.mediaStatus = 415;
    const photo = await saveBlob(jpeg(), "image/jpeg");
    const a = await enqueue({ ...report(1, { media_ids: [photo.id] }), media_ids: [photo.id] });
    await enqueue(report(2));
    const r = await syncNow({ fetch: srv.transport });
    expect(r).toMatchObject({ refused: 1, sent: 1 });
    expect(await getOp(a.op_id)).toMatchObject({ state: "refused", error: { status: 415 } });
    expect(srv.sentOps().map((o) => o.data.id)).toEqual(["r-2"]);
    expect(await getBlob(photo.id)).toBeDefined();
  });
});

describe("a batch the server cannot take", () => {
  it("sends one op at a time to find the bad one; the others go through", async () => {
    const srv = fakeServer();
    srv.state.malformed = (op) => op.data.id === "r-2";
    await enqueue(report(1));
    const bad = await enqueue(report(2));
    await enqueue(report(3));
    const r = await syncNow({ fetch: srv.transport });
    expect(r).toMatchObject({ sent: 2, refused: 1, stopped: null });
    expect(await getOp(bad.op_id)).toMatchObject({ state: "refused", error: { status: 400 } });
    expect(srv.ledger.size).toBe(2);
  });
});

describe("pulling", () => {
  it("stores pulled records with the cursor, and a local change still waiting wins over the pulled copy", async () => {
    const srv = fakeServer();
    srv.state.changes = [
      { seq: 1, entity: "checkin", id: "c-9", op: "upsert", data: { id: "c-9", open: true, checkout_at: null } },
      { seq: 2, entity: "report", id: "r-9", op: "upsert", data: { id: "r-9", category: "flood" } },
      { seq: 3, entity: "dispatch", id: "d-1", op: "upsert", data: {} },
    ];
    await syncNow({ fetch: srv.transport });
    expect(await getMeta("cursor")).toBe("3");
    expect(await getRecord("reports", "r-9")).toMatchObject({ category: "flood", _status: "synced" });

    // Checked out offline; then the feed says the check-in is still open: the local check-out stays.
    const out = await enqueue({
      type: "attendance.checkout",
      data: { id: "c-9" },
      entity_id: "c-9",
      record: { store: "checkins", value: { id: "c-9", open: false, checkout_at: "2026-11-29T10:00:00+08:00", _status: "updated" } },
    });
    srv.state.offline = true;
    await syncNow({ fetch: srv.transport });
    srv.state.offline = false;
    srv.state.changes.push({ seq: 4, entity: "checkin", id: "c-9", op: "upsert", data: { id: "c-9", open: true, checkout_at: null, user_id: "u-1" } });
    // The pull of this run happens after the push, so hold the push back to see the merge.
    srv.state.syncStatus = 503;
    await syncNow({ fetch: srv.transport });
    srv.state.syncStatus = 200;
    expect((await getOp(out.op_id))?.state).toBe("waiting");
    await syncNow({ fetch: srv.transport, pushOnly: false });
    expect(await getRecord("checkins", "c-9")).toMatchObject({ _status: "synced" });
  });

  it("a pull merge keeps the pending local record", async () => {
    const srv = fakeServer();
    await enqueue({
      type: "attendance.checkout",
      data: { id: "c-5" },
      entity_id: "c-5",
      record: { store: "checkins", value: { id: "c-5", open: false, checkout_at: "x", _status: "updated" } },
    });
    await setMeta("user_id", "someone-else"); // keep the op from being pushed in this run
    srv.state.changes = [{ seq: 1, entity: "checkin", id: "c-5", op: "upsert", data: { id: "c-5", open: true, checkout_at: null } }];
    await syncNow({ fetch: srv.transport });
    expect(await getRecord("checkins", "c-5")).toMatchObject({ open: false, checkout_at: "x", _status: "updated" });
  });
});

describe("the outbox itself", () => {
  it("re-queueing a fixed report drops only the photo the user took out", async () => {
    const srv = fakeServer();
    srv.state.refuse = () => ({ type: P + "validation", title: "Invalid", status: 422, detail: "bad" });
    const keep = await saveBlob(new ArrayBuffer(4), "image/jpeg");
    const drop = await saveBlob(new ArrayBuffer(4), "image/jpeg");
    const op = await enqueue({ ...report(1), media_ids: [keep.id, drop.id] });
    await syncNow({ fetch: srv.transport });
    srv.state.refuse = () => null;
    await requeue(op.op_id, { ...op.data, media_ids: [keep.id] }, [keep.id]);
    expect(await getBlob(drop.id)).toBeUndefined();
    expect(await getBlob(keep.id)).toBeDefined();
    const r = await syncNow({ fetch: srv.transport });
    expect(r).toMatchObject({ sent: 1, uploaded: 0 });
  });

  it("puts back ops left 'sending' by a run that died", async () => {
    const srv = fakeServer();
    const op = await enqueue(report(1));
    await markSending([op]);
    expect(await counts()).toEqual({ waiting: 1, refused: 0 });
    const r = await syncNow({ fetch: srv.transport });
    expect(r.sent).toBe(1);
  });

  it("discarding a refused op removes it, its local record and its photos; nothing else", async () => {
    const srv = fakeServer();
    srv.state.refuse = () => ({ type: P + "validation", title: "Invalid", status: 422, detail: "bad" });
    const photo = await saveBlob(new ArrayBuffer(4), "image/jpeg");
    const op = await enqueue({ ...report(1, { media_ids: [photo.id] }), media_ids: [photo.id] });
    await syncNow({ fetch: srv.transport });
    expect((await getOp(op.op_id))?.state).toBe("refused");
    await discard(op.op_id, "reports");
    expect(await listOps()).toEqual([]);
    expect(await getRecord("reports", "r-1")).toBeUndefined();
    expect(await getBlob(photo.id)).toBeUndefined();
  });
});
