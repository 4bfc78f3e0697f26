// The count of orders waiting for the member's answer, and the app icon's badge that follows it
// as the phone's copy of the orders changes (a pull, an answer given here).
import "fake-indexeddb/auto";
import { afterAll, describe, expect, it, vi } from "vitest";
import { db } from "../data/db";
import { notifyChanged } from "../data/events";
import { onOrderBadge, startOrderBadge, waitingForAnswer } from "./order-badge";

const order = (id: string, response: string, extra: Record<string, unknown> = {}) => ({
  id,
  title: id,
  targets: [{ response, status: response === "accepted" ? "accepted" : "pending" }],
  _status: "synced",
  ...extra,
});

describe("waitingForAnswer", () => {
  it("counts open orders whose line has no answer yet", () => {
    const orders = [order("a", "pending"), order("b", "accepted"), order("c", "declined"), order("d", "pending", { closed_at: "2026-12-01T08:00:00+08:00" }), { id: "e" }];
    // "e" came without targets: the member's line is pending until the server says otherwise.
    expect(waitingForAnswer(orders)).toBe(2);
  });

  it("counts an order just pushed that the phone does not have yet, and only once", () => {
    const orders = [order("a", "pending"), order("b", "accepted")];
    expect(waitingForAnswer(orders, "new")).toBe(2);
    expect(waitingForAnswer(orders, "a")).toBe(1);
    expect(waitingForAnswer(orders, "b")).toBe(1);
  });
});

describe("the app badge", () => {
  const calls: (number | "clear")[] = [];
  vi.stubGlobal("navigator", {
    setAppBadge: (n: number) => {
      calls.push(n);
      return Promise.resolve();
    },
    clearAppBadge: () => {
      calls.push("clear");
      return Promise.resolve();
    },
  });
  afterAll(() => vi.unstubAllGlobals());

  const settle = () => new Promise((r) => setTimeout(r, 50));

  it("follows the orders on the phone, and clears at zero", async () => {
    const store = async (...orders: Record<string, unknown>[]) => {
      const tx = (await db()).transaction("dispatches", "readwrite");
      for (const o of orders) await tx.store.put(o as never);
      await tx.done;
      notifyChanged();
      await settle();
    };
    const seen: number[] = [];
    onOrderBadge((n) => seen.push(n));
    startOrderBadge();
    await store(order("o1", "pending"), order("o2", "pending"));
    expect(calls.at(-1)).toBe(2);
    expect(seen.at(-1)).toBe(2);

    await store(order("o1", "accepted"));
    expect(calls.at(-1)).toBe(1);

    const before = calls.length;
    notifyChanged(); // nothing changed: the icon is not asked again
    await settle();
    expect(calls.length).toBe(before);

    await store(order("o2", "declined"));
    expect(calls.at(-1)).toBe("clear");
    expect(seen.at(-1)).toBe(0);
  });
});
