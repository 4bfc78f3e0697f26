import { beforeEach, describe, expect, it } from "vitest";
import { freshDb } from "./fake-server";
import { getMeta, setMeta } from "../../src/data/db";
import { dropKeptCopies } from "../../src/data/stores";

beforeEach(() => freshDb());

const copy = (user: string) => ({ user_id: user, saved_at: 1764700000000, profile: { display_name: "王建国", phone: "+8613812345678" } });

describe("kept copies of server answers", () => {
  it("another account's go when someone else signs in; the new account's and the phone's own stay", async () => {
    await setMeta("member_profile:m1", copy("A"));
    await setMeta("teams_flags:all", copy("A"));
    await setMeta("teams_readiness", copy("B"));
    await setMeta("device_id", "dev-1");
    await setMeta("cursor", "c-9");
    await setMeta("auth_lost", false);
    await setMeta("odd", { user_id: "A" }); // not a kept copy: no saved_at
    expect(await dropKeptCopies("B")).toBe(2);
    expect(await getMeta("member_profile:m1")).toBeUndefined();
    expect(await getMeta("teams_flags:all")).toBeUndefined();
    expect(await getMeta("teams_readiness")).toEqual(copy("B"));
    expect([await getMeta("device_id"), await getMeta("cursor"), await getMeta("auth_lost"), await getMeta("odd")]).toEqual(["dev-1", "c-9", false, { user_id: "A" }]);
  });

  it("every account's go at logout", async () => {
    await setMeta("member_profile:m1", copy("A"));
    await setMeta("teams_readiness", copy("B"));
    await setMeta("device_id", "dev-1");
    expect(await dropKeptCopies(null)).toBe(2);
    expect(await getMeta("teams_readiness")).toBeUndefined();
    expect(await getMeta("device_id")).toBe("dev-1");
  });
});
