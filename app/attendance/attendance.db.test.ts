// Attendance on a real database (SQLite and PostgreSQL): bulk marking, self check-in with its
// refusals and throttle, the trainer's override, and corrections after completion flowing
// through the enrolment module's recompute into the ledger. Clocks are fixed: every call
// passes `now`.
import { beforeAll, describe, expect, it } from "vitest";
import { personYearTotals } from "~/credits/ledger.server";
import { completeOffering } from "~/enrolment/completion.server";
import { db } from "~/utils/db.server";
import { makeUnitTree, makeUser } from "../../tests/support/factories";
import {
  AFTER_CLASS,
  CALENDAR,
  makeCatalogue,
  makeCourse,
  makeLearner,
  makeOffering,
  makeSessions,
  type Catalogue,
} from "../../tests/support/enrolment-fixtures";
import { markAttendance } from "./attendance.server";
import { CHECKIN_STEP_MS, currentCheckinCode, deriveCheckinCode, checkinStep } from "./checkin-code.server";
import { CHECKIN_THROTTLE, selfCheckIn } from "./checkin.server";
import type { AttendanceStatus } from "./statuses";

let catalogue: Catalogue;
let tree: Awaited<ReturnType<typeof makeUnitTree>>;

beforeAll(async () => {
  tree = await makeUnitTree();
  catalogue = await makeCatalogue();
});

const MINUTE = 60_000;
/** Ten minutes into the first session (sessions start at CALENDAR.starts, one a day). */
const DURING_FIRST = new Date(CALENDAR.starts.getTime() + 10 * MINUTE);

/** A class with `minutes.length` sessions, its trainer and `learners` enrolled learners. */
async function makeClass(minutes: number[], learners = 3, enrolmentStatus = "enrolled") {
  const trainer = await makeUser("trainer");
  const course = await makeCourse(catalogue, { creditPoints: 600 });
  const offering = await makeOffering(course.id, tree.district.id, { capacity: 30 });
  await db.offering.update({ where: { id: offering.id }, data: { trainerId: trainer.id } });
  const sessions = await makeSessions(offering.id, minutes);
  const people = [];
  for (let i = 0; i < learners; i++) {
    const { person, user } = await makeLearner(tree.streets[0].areaId);
    const enrolment = await db.enrolment.create({ data: { offeringId: offering.id, personId: person.id, status: enrolmentStatus } });
    people.push({ person, user: user!, enrolment });
  }
  return { trainer, course, offering, sessions, people };
}

async function rowsOf(sessionId: number) {
  return db.attendance.findMany({
    where: { sessionId },
    orderBy: { personId: "asc" },
    select: { personId: true, status: true, method: true, recordedById: true },
  });
}

function codeAt(session: { checkinSecret: string; startsAt: Date; endsAt: Date }, now: Date) {
  return currentCheckinCode(session, now)!.code;
}

