import { describe, expect, it } from "vitest";
import { describeProblem, PROBLEM_SLUGS, problemSentence } from "./problem";
import { zhCN } from "./zh-CN";
import { en } from "./en";
import { PROBLEM_BASE } from "../data/problem";

const problem = (slug: string, status: number, extra: Record<string, unknown> = {}) => ({
  type: PROBLEM_BASE + slug,
  title: "Server title",
  status,
  detail: `server detail for ${slug}`,
  ...extra,
});

describe("describeProblem", () => {
  it.each(PROBLEM_SLUGS.map((s) => [s]))("says %s in zh-CN and en, never with the server's text", (slug) => {
    const zh = describeProblem(problem(slug, 409), "zh-CN");
    const e = describeProblem(problem(slug, 409), "en");
    expect(zh.message).toBe(zhCN[`problem.${slug}` as keyof typeof zhCN].replace("{status}", "409"));
    expect(e.message).toBe(en[`problem.${slug}` as keyof typeof en].replace("{status}", "409"));
    expect(zh.message).not.toContain("server detail");
    expect(zh.message).toMatch(/[\u4e00-\u9fff]/);
    expect(zh.details).toBe(`server detail for ${slug}`);
  });

  it("every slug the server raises has words (a new ApiProblem slug must be added here)", () => {
    // The slugs as grepped from server/ on 2026-12-01, plus those of the HTTP handler.
    const server = ["already-checked-in", "already-checked-out", "already-under-way", "bad-batch", "bad-credentials", "bad-cursor",
      "bad-json", "bad-request", "batch-too-large", "conflict", "forbidden", "internal", "media-missing", "not-found", "not-on-scene",
      "op-conflict", "op-not-supported", "payload-too-large", "pwa-not-built", "refresh-reuse", "self-lockout", "shelter-occupied",
      "token-invalid", "token-revoked", "token-expired", "csrf", "unauthorized", "unavailable", "unknown-op", "unsupported-media-type",
      "validation", "rate-limited", "method-not-allowed", "http-error", "already-answered",
      "shelter-full", "shelter-closed", "wrong-shelter", "bad-receipt",
      "report-state", "not-assignee", "own-work",
      "figure-lowered", "report-order", "report-verified", "report-race", "disaster-closed", "member-path", "policy-exists",
      "duplicate-target-closed", "duplicate-other-category", "duplicate-chain",
      "equipment-checked-out", "equipment-not-out", "equipment-out-of-service", "order-closed",
      "training-cancelled", "training-not-expected", "training-mark-superseded", "badge-unknown",
      "month-locked", "rule-exists", "no-subsidy-rule", "lock-in-order", "month-not-over", "report-changed",
      "not-cross-township", "claim-exists", "claim-state"];
    for (const slug of server) expect(PROBLEM_SLUGS as readonly string[], slug).toContain(slug);
  });

  it("names each invalid field in words, with what is wrong", () => {
    const d = describeProblem(
      problem("validation", 422, {
        errors: {
          category: ["Must be one of: flood, geological."],
          description: ["Missing data for required field."],
          location: { lat: ["Not a valid number."] },
          region_id: ["No such region in your area."],
          mystery_field: ["Bad."],
        },
      }),
      "zh-CN",
    );
    expect(d.message).toBe("有几项需要改一下。");
    expect(d.fields).toEqual({
      category: "类别：请从给出的选项里选",
      description: "描述：必须填写",
      location: "位置：填写有误",
      region_id: "区域：不在你的管辖区域",
      mystery_field: "mystery_field：填写有误",
    });
    expect(d.details).toContain("description: Missing data for required field.");
    expect(describeProblem(problem("validation", 422, { errors: { title: ["Missing data for required field."] } }), "en").fields).toEqual({
      title: "Title: required",
    });
  });

  it("an unknown slug falls back on the HTTP status, not on the server's words", () => {
    expect(describeProblem(problem("something-new", 404), "zh-CN").message).toBe(zhCN["problem.not-found"]);
    expect(describeProblem(problem("something-new", 429), "en").message).toBe(en["problem.rate-limited"]);
    expect(describeProblem(problem("something-new", 502), "en").message).toBe(en["problem.internal"]);
    expect(describeProblem({ type: "about:blank", title: "I'm a teapot", status: 418 }, "en").message).toBe("The server refused (error 418).");
  });

  it("the board's unknown id reads as Chinese, with the server's English only in details", () => {
    const d = describeProblem(
      { type: PROBLEM_BASE + "not-found", title: "Not found", status: 404, detail: "No such dispatch order, or not in your region." },
      "zh-CN",
    );
    expect(d.message).not.toContain("No such");
    expect(d.details).toBe("No such dispatch order, or not in your region.");
  });

  it("problemSentence joins the fields in the language's way", () => {
    const p = problem("validation", 422, { errors: { title: ["Missing data for required field."], headcount: ["Bad."] } });
    expect(problemSentence(p, "zh-CN")).toBe("有几项需要改一下。 标题：必须填写；需要人数：填写有误");
    expect(problemSentence(p, "en")).toBe("A few things need changing. Title: required; People needed: not valid");
  });
});
