// A rubric as a portable document (competencies by code, no database ids), read from and
// written to JSON and CSV. Client-safe. Errors are message keys ("grading.rubric.errors.*").
import { z } from "zod";
import { csvDocument } from "~/utils/csv";

export const RUBRIC_ERRORS = {
  invalidJson: "grading.rubric.errors.invalidJson",
  invalidCsv: "grading.rubric.errors.invalidCsv",
  invalid: "grading.rubric.errors.invalid",
  weightsSum: "grading.rubric.errors.weightsSum",
  noCriteria: "grading.rubric.errors.noCriteria",
  noLevels: "grading.rubric.errors.noLevels",
  unknownCompetency: "grading.rubric.errors.unknownCompetency",
  duplicateLevelPoints: "grading.rubric.errors.duplicateLevelPoints",
} as const;

export type RubricErrorKey = (typeof RUBRIC_ERRORS)[keyof typeof RUBRIC_ERRORS];

const text = (max: number) => z.string().trim().min(1).max(max);
/** An optional text: absent (a file from before the field existed) reads as "". */
const optional = (max: number) => z.string().trim().max(max).default("");

/** Sizes of a rubric, shared by the import and the editor. */
export const RUBRIC_LIMITS = {
  criteria: 20,
  levels: 10,
  minLevels: 2,
  nameLength: 200,
  titleLength: 200,
  descriptionLength: 2000,
  labelLength: 100,
  descriptorLength: 1000,
} as const;

// The English texts ("…En") are optional: "" shows the Chinese to English readers
// (rubric-text.ts), and files exported before they existed still import.
export const RubricLevelSchema = z.object({
  label: text(RUBRIC_LIMITS.labelLength),
  labelEn: optional(RUBRIC_LIMITS.labelLength),
  descriptor: optional(RUBRIC_LIMITS.descriptorLength),
  descriptorEn: optional(RUBRIC_LIMITS.descriptorLength),
  points: z.number().int().min(0).max(100),
});

export const RubricCriterionSchema = z.object({
  title: text(RUBRIC_LIMITS.titleLength),
  titleEn: optional(RUBRIC_LIMITS.titleLength),
  description: optional(RUBRIC_LIMITS.descriptionLength),
  descriptionEn: optional(RUBRIC_LIMITS.descriptionLength),
  competency: text(50),
  weight: z.number().int().min(1).max(100),
  // One level could not tell work apart, and moderation's "two levels apart" needs at least two.
  levels: z.array(RubricLevelSchema).min(RUBRIC_LIMITS.minLevels).max(RUBRIC_LIMITS.levels),
});

export const RubricDocumentSchema = z.object({
  name: text(RUBRIC_LIMITS.nameLength),
  criteria: z.array(RubricCriterionSchema).min(1).max(RUBRIC_LIMITS.criteria),
});

export type RubricDocument = z.output<typeof RubricDocumentSchema>;

export type RubricParse = { ok: true; rubric: RubricDocument } | { ok: false; error: RubricErrorKey; params?: Record<string, string | number> };

/** Shape checks plus the rules: weights add up to 100, levels within a criterion have distinct points. */
export function checkRubric(value: unknown): RubricParse {
  const parsed = RubricDocumentSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue?.path.length === 1 && issue.path[0] === "criteria") return { ok: false, error: RUBRIC_ERRORS.noCriteria };
    if (issue?.path.at(-1) === "levels") return { ok: false, error: RUBRIC_ERRORS.noLevels };
    return { ok: false, error: RUBRIC_ERRORS.invalid, params: { path: issue ? issue.path.join(".") : "" } };
  }
  const rubric = parsed.data;
  const sum = rubric.criteria.reduce((s, c) => s + c.weight, 0);
  if (sum !== 100) return { ok: false, error: RUBRIC_ERRORS.weightsSum, params: { sum } };
  for (const criterion of rubric.criteria) {
    const points = new Set(criterion.levels.map((l) => l.points));
    if (points.size !== criterion.levels.length) return { ok: false, error: RUBRIC_ERRORS.duplicateLevelPoints, params: { criterion: criterion.title } };
  }
  return { ok: true, rubric };
}

export function rubricToJson(rubric: RubricDocument): string {
  return JSON.stringify(
    {
      name: rubric.name,
      criteria: rubric.criteria.map((c) => ({
        title: c.title,
        titleEn: c.titleEn,
        description: c.description,
        descriptionEn: c.descriptionEn,
        competency: c.competency,
        weight: c.weight,
        levels: c.levels.map((l) => ({ label: l.label, labelEn: l.labelEn, descriptor: l.descriptor, descriptorEn: l.descriptorEn, points: l.points })),
      })),
    },
    null,
    2,
  );
}

