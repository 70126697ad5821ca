import { describe, expect, it } from "vitest";
import { applyIntent, checkDraft, draftFromDocument, draftFromForm, draftWeightSum, type DraftLevel, type RubricDraft } from "./rubric-editor";
import { RUBRIC_LIMITS } from "./rubric-format";

const CODES = ["political", "residents"];

const level = (label: string, points: string, descriptor = "", en: { labelEn?: string; descriptorEn?: string } = {}): DraftLevel => ({
  label,
  labelEn: en.labelEn ?? "",
  descriptor,
  descriptorEn: en.descriptorEn ?? "",
  points,
});

function draft(): RubricDraft {
  return {
    name: "项目评分",
    criteria: [
      {
        title: "背景",
        titleEn: "Background",
        description: "",
        descriptionEn: "",
        competency: "political",
        origin: "political",
        weight: "60",
        levels: [level("好", "100", "清楚", { labelEn: "Good", descriptorEn: "Clear" }), level("差", "40")],
      },
      { title: "设计", titleEn: "", description: "d", descriptionEn: "Design", competency: "residents", origin: "", weight: "40", levels: [level("A", "90"), level("B", "50"), level("C", "10")] },
    ],
  };
}

function asForm(d: RubricDraft): FormData {
  const form = new FormData();
  form.set("name", d.name);
  d.criteria.forEach((c, i) => {
    for (const key of ["title", "titleEn", "description", "descriptionEn", "competency", "origin", "weight"] as const) form.set(`c.${i}.${key}`, c[key]);
    c.levels.forEach((l, j) => {
      for (const key of ["label", "labelEn", "descriptor", "descriptorEn", "points"] as const) form.set(`c.${i}.l.${j}.${key}`, l[key]);
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
    expect(added.criteria[2]).toMatchObject({ title: "", titleEn: "", competency: "residents", origin: "", weight: "" });
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
          {
            title: "背景",
            titleEn: "Background",
            description: "",
            descriptionEn: "",
            competency: "political",
            weight: 60,
            levels: [
              { label: "好", labelEn: "Good", descriptor: "清楚", descriptorEn: "Clear", points: 100 },
              { label: "差", labelEn: "", descriptor: "", descriptorEn: "", points: 40 },
            ],
          },
          {
            title: "设计",
            titleEn: "",
            description: "d",
            descriptionEn: "Design",
            competency: "residents",
            weight: 40,
            levels: [
              { label: "A", labelEn: "", descriptor: "", descriptorEn: "", points: 90 },
              { label: "B", labelEn: "", descriptor: "", descriptorEn: "", points: 50 },
              { label: "C", labelEn: "", descriptor: "", descriptorEn: "", points: 10 },
            ],
          },
        ],
      },
    });
    // Loaded again, every criterion's origin is the competency it was saved with.
    const reloaded = draft();
    reloaded.criteria[1].origin = "residents";
    if (checked.ok) expect(draftFromDocument(checked.rubric)).toEqual(reloaded);
  });

  it("reports each broken rule at its field", () => {
    const bad = draft();
    bad.name = " ";
    bad.criteria[0].weight = "0";
    bad.criteria[0].competency = "unknown";
    bad.criteria[0].levels = [level("只有一个", "100")];
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

describe("the editor's English texts", () => {
  it("are optional, trimmed, and held to the Chinese fields' limits", () => {
    const d = draft();
    d.criteria[0].titleEn = "  Background  ";
    const checked = checkDraft(d, CODES);
    expect(checked.ok && checked.rubric.criteria[0].titleEn).toBe("Background");

    const long = draft();
    long.criteria[0].titleEn = "x".repeat(RUBRIC_LIMITS.titleLength + 1);
    long.criteria[0].descriptionEn = "x".repeat(RUBRIC_LIMITS.descriptionLength + 1);
    long.criteria[1].levels[0].labelEn = "x".repeat(RUBRIC_LIMITS.labelLength + 1);
    long.criteria[1].levels[1].descriptorEn = "x".repeat(RUBRIC_LIMITS.descriptorLength + 1);
    const refused = checkDraft(long, CODES);
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.fieldErrors).toEqual({
      "c.0.titleEn": `errors.tooLong|{"max":${RUBRIC_LIMITS.titleLength}}`,
      "c.0.descriptionEn": `errors.tooLong|{"max":${RUBRIC_LIMITS.descriptionLength}}`,
      "c.1.l.0.labelEn": `errors.tooLong|{"max":${RUBRIC_LIMITS.labelLength}}`,
      "c.1.l.1.descriptorEn": `errors.tooLong|{"max":${RUBRIC_LIMITS.descriptorLength}}`,
    });
  });

  it("travel with their criterion and level when moved, and a form without them (an old page) reads as empty", () => {
    const moved = applyIntent(draft(), "criterion.down.0", "x")!;
    expect(moved.criteria[1]).toMatchObject({ titleEn: "Background", origin: "political" });
    const form = asForm(draft());
    for (const name of ["c.0.titleEn", "c.0.l.0.labelEn", "c.0.l.0.descriptorEn", "c.1.descriptionEn", "c.0.origin"]) form.delete(name);
    const read = draftFromForm(form);
    expect(read.criteria[0]).toMatchObject({ titleEn: "", origin: "" });
    expect(read.criteria[0].levels[0]).toMatchObject({ labelEn: "", descriptorEn: "", label: "好" });
  });
});

describe("a competency outside the active framework", () => {
  // "retired" was the competency of the saved rubric's criterion 0; the active framework lacks it.
  const ACTIVE = ["political", "residents"];
  const KEPT = ["retired", "retired2"];
  const withRetired = () => {
    const d = draft();
    d.criteria[0].competency = "retired";
    d.criteria[0].origin = "retired";
    return d;
  };

  it("is kept on save by the criterion that already assesses it", () => {
    const checked = checkDraft(withRetired(), ACTIVE, KEPT);
    expect(checked.ok && checked.rubric.criteria.map((c) => c.competency)).toEqual(["retired", "residents"]);
    // Also after a move: the origin travels with the criterion.
    expect(checkDraft(applyIntent(withRetired(), "criterion.down.0", "political")!, ACTIVE, KEPT).ok).toBe(true);
  });

  it("may be left for an active one, and chosen back", () => {
    const d = withRetired();
    d.criteria[0].competency = "residents";
    expect(checkDraft(d, ACTIVE, KEPT).ok).toBe(true);
    d.criteria[0].competency = "retired";
    expect(checkDraft(d, ACTIVE, KEPT).ok).toBe(true);
  });

  it("is refused to a new criterion, and to a criterion that assessed another competency", () => {
    const added = applyIntent(withRetired(), "criterion.add", "political")!;
    added.criteria[2] = { ...added.criteria[2], title: "新", weight: "10", competency: "retired", levels: [level("x", "100"), level("y", "0")] };
    added.criteria[1].weight = "30";
    const refused = checkDraft(added, ACTIVE, KEPT);
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.fieldErrors).toEqual({ "c.2.competency": "grading.editor.errors.inactiveCompetency" });

    const switched = withRetired();
    switched.criteria[1].competency = "retired2"; // criterion 1 assessed "residents"
    expect(checkDraft(switched, ACTIVE, KEPT)).toMatchObject({ ok: false, fieldErrors: { "c.1.competency": "grading.editor.errors.inactiveCompetency" } });
  });

  it("is refused when the saved rubric does not use it, whatever the form claims as origin", () => {
    expect(checkDraft(withRetired(), ACTIVE, [])).toMatchObject({ ok: false, fieldErrors: { "c.0.competency": "errors.invalidChoice" } });
    const forged = draft();
    forged.criteria[1].competency = "someone-elses";
    forged.criteria[1].origin = "someone-elses";
    expect(checkDraft(forged, ACTIVE, KEPT)).toMatchObject({ ok: false, fieldErrors: { "c.1.competency": "errors.invalidChoice" } });
  });
});
