// Self check-in: a learner types the code shown in the room (or scans its QR code) and is
// recorded present for the session it belongs to.
//
// Codes are not stored (checkin-code.server.ts): the typed code is checked against the few
// sessions whose check-in window is open now, or closed recently (to say "closed" or
// "expired" rather than "wrong"). A wrong or expired code writes nothing. Wrong codes count
// towards a per-user throttle kept in ThrottleBucket ("checkin:<userId>"), the same
// mechanism as sign-in throttling, so guessing codes is hopeless: with 31^6 codes and a
// handful of open sessions, five guesses per lock-out make a hit about one in ten million.
import { lockedUntil, recordFailure, type ThrottleKey } from "~/auth/throttle.server";
import { recomputeCompletion } from "~/enrolment/completion.server";
// The shared retry: a check-in that lost every attempt is TransactionBusyError (errors.busy).
import { inTransaction, isUniqueViolation } from "~/db/transaction.server";
import { db } from "~/utils/db.server";
import {
  CHECKIN_OPENS_BEFORE_START_MS,
  CHECKIN_RECOGNISED_STEPS,
  CHECKIN_STEP_MS,
  checkinState,
  matchCheckinCode,
} from "./checkin-code.server";
import { ATTENDANCE_ERRORS, AttendanceError } from "./errors";
import { CHECKIN_ENROLMENT_STATUSES, type AttendanceStatus } from "./statuses";

const MINUTE = 60_000;
/** Five wrong codes within ten minutes lock check-in for a minute, doubling up to fifteen. */
export const CHECKIN_THROTTLE = { threshold: 5, windowMs: 10 * MINUTE, baseLockMs: 1 * MINUTE, maxLockMs: 15 * MINUTE };

export function checkinThrottleKey(userId: number): ThrottleKey {
  return { key: `checkin:${userId}`, rule: CHECKIN_THROTTLE };
}

/** Classes a learner can't check in to whatever code they have. */
const NOT_RUNNING = ["draft", "cancelled"];

export type CheckinOutcome = "checkedIn" | "alreadyCheckedIn" | "alreadyMarked";

export type CheckinResult = {
  outcome: CheckinOutcome;
  /** The status now recorded for the learner in that session. */
  status: AttendanceStatus;
  session: {
    id: number;
    title: string;
    startsAt: Date;
    endsAt: Date;
    offering: { code: string; course: { titleZh: string; titleEn: string } };
  };
};

const sessionSelect = {
  id: true,
  title: true,
  startsAt: true,
  endsAt: true,
  checkinSecret: true,
  offeringId: true,
  offering: { select: { code: true, course: { select: { titleZh: true, titleEn: true } } } },
} as const;

/**
 * Checks a learner in with a (normalised) code.
 *
 * Outcomes: checkedIn (a present row was written, method self_checkin), alreadyCheckedIn (a
 * self check-in was already recorded), alreadyMarked (the trainer has recorded this learner;
 * the trainer's mark stands).
 *
 * Throws AttendanceError: throttled {until}, noPerson, wrongCode, expiredCode, checkinClosed,
 * notEnrolled. Only wrongCode counts towards the throttle; nothing is written on any refusal.
 * TransactionBusyError when every attempt of the write lost a race.
 */