describe("markAttendance (the trainer's bulk form)", () => {
  it("records the whole form at once, the shortcut filling in everyone not yet marked", async () => {
    const { trainer, sessions, people } = await makeClass([60, 60]);
    const [a, b, c] = people;
    const result = await markAttendance({
      sessionId: sessions[0].id,
      actorId: trainer.id,
      marks: [
        { personId: a.person.id, status: "late" },
        { personId: b.person.id, status: "excused" },
      ],
      unmarkedAs: "present",
      now: DURING_FIRST,
    });
    expect(result).toMatchObject({ changed: 3, unchanged: 0, corrections: 0 });
    expect(await rowsOf(sessions[0].id)).toEqual([
      { personId: a.person.id, status: "late", method: "trainer", recordedById: trainer.id },
      { personId: b.person.id, status: "excused", method: "trainer", recordedById: trainer.id },
      { personId: c.person.id, status: "present", method: "trainer", recordedById: trainer.id },
    ]);
    // The shortcut again leaves existing marks alone; the same form again changes nothing.
    expect(await markAttendance({ sessionId: sessions[0].id, actorId: trainer.id, marks: [], unmarkedAs: "present", now: DURING_FIRST })).toMatchObject({
      changed: 0,
    });
    expect((await rowsOf(sessions[0].id)).map((r) => r.status)).toEqual(["late", "excused", "present"]);
    // One row per (session, person): a change updates it.
    await markAttendance({ sessionId: sessions[0].id, actorId: trainer.id, marks: [{ personId: a.person.id, status: "present" }], now: DURING_FIRST });
    expect(await db.attendance.count({ where: { sessionId: sessions[0].id, personId: a.person.id } })).toBe(1);
    expect((await rowsOf(sessions[0].id))[0].status).toBe("present");
  });

  it("is all or nothing: a learner not on the roster refuses the whole form", async () => {
    const { trainer, sessions, people } = await makeClass([60]);
    const stranger = await makeLearner(tree.streets[1].areaId);
    const withdrawn = await makeLearner(tree.streets[0].areaId);
    await db.enrolment.create({ data: { offeringId: sessions[0].offeringId, personId: withdrawn.person.id, status: "withdrawn" } });
    for (const outsider of [stranger, withdrawn]) {
      await expect(
        markAttendance({
          sessionId: sessions[0].id,
          actorId: trainer.id,
          marks: [
            { personId: people[0].person.id, status: "present" },
            { personId: outsider.person.id, status: "present" },
          ],
          now: DURING_FIRST,
        }),
      ).rejects.toMatchObject({ code: "attendance.errors.notOnRoster", params: { employeeNo: outsider.person.employeeNo } });
    }
    expect(await rowsOf(sessions[0].id)).toEqual([]);
  });

  it("records only excused absences before check-in opens", async () => {
    const { trainer, sessions, people } = await makeClass([60]);
    const early = new Date(CALENDAR.starts.getTime() - 31 * MINUTE);
    await expect(
      markAttendance({ sessionId: sessions[0].id, actorId: trainer.id, marks: [{ personId: people[0].person.id, status: "present" }], now: early }),
    ).rejects.toMatchObject({ code: "attendance.errors.notOpenYet" });
    await markAttendance({ sessionId: sessions[0].id, actorId: trainer.id, marks: [{ personId: people[1].person.id, status: "excused" }], now: early });
    expect((await rowsOf(sessions[0].id)).map((r) => r.status)).toEqual(["excused"]);
  });

  it("refuses a cancelled class", async () => {
    const { trainer, offering, sessions, people } = await makeClass([60], 1);
    await db.offering.update({ where: { id: offering.id }, data: { status: "cancelled" } });
    await expect(
      markAttendance({ sessionId: sessions[0].id, actorId: trainer.id, marks: [{ personId: people[0].person.id, status: "present" }], now: DURING_FIRST }),
    ).rejects.toMatchObject({ code: "attendance.errors.offeringCancelled" });
  });
});

