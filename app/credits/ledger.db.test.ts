import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/utils/db.server";
import {
  awardCredits,
  awardCreditsMany,
  creditStatusesForYear,
  creditStatusForYear,
  LedgerError,
  personYearTotals,
  reverseEntry,
  splitByWeights,
  type AwardInput,
} from "./ledger.server";
import { DEFAULT_POLICY_RULES, serializePolicyRules } from "./policy";

// ---------------------------------------------------------------- minimal data

let unitSeq = 0;
async function makeUnit() {
  unitSeq += 1;
  const unit = await db.unit.create({
    data: { code: `T${unitSeq}`, nameZh: `测试区${unitSeq}`, nameEn: `Test ${unitSeq}`, kind: "district", path: "/" },
  });
  return db.unit.update({ where: { id: unit.id }, data: { path: `/${unit.id}/` } });
}

async function makePostType() {
  return db.postType.upsert({
    where: { code: "head" },
    update: {},
    create: { code: "head", nameZh: "负责人", nameEn: "Head", minGrade: 7, maxGrade: 18 },
  });
}

let personSeq = 0;
async function makePerson() {
  const [unit] = await Promise.all([makeUnit(), makePostType()]);
  personSeq += 1;
  return db.person.create({
    data: {
      employeeNo: `LT${personSeq}`,
      name: `测试${personSeq}`,
      unitId: unit.id,
      postTypeCode: "head",
      grade: 8,
      hiredOn: new Date("2015-03-01"),
      education: "bachelor",
    },
  });
}

async function makeCompetencies() {
  const framework = await db.competencyFramework.create({
    data: { version: 1, nameZh: "十大素养", nameEn: "Ten competencies", status: "active" },
  });
  const made = [];
  for (const code of ["political", "residents", "mediation"]) {
    made.push(await db.competency.create({ data: { frameworkId: framework.id, code, nameZh: code, nameEn: code } }));
  }
  return made.map((c) => c.id);
}

let c1: number, c2: number, c3: number;
beforeAll(async () => {
  [c1, c2, c3] = await makeCompetencies();
});

let awardSeq = 0;
function award(personId: number, overrides: Partial<AwardInput> = {}): AwardInput {
  awardSeq += 1;
  return {
    personId,
    creditYear: 2026,
    amount: 600,
    category: "in_person",
    sourceType: "completion",
    sourceKey: `completion:enrolment:${personId}-${awardSeq}`,
    competencies: [
      { competencyId: c1, amount: 400 },
      { competencyId: c2, amount: 200 },
    ],
    ...overrides,
  };
}

async function entryCount(personId: number) {
  return db.ledgerEntry.count({ where: { personId } });
}

// ---------------------------------------------------------------- splitting

describe("splitByWeights", () => {
  it("splits exactly when the weights divide evenly", () => {
    expect(splitByWeights(1000, [{ competencyId: 1, weight: 50 }, { competencyId: 2, weight: 30 }, { competencyId: 3, weight: 20 }])).toEqual([
      { competencyId: 1, amount: 500 },
      { competencyId: 2, amount: 300 },
      { competencyId: 3, amount: 200 },
    ]);
  });

  it("gives leftover centipoints to the largest remainders, ties to the earlier item", () => {
    // 100 / 3 = 33.33 each: one leftover, to the first.
    expect(splitByWeights(100, [1, 2, 3].map((id) => ({ competencyId: id, weight: 1 }))).map((p) => p.amount)).toEqual([34, 33, 33]);
    // 250 × (40, 35, 25)% = 100, 87.5, 62.5: one leftover; the .5 tie goes to the 35.
    expect(splitByWeights(250, [{ competencyId: 1, weight: 40 }, { competencyId: 2, weight: 35 }, { competencyId: 3, weight: 25 }]).map((p) => p.amount)).toEqual([100, 88, 62]);
    // 7 × (60, 30, 10)% = 4.2, 2.1, 0.7: floors 4, 2, 0, leftover 1 to the 0.7.
    expect(splitByWeights(7, [{ competencyId: 1, weight: 60 }, { competencyId: 2, weight: 30 }, { competencyId: 3, weight: 10 }]).map((p) => p.amount)).toEqual([4, 2, 1]);
  });

  it("mirrors negative amounts", () => {
    expect(splitByWeights(-250, [{ competencyId: 1, weight: 40 }, { competencyId: 2, weight: 35 }, { competencyId: 3, weight: 25 }]).map((p) => p.amount)).toEqual([-100, -88, -62]);
  });

  it("refuses weights that cannot split anything", () => {
    expect(() => splitByWeights(100, [])).toThrow(LedgerError);
    expect(() => splitByWeights(100, [{ competencyId: 1, weight: 0 }])).toThrow(LedgerError);
    expect(() => splitByWeights(100, [{ competencyId: 1, weight: -1 }, { competencyId: 2, weight: 2 }])).toThrow(LedgerError);
    expect(() => splitByWeights(10.5, [{ competencyId: 1, weight: 1 }])).toThrow(LedgerError);
  });
});

