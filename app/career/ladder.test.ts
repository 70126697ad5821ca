import { describe, expect, it } from "vitest";
import { excellentCap, parseAppraisalRules, DEFAULT_APPRAISAL_RULES } from "./appraisal-rules";
import { DEFAULT_LADDER_RULES, firstFullYear, parseLadderRules, proposePromotion, serializeLadderRules, shanghaiNewYear, startingGrade, type Rating } from "./ladder";

const staff = { code: "staff", minGrade: 1, maxGrade: 12 };
const head = { code: "head", minGrade: 7, maxGrade: 18 };

function propose(ratings: Record<number, Rating>, options: { grade?: number; firstYear?: number; year?: number; early?: number; post?: typeof staff } = {}) {
  return proposePromotion({
    post: options.post ?? staff,
    currentGrade: options.grade ?? 3,
    firstYear: options.firstYear ?? 2021,
    year: options.year ?? 2023,
    ratings,
    earlyStepsUsed: options.early ?? 0,
  });
}

describe("startingGrade", () => {
  it("starts staff at 1, +1 bachelor, +2 master, +1 intermediate, +2 senior certificate", () => {
    expect(startingGrade(staff, { education: "college", socialWorkCert: "none" }).grade).toBe(1);
    expect(startingGrade(staff, { education: "bachelor", socialWorkCert: "none" }).grade).toBe(2);
    expect(startingGrade(staff, { education: "master", socialWorkCert: "none" }).grade).toBe(3);
    expect(startingGrade(staff, { education: "doctorate", socialWorkCert: "intermediate" }).grade).toBe(4);
    expect(startingGrade(staff, { education: "bachelor", socialWorkCert: "senior" }).grade).toBe(4);
    expect(startingGrade(staff, { education: "secondary", socialWorkCert: "assistant" }).grade).toBe(1);
  });

  it("starts from the post's lowest grade and clamps to its top", () => {
    expect(startingGrade(head, { education: "master", socialWorkCert: "senior" }).grade).toBe(11);
    const tiny = { code: "x", minGrade: 1, maxGrade: 3 };
    const result = startingGrade(tiny, { education: "master", socialWorkCert: "senior" });
    expect(result.grade).toBe(3);
    expect(result.steps.at(-1)).toEqual({ key: "career.explain.startClamped", params: { raw: 5, grade: 3, max: 3 } });
  });
});

describe("proposePromotion", () => {
  it("gives +1 after three full passing years", () => {
    const result = propose({ 2021: "pass", 2022: "pass", 2023: "excellent" });
    expect(result).toMatchObject({ kind: "regular", proposedGrade: 4, countedYears: 3 });
    expect(result.steps.at(-1)).toEqual({ key: "career.explain.regular", params: { from: 3, to: 4, count: 3 } });
  });

  it("does not step after two passing years", () => {
    const result = propose({ 2022: "pass", 2023: "pass" }, { firstYear: 2022 });
    expect(result).toMatchObject({ kind: "none", proposedGrade: 3, countedYears: 2 });
    expect(result.steps.at(-1)).toEqual({ key: "career.explain.notYet", params: { count: 2, needed: 3 } });
  });

  it("restarts the count after a failing year", () => {
    // 2020 pass, 2021 pass, 2022 fail, 2023 pass → count 1 at the end.
    const result = propose({ 2020: "pass", 2021: "pass", 2022: "fail", 2023: "pass" }, { firstYear: 2020 });
    expect(result).toMatchObject({ kind: "none", countedYears: 1 });
    // Three passes after the fail: 2022 fail, 2023–2025 pass → step in 2025.
    const later = propose({ 2021: "pass", 2022: "fail", 2023: "pass", 2024: "pass", 2025: "pass" }, { firstYear: 2021, year: 2025 });
    expect(later).toMatchObject({ kind: "regular", proposedGrade: 4, countedYears: 3 });
  });

  it("a 基本合格 year neither counts nor restarts", () => {
    // pass, basic, pass → 2; then pass → 3.
    expect(propose({ 2021: "pass", 2022: "basic", 2023: "pass" })).toMatchObject({ kind: "none", countedYears: 2 });
    expect(propose({ 2021: "pass", 2022: "basic", 2023: "pass", 2024: "pass" }, { year: 2024 })).toMatchObject({
      kind: "regular",
      countedYears: 3,
    });
    // A year without an appraisal is treated the same way.
    expect(propose({ 2021: "pass", 2023: "pass" })).toMatchObject({ kind: "none", countedYears: 2 });
  });

  it("two consecutive excellent years earn an early step", () => {
    const result = propose({ 2022: "excellent", 2023: "excellent" }, { firstYear: 2022 });
    expect(result).toMatchObject({ kind: "early", proposedGrade: 4, countedYears: 2 });
    expect(result.steps.at(-1)).toEqual({
      key: "career.explain.early",
      params: { from: 3, to: 4, streak: 2, used: 1, max: 2 },
    });
  });

  it("needs the two excellent years to be consecutive", () => {
    expect(propose({ 2021: "excellent", 2022: "pass", 2023: "excellent" }).kind).toBe("regular");
    expect(propose({ 2022: "excellent", 2023: "pass" }, { firstYear: 2022 }).kind).toBe("none");
    expect(propose({ 2021: "excellent", 2022: "basic", 2023: "excellent" }).kind).toBe("none");
  });

  it("allows at most two early steps in a career", () => {
    expect(propose({ 2022: "excellent", 2023: "excellent" }, { firstYear: 2022, early: 1 })).toMatchObject({ kind: "early" });
    const third = propose({ 2022: "excellent", 2023: "excellent" }, { firstYear: 2022, early: 2 });
    expect(third).toMatchObject({ kind: "none", proposedGrade: 3 });
    expect(third.steps.at(-1)).toEqual({ key: "career.explain.earlyLimit", params: { used: 2, max: 2 } });
    // The limit does not block the regular step.
    expect(propose({ 2021: "excellent", 2022: "excellent", 2023: "excellent" }, { early: 2 })).toMatchObject({
      kind: "regular",
      proposedGrade: 4,
    });
  });

  it("never goes above the post's top grade", () => {
    const result = propose({ 2021: "pass", 2022: "pass", 2023: "pass" }, { grade: 12 });
    expect(result).toMatchObject({ kind: "none", proposedGrade: 12 });
    expect(result.steps.at(-1)).toEqual({ key: "career.explain.atTop", params: { grade: 12, max: 12 } });
    expect(propose({ 2021: "pass", 2022: "pass", 2023: "pass" }, { grade: 17, post: head }).proposedGrade).toBe(18);
  });

  it("explains every year with its figures", () => {
    const result = propose({ 2021: "pass", 2022: "fail", 2023: "excellent" });
    expect(result.steps).toEqual([
      { key: "career.explain.since", params: { grade: 3, year: 2021 } },
      { key: "career.explain.yearPass", params: { year: 2021, count: 1, needed: 3 } },
      { key: "career.explain.yearFail", params: { year: 2022 } },
      { key: "career.explain.yearExcellent", params: { year: 2023, count: 1, needed: 3 } },
      { key: "career.explain.notYet", params: { count: 1, needed: 3 } },
    ]);
  });
});