describe("selfCheckIn", () => {
  it("checks an enrolled learner in with the current or the previous code, once", async () => {
    const { sessions, people } = await makeClass([90]);
    const [a, b] = people;
    const code = codeAt(sessions[0], DURING_FIRST);
    const result = await selfCheckIn({ userId: a.user.id, personId: a.person.id, code, now: DURING_FIRST });
    expect(result).toMatchObject({ outcome: "checkedIn", status: "present", session: { id: sessions[0].id } });
    expect(result.session).not.toHaveProperty("checkinSecret");
    // A slow typist, one step later, with the code they read.
    const later = new Date(DURING_FIRST.getTime() + CHECKIN_STEP_MS);
    expect(await selfCheckIn({ userId: b.user.id, personId: b.person.id, code, now: later })).toMatchObject({ outcome: "checkedIn" });
    expect(await rowsOf(sessions[0].id)).toEqual([
      { personId: a.person.id, status: "present", method: "self_checkin", recordedById: a.user.id },
      { personId: b.person.id, status: "present", method: "self_checkin", recordedById: b.user.id },
    ]);
    // Again: nothing new.
    expect(await selfCheckIn({ userId: a.user.id, personId: a.person.id, code: codeAt(sessions[0], later), now: later })).toMatchObject({
      outcome: "alreadyCheckedIn",
    });
    expect(await db.attendance.count({ where: { sessionId: sessions[0].id } })).toBe(2);
  });

  it("lets a learner whose enrolment is already completed check in", async () => {
    const { sessions, people } = await makeClass([60], 1, "completed");
    const [a] = people;
    expect(await selfCheckIn({ userId: a.user.id, personId: a.person.id, code: codeAt(sessions[0], DURING_FIRST), now: DURING_FIRST })).toMatchObject({
      outcome: "checkedIn",
    });
  });

  it("refuses a wrong code, writes nothing, and counts it towards the throttle", async () => {
    const { sessions, people } = await makeClass([60]);
    const [a] = people;
    const right = codeAt(sessions[0], DURING_FIRST);
    const wrong = right === "222222" ? "333333" : "222222";
    await expect(selfCheckIn({ userId: a.user.id, personId: a.person.id, code: wrong, now: DURING_FIRST })).rejects.toMatchObject({
      code: "attendance.errors.wrongCode",
    });
    expect(await db.attendance.count({ where: { sessionId: sessions[0].id } })).toBe(0);
    expect(await db.throttleBucket.findUnique({ where: { key: `checkin:${a.user.id}` } })).toMatchObject({ failures: 1 });
  });

  it("locks check-in after repeated wrong codes, even for the right one, and a success clears the count", async () => {
    const { sessions, people } = await makeClass([120]);
    const [a, b] = people;
    const right = codeAt(sessions[0], DURING_FIRST);
    const wrong = right === "222222" ? "333333" : "222222";
    for (let i = 0; i < CHECKIN_THROTTLE.threshold; i++) {
      await expect(selfCheckIn({ userId: a.user.id, personId: a.person.id, code: wrong, now: DURING_FIRST })).rejects.toMatchObject({
        code: "attendance.errors.wrongCode",
      });
    }
    await expect(selfCheckIn({ userId: a.user.id, personId: a.person.id, code: right, now: DURING_FIRST })).rejects.toMatchObject({
      code: "attendance.errors.throttled",
      params: { until: new Date(DURING_FIRST.getTime() + CHECKIN_THROTTLE.baseLockMs).toISOString() },
    });
    expect(await db.attendance.count({ where: { sessionId: sessions[0].id } })).toBe(0);
    // Another learner is not affected.
    await selfCheckIn({ userId: b.user.id, personId: b.person.id, code: right, now: DURING_FIRST });
    // After the lock, the right code works and clears the count.
    const after = new Date(DURING_FIRST.getTime() + CHECKIN_THROTTLE.baseLockMs + 1000);
    await selfCheckIn({ userId: a.user.id, personId: a.person.id, code: codeAt(sessions[0], after), now: after });
    expect(await db.throttleBucket.findUnique({ where: { key: `checkin:${a.user.id}` } })).toBeNull();
  });

  it("calls a code older than the previous step expired, without counting it", async () => {
    const { sessions, people } = await makeClass([60]);
    const [a] = people;
    const code = codeAt(sessions[0], DURING_FIRST);
    const twoStepsLater = new Date(DURING_FIRST.getTime() + 2 * CHECKIN_STEP_MS);
    await expect(selfCheckIn({ userId: a.user.id, personId: a.person.id, code, now: twoStepsLater })).rejects.toMatchObject({
      code: "attendance.errors.expiredCode",
    });
    expect(await db.attendance.count({ where: { sessionId: sessions[0].id } })).toBe(0);
    expect(await db.throttleBucket.findUnique({ where: { key: `checkin:${a.user.id}` } })).toBeNull();
  });

  it("refuses outside the session's window", async () => {
    const { sessions, people } = await makeClass([60]);
    const [a] = people;
    const session = sessions[0];
    // Just after the end, with the code shown in the last minute: closed.
    const lastMinute = new Date(session.endsAt.getTime() - 30_000);
    const afterEnd = new Date(session.endsAt.getTime() + 10_000);
    await expect(selfCheckIn({ userId: a.user.id, personId: a.person.id, code: codeAt(session, lastMinute), now: afterEnd })).rejects.toMatchObject({
      code: "attendance.errors.checkinClosed",
    });
    // Before the window there is no code to show; one derived anyway for that moment is refused.
    const tooEarly = new Date(session.startsAt.getTime() - 45 * MINUTE);
    expect(currentCheckinCode(session, tooEarly)).toBeNull();
    const derived = deriveCheckinCode(process.env.SESSION_SECRET!, session.checkinSecret, checkinStep(tooEarly));
    await expect(selfCheckIn({ userId: a.user.id, personId: a.person.id, code: derived, now: tooEarly })).rejects.toMatchObject({
      code: "attendance.errors.wrongCode",
    });
    expect(await db.attendance.count({ where: { sessionId: session.id } })).toBe(0);
  });

  it("refuses a learner who is not enrolled (never, withdrawn or waiting)", async () => {
    const { offering, sessions } = await makeClass([60], 1);
    const code = codeAt(sessions[0], DURING_FIRST);
    const stranger = await makeLearner(tree.streets[1].areaId);
    const withdrawn = await makeLearner(tree.streets[0].areaId);
    const waiting = await makeLearner(tree.streets[0].areaId);
    await db.enrolment.create({ data: { offeringId: offering.id, personId: withdrawn.person.id, status: "withdrawn" } });
    await db.enrolment.create({ data: { offeringId: offering.id, personId: waiting.person.id, status: "waitlisted", waitlistNo: 1 } });
    for (const learner of [stranger, withdrawn, waiting]) {
      await expect(selfCheckIn({ userId: learner.user!.id, personId: learner.person.id, code, now: DURING_FIRST })).rejects.toMatchObject({
        code: "attendance.errors.notEnrolled",
      });
    }
    expect(await db.attendance.count({ where: { sessionId: sessions[0].id } })).toBe(0);
  });

  it("refuses an account without a learner record", async () => {
    const { sessions } = await makeClass([60], 1);
    const user = await makeUser("learner");
    await expect(selfCheckIn({ userId: user.id, personId: null, code: codeAt(sessions[0], DURING_FIRST), now: DURING_FIRST })).rejects.toMatchObject({
      code: "attendance.errors.noPerson",
    });
  });
});

