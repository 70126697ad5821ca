// Taking attendance: a class's roster across its sessions, one session's marks, and the
// trainer's bulk marking.
//
// Rules:
// - One Attendance row per (session, person), written by upsert; `method` says who recorded
//   it. A trainer's mark always overwrites (a self check-in or an earlier mark); a self
//   check-in never overwrites anything (see checkin.server.ts).
// - Only learners on the roster (enrolled, completed, not completed) can be marked.
// - Present, late and absent can be recorded from the moment check-in opens (30 minutes
//   before the start); an excused absence can be recorded in advance.
// - After any change, the learner's completion is recomputed by the enrolment module
//   (recomputeCompletion), in the same transaction: after a class has been completed, a
//   correction that changes the outcome reverses the credit entry or awards a new one there,
//   never edits one.
// - A correction after completion (the class is closed, or the learner's enrolment was
//   already decided) needs a reason and is audited (who, before, after, why).
import { recordAudit } from "~/audit/audit.server";
import { policyForYear } from "~/credits/ledger.server";
import { absenceWithinLimit } from "~/credits/policy";
import { ATTENDED_STATUSES, recomputeCompletion, sessionMinutes, type CompletionOutcome } from "~/enrolment/completion.server";
// The shared retry, not enrolment's: a trainer whose marks lost every attempt is told the
// generic "busy, nothing was saved" (TransactionBusyError → errors.busy, 503), not that many
// people are enrolling.
import { inTransaction } from "~/db/transaction.server";
import { db, type DbTx } from "~/utils/db.server";
import { checkinState, checkinWindow, currentCheckinCode, type CheckinState, type CurrentCode } from "./checkin-code.server";
import { ATTENDANCE_ERRORS, AttendanceError } from "./errors";
import { ROSTER_ENROLMENT_STATUSES, type AttendanceStatus } from "./statuses";

const byName = new Intl.Collator("zh-CN");
const isAttended = (status: string | null | undefined) => (ATTENDED_STATUSES as readonly string[]).includes(status ?? "");
const DECIDED_ENROLMENT = ["completed", "not_completed"];

const learnerSelect = {
  id: true,
  status: true,
  person: {
    select: { id: true, name: true, employeeNo: true, unit: { select: { nameZh: true, nameEn: true } } },
  },
} as const;

type RosterRow = {
  id: number;
  status: string;
  person: { id: number; name: string; employeeNo: string; unit: { nameZh: string; nameEn: string } };
};

async function rosterOf(client: DbTx, offeringId: number): Promise<RosterRow[]> {
  const rows = await client.enrolment.findMany({
    where: { offeringId, status: { in: [...ROSTER_ENROLMENT_STATUSES] } },
    select: learnerSelect,
  });
  return rows.sort((a, b) => byName.compare(a.person.name, b.person.name) || a.person.employeeNo.localeCompare(b.person.employeeNo));
}

// ---------------------------------------------------------------- the class page

export type ClassAttendance = Awaited<ReturnType<typeof loadClassAttendance>>;

/**
 * A class with its sessions and its roster: each learner's mark per session, attended and
 * missed minutes so far, and whether the absences so far are still within the policy limit.
 */
export async function loadClassAttendance(offeringId: number, now = new Date()) {
  const offering = await db.offering.findUniqueOrThrow({
    where: { id: offeringId },
    select: {
      id: true,
      code: true,
      status: true,
      startsAt: true,
      endsAt: true,
      venue: true,
      creditYear: true,
      course: { select: { code: true, titleZh: true, titleEn: true, mode: true, hasAssessment: true } },
      trainer: { select: { displayName: true } },
      sessions: { orderBy: [{ startsAt: "asc" }, { id: "asc" }], select: { id: true, title: true, startsAt: true, endsAt: true, venue: true } },
    },
  });
  const roster = await rosterOf(db, offeringId);
  const marks = await db.attendance.findMany({
    where: { session: { offeringId }, personId: { in: roster.map((r) => r.person.id) } },
    select: { sessionId: true, personId: true, status: true, method: true },
  });
  const { rules } = await policyForYear(db, offering.creditYear);
  const markOf = new Map(marks.map((m) => [`${m.sessionId}:${m.personId}`, m]));
  const scheduledMinutes = offering.sessions.reduce((sum, s) => sum + sessionMinutes(s), 0);

  const sessions = offering.sessions.map((s, index) => {
    const forSession = marks.filter((m) => m.sessionId === s.id);
    return {
      ...s,
      number: index + 1,
      minutes: sessionMinutes(s),
      checkin: checkinState(s, now),
      attended: forSession.filter((m) => isAttended(m.status)).length,
      recorded: forSession.length,
    };
  });
  const learners = roster.map((r) => {
    let attendedMinutes = 0;
    let missedMinutes = 0;
    const cells = offering.sessions.map((s) => {
      const mark = markOf.get(`${s.id}:${r.person.id}`);
      if (isAttended(mark?.status)) attendedMinutes += sessionMinutes(s);
      else if (s.endsAt.getTime() <= now.getTime()) missedMinutes += sessionMinutes(s);
      return { sessionId: s.id, status: (mark?.status ?? null) as AttendanceStatus | null, method: mark?.method ?? null };
    });
    return {
      enrolmentId: r.id,
      enrolmentStatus: r.status,
      person: r.person,
      cells,
      attendedMinutes,
      missedMinutes,
      withinLimit: absenceWithinLimit(missedMinutes, scheduledMinutes, rules),
    };
  });
  const { sessions: _omit, ...rest } = offering;
  return { offering: rest, sessions, learners, scheduledMinutes, maxAbsenceFraction: rules.maxAbsenceFraction };
}

