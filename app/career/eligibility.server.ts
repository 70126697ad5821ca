// Eligibility rounds: the rule sets (versioned EligibilityRuleSet rows, demo defaults seeded
// on first read) and the candidate list of a rule set for a year, computed for everyone in the
// viewer's scope in a bounded number of queries: the people, their appraisals in the needed
// years, and creditStatusesForYear (THE status computation) once per needed year.
import { recordAudit } from "~/audit/audit.server";
import { unitScopeWhere, type SessionUser } from "~/auth/guards.server";
import { creditStatusesForYear } from "~/credits/ledger.server";
import { inTransaction, isUniqueViolation } from "~/db/transaction.server";
import { db, type DbTx } from "~/utils/db.server";
import { CareerError } from "./appraisals.server";
import {
  DEFAULT_RULE_SETS,
  evaluateRules,
  neededYears,
  parseRuleSetRules,
  serializeRuleSetRules,
  type Evaluation,
  type RuleSetRules,
} from "./eligibility-rules";
import { isRating, type Rating } from "./ladder";

const ruleSetSelect = { id: true, code: true, version: true, kind: true, nameZh: true, nameEn: true, rules: true, active: true, createdAt: true } as const;

export type RuleSet = { id: number; code: string; version: number; kind: string; nameZh: string; nameEn: string; rules: RuleSetRules; createdAt: Date };

function toRuleSet(row: { id: number; code: string; version: number; kind: string; nameZh: string; nameEn: string; rules: string; createdAt: Date }): RuleSet {
  const parsed = parseRuleSetRules(row.rules);
  // Stored rules were validated when saved; failing now means the row was edited by hand.
  if (!parsed.ok) throw new Error(`EligibilityRuleSet ${row.code} v${row.version} is invalid: ${parsed.errors.map((e) => `${e.path} ${e.message}`).join(", ")}`);
  return { id: row.id, code: row.code, version: row.version, kind: row.kind, nameZh: row.nameZh, nameEn: row.nameEn, rules: parsed.rules, createdAt: row.createdAt };
}

/** Seeds the demo defaults when the table is empty, in one audited transaction. */
export async function ensureDefaultRuleSets(): Promise<void> {
  if ((await db.eligibilityRuleSet.count()) > 0) return;
  try {
    // A retry after another request's seeding committed finds the rows and stops.
    await inTransaction(async (tx) => {
      if ((await tx.eligibilityRuleSet.count()) > 0) return;
      for (const set of DEFAULT_RULE_SETS) {
        const row = await tx.eligibilityRuleSet.create({
          data: { code: set.code, version: 1, kind: set.kind, nameZh: set.nameZh, nameEn: set.nameEn, rules: serializeRuleSetRules(set.rules) },
          select: { id: true },
        });
        await recordAudit(tx, {
          actorId: null,
          action: "eligibility.rules_seeded",
          entityType: "EligibilityRuleSet",
          entityId: row.id,
          after: { code: set.code, version: 1, rules: set.rules },
          reason: "demo defaults",
        });
      }
    });
  } catch (error) {
    // Another request seeded them first (the unique code+version): theirs stand.
    if (!isUniqueViolation(error)) throw error;
  }
}

/** The current (highest) version of every rule set, in a fixed order. */
export async function listRuleSets(): Promise<RuleSet[]> {
  await ensureDefaultRuleSets();
  const rows = await db.eligibilityRuleSet.findMany({ orderBy: [{ code: "asc" }, { version: "desc" }], select: ruleSetSelect });
  const latest = new Map<string, (typeof rows)[number]>();
  for (const row of rows) if (!latest.has(row.code)) latest.set(row.code, row);
  return [...latest.values()].map(toRuleSet);
}

export async function currentRuleSet(client: DbTx, code: string): Promise<RuleSet | null> {
  const row = await client.eligibilityRuleSet.findFirst({ where: { code }, orderBy: { version: "desc" }, select: ruleSetSelect });
  return row ? toRuleSet(row) : null;
}

