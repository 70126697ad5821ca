// The grading arithmetic with numbers worked out by hand.
import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY_RULES } from "~/credits/policy";
import { competencyWeights, disagreements, individualOutcome, markerTotal, meanRoundHalfUp } from "./marks";
import { parsePoints } from "./points";
import { parseCsvRows, parseRubricCsv, parseRubricJson, parseRubricText, rubricToCsv, rubricToJson, type RubricDocument } from "./rubric-format";

describe("a marker's total", () => {
  it("is Σ weight × level points on the 0–10,000 scale", () => {
    // 20×100 + 25×80 + 20×60 + 15×30 + 20×80 = 2000 + 2000 + 1200 + 450 + 1600
    const scores = [
      { weight: 20, points: 100 },
      { weight: 25, points: 80 },
      { weight: 20, points: 60 },
      { weight: 15, points: 30 },
      { weight: 20, points: 80 },
    ];
    expect(markerTotal(scores)).toBe(7250);
    expect(markerTotal(scores.map((s) => ({ ...s, points: 100 })))).toBe(10_000);
    expect(markerTotal([])).toBe(0);
  });
});

describe("the mean of the markers' totals", () => {
  it("rounds half up to whole centipoints", () => {
    expect(meanRoundHalfUp([7250, 6800])).toBe(7025);
    expect(meanRoundHalfUp([7251, 6800])).toBe(7026); // 7025.5
    expect(meanRoundHalfUp([7250, 6801])).toBe(7026); // 7025.5
    expect(meanRoundHalfUp([1, 2, 2])).toBe(2); // 1.667
    expect(meanRoundHalfUp([1, 1, 2])).toBe(1); // 1.333
    expect(meanRoundHalfUp([6000])).toBe(6000);
    expect(meanRoundHalfUp([])).toBeNull();
  });
});

describe("moderation triggers", () => {
  const mark = (markerId: number, total: number, levelRanks: Record<number, number> = {}) => ({ markerId, total, levelRanks });

  it("fires when totals differ by more than the threshold's share of the maximum, not at it", () => {
    // 15 % of 10,000 = 1,500
    expect(disagreements([mark(1, 8000), mark(2, 6500)], 15)).toEqual([]);
    expect(disagreements([mark(1, 8001), mark(2, 6500)], 15)).toEqual([{ kind: "total", markerIds: [1, 2], difference: 1501 }]);
    expect(disagreements([mark(1, 8000), mark(2, 6999)], 10)).toEqual([{ kind: "total", markerIds: [1, 2], difference: 1001 }]);
  });

  it("fires when one criterion is two levels apart or more, not one", () => {
    expect(disagreements([mark(1, 7000, { 10: 0, 11: 1 }), mark(2, 7000, { 10: 1, 11: 2 })], 15)).toEqual([]);
    expect(disagreements([mark(1, 7000, { 10: 0, 11: 1 }), mark(2, 7000, { 10: 2, 11: 1 })], 15)).toEqual([
      { kind: "criterion", criterionId: 10, markerIds: [1, 2], levels: 2 },
    ]);
  });

  it("compares every pair of three markers", () => {
    const found = disagreements([mark(1, 5000), mark(2, 5000), mark(3, 7000)], 15);
    expect(found.map((d) => d.markerIds)).toEqual([
      [1, 3],
      [2, 3],
    ]);
  });
});

describe("an individual outcome", () => {
  const base = { passMark: 6000, attendedMinutes: 4200, scheduledMinutes: 4200, rules: DEFAULT_POLICY_RULES };

  it("adds the participation adjustment to the team mark and compares with the pass mark", () => {
    expect(individualOutcome({ ...base, teamTotal: 5900, adjustment: 200 })).toEqual({ total: 6100, passed: true, failure: null });
    expect(individualOutcome({ ...base, teamTotal: 5900, adjustment: 0 })).toEqual({ total: 5900, passed: false, failure: "belowPass" });
    expect(individualOutcome({ ...base, teamTotal: 6200, adjustment: -300 })).toEqual({ total: 5900, passed: false, failure: "belowPass" });
    expect(individualOutcome({ ...base, teamTotal: 6000, adjustment: 0 }).passed).toBe(true);
    expect(individualOutcome({ ...base, teamTotal: 9900, adjustment: 500 }).total).toBe(10_000);
    expect(individualOutcome({ ...base, teamTotal: 100, adjustment: -500 }).total).toBe(0);
  });

  it("fails a member who missed more than 1/7 of the minutes, whatever the mark", () => {
    // 4,200 minutes: 600 missed is exactly 1/7 (allowed), 601 is more.
    expect(individualOutcome({ ...base, teamTotal: 9000, adjustment: 0, attendedMinutes: 3600 }).passed).toBe(true);
    expect(individualOutcome({ ...base, teamTotal: 9000, adjustment: 0, attendedMinutes: 3599 })).toEqual({ total: 9000, passed: false, failure: "absence" });
  });
});