export async function selfCheckIn(input: { userId: number; personId: number | null; code: string; now?: Date }): Promise<CheckinResult> {
  const now = input.now ?? new Date();
  const throttle = checkinThrottleKey(input.userId);
  const locked = await lockedUntil([throttle], now);
  if (locked) throw new AttendanceError(ATTENDANCE_ERRORS.throttled, { until: locked.toISOString() });
  if (!input.personId) throw new AttendanceError(ATTENDANCE_ERRORS.noPerson);
  const personId = input.personId;

  // The sessions a code could belong to: open now, or closed within the recognition span.
  const candidates = await db.classSession.findMany({
    where: {
      startsAt: { lte: new Date(now.getTime() + CHECKIN_OPENS_BEFORE_START_MS) },
      endsAt: { gte: new Date(now.getTime() - CHECKIN_RECOGNISED_STEPS * CHECKIN_STEP_MS) },
      offering: { status: { notIn: NOT_RUNNING } },
    },
    select: sessionSelect,
  });
  const matches = candidates.map((session) => ({ session, match: matchCheckinCode(session, input.code, now) }));
  const current = matches.filter((m) => m.match === "current");
  const open = current.filter((m) => checkinState(m.session, now) === "open").map((m) => m.session);
  if (open.length === 0) {
    if (current.length > 0) throw new AttendanceError(ATTENDANCE_ERRORS.checkinClosed);
    if (matches.some((m) => m.match === "expired")) throw new AttendanceError(ATTENDANCE_ERRORS.expiredCode);
    await recordFailure([throttle], now);
    throw new AttendanceError(ATTENDANCE_ERRORS.wrongCode);
  }

  const enrolments = await db.enrolment.findMany({
    where: { personId, offeringId: { in: open.map((s) => s.offeringId) }, status: { in: [...CHECKIN_ENROLMENT_STATUSES] } },
    select: { id: true, offeringId: true },
  });
  // Two open sessions sharing a code is a one-in-a-hundred-million event; if it happens, the
  // learner's own class is the one meant.
  const session = open.find((s) => enrolments.some((e) => e.offeringId === s.offeringId));
  if (!session) throw new AttendanceError(ATTENDANCE_ERRORS.notEnrolled);
  const enrolmentId = enrolments.find((e) => e.offeringId === session.offeringId)!.id;
  const { checkinSecret: _secret, offeringId: _offering, ...shown } = session;

  const outcome = await inTransaction(async (tx) => {
    const existing = await tx.attendance.findUnique({
      where: { sessionId_personId: { sessionId: session.id, personId } },
      select: { status: true, method: true },
    });
    if (existing) {
      return { outcome: existing.method === "self_checkin" ? "alreadyCheckedIn" : "alreadyMarked", status: existing.status } as const;
    }
    await tx.attendance.create({
      data: { sessionId: session.id, personId, status: "present", method: "self_checkin", recordedById: input.userId, recordedAt: now },
      select: { id: true },
    });
    await recomputeCompletion(tx, enrolmentId, { actorId: input.userId, now });
    return { outcome: "checkedIn", status: "present" } as const;
  }).catch(async (error: unknown) => {
    // A double submit that kept colliding: the other request recorded it.
    if (!isUniqueViolation(error)) throw error;
    const row = await db.attendance.findUniqueOrThrow({
      where: { sessionId_personId: { sessionId: session.id, personId } },
      select: { status: true, method: true },
    });
    return { outcome: row.method === "self_checkin" ? "alreadyCheckedIn" : "alreadyMarked", status: row.status } as const;
  });
  await db.throttleBucket.deleteMany({ where: { key: throttle.key } });
  return { outcome: outcome.outcome, status: outcome.status as AttendanceStatus, session: shown };
}

/** The learner's sessions whose check-in is open now, with what is recorded for them. */
export async function openSessionsFor(personId: number, now = new Date()) {
  const sessions = await db.classSession.findMany({
    where: {
      startsAt: { lte: new Date(now.getTime() + CHECKIN_OPENS_BEFORE_START_MS) },
      endsAt: { gt: now },
      offering: {
        status: { notIn: NOT_RUNNING },
        enrolments: { some: { personId, status: { in: [...CHECKIN_ENROLMENT_STATUSES] } } },
      },
    },
    orderBy: { startsAt: "asc" },
    take: 10,
    select: {
      id: true,
      title: true,
      startsAt: true,
      endsAt: true,
      venue: true,
      offering: { select: { code: true, venue: true, course: { select: { titleZh: true, titleEn: true } } } },
      attendance: { where: { personId }, select: { status: true, method: true } },
    },
  });
  return sessions.map(({ attendance, ...s }) => ({
    ...s,
    venue: s.venue || s.offering.venue,
    mark: attendance[0] ? { status: attendance[0].status as AttendanceStatus, method: attendance[0].method } : null,
  }));
}
