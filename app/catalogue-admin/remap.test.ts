import { describe, expect, it } from "vitest";
import { findPrerequisiteCycle, planRemap, rescaleTo100 } from "./remap";

describe("rescaleTo100", () => {
  it("keeps proportions and always adds up to exactly 100", () => {
    expect(rescaleTo100([{ competencyId: 1, weight: 60 }]).map((w) => w.weight)).toEqual([100]);
    expect(rescaleTo100([{ competencyId: 1, weight: 30 }, { competencyId: 2, weight: 30 }]).map((w) => w.weight)).toEqual([50, 50]);
    const three = rescaleTo100([
      { competencyId: 1, weight: 30 },
      { competencyId: 2, weight: 30 },
      { competencyId: 3, weight: 30 },
    ]);
    expect(three.map((w) => w.weight)).toEqual([34, 33, 33]);
    for (const weights of [[1, 1, 1, 1, 1, 1, 1], [17, 3], [99, 1, 1], [5]]) {
      const out = rescaleTo100(weights.map((weight, i) => ({ competencyId: i, weight })));
      expect(out.reduce((s, w) => s + w.weight, 0)).toBe(100);
    }
  });
});

describe("planRemap", () => {
  const rows = [
    { courseId: 1, competencyId: 11, code: "political", weight: 50 },
    { courseId: 1, competencyId: 12, code: "law", weight: 50 },
    { courseId: 2, competencyId: 12, code: "law", weight: 100 },
    { courseId: 3, competencyId: 11, code: "political", weight: 70 },
    { courseId: 3, competencyId: 13, code: "residents", weight: 30 },
  ];
  const next = new Map([
    ["political", 21],
    ["residents", 23],
  ]);

  it("moves weights by code, rescales what is left, and keeps a course that lost everything", () => {
    const plans = planRemap(rows, next);
    expect(plans).toEqual([
      { courseId: 1, from: rows.slice(0, 2), to: [{ competencyId: 21, weight: 100 }], lostCodes: ["law"], keptRetired: false },
      { courseId: 2, from: [rows[2]], to: [], lostCodes: ["law"], keptRetired: true },
      {
        courseId: 3,
        from: rows.slice(3),
        to: [
          { competencyId: 21, weight: 70 },
          { competencyId: 23, weight: 30 },
        ],
        lostCodes: [],
        keptRetired: false,
      },
    ]);
  });
});

describe("findPrerequisiteCycle", () => {
  // 2 requires 1, 3 requires 2.
  const edges = [
    { courseId: 2, requiredCourseId: 1 },
    { courseId: 3, requiredCourseId: 2 },
  ];
  it("finds a loop through other courses and names it", () => {
    expect(findPrerequisiteCycle(1, [3], edges)).toEqual([1, 3, 2, 1]);
    expect(findPrerequisiteCycle(1, [2], edges)).toEqual([1, 2, 1]);
  });
  it("refuses the course itself", () => {
    expect(findPrerequisiteCycle(1, [1], edges)).toEqual([1, 1]);
  });
  it("allows chains and diamonds, and ignores the course's own edges being replaced", () => {
    expect(findPrerequisiteCycle(4, [3, 2, 1], edges)).toBeNull();
    expect(findPrerequisiteCycle(3, [1], edges)).toBeNull();
    expect(findPrerequisiteCycle(2, [1], [...edges, { courseId: 1, requiredCourseId: 2 }].filter((e) => e.courseId !== 1))).toBeNull();
  });
});
