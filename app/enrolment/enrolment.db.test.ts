import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/utils/db.server";
import { makeUnitTree, makeUser } from "../../tests/support/factories";
import {
  CALENDAR,
  DURING_WINDOW,
  makeCatalogue,
  makeCourse,
  makeHr,
  makeLearner,
  makeOffering,
  notificationsOf,
  type Catalogue,
} from "../../tests/support/enrolment-fixtures";
import { decideApproval, enrol, hrEnrol, hrMove, promoteWaiting, waitlistPosition, withdraw, type EnrolmentActor } from "./enrolment.server";
import { EnrolmentError } from "./errors";

let catalogue: Catalogue;
let tree: Awaited<ReturnType<typeof makeUnitTree>>;
let hr: EnrolmentActor; // street 0
let otherHr: EnrolmentActor; // street 1
let courseId: number;

beforeAll(async () => {
  tree = await makeUnitTree();
  catalogue = await makeCatalogue();
  hr = await makeHr(tree.streets[0].id);
  otherHr = await makeHr(tree.streets[1].id);
  courseId = (await makeCourse(catalogue, { rank: 1 })).id;
});

async function learner(street = 0) {
  const { person, user } = await makeLearner(tree.streets[street].areaId);
  return { personId: person.id, userId: user!.id };
}

async function offering(options: Parameters<typeof makeOffering>[2] = {}) {
  return makeOffering(courseId, tree.district.id, options);
}

const enrolNow = (offeringId: number, who: { personId: number; userId: number }, now = DURING_WINDOW) =>
  enrol({ offeringId, personId: who.personId, actorId: who.userId, now });

async function seatsOf(offeringId: number) {
  const o = await db.offering.findUniqueOrThrow({ where: { id: offeringId }, select: { seatsTaken: true, waitlistSeq: true } });
  const enrolled = await db.enrolment.count({ where: { offeringId, status: "enrolled" } });
  return { ...o, enrolled };
}

async function statusOf(offeringId: number, personId: number) {
  const row = await db.enrolment.findUniqueOrThrow({ where: { offeringId_personId: { offeringId, personId } } });
  return row.status;
}

