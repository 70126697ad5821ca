// The credit ledger: the only way points are written, and the one place they are summed.
//
// The ledger is append-only (database triggers refuse UPDATE and DELETE on both dialects), so
// a correction is a reversal entry, never an edit. Every entry has a unique sourceKey naming
// what earned it ("completion:enrolment:42"); awarding is idempotent on that key, so a retried
// request, a double click or two servers releasing the same grades write one entry.
import { Prisma } from "~/generated/sqlite/client";
import { dialect, type DbTx } from "~/utils/db.server";
import { DEFAULT_POLICY_RULES, parsePolicyRules, type CreditPolicyRules } from "./policy";
import { openCreditYearFrom } from "./years.server";
import { computeCreditStatus, isCreditCategory, type CreditCategory, type CreditStatus, type CreditTotals } from "./status";

export type LedgerErrorCode =
  | "ledger.errors.invalidAmount"
  | "ledger.errors.invalidCategory"
  | "ledger.errors.invalidSourceKey"
  | "ledger.errors.competencySumMismatch"
  | "ledger.errors.duplicateCompetency"
  | "ledger.errors.sourceKeyConflict"
  | "ledger.errors.entryNotFound"
  | "ledger.errors.cannotReverseReversal"
  | "ledger.errors.reasonRequired"
  | "ledger.errors.invalidWeights";

/** A refused ledger write; `code` is a message key, `params` its figures. */
export class LedgerError extends Error {
  readonly code: LedgerErrorCode;
  readonly params: Record<string, string | number>;
  constructor(code: LedgerErrorCode, params: Record<string, string | number> = {}) {
    super(`${code} ${JSON.stringify(params)}`);
    this.name = "LedgerError";
    this.code = code;
    this.params = params;
  }
}

export type CompetencyShare = { competencyId: number; amount: number };

export type AwardInput = {
  personId: number;
  creditYear: number;
  /** Centipoints; non-zero. Negative only for deductions (adjustments). */
  amount: number;
  category: CreditCategory;
  /** completion | camp_release | adjustment | import (reversals go through reverseEntry) */
  sourceType: string;
  sourceKey: string;
  /** Must add up to `amount` exactly; use splitByWeights to get there. */
  competencies: CompetencyShare[];
  offeringId?: number | null;
  campId?: number | null;
  adjustmentId?: number | null;
  note?: string;
  createdById?: number | null;
  /** Only for importing historical records; new awards are stamped by the database. */
  createdAt?: Date;
};

const entrySelect = {
  id: true,
  personId: true,
  creditYear: true,
  amount: true,
  category: true,
  sourceType: true,
  sourceKey: true,
  reversesEntryId: true,
  offeringId: true,
  campId: true,
  adjustmentId: true,
  note: true,
  createdById: true,
  createdAt: true,
  competencies: { select: { competencyId: true, amount: true }, orderBy: { competencyId: "asc" } },
} as const;

export type LedgerEntryWithShares = {
  id: number;
  personId: number;
  creditYear: number;
  amount: number;
  category: string;
  sourceType: string;
  sourceKey: string;
  reversesEntryId: number | null;
  offeringId: number | null;
  campId: number | null;
  adjustmentId: number | null;
  note: string;
  createdById: number | null;
  createdAt: Date;
  competencies: CompetencyShare[];
};

export type AwardResult = { entry: LedgerEntryWithShares; created: boolean };

// ---------------------------------------------------------------- splitting

/**
 * Splits `amount` over competencies in proportion to integer weights (largest remainder), so
 * the parts add up to exactly `amount`. Ties go to the earlier item, which keeps the split
 * stable across runs. Works for negative amounts (the split of |amount|, negated).
 */
