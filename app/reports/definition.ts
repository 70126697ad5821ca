// What a credit report asks for: filters, grouping, columns and order. Client-safe (the
// builder form, the saved-report JSON and the API all share it), parsed by one zod schema
// whose messages are dictionary keys.
//
// The unit of a report is a PERSON-YEAR: a person in the chosen unit subtree (active, or a
// leaver as the leavers policy says), in one credit year of the range. Person filters (unit,
// post type, grade, requirement met) choose person-years; point filters (category,
// competency, level) choose which ledger points are summed; "month" and "competency" split a
// person-year's points into several groups.
import { z } from "zod";
import { CREDIT_CATEGORIES } from "~/credits/status";
import { msg } from "~/utils/forms";

/** Person-level dimensions: a person-year belongs to exactly one group. */
export const PERSON_DIMENSIONS = ["unit", "postType", "grade", "year"] as const;
/** Point-level dimensions: a person-year's points are split over several groups. */
export const POINT_DIMENSIONS = ["competency", "month"] as const;
export const DIMENSIONS = [...PERSON_DIMENSIONS, ...POINT_DIMENSIONS] as const;
export type Dimension = (typeof DIMENSIONS)[number];
export type PersonDimension = (typeof PERSON_DIMENSIONS)[number];

export function isPersonDimension(dim: Dimension): dim is PersonDimension {
  return (PERSON_DIMENSIONS as readonly string[]).includes(dim);
}

/** The figures a group row can show; amounts are centipoints. */
export const REPORT_COLUMNS = [
  "headcount",
  "met",
  "unmet",
  "metRate",
  "points",
  "avgPoints",
  "counted",
  ...CREDIT_CATEGORIES,
] as const;
export type ReportColumn = (typeof REPORT_COLUMNS)[number];
export const DEFAULT_COLUMNS: ReportColumn[] = ["headcount", "met", "metRate", "points", "avgPoints"];

export const SORT_KEYS = ["group", ...REPORT_COLUMNS] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export const MET_FILTERS = ["all", "met", "unmet"] as const;

/**
 * Whether people who have left (Person.active = false) are counted (ADR 011): "past" — in
 * the credit years before the current one, not in the current year (the default); "all" —
 * in every year; "none" — never (people active today only). A leaver counts in a year only
 * when they have a ledger entry in it (there is no leaving date to go by).
 */
export const LEAVER_POLICIES = ["past", "all", "none"] as const;
export type LeaverPolicy = (typeof LEAVER_POLICIES)[number];

export const MAX_YEARS = 10;
export const MAX_GROUP_DIMENSIONS = 2;

const year = z.coerce
  .number({ error: msg("reports.errors.year") })
  .int(msg("reports.errors.year"))
  .min(2000, msg("reports.errors.year"))
  .max(2100, msg("reports.errors.year"));
const optionalId = z.preprocess(
  (v) => (v === "" || v === null ? undefined : v),
  z.coerce.number({ error: msg("errors.invalidNumber") }).int(msg("errors.invalidNumber")).positive(msg("errors.invalidNumber")).optional(),
);
const optionalGrade = z.preprocess(
  (v) => (v === "" || v === null ? undefined : v),
  z.coerce.number({ error: msg("reports.errors.grade") }).int(msg("reports.errors.grade")).min(1, msg("reports.errors.grade")).max(30, msg("reports.errors.grade")).optional(),
);
const list = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (v === undefined || v === "" ? [] : Array.isArray(v) ? v.filter((x) => x !== "") : [v]), z.array(item));