describe("enrol: the rules", () => {
  it("gives a seat inside the window and tells the learner", async () => {
    const o = await offering();
    const a = await learner();
    const result = await enrolNow(o.id, a);
    expect(result).toEqual({ state: "enrolled", enrolmentId: expect.any(Number), alreadyEnrolled: false });
    expect(await seatsOf(o.id)).toEqual({ seatsTaken: 1, waitlistSeq: 0, enrolled: 1 });
    expect(await notificationsOf(a.userId)).toEqual([
      {
        kind: "enrolment.confirmed",
        key: "enrolment.notify.confirmed",
        params: { offeringId: o.id, offeringCode: o.code, courseZh: expect.any(String), courseEn: expect.any(String) },
      },
    ]);
    // Self-service needs no audit line; nobody acted on someone else's behalf.
    expect(await db.auditEvent.count({ where: { entityType: "Enrolment", entityId: String(result.enrolmentId) } })).toBe(0);
  });

  it("refuses outside the window: before it opens, and from the moment it closes", async () => {
    const o = await offering();
    const a = await learner();
    await expect(enrolNow(o.id, a, new Date(CALENDAR.opens.getTime() - 1))).rejects.toMatchObject({
      code: "enrolment.errors.notOpenYet",
      params: { opensAt: CALENDAR.opens.toISOString() },
    });
    await expect(enrolNow(o.id, a, CALENDAR.closes)).rejects.toMatchObject({
      code: "enrolment.errors.windowClosed",
      params: { closesAt: CALENDAR.closes.toISOString() },
    });
    expect((await enrolNow(o.id, a, CALENDAR.opens)).state).toBe("enrolled");
    const b = await learner();
    expect((await enrolNow(o.id, b, new Date(CALENDAR.closes.getTime() - 1))).state).toBe("enrolled");
  });

  it("refuses classes that are not open for business, and unknown ones", async () => {
    const a = await learner();
    for (const [status, code] of [
      ["draft", "enrolment.errors.offeringNotPublished"],
      ["cancelled", "enrolment.errors.offeringCancelled"],
      ["closed", "enrolment.errors.offeringClosed"],
    ] as const) {
      const o = await offering({ status });
      await expect(enrolNow(o.id, a)).rejects.toMatchObject({ code });
    }
    await expect(enrolNow(999_999, a)).rejects.toMatchObject({ code: "enrolment.errors.offeringNotFound" });
    expect(await db.enrolment.count({ where: { personId: a.personId } })).toBe(0);
  });

  it("refuses an ineligible learner and says what is missing; a waiver opens the level", async () => {
    const higher = await makeCourse(catalogue, { rank: 2 });
    const o = await makeOffering(higher.id, tree.district.id);
    const a = await learner();
    const error = await enrolNow(o.id, a).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EnrolmentError);
    expect(error).toMatchObject({ code: "enrolment.errors.notEligible", missing: [{ key: "enrolment.missing.level" }] });

    const { grantWaiver } = await import("./eligibility.server");
    const level2 = catalogue.levels.find((l) => l.rank === 2)!;
    await db.$transaction((tx) => grantWaiver(tx, { personId: a.personId, levelId: level2.id, reason: "经验丰富", actorId: hr.id }));
    expect((await enrolNow(o.id, a)).state).toBe("enrolled");
  });

  it("answers a repeat with the existing state and changes nothing", async () => {
    const o = await offering({ capacity: 1 });
    const a = await learner();
    const b = await learner();
    const first = await enrolNow(o.id, a);
    const waiting = await enrolNow(o.id, b);
    expect(waiting).toMatchObject({ state: "waitlisted", waitlistPosition: 1, alreadyEnrolled: false });

    expect(await enrolNow(o.id, a)).toEqual({ ...first, alreadyEnrolled: true });
    expect(await enrolNow(o.id, b)).toEqual({ ...waiting, alreadyEnrolled: true });
    // Even after the window has closed, a retry gets its answer rather than an error.
    expect((await enrolNow(o.id, a, CALENDAR.closes)).alreadyEnrolled).toBe(true);
    expect(await seatsOf(o.id)).toEqual({ seatsTaken: 1, waitlistSeq: 1, enrolled: 1 });
    expect(await notificationsOf(a.userId)).toHaveLength(1);
    expect((await notificationsOf(b.userId)).map((n) => [n.key, n.params.position])).toEqual([["enrolment.notify.waitlisted", 1]]);
  });

  it("audits an enrolment made on someone else's behalf, and notifies nobody when the learner has no account", async () => {
    const o = await offering();
    const { person } = await makeLearner(tree.streets[0].areaId, { withAccount: false });
    const result = await enrol({ offeringId: o.id, personId: person.id, actorId: hr.id, now: DURING_WINDOW });
    expect(await db.auditEvent.findFirst({ where: { action: "enrolment.enrolled_on_behalf", entityId: String(result.enrolmentId) } })).toMatchObject({
      actorId: hr.id,
      personId: person.id,
    });
    expect(await db.notification.count({ where: { payload: { contains: `"offeringId":${o.id},` } } })).toBe(0);
  });
});

