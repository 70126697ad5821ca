import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_POLICY_RULES, serializePolicyRules } from "~/credits/policy";
import { personYearTotals } from "~/credits/ledger.server";
import { db } from "~/utils/db.server";
import { makeUnitTree, makeUser } from "../../tests/support/factories";
import { AFTER_CLASS, CALENDAR, makeCatalogue, makeCourse, makeOffering, makePeople, makeSessions, type Catalogue } from "../../tests/support/enrolment-fixtures";
import { completeOffering, qualifies, recomputeCompletion } from "./completion.server";

let catalogue: Catalogue;
let tree: Awaited<ReturnType<typeof makeUnitTree>>;
let trainerId: number;

beforeAll(async () => {
  tree = await makeUnitTree();
  catalogue = await makeCatalogue();
  trainerId = (await makeUser("trainer")).id;
});

type Mark = "present" | "late" | "absent" | "excused" | null;

/** A class with the given session lengths and one enrolled learner per attendance row. */
async function classWith(
  sessionMinutes: number[],
  attendance: Mark[][],
  options: { mode?: string; creditYear?: number } = {},
) {
  const course = await makeCourse(catalogue, { rank: 1, mode: options.mode, creditPoints: 600, weights: [50, 30, 20] });
  const offering = await makeOffering(course.id, tree.district.id, { capacity: 50, creditYear: options.creditYear });
  const sessions = await makeSessions(offering.id, sessionMinutes);
  const people = await makePeople(tree.streets[0].areaId, attendance.length);
  const enrolmentIds: number[] = [];
  for (const [i, marks] of attendance.entries()) {
    const e = await db.enrolment.create({ data: { offeringId: offering.id, personId: people[i], status: "enrolled" } });
    enrolmentIds.push(e.id);
    for (const [s, status] of marks.entries()) {
      if (status) await db.attendance.create({ data: { sessionId: sessions[s].id, personId: people[i], status } });
    }
  }
  return { course, offering, sessions, people, enrolmentIds };
}

const P = "present", L = "late", A = "absent", X = "excused";

async function statuses(ids: number[]) {
  const rows = await db.enrolment.findMany({ where: { id: { in: ids } }, orderBy: { id: "asc" }, select: { status: true } });
  return rows.map((r) => r.status);
}

describe("the attendance rule", () => {
  it("allows absence up to 1/7 of the scheduled minutes, worked by hand", () => {
    // 7 × 60 = 420 minutes; 1/7 of that is 60. Absent 60: 60 × 7 = 420 ≤ 420 × 1, completes.
    expect(qualifies(360, 420, DEFAULT_POLICY_RULES)).toBe(true);
    // Absent 61: 427 > 420, does not.
    expect(qualifies(359, 420, DEFAULT_POLICY_RULES)).toBe(false);
    // 6 × 60 + 61 = 421 minutes. Missing the 61-minute session: 61 × 7 = 427 > 421 → fails;
    // missing a 60-minute one: 420 ≤ 421 → completes.
    expect(qualifies(360, 421, DEFAULT_POLICY_RULES)).toBe(false);
    expect(qualifies(361, 421, DEFAULT_POLICY_RULES)).toBe(true);
    // Nothing scheduled: nothing to have attended.
    expect(qualifies(0, 0, DEFAULT_POLICY_RULES)).toBe(false);
  });
});

