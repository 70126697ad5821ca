// Eligibility rule sets (荣誉推优 honour, 事业进编 establishment, 定向招录 recruitment) as data: a
// zod-validated list of conditions stored as JSON in EligibilityRuleSet.rules. Client-safe and
// pure: the server loads the person's facts (appraisals, credit statuses, post, grade) and
// this module decides, condition by condition, with the figures that explain the decision.
//
// Decisions (demo defaults, all editable by administrators):
// - A round for year Y looks back at completed years: the windows of lastAppraisals,
//   excellentCount and creditsMet end at Y − 1, unless the condition says through: "round"
//   (then at Y itself: the honour set checks this year's credits).
// - yearsAsSecretary counts calendar months from Person.secretarySince to 1 January of Y in
//   Shanghai, so exactly five calendar years is 5.0 (day counts would make leap years matter).
// - A missing appraisal or a person without secretarySince / birthYear fails the condition.
// - Ratings are ordered 优秀 > 合格 > 基本合格 > 不合格; minRating "pass" accepts 合格 and 优秀.
import { z } from "zod";
import type { Translate } from "~/i18n/i18n";
import { msg } from "~/utils/forms";
import { RATINGS, type Rating } from "./ladder";

export const RULE_SET_KINDS = ["honour", "establishment", "recruitment"] as const;
export type RuleSetKind = (typeof RULE_SET_KINDS)[number];

const THROUGH = ["previous", "round"] as const;
const count = (max: number) =>
  z
    .number({ error: msg("eligibility.errors.number") })
    .int(msg("eligibility.errors.integer"))
    .min(1, msg("eligibility.errors.range", { min: 1, max }))
    .max(max, msg("eligibility.errors.range", { min: 1, max }));
const through = z.enum(THROUGH, { error: msg("eligibility.errors.through") }).default("previous");
const rating = z.enum(RATINGS, { error: msg("eligibility.errors.rating") });

export const ConditionSchema = z.discriminatedUnion(
  "type",
  [
    z.strictObject({
      type: z.literal("yearsAsSecretary"),
      min: z.number({ error: msg("eligibility.errors.number") }).min(0, msg("eligibility.errors.range", { min: 0, max: 50 })).max(50, msg("eligibility.errors.range", { min: 0, max: 50 })),
    }),
    z.strictObject({ type: z.literal("lastAppraisals"), years: count(10), minRating: rating, through }),
    z.strictObject({ type: z.literal("excellentCount"), years: count(10), min: count(10), through }),
    z.strictObject({ type: z.literal("creditsMet"), years: count(10), through }),
    z.strictObject({
      type: z.literal("postType"),
      in: z.array(z.string().trim().min(1, msg("errors.required")).max(40, msg("errors.tooLong", { max: 40 }))).min(1, msg("errors.required")),
    }),
    z.strictObject({ type: z.literal("minGrade"), grade: count(18) }),
    z.strictObject({ type: z.literal("maxAge"), age: count(100) }),
  ],
  { error: msg("eligibility.errors.conditionType") },
);
export type Condition = z.infer<typeof ConditionSchema>;
export type ConditionType = Condition["type"];
export const CONDITION_TYPES = ["yearsAsSecretary", "lastAppraisals", "excellentCount", "creditsMet", "postType", "minGrade", "maxAge"] as const;

export const RuleSetRulesSchema = z.strictObject({
  conditions: z.array(ConditionSchema, { error: msg("eligibility.errors.conditions") }).min(1, msg("eligibility.errors.conditions")).max(20, msg("eligibility.errors.conditions")),
});
export type RuleSetRules = z.infer<typeof RuleSetRulesSchema>;

export type RuleSetDefault = { code: string; kind: RuleSetKind; nameZh: string; nameEn: string; rules: RuleSetRules };

/** Demo defaults, seeded when no rule set exists (the page says they are demo values). */
export const DEFAULT_RULE_SETS: RuleSetDefault[] = [
  {
    code: "establishment",
    kind: "establishment",
    nameZh: "事业进编",
    nameEn: "Entry into the career establishment",
    rules: RuleSetRulesSchema.parse({
      conditions: [
        { type: "yearsAsSecretary", min: 5 },
        { type: "lastAppraisals", years: 3, minRating: "pass" },
        { type: "excellentCount", years: 3, min: 1 },
        { type: "creditsMet", years: 3 },
      ],
    }),
  },
  {
    code: "honour",
    kind: "honour",
    nameZh: "荣誉推优",
    nameEn: "Honour recommendation",
    rules: RuleSetRulesSchema.parse({
      conditions: [
        { type: "lastAppraisals", years: 1, minRating: "excellent" },
        { type: "creditsMet", years: 1, through: "round" },
      ],
    }),
  },
  {
    code: "recruitment",
    kind: "recruitment",
    nameZh: "定向招录",
    nameEn: "Targeted recruitment",
    rules: RuleSetRulesSchema.parse({
      conditions: [
        { type: "yearsAsSecretary", min: 3 },
        { type: "lastAppraisals", years: 2, minRating: "pass" },
        { type: "creditsMet", years: 1 },
      ],
    }),
  },
];

