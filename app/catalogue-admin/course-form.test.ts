import { describe, expect, it } from "vitest";
import { COURSE_MODES } from "~/catalogue/filters.server";
import {
  centipointsToPoints,
  COURSE_MODE_VALUES,
  courseFormValues,
  parseCreateCourseForm,
  parseUpdateCourseForm,
  pointsToCentipoints,
} from "./course-form";

function form(fields: Record<string, string | string[]>) {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) data.append(key, v);
  }
  return data;
}

const valid = {
  code: " cn-l2-11 ",
  titleZh: "测试课程",
  titleEn: "Test course",
  summaryZh: "",
  summaryEn: "",
  levelId: "2",
  mode: "in_person",
  durationMinutes: "180",
  creditPoints: "1.5",
  "w.1": "60",
  "w.2": "40",
  "w.3": "",
};

describe("points", () => {
  it("reads points with up to two decimals as centipoints, exactly", () => {
    expect(pointsToCentipoints("3")).toBe(300);
    expect(pointsToCentipoints("3.5")).toBe(350);
    expect(pointsToCentipoints("0.07")).toBe(7);
    expect(pointsToCentipoints(" 12.25 ")).toBe(1225);
    expect(pointsToCentipoints("0")).toBe(0);
  });
  it("refuses more decimals, signs, commas and words", () => {
    for (const bad of ["3.125", "-1", "1,5", "abc", "", "1e2", ".5", "3."]) expect(pointsToCentipoints(bad)).toBeNull();
  });
  it("shows centipoints as the shortest points text", () => {
    expect(centipointsToPoints(300)).toBe("3");
    expect(centipointsToPoints(350)).toBe("3.5");
    expect(centipointsToPoints(325)).toBe("3.25");
    expect(centipointsToPoints(7)).toBe("0.07");
    for (const cp of [0, 1, 10, 99, 100, 1234, 100_000]) expect(pointsToCentipoints(centipointsToPoints(cp))).toBe(cp);
  });
});

describe("the course form", () => {
  it("keeps the same modes as the catalogue", () => {
    expect([...COURSE_MODE_VALUES]).toEqual([...COURSE_MODES]);
  });

  it("parses a valid form: code upper-cased, points in centipoints, empty weights dropped", () => {
    const parsed = parseCreateCourseForm(form({ ...valid, prerequisiteIds: ["7", "9", "7"], hasAssessment: "on" }));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.data).toMatchObject({
      code: "CN-L2-11",
      creditPoints: 150,
      durationMinutes: 180,
      levelId: 2,
      hasAssessment: true,
      weights: [
        { competencyId: 1, weight: 60 },
        { competencyId: 2, weight: 40 },
      ],
      prerequisiteIds: [7, 9],
    });
  });

  it("refuses weights that do not add up to 100, and no weights at all", () => {
    const off = parseCreateCourseForm(form({ ...valid, "w.2": "30" }));
    expect(off).toMatchObject({ ok: false, fieldErrors: { weights: 'manage.errors.weightsSum|{"sum":90}' } });
    const none = parseCreateCourseForm(form({ ...valid, "w.1": "0", "w.2": "" }));
    expect(none).toMatchObject({ ok: false, fieldErrors: { weights: "manage.errors.weightsEmpty" } });
  });

  it("puts a bad weight box's error on that box", () => {
    const parsed = parseCreateCourseForm(form({ ...valid, "w.2": "40.5" }));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.fieldErrors["w.2"]).toBe("errors.invalidNumber");
  });

  it("refuses a malformed code, bad points and a duration out of range", () => {
    const parsed = parseCreateCourseForm(form({ ...valid, code: "CN-2-3", creditPoints: "1.234", durationMinutes: "0" }));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.fieldErrors.code).toBe("manage.errors.courseCode");
    expect(parsed.fieldErrors.creditPoints).toMatch(/^manage\.errors\.points/);
    expect(parsed.fieldErrors.durationMinutes).toMatch(/^manage\.errors\.range/);
  });

  it("needs the version on an edit, and ignores a smuggled code", () => {
    expect(parseUpdateCourseForm(form(valid))).toMatchObject({ ok: false });
    const parsed = parseUpdateCourseForm(form({ ...valid, version: "3" }));
    expect(parsed.ok).toBe(true);
    if (parsed.ok) {
      expect(parsed.data.version).toBe(3);
      expect("code" in parsed.data).toBe(false);
    }
  });

  it("gives back what was typed, to re-show after a refusal", () => {
    const values = courseFormValues(form({ ...valid, prerequisiteIds: ["7"], hasAssessment: "on" }));
    expect(values).toMatchObject({ code: " cn-l2-11 ", creditPoints: "1.5", weights: { 1: "60", 2: "40", 3: "" }, prerequisiteIds: ["7"], hasAssessment: true });
  });
});
