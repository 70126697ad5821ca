// The rubric editor's working copy, client-safe. The editor is one plain form (it works
// without JavaScript): every criterion and level is a set of indexed fields, and each button
// posts the whole form with an intent ("criterion.add", "level.up.1.2", "save"). Structural
// intents return the edited draft for the page to show again — nothing is written until
// "save", which validates the whole draft and replaces the camp's rubric in one transaction.
//
// Field names: name; c.<i>.title, c.<i>.titleEn, c.<i>.description, c.<i>.descriptionEn,
// c.<i>.competency, c.<i>.origin (hidden), c.<i>.weight; c.<i>.l.<j>.label, c.<i>.l.<j>.labelEn,
// c.<i>.l.<j>.descriptor, c.<i>.l.<j>.descriptorEn, c.<i>.l.<j>.points. Figures stay strings
// in the draft so what the person typed (even "abc") is shown back with its error. The English
// texts are optional ("" = English readers see the Chinese), with the Chinese fields' limits.
//
// Competencies: a criterion normally assesses a competency of the active framework. One saved
// while another framework was active may assess a competency the active framework no longer
// has (its code was removed). `origin` carries the code the criterion had in the saved rubric
// ("" for a criterion added in the editor) so that such a criterion keeps its competency —
// offered in the drop-down, accepted on save — while a new criterion may pick only an active
// one. Nothing ever switches a criterion's competency without the person choosing it.
import { msg, type FieldErrors } from "~/utils/forms";
import { RUBRIC_LIMITS, type RubricDocument } from "./rubric-format";

export type DraftLevel = { label: string; labelEn: string; descriptor: string; descriptorEn: string; points: string };
export type DraftCriterion = {
  title: string;
  titleEn: string;
  description: string;
  descriptionEn: string;
  competency: string;
  /** The competency code of this criterion in the saved rubric; "" for a criterion added since. */
  origin: string;
  weight: string;
  levels: DraftLevel[];
};
export type RubricDraft = { name: string; criteria: DraftCriterion[] };

const blankLevel = (points: number): DraftLevel => ({ label: "", labelEn: "", descriptor: "", descriptorEn: "", points: String(points) });
export const blankCriterion = (competency: string): DraftCriterion => ({
  title: "",
  titleEn: "",
  description: "",
  descriptionEn: "",
  competency,
  origin: "",
  weight: "",
  levels: [blankLevel(100), blankLevel(60)],
});

export function draftFromDocument(doc: RubricDocument): RubricDraft {
  return {
    name: doc.name,
    criteria: doc.criteria.map((c) => ({
      title: c.title,
      titleEn: c.titleEn,
      description: c.description,
      descriptionEn: c.descriptionEn,
      competency: c.competency,
      origin: c.competency,
      weight: String(c.weight),
      levels: c.levels.map((l) => ({ label: l.label, labelEn: l.labelEn, descriptor: l.descriptor, descriptorEn: l.descriptorEn, points: String(l.points) })),
    })),
  };
}

export function emptyDraft(competency: string): RubricDraft {
  return { name: "", criteria: [blankCriterion(competency)] };
}

const text = (value: FormDataEntryValue | null) => (typeof value === "string" ? value : "");

/** The draft as posted. Indices are read from the field names, capped at the rubric's limits. */
export function draftFromForm(form: FormData): RubricDraft {
  const criteria: DraftCriterion[] = [];
  for (let i = 0; i < RUBRIC_LIMITS.criteria && form.has(`c.${i}.title`); i++) {
    const levels: DraftLevel[] = [];
    for (let j = 0; j < RUBRIC_LIMITS.levels && form.has(`c.${i}.l.${j}.label`); j++) {
      const at = `c.${i}.l.${j}`;
      levels.push({
        label: text(form.get(`${at}.label`)),
        labelEn: text(form.get(`${at}.labelEn`)),
        descriptor: text(form.get(`${at}.descriptor`)),
        descriptorEn: text(form.get(`${at}.descriptorEn`)),
        points: text(form.get(`${at}.points`)),
      });
    }
    criteria.push({
      title: text(form.get(`c.${i}.title`)),
      titleEn: text(form.get(`c.${i}.titleEn`)),
      description: text(form.get(`c.${i}.description`)),
      descriptionEn: text(form.get(`c.${i}.descriptionEn`)),
      competency: text(form.get(`c.${i}.competency`)),
      origin: text(form.get(`c.${i}.origin`)),
      weight: text(form.get(`c.${i}.weight`)),
      levels,
    });
  }
  return { name: text(form.get("name")), criteria };
}