describe("completeOffering", () => {
  it("completes by attended minutes (late counts, excused and unrecorded do not) and awards once", async () => {
    const { offering, enrolmentIds, people } = await classWith(
      [60, 60, 60, 60, 60, 60, 61],
      [
        [P, P, P, P, P, P, P], // all there
        [P, P, P, P, P, P, A], // missed the 61-minute session: 61 > 421/7 → not completed
        [A, P, P, P, P, P, P], // missed 60 of 421 → completed
        [L, L, L, L, L, L, L], // late every time still attended
        [X, P, P, P, P, P, P], // one excused session = 60 absent → completed
        [X, A, P, P, P, P, P], // excused + absent = 120 absent → not completed
        [null, P, P, P, P, P, P], // no record for a 60-minute session → completed
      ],
    );
    await expect(completeOffering({ offeringId: offering.id, actorId: trainerId, now: CALENDAR.starts })).rejects.toMatchObject({
      code: "enrolment.errors.offeringNotEnded",
    });

    const result = await completeOffering({ offeringId: offering.id, actorId: trainerId, now: AFTER_CLASS });
    expect(result).toMatchObject({ completed: 5, notCompleted: 2 });
    expect(await statuses(enrolmentIds)).toEqual(["completed", "not_completed", "completed", "completed", "completed", "not_completed", "completed"]);
    expect(result.outcomes[1]).toMatchObject({ attendedMinutes: 360, scheduledMinutes: 421 });
    expect((await db.offering.findUniqueOrThrow({ where: { id: offering.id } })).status).toBe("closed");
    expect(await db.auditEvent.count({ where: { action: "offering.completed", entityId: String(offering.id) } })).toBe(1);

    const entry = await db.ledgerEntry.findUniqueOrThrow({
      where: { sourceKey: `completion:enrolment:${enrolmentIds[0]}#1` },
      include: { competencies: { orderBy: { competencyId: "asc" } } },
    });
    expect(entry).toMatchObject({
      personId: people[0],
      creditYear: 2026,
      amount: 600,
      category: "in_person",
      sourceType: "completion",
      offeringId: offering.id,
      createdById: trainerId,
    });
    expect(entry.competencies.map((c) => c.amount)).toEqual([300, 180, 120]);
    expect(await db.ledgerEntry.count({ where: { offeringId: offering.id } })).toBe(5);

    // Again: nothing new.
    const again = await completeOffering({ offeringId: offering.id, actorId: trainerId, now: AFTER_CLASS });
    expect(again.outcomes.every((o) => !o.changed && o.awardedEntryId === undefined)).toBe(true);
    expect(await db.ledgerEntry.count({ where: { offeringId: offering.id } })).toBe(5);
    expect(await db.auditEvent.count({ where: { action: "offering.completed", entityId: String(offering.id) } })).toBe(1);
  });

  it("uses the class year's policy for the absence limit", async () => {
    const rules = { ...DEFAULT_POLICY_RULES, maxAbsenceFraction: { numerator: 1, denominator: 3 } };
    await db.creditPolicy.create({ data: { year: 2031, version: 1, rules: serializePolicyRules(rules), reason: "test" } });
    const { offering, enrolmentIds } = await classWith([60, 60, 60, 60, 60, 60], [[A, A, P, P, P, P], [A, A, A, P, P, P]], { creditYear: 2031 });
    await completeOffering({ offeringId: offering.id, actorId: trainerId, now: AFTER_CLASS });
    // 120 of 360 = 1/3 → completes under this year's 1/3 (it would fail the default 1/7); 180 does not.
    expect(await statuses(enrolmentIds)).toEqual(["completed", "not_completed"]);
  });

  it("books online courses as online, and camps without points (their grades carry them)", async () => {
    const online = await classWith([60], [[P]], { mode: "online" });
    await completeOffering({ offeringId: online.offering.id, actorId: trainerId, now: AFTER_CLASS });
    expect(await db.ledgerEntry.findFirstOrThrow({ where: { offeringId: online.offering.id } })).toMatchObject({ category: "online" });

    const camp = await classWith([60], [[P]], { mode: "camp" });
    await completeOffering({ offeringId: camp.offering.id, actorId: trainerId, now: AFTER_CLASS });
    expect(await statuses(camp.enrolmentIds)).toEqual(["completed"]);
    expect(await db.ledgerEntry.count({ where: { offeringId: camp.offering.id } })).toBe(0);
  });

  it("books into the next open year when the class's credit year is closed", async () => {
    await db.creditYear.createMany({
      data: [
        { year: 2040, status: "closed", closedAt: AFTER_CLASS },
        { year: 2041, status: "closed", closedAt: AFTER_CLASS },
      ],
    });
    const { offering, people } = await classWith([60], [[P]], { creditYear: 2040 });
    await completeOffering({ offeringId: offering.id, actorId: trainerId, now: AFTER_CLASS });
    expect(await db.ledgerEntry.findFirstOrThrow({ where: { personId: people[0] } })).toMatchObject({ creditYear: 2042, amount: 600 });
  });
});

