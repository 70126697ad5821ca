import { describe, expect, it } from "vitest";
import { translator } from "~/i18n/i18n";
import {
  DEFAULT_RULE_SETS,
  describeFigures,
  evaluateCondition,
  evaluateRules,
  monthsUntilRound,
  neededYears,
  parseRuleSetRules,
  type PersonFacts,
} from "./eligibility-rules";
import type { Rating } from "./ladder";

const ROUND = 2026;
/** Midnight 1 January in Shanghai, as stored (UTC). */
const shanghai = (y: number, m = 1, d = 1) => new Date(Date.UTC(y, m - 1, d) - 8 * 3600 * 1000);

function facts(overrides: Partial<PersonFacts> = {}): PersonFacts {
  return {
    secretarySince: null,
    postTypeCode: "head",
    grade: 9,
    birthYear: 1980,
    appraisals: new Map(),
    credits: new Map(),
    ...overrides,
  };
}
const ratings = (entries: Record<number, Rating>) => new Map(Object.entries(entries).map(([y, r]) => [Number(y), r]));
const zh = translator("zh-CN");
const pts = (c: number) => String(c / 100);
const post = (code: string) => code;

describe("yearsAsSecretary", () => {
  it("counts calendar months to 1 January of the round year in Shanghai: exactly 5.0 years passes ≥ 5", () => {
    // 2021-01-01 → 2026-01-01 spans a leap year (1,826 days): still exactly 60 months.
    expect(monthsUntilRound(shanghai(2021), ROUND)).toBe(60);
    const r = evaluateCondition({ type: "yearsAsSecretary", min: 5 }, facts({ secretarySince: shanghai(2021) }), ROUND);
    expect(r).toEqual({ type: "yearsAsSecretary", ok: true, years: 5, min: 5 });
    expect(describeFigures(r, zh, pts, post)).toBe("担任书记 5.0 年 ≥ 5");
  });
  it("one day short is 4.9 years and fails", () => {
    const r = evaluateCondition({ type: "yearsAsSecretary", min: 5 }, facts({ secretarySince: shanghai(2021, 1, 2) }), ROUND);
    expect(r).toMatchObject({ ok: false, years: 4.9 });
  });
  it("September 2019 → 6.3 years; no start date fails", () => {
    const r = evaluateCondition({ type: "yearsAsSecretary", min: 5 }, facts({ secretarySince: shanghai(2019, 9, 1) }), ROUND);
    expect(r).toMatchObject({ ok: true, years: 6.3 });
    expect(evaluateCondition({ type: "yearsAsSecretary", min: 5 }, facts(), ROUND)).toMatchObject({ ok: false, years: null });
  });
  it("a UTC date late on 31 December is already 1 January in Shanghai", () => {
    expect(monthsUntilRound(new Date("2020-12-31T16:00:00Z"), ROUND)).toBe(60);
    expect(monthsUntilRound(new Date("2020-12-31T15:59:00Z"), ROUND)).toBe(60); // 23:59 on 31 Dec in Shanghai: December is not a full month
  });
});

describe("lastAppraisals", () => {
  const cond = { type: "lastAppraisals", years: 3, minRating: "pass", through: "previous" } as const;
  it("looks at the three years before the round year, all 合格 or better", () => {
    const r = evaluateCondition(cond, facts({ appraisals: ratings({ 2023: "pass", 2024: "excellent", 2025: "pass" }) }), ROUND);
    expect(r.ok).toBe(true);
    expect(describeFigures(r, zh, pts, post)).toBe("2023 合格, 2024 优秀, 2025 合格");
  });
  it("a 基本合格 year or a missing year fails", () => {
    expect(evaluateCondition(cond, facts({ appraisals: ratings({ 2023: "pass", 2024: "basic", 2025: "pass" }) }), ROUND).ok).toBe(false);
    const missing = evaluateCondition(cond, facts({ appraisals: ratings({ 2024: "pass", 2025: "pass", 2026: "pass" }) }), ROUND);
    expect(missing.ok).toBe(false);
    expect(describeFigures(missing, zh, pts, post)).toBe("2023 未评定, 2024 合格, 2025 合格");
  });
  it("minRating excellent accepts only 优秀", () => {
    const c = { type: "lastAppraisals", years: 1, minRating: "excellent", through: "previous" } as const;
    expect(evaluateCondition(c, facts({ appraisals: ratings({ 2025: "excellent" }) }), ROUND).ok).toBe(true);
    expect(evaluateCondition(c, facts({ appraisals: ratings({ 2025: "pass" }) }), ROUND).ok).toBe(false);
  });
});

