// A person's credit status for one year: THE one place it is computed, so the figure on the
// learner's home page, the HR report, the spreadsheet and the PDF transcript is the same.
// Client-safe and pure: callers load the ledger sums (ledger.server.ts: personYearTotals,
// creditStatusForYear) and the policy, this module only does arithmetic.
//
// All amounts are integers in centipoints (1 point = 100). Reasons are message keys with
// parameters in centipoints; the UI translates them and formats the points.
import type { CreditPolicyRules } from "./policy";

export const CREDIT_CATEGORIES = ["in_person", "online", "camp", "external", "adjustment"] as const;
export type CreditCategory = (typeof CREDIT_CATEGORIES)[number];

/** Categories that count as in-person training for the in-person minimum. */
export const IN_PERSON_CATEGORIES: readonly CreditCategory[] = ["in_person", "camp"];

export function isCreditCategory(value: unknown): value is CreditCategory {
  return typeof value === "string" && (CREDIT_CATEGORIES as readonly string[]).includes(value);
}

/** A person-year's ledger sums (reversals included, so these are net figures). */
export type CreditTotals = {
  byCategory: Partial<Record<CreditCategory, number>>;
  /** competencyId → centipoints */
  byCompetency: Record<number, number>;
  /** Surplus carried in from the previous year (already capped by that year's policy). */
  rolloverIn?: number;
};

export type CreditStatusReason =
  | { key: "credits.status.pointsShort"; params: { counted: number; required: number; short: number } }
  | { key: "credits.status.inPersonShort"; params: { inPerson: number; minInPerson: number; short: number } }
  | { key: "credits.status.competenciesShort"; params: { covered: number; minCompetencies: number; short: number } };

/** Facts worth showing even when met (they explain why counted ≠ earned). */
export type CreditStatusNote =
  | { key: "credits.status.onlineCapped"; params: { online: number; cap: number; excluded: number } }
  | { key: "credits.status.rolloverApplied"; params: { rolloverIn: number } };

export type CreditStatus = {
  /** Everything recorded in the year, before caps; rollover not included. */
  earned: number;
  /** What counts toward the requirement: earned − online points above the cap + rolloverIn. */
  counted: number;
  required: number;
  met: boolean;
  /** Every category present, zeros included, so tables have fixed columns. */
  byCategory: Record<CreditCategory, number>;
  byCompetency: Record<number, number>;
  /** Competencies with a positive net amount. */
  competenciesCovered: number;
  /** Points from in-person categories (in_person + camp). */
  inPerson: number;
  /** Online points recorded but not counted because of the cap. */
  onlineExcluded: number;
  rolloverIn: number;
  /** This year's own counted points above the requirement (rollover excluded). */
  surplus: number;
  /** What carries into next year: the surplus, capped by this year's policy. */
  rolloverOut: number;
  /** One entry per unmet condition, in a fixed order; empty when met. */
  reasons: CreditStatusReason[];
  notes: CreditStatusNote[];
};

/**
 * Rules, in order:
 * 1. earned = the sum of every category (net of reversals and negative adjustments).
 * 2. Online points count up to the policy's cap; the excess stays on record as earned.
 * 3. counted = earned − online excess + rolloverIn. Rollover helps with the total only:
 *    it never satisfies the in-person minimum or covers a competency.
 * 4. met = counted ≥ required AND in-person points ≥ the minimum AND competencies with
 *    positive points ≥ the minimum.
 * 5. surplus = this year's own counted points above the requirement. Carried-in points are
 *    left out on purpose: otherwise one good year would carry forward forever.
 *    rolloverOut = min(surplus, rolloverCapPoints).
 */
export function computeCreditStatus(
  rules: Pick<CreditPolicyRules, "requiredPoints" | "minInPersonPoints" | "onlineCapPoints" | "minCompetencies" | "rolloverCapPoints">,
  totals: CreditTotals,
): CreditStatus {
  // Plain loops, no intermediate arrays: a district report runs this for 20,000 people.
  const byCategory = {} as Record<CreditCategory, number>;
  let earned = 0;
  for (const category of CREDIT_CATEGORIES) {
    const amount = totals.byCategory[category] ?? 0;
    byCategory[category] = amount;
    earned += amount;
  }

  const onlineExcluded = Math.max(0, byCategory.online - rules.onlineCapPoints);
  const countedOwn = earned - onlineExcluded;
  const rolloverIn = Math.max(0, totals.rolloverIn ?? 0);
  const counted = countedOwn + rolloverIn;
  const required = rules.requiredPoints;

  const inPerson = IN_PERSON_CATEGORIES.reduce((sum, category) => sum + byCategory[category], 0);

  const byCompetency: Record<number, number> = {};
  let competenciesCovered = 0;
  for (const id in totals.byCompetency) {
    const amount = totals.byCompetency[id];
    byCompetency[id] = amount;
    if (amount > 0) competenciesCovered += 1;
  }

  const reasons: CreditStatusReason[] = [];
  if (counted < required) {
    reasons.push({ key: "credits.status.pointsShort", params: { counted, required, short: required - counted } });
  }
  if (inPerson < rules.minInPersonPoints) {
    reasons.push({
      key: "credits.status.inPersonShort",
      params: { inPerson, minInPerson: rules.minInPersonPoints, short: rules.minInPersonPoints - inPerson },
    });
  }
  if (competenciesCovered < rules.minCompetencies) {
    reasons.push({
      key: "credits.status.competenciesShort",
      params: {
        covered: competenciesCovered,
        minCompetencies: rules.minCompetencies,
        short: rules.minCompetencies - competenciesCovered,
      },
    });
  }

  const notes: CreditStatusNote[] = [];
  if (onlineExcluded > 0) {
    notes.push({
      key: "credits.status.onlineCapped",
      params: { online: byCategory.online, cap: rules.onlineCapPoints, excluded: onlineExcluded },
    });
  }
  if (rolloverIn > 0) notes.push({ key: "credits.status.rolloverApplied", params: { rolloverIn } });

  const surplus = Math.max(0, countedOwn - required);
  return {
    earned,
    counted,
    required,
    met: reasons.length === 0,
    byCategory,
    byCompetency,
    competenciesCovered,
    inPerson,
    onlineExcluded,
    rolloverIn,
    surplus,
    rolloverOut: Math.min(surplus, rules.rolloverCapPoints),
    reasons,
    notes,
  };
}
