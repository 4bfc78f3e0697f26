// Shapes of what the server sends, as the API contract describes them.
export type Role = "admin" | "duty_officer" | "captain" | "member" | "info_officer" | "shelter_manager";

export interface User {
  id: string;
  username: string;
  display_name: string;
  /** A Role; kept open so a role added on the server does not break the app. */
  role: Role | (string & {});
  region_id: string | null;
  region_name?: string | null;
  phone?: string | null;
  /** A password reset by an administrator: a new one must be chosen before anything else. */
  must_change_password?: boolean;
  /** The team a captain or member belongs to, and their role in it (captain, vice_captain, member). */
  team_id?: string | null;
  team_role?: string | null;
}

/**
 * The login answer also carries access_token and refresh_token. They are deliberately not typed
 * here: the app relies on the httpOnly cookies and must never keep tokens in script-readable storage.
 */
export interface LoginResponse {
  user: User;
}
