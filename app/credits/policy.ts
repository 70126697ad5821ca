// A year's credit policy: the rules HR edits and stores as JSON text in CreditPolicy.rules.
// Client-safe (the policy editor validates in the browser too). Every amount of points is an
// integer in centipoints (1 point = 100), like the ledger, so comparisons are exact.
//
// Error messages are message keys ("policy.errors.*"), translated by the UI, because the same
// validation speaks Chinese to one user and English to the next.
import { z } from "zod";

export const POLICY_ERRORS = {
  notInteger: "policy.errors.notInteger",
  negative: "policy.errors.negative",
  notPositive: "policy.errors.notPositive",
  minAboveRequired: "policy.errors.minAboveRequired",
  rolloverAboveRequired: "policy.errors.rolloverAboveRequired",
  minCompetenciesTooHigh: "policy.errors.minCompetenciesTooHigh",
  hourRulesEmpty: "policy.errors.hourRulesEmpty",
  hourRuleDuplicate: "policy.errors.hourRuleDuplicate",
  hourRuleNotMonotonic: "policy.errors.hourRuleNotMonotonic",
  hourRuleBeyondHour: "policy.errors.hourRuleBeyondHour",
  hourRuleAboveOneHour: "policy.errors.hourRuleAboveOneHour",
  hourRuleStep: "policy.errors.hourRuleStep",
  absenceFraction: "policy.errors.absenceFraction",
  invalidJson: "policy.errors.invalidJson",
} as const;

export type PolicyErrorKey = (typeof POLICY_ERRORS)[keyof typeof POLICY_ERRORS];

/** Competencies in a framework are a short list; more than this is a typo, not a policy. */
const MAX_COMPETENCIES = 50;

const nonNegativeInt = () =>
  z.number({ error: POLICY_ERRORS.notInteger }).int({ error: POLICY_ERRORS.notInteger }).min(0, { error: POLICY_ERRORS.negative });

const HourRuleSchema = z.object({
  /** A remainder of at least this many minutes... */
  minMinutes: nonNegativeInt(),
  /** ...counts as this many study hours (0.25 steps, so points stay whole centipoints). */
  hours: z.number({ error: POLICY_ERRORS.notPositive }).min(0, { error: POLICY_ERRORS.negative }),
});
export type HourRule = z.infer<typeof HourRuleSchema>;

/** National cadre-training numbers (DOMAIN.md) as defaults; every one of them is editable. */
const DEFAULTS = {
  requiredPoints: 5600,
  // "At least one in-person programme": a full in-person day is about 6 points, so 16 points
  // means a real programme, not a single lecture.
  minInPersonPoints: 1600,
  onlineCapPoints: 2800,
  minutesPerHour: 60,
  hourRules: [
    { minMinutes: 30, hours: 1 },
    { minMinutes: 15, hours: 0.5 },
  ],
  pointsPerHour: 100,
  minCompetencies: 3,
  rolloverCapPoints: 1000,
  maxAbsenceFraction: { numerator: 1, denominator: 7 },
  adjustmentApprovalThreshold: 800,
} as const satisfies Record<string, unknown>;

export const CreditPolicyRulesSchema = z
  .object({
    /** Points a person must have counted in the year. */
    requiredPoints: nonNegativeInt().default(DEFAULTS.requiredPoints),
    /** Of which at least this many from in-person categories (in_person, camp). */
    minInPersonPoints: nonNegativeInt().default(DEFAULTS.minInPersonPoints),
    /** Online points beyond this are recorded but not counted toward the requirement. */
    onlineCapPoints: nonNegativeInt().default(DEFAULTS.onlineCapPoints),
    /** A course's full hours count one study hour each; hourRules grade the remainder. */
    minutesPerHour: z
      .number({ error: POLICY_ERRORS.notInteger })
      .int({ error: POLICY_ERRORS.notInteger })
      .min(1, { error: POLICY_ERRORS.notPositive })
      .default(DEFAULTS.minutesPerHour),
    hourRules: z
      .array(HourRuleSchema)
      .min(1, { error: POLICY_ERRORS.hourRulesEmpty })
      .default(() => DEFAULTS.hourRules.map((rule) => ({ ...rule }))),
    pointsPerHour: z
      .number({ error: POLICY_ERRORS.notInteger })
      .int({ error: POLICY_ERRORS.notInteger })
      .min(1, { error: POLICY_ERRORS.notPositive })
      .default(DEFAULTS.pointsPerHour),
    /** Distinct competencies with points needed in the year. */
    minCompetencies: z
      .number({ error: POLICY_ERRORS.notInteger })
      .int({ error: POLICY_ERRORS.notInteger })
      .min(0, { error: POLICY_ERRORS.negative })
      .max(MAX_COMPETENCIES, { error: POLICY_ERRORS.minCompetenciesTooHigh })
      .default(DEFAULTS.minCompetencies),
    /** The most surplus a person carries into the next year. */
    rolloverCapPoints: nonNegativeInt().default(DEFAULTS.rolloverCapPoints),
    /** Absent for more than this share of a programme's sessions: not completed. */
    maxAbsenceFraction: z
      .object({
        numerator: z.number().int({ error: POLICY_ERRORS.notInteger }).min(0, { error: POLICY_ERRORS.negative }),
        denominator: z.number().int({ error: POLICY_ERRORS.notInteger }).min(1, { error: POLICY_ERRORS.notPositive }),
      })
      .default(() => ({ ...DEFAULTS.maxAbsenceFraction })),
    /** Adjustments larger than this (in absolute value) need a second officer's approval (four eyes); up to it they count at once. */
    adjustmentApprovalThreshold: nonNegativeInt().default(DEFAULTS.adjustmentApprovalThreshold),
  })
  .superRefine((rules, ctx) => {
    const fail = (message: PolicyErrorKey, path: (string | number)[]) =>
      ctx.addIssue({ code: "custom", message, path });

    if (rules.minInPersonPoints > rules.requiredPoints) fail(POLICY_ERRORS.minAboveRequired, ["minInPersonPoints"]);
    // Carrying more than a whole year's requirement would let one busy year excuse the next.
    if (rules.rolloverCapPoints > rules.requiredPoints) {
      fail(POLICY_ERRORS.rolloverAboveRequired, ["rolloverCapPoints"]);
    }
    const { numerator, denominator } = rules.maxAbsenceFraction;
    if (denominator >= 1 && numerator > denominator) fail(POLICY_ERRORS.absenceFraction, ["maxAbsenceFraction"]);

    const seen = new Set<number>();
    rules.hourRules.forEach((rule, index) => {
      if (seen.has(rule.minMinutes)) fail(POLICY_ERRORS.hourRuleDuplicate, ["hourRules", index, "minMinutes"]);
      seen.add(rule.minMinutes);
      if (rule.minMinutes >= rules.minutesPerHour) {
        fail(POLICY_ERRORS.hourRuleBeyondHour, ["hourRules", index, "minMinutes"]);
      }
      if (rule.hours > 1) fail(POLICY_ERRORS.hourRuleAboveOneHour, ["hourRules", index, "hours"]);
      if (!Number.isInteger(rule.hours * 4)) fail(POLICY_ERRORS.hourRuleStep, ["hourRules", index, "hours"]);
    });
    // More minutes must never earn fewer hours, or a trainee would gain by leaving early.
    const sorted = [...rules.hourRules].sort((a, b) => a.minMinutes - b.minMinutes);
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i].hours < sorted[i - 1].hours) {
        fail(POLICY_ERRORS.hourRuleNotMonotonic, ["hourRules", rules.hourRules.indexOf(sorted[i]), "hours"]);
      }
    }
  });