describe("the trainer's mark overrides a self check-in", () => {
  it("replaces a self check-in, and a later self check-in leaves the trainer's mark alone", async () => {
    const { trainer, sessions, people } = await makeClass([60]);
    const [a, b] = people;
    const code = codeAt(sessions[0], DURING_FIRST);
    await selfCheckIn({ userId: a.user.id, personId: a.person.id, code, now: DURING_FIRST });
    await markAttendance({ sessionId: sessions[0].id, actorId: trainer.id, marks: [{ personId: a.person.id, status: "late" }], now: DURING_FIRST });
    expect((await rowsOf(sessions[0].id))[0]).toEqual({ personId: a.person.id, status: "late", method: "trainer", recordedById: trainer.id });
    expect(await selfCheckIn({ userId: a.user.id, personId: a.person.id, code, now: DURING_FIRST })).toMatchObject({
      outcome: "alreadyMarked",
      status: "late",
    });
    // Marked absent first, then the learner tries to check in: the trainer's mark stands.
    await markAttendance({ sessionId: sessions[0].id, actorId: trainer.id, marks: [{ personId: b.person.id, status: "absent" }], now: DURING_FIRST });
    expect(await selfCheckIn({ userId: b.user.id, personId: b.person.id, code, now: DURING_FIRST })).toMatchObject({
      outcome: "alreadyMarked",
      status: "absent",
    });
    expect((await rowsOf(sessions[0].id)).map((r) => [r.status, r.method])).toEqual([
      ["late", "trainer"],
      ["absent", "trainer"],
    ]);
  });

  it("keeps a self check-in as it is when the trainer's form confirms the same status", async () => {
    const { trainer, sessions, people } = await makeClass([60], 1);
    const [a] = people;
    await selfCheckIn({ userId: a.user.id, personId: a.person.id, code: codeAt(sessions[0], DURING_FIRST), now: DURING_FIRST });
    expect(
      await markAttendance({ sessionId: sessions[0].id, actorId: trainer.id, marks: [{ personId: a.person.id, status: "present" }], now: DURING_FIRST }),
    ).toMatchObject({ changed: 0, unchanged: 1 });
    expect((await rowsOf(sessions[0].id))[0]).toMatchObject({ method: "self_checkin" });
  });
});

