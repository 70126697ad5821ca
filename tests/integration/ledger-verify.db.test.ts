// The kept credit summaries against the ledger they summarise: the triggers keep them equal
// through awards, batches and reversals (also into a later year when a year is closed); the
// bulk readers return what aggregating the entries returns; and `npm run ledger:verify` finds
// a summary row that was changed, removed or invented behind the ledger's back.
import { spawnSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import {
  awardCredits,
  awardCreditsMany,
  creditStatusesForYear,
  creditStatusForYear,
  personYearTotals,
  reverseEntry,
  splitByWeights,
  type AwardInput,
} from "~/credits/ledger.server";
import { CREDIT_CATEGORIES, type CreditCategory } from "~/credits/status";
import { describeDifference, verifyLedgerSummaries } from "~/credits/verify.server";
import { db } from "~/utils/db.server";
import { makePerson, makeUnitTree } from "../support/factories";

const people: number[] = [];
const competencies: number[] = [];

/** A small deterministic PRNG, so a failure reproduces. */
function random(seed: number) {
  let state = seed;
  return (max: number) => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return (state >>> 8) % max;
  };
}

beforeAll(async () => {
  const tree = await makeUnitTree();
  for (let i = 0; i < 6; i++) people.push((await makePerson(tree.streets[i % 2].areaId)).id);
  const framework = await db.competencyFramework.create({
    data: { version: 1, nameZh: "素养", nameEn: "Competencies", status: "active" },
  });
  for (const code of ["a", "b", "c", "d"]) {
    competencies.push((await db.competency.create({ data: { frameworkId: framework.id, code, nameZh: code, nameEn: code } })).id);
  }
  await db.creditYear.createMany({ data: [{ year: 2024, status: "closed" }, { year: 2025, status: "open" }, { year: 2026, status: "open" }] });

  // 90 awards over three years, five categories, 1–3 competency parts, deductions included.
  const next = random(42);
  const inputs: AwardInput[] = [];
  for (let i = 0; i < 90; i++) {
    const category = CREDIT_CATEGORIES[next(CREDIT_CATEGORIES.length)] as CreditCategory;
    const amount = (50 + next(40) * 25) * (category === "adjustment" && next(3) === 0 ? -1 : 1);
    const parts = competencies.slice(0, 1 + next(3)).map((competencyId) => ({ competencyId, weight: 1 + next(3) }));
    inputs.push({
      personId: people[next(people.length)],
      creditYear: 2024 + next(3),
      amount,
      category,
      sourceType: category === "adjustment" ? "adjustment" : "import",
      sourceKey: `verify-test:${i}`,
      competencies: splitByWeights(amount, parts),
    });
  }
  for (const input of inputs.slice(0, 30)) await awardCredits(db, input);
  await awardCreditsMany(db, inputs.slice(30));
  // Repeats change nothing (idempotent on the source key).
  await awardCreditsMany(db, inputs.slice(0, 10));
  // Reversals: some in open years, some of 2024 entries (closed: booked in 2025).
  const entries = await db.ledgerEntry.findMany({ where: { sourceKey: { startsWith: "verify-test:" } }, orderBy: { id: "asc" } });
  for (const entry of entries.filter((_, i) => i % 7 === 0)) {
    await reverseEntry(db, { entryId: entry.id, reason: "test reversal" });
  }
}, 120_000);

/** The totals recomputed the slow way: every entry and part read and summed in JavaScript. */
async function totalsFromEntries(year: number) {
  const entries = await db.ledgerEntry.findMany({
    where: { creditYear: year },
    select: { personId: true, category: true, amount: true, competencies: { select: { competencyId: true, amount: true } } },
  });
  const result = new Map<number, { byCategory: Record<string, number>; byCompetency: Record<number, number> }>();
  for (const id of people) {
    result.set(id, { byCategory: Object.fromEntries(CREDIT_CATEGORIES.map((c) => [c, 0])), byCompetency: {} });
  }
  for (const entry of entries) {
    const totals = result.get(entry.personId)!;
    totals.byCategory[entry.category] += entry.amount;
    for (const part of entry.competencies) {
      totals.byCompetency[part.competencyId] = (totals.byCompetency[part.competencyId] ?? 0) + part.amount;
    }
  }
  return result;
}

