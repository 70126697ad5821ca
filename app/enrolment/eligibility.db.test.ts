import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/utils/db.server";
import { makeUnitTree, makeUser } from "../../tests/support/factories";
import { makeCatalogue, makeCompletion, makeCourse, makeLearner, makeOffering, type Catalogue } from "../../tests/support/enrolment-fixtures";
import { checkCourseEligibility, checkEligibility, grantWaiver, revokeWaiver } from "./eligibility.server";
import { EnrolmentError } from "./errors";

let catalogue: Catalogue;
let tree: Awaited<ReturnType<typeof makeUnitTree>>;
let hrUserId: number;
let otherStreetHrId: number;

const level = (rank: number) => catalogue.levels.find((l) => l.rank === rank)!;

beforeAll(async () => {
  tree = await makeUnitTree();
  catalogue = await makeCatalogue();
  hrUserId = (await makeUser("hr", { scopeUnitId: tree.streets[0].id })).id;
  otherStreetHrId = (await makeUser("hr", { scopeUnitId: tree.streets[1].id })).id;
});

describe("checkEligibility", () => {
  it("opens the lowest level to everyone", async () => {
    const { person } = await makeLearner(tree.streets[0].areaId);
    const course = await makeCourse(catalogue, { rank: 1 });
    const offering = await makeOffering(course.id, tree.district.id);
    expect(await checkEligibility(db, { personId: person.id, offeringId: offering.id })).toEqual({ ok: true });
  });

  it("asks for a completed course at the level below, naming it in both languages", async () => {
    const { person } = await makeLearner(tree.streets[0].areaId);
    const course = await makeCourse(catalogue, { rank: 2 });
    const offering = await makeOffering(course.id, tree.district.id);
    expect(await checkEligibility(db, { personId: person.id, offeringId: offering.id })).toEqual({
      ok: false,
      missing: [
        {
          key: "enrolment.missing.level",
          params: { levelId: level(1).id, levelCode: "new", levelRank: 1, levelZh: "新任", levelEn: "Newly appointed" },
        },
      ],
    });
  });

  it("accepts a completion at the level below or above, but not an unfinished one", async () => {
    const { person } = await makeLearner(tree.streets[0].areaId);
    const below = await makeCourse(catalogue, { rank: 2 });
    const target = await makeCourse(catalogue, { rank: 3 });
    const unfinished = await makeOffering(below.id, tree.district.id);
    await db.enrolment.create({ data: { offeringId: unfinished.id, personId: person.id, status: "enrolled" } });
    expect((await checkCourseEligibility(db, { personId: person.id, courseId: target.id })).ok).toBe(false);

    await makeCompletion(below.id, tree.district.id, person.id);
    expect(await checkCourseEligibility(db, { personId: person.id, courseId: target.id })).toEqual({ ok: true });

    const { person: senior } = await makeLearner(tree.streets[0].areaId);
    await makeCompletion((await makeCourse(catalogue, { rank: 4 })).id, tree.district.id, senior.id);
    expect(await checkCourseEligibility(db, { personId: senior.id, courseId: target.id })).toEqual({ ok: true });
  });

  it("lists every missing prerequisite course, and the level, together", async () => {
    const { person } = await makeLearner(tree.streets[0].areaId);
    const a = await makeCourse(catalogue, { rank: 1 });
    const b = await makeCourse(catalogue, { rank: 1 });
    const target = await makeCourse(catalogue, { rank: 2 });
    await db.coursePrerequisite.createMany({
      data: [
        { courseId: target.id, requiredCourseId: a.id },
        { courseId: target.id, requiredCourseId: b.id },
      ],
    });
    const before = await checkCourseEligibility(db, { personId: person.id, courseId: target.id });
    expect(before.ok).toBe(false);
    expect(!before.ok && before.missing.map((m) => m.key)).toEqual(["enrolment.missing.level", "enrolment.missing.course", "enrolment.missing.course"]);

    // Completing `a` meets the level rule (rank 1) and one prerequisite; `b` is still missing.
    await makeCompletion(a.id, tree.district.id, person.id);
    expect(await checkCourseEligibility(db, { personId: person.id, courseId: target.id })).toEqual({
      ok: false,
      missing: [{ key: "enrolment.missing.course", params: { courseId: b.id, courseCode: b.code, courseZh: b.titleZh, courseEn: b.titleEn } }],
    });
  });
});

describe("waivers", () => {
  it("lets a waiver for the level stand in for the level below; revoking it closes the level again", async () => {
    const { person } = await makeLearner(tree.streets[0].areaId);
    const course = await makeCourse(catalogue, { rank: 3 });
    const granted = await db.$transaction((tx) =>
      grantWaiver(tx, { personId: person.id, levelId: level(3).id, reason: "已任书记十年", actorId: hrUserId }),
    );
    expect(granted.created).toBe(true);
    expect(await checkCourseEligibility(db, { personId: person.id, courseId: course.id })).toEqual({ ok: true });
    const again = await db.$transaction((tx) =>
      grantWaiver(tx, { personId: person.id, levelId: level(3).id, reason: "重复提交", actorId: hrUserId }),
    );
    expect(again).toEqual({ waiverId: granted.waiverId, created: false });

    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "enrolment.waiver_granted", entityId: String(granted.waiverId) } });
    expect(audit).toMatchObject({ actorId: hrUserId, personId: person.id, reason: "已任书记十年" });

    // A waiver for a different level does not help.
    const other = await makeCourse(catalogue, { rank: 2 });
    expect((await checkCourseEligibility(db, { personId: person.id, courseId: other.id })).ok).toBe(false);

    await db.$transaction((tx) => revokeWaiver(tx, { waiverId: granted.waiverId, reason: "误批", actorId: hrUserId }));
    expect((await checkCourseEligibility(db, { personId: person.id, courseId: course.id })).ok).toBe(false);
    expect(await db.auditEvent.count({ where: { action: "enrolment.waiver_revoked" } })).toBe(1);
  });

  it("needs a reason and HR whose scope covers the person", async () => {
    const { person } = await makeLearner(tree.streets[0].areaId);
    await expect(
      db.$transaction((tx) => grantWaiver(tx, { personId: person.id, levelId: level(2).id, reason: "  ", actorId: hrUserId })),
    ).rejects.toMatchObject({ code: "enrolment.errors.reasonRequired" });
    await expect(
      db.$transaction((tx) => grantWaiver(tx, { personId: person.id, levelId: level(2).id, reason: "x", actorId: otherStreetHrId })),
    ).rejects.toBeInstanceOf(EnrolmentError);
    const learner = await makeUser("learner");
    await expect(
      db.$transaction((tx) => grantWaiver(tx, { personId: person.id, levelId: level(2).id, reason: "x", actorId: learner.id })),
    ).rejects.toMatchObject({ code: "enrolment.errors.forbidden" });
    expect(await db.prerequisiteWaiver.count({ where: { personId: person.id } })).toBe(0);
  });
});