describe("years at a grade", () => {
  it("counts a year only when the grade was held from 1 January (Shanghai)", () => {
    expect(firstFullYear(shanghaiNewYear(2024))).toBe(2024);
    expect(firstFullYear(new Date("2020-03-01T00:00:00Z"))).toBe(2021);
    // 31 Dec 2023 20:00 UTC is already 1 January 2024 in Shanghai.
    expect(firstFullYear(new Date("2023-12-31T20:00:00Z"))).toBe(2024);
  });
});

describe("excellentCap", () => {
  it("is a fifth of the street, rounded down, at least one", () => {
    expect(excellentCap(25)).toBe(5);
    expect(excellentCap(29)).toBe(5);
    expect(excellentCap(30)).toBe(6);
    expect(excellentCap(4)).toBe(1);
    expect(excellentCap(0)).toBe(0);
    expect(excellentCap(4, { ...DEFAULT_APPRAISAL_RULES, excellentAtLeastOne: false })).toBe(0);
  });

  it("reads stored rules with defaults for missing fields", () => {
    expect(parseAppraisalRules(null)).toEqual(DEFAULT_APPRAISAL_RULES);
    expect(parseAppraisalRules('{"excellentSharePercent":10}')).toEqual({ ...DEFAULT_APPRAISAL_RULES, excellentSharePercent: 10 });
    expect(() => parseAppraisalRules('{"excellentSharePercent":150}')).toThrow();
  });
});

describe("ladder rules as data", () => {
  it("uses a district's own numbers", () => {
    const rules = { ...DEFAULT_LADDER_RULES, yearsPerStep: 2, maxEarlySteps: 0 };
    const result = proposePromotion({ post: staff, currentGrade: 3, firstYear: 2022, year: 2023, ratings: { 2022: "pass", 2023: "pass" }, earlyStepsUsed: 0, rules });
    expect(result).toMatchObject({ kind: "regular", proposedGrade: 4 });
    const noEarly = proposePromotion({ post: staff, currentGrade: 3, firstYear: 2023, year: 2024, ratings: { 2023: "excellent", 2024: "excellent" }, earlyStepsUsed: 0, rules: { ...rules, yearsPerStep: 3 } });
    expect(noEarly.steps.at(-1)).toEqual({ key: "career.explain.earlyLimit", params: { used: 0, max: 0 } });
    expect(startingGrade(staff, { education: "doctorate", socialWorkCert: "none" }, { ...DEFAULT_LADDER_RULES, educationBonus: { doctorate: 4 } }).grade).toBe(5);
  });

  it("stores and reads the rules with defaults for missing fields", () => {
    expect(parseLadderRules(null)).toEqual(DEFAULT_LADDER_RULES);
    expect(parseLadderRules(serializeLadderRules(DEFAULT_LADDER_RULES))).toEqual(DEFAULT_LADDER_RULES);
    expect(parseLadderRules('{"yearsPerStep":4}')).toEqual({ ...DEFAULT_LADDER_RULES, yearsPerStep: 4 });
    expect(() => parseLadderRules('{"yearsPerStep":0}')).toThrow();
  });
});
