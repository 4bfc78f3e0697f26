// The shelter kiosk's ops through the real outbox and sync engine: names and phones leave the
// phone's copy once the server has answered (sent or refused), the receipt's household size and
// the shelter's occupancy are kept, and a resend changes nothing.
import { beforeEach, describe, expect, it } from "vitest";
import { fakeServer, freshDb, signIn, P } from "./fake-server";
import { enqueue, getOp, listOps, requeue } from "../../src/data/outbox";
import { getRecord, putRecord } from "../../src/data/stores";
import { syncNow } from "../../src/data/sync";
import { countInside } from "../../src/features/kiosk/model";

const S = "11111111-1111-4111-8111-111111111111";
let occupancy = 10;

function receipts(srv: ReturnType<typeof fakeServer>) {
  srv.state.entity = (op) => {
    const size = op.type === "shelter.checkin" ? Number(op.data.household_size) : 2;
    occupancy += op.type === "shelter.checkin" ? size : -size;
    return { id: op.data.id ?? op.data.checkin_id ?? "c-t", shelter_id: S, household_size: size, occupancy, shelter_status: "open", receipt_token: "tok" };
  };
}

const checkin = (name: string, size: number, phone?: string) => ({
  type: "shelter.checkin",
  data: { id: `c-${size}-${Math.random().toString(36).slice(2)}`, shelter_id: S, name, ...(phone ? { phone } : {}), household_size: size, needs: ["elderly"] },
  kept: { name: `${[...name][0]}*` },
});

beforeEach(async () => {
  freshDb();
  await signIn();
  occupancy = 10;
  await putRecord("shelters", { id: S, _status: "synced", name: "临城镇中心小学", capacity: 400, occupancy: 10, status: "open", places_left: 390 });
});

describe("a shelter check-in on the phone", () => {
  it("keeps the name and phone only until the server has it, then a masked name", async () => {
    const srv = fakeServer();
    receipts(srv);
    const op = await enqueue(checkin("王秀兰", 3, "+8613800006101"));
    expect((await getOp(op.op_id))?.data).toMatchObject({ name: "王秀兰", phone: "+8613800006101" });
    expect(countInside(10, 400, await listOps(), S).inside).toBe(13);

    const r = await syncNow({ fetch: srv.transport });
    expect(r).toMatchObject({ sent: 1, stopped: null });
    expect(srv.sentOps()[0].data).toMatchObject({ name: "王秀兰", phone: "+8613800006101", household_size: 3 });
    const kept = await getOp(op.op_id);
    expect(kept).toMatchObject({ state: "sent", scrubbed: true, kept: { name: "王*", household_size: 3 } });
    expect(JSON.stringify(kept)).not.toContain("王秀兰");
    expect(JSON.stringify(kept)).not.toContain("6101");
    // The receipt's occupancy is in the phone's copy of the shelter at once: the count holds.
    const shelter = await getRecord("shelters", S);
    expect(shelter).toMatchObject({ occupancy: 13, places_left: 387, status: "open" });
    expect(countInside(Number(shelter!.occupancy), 400, await listOps(), S).inside).toBe(13);

    // A second run sends nothing.
    const again = await syncNow({ fetch: srv.transport });
    expect(again.posts).toBe(0);
  });

  it("keeps no name once refused either, and cannot be re-queued with a masked name", async () => {
    const srv = fakeServer();
    srv.state.refuse = () => ({ type: P + "shelter-full", title: "Shelter full", status: 409, detail: "3 people do not fit" });
    const op = await enqueue(checkin("李建国", 3, "+8613800006102"));
    await syncNow({ fetch: srv.transport });
    const refused = await getOp(op.op_id);
    expect(refused).toMatchObject({ state: "refused", scrubbed: true, kept: { name: "李*" } });
    expect(refused?.error?.type).toBe(P + "shelter-full");
    expect(JSON.stringify(refused)).not.toContain("李建国");
    expect(await requeue(op.op_id)).toBeNull();
    expect(countInside(10, 400, await listOps(), S).inside).toBe(10);
  });

  it("does not take a duplicate's old occupancy for the shelter's", async () => {
    const srv = fakeServer();
    receipts(srv);
    const op = await enqueue(checkin("张春生", 1));
    srv.ledger.set(op.op_id, { status: "applied", entity: { id: "c-1", shelter_id: S, household_size: 1, occupancy: 4 } });
    await syncNow({ fetch: srv.transport });
    expect(await getOp(op.op_id)).toMatchObject({ state: "sent", kept: { household_size: 1 } });
    expect((await getRecord("shelters", S))?.occupancy).toBe(10);
  });
});

describe("a check-out by receipt", () => {
  it("learns the household size from the answer", async () => {
    const srv = fakeServer();
    receipts(srv);
    const op = await enqueue({ type: "shelter.checkout", data: { token: "tok.sig", shelter_id: S } });
    expect(countInside(10, 400, await listOps(), S)).toMatchObject({ inside: 10, pendingOutUnknown: 1 });
    await syncNow({ fetch: srv.transport });
    expect(await getOp(op.op_id)).toMatchObject({ state: "sent", kept: { household_size: 2 } });
    expect(srv.sentOps()[0].data).toEqual({ token: "tok.sig", shelter_id: S });
    expect((await getRecord("shelters", S))?.occupancy).toBe(8);
  });
});
