import { describe, expect, it } from "vitest";
import { applyIntent, checkDraft, draftFromDocument, draftFromForm, draftWeightSum, type RubricDraft } from "./rubric-editor";

const CODES = ["political", "residents"];

function draft(): RubricDraft {
  return {
    name: "项目评分",
    criteria: [
      { title: "背景", description: "", competency: "political", weight: "60", levels: [{ label: "好", descriptor: "清楚", points: "100" }, { label: "差", descriptor: "", points: "40" }] },
      { title: "设计", description: "d", competency: "residents", weight: "40", levels: [{ label: "A", descriptor: "", points: "90" }, { label: "B", descriptor: "", points: "50" }, { label: "C", descriptor: "", points: "10" }] },
    ],
  };
}

function asForm(d: RubricDraft): FormData {
  const form = new FormData();
  form.set("name", d.name);
  d.criteria.forEach((c, i) => {
    for (const key of ["title", "description", "competency", "weight"] as const) form.set(`c.${i}.${key}`, c[key]);
    c.levels.forEach((l, j) => {
      for (const key of ["label", "descriptor", "points"] as const) form.set(`c.${i}.l.${j}.${key}`, l[key]);
    });
  });
  return form;
}

describe("the rubric editor's draft", () => {
  it("reads back from the posted fields exactly as it was written", () => {
    expect(draftFromForm(asForm(draft()))).toEqual(draft());
  });

  it("adds, moves and removes criteria and levels without losing what was typed", () => {
    const added = applyIntent(draft(), "criterion.add", "residents")!;
    expect(added.criteria).toHaveLength(3);
    expect(added.criteria[2]).toMatchObject({ title: "", competency: "residents", weight: "" });
    expect(added.criteria[2].levels).toHaveLength(2);

    expect(applyIntent(draft(), "criterion.up.1", "x")!.criteria.map((c) => c.title)).toEqual(["设计", "背景"]);
    expect(applyIntent(draft(), "criterion.down.0", "x")!.criteria.map((c) => c.title)).toEqual(["设计", "背景"]);
    expect(applyIntent(draft(), "criterion.remove.0", "x")!.criteria.map((c) => c.title)).toEqual(["设计"]);

    expect(applyIntent(draft(), "level.add.1", "x")!.criteria[1].levels.map((l) => l.label)).toEqual(["A", "B", "C", ""]);
    expect(applyIntent(draft(), "level.up.1.2", "x")!.criteria[1].levels.map((l) => l.label)).toEqual(["A", "C", "B"]);
    expect(applyIntent(draft(), "level.down.1.0", "x")!.criteria[1].levels.map((l) => l.label)).toEqual(["B", "A", "C"]);
    expect(applyIntent(draft(), "level.remove.0.0", "x")!.criteria[0].levels.map((l) => l.label)).toEqual(["差"]);
    // The untouched criterion is the same object's content.
    expect(applyIntent(draft(), "level.remove.0.0", "x")!.criteria[1]).toEqual(draft().criteria[1]);
  });

  it("refuses intents that point at nothing or go past an end", () => {
    for (const intent of ["criterion.up.0", "criterion.down.1", "criterion.remove.5", "level.up.0.0", "level.down.1.2", "level.remove.0.9", "level.add.7", "criterion.fly.0", "drop table"]) {
      expect(applyIntent(draft(), intent, "x"), intent).toBeNull();
    }
    const full: RubricDraft = { name: "n", criteria: Array.from({ length: 20 }, () => draft().criteria[0]) };
    expect(applyIntent(full, "criterion.add", "x")).toBeNull();
  });

  it("validates into a rubric document when every rule holds", () => {
    const checked = checkDraft(draft(), CODES);
    expect(checked).toEqual({
      ok: true,
      rubric: {
        name: "项目评分",
        criteria: [
          { title: "背景", description: "", competency: "political", weight: 60, levels: [{ label: "好", descriptor: "清楚", points: 100 }, { label: "差", descriptor: "", points: 40 }] },
          { title: "设计", description: "d", competency: "residents", weight: 40, levels: [{ label: "A", descriptor: "", points: 90 }, { label: "B", descriptor: "", points: 50 }, { label: "C", descriptor: "", points: 10 }] },
        ],
      },
    });
    if (checked.ok) expect(draftFromDocument(checked.rubric)).toEqual(draft());
  });

  it("reports each broken rule at its field", () => {
    const bad = draft();
    bad.name = " ";
    bad.criteria[0].weight = "0";
    bad.criteria[0].competency = "unknown";
    bad.criteria[0].levels = [{ label: "只有一个", descriptor: "", points: "100" }];
    bad.criteria[1].levels[1].points = "90";
    bad.criteria[1].levels[2].points = "101";
    bad.criteria[1].levels[0].label = "";
    const checked = checkDraft(bad, CODES);
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(Object.keys(checked.fieldErrors).sort()).toEqual(["c.0.competency", "c.0.levels", "c.0.weight", "c.1.l.0.label", "c.1.l.1.points", "c.1.l.2.points", "name"]);
    expect(checked.fieldErrors["c.0.weight"]).toBe("grading.editor.errors.weight");
    expect(checked.fieldErrors["c.1.l.1.points"]).toBe('grading.editor.errors.samePoints|{"points":90}');
    expect(checked.fieldErrors["c.1.l.2.points"]).toBe("grading.editor.errors.points");
  });

  it("needs the weights to add up to 100 and at least one criterion", () => {
    const off = draft();
    off.criteria[1].weight = "30";
    expect(checkDraft(off, CODES)).toEqual({ ok: false, fieldErrors: {}, formError: 'grading.rubric.errors.weightsSum|{"sum":90}' });
    expect(draftWeightSum(off)).toBe(90);
    off.criteria[1].weight = "abc";
    expect(draftWeightSum(off)).toBeNull();
    expect(checkDraft({ name: "n", criteria: [] }, CODES)).toMatchObject({ ok: false, formError: "grading.rubric.errors.noCriteria" });
  });
});