// ---------------------------------------------------------------- awarding

describe("awardCredits", () => {
  it("writes an entry once, however often it is called with the same source key", async () => {
    const person = await makePerson();
    const input = award(person.id, { sourceKey: "completion:enrolment:double" });
    const first = await awardCredits(db, input);
    const second = await awardCredits(db, input);
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.entry.id).toBe(first.entry.id);
    expect(first.entry.competencies).toEqual([
      { competencyId: c1, amount: 400 },
      { competencyId: c2, amount: 200 },
    ].sort((a, b) => a.competencyId - b.competencyId));
    expect(await entryCount(person.id)).toBe(1);
  });

  it("writes one entry when five identical calls race", async () => {
    const person = await makePerson();
    const input = award(person.id, { sourceKey: "completion:enrolment:race" });
    const results = await Promise.all(Array.from({ length: 5 }, () => awardCredits(db, input)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.entry.id)).size).toBe(1);
    expect(await entryCount(person.id)).toBe(1);
    expect(await db.ledgerCompetency.count({ where: { entryId: results[0].entry.id } })).toBe(2);
  });

  it("writes one entry when five transactions race, and each transaction stays usable", async () => {
    const person = await makePerson();
    const shared = award(person.id, { sourceKey: "completion:enrolment:race-tx" });
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        db.$transaction(async (tx) => {
          const duplicate = await awardCredits(tx, shared);
          // After a lost race (a unique violation inside this transaction) it must still write.
          await awardCredits(tx, award(person.id, { sourceKey: `completion:enrolment:race-tx-own-${i}`, amount: 100, competencies: [{ competencyId: c3, amount: 100 }] }));
          return duplicate;
        }),
      ),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await entryCount(person.id)).toBe(6);
    const totals = await personYearTotals(db, person.id, 2026);
    expect(totals.byCategory.in_person).toBe(600 + 5 * 100);
    expect(totals.byCompetency).toEqual({ [c1]: 400, [c2]: 200, [c3]: 500 });
  });

  it("refuses competency parts that do not add up to the amount, and writes nothing", async () => {
    const person = await makePerson();
    const wrong = award(person.id, { amount: 600, competencies: [{ competencyId: c1, amount: 400 }, { competencyId: c2, amount: 150 }] });
    await expect(awardCredits(db, wrong)).rejects.toMatchObject({
      name: "LedgerError",
      code: "ledger.errors.competencySumMismatch",
      params: { amount: 600, sum: 550 },
    });
    await expect(awardCredits(db, award(person.id, { competencies: [] }))).rejects.toMatchObject({ code: "ledger.errors.competencySumMismatch" });
    await expect(
      awardCredits(db, award(person.id, { competencies: [{ competencyId: c1, amount: 300 }, { competencyId: c1, amount: 300 }] })),
    ).rejects.toMatchObject({ code: "ledger.errors.duplicateCompetency" });
    await expect(awardCredits(db, award(person.id, { amount: 0, competencies: [] }))).rejects.toMatchObject({ code: "ledger.errors.invalidAmount" });
    expect(await entryCount(person.id)).toBe(0);
  });

  it("refuses a source key that already belongs to a different award", async () => {
    const person = await makePerson();
    await awardCredits(db, award(person.id, { sourceKey: "completion:enrolment:conflict" }));
    await expect(
      awardCredits(db, award(person.id, { sourceKey: "completion:enrolment:conflict", amount: 700, competencies: [{ competencyId: c1, amount: 700 }] })),
    ).rejects.toMatchObject({ code: "ledger.errors.sourceKeyConflict" });
    expect(await entryCount(person.id)).toBe(1);
  });

  it("drops zero parts", async () => {
    const person = await makePerson();
    const { entry } = await awardCredits(
      db,
      award(person.id, { amount: 100, competencies: [{ competencyId: c1, amount: 100 }, { competencyId: c2, amount: 0 }] }),
    );
    expect(entry.competencies).toEqual([{ competencyId: c1, amount: 100 }]);
  });
});