export type CreditPolicyRules = z.output<typeof CreditPolicyRulesSchema>;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** The rules of a year that has no CreditPolicy row (frozen: copy before editing). */
export const DEFAULT_POLICY_RULES: CreditPolicyRules = deepFreeze(CreditPolicyRulesSchema.parse({}));
/** What an editor may submit: any field left out takes its default. */
export type CreditPolicyRulesInput = z.input<typeof CreditPolicyRulesSchema>;

export type PolicyParseResult =
  | { ok: true; rules: CreditPolicyRules }
  | { ok: false; errors: { path: string; key: string }[] };

/**
 * Reads rules as stored (JSON text) or as submitted (an object). Missing fields take the
 * defaults, so policies saved before a field existed keep working.
 */
export function parsePolicyRules(input: unknown): PolicyParseResult {
  let value = input;
  if (typeof input === "string") {
    try {
      value = JSON.parse(input);
    } catch {
      return { ok: false, errors: [{ path: "", key: POLICY_ERRORS.invalidJson }] };
    }
  }
  const parsed = CreditPolicyRulesSchema.safeParse(value);
  if (parsed.success) return { ok: true, rules: parsed.data };
  return {
    ok: false,
    errors: parsed.error.issues.map((issue) => ({ path: issue.path.join("."), key: issue.message })),
  };
}

/** The stored form: stable key order, so two versions of a policy diff cleanly. */
export function serializePolicyRules(rules: CreditPolicyRules): string {
  const normal = CreditPolicyRulesSchema.parse(rules);
  return JSON.stringify(normal);
}

/**
 * Study hours for a course of `minutes`: each full hour counts one; the remainder is graded
 * by hourRules (by default ≥ 30 min = 1 hour, 15–29 min = 0.5, under 15 = 0), so a 20-minute
 * online module earns 0.5 and a 90-minute one earns 2.
 */
export function hoursForMinutes(minutes: number, rules: Pick<CreditPolicyRules, "minutesPerHour" | "hourRules">) {
  if (!Number.isFinite(minutes) || minutes <= 0) return 0;
  const whole = Math.floor(minutes / rules.minutesPerHour);
  const remainder = minutes - whole * rules.minutesPerHour;
  let partial = 0;
  for (const rule of rules.hourRules) {
    if (remainder >= rule.minMinutes && rule.hours > partial) partial = rule.hours;
  }
  return whole + partial;
}

/** Centipoints for a course of `minutes` under the policy (integer). */
export function pointsForMinutes(
  minutes: number,
  rules: Pick<CreditPolicyRules, "minutesPerHour" | "hourRules" | "pointsPerHour">,
) {
  return Math.round(hoursForMinutes(minutes, rules) * rules.pointsPerHour);
}

/**
 * Whether a trainee's absence still allows completion: absent for more than the policy's
 * share (1/7 by default) of a programme's sessions or minutes means not completed. Integer
 * cross-multiplication, so 1 of 7 passes and 2 of 13 does not, without float error.
 */
export function absenceWithinLimit(
  absent: number,
  total: number,
  rules: Pick<CreditPolicyRules, "maxAbsenceFraction">,
) {
  if (total <= 0) return true;
  const { numerator, denominator } = rules.maxAbsenceFraction;
  return absent * denominator <= total * numerator;
}
