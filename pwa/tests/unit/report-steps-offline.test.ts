// A report's timeline read once stays on the phone (the detail opens offline): the pulled feed,
// which carries the report without its steps, must not wipe it; a step op queued offline goes
// to the server once, with its photo uploaded first, and a refusal keeps the record it carried.
import { beforeEach, describe, expect, it } from "vitest";
import { fakeServer, freshDb, signIn } from "./fake-server";
import { enqueue, listOps, saveBlob } from "../../src/data/outbox";
import { applyChanges, getRecord, putRecord } from "../../src/data/stores";
import { syncNow } from "../../src/data/sync";

beforeEach(async () => {
  freshDb();
  await signIn();
});

describe("a report's timeline on the phone", () => {
  it("survives a pulled change of the report, and a pulled timeline replaces it", async () => {
    const steps = [{ id: "s-1", kind: "verify", severity: "red" }];
    await putRecord("reports", { id: "r-1", _status: "synced", status: "verified", step_count: 1, steps });
    await applyChanges([{ entity: "report", id: "r-1", op: "upsert", data: { id: "r-1", status: "assigned", step_count: 2 } }], "c-1");
    expect(await getRecord("reports", "r-1")).toMatchObject({ status: "assigned", step_count: 2, steps });
    const newer = [...steps, { id: "s-2", kind: "assign" }];
    await applyChanges([{ entity: "report", id: "r-1", op: "upsert", data: { id: "r-1", status: "assigned", steps: newer } }], "c-2");
    expect((await getRecord("reports", "r-1"))?.steps).toEqual(newer);
  });
});

describe("a step queued offline", () => {
  it("uploads its after-photo, then goes once as its report.<kind> op with the step id", async () => {
    const srv = fakeServer();
    const blob = await saveBlob(new Uint8Array([0xff, 0xd8, 0xff]).buffer, "image/jpeg");
    const photo = { media_id: blob.id, taken_at: "2026-12-02T08:00:00+08:00", location: { lat: 25.05, lon: 116.42 } };
    await enqueue({ type: "report.rectify", data: { id: "s-9", report_id: "r-1", photos: [photo] }, media_ids: [blob.id], entity_id: "r-1" });
    const r = await syncNow({ fetch: srv.transport });
    expect(r).toMatchObject({ sent: 1, uploaded: 1, refused: 0 });
    expect(srv.sentOps()).toHaveLength(1);
    expect(srv.sentOps()[0]).toMatchObject({ type: "report.rectify", data: { id: "s-9", report_id: "r-1" } });
    const again = await syncNow({ fetch: srv.transport });
    expect(again.posts).toBe(0);
  });

  it("refused as report-state, keeps the current record and state the server sent", async () => {
    const current = { id: "r-1", status: "closed", step_count: 5, steps: [{ id: "x", kind: "close" }] };
    const srv = fakeServer();
    srv.state.refuse = () => ({ type: "https://emergency-field.example/problems/report-state", title: "Not possible", status: 409, state: "closed", current });
    await enqueue({ type: "report.close", data: { id: "s-3", report_id: "r-1" }, entity_id: "r-1" });
    await syncNow({ fetch: srv.transport });
    const [op] = await listOps();
    expect(op.state).toBe("refused");
    expect(op.error).toMatchObject({ state: "closed", current });
  });
});