describe("awardCreditsMany", () => {
  it("writes the new entries of a batch once, and reports what already existed", async () => {
    const person = await makePerson();
    const existing = award(person.id, { sourceKey: "batch:a" });
    await awardCredits(db, existing);
    const results = await awardCreditsMany(db, [
      existing,
      award(person.id, { sourceKey: "batch:b", amount: 250, competencies: splitByWeights(250, [{ competencyId: c1, weight: 40 }, { competencyId: c2, weight: 35 }, { competencyId: c3, weight: 25 }]) }),
      award(person.id, { sourceKey: "batch:c", category: "online", amount: 50, competencies: [{ competencyId: c3, amount: 50 }] }),
      award(person.id, { sourceKey: "batch:c", category: "online", amount: 50, competencies: [{ competencyId: c3, amount: 50 }] }),
    ]);
    expect(results.map((r) => [r.sourceKey, r.created])).toEqual([
      ["batch:a", false],
      ["batch:b", true],
      ["batch:c", true],
      ["batch:c", false],
    ]);
    expect(results[2].entryId).toBe(results[3].entryId);
    expect(await entryCount(person.id)).toBe(3);
    const totals = await personYearTotals(db, person.id, 2026);
    expect(totals.byCategory).toEqual({ in_person: 850, online: 50, camp: 0, external: 0, adjustment: 0 });
    expect(totals.byCompetency).toEqual({ [c1]: 400 + 100, [c2]: 200 + 88, [c3]: 62 + 50 });
    // A second run of the same batch writes nothing.
    const again = await awardCreditsMany(db, [existing]);
    expect(again[0].created).toBe(false);
    expect(await entryCount(person.id)).toBe(3);
  });
});

// ---------------------------------------------------------------- reversing

describe("reverseEntry", () => {
  it("appends the negation, once, and cannot itself be reversed", async () => {
    const person = await makePerson();
    const { entry } = await awardCredits(db, award(person.id, { sourceKey: "completion:enrolment:rev" }));
    await awardCredits(db, award(person.id, { category: "online", amount: 150, competencies: [{ competencyId: c3, amount: 150 }] }));

    const reversal = await reverseEntry(db, { entryId: entry.id, reason: "录入错误 wrong person" });
    expect(reversal.created).toBe(true);
    expect(reversal.entry).toMatchObject({
      personId: person.id,
      creditYear: 2026,
      amount: -600,
      category: "in_person",
      sourceType: "reversal",
      sourceKey: `reversal:${entry.id}`,
      reversesEntryId: entry.id,
      note: "录入错误 wrong person",
    });
    expect(reversal.entry.competencies).toEqual(
      [{ competencyId: c1, amount: -400 }, { competencyId: c2, amount: -200 }].sort((a, b) => a.competencyId - b.competencyId),
    );

    const again = await reverseEntry(db, { entryId: entry.id, reason: "again" });
    expect(again.created).toBe(false);
    expect(again.entry.id).toBe(reversal.entry.id);

    await expect(reverseEntry(db, { entryId: reversal.entry.id, reason: "undo" })).rejects.toMatchObject({
      code: "ledger.errors.cannotReverseReversal",
    });
    await expect(reverseEntry(db, { entryId: 999_999, reason: "x" })).rejects.toMatchObject({ code: "ledger.errors.entryNotFound" });
    await expect(reverseEntry(db, { entryId: entry.id, reason: "  " })).rejects.toMatchObject({ code: "ledger.errors.reasonRequired" });

    expect(await entryCount(person.id)).toBe(3);
    const totals = await personYearTotals(db, person.id, 2026);
    expect(totals.byCategory).toEqual({ in_person: 0, online: 150, camp: 0, external: 0, adjustment: 0 });
    expect(totals.byCompetency).toEqual({ [c1]: 0, [c2]: 0, [c3]: 150 });
  });

  it("reverses once when two reversals race", async () => {
    const person = await makePerson();
    const { entry } = await awardCredits(db, award(person.id));
    const results = await Promise.all([1, 2, 3].map(() => reverseEntry(db, { entryId: entry.id, reason: "race" })));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await entryCount(person.id)).toBe(2);
  });
});