describe("excellentCount", () => {
  const cond = { type: "excellentCount", years: 3, min: 1, through: "previous" } as const;
  it("at least one 优秀 among three: one is enough, none fails", () => {
    expect(evaluateCondition(cond, facts({ appraisals: ratings({ 2023: "pass", 2024: "pass", 2025: "excellent" }) }), ROUND)).toMatchObject({ ok: true, count: 1 });
    expect(evaluateCondition(cond, facts({ appraisals: ratings({ 2023: "pass", 2024: "pass", 2025: "pass" }) }), ROUND)).toMatchObject({ ok: false, count: 0 });
    // An excellent outside the window does not count.
    expect(evaluateCondition(cond, facts({ appraisals: ratings({ 2022: "excellent", 2026: "excellent" }) }), ROUND)).toMatchObject({ ok: false, count: 0 });
  });
});

describe("creditsMet", () => {
  it("each year of the window must be met; through round includes the round year", () => {
    const credits = new Map([
      [2025, { counted: 6150, required: 5600, met: true }],
      [2026, { counted: 1000, required: 5600, met: false }],
    ]);
    const last = evaluateCondition({ type: "creditsMet", years: 1, through: "previous" }, facts({ credits }), ROUND);
    expect(last.ok).toBe(true);
    expect(describeFigures(last, zh, pts, post)).toBe("2025 学分 61.5/56 ✔");
    expect(evaluateCondition({ type: "creditsMet", years: 1, through: "round" }, facts({ credits }), ROUND).ok).toBe(false);
    // A year without a status (no entries loaded) is not met.
    expect(evaluateCondition({ type: "creditsMet", years: 2, through: "previous" }, facts({ credits }), ROUND).ok).toBe(false);
  });
});

describe("postType, minGrade, maxAge", () => {
  it("decides on the current post, grade and age in the round year", () => {
    expect(evaluateCondition({ type: "postType", in: ["head", "supervisor"] }, facts({ postTypeCode: "staff" }), ROUND).ok).toBe(false);
    expect(evaluateCondition({ type: "postType", in: ["head"] }, facts(), ROUND).ok).toBe(true);
    expect(evaluateCondition({ type: "minGrade", grade: 9 }, facts({ grade: 9 }), ROUND).ok).toBe(true);
    expect(evaluateCondition({ type: "minGrade", grade: 10 }, facts({ grade: 9 }), ROUND).ok).toBe(false);
    expect(evaluateCondition({ type: "maxAge", age: 46 }, facts({ birthYear: 1980 }), ROUND)).toMatchObject({ ok: true, age: 46 });
    expect(evaluateCondition({ type: "maxAge", age: 45 }, facts({ birthYear: 1980 }), ROUND).ok).toBe(false);
    expect(evaluateCondition({ type: "maxAge", age: 45 }, facts({ birthYear: null }), ROUND).ok).toBe(false);
  });
});

describe("the demo rule sets", () => {
  const establishment = DEFAULT_RULE_SETS.find((s) => s.code === "establishment")!.rules;
  it("事业进编: 5 years, three 合格+ with one 优秀, credits met in each of those years", () => {
    const credits = new Map([2023, 2024, 2025].map((y) => [y, { counted: 6000, required: 5600, met: true }]));
    const ok = facts({ secretarySince: shanghai(2021), appraisals: ratings({ 2023: "pass", 2024: "excellent", 2025: "pass" }), credits });
    expect(evaluateRules(establishment, ok, ROUND).eligible).toBe(true);
    const noExcellent = { ...ok, appraisals: ratings({ 2023: "pass", 2024: "pass", 2025: "pass" }) };
    const result = evaluateRules(establishment, noExcellent, ROUND);
    expect(result.eligible).toBe(false);
    expect(result.results.map((r) => r.ok)).toEqual([true, true, false, true]);
    expect(neededYears(establishment, ROUND)).toEqual({ appraisalYears: [2023, 2024, 2025], creditYears: [2023, 2024, 2025] });
  });
});

describe("parseRuleSetRules", () => {
  it("accepts the defaults and refuses bad JSON, unknown types and out-of-range numbers with message keys", () => {
    expect(parseRuleSetRules(JSON.stringify(DEFAULT_RULE_SETS[0].rules)).ok).toBe(true);
    expect(parseRuleSetRules("{")).toEqual({ ok: false, errors: [{ path: "", message: "eligibility.errors.json" }] });
    const unknown = parseRuleSetRules(JSON.stringify({ conditions: [{ type: "charisma" }] }));
    expect(unknown).toEqual({ ok: false, errors: [{ path: "conditions.0.type", message: "eligibility.errors.conditionType" }] });
    const range = parseRuleSetRules(JSON.stringify({ conditions: [{ type: "lastAppraisals", years: 0, minRating: "pass" }] }));
    expect(range.ok ? [] : range.errors.map((e) => e.path)).toEqual(["conditions.0.years"]);
    expect(parseRuleSetRules(JSON.stringify({ conditions: [] })).ok).toBe(false);
  });
});