describe("withdrawal and the waiting list", () => {
  it("promotes the first person waiting, in arrival order, one seat at a time", async () => {
    const o = await offering({ capacity: 2 });
    const people = [];
    for (let i = 0; i < 5; i++) people.push(await learner());
    for (const p of people) await enrolNow(o.id, p);
    expect(await seatsOf(o.id)).toEqual({ seatsTaken: 2, waitlistSeq: 3, enrolled: 2 });
    const [a, b, c, d, e] = people;

    // d (number 2) leaves the queue first: no seat moves.
    expect((await withdraw({ offeringId: o.id, personId: d.personId, actorId: d.userId, now: DURING_WINDOW })).promoted).toEqual([]);
    const cRow = await db.enrolment.findUniqueOrThrow({ where: { offeringId_personId: { offeringId: o.id, personId: c.personId } } });
    const eRow = await db.enrolment.findUniqueOrThrow({ where: { offeringId_personId: { offeringId: o.id, personId: e.personId } } });
    expect(await waitlistPosition(db, eRow.id)).toBe(2);

    const first = await withdraw({ offeringId: o.id, personId: a.personId, actorId: a.userId, now: DURING_WINDOW });
    expect(first.promoted).toEqual([{ enrolmentId: cRow.id, personId: c.personId }]);
    expect(await waitlistPosition(db, eRow.id)).toBe(1);
    const second = await withdraw({ offeringId: o.id, personId: b.personId, actorId: b.userId, now: DURING_WINDOW });
    expect(second.promoted).toEqual([{ enrolmentId: eRow.id, personId: e.personId }]);
    expect(await waitlistPosition(db, eRow.id)).toBeNull();
    expect(await seatsOf(o.id)).toEqual({ seatsTaken: 2, waitlistSeq: 3, enrolled: 2 });
    expect((await notificationsOf(c.userId)).map((n) => n.key)).toEqual(["enrolment.notify.waitlisted", "enrolment.notify.promoted"]);
  });

  it("lets learners withdraw until the deadline, HR at any time with a reason and within scope", async () => {
    const o = await offering();
    const a = await learner();
    await enrolNow(o.id, a);
    await expect(withdraw({ offeringId: o.id, personId: a.personId, actorId: a.userId, now: CALENDAR.withdrawDeadline })).rejects.toMatchObject({
      code: "enrolment.errors.withdrawDeadlinePassed",
      params: { deadline: CALENDAR.withdrawDeadline.toISOString() },
    });
    const late = new Date(CALENDAR.withdrawDeadline.getTime() + 86_400_000);
    await expect(withdraw({ offeringId: o.id, personId: a.personId, actorId: hr.id, now: late, byHr: true })).rejects.toMatchObject({
      code: "enrolment.errors.reasonRequired",
    });
    await expect(
      withdraw({ offeringId: o.id, personId: a.personId, actorId: otherHr.id, now: late, byHr: true, reason: "调岗" }),
    ).rejects.toMatchObject({ code: "enrolment.errors.forbidden" });
    // A learner can't claim to be HR: the role is read from the account.
    await expect(
      withdraw({ offeringId: o.id, personId: a.personId, actorId: a.userId, now: late, byHr: true, reason: "我是人事" }),
    ).rejects.toMatchObject({ code: "enrolment.errors.forbidden" });

    const result = await withdraw({ offeringId: o.id, personId: a.personId, actorId: hr.id, now: late, byHr: true, reason: "调岗" });
    expect(result).toMatchObject({ previousStatus: "enrolled", alreadyWithdrawn: false });
    expect(await seatsOf(o.id)).toEqual({ seatsTaken: 0, waitlistSeq: 0, enrolled: 0 });
    expect(await db.auditEvent.findFirst({ where: { action: "enrolment.withdrawn_by_hr", entityId: String(result.enrolmentId) } })).toMatchObject({
      actorId: hr.id,
      reason: "调岗",
    });
    expect((await notificationsOf(a.userId)).at(-1)).toMatchObject({ key: "enrolment.notify.withdrawnByHr", params: { reason: "调岗" } });
    // Twice is once.
    expect(await withdraw({ offeringId: o.id, personId: a.personId, actorId: a.userId, now: late })).toMatchObject({ alreadyWithdrawn: true, promoted: [] });
    expect(await seatsOf(o.id)).toEqual({ seatsTaken: 0, waitlistSeq: 0, enrolled: 0 });
  });

  it("lets a learner who withdrew enrol again while the window is open, at the back of the queue", async () => {
    const o = await offering({ capacity: 1 });
    const a = await learner();
    const b = await learner();
    const c = await learner();
    await enrolNow(o.id, a);
    await enrolNow(o.id, b); // waitlist no. 1
    await withdraw({ offeringId: o.id, personId: b.personId, actorId: b.userId, now: DURING_WINDOW });
    await enrolNow(o.id, c); // no. 2
    const again = await enrolNow(o.id, b); // no. 3, same row
    expect(again).toMatchObject({ state: "waitlisted", waitlistPosition: 2, alreadyEnrolled: false });
    const row = await db.enrolment.findUniqueOrThrow({ where: { id: again.enrolmentId } });
    expect(row).toMatchObject({ status: "waitlisted", waitlistNo: 3, requestedAt: DURING_WINDOW });
    expect(await db.enrolment.count({ where: { offeringId: o.id, personId: b.personId } })).toBe(1);

    // Withdrawn and the window closed: no way back in by themselves.
    await withdraw({ offeringId: o.id, personId: b.personId, actorId: b.userId, now: DURING_WINDOW });
    await expect(enrolNow(o.id, b, CALENDAR.closes)).rejects.toMatchObject({ code: "enrolment.errors.windowClosed" });
  });

  it("refuses to withdraw from a finished class or without an enrolment", async () => {
    const o = await offering();
    const a = await learner();
    await expect(withdraw({ offeringId: o.id, personId: a.personId, actorId: a.userId, now: DURING_WINDOW })).rejects.toMatchObject({
      code: "enrolment.errors.enrolmentNotFound",
    });
    await db.enrolment.create({ data: { offeringId: o.id, personId: a.personId, status: "completed" } });
    await expect(withdraw({ offeringId: o.id, personId: a.personId, actorId: a.userId, now: DURING_WINDOW })).rejects.toMatchObject({
      code: "enrolment.errors.notWithdrawable",
    });
    await expect(enrolNow(o.id, a)).rejects.toMatchObject({ code: "enrolment.errors.alreadyFinished" });
  });

  it("seats the waiting list in order when capacity is raised", async () => {
    const o = await offering({ capacity: 1 });
    const people = [];
    for (let i = 0; i < 4; i++) people.push(await learner());
    for (const p of people) await enrolNow(o.id, p);
    const promoted = await db.$transaction(async (tx) => {
      await tx.offering.update({ where: { id: o.id }, data: { capacity: 3 } });
      return promoteWaiting(tx, o.id);
    });
    expect(promoted.map((p) => p.personId)).toEqual([people[1].personId, people[2].personId]);
    expect(await statusOf(o.id, people[3].personId)).toBe("waitlisted");
    expect(await seatsOf(o.id)).toEqual({ seatsTaken: 3, waitlistSeq: 3, enrolled: 3 });
  });
});

