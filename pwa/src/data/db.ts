// The phone's database: the only openDB() in the app (page and service worker alike), its typed
// schema and its versioned upgrade. Everything that must survive the app being killed lives here.
import { openDB, type DBSchema, type IDBPDatabase } from "idb";
import type { Problem } from "./problem";

export const DB_NAME = "yjt";
export const DB_VERSION = 3;

export type OpState = "waiting" | "sending" | "sent" | "refused";

/** One field action waiting for (or done with) the server. Never holds a credential. */
export interface OutboxOp {
  /** Auto-increment key: the order the user acted in, which is the order ops are sent. */
  seq?: number;
  op_id: string;
  type: string;
  /** When the user acted, ISO 8601 with the phone's offset. */
  at: string;
  data: Record<string, unknown>;
  state: OpState;
  /** Photos (blobs store) that must reach the server before this op does. */
  media_ids: string[];
  /** Who acted: an op is only ever sent under the same account. */
  user_id: string | null;
  /** The local record this op creates or changes (reports / checkins store). */
  entity_id?: string;
  created_at: string;
  attempts: number;
  /** The server's reason when refused (problem+json). */
  error?: Problem;
  sent_at?: string;
  /** The refused op this one was re-queued from. */
  replaces?: string;
  /** What screens show of this op once its data is settled (a masked name, a household size):
   * personal data leaves `data` when the server has answered (data/personal.ts). */
  kept?: Record<string, unknown>;
  /** Personal data was taken out of `data`: the op can no longer be sent again as it was. */
  scrubbed?: boolean;
}

/** A photo taken on the phone, kept as bytes until the server has it. */
export interface BlobRecord {
  id: string;
  bytes: ArrayBuffer;
  type: string;
  size: number;
  width?: number;
  height?: number;
  uploaded: boolean;
  created_at: string;
}

/** kinto.js-style local state: synced = as the server has it; created/updated = waiting on an op. */
export type RecordStatus = "synced" | "created" | "updated";

export interface LocalRecord {
  id: string;
  _status: RecordStatus;
  /** The op that carries this record's local change, when not synced. */
  _op_id?: string;
  [field: string]: unknown;
}

export interface Draft {
  key: string;
  saved_at: string;
  [field: string]: unknown;
}

export interface YjtDB extends DBSchema {
  outbox: { key: number; value: OutboxOp; indexes: { by_op_id: string; by_state: OpState } };
  blobs: { key: string; value: BlobRecord };
  meta: { key: string; value: unknown };
  reports: { key: string; value: LocalRecord };
  checkins: { key: string; value: LocalRecord };
  shelters: { key: string; value: LocalRecord };
  dispatches: { key: string; value: LocalRecord };
  warnings: { key: string; value: LocalRecord };
  drafts: { key: string; value: Draft };
}

export type LocalStoreName = "reports" | "checkins" | "shelters" | "dispatches" | "warnings";
export const LOCAL_STORES: readonly LocalStoreName[] = ["reports", "checkins", "shelters", "dispatches", "warnings"];

let opening: Promise<IDBPDatabase<YjtDB>> | null = null;

export function db(): Promise<IDBPDatabase<YjtDB>> {
  if (!opening) {
    opening = openDB<YjtDB>(DB_NAME, DB_VERSION, {
      upgrade(database, oldVersion, _newVersion, tx) {
        // One block per version, applied in turn. A later version that adds a store for a new
        // pulled entity must also reset meta "cursor", or changes pulled before it are never stored.
        if (oldVersion < 1) {
          const outbox = database.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
          outbox.createIndex("by_op_id", "op_id", { unique: true });
          outbox.createIndex("by_state", "state");
          database.createObjectStore("blobs", { keyPath: "id" });
          database.createObjectStore("meta");
          database.createObjectStore("reports", { keyPath: "id" });
          database.createObjectStore("checkins", { keyPath: "id" });
          database.createObjectStore("shelters", { keyPath: "id" });
          database.createObjectStore("drafts", { keyPath: "key" });
        }
        if (oldVersion < 2) {
          // Dispatch orders (pulled entity "dispatch"): pull from the start so none are missed.
          database.createObjectStore("dispatches", { keyPath: "id" });
          if (oldVersion >= 1) void tx.objectStore("meta").delete("cursor");
        }
        if (oldVersion < 3) {
          // Area warnings (pulled entity "warning"), readable offline: pull from the start again.
          database.createObjectStore("warnings", { keyPath: "id" });
          if (oldVersion >= 1) void tx.objectStore("meta").delete("cursor");
        }
      },
      blocking() {
        // A newer version of the app wants to upgrade: let it, this copy reopens on next use.
        void opening?.then((d) => d.close());
        opening = null;
      },
    });
    opening.catch(() => (opening = null));
  }
  return opening;
}

/** Tests only: forget the open connection (fake-indexeddb is swapped between tests). */
export function resetDbForTests(): void {
  opening = null;
}

export async function getMeta<T>(key: string): Promise<T | undefined> {
  return (await (await db()).get("meta", key)) as T | undefined;
}

export async function setMeta(key: string, value: unknown): Promise<void> {
  await (await db()).put("meta", value, key);
}

export async function deleteMeta(key: string): Promise<void> {
  await (await db()).delete("meta", key);
}

export function uuid(): string {
  const c = globalThis.crypto;
  if (typeof c.randomUUID === "function") return c.randomUUID();
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The install's id, made once and kept: the server ties sessions and ops to it. */
export async function deviceId(): Promise<string> {
  const existing = await getMeta<string>("device_id");
  if (existing) return existing;
  const id = uuid();
  await setMeta("device_id", id);
  return id;
}

/** ISO 8601 with the phone's own offset (2026-11-29T08:00:00+08:00), as the contract asks. */
export function isoWithOffset(date: Date = new Date()): string {
  const pad = (n: number) => String(Math.floor(Math.abs(n))).padStart(2, "0");
  const off = -date.getTimezoneOffset();
  const sign = off >= 0 ? "+" : "-";
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}` +
    `${sign}${pad(off / 60)}:${pad(off % 60)}`
  );
}