describe("the ledger is append-only in the database itself", () => {
  it("refuses raw UPDATE and DELETE of entries and their competency parts", async () => {
    const person = await makePerson();
    const { entry } = await awardCredits(db, award(person.id));
    await expect(db.$executeRawUnsafe(`UPDATE "LedgerEntry" SET "amount" = 1 WHERE "id" = ${entry.id}`)).rejects.toThrow(/append-only/);
    await expect(db.$executeRawUnsafe(`DELETE FROM "LedgerEntry" WHERE "id" = ${entry.id}`)).rejects.toThrow(/append-only/);
    await expect(db.$executeRawUnsafe(`UPDATE "LedgerCompetency" SET "amount" = 1 WHERE "entryId" = ${entry.id}`)).rejects.toThrow(/append-only/);
    await expect(db.$executeRawUnsafe(`DELETE FROM "LedgerCompetency" WHERE "entryId" = ${entry.id}`)).rejects.toThrow(/append-only/);
    const after = await db.ledgerEntry.findUniqueOrThrow({ where: { id: entry.id }, include: { competencies: true } });
    expect(after.amount).toBe(600);
    expect(after.competencies.reduce((sum, c) => sum + c.amount, 0)).toBe(600);
  });
});

// ---------------------------------------------------------------- status

describe("creditStatusForYear", () => {
  it("uses the year's latest policy, the ledger after reversals, and last year's capped surplus", async () => {
    const person = await makePerson();
    await db.creditPolicy.create({ data: { year: 2026, version: 1, rules: serializePolicyRules(DEFAULT_POLICY_RULES) } });
    await db.creditPolicy.create({
      data: { year: 2026, version: 2, rules: serializePolicyRules({ ...DEFAULT_POLICY_RULES, requiredPoints: 6000, onlineCapPoints: 1000 }) },
    });
    // 2025 (default rules, no policy row): 70 points in person → surplus 14, carries 10.
    await awardCredits(db, award(person.id, { creditYear: 2025, amount: 7000, competencies: [{ competencyId: c1, amount: 7000 }] }));
    // 2026: 30 in person, 20 online (10 counted), 10 camp, then 6 in person reversed.
    await awardCredits(db, award(person.id, { amount: 3000, competencies: splitByWeights(3000, [{ competencyId: c1, weight: 1 }, { competencyId: c2, weight: 1 }]) }));
    await awardCredits(db, award(person.id, { category: "online", amount: 2000, competencies: [{ competencyId: c3, amount: 2000 }] }));
    await awardCredits(db, award(person.id, { category: "camp", sourceType: "camp_release", amount: 1000, competencies: [{ competencyId: c2, amount: 1000 }] }));
    const { entry } = await awardCredits(db, award(person.id));
    await reverseEntry(db, { entryId: entry.id, reason: "duplicate record" });

    const status = await creditStatusForYear(db, person.id, 2026);
    expect(status.policyVersion).toBe(2);
    expect(status.earned).toBe(6000);
    expect(status.onlineExcluded).toBe(1000);
    expect(status.rolloverIn).toBe(1000);
    expect(status.counted).toBe(6000); // 60 − 10 + 10
    expect(status.required).toBe(6000);
    expect(status.inPerson).toBe(4000);
    expect(status.byCompetency).toEqual({ [c1]: 1500, [c2]: 2500, [c3]: 2000 });
    expect(status.met).toBe(true);
    expect(status.surplus).toBe(0);

    const many = await creditStatusesForYear(db, 2026, [person.id]);
    expect(many.get(person.id)).toEqual(status);
  });

  it("reports an empty year as unmet with figures, for one person or many", async () => {
    const person = await makePerson();
    const status = await creditStatusForYear(db, person.id, 2030);
    expect(status.policyVersion).toBeNull();
    expect(status.counted).toBe(0);
    expect(status.reasons[0]).toEqual({ key: "credits.status.pointsShort", params: { counted: 0, required: 5600, short: 5600 } });
    const many = await creditStatusesForYear(db, 2030, [person.id]);
    expect(many.get(person.id)).toEqual(status);
  });
});