const INTENT = /^(criterion|level)\.(add|remove|up|down)(?:\.(\d{1,2}))?(?:\.(\d{1,2}))?$/;

export type EditorIntent = "save" | "template" | `criterion.${string}` | `level.${string}`;

function swap<T>(list: T[], a: number, b: number): T[] {
  if (a < 0 || b < 0 || a >= list.length || b >= list.length) return list;
  const copy = [...list];
  [copy[a], copy[b]] = [copy[b], copy[a]];
  return copy;
}

/**
 * The draft after one structural intent, or null for an intent that isn't one (or points at
 * nothing). Limits hold: at most RUBRIC_LIMITS criteria and levels; removing the last
 * criterion or going below two levels is left to validation on save, not refused here, so
 * the person can restructure freely.
 */
export function applyIntent(draft: RubricDraft, intent: string, defaultCompetency: string): RubricDraft | null {
  const match = INTENT.exec(intent);
  if (!match) return null;
  const [, what, action, first, second] = match;
  const i = first === undefined ? -1 : Number(first);
  const j = second === undefined ? -1 : Number(second);
  const criteria = draft.criteria;
  if (what === "criterion") {
    if (action === "add") return criteria.length >= RUBRIC_LIMITS.criteria ? null : { ...draft, criteria: [...criteria, blankCriterion(defaultCompetency)] };
    if (!criteria[i]) return null;
    if (action === "remove") return { ...draft, criteria: criteria.filter((_, k) => k !== i) };
    const moved = swap(criteria, i, action === "up" ? i - 1 : i + 1);
    return moved === criteria ? null : { ...draft, criteria: moved };
  }
  const criterion = criteria[i];
  if (!criterion) return null;
  let levels: DraftLevel[] | null = null;
  if (action === "add") {
    if (criterion.levels.length >= RUBRIC_LIMITS.levels) return null;
    levels = [...criterion.levels, blankLevel(0)];
  } else if (criterion.levels[j]) {
    if (action === "remove") levels = criterion.levels.filter((_, k) => k !== j);
    else {
      const moved = swap(criterion.levels, j, action === "up" ? j - 1 : j + 1);
      levels = moved === criterion.levels ? null : moved;
    }
  }
  if (!levels) return null;
  return { ...draft, criteria: criteria.map((c, k) => (k === i ? { ...c, levels } : c)) };
}

export type DraftCheck = { ok: true; rubric: RubricDocument } | { ok: false; fieldErrors: FieldErrors; formError?: string };

/** A whole number within [min, max] typed by a person, or null. */
function wholeNumber(value: string, min: number, max: number): number | null {
  const trimmed = value.trim();
  if (!/^\d{1,3}$/.test(trimmed)) return null;
  const n = Number(trimmed);
  return n >= min && n <= max ? n : null;
}

function requiredText(value: string, max: number, key: string, errors: FieldErrors): string {
  const trimmed = value.trim();
  if (!trimmed) errors[key] = msg("errors.required");
  else if (trimmed.length > max) errors[key] = msg("errors.tooLong", { max });
  return trimmed;
}

function optionalText(value: string, max: number, key: string, errors: FieldErrors): string {
  const trimmed = value.trim();
  if (trimmed.length > max) errors[key] = msg("errors.tooLong", { max });
  return trimmed;
}