export type RulesParseResult = { ok: true; rules: RuleSetRules } | { ok: false; errors: { path: string; message: string }[] };

/** Text from the editor (or a stored row) → rules, or errors as message keys with a path. */
export function parseRuleSetRules(text: string): RulesParseResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, errors: [{ path: "", message: msg("eligibility.errors.json") }] };
  }
  const result = RuleSetRulesSchema.safeParse(raw);
  if (result.success) return { ok: true, rules: result.data };
  return { ok: false, errors: result.error.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message })) };
}

/** Keys in a fixed order, so two versions diff cleanly in the audit log. */
export function serializeRuleSetRules(rules: RuleSetRules): string {
  return JSON.stringify(rules, null, 2);
}

// ---------------------------------------------------------------- evaluation

const RANK: Record<Rating, number> = { excellent: 3, pass: 2, basic: 1, fail: 0 };
export function ratingAtLeast(actual: Rating | null | undefined, min: Rating): boolean {
  return !!actual && RANK[actual] >= RANK[min];
}

/** The years a windowed condition looks at, oldest first. */
export function windowYears(condition: { years: number; through?: "previous" | "round" }, roundYear: number): number[] {
  const last = condition.through === "round" ? roundYear : roundYear - 1;
  return Array.from({ length: condition.years }, (_, i) => last - condition.years + 1 + i);
}

/** Every year whose appraisals and credit statuses the rules need, for loading in bulk. */
export function neededYears(rules: RuleSetRules, roundYear: number): { appraisalYears: number[]; creditYears: number[] } {
  const appraisal = new Set<number>();
  const credit = new Set<number>();
  for (const c of rules.conditions) {
    if (c.type === "lastAppraisals" || c.type === "excellentCount") windowYears(c, roundYear).forEach((y) => appraisal.add(y));
    if (c.type === "creditsMet") windowYears(c, roundYear).forEach((y) => credit.add(y));
  }
  return { appraisalYears: [...appraisal].sort(), creditYears: [...credit].sort() };
}

const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

/** Whole calendar months from `since` to 1 January of `roundYear`, in Shanghai. */
export function monthsUntilRound(since: Date | string, roundYear: number): number {
  const local = new Date(new Date(since).getTime() + SHANGHAI_OFFSET_MS);
  let months = (roundYear - local.getUTCFullYear()) * 12 - local.getUTCMonth();
  // Started after the 1st (or after midnight): that month is not full yet.
  const startOfMonth = local.getUTCDate() !== 1 || local.getUTCHours() + local.getUTCMinutes() + local.getUTCSeconds() > 0;
  if (startOfMonth) months -= 1;
  return Math.max(0, months);
}

export type PersonFacts = {
  secretarySince: Date | string | null;
  postTypeCode: string;
  grade: number;
  birthYear: number | null;
  /** year → rating */
  appraisals: Map<number, Rating>;
  /** year → the credit status for that year (centipoints) */
  credits: Map<number, { counted: number; required: number; met: boolean }>;
};

export type YearRating = { year: number; rating: Rating | null };
export type YearCredit = { year: number; counted: number; required: number; met: boolean };

export type ConditionResult =
  | { type: "yearsAsSecretary"; ok: boolean; years: number | null; min: number }
  | { type: "lastAppraisals"; ok: boolean; minRating: Rating; ratings: YearRating[] }
  | { type: "excellentCount"; ok: boolean; min: number; count: number; ratings: YearRating[] }
  | { type: "creditsMet"; ok: boolean; credits: YearCredit[] }
  | { type: "postType"; ok: boolean; postTypeCode: string; allowed: string[] }
  | { type: "minGrade"; ok: boolean; grade: number; min: number }
  | { type: "maxAge"; ok: boolean; age: number | null; max: number };

export type Evaluation = { eligible: boolean; results: ConditionResult[] };

