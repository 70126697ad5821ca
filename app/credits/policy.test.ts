import { describe, expect, it } from "vitest";
import {
  absenceWithinLimit,
  CreditPolicyRulesSchema,
  DEFAULT_POLICY_RULES,
  hoursForMinutes,
  parsePolicyRules,
  pointsForMinutes,
  serializePolicyRules,
} from "./policy";

function errorsOf(input: unknown) {
  const result = parsePolicyRules(input);
  if (result.ok) throw new Error("expected the policy to be refused");
  return result.errors;
}

describe("the default policy", () => {
  it("is what an empty policy parses to, with the national numbers", () => {
    expect(CreditPolicyRulesSchema.parse({})).toEqual(DEFAULT_POLICY_RULES);
    expect(DEFAULT_POLICY_RULES).toMatchObject({
      requiredPoints: 5600,
      minInPersonPoints: 1600,
      onlineCapPoints: 2800,
      pointsPerHour: 100,
      minCompetencies: 3,
      rolloverCapPoints: 1000,
      maxAbsenceFraction: { numerator: 1, denominator: 7 },
      adjustmentApprovalThreshold: 800,
    });
  });

  it("cannot be changed by accident", () => {
    expect(() => {
      (DEFAULT_POLICY_RULES as { requiredPoints: number }).requiredPoints = 1;
    }).toThrow();
    expect(() => {
      (DEFAULT_POLICY_RULES.hourRules as unknown[]).push({ minMinutes: 5, hours: 0.25 });
    }).toThrow();
  });

  it("round-trips through its stored JSON form, filling fields added later", () => {
    const stored = serializePolicyRules({ ...DEFAULT_POLICY_RULES, requiredPoints: 9000 });
    const back = parsePolicyRules(stored);
    expect(back).toEqual({ ok: true, rules: { ...DEFAULT_POLICY_RULES, requiredPoints: 9000 } });
    expect(parsePolicyRules('{"requiredPoints": 4000}')).toMatchObject({ ok: true, rules: { requiredPoints: 4000, onlineCapPoints: 2800 } });
  });
});

describe("study hours and points for a course's minutes", () => {
  it.each([
    [0, 0],
    [10, 0],
    [14, 0],
    [15, 0.5],
    [29, 0.5],
    [30, 1],
    [59, 1],
    [60, 1],
    [74, 1],
    [75, 1.5],
    [90, 2],
    [180, 3],
    [200, 3.5], // 3 h 20 min
    [-5, 0],
  ])("%i minutes = %d study hours", (minutes, hours) => {
    expect(hoursForMinutes(minutes, DEFAULT_POLICY_RULES)).toBe(hours);
  });

  it("turns hours into centipoints at the policy's rate", () => {
    expect(pointsForMinutes(20, DEFAULT_POLICY_RULES)).toBe(50);
    expect(pointsForMinutes(90, DEFAULT_POLICY_RULES)).toBe(200);
    expect(pointsForMinutes(360, DEFAULT_POLICY_RULES)).toBe(600);
    // 1.5 points per hour: 20 min = 0.5 h = 75 centipoints; 45-minute hours: 100 min = 2 h + 10 min (0).
    expect(pointsForMinutes(20, { ...DEFAULT_POLICY_RULES, pointsPerHour: 150 })).toBe(75);
    expect(hoursForMinutes(100, { ...DEFAULT_POLICY_RULES, minutesPerHour: 45 })).toBe(2);
  });
});

describe("the absence limit", () => {
  it("allows exactly one seventh, not a session more", () => {
    expect(absenceWithinLimit(1, 7, DEFAULT_POLICY_RULES)).toBe(true);
    expect(absenceWithinLimit(2, 14, DEFAULT_POLICY_RULES)).toBe(true);
    expect(absenceWithinLimit(2, 13, DEFAULT_POLICY_RULES)).toBe(false);
    expect(absenceWithinLimit(1, 4, DEFAULT_POLICY_RULES)).toBe(false);
    expect(absenceWithinLimit(0, 4, DEFAULT_POLICY_RULES)).toBe(true);
    // 60 of 420 minutes is exactly 1/7; 61 is over.
    expect(absenceWithinLimit(60, 420, DEFAULT_POLICY_RULES)).toBe(true);
    expect(absenceWithinLimit(61, 420, DEFAULT_POLICY_RULES)).toBe(false);
  });
});

