// The rules of the annual appraisal (年度考核), as data: a zod-validated object stored as JSON
// in the Setting row "appraisalRules" and edited by administrators at /admin/ladder. A field
// missing from the stored value takes its default. Client-safe and pure.
//
// Decisions (demo defaults, all editable):
// - The 优秀 quota is counted per street (kind "street"): the unit whose HR officer appraises
//   its people. A residential area has four or five people, too few for a percentage.
// - cap = floor(active people in the street × excellentSharePercent / 100), but at least 1
//   when the street has at least one person and excellentAtLeastOne is on (default): a small
//   street of 4 would otherwise never have an excellent worker. 25 people at 20% → 5.
// - A person whose credit requirement for the year is not met cannot be rated 优秀.
// - requireClosedYear (default off): when on, a year whose CreditYear is not closed cannot be
//   rated, so ratings rest on final credit figures.
import { z } from "zod";

export const APPRAISAL_RULES_KEY = "appraisalRules";

export const AppraisalRulesSchema = z.object({
  excellentSharePercent: z.number().int().min(0).max(100).default(20),
  excellentAtLeastOne: z.boolean().default(true),
  excellentRequiresCredits: z.boolean().default(true),
  requireClosedYear: z.boolean().default(false),
});
export type AppraisalRules = z.infer<typeof AppraisalRulesSchema>;
export const DEFAULT_APPRAISAL_RULES: AppraisalRules = AppraisalRulesSchema.parse({});

/** Stored text → rules; null (no row) gives the defaults. Throws on a hand-edited bad row. */
export function parseAppraisalRules(text: string | null | undefined): AppraisalRules {
  if (!text) return DEFAULT_APPRAISAL_RULES;
  return AppraisalRulesSchema.parse(JSON.parse(text));
}

/** Keys in a fixed order, so two versions in the audit log diff cleanly. */
export function serializeAppraisalRules(rules: AppraisalRules): string {
  return JSON.stringify({
    excellentSharePercent: rules.excellentSharePercent,
    excellentAtLeastOne: rules.excellentAtLeastOne,
    excellentRequiresCredits: rules.excellentRequiresCredits,
    requireClosedYear: rules.requireClosedYear,
  });
}

/** How many 优秀 a street of `headcount` active people may have. */
export function excellentCap(headcount: number, rules: AppraisalRules = DEFAULT_APPRAISAL_RULES): number {
  if (headcount <= 0) return 0;
  const share = Math.floor((headcount * rules.excellentSharePercent) / 100);
  return rules.excellentAtLeastOne ? Math.max(1, share) : share;
}
