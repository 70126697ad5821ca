import { describe, expect, it } from "vitest";
import { diffCourseSnapshots, readCourseSnapshot, type CourseSnapshot } from "./history";

const base: CourseSnapshot = {
  code: "CN-L1-01",
  titleZh: "入门",
  titleEn: "Basics",
  summaryZh: "",
  summaryEn: "",
  levelId: 1,
  levelCode: "new",
  mode: "in_person",
  durationMinutes: 360,
  creditPoints: 600,
  hasAssessment: false,
  archived: false,
  version: 1,
  weights: [
    { competencyId: 1, code: "political", weight: 50 },
    { competencyId: 2, code: "law", weight: 50 },
  ],
  prerequisites: [{ id: 9, code: "CN-L0-01" }],
};

describe("diffCourseSnapshots", () => {
  it("lists nothing for the same content at another version", () => {
    expect(diffCourseSnapshots(base, { ...base, version: 2 })).toEqual([]);
  });

  it("lists each changed field with before and after", () => {
    const after: CourseSnapshot = {
      ...base,
      titleEn: "Getting started",
      levelId: 2,
      levelCode: "core",
      creditPoints: 650,
      weights: [
        { competencyId: 1, code: "political", weight: 70 },
        { competencyId: 3, code: "residents", weight: 30 },
      ],
      prerequisites: [{ id: 8, code: "CN-L0-02" }],
      archived: true,
    };
    expect(diffCourseSnapshots(base, after)).toEqual([
      { field: "titleEn", before: "Basics", after: "Getting started" },
      { field: "level", before: { id: 1, code: "new" }, after: { id: 2, code: "core" } },
      { field: "creditPoints", before: 600, after: 650 },
      {
        field: "weights",
        changes: [
          { competencyId: 1, code: "political", before: 50, after: 70 },
          { competencyId: 2, code: "law", before: 50, after: null },
          { competencyId: 3, code: "residents", before: null, after: 30 },
        ],
      },
      { field: "prerequisites", added: ["CN-L0-02"], removed: ["CN-L0-01"] },
      { field: "archived", before: false, after: true },
    ]);
  });

  it("lists what a creation set", () => {
    const fields = diffCourseSnapshots(null, base).map((c) => c.field);
    expect(fields).toEqual(["code", "titleZh", "titleEn", "level", "mode", "durationMinutes", "creditPoints", "hasAssessment", "weights", "prerequisites"]);
  });
});

describe("a framework publish in the history", () => {
  it("shows a weight that moved to the new version's competency with the same code as one change", () => {
    const after: CourseSnapshot = {
      ...base,
      version: 2,
      weights: [{ competencyId: 11, code: "political", weight: 100 }],
    };
    expect(diffCourseSnapshots(base, after)).toEqual([
      {
        field: "weights",
        changes: [
          { competencyId: 2, code: "law", before: 50, after: null },
          { competencyId: 11, code: "political", before: 50, after: 100, fromCompetencyId: 1 },
        ],
      },
    ]);
  });
});

describe("readCourseSnapshot", () => {
  it("reads what was written and nothing else", () => {
    expect(readCourseSnapshot(JSON.stringify(base))).toEqual(base);
    expect(readCourseSnapshot(null)).toBeNull();
    expect(readCourseSnapshot("{not json")).toBeNull();
    expect(readCourseSnapshot(JSON.stringify({ code: "X" }))).toBeNull();
  });
});
