// Every refusal the warnings API and the warning.ack op can give has its own words on the phone,
// zh-CN and English (the phone never shows the server's `detail`): the slugs are read from the
// server's own source, so a new ApiProblem in server/warnings fails here until it has words.
import { describe, expect, it } from "vitest";
import { describeProblem, PROBLEM_SLUGS } from "../../i18n/problem";
import { zhCN } from "../../i18n/zh-CN";
import { en } from "../../i18n/en";
import { PROBLEM_BASE } from "../../data/problem";

const sources = import.meta.glob("../../../../server/warnings/*.py", { query: "?raw", import: "default", eager: true }) as Record<string, string>;

/** `ApiProblem(<status>, "<slug>", ...` in the warnings' source, and not_found's slug. */
function serverSlugs(): Set<string> {
  const out = new Set<string>();
  for (const text of Object.values(sources)) {
    for (const m of text.matchAll(/ApiProblem\(\s*(\d{3}),\s*"([a-z-]+)"/g)) out.add(`${m[2]}|${m[1]}`);
    if (/\bnot_found\(/.test(text)) out.add("not-found|404");
  }
  return out;
}

describe("the warnings' refusals", () => {
  it("reads the server's warnings source", () => {
    expect(Object.keys(sources).some((p) => p.endsWith("/service.py"))).toBe(true);
    expect(serverSlugs().size).toBeGreaterThanOrEqual(6);
  });

  it.each([...serverSlugs()].map((s) => s.split("|")))("%s (%s) has its own words in zh-CN and en", (slug, status) => {
    expect(PROBLEM_SLUGS as readonly string[]).toContain(slug);
    const p = { type: PROBLEM_BASE + slug, title: "Server title", status: Number(status), detail: "server detail" };
    const zh = describeProblem(p, "zh-CN");
    const e = describeProblem(p, "en");
    expect(zh.message).toBe(zhCN[`problem.${slug}` as keyof typeof zhCN]);
    expect(e.message).toBe(en[`problem.${slug}` as keyof typeof en]);
    expect(zh.message).toMatch(/[\u4e00-\u9fff]/);
    expect(zh.message).not.toContain("server detail");
    expect(e.message).not.toContain("server detail");
  });

  it("the ones a duty officer meets say what to do, not only what went wrong", () => {
    expect(describeProblem({ type: PROBLEM_BASE + "same-person", title: "", status: 403 }, "zh-CN").message).toContain("另一位");
    expect(describeProblem({ type: PROBLEM_BASE + "cancelled", title: "", status: 409 }, "zh-CN").message).toContain("解除");
    expect(describeProblem({ type: PROBLEM_BASE + "expired", title: "", status: 409 }, "zh-CN").message).toContain("有效期");
    expect(describeProblem({ type: PROBLEM_BASE + "already-issued", title: "", status: 409 }, "zh-CN").message).toContain("已经发布");
    expect(describeProblem({ type: PROBLEM_BASE + "not-issued", title: "", status: 409 }, "zh-CN").message).toContain("草稿");
  });
});