describe("the credit summaries", () => {
  it("equal the entries after awards, batches and reversals (also a closed year's, booked later)", async () => {
    expect(await db.ledgerEntry.count({ where: { sourceType: "reversal", creditYear: 2025, reversesEntry: { creditYear: 2024 } } })).toBeGreaterThan(0);
    const result = await verifyLedgerSummaries(db);
    expect(result.differences).toEqual([]);
    expect(result).toMatchObject({ ok: true, differenceCount: 0 });
    expect(result.checked.categories).toBeGreaterThan(20);
    expect(result.checked.competencies).toBeGreaterThan(20);
  });

  it("give the bulk and single readers exactly what aggregating the ledger gives", async () => {
    for (const year of [2024, 2025, 2026]) {
      const expected = await totalsFromEntries(year);
      const many = await creditStatusesForYear(db, year, people);
      for (const personId of people) {
        const single = await personYearTotals(db, personId, year);
        expect(single).toEqual(expected.get(personId));
        expect(many.get(personId)!.byCategory).toEqual(expected.get(personId)!.byCategory);
        expect(many.get(personId)!.byCompetency).toEqual(expected.get(personId)!.byCompetency);
        expect(many.get(personId)).toEqual(await creditStatusForYear(db, personId, year));
      }
    }
  });

  it("read people with no entries as zeros, duplicates and an empty list included", async () => {
    const tree = await makeUnitTree();
    const nobody = (await makePerson(tree.streets[0].areaId)).id;
    const statuses = await creditStatusesForYear(db, 2026, [nobody, nobody, people[0]]);
    expect(statuses.get(nobody)).toMatchObject({ earned: 0, met: false, competenciesCovered: 0 });
    expect(statuses.get(people[0])!.earned).toBe((await creditStatusForYear(db, people[0], 2026)).earned);
    expect((await creditStatusesForYear(db, 2026, [])).size).toBe(0);
  });
});

describe("the ledger cannot be emptied behind the summaries' back", () => {
  it("refuses deleting every entry, and on PostgreSQL TRUNCATE, leaving entries and summaries as they were", async () => {
    const before = await db.ledgerEntry.count();
    await expect(db.$executeRawUnsafe(`DELETE FROM "LedgerCompetency"`)).rejects.toThrow(/append-only/);
    await expect(db.$executeRawUnsafe(`DELETE FROM "LedgerEntry"`)).rejects.toThrow(/append-only/);
    if (process.env.TEST_DIALECT === "postgresql") {
      await expect(db.$executeRawUnsafe(`TRUNCATE "LedgerEntry", "LedgerCompetency"`)).rejects.toThrow(/append-only/);
    }
    expect(await db.ledgerEntry.count()).toBe(before);
    expect((await verifyLedgerSummaries(db)).ok).toBe(true);
  });
});

function runVerify() {
  return spawnSync("node", ["--import", "tsx", "scripts/ledger-verify.ts"], {
    env: { ...process.env, LOG_LEVEL: "error" },
    encoding: "utf8",
    timeout: 60_000,
  });
}

describe("npm run ledger:verify", () => {
  it("exits 0 with a summary line on a clean ledger", () => {
    const clean = runVerify();
    expect(clean.stderr).toBe("");
    expect(clean.status).toBe(0);
    expect(clean.stdout).toMatch(/ledger:verify: clean — \d+ category balances and \d+ competency balances match/);
  }, 60_000);

  it("reports a changed, a removed and an invented summary row, and the script exits 1", async () => {
    const [person, other] = people;
    const summary = await db.creditSummary.findFirstOrThrow({ where: { personId: person }, orderBy: [{ creditYear: "asc" }, { category: "asc" }] });
    const part = await db.creditCompetencySummary.findFirstOrThrow({ where: { personId: other }, orderBy: [{ creditYear: "asc" }, { competencyId: "asc" }] });
    // Tampering behind the ledger's back (the summaries are plain tables; only the ledger is append-only).
    await db.$executeRaw`UPDATE "CreditSummary" SET "amount" = "amount" + 7 WHERE "personId" = ${person} AND "creditYear" = ${summary.creditYear} AND "category" = ${summary.category}`;
    await db.$executeRaw`DELETE FROM "CreditCompetencySummary" WHERE "personId" = ${other} AND "creditYear" = ${part.creditYear} AND "competencyId" = ${part.competencyId}`;
    await db.$executeRaw`INSERT INTO "CreditSummary" ("personId", "creditYear", "category", "amount", "entries") VALUES (${person}, 2031, 'online', 500, 1)`;

    const result = await verifyLedgerSummaries(db);
    expect(result.ok).toBe(false);
    expect(result.differenceCount).toBe(3);
    expect(result.differences).toEqual(
      expect.arrayContaining([
        {
          table: "CreditSummary",
          personId: person,
          creditYear: summary.creditYear,
          key: summary.category,
          expected: { amount: summary.amount, entries: summary.entries },
          stored: { amount: summary.amount + 7, entries: summary.entries },
        },
        {
          table: "CreditCompetencySummary",
          personId: other,
          creditYear: part.creditYear,
          key: String(part.competencyId),
          expected: { amount: part.amount, entries: null },
          stored: null,
        },
        { table: "CreditSummary", personId: person, creditYear: 2031, key: "online", expected: null, stored: { amount: 500, entries: 1 } },
      ]),
    );
    expect((await verifyLedgerSummaries(db, { limit: 1 })).differences).toHaveLength(1);

    const dirty = runVerify();
    expect(dirty.status).toBe(1);
    const lines = dirty.stdout.trim().split("\n");
    for (const difference of result.differences) expect(lines).toContain(describeDifference(difference));
    expect(lines.at(-1)).toMatch(/^ledger:verify: 3 difference\(s\) between the summaries and the ledger/);
    expect(describeDifference(result.differences.find((d) => d.creditYear === 2031)!)).toBe(
      `person ${person}, year 2031, category online: expected no row, stored 500 (1 entries)`,
    );
  }, 60_000);
});
