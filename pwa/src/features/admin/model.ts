// What the administration screens read and send, with no DOM: the shapes, the roles an actor
// may give, and the form drafts kept while a person moves between screens.
export const ADMIN_ROLES = new Set(["admin", "duty_officer"]);
export const ALL_ROLES = ["member", "captain", "info_officer", "shelter_manager", "duty_officer", "admin"] as const;
export const TEAM_ROLES = ["captain", "vice_captain", "member"] as const;
export const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

export interface AdminUser {
  id: string;
  username: string;
  display_name: string;
  role: string;
  region_id: number;
  region_name?: string | null;
  phone?: string | null;
  active: boolean;
  must_change_password?: boolean;
  team_id?: string | null;
  team_role?: string | null;
  created_at?: string;
}

export interface Region {
  id: number;
  name: string;
  level: string;
  parent_id: number | null;
}

export interface Team {
  id: string;
  name: string;
  region_id: number;
  kind: string;
  size: number;
}

export interface RosterRow {
  row: number;
  status: "taken" | "refused";
  name: string;
  phone: string | null;
  team_role: string | null;
  team_role_label: string | null;
  reasons: string[];
  read: Record<string, string>;
}

export interface RosterReport {
  dry_run: boolean;
  columns: string[];
  ignored_columns: string[];
  read_only_columns: string[];
  rows: RosterRow[];
  taken: number;
  refused: number;
  imported: number;
}

/** The roles this actor may give: only an administrator gives the administrator's role. */
export function givableRoles(actorRole: string): string[] {
  return ALL_ROLES.filter((r) => r !== "admin" || actorRole === "admin");
}

/** May this actor change this user? A duty officer never touches an administrator. */
export function canManage(actorRole: string, target: { role: string }): boolean {
  return ADMIN_ROLES.has(actorRole) && (actorRole === "admin" || target.role !== "admin");
}

export interface UserDraft {
  display_name: string;
  username: string;
  phone: string;
  role: string;
  region_id: string;
  team_id: string;
  team_role: string;
  password: string;
  must_change_password: boolean;
}

export function emptyDraft(): UserDraft {
  return { display_name: "", username: "", phone: "", role: "member", region_id: "", team_id: "", team_role: "member", password: "", must_change_password: true };
}

/** The body of POST /users from the form: blank optional fields left out. */
export function createBody(d: UserDraft): Record<string, unknown> {
  const body: Record<string, unknown> = {
    display_name: d.display_name.trim(),
    username: d.username.trim(),
    role: d.role,
    region_id: d.region_id ? Number(d.region_id) : null,
    password: d.password,
    must_change_password: d.must_change_password,
  };
  if (d.phone.trim()) body.phone = d.phone.trim();
  if (d.team_id) {
    body.team_id = d.team_id;
    body.team_role = d.team_role || "member";
  }
  return body;
}

/** What is missing before sending (the server checks the rest and says it by field). */
export function checkDraft(d: UserDraft): Record<string, "required" | "short"> {
  const errors: Record<string, "required" | "short"> = {};
  if (!d.display_name.trim()) errors.display_name = "required";
  if (!d.username.trim()) errors.username = "required";
  if (!d.region_id) errors.region_id = "required";
  if (!d.password) errors.password = "required";
  else if (d.password.length < 8) errors.password = "short";
  return errors;
}

/** Regions indented under their parents, in the order the server gives (by path). */
export function regionOptions(regions: Region[]): [string, string][] {
  const depth = new Map<number, number>();
  return regions.map((r) => {
    const d = r.parent_id !== null && depth.has(r.parent_id) ? depth.get(r.parent_id)! + 1 : 0;
    depth.set(r.id, d);
    return [String(r.id), `${"\u3000".repeat(d)}${r.name}`];
  });
}
