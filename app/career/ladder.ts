// 三岗十八级: the pure rules of the career ladder. Client-safe and free of I/O: the server
// loads post types, grade records and appraisals and passes them in; this module only decides.
//
// Every number here is a demo default (DOMAIN.md: districts vary, treat it as policy):
// - Post types and their grade ranges are PostType rows (heads 7–18, supervisors 4–15,
//   staff 1–12), edited by administrators at /admin/ladder.
// - Starting grade = the post's lowest grade + an education bonus + a certificate bonus,
//   clamped to the post's range (STARTING_GRADE_DEFAULTS).
// - One grade up after each FULL three years at the grade with passing appraisals.
//   "Passing" is 合格 (pass) or 优秀 (excellent). A 基本合格 (basic) year neither counts toward
//   the three nor restarts the count; a year without an appraisal is treated the same way.
//   A 不合格 (fail) year restarts the count from zero.
// - Two consecutive 优秀 years at the grade earn one early step (before the three years are
//   full), at most twice in a career; earlier early steps are the person's GradeRecords
//   with reason "early". Any grade change restarts the count.
// - Never above the post's top grade.
//
// A year counts at a grade only if the grade was held from 1 January of that year (Shanghai),
// so a grade that takes effect mid-year starts counting the next January.
import { z } from "zod";

export const RATINGS = ["excellent", "pass", "basic", "fail"] as const;
export type Rating = (typeof RATINGS)[number];
export function isRating(value: unknown): value is Rating {
  return typeof value === "string" && (RATINGS as readonly string[]).includes(value);
}

export const EDUCATIONS = ["secondary", "college", "bachelor", "master", "doctorate"] as const;
export const SOCIAL_WORK_CERTS = ["none", "assistant", "intermediate", "senior"] as const;

export const LOWEST_GRADE = 1;
export const HIGHEST_GRADE = 18;

export type PostRange = { code: string; minGrade: number; maxGrade: number };

export const LadderRulesSchema = z.object({
  /** Full years at a grade with passing appraisals for one regular step. */
  yearsPerStep: z.number().int().min(1).max(10).default(3),
  /** Consecutive excellent years at a grade for one early step. */
  excellentYearsForEarlyStep: z.number().int().min(1).max(10).default(2),
  /** Early steps allowed in a whole career. */
  maxEarlySteps: z.number().int().min(0).max(10).default(2),
  /** Bonus grades at hiring, by education and by social-work certificate. */
  educationBonus: z.record(z.string(), z.number().int().min(0).max(17)).default({
    secondary: 0,
    college: 0,
    bachelor: 1,
    master: 2,
    doctorate: 2,
  }),
  certificateBonus: z.record(z.string(), z.number().int().min(0).max(17)).default({
    none: 0,
    assistant: 0,
    intermediate: 1,
    senior: 2,
  }),
});
export type LadderRules = z.infer<typeof LadderRulesSchema>;
export const DEFAULT_LADDER_RULES: LadderRules = LadderRulesSchema.parse({});

/** The Setting row holding the ladder rules as JSON (absent: the defaults). */
export const LADDER_RULES_KEY = "ladderRules";

/** Stored text → rules, defaults for missing fields. Throws on a hand-edited bad row. */
export function parseLadderRules(text: string | null | undefined): LadderRules {
  if (!text) return DEFAULT_LADDER_RULES;
  return LadderRulesSchema.parse(JSON.parse(text));
}

/** Keys in a fixed order, so two versions in the audit log diff cleanly. */
export function serializeLadderRules(rules: LadderRules): string {
  return JSON.stringify({
    yearsPerStep: rules.yearsPerStep,
    excellentYearsForEarlyStep: rules.excellentYearsForEarlyStep,
    maxEarlySteps: rules.maxEarlySteps,
    educationBonus: Object.fromEntries(EDUCATIONS.map((e) => [e, rules.educationBonus[e] ?? 0])),
    certificateBonus: Object.fromEntries(SOCIAL_WORK_CERTS.map((c) => [c, rules.certificateBonus[c] ?? 0])),
  });
}

/** One line of an explanation: a message key under career.explain.* and its figures. */
export type ExplanationStep = { key: string; params: Record<string, number | string> };

export function clampGrade(grade: number, post: Pick<PostRange, "minGrade" | "maxGrade">): number {
  return Math.min(post.maxGrade, Math.max(post.minGrade, grade));
}

export function isGradeInRange(grade: number, post: Pick<PostRange, "minGrade" | "maxGrade">): boolean {
  return Number.isInteger(grade) && grade >= post.minGrade && grade <= post.maxGrade;
}

/** The grade a new hire starts at, with the steps that led there. */
export function startingGrade(
  post: PostRange,
  person: { education: string; socialWorkCert: string },
  rules: LadderRules = DEFAULT_LADDER_RULES,
): { grade: number; steps: ExplanationStep[] } {
  const education = rules.educationBonus[person.education] ?? 0;
  const certificate = rules.certificateBonus[person.socialWorkCert] ?? 0;
  const raw = post.minGrade + education + certificate;
  const grade = clampGrade(raw, post);
  const steps: ExplanationStep[] = [
    { key: "career.explain.startBase", params: { post: post.code, grade: post.minGrade } },
    { key: "career.explain.startEducation", params: { education: person.education, bonus: education } },
    { key: "career.explain.startCertificate", params: { certificate: person.socialWorkCert, bonus: certificate } },
  ];
  if (grade !== raw) steps.push({ key: "career.explain.startClamped", params: { raw, grade, max: post.maxGrade } });
  return { grade, steps };
}