/**
 * Every rule, each reported at its field: texts present and within length (English texts
 * optional, same limits), a competency of the active framework — or, for a criterion of the
 * saved rubric, the competency it already assesses (`keptCodes`: the saved rubric's codes
 * outside the active framework) —, weights 1–100 adding up to 100 (the marks' scale depends
 * on it), 2–10 levels per criterion with points 0–100 and no two levels of a criterion on the
 * same points.
 *
 * `origin` comes from the form, so a forged one could only name another code the saved rubric
 * already uses: the kept codes are the server's, never the form's.
 */
export function checkDraft(draft: RubricDraft, activeCodes: readonly string[], keptCodes: readonly string[] = []): DraftCheck {
  const errors: FieldErrors = {};
  const name = requiredText(draft.name, RUBRIC_LIMITS.nameLength, "name", errors);
  let formError: string | undefined;
  if (draft.criteria.length === 0) formError = msg("grading.rubric.errors.noCriteria");
  const active = new Set(activeCodes);
  const kept = new Set(keptCodes);
  let weightSum = 0;
  let weightsValid = true;
  const criteria = draft.criteria.map((c, i) => {
    const at = `c.${i}`;
    const title = requiredText(c.title, RUBRIC_LIMITS.titleLength, `${at}.title`, errors);
    const titleEn = optionalText(c.titleEn, RUBRIC_LIMITS.titleLength, `${at}.titleEn`, errors);
    const description = optionalText(c.description, RUBRIC_LIMITS.descriptionLength, `${at}.description`, errors);
    const descriptionEn = optionalText(c.descriptionEn, RUBRIC_LIMITS.descriptionLength, `${at}.descriptionEn`, errors);
    if (!active.has(c.competency)) {
      const keeps = kept.has(c.competency) && c.origin === c.competency;
      if (!keeps) errors[`${at}.competency`] = msg(kept.has(c.competency) ? "grading.editor.errors.inactiveCompetency" : "errors.invalidChoice");
    }
    const weight = wholeNumber(c.weight, 1, 100);
    if (weight === null) {
      errors[`${at}.weight`] = msg("grading.editor.errors.weight");
      weightsValid = false;
    } else weightSum += weight;
    if (c.levels.length < 2) errors[`${at}.levels`] = msg("grading.rubric.errors.noLevels");
    const seen = new Set<number>();
    const levels = c.levels.map((l, j) => {
      const lat = `${at}.l.${j}`;
      const label = requiredText(l.label, RUBRIC_LIMITS.labelLength, `${lat}.label`, errors);
      const labelEn = optionalText(l.labelEn, RUBRIC_LIMITS.labelLength, `${lat}.labelEn`, errors);
      const descriptor = optionalText(l.descriptor, RUBRIC_LIMITS.descriptorLength, `${lat}.descriptor`, errors);
      const descriptorEn = optionalText(l.descriptorEn, RUBRIC_LIMITS.descriptorLength, `${lat}.descriptorEn`, errors);
      const points = wholeNumber(l.points, 0, 100);
      if (points === null) errors[`${lat}.points`] = msg("grading.editor.errors.points");
      else if (seen.has(points)) errors[`${lat}.points`] = msg("grading.editor.errors.samePoints", { points });
      else seen.add(points);
      return { label, labelEn, descriptor, descriptorEn, points: points ?? 0 };
    });
    return { title, titleEn, description, descriptionEn, competency: c.competency, weight: weight ?? 0, levels };
  });
  if (weightsValid && criteria.length > 0 && weightSum !== 100) formError ??= msg("grading.rubric.errors.weightsSum", { sum: weightSum });
  if (formError || Object.keys(errors).length > 0) return { ok: false, fieldErrors: errors, formError: formError ?? msg("errors.form") };
  return { ok: true, rubric: { name, criteria } };
}

/** The running weight total shown beside the form (null while a weight isn't a number). */
export function draftWeightSum(draft: RubricDraft): number | null {
  let sum = 0;
  for (const c of draft.criteria) {
    const w = wholeNumber(c.weight, 0, 999);
    if (w === null) return null;
    sum += w;
  }
  return sum;
}
