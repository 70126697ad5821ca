// The course form: what an administrator or HR officer may enter for a course, parsed by zod
// on the server (and usable in the browser: no server imports). Credit points are typed as
// points with up to two decimals and stored as integer centipoints (ADR 004); competency
// weights are whole percentages that must add up to 100; prerequisites are other courses.
import { z } from "zod";
import { fields, msg, type FieldErrors, type FormResult } from "~/utils/forms";

/** The same values as COURSE_MODES in app/catalogue/filters.server.ts (a test keeps them equal). */
export const COURSE_MODE_VALUES = ["in_person", "online", "camp"] as const;
export type CourseModeValue = (typeof COURSE_MODE_VALUES)[number];

/** The management list's status filter. */
export const COURSE_LIST_STATUSES = ["active", "archived", "all"] as const;
export type CourseListStatus = (typeof COURSE_LIST_STATUSES)[number];

/** District prefix, level, number: CN-L2-03. Stored upper-case; it never changes once created. */
export const COURSE_CODE_PATTERN = /^[A-Z]{2,4}-L\d{1,2}-\d{2,3}$/;
export const MAX_CREDIT_CENTIPOINTS = 100_000; // 1,000 points
export const MAX_DURATION_MINUTES = 20_000; // more than two weeks of full days
export const MAX_PREREQUISITES = 20;

const POINTS_PATTERN = /^(\d{1,4})(?:\.(\d{1,2}))?$/;

/** "3", "3.5", "3.25" → 300, 350, 325; anything else (more decimals, signs, text) → null. */
export function pointsToCentipoints(text: string): number | null {
  const match = POINTS_PATTERN.exec(text.trim());
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
}

/** 350 → "3.5", 325 → "3.25", 300 → "3": what the form shows for a stored value. */
export function centipointsToPoints(centipoints: number): string {
  const whole = Math.floor(centipoints / 100);
  const hundredths = centipoints % 100;
  if (hundredths === 0) return String(whole);
  return `${whole}.${String(hundredths).padStart(2, "0").replace(/0$/, "")}`;
}

export function normalizeCourseCode(code: string): string {
  return code.trim().toUpperCase();
}

const whole = (min: number, max: number) =>
  z.coerce
    .number({ error: msg("errors.invalidNumber") })
    .refine((n) => Number.isInteger(n), msg("errors.invalidNumber"))
    .refine((n) => n >= min && n <= max, msg("manage.errors.range", { min, max }));

const weightEntry = z.object({
  competencyId: fields.id(),
  // An empty box means 0: the form shows every competency of the framework.
  weight: z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? 0 : v), whole(0, 100)),
});

const CourseFieldsSchema = z.object({
  titleZh: fields.text(200),
  titleEn: fields.text(200),
  summaryZh: fields.optionalText(4000).transform((v) => v ?? ""),
  summaryEn: fields.optionalText(4000).transform((v) => v ?? ""),
  levelId: fields.id(),
  mode: fields.choice(COURSE_MODE_VALUES),
  durationMinutes: whole(1, MAX_DURATION_MINUTES),
  creditPoints: z
    .string({ error: msg("errors.required") })
    .trim()
    .min(1, msg("errors.required"))
    .transform((text, ctx) => {
      const centipoints = pointsToCentipoints(text);
      if (centipoints === null || centipoints > MAX_CREDIT_CENTIPOINTS) {
        ctx.addIssue({ code: "custom", message: msg("manage.errors.points", { max: MAX_CREDIT_CENTIPOINTS / 100 }) });
        return z.NEVER;
      }
      return centipoints;
    }),
  hasAssessment: z.preprocess((v) => v === "on" || v === "true" || v === "1", z.boolean()),
  weights: z
    .array(weightEntry)
    .max(100)
    .superRefine((weights, ctx) => {
      const positive = weights.filter((w) => w.weight > 0);
      const sum = weights.reduce((total, w) => total + (Number.isFinite(w.weight) ? w.weight : 0), 0);
      if (positive.length === 0) ctx.addIssue({ code: "custom", message: msg("manage.errors.weightsEmpty") });
      else if (sum !== 100) ctx.addIssue({ code: "custom", message: msg("manage.errors.weightsSum", { sum }) });
    })
    .transform((weights) => weights.filter((w) => w.weight > 0)),
  prerequisiteIds: z
    .array(fields.id())
    .max(MAX_PREREQUISITES, msg("manage.errors.tooManyPrerequisites", { max: MAX_PREREQUISITES }))
    .transform((ids) => [...new Set(ids)]),
  reason: fields.optionalText(500),
});

const CreateCourseSchema = CourseFieldsSchema.extend({
  code: z
    .string({ error: msg("errors.required") })
    .transform(normalizeCourseCode)
    .pipe(
      z
        .string()
        .min(1, msg("errors.required"))
        .regex(COURSE_CODE_PATTERN, msg("manage.errors.courseCode")),
    ),
});

const UpdateCourseSchema = CourseFieldsSchema.extend({ version: whole(1, 2_147_483_647) });

export type CourseFields = z.infer<typeof CourseFieldsSchema>;
export type CreateCourseInput = z.infer<typeof CreateCourseSchema>;
export type UpdateCourseInput = z.infer<typeof UpdateCourseSchema>;

