// The desk's list of equipment overdue for maintenance (GET /api/v1/equipment/overdue): read
// defensively, grouped by township and team, the longest overdue first within each; the days
// counted on the phone's China day, as the captain's list does, so a kept copy stays right.
import { daysOverdue, readItem, type Item } from "./model";

export const OVERDUE_PATH = "/api/v1/equipment/overdue";

export interface OverdueItem extends Item {
  regionId: number;
  teamName: string;
}

export interface OverdueTeam {
  id: string;
  name: string;
  items: OverdueItem[];
}

export interface OverdueTownship {
  regionId: number;
  name: string;
  teams: OverdueTeam[];
  count: number;
}

export function readOverdue(body: unknown): OverdueItem[] {
  const items = body && typeof body === "object" ? (body as { items?: unknown }).items : undefined;
  if (!Array.isArray(items)) return [];
  const out: OverdueItem[] = [];
  for (const raw of items) {
    const item = readItem(raw);
    if (!item) continue;
    const r = raw as Record<string, unknown>;
    const regionId = typeof r.region_id === "number" ? r.region_id : null;
    if (regionId === null) continue;
    out.push({ ...item, regionId, teamName: typeof r.team_name === "string" ? r.team_name : "" });
  }
  return out;
}

/** By township (most overdue items first, then by name), team (by name) and item (longest overdue
 * first). An item no longer overdue on `today` (a kept list read a day later is not: they only
 * grow) is kept out, so nothing reads "0 days overdue". */
export function groupOverdue(items: readonly OverdueItem[], today: string, names: ReadonlyMap<number, string>): OverdueTownship[] {
  const towns = new Map<number, Map<string, OverdueTeam>>();
  for (const item of items) {
    if (daysOverdue(item, today) <= 0) continue;
    const teams = towns.get(item.regionId) ?? new Map<string, OverdueTeam>();
    towns.set(item.regionId, teams);
    const team = teams.get(item.teamId) ?? { id: item.teamId, name: item.teamName, items: [] };
    teams.set(item.teamId, team);
    team.items.push(item);
  }
  const byName = (a: string, b: string) => a.localeCompare(b, "zh-CN");
  const result: OverdueTownship[] = [];
  for (const [regionId, teams] of towns) {
    const list = [...teams.values()].sort((a, b) => byName(a.name, b.name));
    for (const team of list) team.items.sort((a, b) => daysOverdue(b, today) - daysOverdue(a, today) || byName(a.name, b.name));
    result.push({ regionId, name: names.get(regionId) ?? String(regionId), teams: list, count: list.reduce((n, tm) => n + tm.items.length, 0) });
  }
  return result.sort((a, b) => b.count - a.count || byName(a.name, b.name));
}
