import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY_RULES } from "./policy";
import { computeCreditStatus } from "./status";

const rules = DEFAULT_POLICY_RULES; // 56 points, 16 in person, online cap 28, 3 competencies, rollover cap 10

describe("computeCreditStatus", () => {
  it("caps online points, keeps them as earned, and carries the capped surplus", () => {
    const status = computeCreditStatus(rules, {
      byCategory: { in_person: 3000, online: 3500, external: 400, adjustment: -200 },
      byCompetency: { 1: 2500, 2: 2000, 3: 2200, 4: 0, 5: -100 },
    });
    // earned 30 + 35 + 4 − 2 = 67; online over the cap 35 − 28 = 7; counted 60.
    expect(status).toEqual({
      earned: 6700,
      counted: 6000,
      required: 5600,
      met: true,
      byCategory: { in_person: 3000, online: 3500, camp: 0, external: 400, adjustment: -200 },
      byCompetency: { 1: 2500, 2: 2000, 3: 2200, 4: 0, 5: -100 },
      competenciesCovered: 3,
      inPerson: 3000,
      onlineExcluded: 700,
      rolloverIn: 0,
      surplus: 400,
      rolloverOut: 400,
      reasons: [],
      notes: [{ key: "credits.status.onlineCapped", params: { online: 3500, cap: 2800, excluded: 700 } }],
    });
  });

  it("explains every unmet condition with its figures, in a fixed order", () => {
    const status = computeCreditStatus(rules, {
      byCategory: { in_person: 1000, online: 4000 },
      byCompetency: { 1: 3000, 2: 2000 },
      rolloverIn: 500,
    });
    // counted = 10 + 28 (capped) + 5 rollover = 43; in person 10 of 16; 2 of 3 competencies.
    expect(status.earned).toBe(5000);
    expect(status.counted).toBe(4300);
    expect(status.met).toBe(false);
    expect(status.reasons).toEqual([
      { key: "credits.status.pointsShort", params: { counted: 4300, required: 5600, short: 1300 } },
      { key: "credits.status.inPersonShort", params: { inPerson: 1000, minInPerson: 1600, short: 600 } },
      { key: "credits.status.competenciesShort", params: { covered: 2, minCompetencies: 3, short: 1 } },
    ]);
    expect(status.surplus).toBe(0);
    expect(status.rolloverOut).toBe(0);
    expect(status.notes).toEqual([
      { key: "credits.status.onlineCapped", params: { online: 4000, cap: 2800, excluded: 1200 } },
      { key: "credits.status.rolloverApplied", params: { rolloverIn: 500 } },
    ]);
  });

  it("counts camp as in person, and misses only the in-person minimum when that is all that is short", () => {
    const status = computeCreditStatus(rules, {
      byCategory: { camp: 1000, in_person: 500, online: 2800, external: 1400 },
      byCompetency: { 1: 1, 2: 1, 3: 1 },
    });
    expect(status.counted).toBe(5700);
    expect(status.inPerson).toBe(1500);
    expect(status.reasons).toEqual([
      { key: "credits.status.inPersonShort", params: { inPerson: 1500, minInPerson: 1600, short: 100 } },
    ]);
  });

  it("caps what carries over, and never carries carried-in points again", () => {
    const status = computeCreditStatus(rules, {
      byCategory: { in_person: 9000 },
      byCompetency: { 1: 3000, 2: 3000, 3: 3000 },
      rolloverIn: 800,
    });
    expect(status.counted).toBe(9800);
    expect(status.surplus).toBe(3400); // 90 − 56: own points only
    expect(status.rolloverOut).toBe(1000);
  });

  it("lets rollover close the gap in total points, but not the in-person minimum", () => {
    const met = computeCreditStatus(rules, {
      byCategory: { in_person: 5000 },
      byCompetency: { 1: 2000, 2: 2000, 3: 1000 },
      rolloverIn: 600,
    });
    expect(met.counted).toBe(5600);
    expect(met.met).toBe(true);
    expect(met.surplus).toBe(0);

    const notMet = computeCreditStatus(rules, {
      byCategory: { online: 2800, external: 2200 },
      byCompetency: { 1: 2000, 2: 2000, 3: 1000 },
      rolloverIn: 600,
    });
    expect(notMet.counted).toBe(5600);
    expect(notMet.reasons).toEqual([
      { key: "credits.status.inPersonShort", params: { inPerson: 0, minInPerson: 1600, short: 1600 } },
    ]);
  });

  it("treats a negative rollover as none and an empty year as entirely short", () => {
    const status = computeCreditStatus(rules, { byCategory: {}, byCompetency: {}, rolloverIn: -300 });
    expect(status.earned).toBe(0);
    expect(status.counted).toBe(0);
    expect(status.rolloverIn).toBe(0);
    expect(status.reasons.map((r) => r.params)).toEqual([
      { counted: 0, required: 5600, short: 5600 },
      { inPerson: 0, minInPerson: 1600, short: 1600 },
      { covered: 0, minCompetencies: 3, short: 3 },
    ]);
  });

  it("follows the policy it is given", () => {
    const lenient = { ...rules, requiredPoints: 3000, minInPersonPoints: 0, onlineCapPoints: 0, minCompetencies: 0, rolloverCapPoints: 0 };
    const status = computeCreditStatus(lenient, { byCategory: { online: 1000, external: 3500 }, byCompetency: {} });
    expect(status.counted).toBe(3500);
    expect(status.onlineExcluded).toBe(1000);
    expect(status.met).toBe(true);
    expect(status.surplus).toBe(500);
    expect(status.rolloverOut).toBe(0);
  });
});