export const ReportDefinitionSchema = z
  .object({
    yearFrom: year,
    yearTo: year,
    /** Root of the unit subtree; default: the viewer's scope. */
    unitId: optionalId,
    postTypes: list(z.string().regex(/^[a-z_]{1,32}$/, msg("errors.invalidChoice"))).pipe(z.array(z.string()).max(10)),
    gradeMin: optionalGrade,
    gradeMax: optionalGrade,
    levelId: optionalId,
    competencyId: optionalId,
    category: z.preprocess((v) => (v === "" ? undefined : v), z.enum(CREDIT_CATEGORIES, { error: msg("errors.invalidChoice") }).optional()),
    met: z.preprocess((v) => (v === "" || v === undefined ? "all" : v), z.enum(MET_FILTERS, { error: msg("errors.invalidChoice") })),
    leavers: z.preprocess((v) => (v === "" || v === undefined ? "past" : v), z.enum(LEAVER_POLICIES, { error: msg("errors.invalidChoice") })),
    groupBy: list(z.enum(DIMENSIONS, { error: msg("errors.invalidChoice") })).pipe(
      z.array(z.enum(DIMENSIONS)).min(1, msg("reports.errors.groupBy")).max(MAX_GROUP_DIMENSIONS, msg("reports.errors.groupBy")),
    ),
    columns: list(z.enum(REPORT_COLUMNS, { error: msg("errors.invalidChoice") })),
    sort: z.preprocess((v) => (v === "" || v === undefined ? "group" : v), z.enum(SORT_KEYS, { error: msg("errors.invalidChoice") })),
    dir: z.preprocess((v) => (v === "" || v === undefined ? "asc" : v), z.enum(["asc", "desc"], { error: msg("errors.invalidChoice") })),
  })
  .superRefine((d, ctx) => {
    if (d.yearTo < d.yearFrom) ctx.addIssue({ code: "custom", path: ["yearTo"], message: msg("reports.errors.yearOrder") });
    else if (d.yearTo - d.yearFrom + 1 > MAX_YEARS) {
      ctx.addIssue({ code: "custom", path: ["yearTo"], message: msg("reports.errors.yearSpan", { max: MAX_YEARS }) });
    }
    if (d.gradeMin !== undefined && d.gradeMax !== undefined && d.gradeMax < d.gradeMin) {
      ctx.addIssue({ code: "custom", path: ["gradeMax"], message: msg("reports.errors.gradeOrder") });
    }
    if (new Set(d.groupBy).size !== d.groupBy.length) {
      ctx.addIssue({ code: "custom", path: ["groupBy"], message: msg("reports.errors.groupBy") });
    }
  })
  .transform((d) => ({
    ...d,
    groupBy: d.groupBy as Dimension[],
    columns: (d.columns.length ? [...new Set(d.columns)] : DEFAULT_COLUMNS) as ReportColumn[],
  }));

export type ReportDefinition = z.output<typeof ReportDefinitionSchema>;

/** Fields kept in URLs and saved reports; repeated keys are lists. */
const LIST_FIELDS = ["postTypes", "groupBy", "columns"] as const;
const SCALAR_FIELDS = [
  "yearFrom",
  "yearTo",
  "unitId",
  "gradeMin",
  "gradeMax",
  "levelId",
  "competencyId",
  "category",
  "met",
  "leavers",
  "sort",
  "dir",
] as const;

/** URL search params (or FormData entries) → raw object for ReportDefinitionSchema. */
export function rawDefinition(params: URLSearchParams | FormData): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const key of SCALAR_FIELDS) {
    const value = params.get(key);
    if (value !== null) raw[key] = String(value);
  }
  for (const key of LIST_FIELDS) raw[key] = params.getAll(key).map(String);
  return raw;
}

export function parseDefinition(params: URLSearchParams | FormData) {
  return ReportDefinitionSchema.safeParse(rawDefinition(params));
}

/** The definition as URL search params (the inverse of parseDefinition). */
export function definitionParams(definition: ReportDefinition): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of SCALAR_FIELDS) {
    const value = definition[key];
    if (value !== undefined && value !== null) params.set(key, String(value));
  }
  for (const key of LIST_FIELDS) for (const value of definition[key]) params.append(key, value);
  return params;
}

/** A year's report grouped by the units directly below the scope: the builder's starting point. */
export function defaultDefinition(year: number): ReportDefinition {
  return {
    yearFrom: year,
    yearTo: year,
    unitId: undefined,
    postTypes: [],
    gradeMin: undefined,
    gradeMax: undefined,
    levelId: undefined,
    competencyId: undefined,
    category: undefined,
    met: "all",
    leavers: "past",
    groupBy: ["unit"],
    columns: DEFAULT_COLUMNS,
    sort: "group",
    dir: "asc",
  };
}

/**
 * A group's key in URLs: "unit:4|postType:head". Values never contain ":" or "|" (ids,
 * codes, grades, years, "2026-03").
 */
export type GroupKeyPart = { dim: Dimension; value: string };

export function formatGroupKey(parts: GroupKeyPart[]): string {
  return parts.map((p) => `${p.dim}:${p.value}`).join("|");
}

export function parseGroupKey(key: string | null | undefined): GroupKeyPart[] | null {
  if (!key) return [];
  const parts: GroupKeyPart[] = [];
  for (const piece of key.split("|")) {
    const [dim, value, extra] = piece.split(":");
    if (extra !== undefined || !value || !(DIMENSIONS as readonly string[]).includes(dim)) return null;
    if (!/^[A-Za-z0-9_-]{1,40}$/.test(value)) return null;
    parts.push({ dim: dim as Dimension, value });
  }
  return parts;
}
