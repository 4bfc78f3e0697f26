// RFC 9457 problems as the server sends them, readable in the page and in the service worker.
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: Record<string, string[]>;
  /** A conflict's record as the server has it now (Kinto-style), e.g. a report-state refusal. */
  current?: Record<string, unknown>;
  /** A report-state refusal: the state the record is in now. */
  state?: string;
}

function extras(body: Partial<Problem>): Pick<Problem, "current" | "state"> {
  const out: Pick<Problem, "current" | "state"> = {};
  if (body.current && typeof body.current === "object" && !Array.isArray(body.current)) out.current = body.current;
  if (typeof body.state === "string") out.state = body.state;
  return out;
}

export const PROBLEM_BASE = "https://emergency-field.example/problems/";

/** The last path segment of a problem type: "token-expired", "validation", ... */
export function problemSlug(p: Pick<Problem, "type"> | undefined): string {
  if (!p?.type) return "";
  return p.type.slice(p.type.lastIndexOf("/") + 1);
}

/** Reads a response body as a problem; any other body still gives one with the HTTP status. */
export async function readProblem(res: Response): Promise<Problem> {
  const fallback: Problem = { type: "about:blank", title: res.statusText || `HTTP ${res.status}`, status: res.status };
  try {
    const body = (await res.json()) as Partial<Problem> | null;
    if (!body || typeof body !== "object") return fallback;
    return {
      type: typeof body.type === "string" ? body.type : fallback.type,
      title: typeof body.title === "string" ? body.title : fallback.title,
      status: typeof body.status === "number" ? body.status : res.status,
      detail: typeof body.detail === "string" ? body.detail : undefined,
      errors: body.errors && typeof body.errors === "object" ? body.errors : undefined,
      ...extras(body),
    };
  } catch {
    return fallback;
  }
}

/** Keeps only the problem's known fields (a result's `error` is stored on the phone). */
export function asProblem(value: unknown, status = 0): Problem {
  const v = (value && typeof value === "object" ? value : {}) as Partial<Problem>;
  return {
    type: typeof v.type === "string" ? v.type : "about:blank",
    title: typeof v.title === "string" ? v.title : "Refused",
    status: typeof v.status === "number" ? v.status : status,
    detail: typeof v.detail === "string" ? v.detail : undefined,
    errors: v.errors && typeof v.errors === "object" ? v.errors : undefined,
    ...extras(v),
  };
}