describe("corrections after completion", () => {
  it("need a reason, are audited, and reverse or re-award the credit through the completion module", async () => {
    const { trainer, offering, sessions, people } = await makeClass([60, 60, 60, 60, 60, 60, 60], 1);
    const [{ person, enrolment }] = people;
    for (const session of sessions) {
      const during = new Date(session.startsAt.getTime() + 5 * MINUTE);
      await markAttendance({ sessionId: session.id, actorId: trainer.id, marks: [{ personId: person.id, status: "present" }], now: during });
    }
    // Before completion a change is not a correction: no audit, no ledger.
    expect(await db.auditEvent.count({ where: { action: "attendance.corrected", personId: person.id } })).toBe(0);
    await completeOffering({ offeringId: offering.id, actorId: trainer.id, now: AFTER_CLASS });
    const first = await db.ledgerEntry.findUniqueOrThrow({ where: { sourceKey: `completion:enrolment:${enrolment.id}#1` } });
    expect(first.amount).toBe(600);

    const absentTwice = (status: AttendanceStatus) => [sessions[0], sessions[1]].map((s) => ({ sessionId: s.id, status }));
    // Without a reason: refused, nothing changes.
    await expect(
      markAttendance({ sessionId: sessions[0].id, actorId: trainer.id, marks: [{ personId: person.id, status: "absent" }], now: AFTER_CLASS }),
    ).rejects.toMatchObject({ code: "attendance.errors.reasonRequired" });
    expect((await db.attendance.findFirstOrThrow({ where: { sessionId: sessions[0].id, personId: person.id } })).status).toBe("present");

    // One absence (60 of 420) is within 1/7: still completed, the entry stands.
    const reason = "签到表核对：当天缺席 / checked against the paper sheet";
    await markAttendance({ sessionId: sessions[0].id, actorId: trainer.id, marks: [{ personId: person.id, status: "absent" }], reason, now: AFTER_CLASS });
    expect(await db.ledgerEntry.count({ where: { personId: person.id } })).toBe(1);
    // A second one is not: the entry is reversed (a new negative entry), never edited.
    const result = await markAttendance({
      sessionId: sessions[1].id,
      actorId: trainer.id,
      marks: [{ personId: person.id, status: "absent" }],
      reason,
      now: AFTER_CLASS,
    });
    expect(result).toMatchObject({ changed: 1, corrections: 1 });
    expect(result.completion[0]).toMatchObject({ status: "not_completed", changed: true, reversedEntryIds: [first.id] });
    expect(await db.ledgerEntry.findFirstOrThrow({ where: { reversesEntryId: first.id } })).toMatchObject({ amount: -600, sourceType: "reversal" });
    expect(await db.ledgerEntry.findUniqueOrThrow({ where: { id: first.id } })).toMatchObject({ amount: 600 });
    expect(await db.enrolment.findUniqueOrThrow({ where: { id: enrolment.id } })).toMatchObject({ status: "not_completed" });
    expect((await personYearTotals(db, person.id, 2026)).byCategory.in_person).toBe(0);

    const audits = await db.auditEvent.findMany({ where: { action: "attendance.corrected", personId: person.id }, orderBy: { id: "asc" } });
    expect(audits).toHaveLength(2);
    expect(audits[1]).toMatchObject({ actorId: trainer.id, entityType: "Attendance", reason });
    expect(JSON.parse(audits[1].before!)).toMatchObject({ sessionId: sessions[1].id, status: "present", method: "trainer" });
    expect(JSON.parse(audits[1].after!)).toMatchObject({ sessionId: sessions[1].id, status: "absent", method: "trainer", recordedById: trainer.id });

    // Corrected back: a new award, #2.
    for (const { sessionId, status } of absentTwice("present")) {
      await markAttendance({ sessionId, actorId: trainer.id, marks: [{ personId: person.id, status }], reason: "误记 / marked by mistake", now: AFTER_CLASS });
    }
    expect(await db.enrolment.findUniqueOrThrow({ where: { id: enrolment.id } })).toMatchObject({ status: "completed" });
    expect(await db.ledgerEntry.findUniqueOrThrow({ where: { sourceKey: `completion:enrolment:${enrolment.id}#2` } })).toMatchObject({ amount: 600 });
    expect(await db.ledgerEntry.count({ where: { personId: person.id } })).toBe(3);
    expect((await personYearTotals(db, person.id, 2026)).byCategory.in_person).toBe(600);
    expect(await db.auditEvent.count({ where: { action: "attendance.corrected", personId: person.id } })).toBe(4);
  });
});
