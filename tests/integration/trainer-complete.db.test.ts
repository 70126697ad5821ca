import { beforeAll, describe, expect, it } from "vitest";
import { action } from "~/routes/trainer.classes.$offeringId";
import { db } from "~/utils/db.server";
import { makeUnitTree, makeUser } from "../support/factories";
import { makeCatalogue, makeCourse, makeLearner, makeOffering, makeSessions } from "../support/enrolment-fixtures";
import { formRequest, sessionCookieFor, settle } from "../support/requests";

let tree: Awaited<ReturnType<typeof makeUnitTree>>;
let catalogue: Awaited<ReturnType<typeof makeCatalogue>>;

async function classTaughtBy(trainerId: number, ended: boolean) {
  const course = await makeCourse(catalogue, { rank: 1, creditPoints: 600 });
  const offering = await makeOffering(course.id, tree.streets[0].id, ended ? {} : { ends: new Date(Date.now() + 86_400_000) });
  await db.offering.update({ where: { id: offering.id }, data: { trainerId } });
  const [session] = await makeSessions(offering.id, [180]);
  const present = await makeLearner(tree.streets[0].areaId);
  const absent = await makeLearner(tree.streets[0].areaId);
  for (const learner of [present, absent]) {
    await db.enrolment.create({ data: { offeringId: offering.id, personId: learner.person.id, status: "enrolled" } });
  }
  await db.attendance.create({ data: { sessionId: session.id, personId: present.person.id, status: "present" } });
  return { offering, present, absent };
}

function complete(offeringId: number, cookie: string) {
  return settle(() =>
    action({ request: formRequest(`/trainer/classes/${offeringId}`, {}, cookie), params: { offeringId: String(offeringId) }, context: {} }),
  );
}

beforeAll(async () => {
  tree = await makeUnitTree();
  catalogue = await makeCatalogue();
});

describe("closing a class from the trainer's page", () => {
  it("decides completions and awards credits once to those who attended", async () => {
    const trainer = await makeUser("trainer");
    const { offering, present, absent } = await classTaughtBy(trainer.id, true);
    const cookie = await sessionCookieFor(trainer.id);
    const response = await complete(offering.id, cookie);
    expect(await response.json()).toMatchObject({ ok: true, completed: 1, notCompleted: 1 });
    await complete(offering.id, cookie);
    const entries = await db.ledgerEntry.findMany({ where: { offeringId: offering.id } });
    expect(entries.map((e) => [e.personId, e.amount])).toEqual([[present.person.id, 600]]);
    const statuses = await db.enrolment.findMany({ where: { offeringId: offering.id }, orderBy: { personId: "asc" } });
    expect(statuses.map((e) => e.status)).toEqual(["completed", "not_completed"]);
    expect(absent.person.id).toBeGreaterThan(present.person.id);
  });

  it("refuses before the class has ended, and refuses other trainers", async () => {
    const trainer = await makeUser("trainer");
    const { offering } = await classTaughtBy(trainer.id, false);
    const early = await complete(offering.id, await sessionCookieFor(trainer.id));
    expect(early.status).toBe(409);
    const other = await makeUser("trainer");
    const foreign = await complete(offering.id, await sessionCookieFor(other.id));
    expect(foreign.status).toBe(403);
    expect(await db.ledgerEntry.count({ where: { offeringId: offering.id } })).toBe(0);
  });
});