describe("recomputeCompletion after an attendance correction", () => {
  it("reverses the award when a learner no longer qualifies, and awards #2 when they do again", async () => {
    const { offering, sessions, people, enrolmentIds } = await classWith([60, 60, 60, 60, 60, 60, 60], [[A, P, P, P, P, P, P]]);
    const [enrolmentId] = enrolmentIds;
    const [personId] = people;
    await completeOffering({ offeringId: offering.id, actorId: trainerId, now: AFTER_CLASS });
    const first = await db.ledgerEntry.findUniqueOrThrow({ where: { sourceKey: `completion:enrolment:${enrolmentId}#1` } });

    // Correction: session 2 was an absence, not a presence. 120 of 420 absent.
    await db.attendance.update({ where: { sessionId_personId: { sessionId: sessions[1].id, personId } }, data: { status: "absent" } });
    const revoked = await db.$transaction((tx) => recomputeCompletion(tx, enrolmentId, { actorId: trainerId, now: AFTER_CLASS }));
    expect(revoked).toMatchObject({ status: "not_completed", changed: true, reversedEntryIds: [first.id] });
    expect(await db.ledgerEntry.findFirstOrThrow({ where: { reversesEntryId: first.id } })).toMatchObject({
      amount: -600,
      sourceType: "reversal",
      creditYear: 2026,
    });
    expect((await personYearTotals(db, personId, 2026)).byCategory.in_person).toBe(0);
    expect(await db.enrolment.findUniqueOrThrow({ where: { id: enrolmentId } })).toMatchObject({ status: "not_completed", completedAt: null });
    expect(await db.auditEvent.count({ where: { action: "enrolment.completion_revoked", entityId: String(enrolmentId) } })).toBe(1);

    // Idempotent: nothing more to reverse.
    const repeat = await db.$transaction((tx) => recomputeCompletion(tx, enrolmentId, { now: AFTER_CLASS }));
    expect(repeat).toMatchObject({ status: "not_completed", changed: false });
    expect(await db.ledgerEntry.count({ where: { personId } })).toBe(2);

    // Corrected back: a new entry, #2 (the first stays reversed; nothing is edited).
    await db.attendance.update({ where: { sessionId_personId: { sessionId: sessions[1].id, personId } }, data: { status: "present" } });
    const restored = await db.$transaction((tx) => recomputeCompletion(tx, enrolmentId, { actorId: trainerId, now: AFTER_CLASS }));
    expect(restored).toMatchObject({ status: "completed", changed: true });
    const second = await db.ledgerEntry.findUniqueOrThrow({ where: { sourceKey: `completion:enrolment:${enrolmentId}#2` } });
    expect(restored.awardedEntryId).toBe(second.id);
    expect((await personYearTotals(db, personId, 2026)).byCategory.in_person).toBe(600);
    expect(await db.ledgerEntry.count({ where: { personId } })).toBe(3);
    expect(await db.$transaction((tx) => recomputeCompletion(tx, enrolmentId, { now: AFTER_CLASS }))).toMatchObject({ changed: false });
    expect(await db.ledgerEntry.count({ where: { personId } })).toBe(3);
  });

  it("leaves an enrolment of a class still running alone", async () => {
    const { enrolmentIds } = await classWith([60], [[P]]);
    const outcome = await db.$transaction((tx) => recomputeCompletion(tx, enrolmentIds[0], { now: AFTER_CLASS }));
    expect(outcome).toMatchObject({ status: "enrolled", changed: false });
    expect(await db.ledgerEntry.count({ where: { sourceKey: { startsWith: `completion:enrolment:${enrolmentIds[0]}#` } } })).toBe(0);
  });

  it("awards once when two recomputations race", async () => {
    const { offering, enrolmentIds } = await classWith([60], [[P]]);
    await db.offering.update({ where: { id: offering.id }, data: { status: "closed" } });
    const outcomes = await Promise.all(
      Array.from({ length: 4 }, () => db.$transaction((tx) => recomputeCompletion(tx, enrolmentIds[0], { now: AFTER_CLASS }))),
    );
    expect(outcomes.filter((o) => o.awardedEntryId !== undefined)).toHaveLength(1);
    expect(await db.ledgerEntry.count({ where: { offeringId: offering.id } })).toBe(1);
  });
});