export function splitByWeights(
  amount: number,
  weights: { competencyId: number; weight: number }[],
): CompetencyShare[] {
  if (!Number.isInteger(amount)) throw new LedgerError("ledger.errors.invalidAmount", { amount });
  const total = weights.reduce((sum, w) => sum + w.weight, 0);
  if (weights.length === 0 || total <= 0 || weights.some((w) => !Number.isInteger(w.weight) || w.weight < 0)) {
    throw new LedgerError("ledger.errors.invalidWeights");
  }
  const sign = amount < 0 ? -1 : 1;
  const magnitude = Math.abs(amount);
  const parts = weights.map((w, index) => {
    const exact = magnitude * w.weight;
    return { competencyId: w.competencyId, floor: Math.floor(exact / total), remainder: exact % total, index };
  });
  let left = magnitude - parts.reduce((sum, p) => sum + p.floor, 0);
  const byRemainder = [...parts].sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const part of byRemainder) {
    if (left === 0) break;
    part.floor += 1;
    left -= 1;
  }
  return parts.map((p) => ({ competencyId: p.competencyId, amount: sign * p.floor }));
}

// ---------------------------------------------------------------- writing

function validateAward(input: AwardInput): CompetencyShare[] {
  if (!Number.isInteger(input.amount) || input.amount === 0) {
    throw new LedgerError("ledger.errors.invalidAmount", { amount: input.amount });
  }
  if (!isCreditCategory(input.category)) {
    throw new LedgerError("ledger.errors.invalidCategory", { category: String(input.category) });
  }
  if (!input.sourceKey.trim()) throw new LedgerError("ledger.errors.invalidSourceKey");
  const seen = new Set<number>();
  let sum = 0;
  for (const share of input.competencies) {
    if (seen.has(share.competencyId)) {
      throw new LedgerError("ledger.errors.duplicateCompetency", { competencyId: share.competencyId });
    }
    seen.add(share.competencyId);
    if (!Number.isInteger(share.amount)) throw new LedgerError("ledger.errors.invalidAmount", { amount: share.amount });
    sum += share.amount;
  }
  if (sum !== input.amount) {
    throw new LedgerError("ledger.errors.competencySumMismatch", { amount: input.amount, sum });
  }
  // A zero part says nothing and would only clutter the competency profile.
  return input.competencies.filter((share) => share.amount !== 0);
}

function isUniqueViolation(error: unknown) {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}

/** Interactive-transaction clients have no $transaction of their own. */
function isTransaction(client: DbTx) {
  return typeof (client as { $transaction?: unknown }).$transaction !== "function";
}

let savepointCounter = 0;

/**
 * Runs `write`; if it hits a unique constraint, returns null instead of throwing and leaves
 * the caller's transaction usable. Inside a transaction that needs a savepoint: PostgreSQL
 * aborts the whole transaction on a failed statement. Not for concurrent use within one
 * transaction (savepoints nest; interleaving them would roll back a neighbour's work).
 */
