import { afterEach, describe, expect, it } from "vitest";
import { setLang } from "../../i18n";
import {
  certState,
  certWords,
  checkProfileForm,
  formOf,
  nextSteps,
  profileBody,
  profileFlagLines,
  readHours,
  readProfile,
  restoreForm,
  rulesFromFlags,
  stageWord,
  thisYear,
  type ProfileForm,
} from "./profile-model";

afterEach(() => setLang("zh-CN"));

const TODAY = "2026-12-03";
const empty: ProfileForm = { birth_date: "", education: "", background: "", skills: [], certificates: [], contact_name: "", contact_phone: "" };

const answer = {
  member_id: "m1",
  display_name: "林小明",
  team_id: "t1",
  team_role: "member",
  stage: "probation",
  stage_label: "试用期",
  background: "veteran",
  skills: ["绳索救援", 7],
  certificates: [{ name: "红十字救护员证", number: "HX-1", expires_on: "2026-12-20" }],
  personal_visible: true,
  birth_date: "1980-01-01",
  age: 46,
  education: "primary",
  phone: "+8613800000001",
  emergency_contact: { name: "林妈妈", phone: "+8613900000002" },
  flags: [
    { rule: "age", reason: "年龄 46 岁，超过 40 岁", since: "2026-12-01T00:00:00Z" },
    { rule: "education", reason: "学历小学，低于高中/中专", since: "2026-12-01T00:00:00Z" },
  ],
  steps: [{ from_stage: "assessed", to_stage: "probation", to_label: "试用期", happened_on: "2026-11-01", recorded_at: "2026-11-01T02:00:00Z", by_name: "队长", note: "考核通过" }],
};

describe("reading the server's answer", () => {
  it("keeps what it knows and drops what it does not", () => {
    const p = readProfile(answer);
    expect(p.stage).toBe("probation");
    expect(p.skills).toEqual(["绳索救援"]);
    expect(p.contact).toEqual({ name: "林妈妈", phone: "+8613900000002" });
    expect(p.steps[0]).toMatchObject({ from: "assessed", to: "probation", byName: "队长" });
    expect(readProfile({ stage: "boss", personal_visible: "yes" })).toMatchObject({ stage: null, personalVisible: false, flags: [], certificates: [] });
  });

  it("says the stage in words, in both languages", () => {
    expect(stageWord("in_training")).toBe("培训中");
    expect(stageWord(null)).toBe("未登记");
    setLang("en");
    expect(stageWord("inactive")).toBe("Left the team");
  });

  it("says each flag in words with the figures the server wrote into it", () => {
    const p = readProfile(answer);
    expect(rulesFromFlags(p.flags)).toMatchObject({ maxAge: 40, minEducation: "senior_high" });
    expect(profileFlagLines(p).map((l) => l.text)).toEqual(["不符合：年龄 46 岁，超过 40 岁", "不符合：学历小学，低于高中/中专"]);
    const unknown = readProfile({ ...answer, flags: [{ rule: "education_unknown", reason: "未登记学历，无法核对（至少初中）", since: "" }] });
    expect(profileFlagLines(unknown)).toEqual([{ rule: "education_unknown", unchecked: true, text: "未核对：未登记学历，无法核对（至少初中）" }]);
    setLang("en");
    expect(profileFlagLines(p)[0].text).toBe("Breaks a rule: Aged 46, over 40");
  });
});

describe("certificates' expiry in words", () => {
  it("tells expired, expiring within 30 days, today, valid and no expiry apart", () => {
    expect(certState("2026-12-02", TODAY).state).toBe("expired");
    expect(certWords("2026-12-02", TODAY)).toBe("已过期（2026年12月2日）");
    expect(certWords("2026-12-03", TODAY)).toBe("今天到期（2026年12月3日）");
    expect(certState("2027-01-02", TODAY)).toEqual({ state: "soon", days: 30 });
    expect(certWords("2027-01-02", TODAY)).toBe("30 天后到期（2027年1月2日）");
    expect(certState("2027-01-03", TODAY).state).toBe("valid");
    expect(certWords("2027-01-03", TODAY)).toBe("有效期至 2027年1月3日");
    expect(certWords(null, TODAY)).toBe("长期有效");
    setLang("en");
    expect(certWords("2026-12-10", TODAY)).toBe("Expires in 7 days (December 10, 2026)");
  });
});