describe("self-contradicting policies are refused with message keys", () => {
  it("a minimum in-person above the requirement", () => {
    expect(errorsOf({ requiredPoints: 5600, minInPersonPoints: 6000 })).toEqual([
      { path: "minInPersonPoints", key: "policy.errors.minAboveRequired" },
    ]);
  });

  it("negative caps and fractional centipoints", () => {
    expect(errorsOf({ onlineCapPoints: -1 })).toEqual([{ path: "onlineCapPoints", key: "policy.errors.negative" }]);
    expect(errorsOf({ requiredPoints: 5600.5 })).toEqual([{ path: "requiredPoints", key: "policy.errors.notInteger" }]);
    expect(errorsOf({ pointsPerHour: 0 })).toEqual([{ path: "pointsPerHour", key: "policy.errors.notPositive" }]);
    expect(errorsOf({ requiredPoints: "56" })).toEqual([{ path: "requiredPoints", key: "policy.errors.notInteger" }]);
  });

  it("a rollover larger than a whole year's requirement", () => {
    expect(errorsOf({ requiredPoints: 3000, minInPersonPoints: 0, rolloverCapPoints: 3001 })).toEqual([
      { path: "rolloverCapPoints", key: "policy.errors.rolloverAboveRequired" },
    ]);
  });

  it("more than everything absent", () => {
    expect(errorsOf({ maxAbsenceFraction: { numerator: 8, denominator: 7 } })).toEqual([
      { path: "maxAbsenceFraction", key: "policy.errors.absenceFraction" },
    ]);
    expect(errorsOf({ maxAbsenceFraction: { numerator: 1, denominator: 0 } })).toEqual([
      { path: "maxAbsenceFraction.denominator", key: "policy.errors.notPositive" },
    ]);
  });

  it("hour rules that contradict each other or the hour", () => {
    expect(errorsOf({ hourRules: [] })).toEqual([{ path: "hourRules", key: "policy.errors.hourRulesEmpty" }]);
    expect(errorsOf({ hourRules: [{ minMinutes: 30, hours: 1 }, { minMinutes: 30, hours: 0.5 }] })).toContainEqual({
      path: "hourRules.1.minMinutes",
      key: "policy.errors.hourRuleDuplicate",
    });
    expect(errorsOf({ hourRules: [{ minMinutes: 60, hours: 1 }] })).toEqual([
      { path: "hourRules.0.minMinutes", key: "policy.errors.hourRuleBeyondHour" },
    ]);
    expect(errorsOf({ hourRules: [{ minMinutes: 30, hours: 1.5 }] })).toEqual([
      { path: "hourRules.0.hours", key: "policy.errors.hourRuleAboveOneHour" },
    ]);
    expect(errorsOf({ hourRules: [{ minMinutes: 30, hours: 0.3 }] })).toEqual([
      { path: "hourRules.0.hours", key: "policy.errors.hourRuleStep" },
    ]);
    // 30 minutes would earn less than 15: leaving early would pay.
    expect(errorsOf({ hourRules: [{ minMinutes: 30, hours: 0.5 }, { minMinutes: 15, hours: 1 }] })).toEqual([
      { path: "hourRules.0.hours", key: "policy.errors.hourRuleNotMonotonic" },
    ]);
  });

  it("text that is not JSON", () => {
    expect(errorsOf("{requiredPoints: 56")).toEqual([{ path: "", key: "policy.errors.invalidJson" }]);
  });

  it("reports every problem at once", () => {
    const keys = errorsOf({ requiredPoints: 1000, minInPersonPoints: 2000, rolloverCapPoints: 1500 }).map((e) => e.key);
    expect(keys).toEqual(["policy.errors.minAboveRequired", "policy.errors.rolloverAboveRequired"]);
  });
});