export type ProposalKind = "none" | "regular" | "early";

export type PromotionInput = {
  post: PostRange;
  currentGrade: number;
  /** The first calendar year held at the current grade from 1 January (see firstFullYear). */
  firstYear: number;
  /** The round's year: appraisals up to and including it are read. */
  year: number;
  /** Appraisals by year; years without one are treated like 基本合格 (no count, no restart). */
  ratings: ReadonlyMap<number, Rating> | Record<number, Rating>;
  /** Early steps already taken in this career (GradeRecord reason "early"). */
  earlyStepsUsed: number;
  rules?: LadderRules;
};

export type PromotionProposalResult = {
  kind: ProposalKind;
  currentGrade: number;
  proposedGrade: number;
  /** Passing years counted toward the regular step at the round's end. */
  countedYears: number;
  steps: ExplanationStep[];
};

function ratingFor(ratings: PromotionInput["ratings"], year: number): Rating | undefined {
  return ratings instanceof Map ? ratings.get(year) : (ratings as Record<number, Rating>)[year];
}

/** The yearly proposal for one person: at most one step per round. */
export function proposePromotion(input: PromotionInput): PromotionProposalResult {
  const rules = input.rules ?? DEFAULT_LADDER_RULES;
  const { post, currentGrade, year } = input;
  const steps: ExplanationStep[] = [
    { key: "career.explain.since", params: { grade: currentGrade, year: input.firstYear } },
  ];
  let count = 0;
  let streak = 0;
  for (let y = input.firstYear; y <= year; y++) {
    const rating = ratingFor(input.ratings, y);
    if (rating === "fail") {
      count = 0;
      streak = 0;
      steps.push({ key: "career.explain.yearFail", params: { year: y } });
    } else if (rating === "pass" || rating === "excellent") {
      count += 1;
      streak = rating === "excellent" ? streak + 1 : 0;
      steps.push({
        key: rating === "excellent" ? "career.explain.yearExcellent" : "career.explain.yearPass",
        params: { year: y, count, needed: rules.yearsPerStep },
      });
    } else {
      streak = 0;
      steps.push({
        key: rating === "basic" ? "career.explain.yearBasic" : "career.explain.yearMissing",
        params: { year: y, count, needed: rules.yearsPerStep },
      });
    }
  }

  const none = (step: ExplanationStep): PromotionProposalResult => ({
    kind: "none",
    currentGrade,
    proposedGrade: currentGrade,
    countedYears: count,
    steps: [...steps, step],
  });
  const up = (kind: "regular" | "early", step: ExplanationStep): PromotionProposalResult => ({
    kind,
    currentGrade,
    proposedGrade: currentGrade + 1,
    countedYears: count,
    steps: [...steps, step],
  });

  if (currentGrade >= post.maxGrade) {
    return none({ key: "career.explain.atTop", params: { grade: currentGrade, max: post.maxGrade } });
  }
  if (count >= rules.yearsPerStep) {
    return up("regular", { key: "career.explain.regular", params: { from: currentGrade, to: currentGrade + 1, count } });
  }
  if (streak >= rules.excellentYearsForEarlyStep) {
    if (input.earlyStepsUsed >= rules.maxEarlySteps) {
      return none({ key: "career.explain.earlyLimit", params: { used: input.earlyStepsUsed, max: rules.maxEarlySteps } });
    }
    return up("early", {
      key: "career.explain.early",
      params: {
        from: currentGrade,
        to: currentGrade + 1,
        streak,
        used: input.earlyStepsUsed + 1,
        max: rules.maxEarlySteps,
      },
    });
  }
  return none({ key: "career.explain.notYet", params: { count, needed: rules.yearsPerStep } });
}

const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

/** 1 January of `year`, midnight in Shanghai. */
export function shanghaiNewYear(year: number): Date {
  return new Date(Date.UTC(year, 0, 1) - SHANGHAI_OFFSET_MS);
}

/** The first year a grade effective from `date` was held from 1 January (Shanghai time). */
export function firstFullYear(effectiveFrom: Date | string): number {
  const local = new Date(new Date(effectiveFrom).getTime() + SHANGHAI_OFFSET_MS);
  const year = local.getUTCFullYear();
  const isNewYear = local.getUTCMonth() === 0 && local.getUTCDate() === 1;
  return isNewYear ? year : year + 1;
}

export const ExplanationSchema = z.object({
  kind: z.enum(["none", "regular", "early"]),
  steps: z.array(z.object({ key: z.string(), params: z.record(z.string(), z.union([z.number(), z.string()])) })),
});
export type Explanation = z.infer<typeof ExplanationSchema>;

export function parseExplanation(text: string): Explanation {
  const parsed = ExplanationSchema.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : { kind: "none", steps: [] };
}