async function unlessDuplicate<T>(client: DbTx, write: () => Promise<T>): Promise<T | null> {
  if (!isTransaction(client)) {
    try {
      return await write();
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
  }
  const savepoint = `lane_ledger_${++savepointCounter}`;
  await client.$executeRawUnsafe(`SAVEPOINT ${savepoint}`);
  try {
    const result = await write();
    await client.$executeRawUnsafe(`RELEASE SAVEPOINT ${savepoint}`);
    return result;
  } catch (error) {
    await client.$executeRawUnsafe(`ROLLBACK TO SAVEPOINT ${savepoint}`);
    if (isUniqueViolation(error)) return null;
    throw error;
  }
}

async function findBySourceKey(client: DbTx, sourceKey: string): Promise<LedgerEntryWithShares | null> {
  return client.ledgerEntry.findUnique({ where: { sourceKey }, select: entrySelect });
}

type AwardIdentity = { personId: number; creditYear: number; amount: number; category: string };

/** The same key reused for a different award is a bug upstream: refuse, don't hide it. */
function assertSameAward(existing: AwardIdentity & { id: number; sourceKey: string }, input: AwardIdentity) {
  if (
    existing.personId !== input.personId ||
    existing.creditYear !== input.creditYear ||
    existing.amount !== input.amount ||
    existing.category !== input.category
  ) {
    throw new LedgerError("ledger.errors.sourceKeyConflict", { sourceKey: existing.sourceKey, entryId: existing.id });
  }
}

type EntryData = Omit<AwardInput, "competencies"> & { reversesEntryId?: number | null };

function entryRow(data: EntryData) {
  return {
    personId: data.personId,
    creditYear: data.creditYear,
    amount: data.amount,
    category: data.category,
    sourceType: data.sourceType,
    sourceKey: data.sourceKey,
    reversesEntryId: data.reversesEntryId ?? null,
    offeringId: data.offeringId ?? null,
    campId: data.campId ?? null,
    adjustmentId: data.adjustmentId ?? null,
    note: data.note ?? "",
    createdById: data.createdById ?? null,
    ...(data.createdAt ? { createdAt: data.createdAt } : {}),
  };
}

async function insertIdempotent(client: DbTx, data: EntryData, shares: CompetencyShare[]): Promise<AwardResult> {
  const existing = await findBySourceKey(client, data.sourceKey);
  if (existing) {
    assertSameAward(existing, data);
    return { entry: existing, created: false };
  }
  const entry = await unlessDuplicate(client, () =>
    client.ledgerEntry.create({
      data: { ...entryRow(data), competencies: { createMany: { data: shares } } },
      select: entrySelect,
    }),
  );
  if (entry) return { entry, created: true };
  // Lost a race with an identical award that committed in between: that one stands.
  const winner = await findBySourceKey(client, data.sourceKey);
  if (!winner) throw new Error(`ledger: unique violation on ${data.sourceKey} but no entry found`);
  assertSameAward(winner, data);
  return { entry: winner, created: false };
}

/**
 * Writes one ledger entry with its competency shares, once per sourceKey. A repeat (or a
 * concurrent duplicate that hits the unique key) returns the existing entry with
 * created: false. Throws LedgerError when the shares don't add up to the amount, or when the
 * key already belongs to a different award.
 */
export async function awardCredits(client: DbTx, input: AwardInput): Promise<AwardResult> {
  const shares = validateAward(input);
  return insertIdempotent(client, input, shares);
}

const BATCH = 400;

/**
 * awardCredits for many entries at once (year-end imports, releasing a camp's grades, the
 * demo seed): a few statements per few hundred entries instead of several per entry. Same
 * validation and idempotency; if a concurrent writer gets in first, falls back to one by one.
 * Returns, in input order, the entry id and whether this call created it.
 */
export async function awardCreditsMany(
  client: DbTx,
  inputs: AwardInput[],
): Promise<{ sourceKey: string; entryId: number; created: boolean }[]> {
  const prepared = inputs.map((input) => ({ input, shares: validateAward(input) }));
  const results = new Map<string, { entryId: number; created: boolean }>();

  for (let start = 0; start < prepared.length; start += BATCH) {
    const chunk = prepared.slice(start, start + BATCH);
    const keys = [...new Set(chunk.map((p) => p.input.sourceKey))];
    const existing = await client.ledgerEntry.findMany({
      where: { sourceKey: { in: keys } },
      select: { id: true, sourceKey: true, personId: true, creditYear: true, amount: true, category: true },
    });
    for (const row of existing) {
      const input = chunk.find((p) => p.input.sourceKey === row.sourceKey)!.input;
      assertSameAward(row, input);
      results.set(row.sourceKey, { entryId: row.id, created: false });
    }
    const fresh: typeof chunk = [];
    for (const item of chunk) {
      if (results.has(item.input.sourceKey)) continue;
      const twin = fresh.find((f) => f.input.sourceKey === item.input.sourceKey);
      if (twin) {
        assertSameAward({ ...twin.input, id: 0 }, item.input);
        continue;
      }
      fresh.push(item);
    }
    if (fresh.length === 0) continue;

    const writeBatch = async (tx: DbTx) => {
      const rows = await tx.ledgerEntry.createManyAndReturn({
        data: fresh.map((f) => entryRow(f.input)),
        select: { id: true, sourceKey: true },
      });
      const idByKey = new Map(rows.map((row) => [row.sourceKey, row.id]));
      const shareRows = fresh.flatMap((f) =>
        f.shares.map((share) => ({ entryId: idByKey.get(f.input.sourceKey)!, ...share })),
      );
      if (shareRows.length > 0) await tx.ledgerCompetency.createMany({ data: shareRows });
      return idByKey;
    };
    const idByKey = isTransaction(client)
      ? await unlessDuplicate(client, () => writeBatch(client))
      : await unlessDuplicate(client, () =>
          (client as unknown as { $transaction: <T>(fn: (tx: DbTx) => Promise<T>) => Promise<T> }).$transaction(writeBatch),
        );
    if (idByKey) {
      for (const [sourceKey, entryId] of idByKey) results.set(sourceKey, { entryId, created: true });
    } else {
      for (const item of fresh) {
        const { entry, created } = await insertIdempotent(client, item.input, item.shares);
        results.set(item.input.sourceKey, { entryId: entry.id, created });
      }
    }
  }
  // A key given twice in one call: the first occurrence created it, the second did not.
  const reported = new Set<string>();
  return inputs.map((input) => {
    const result = results.get(input.sourceKey)!;
    const created = result.created && !reported.has(input.sourceKey);
    reported.add(input.sourceKey);
    return { sourceKey: input.sourceKey, entryId: result.entryId, created };
  });
}

/**
 * Cancels an entry by appending its negation (same person, category and competencies; the
 * same credit year unless that year is closed, then the first open year after it, said in the
 * note; sourceType "reversal", sourceKey "reversal:<id>"). An entry is reversed at most once — a
 * repeat returns the existing reversal — and a reversal itself cannot be reversed: to restore
 * the points, award them again under a new source key.
 */
export async function reverseEntry(
  client: DbTx,
  input: { entryId: number; reason: string; createdById?: number | null },
): Promise<AwardResult> {
  if (!input.reason.trim()) throw new LedgerError("ledger.errors.reasonRequired");
  const original = await client.ledgerEntry.findUnique({ where: { id: input.entryId }, select: entrySelect });
  if (!original) throw new LedgerError("ledger.errors.entryNotFound", { entryId: input.entryId });
  if (original.sourceType === "reversal" || original.reversesEntryId !== null) {
    throw new LedgerError("ledger.errors.cannotReverseReversal", { entryId: input.entryId });
  }
  // A repeat returns the reversal already made, even if the years have been closed or
  // reopened since (which would otherwise move the target year and look like a conflict).
  const already = await findBySourceKey(client, `reversal:${original.id}`);
  if (already) return { entry: already, created: false };
  // A closed year is frozen: the reversal is booked in the first open year after it.
  const creditYear = await openCreditYearFrom(client, original.creditYear);
  const reason = input.reason.trim();
  const note =
    creditYear === original.creditYear
      ? reason
      : `${reason} [${original.creditYear}年已结账，冲销记入${creditYear}年 / ${original.creditYear} is closed: reversal booked in ${creditYear}]`;
  return insertIdempotent(
    client,
    {
      personId: original.personId,
      creditYear,
      amount: -original.amount,
      category: original.category as CreditCategory,
      sourceType: "reversal",
      sourceKey: `reversal:${original.id}`,
      reversesEntryId: original.id,
      offeringId: original.offeringId,
      campId: original.campId,
      adjustmentId: original.adjustmentId,
      note,
      createdById: input.createdById ?? null,
    },
    original.competencies.map((share) => ({ competencyId: share.competencyId, amount: -share.amount })),
  );
}

// ---------------------------------------------------------------- reading

function emptyCategories(): Record<CreditCategory, number> {
  return { in_person: 0, online: 0, camp: 0, external: 0, adjustment: 0 } satisfies Record<CreditCategory, number>;
}

/**
 * Net sums of one person's year by category and by competency, read from the summaries the
 * ledger triggers keep (CreditSummary, CreditCompetencySummary; `npm run ledger:verify`
 * proves them equal to the entries): two primary-key lookups instead of aggregating entries.
 */
export async function personYearTotals(
  client: DbTx,
  personId: number,
  year: number,
): Promise<{ byCategory: Record<CreditCategory, number>; byCompetency: Record<number, number> }> {
  const [categories, competencies] = await Promise.all([
    client.creditSummary.findMany({ where: { personId, creditYear: year }, select: { category: true, amount: true } }),
    client.creditCompetencySummary.findMany({
      where: { personId, creditYear: year },
      select: { competencyId: true, amount: true },
    }),
  ]);
  const byCategory = emptyCategories();
  for (const row of categories) {
    if (isCreditCategory(row.category)) byCategory[row.category] += row.amount;
  }
  const byCompetency: Record<number, number> = {};
  for (const row of competencies) byCompetency[row.competencyId] = row.amount;
  return { byCategory, byCompetency };
}

/** The year's rules in force: the highest CreditPolicy version, else the defaults. */
export async function policyForYear(
  client: DbTx,
  year: number,
): Promise<{ rules: CreditPolicyRules; version: number | null }> {
  const row = await client.creditPolicy.findFirst({
    where: { year },
    orderBy: { version: "desc" },
    select: { version: true, rules: true },
  });
  if (!row) return { rules: DEFAULT_POLICY_RULES, version: null };
  const parsed = parsePolicyRules(row.rules);
  // Stored rules were validated when saved; failing now means the row was edited by hand.
  if (!parsed.ok) {
    throw new Error(`CreditPolicy ${year} v${row.version} is invalid: ${parsed.errors.map((e) => `${e.path} ${e.key}`).join(", ")}`);
  }
  return { rules: parsed.rules, version: row.version };
}

export type YearCreditStatus = CreditStatus & { year: number; policyVersion: number | null };

/**
 * A person's status for `year`, with the surplus carried in from the year before (capped by
 * that year's policy). The carried surplus does not depend on what that year itself carried
 * in (see computeCreditStatus), so one step back is enough.
 */
export async function creditStatusForYear(client: DbTx, personId: number, year: number): Promise<YearCreditStatus> {
  const [policy, totals, previousPolicy, previousTotals] = await Promise.all([
    policyForYear(client, year),
    personYearTotals(client, personId, year),
    policyForYear(client, year - 1),
    personYearTotals(client, personId, year - 1),
  ]);
  const rolloverIn = computeCreditStatus(previousPolicy.rules, previousTotals).rolloverOut;
  return { ...computeCreditStatus(policy.rules, { ...totals, rolloverIn }), year, policyVersion: policy.version };
}

/**
 * Totals for many people in one year (for reports and exports; feed each into
 * computeCreditStatus), read from the kept summaries: one indexed query per summary table,
 * whatever the number of people (see forEachSummaryRow). People without entries are present with
 * zeros. `competencies: false` skips the competency summary (byCompetency stays empty): enough
 * for the surplus a year carries forward, which depends on the categories only.
 */
export async function yearTotalsForPeople(
  client: DbTx,
  year: number,
  personIds: number[],
  options: { competencies?: boolean } = {},
): Promise<Map<number, CreditTotals & { byCategory: Record<CreditCategory, number> }>> {
  const result = new Map<number, { byCategory: Record<CreditCategory, number>; byCompetency: Record<number, number> }>();
  for (const id of personIds) result.set(id, { byCategory: emptyCategories(), byCompetency: {} });
  if (personIds.length === 0) return result;
  await Promise.all([
    forEachSummaryRow(client, "CreditSummary", "category", year, personIds, (personId, category, amount) => {
      const totals = result.get(personId);
      if (totals && isCreditCategory(category)) totals.byCategory[category] += amount;
    }),
    options.competencies === false
      ? null
      : forEachSummaryRow(client, "CreditCompetencySummary", "competencyId", year, personIds, (personId, competencyId, amount) => {
          const totals = result.get(personId);
          if (totals) totals.byCompetency[Number(competencyId)] = amount;
        }),
  ]);
  return result;
}

/**
 * One year's summary rows of these people, handed to `visit(personId, key, amount)`, from ONE
 * statement whatever their number: the ids travel as one parameter (a JSON array for SQLite's
 * json_each, an int[] literal for PostgreSQL), not one parameter each (bound-parameter limits),
 * and the rows come back concatenated into one string. Why: Prisma's raw-query cost is per
 * row and value — for 20,000 people (≈ 200,000 competency rows) on the bench data, 1.4 s as
 * rows against 0.26 s as one string. The string is scanned in place (no split into 200,000
 * pieces and tuples: that garbage was a quarter of a district report's time). Keys are
 * categories (validated on write: no ',' or ':') and competency ids.
 */
async function forEachSummaryRow(
  client: DbTx,
  table: "CreditSummary" | "CreditCompetencySummary",
  keyColumn: "category" | "competencyId",
  year: number,
  personIds: number[],
  visit: (personId: number, key: string, amount: number) => void,
): Promise<void> {
  const ids = [...new Set(personIds.map((id) => Math.trunc(id)))];
  const from = Prisma.raw(`"${table}"`);
  const [row] =
    dialect() === "postgresql"
      ? await client.$queryRaw<{ v: string | null }[]>`
          SELECT string_agg("personId"::text || ':' || "amount"::text || ':' || ${Prisma.raw(`"${keyColumn}"`)}::text, ',') AS "v"
          FROM ${from} WHERE "creditYear" = ${year} AND "personId" = ANY(${`{${ids.join(",")}}`}::int[])`
      : await client.$queryRaw<{ v: string | null }[]>`
          SELECT group_concat("personId" || ':' || "amount" || ':' || ${Prisma.raw(`"${keyColumn}"`)}, ',') AS "v"
          FROM ${from} WHERE "creditYear" = ${year} AND "personId" IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`;
  const text = row?.v;
  if (!text) return;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf(",", start);
    if (end === -1) end = text.length;
    const first = text.indexOf(":", start);
    const second = text.indexOf(":", first + 1);
    visit(Number(text.slice(start, first)), text.slice(second + 1, end), Number(text.slice(first + 1, second)));
    start = end + 1;
  }
}