/**
 * Saves new rules for a rule set as a new version (the old ones stay, inactive), audited with
 * before and after. Two simultaneous saves: the second hits the unique (code, version) and is
 * refused with 409.
 */
export async function saveRuleSetVersion(actor: SessionUser, input: { code: string; rules: RuleSetRules; reason: string | null }): Promise<RuleSet> {
  try {
    // A duplicate (code, version) is NOT retried: it means another save won, and redoing this
    // one on top of it would overwrite rules its author never saw (refused with 409 below).
    return await inTransaction(async (tx) => {
      const before = await currentRuleSet(tx, input.code);
      if (!before) throw new CareerError("eligibility.ruleSets.notFound", {}, 404);
      const row = await tx.eligibilityRuleSet.create({
        data: {
          code: before.code,
          version: before.version + 1,
          kind: before.kind,
          nameZh: before.nameZh,
          nameEn: before.nameEn,
          rules: serializeRuleSetRules(input.rules),
        },
        select: ruleSetSelect,
      });
      await tx.eligibilityRuleSet.updateMany({ where: { code: before.code, version: { lt: row.version } }, data: { active: false } });
      await recordAudit(tx, {
        actorId: actor.id,
        action: "eligibility.rules_changed",
        entityType: "EligibilityRuleSet",
        entityId: row.id,
        before: { code: before.code, version: before.version, rules: before.rules },
        after: { code: row.code, version: row.version, rules: input.rules },
        reason: input.reason,
      });
      return toRuleSet(row);
    }, { retryUniqueViolations: false });
  } catch (error) {
    if (isUniqueViolation(error)) throw new CareerError("eligibility.ruleSets.conflict", {}, 409);
    throw error;
  }
}

export type Candidate = {
  id: number;
  employeeNo: string;
  name: string;
  postTypeCode: string;
  grade: number;
  unit: { nameZh: string; nameEn: string };
} & Evaluation;

/** Every active person in the viewer's scope, evaluated against the rule set; eligible first. */
export async function candidateList(viewer: SessionUser, ruleSet: RuleSet, year: number): Promise<Candidate[]> {
  const people = await db.person.findMany({
    where: { active: true, unit: unitScopeWhere(viewer) },
    orderBy: { employeeNo: "asc" },
    select: {
      id: true,
      employeeNo: true,
      name: true,
      postTypeCode: true,
      grade: true,
      birthYear: true,
      secretarySince: true,
      unit: { select: { nameZh: true, nameEn: true } },
    },
  });
  const ids = people.map((p) => p.id);
  const { appraisalYears, creditYears } = neededYears(ruleSet.rules, year);
  const [appraisals, ...statuses] = await Promise.all([
    appraisalYears.length > 0 && ids.length > 0
      ? db.appraisal.findMany({ where: { year: { in: appraisalYears }, personId: { in: ids } }, select: { personId: true, year: true, rating: true } })
      : Promise.resolve([]),
    ...creditYears.map((y) => creditStatusesForYear(db, y, ids)),
  ]);
  const ratingsBy = new Map<number, Map<number, Rating>>();
  for (const a of appraisals) {
    if (!isRating(a.rating)) continue;
    let byYear = ratingsBy.get(a.personId);
    if (!byYear) ratingsBy.set(a.personId, (byYear = new Map()));
    byYear.set(a.year, a.rating);
  }
  const candidates = people.map(({ birthYear, secretarySince, ...p }) => {
    const credits = new Map(creditYears.map((y, i) => [y, statuses[i].get(p.id)!]));
    const evaluation = evaluateRules(
      ruleSet.rules,
      { secretarySince, postTypeCode: p.postTypeCode, grade: p.grade, birthYear, appraisals: ratingsBy.get(p.id) ?? new Map(), credits },
      year,
    );
    return { ...p, ...evaluation };
  });
  // Stable: within each group the employeeNo order stays.
  return [...candidates.filter((c) => c.eligible), ...candidates.filter((c) => !c.eligible)];
}