describe("the path's allowed steps", () => {
  it("follows the server's NEXT", () => {
    expect(nextSteps("applicant")).toEqual(["in_training", "inactive"]);
    expect(nextSteps("assessed")).toEqual(["probation", "in_training", "inactive"]);
    expect(nextSteps("active")).toEqual(["inactive"]);
    expect(nextSteps("inactive")).toEqual(["applicant"]);
    expect(nextSteps(null)).toHaveLength(6);
  });
});

describe("the edit form", () => {
  it("passes an empty form and sends every field, null to clear", () => {
    expect(checkProfileForm(empty, TODAY)).toEqual({});
    expect(profileBody(empty)).toEqual({ birth_date: null, education: null, background: null, skills: [], certificates: [], emergency_contact: null });
  });

  it("round-trips a profile: the contact's phone as 11 digits, blank rows dropped", () => {
    const f = formOf(readProfile(answer));
    expect(f.contact_phone).toBe("13900000002");
    f.skills.push("  ");
    f.certificates.push({ name: "", number: "", expires_on: "" });
    expect(checkProfileForm(f, TODAY)).toEqual({});
    expect(profileBody(f)).toEqual({
      birth_date: "1980-01-01",
      education: "primary",
      background: "veteran",
      skills: ["绳索救援"],
      certificates: [{ name: "红十字救护员证", number: "HX-1", expires_on: "2026-12-20" }],
      emergency_contact: { name: "林妈妈", phone: "13900000002" },
    });
  });

  it("refuses a birth date in the future, before 1900 or not a date", () => {
    expect(checkProfileForm({ ...empty, birth_date: "2026-12-04" }, TODAY)).toEqual({ birth_date: "future" });
    expect(checkProfileForm({ ...empty, birth_date: TODAY }, TODAY)).toEqual({});
    expect(checkProfileForm({ ...empty, birth_date: "1899-12-31" }, TODAY)).toEqual({ birth_date: "before1900" });
    expect(checkProfileForm({ ...empty, birth_date: "1990-02-30" }, TODAY)).toEqual({ birth_date: "date" });
  });

  it("refuses unknown choices, long skills, nameless certificates and a bad contact", () => {
    expect(checkProfileForm({ ...empty, education: "phd", background: "police" }, TODAY)).toEqual({ education: "choice", background: "choice" });
    expect(checkProfileForm({ ...empty, skills: ["x".repeat(41)] }, TODAY)).toEqual({ "skill.0": "tooLong" });
    expect(checkProfileForm({ ...empty, skills: Array(31).fill("绳索") }, TODAY)).toEqual({ skills: "tooMany" });
    expect(checkProfileForm({ ...empty, certificates: [{ name: "", number: "A1", expires_on: "2027-13-01" }] }, TODAY)).toEqual({ "cert.0.name": "required", "cert.0.expires_on": "date" });
    expect(checkProfileForm({ ...empty, contact_name: "林妈妈" }, TODAY)).toEqual({ contact_phone: "required" });
    expect(checkProfileForm({ ...empty, contact_phone: "13900000002" }, TODAY)).toEqual({ contact_name: "required" });
    expect(checkProfileForm({ ...empty, contact_name: "林", contact_phone: "12900000002" }, TODAY)).toEqual({ contact_phone: "phone" });
    expect(checkProfileForm({ ...empty, contact_name: "林", contact_phone: "139 0000 0002" }, TODAY)).toEqual({});
    expect(checkProfileForm({ ...empty, contact_name: "林", contact_phone: "+86 13900000002" }, TODAY)).toEqual({});
  });

  it("reads a draft back whatever it holds", () => {
    const f = restoreForm({ birth_date: "1980-05-05", skills: ["攀岩", 3], certificates: [{ name: "证" }] }, empty);
    expect(f).toEqual({ ...empty, birth_date: "1980-05-05", skills: ["攀岩", ""], certificates: [{ name: "证", number: "", expires_on: "" }] });
  });
});

describe("training hours", () => {
  it("reads totals and by kind, this year by default", () => {
    const hrs = readHours({ from: "2026-01-01", to: TODAY, hours: "7.50", trainings: 3, by_kind: { theory: "2.00", skills: "5.5" } });
    expect(hrs.hours).toBe(7.5);
    expect(hrs.byKind).toEqual([
      { kind: "theory", hours: 2 },
      { kind: "fitness", hours: 0 },
      { kind: "skills", hours: 5.5 },
      { kind: "exercise", hours: 0 },
    ]);
    expect(thisYear(TODAY)).toEqual({ from: "2026-01-01", to: TODAY });
  });
});