// ---------------------------------------------------------------- one session

export type SessionAttendance = Awaited<ReturnType<typeof loadSessionAttendance>>;

/**
 * One session with its class, the roster and each learner's mark, and the check-in code to
 * show (only while check-in is open). The session's checkinSecret never leaves this module.
 */
export async function loadSessionAttendance(sessionId: number, now = new Date()) {
  const session = await db.classSession.findUniqueOrThrow({
    where: { id: sessionId },
    select: {
      id: true,
      title: true,
      startsAt: true,
      endsAt: true,
      venue: true,
      checkinSecret: true,
      offering: {
        select: {
          id: true,
          code: true,
          status: true,
          venue: true,
          course: { select: { code: true, titleZh: true, titleEn: true } },
          trainer: { select: { displayName: true } },
          sessions: { orderBy: [{ startsAt: "asc" }, { id: "asc" }], select: { id: true } },
        },
      },
    },
  });
  const roster = await rosterOf(db, session.offering.id);
  const marks = await db.attendance.findMany({
    where: { sessionId, personId: { in: roster.map((r) => r.person.id) } },
    select: { personId: true, status: true, method: true, recordedAt: true },
  });
  const markOf = new Map(marks.map((m) => [m.personId, m]));
  const state: CheckinState = checkinState(session, now);
  const code: CurrentCode | null = currentCheckinCode(session, now);
  const { checkinSecret: _secret, offering, ...rest } = session;
  const { sessions, ...offeringRest } = offering;
  const learners = roster.map((r) => {
    const mark = markOf.get(r.person.id);
    return {
      enrolmentId: r.id,
      enrolmentStatus: r.status,
      person: r.person,
      mark: mark ? { status: mark.status as AttendanceStatus, method: mark.method, recordedAt: mark.recordedAt } : null,
    };
  });
  return {
    session: { ...rest, number: sessions.findIndex((s) => s.id === session.id) + 1, venue: session.venue || offering.venue },
    offering: offeringRest,
    learners,
    counts: {
      roster: learners.length,
      attended: learners.filter((l) => isAttended(l.mark?.status)).length,
      selfCheckedIn: learners.filter((l) => l.mark?.method === "self_checkin").length,
      unmarked: learners.filter((l) => !l.mark).length,
    },
    checkin: { state, ...checkinWindow(session), code },
    /** Corrections now need a reason (the class was completed). */
    afterCompletion: offering.status === "closed" || learners.some((l) => DECIDED_ENROLMENT.includes(l.enrolmentStatus)),
  };
}

// ---------------------------------------------------------------- marking

export type MarkInput = {
  sessionId: number;
  actorId: number;
  marks: { personId: number; status: AttendanceStatus }[];
  /**
   * The "everyone present" shortcut: roster learners with neither a mark in `marks` nor a
   * recorded row get this status. Learners already marked keep their mark unless `marks`
   * changes it.
   */
  unmarkedAs?: AttendanceStatus;
  /** Required when any change is a correction after completion. */
  reason?: string;
  now?: Date;
};

export type MarkResult = {
  changed: number;
  unchanged: number;
  /** How many of the changes were corrections after completion (audited). */
  corrections: number;
  completion: CompletionOutcome[];
};