/**
 * Each person's year totals with the surplus carried in from the year before (capped by that
 * year's policy) — the input of computeCreditStatus for `year` — plus the year's policy. Shared
 * by creditStatusesForYear and the policy preview, so both carry the same rollover.
 */
export async function yearTotalsWithRollover(
  client: DbTx,
  year: number,
  personIds: number[],
): Promise<{ policy: { rules: CreditPolicyRules; version: number | null }; totals: Map<number, CreditTotals> }> {
  const [policy, previousPolicy, totals, previousTotals] = await Promise.all([
    policyForYear(client, year),
    policyForYear(client, year - 1),
    yearTotalsForPeople(client, year, personIds),
    // The carried surplus depends on the previous year's categories only (computeCreditStatus):
    // its competency summary would be a third of the rows read for nothing.
    yearTotalsForPeople(client, year - 1, personIds, { competencies: false }),
  ]);
  for (const [personId, yearTotals] of totals) {
    yearTotals.rolloverIn = computeCreditStatus(previousPolicy.rules, previousTotals.get(personId)!).rolloverOut;
  }
  return { policy, totals };
}

/** creditStatusForYear for many people (rollover included), in a handful of queries. */
export async function creditStatusesForYear(
  client: DbTx,
  year: number,
  personIds: number[],
): Promise<Map<number, YearCreditStatus>> {
  const { policy, totals } = await yearTotalsWithRollover(client, year, personIds);
  const result = new Map<number, YearCreditStatus>();
  for (const personId of personIds) {
    const status = computeCreditStatus(policy.rules, totals.get(personId)!);
    result.set(personId, { ...status, year, policyVersion: policy.version });
  }
  return result;
}