describe("approvals", () => {
  it("holds a request without a seat until HR in scope decides", async () => {
    const o = await offering({ needsApproval: true, capacity: 1 });
    const a = await learner(0);
    const b = await learner(0);
    const pending = await enrolNow(o.id, a);
    expect(pending).toMatchObject({ state: "pending_approval", alreadyEnrolled: false });
    expect(await enrolNow(o.id, a)).toMatchObject({ state: "pending_approval", alreadyEnrolled: true });
    expect(await seatsOf(o.id)).toEqual({ seatsTaken: 0, waitlistSeq: 0, enrolled: 0 });
    expect((await notificationsOf(a.userId)).map((n) => n.key)).toEqual(["enrolment.notify.pendingApproval"]);

    await expect(decideApproval({ enrolmentId: pending.enrolmentId, approve: true, actor: otherHr })).rejects.toMatchObject({
      code: "enrolment.errors.forbidden",
    });
    const trainer = await makeUser("trainer");
    await expect(
      decideApproval({ enrolmentId: pending.enrolmentId, approve: true, actor: { id: trainer.id, role: "trainer", scopeUnitPath: null } }),
    ).rejects.toMatchObject({ code: "enrolment.errors.forbidden" });

    const approved = await decideApproval({ enrolmentId: pending.enrolmentId, approve: true, actor: hr });
    expect(approved).toEqual({ state: "enrolled", enrolmentId: pending.enrolmentId, alreadyDecided: false });
    expect(await decideApproval({ enrolmentId: pending.enrolmentId, approve: true, actor: hr })).toMatchObject({ state: "enrolled", alreadyDecided: true });
    await expect(decideApproval({ enrolmentId: pending.enrolmentId, approve: false, reason: "改主意", actor: hr })).rejects.toMatchObject({
      code: "enrolment.errors.notPending",
    });

    // The class is now full: the next approval joins the waiting list.
    const second = await enrolNow(o.id, b);
    const waiting = await decideApproval({ enrolmentId: second.enrolmentId, approve: true, reason: "同意", actor: hr });
    expect(waiting).toMatchObject({ state: "waitlisted", waitlistPosition: 1 });
    expect(await seatsOf(o.id)).toEqual({ seatsTaken: 1, waitlistSeq: 1, enrolled: 1 });
    expect((await notificationsOf(b.userId)).at(-1)).toMatchObject({ key: "enrolment.notify.approvedWaitlisted", params: { position: 1 } });
    expect(await db.auditEvent.count({ where: { action: "enrolment.approved", personId: { in: [a.personId, b.personId] } } })).toBe(2);
  });

  it("declines only with a reason; a declined learner cannot simply ask again", async () => {
    const o = await offering({ needsApproval: true });
    const a = await learner(1);
    const pending = await enrolNow(o.id, a);
    await expect(decideApproval({ enrolmentId: pending.enrolmentId, approve: false, reason: " ", actor: otherHr })).rejects.toMatchObject({
      code: "enrolment.errors.reasonRequired",
    });
    const declined = await decideApproval({ enrolmentId: pending.enrolmentId, approve: false, reason: "本期名额留给新任书记", actor: otherHr });
    expect(declined).toEqual({ state: "declined", enrolmentId: pending.enrolmentId, alreadyDecided: false });
    const row = await db.enrolment.findUniqueOrThrow({ where: { id: pending.enrolmentId } });
    expect(row).toMatchObject({ status: "declined", decidedById: otherHr.id, decisionReason: "本期名额留给新任书记" });
    expect((await notificationsOf(a.userId)).at(-1)).toMatchObject({ key: "enrolment.notify.declined", params: { reason: "本期名额留给新任书记" } });
    await expect(enrolNow(o.id, a)).rejects.toMatchObject({ code: "enrolment.errors.declined" });
    expect(await decideApproval({ enrolmentId: pending.enrolmentId, approve: false, reason: "重复", actor: otherHr })).toMatchObject({ alreadyDecided: true });
  });
});