export function evaluateCondition(condition: Condition, facts: PersonFacts, roundYear: number): ConditionResult {
  switch (condition.type) {
    case "yearsAsSecretary": {
      if (!facts.secretarySince) return { type: condition.type, ok: false, years: null, min: condition.min };
      const months = monthsUntilRound(facts.secretarySince, roundYear);
      // Shown with one decimal, rounded down so 4.96 years never reads "5.0".
      return { type: condition.type, ok: months >= Math.round(condition.min * 12), years: Math.floor((months * 10) / 12) / 10, min: condition.min };
    }
    case "lastAppraisals": {
      const ratings = windowYears(condition, roundYear).map((year) => ({ year, rating: facts.appraisals.get(year) ?? null }));
      return { type: condition.type, ok: ratings.every((r) => ratingAtLeast(r.rating, condition.minRating)), minRating: condition.minRating, ratings };
    }
    case "excellentCount": {
      const ratings = windowYears(condition, roundYear).map((year) => ({ year, rating: facts.appraisals.get(year) ?? null }));
      const n = ratings.filter((r) => r.rating === "excellent").length;
      return { type: condition.type, ok: n >= condition.min, min: condition.min, count: n, ratings };
    }
    case "creditsMet": {
      const credits = windowYears(condition, roundYear).map((year) => {
        const status = facts.credits.get(year);
        return { year, counted: status?.counted ?? 0, required: status?.required ?? 0, met: status?.met ?? false };
      });
      return { type: condition.type, ok: credits.every((c) => c.met), credits };
    }
    case "postType":
      return { type: condition.type, ok: condition.in.includes(facts.postTypeCode), postTypeCode: facts.postTypeCode, allowed: condition.in };
    case "minGrade":
      return { type: condition.type, ok: facts.grade >= condition.grade, grade: facts.grade, min: condition.grade };
    case "maxAge": {
      const age = facts.birthYear === null ? null : roundYear - facts.birthYear;
      return { type: condition.type, ok: age !== null && age <= condition.age, age, max: condition.age };
    }
  }
}

export function evaluateRules(rules: RuleSetRules, facts: PersonFacts, roundYear: number): Evaluation {
  const results = rules.conditions.map((c) => evaluateCondition(c, facts, roundYear));
  return { eligible: results.every((r) => r.ok), results };
}

// ---------------------------------------------------------------- wording (page and CSV)

/** The condition as a sentence ("担任书记满 5 年"). */
export function describeCondition(condition: Condition, t: Translate, postName: (code: string) => string): string {
  switch (condition.type) {
    case "yearsAsSecretary":
      return t("eligibility.cond.yearsAsSecretary", { min: condition.min });
    case "lastAppraisals":
      return t("eligibility.cond.lastAppraisals", { years: condition.years, rating: t(`career.rating.${condition.minRating}`) });
    case "excellentCount":
      return t("eligibility.cond.excellentCount", { years: condition.years, min: condition.min });
    case "creditsMet":
      return t(condition.through === "round" ? "eligibility.cond.creditsMetRound" : "eligibility.cond.creditsMet", { years: condition.years });
    case "postType":
      return t("eligibility.cond.postType", { posts: condition.in.map(postName).join(" / ") });
    case "minGrade":
      return t("eligibility.cond.minGrade", { grade: condition.grade });
    case "maxAge":
      return t("eligibility.cond.maxAge", { age: condition.age });
  }
}

/** The figures behind a result ("担任书记 6.3 年 ≥ 5", "2023 合格, 2024 优秀"), without the ✔/✘. */
export function describeFigures(
  result: ConditionResult,
  t: Translate,
  points: (centipoints: number) => string,
  postName: (code: string) => string,
): string {
  const ratings = (list: YearRating[]) =>
    list
      .map((r) => (r.rating ? t("eligibility.fig.rating", { year: r.year, rating: t(`career.rating.${r.rating}`) }) : t("eligibility.fig.noRating", { year: r.year })))
      .join(", ");
  switch (result.type) {
    case "yearsAsSecretary":
      return result.years === null ? t("eligibility.fig.notSecretary") : t("eligibility.fig.yearsAsSecretary", { years: result.years.toFixed(1), min: result.min });
    case "lastAppraisals":
      return ratings(result.ratings);
    case "excellentCount":
      return `${t("eligibility.fig.excellentCount", { count: result.count, min: result.min })} (${ratings(result.ratings)})`;
    case "creditsMet":
      return result.credits
        .map((c) => `${t("eligibility.fig.credit", { year: c.year, counted: points(c.counted), required: points(c.required) })} ${c.met ? "✔" : "✘"}`)
        .join(", ");
    case "postType":
      return t("eligibility.fig.postType", { post: postName(result.postTypeCode) });
    case "minGrade":
      return t("eligibility.fig.minGrade", { grade: result.grade, min: result.min });
    case "maxAge":
      return result.age === null ? t("eligibility.fig.noAge") : t("eligibility.fig.maxAge", { age: result.age, max: result.max });
  }
}
