// An order this phone does not have: ask the server for it, and say plainly when there is no such
// order for this member (an unknown or foreign id) instead of "not on this phone yet".
import { api } from "../../api";
import { storeFetched } from "../../data/dispatch";
import { isNotFound, notFoundView } from "../../shared/not-found";
import { isOnline } from "../../shared/network";

export async function lookUpOrder(id: string, missing: HTMLElement, fallback: () => Promise<void>): Promise<void> {
  if (!isOnline()) return;
  try {
    const order = await api.get<Record<string, unknown>>(`/api/v1/dispatches/${encodeURIComponent(id)}`);
    await storeFetched([order]);
  } catch (err) {
    if (isNotFound(err)) {
      missing.replaceWith(notFoundView("notFound.order", "notFound.backOrders", "/orders"));
      missing.closest(".screen")?.querySelector(".order-title")?.remove();
      return;
    }
    await fallback();
  }
}