describe("HR enrolments and moves", () => {
  it("enrols outside the window and past the approval step, but never above capacity", async () => {
    const o = await offering({ capacity: 1, needsApproval: true });
    const a = await learner();
    const b = await learner();
    const late = new Date(CALENDAR.closes.getTime() + 86_400_000);
    await expect(hrEnrol({ offeringId: o.id, personId: a.personId, actor: hr, reason: "", now: late })).rejects.toMatchObject({
      code: "enrolment.errors.reasonRequired",
    });
    await expect(hrEnrol({ offeringId: o.id, personId: a.personId, actor: otherHr, reason: "补报", now: late })).rejects.toMatchObject({
      code: "enrolment.errors.forbidden",
    });
    const result = await hrEnrol({ offeringId: o.id, personId: a.personId, actor: hr, reason: "补报", now: late });
    expect(result).toMatchObject({ state: "enrolled", alreadyEnrolled: false });
    expect(await hrEnrol({ offeringId: o.id, personId: a.personId, actor: hr, reason: "补报", now: late })).toMatchObject({ alreadyEnrolled: true });

    const error = await hrEnrol({ offeringId: o.id, personId: b.personId, actor: hr, reason: "补报", now: late }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "enrolment.errors.full", params: { capacity: 1, offeringCode: o.code } });
    expect(await db.enrolment.count({ where: { offeringId: o.id, personId: b.personId } })).toBe(0);
    expect(await seatsOf(o.id)).toEqual({ seatsTaken: 1, waitlistSeq: 0, enrolled: 1 });
    expect(await db.auditEvent.findFirst({ where: { action: "enrolment.hr_enrolled", entityId: String(result.enrolmentId) } })).toMatchObject({
      actorId: hr.id,
      reason: "补报",
    });
  });

  it("moves an enrolment to another class of the same course and passes the old seat on", async () => {
    const from = await offering({ capacity: 1 });
    const to = await offering({ capacity: 1 });
    const a = await learner();
    const b = await learner();
    const mine = await enrolNow(from.id, a);
    await enrolNow(from.id, b); // waiting for a's seat

    const otherCourse = await makeOffering((await makeCourse(catalogue, { rank: 1 })).id, tree.district.id);
    await expect(hrMove({ enrolmentId: mine.enrolmentId, toOfferingId: otherCourse.id, actor: hr, reason: "调班" })).rejects.toMatchObject({
      code: "enrolment.errors.differentCourse",
    });
    await expect(hrMove({ enrolmentId: mine.enrolmentId, toOfferingId: from.id, actor: hr, reason: "调班" })).rejects.toMatchObject({
      code: "enrolment.errors.sameOffering",
    });
    await expect(hrMove({ enrolmentId: mine.enrolmentId, toOfferingId: to.id, actor: otherHr, reason: "调班" })).rejects.toMatchObject({
      code: "enrolment.errors.forbidden",
    });

    const moved = await hrMove({ enrolmentId: mine.enrolmentId, toOfferingId: to.id, actor: hr, reason: "时间冲突" });
    expect(moved.promoted.map((p) => p.personId)).toEqual([b.personId]);
    expect(await statusOf(from.id, a.personId)).toBe("withdrawn");
    expect(await statusOf(to.id, a.personId)).toBe("enrolled");
    expect(await seatsOf(from.id)).toEqual({ seatsTaken: 1, waitlistSeq: 1, enrolled: 1 });
    expect(await seatsOf(to.id)).toEqual({ seatsTaken: 1, waitlistSeq: 0, enrolled: 1 });
    expect(await db.auditEvent.findFirst({ where: { action: "enrolment.moved", entityId: String(mine.enrolmentId) } })).toMatchObject({
      reason: "时间冲突",
    });
    expect((await notificationsOf(a.userId)).at(-1)).toMatchObject({
      key: "enrolment.notify.moved",
      params: { fromOfferingCode: from.code, offeringCode: to.code },
    });

    // The target is now full: moving b there fails and leaves everything as it was.
    const bRow = await db.enrolment.findUniqueOrThrow({ where: { offeringId_personId: { offeringId: from.id, personId: b.personId } } });
    await expect(hrMove({ enrolmentId: bRow.id, toOfferingId: to.id, actor: hr, reason: "调班" })).rejects.toMatchObject({
      code: "enrolment.errors.full",
    });
    expect(await statusOf(from.id, b.personId)).toBe("enrolled");
    expect(await seatsOf(from.id)).toEqual({ seatsTaken: 1, waitlistSeq: 1, enrolled: 1 });

    // Moving a back into its old class reuses the withdrawn row there (once a seat is free).
    await db.offering.update({ where: { id: from.id }, data: { capacity: 2 } });
    const back = await hrMove({ enrolmentId: moved.toEnrolmentId, toOfferingId: from.id, actor: hr, reason: "冲突已解决" });
    expect(back.toEnrolmentId).toBe(mine.enrolmentId);
    expect(await statusOf(from.id, a.personId)).toBe("enrolled");
    expect(await seatsOf(to.id)).toEqual({ seatsTaken: 0, waitlistSeq: 0, enrolled: 0 });
  });
});
