// /disasters/<id>: the officer's figure form, or the desk's summary of the event.
import type { User } from "../../api";
import { DISASTER_DESK, DISASTER_ROLES } from "./disasters";

export async function disasterScreen(user: User, eventId: string): Promise<(() => HTMLElement) | null> {
  if (!DISASTER_ROLES.has(user.role)) return null;
  if (DISASTER_DESK.has(user.role)) {
    const { renderDisasterDesk } = await import("./desk");
    return () => renderDisasterDesk(eventId);
  }
  const { renderDisasterForm } = await import("./form");
  return () => renderDisasterForm(user, eventId);
}