/** Form field name of a competency's weight box. */
export const weightField = (competencyId: number) => `w.${competencyId}`;

/**
 * FormData → the raw object the schemas read. Scalar fields: the first value wins, unknown
 * fields are ignored (as in parseForm). Weights come from the `w.<competencyId>` boxes and
 * prerequisites from every `prerequisiteIds` value.
 */
function rawCourseForm(formData: FormData) {
  const raw: Record<string, unknown> = {};
  const weights = new Map<string, FormDataEntryValue>();
  const prerequisiteIds: FormDataEntryValue[] = [];
  for (const [key, value] of formData) {
    if (key.startsWith("w.")) {
      const id = key.slice(2);
      if (!weights.has(id)) weights.set(id, value);
    } else if (key === "prerequisiteIds") {
      if (value !== "") prerequisiteIds.push(value);
    } else if (!(key in raw)) {
      raw[key] = value;
    }
  }
  raw.weights = [...weights].map(([competencyId, weight]) => ({ competencyId, weight }));
  raw.prerequisiteIds = prerequisiteIds;
  return raw;
}

function parseWith<S extends z.ZodType>(formData: FormData, schema: S): FormResult<z.infer<S>> {
  const raw = rawCourseForm(formData);
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, data: result.data };
  const weights = raw.weights as { competencyId: FormDataEntryValue }[];
  const fieldErrors: FieldErrors = {};
  let formError: string | undefined;
  for (const issue of result.error.issues) {
    const [head, index] = issue.path;
    let name = issue.path.map(String).join(".");
    // A bad box is reported on the box itself (w.<competencyId>), the sum on "weights".
    if (head === "weights" && typeof index === "number") name = `w.${String(weights[index]?.competencyId ?? "")}`;
    if (head === "prerequisiteIds") name = "prerequisiteIds";
    if (!name) formError ??= issue.message;
    else fieldErrors[name] ??= issue.message;
  }
  return { ok: false, fieldErrors, formError };
}

export function parseCreateCourseForm(formData: FormData) {
  return parseWith(formData, CreateCourseSchema);
}

export function parseUpdateCourseForm(formData: FormData) {
  return parseWith(formData, UpdateCourseSchema);
}

/** What the form's boxes hold, as text: re-shown after a refused submit (works without JS). */
export type CourseFormValues = {
  code: string;
  titleZh: string;
  titleEn: string;
  summaryZh: string;
  summaryEn: string;
  levelId: string;
  mode: string;
  durationMinutes: string;
  creditPoints: string;
  hasAssessment: boolean;
  /** competencyId → the box's text */
  weights: Record<string, string>;
  prerequisiteIds: string[];
  reason: string;
};

const text = (formData: FormData, name: string) => {
  const value = formData.get(name);
  return typeof value === "string" ? value.slice(0, 5000) : "";
};

export function courseFormValues(formData: FormData): CourseFormValues {
  const weights: Record<string, string> = {};
  for (const [key, value] of formData) {
    if (key.startsWith("w.") && typeof value === "string" && !(key.slice(2) in weights)) weights[key.slice(2)] = value.slice(0, 10);
  }
  return {
    code: text(formData, "code"),
    titleZh: text(formData, "titleZh"),
    titleEn: text(formData, "titleEn"),
    summaryZh: text(formData, "summaryZh"),
    summaryEn: text(formData, "summaryEn"),
    levelId: text(formData, "levelId"),
    mode: text(formData, "mode"),
    durationMinutes: text(formData, "durationMinutes"),
    creditPoints: text(formData, "creditPoints"),
    hasAssessment: formData.get("hasAssessment") === "on",
    weights,
    prerequisiteIds: formData.getAll("prerequisiteIds").filter((v): v is string => typeof v === "string").slice(0, 200),
    reason: text(formData, "reason"),
  };
}

/** The form filled from a stored course (its snapshot). */
export function courseFormValuesOf(course: {
  code: string;
  titleZh: string;
  titleEn: string;
  summaryZh: string;
  summaryEn: string;
  levelId: number;
  mode: string;
  durationMinutes: number;
  creditPoints: number;
  hasAssessment: boolean;
  weights: { competencyId: number; weight: number }[];
  prerequisites: { id: number }[];
}): CourseFormValues {
  return {
    code: course.code,
    titleZh: course.titleZh,
    titleEn: course.titleEn,
    summaryZh: course.summaryZh,
    summaryEn: course.summaryEn,
    levelId: String(course.levelId),
    mode: course.mode,
    durationMinutes: String(course.durationMinutes),
    creditPoints: centipointsToPoints(course.creditPoints),
    hasAssessment: course.hasAssessment,
    weights: Object.fromEntries(course.weights.map((w) => [String(w.competencyId), String(w.weight)])),
    prerequisiteIds: course.prerequisites.map((p) => String(p.id)),
    reason: "",
  };
}

export const EMPTY_COURSE_FORM: CourseFormValues = {
  code: "",
  titleZh: "",
  titleEn: "",
  summaryZh: "",
  summaryEn: "",
  levelId: "",
  mode: "in_person",
  durationMinutes: "",
  creditPoints: "",
  hasAssessment: false,
  weights: {},
  prerequisiteIds: [],
  reason: "",
};