export function parseRubricJson(textValue: string): RubricParse {
  let value: unknown;
  try {
    value = JSON.parse(textValue.replace(/^\uFEFF/, ""));
  } catch {
    return { ok: false, error: RUBRIC_ERRORS.invalidJson };
  }
  return checkRubric(value);
}

/** The columns an imported CSV must have (a file written before the English columns existed has just these). */
export const RUBRIC_CSV_REQUIRED = ["rubric", "criterion", "criterion_description", "competency", "weight", "level", "level_descriptor", "points"] as const;
/** The English texts: written on every export, optional on import (a missing column reads as ""). */
export const RUBRIC_CSV_ENGLISH = ["criterion_en", "criterion_description_en", "level_en", "level_descriptor_en"] as const;
export const RUBRIC_CSV_HEADER = [
  "rubric",
  "criterion",
  "criterion_en",
  "criterion_description",
  "criterion_description_en",
  "competency",
  "weight",
  "level",
  "level_en",
  "level_descriptor",
  "level_descriptor_en",
  "points",
] as const;

/** One row per level; the criterion's fields repeat on each of its levels. */
export function rubricToCsv(rubric: RubricDocument): string {
  const rows = rubric.criteria.flatMap((c) =>
    c.levels.map((l) => [rubric.name, c.title, c.titleEn, c.description, c.descriptionEn, c.competency, c.weight, l.label, l.labelEn, l.descriptor, l.descriptorEn, l.points]),
  );
  return csvDocument([...RUBRIC_CSV_HEADER], rows);
}

/** RFC 4180 rows: quoted fields with doubled quotes, CRLF or LF line ends, a leading BOM ignored. */
export function parseCsvRows(input: string): string[][] | null {
  const source = input.replace(/^\uFEFF/, "");
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let i = 0;
  while (i < source.length) {
    const ch = source[i];
    if (quoted) {
      if (ch === '"') {
        if (source[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += ch;
      i++;
      continue;
    }
    if (ch === '"') {
      if (field !== "") return null;
      quoted = true;
    } else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && source[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else {
      field += ch;
    }
    i++;
  }
  if (quoted) return null;
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ""));
}

/** Undoes csvCell's guard against formulas: a text cell written as '=… reads back as =…. */
function unguard(cell: string): string {
  return /^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell;
}

export function parseRubricCsv(textValue: string): RubricParse {
  const rows = parseCsvRows(textValue);
  if (!rows || rows.length < 2) return { ok: false, error: RUBRIC_ERRORS.invalidCsv };
  const header = rows[0].map((h) => h.trim().toLowerCase());
  const col = (name: string) => header.indexOf(name);
  if (RUBRIC_CSV_REQUIRED.some((name) => col(name) < 0)) return { ok: false, error: RUBRIC_ERRORS.invalidCsv };
  type Level = { label: string; labelEn: string; descriptor: string; descriptorEn: string; points: number };
  const criteria: { title: string; titleEn: string; description: string; descriptionEn: string; competency: string; weight: number; levels: Level[] }[] = [];
  let name = "";
  for (const raw of rows.slice(1)) {
    // A column the file lacks (only the English ones may be missing) reads as "".
    const cell = (n: string) => (col(n) < 0 ? "" : unguard(raw[col(n)] ?? "").trim());
    name ||= cell("rubric");
    const weight = Number(cell("weight"));
    const points = Number(cell("points"));
    const title = cell("criterion");
    let criterion = criteria.at(-1);
    if (!criterion || criterion.title !== title) {
      criterion = {
        title,
        titleEn: cell("criterion_en"),
        description: cell("criterion_description"),
        descriptionEn: cell("criterion_description_en"),
        competency: cell("competency"),
        weight,
        levels: [],
      };
      criteria.push(criterion);
    }
    criterion.levels.push({ label: cell("level"), labelEn: cell("level_en"), descriptor: cell("level_descriptor"), descriptorEn: cell("level_descriptor_en"), points });
  }
  return checkRubric({ name, criteria });
}

/** Either format, told apart by the first character. */
export function parseRubricText(textValue: string): RubricParse {
  const trimmed = textValue.replace(/^\uFEFF/, "").trimStart();
  return trimmed.startsWith("{") ? parseRubricJson(trimmed) : parseRubricCsv(textValue);
}