/**
 * Records a trainer's marks for one session in one transaction: all or nothing. Marks equal
 * to what is recorded change nothing (a confirmed self check-in stays a self check-in).
 *
 * Throws AttendanceError: sessionNotFound, offeringCancelled, notOnRoster {name, employeeNo},
 * notOpenYet {opensAt}, reasonRequired. EnrolmentError from the completion recompute
 * (courseHasNoCompetencies). TransactionBusyError after repeated write conflicts.
 */
export async function markAttendance(input: MarkInput): Promise<MarkResult> {
  const now = input.now ?? new Date();
  const reason = input.reason?.trim() || null;
  return inTransaction(async (tx) => {
    const session = await tx.classSession.findUnique({
      where: { id: input.sessionId },
      select: { id: true, startsAt: true, endsAt: true, offering: { select: { id: true, status: true } } },
    });
    if (!session) throw new AttendanceError(ATTENDANCE_ERRORS.sessionNotFound);
    if (session.offering.status === "cancelled") throw new AttendanceError(ATTENDANCE_ERRORS.offeringCancelled);
    const roster = await rosterOf(tx, session.offering.id);
    const onRoster = new Map(roster.map((r) => [r.person.id, r]));

    const wanted = new Map<number, AttendanceStatus>();
    for (const mark of input.marks) {
      const learner = onRoster.get(mark.personId);
      if (!learner) {
        const person = await tx.person.findUnique({ where: { id: mark.personId }, select: { name: true, employeeNo: true } });
        throw new AttendanceError(ATTENDANCE_ERRORS.notOnRoster, { name: person?.name ?? String(mark.personId), employeeNo: person?.employeeNo ?? "" });
      }
      wanted.set(mark.personId, mark.status);
    }
    const existing = await tx.attendance.findMany({
      where: { sessionId: session.id, personId: { in: roster.map((r) => r.person.id) } },
      select: { id: true, personId: true, status: true, method: true, recordedById: true, recordedAt: true },
    });
    const before = new Map(existing.map((row) => [row.personId, row]));
    if (input.unmarkedAs) {
      for (const learner of roster) {
        if (!wanted.has(learner.person.id) && !before.has(learner.person.id)) wanted.set(learner.person.id, input.unmarkedAs);
      }
    }

    const changes = [...wanted]
      .filter(([personId, status]) => before.get(personId)?.status !== status)
      .map(([personId, status]) => ({ personId, status, learner: onRoster.get(personId)!, previous: before.get(personId) ?? null }));
    if (changes.length === 0) return { changed: 0, unchanged: wanted.size, corrections: 0, completion: [] };

    if (checkinState(session, now) === "upcoming" && changes.some((c) => c.status !== "excused")) {
      throw new AttendanceError(ATTENDANCE_ERRORS.notOpenYet, { opensAt: checkinWindow(session).opensAt.toISOString() });
    }
    const isCorrection = (learner: RosterRow) => session.offering.status === "closed" || DECIDED_ENROLMENT.includes(learner.status);
    const corrections = changes.filter((c) => isCorrection(c.learner)).length;
    if (corrections > 0 && !reason) throw new AttendanceError(ATTENDANCE_ERRORS.reasonRequired);

    for (const change of changes) {
      const data = { status: change.status, method: "trainer", recordedById: input.actorId, recordedAt: now };
      const row = await tx.attendance.upsert({
        where: { sessionId_personId: { sessionId: session.id, personId: change.personId } },
        create: { sessionId: session.id, personId: change.personId, ...data },
        update: data,
        select: { id: true },
      });
      if (isCorrection(change.learner)) {
        await recordAudit(tx, {
          actorId: input.actorId,
          action: "attendance.corrected",
          entityType: "Attendance",
          entityId: row.id,
          personId: change.personId,
          before: change.previous && {
            sessionId: session.id,
            status: change.previous.status,
            method: change.previous.method,
            recordedById: change.previous.recordedById,
            recordedAt: change.previous.recordedAt.toISOString(),
          },
          after: { sessionId: session.id, status: change.status, method: "trainer", recordedById: input.actorId },
          reason,
        });
      }
    }
    const completion: CompletionOutcome[] = [];
    for (const change of changes) {
      completion.push(await recomputeCompletion(tx, change.learner.id, { actorId: input.actorId, now }));
    }
    return { changed: changes.length, unchanged: wanted.size - changes.length, corrections, completion };
  });
}
