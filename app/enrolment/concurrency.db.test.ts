// The invariants under load, inside one process: many requests at once through the app's one
// client (on SQLite they queue for the connection, on PostgreSQL they really race on a pool).
// Across processes on PostgreSQL: tests/integration/enrolment-processes.pg.test.ts.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/utils/db.server";
import { makeUnitTree, makeUser } from "../../tests/support/factories";
import { DURING_WINDOW, makeCatalogue, makeCourse, makeOffering, makePeople } from "../../tests/support/enrolment-fixtures";
import { enrol, withdraw } from "./enrolment.server";

let tree: Awaited<ReturnType<typeof makeUnitTree>>;
let courseId: number;
let actorId: number;

beforeAll(async () => {
  tree = await makeUnitTree();
  courseId = (await makeCourse(await makeCatalogue(), { rank: 1 })).id;
  actorId = (await makeUser("learner")).id;
});

async function invariants(offeringId: number, capacity: number) {
  const offering = await db.offering.findUniqueOrThrow({ where: { id: offeringId }, select: { seatsTaken: true, waitlistSeq: true } });
  const rows = await db.enrolment.findMany({ where: { offeringId }, select: { personId: true, status: true, waitlistNo: true } });
  const enrolled = rows.filter((r) => r.status === "enrolled").length;
  expect(enrolled).toBeLessThanOrEqual(capacity);
  expect(offering.seatsTaken).toBe(enrolled);
  expect(new Set(rows.map((r) => r.personId)).size).toBe(rows.length);
  return { offering, rows, enrolled };
}

describe("concurrent enrolments", () => {
  it("200 people for 40 seats: 40 enrolled, 160 waiting numbered 1..160 in arrival order", async () => {
    const capacity = 40;
    const offering = await makeOffering(courseId, tree.district.id, { capacity });
    const people = await makePeople(tree.streets[0].areaId, 200);

    const results = await Promise.all(people.map((personId) => enrol({ offeringId: offering.id, personId, actorId, now: DURING_WINDOW })));

    expect(results.filter((r) => r.state === "enrolled")).toHaveLength(40);
    expect(results.filter((r) => r.state === "waitlisted")).toHaveLength(160);
    expect(results.every((r) => !r.alreadyEnrolled)).toBe(true);
    const { offering: after, rows, enrolled } = await invariants(offering.id, capacity);
    expect(enrolled).toBe(40);
    expect(after).toEqual({ seatsTaken: 40, waitlistSeq: 160 });
    const numbers = rows.filter((r) => r.status === "waitlisted").map((r) => r.waitlistNo!).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 160 }, (_, i) => i + 1));
    // Arrival order: numbers follow the order the rows were created in.
    const byArrival = await db.enrolment.findMany({
      where: { offeringId: offering.id, status: "waitlisted" },
      orderBy: { id: "asc" },
      select: { waitlistNo: true },
    });
    expect(byArrival.map((r) => r.waitlistNo)).toEqual(numbers);
    // Positions reported to each caller are exactly 1..160 too.
    const positions = results.filter((r) => r.state === "waitlisted").map((r) => r.waitlistPosition!).sort((a, b) => a - b);
    expect(positions).toEqual(numbers);
  });

  it("20 identical submissions by one person: one row, one seat, one answer repeated", async () => {
    const offering = await makeOffering(courseId, tree.district.id, { capacity: 5 });
    const [personId] = await makePeople(tree.streets[0].areaId, 1);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => enrol({ offeringId: offering.id, personId, actorId, now: DURING_WINDOW })),
    );
    expect(results.filter((r) => !r.alreadyEnrolled)).toHaveLength(1);
    expect(new Set(results.map((r) => `${r.state}:${r.enrolmentId}`)).size).toBe(1);
    expect(await db.enrolment.count({ where: { offeringId: offering.id } })).toBe(1);
    const { offering: after } = await invariants(offering.id, 5);
    expect(after).toEqual({ seatsTaken: 1, waitlistSeq: 0 });
  });

  it("withdrawals racing new enrolments never oversell and never leave a seat empty beside a queue", async () => {
    const capacity = 10;
    const offering = await makeOffering(courseId, tree.district.id, { capacity });
    const people = await makePeople(tree.streets[0].areaId, 40);
    const [first, later] = [people.slice(0, 20), people.slice(20)];
    for (const personId of first) await enrol({ offeringId: offering.id, personId, actorId, now: DURING_WINDOW });

    // Half the seated people leave while 20 newcomers arrive.
    await Promise.all([
      ...first.slice(0, 5).map((personId) => withdraw({ offeringId: offering.id, personId, actorId, now: DURING_WINDOW })),
      ...later.map((personId) => enrol({ offeringId: offering.id, personId, actorId, now: DURING_WINDOW })),
    ]);
    const { rows, enrolled } = await invariants(offering.id, capacity);
    expect(enrolled).toBe(capacity);
    // The five freed seats went to the five lowest numbers that were waiting at the time —
    // the first five of the original queue (numbers 1..5), never to a newcomer.
    const promoted = rows.filter((r) => r.status === "enrolled" && r.waitlistNo !== null).map((r) => r.waitlistNo).sort((a, b) => a! - b!);
    expect(promoted).toEqual([1, 2, 3, 4, 5]);
    const waiting = rows.filter((r) => r.status === "waitlisted").map((r) => r.waitlistNo!).sort((a, b) => a - b);
    expect(waiting).toEqual(Array.from({ length: 25 }, (_, i) => i + 6));
  });
});