describe("competency weights", () => {
  it("merges criteria on the same competency", () => {
    expect(competencyWeights([{ competencyId: 3, weight: 20 }, { competencyId: 1, weight: 50 }, { competencyId: 3, weight: 30 }])).toEqual([
      { competencyId: 1, weight: 50 },
      { competencyId: 3, weight: 50 },
    ]);
  });
});

const RUBRIC: RubricDocument = {
  name: "社区项目 \"rubric\", v2",
  criteria: [
    {
      title: "问题与背景",
      titleEn: "",
      description: "Needs, data, voices",
      descriptionEn: "",
      competency: "residents",
      weight: 60,
      levels: [
        { label: "优秀", labelEn: "", descriptor: "=complete, convincing", descriptorEn: "", points: 100 },
        { label: "待改进", labelEn: "", descriptor: "line one\nline two", descriptorEn: "", points: 30 },
      ],
    },
    {
      title: "预算",
      titleEn: "Budget",
      description: "",
      descriptionEn: "",
      competency: "services",
      weight: 40,
      levels: [
        { label: "合格", labelEn: "Pass", descriptor: "", descriptorEn: "", points: 60 },
        { label: "不合格", labelEn: "Fail", descriptor: "", descriptorEn: "", points: 0 },
      ],
    },
  ],
};

describe("rubric import and export", () => {
  it("round-trips through JSON and CSV", () => {
    expect(parseRubricJson(rubricToJson(RUBRIC))).toEqual({ ok: true, rubric: RUBRIC });
    const csv = rubricToCsv(RUBRIC);
    expect(csv.startsWith("\uFEFF")).toBe(true);
    expect(csv).toContain("\"'=complete, convincing\"");
    expect(parseRubricCsv(csv)).toEqual({ ok: true, rubric: RUBRIC });
    expect(parseRubricText(csv)).toEqual({ ok: true, rubric: RUBRIC });
    expect(parseRubricText(rubricToJson(RUBRIC))).toEqual({ ok: true, rubric: RUBRIC });
  });

  it("refuses weights that don't add up to 100, levels outside 0–100, and broken files", () => {
    const bad = { ...RUBRIC, criteria: [{ ...RUBRIC.criteria[0], weight: 50 }, RUBRIC.criteria[1]] };
    expect(parseRubricJson(JSON.stringify(bad))).toEqual({ ok: false, error: "grading.rubric.errors.weightsSum", params: { sum: 90 } });
    const points = { ...RUBRIC, criteria: [{ ...RUBRIC.criteria[0], levels: [{ label: "x", descriptor: "", points: 120 }] }, RUBRIC.criteria[1]] };
    expect(parseRubricJson(JSON.stringify(points)).ok).toBe(false);
    const single = { ...RUBRIC, criteria: [RUBRIC.criteria[0], { ...RUBRIC.criteria[1], levels: [RUBRIC.criteria[1].levels[0]] }] };
    expect(parseRubricJson(JSON.stringify(single))).toEqual({ ok: false, error: "grading.rubric.errors.noLevels" });
    expect(parseRubricJson("{nope").ok).toBe(false);
    expect(parseRubricCsv("a,b\n1,2").ok).toBe(false);
    expect(parseCsvRows('"a""b",c\r\nd,"e\nf"')).toEqual([
      ['a"b', "c"],
      ["d", "e\nf"],
    ]);
  });
});

describe("points typed by a person", () => {
  it("become centipoints, with at most two decimals", () => {
    expect(parsePoints("72.5")).toBe(7250);
    expect(parsePoints("72,05")).toBe(7205);
    expect(parsePoints("-5")).toBe(-500);
    expect(parsePoints(" 100 ")).toBe(10_000);
    expect(parsePoints("1.234")).toBeNull();
    expect(parsePoints("abc")).toBeNull();
    expect(parsePoints("")).toBeNull();
  });
});
