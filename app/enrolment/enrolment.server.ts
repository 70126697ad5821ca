// Enrolling in a class: the learner's own request, HR's approvals, withdrawals with automatic
// promotion from the waiting list, and HR's direct enrolments and moves.
//
// Invariants, on SQLite and on PostgreSQL with several app instances:
// - never more "enrolled" than capacity: seats are taken only through the conditional
//   UPDATEs in seats.server.ts, in the same transaction as the enrolment row;
// - one enrolment per person per class: the unique (offeringId, personId), reused when a
//   withdrawn learner enrols again;
// - waiting-list order is arrival order: numbers come from Offering.waitlistSeq under the
//   offering's row lock, and promotions take the lowest number first;
// - a double submit does one thing: the second finds (or collides with) the first row and
//   answers with its state, alreadyEnrolled: true.
// Transactions that touch an existing enrolment row update it (conditionally) before the
// Offering row, and new rows are inserted after it, so concurrent requests take locks in one
// order; what is left over (crossing HR moves) is retried by inTransaction.
import { recordAudit } from "~/audit/audit.server";
import { canAccessUnit, type SessionUser } from "~/auth/guards.server";
import type { MessageKey } from "~/i18n/i18n";
import { notify } from "~/notifications/notifications.server";
import type { DbTx } from "~/utils/db.server";
import { checkCourseEligibility, requireHrOverPerson } from "./eligibility.server";
import { ENROLMENT_ERRORS, EnrolmentError, type MessageParams } from "./errors";
import { claimSeat, fillFreeSeats, releaseSeat, seatOrWaitlist, waitlistPosition } from "./seats.server";
import { ConcurrentChange, inTransaction } from "./transaction.server";

export { fillFreeSeats, waitlistPosition };

/** Enrolment.status values. */
export const ENROLMENT_STATUSES = [
  "pending_approval",
  "enrolled",
  "waitlisted",
  "withdrawn",
  "declined",
  "completed",
  "not_completed",
] as const;
export type EnrolmentStatus = (typeof ENROLMENT_STATUSES)[number];

/** Statuses of a live request: a repeat of it changes nothing. */
const ACTIVE = ["pending_approval", "enrolled", "waitlisted"] as const;
type ActiveStatus = (typeof ACTIVE)[number];
const isActive = (status: string): status is ActiveStatus => (ACTIVE as readonly string[]).includes(status);

export type EnrolState = ActiveStatus;

export type EnrolResult = {
  state: EnrolState;
  enrolmentId: number;
  /** 1-based place on the waiting list, when waitlisted. */
  waitlistPosition?: number;
  /** True when the person already had this enrolment and nothing was changed. */
  alreadyEnrolled: boolean;
};

/** The acting HR officer or administrator (a SessionUser has these fields). */
export type EnrolmentActor = Pick<SessionUser, "id" | "role" | "scopeUnitPath">;

export type Promotion = { enrolmentId: number; personId: number };

// ---------------------------------------------------------------- reading

const offeringSelect = {
  id: true,
  code: true,
  status: true,
  courseId: true,
  capacity: true,
  enrolOpensAt: true,
  enrolClosesAt: true,
  withdrawDeadline: true,
  needsApproval: true,
  course: { select: { titleZh: true, titleEn: true } },
} as const;

type OfferingInfo = {
  id: number;
  code: string;
  status: string;
  courseId: number;
  capacity: number;
  enrolOpensAt: Date;
  enrolClosesAt: Date;
  withdrawDeadline: Date;
  needsApproval: boolean;
  course: { titleZh: string; titleEn: string };
};

async function loadOffering(tx: DbTx, offeringId: number): Promise<OfferingInfo> {
  const offering = await tx.offering.findUnique({ where: { id: offeringId }, select: offeringSelect });
  if (!offering) throw new EnrolmentError(ENROLMENT_ERRORS.offeringNotFound, { offeringId });
  return offering;
}

/** Only a published class takes enrolments, approvals and moves in. */
function assertPublished(offering: OfferingInfo) {
  const params = { offeringCode: offering.code };
  if (offering.status === "cancelled") throw new EnrolmentError(ENROLMENT_ERRORS.offeringCancelled, params);
  if (offering.status === "closed") throw new EnrolmentError(ENROLMENT_ERRORS.offeringClosed, params);
  if (offering.status !== "published") throw new EnrolmentError(ENROLMENT_ERRORS.offeringNotPublished, params);
}

/** The window is [enrolOpensAt, enrolClosesAt). */
function assertWindowOpen(offering: OfferingInfo, now: Date) {
  if (now < offering.enrolOpensAt) {
    throw new EnrolmentError(ENROLMENT_ERRORS.notOpenYet, { opensAt: offering.enrolOpensAt.toISOString() });
  }
  if (now >= offering.enrolClosesAt) {
    throw new EnrolmentError(ENROLMENT_ERRORS.windowClosed, { closesAt: offering.enrolClosesAt.toISOString() });
  }
}

async function loadActivePerson(tx: DbTx, personId: number) {
  const person = await tx.person.findUnique({
    where: { id: personId },
    select: { id: true, active: true, unit: { select: { path: true } } },
  });
  if (!person) throw new EnrolmentError(ENROLMENT_ERRORS.personNotFound, { personId });
  if (!person.active) throw new EnrolmentError(ENROLMENT_ERRORS.personInactive, { personId });
  return person;
}

type EnrolmentRow = { id: number; status: string; waitlistNo: number | null; decidedById: number | null };
const rowSelect = { id: true, status: true, waitlistNo: true, decidedById: true } as const;

function findEnrolment(tx: DbTx, offeringId: number, personId: number): Promise<EnrolmentRow | null> {
  return tx.enrolment.findUnique({ where: { offeringId_personId: { offeringId, personId } }, select: rowSelect });
}

async function currentResult(tx: DbTx, row: EnrolmentRow & { status: ActiveStatus }): Promise<EnrolResult> {
  const result: EnrolResult = { state: row.status, enrolmentId: row.id, alreadyEnrolled: true };
  if (row.status === "waitlisted") result.waitlistPosition = (await waitlistPosition(tx, row.id)) ?? undefined;
  return result;
}

/** A row that may not simply be requested again. */
function assertReusable(row: EnrolmentRow) {
  if (row.status === "declined") throw new EnrolmentError(ENROLMENT_ERRORS.declined);
  if (row.status === "completed" || row.status === "not_completed") {
    throw new EnrolmentError(ENROLMENT_ERRORS.alreadyFinished);
  }
}

function requireReason(reason: string | undefined | null): string {
  const trimmed = (reason ?? "").trim();
  if (!trimmed) throw new EnrolmentError(ENROLMENT_ERRORS.reasonRequired);
  return trimmed;
}

function assertScope(actor: EnrolmentActor, unit: { path: string }) {
  // canAccessUnit reads only role and scopeUnitPath.
  if (!canAccessUnit(actor as SessionUser, unit)) throw new EnrolmentError(ENROLMENT_ERRORS.forbidden);
}

// ---------------------------------------------------------------- placing

/**
 * pending: awaits approval, no seat. seatOrWaitlist: a seat, else the waiting list.
 * seatOnly: a seat or enrolment.errors.full (HR never oversells).
 */
type Target = "pending" | "seatOrWaitlist" | "seatOnly";
type Placed = { enrolmentId: number; state: EnrolState; waitlistNo?: number };
type RowData = { requestedAt?: Date; decidedById?: number | null; decisionReason?: string | null };

function fullError(offering: OfferingInfo) {
  return new EnrolmentError(ENROLMENT_ERRORS.full, { capacity: offering.capacity, offeringCode: offering.code });
}

/**
 * The moment a request takes its place in the queue. Stamped after the seat or the waiting
 * number was claimed — inside the class row's lock — so that, sorted by waiting number,
 * requestedAt never goes backwards: a time read at the start of the request would be earlier
 * than that of a request that got its number first (seen on PostgreSQL under load, see
 * docs/performance.md). Tests pass a fixed clock.
 */
type ArrivalClock = () => Date;

async function placeNew(
  tx: DbTx,
  offering: OfferingInfo,
  personId: number,
  target: Target,
  data: RowData,
  arrival?: ArrivalClock,
): Promise<Placed> {
  const base = { offeringId: offering.id, personId, ...data };
  if (target === "pending") {
    const row = await tx.enrolment.create({ data: { ...base, status: "pending_approval" }, select: { id: true } });
    return { enrolmentId: row.id, state: "pending_approval" };
  }
  // The seat (or number) first, then the row: a duplicate submission collides on the unique
  // key and its whole attempt, seat included, rolls back.
  const placement = target === "seatOnly" ? ((await claimSeat(tx, offering.id)) ? { seat: true as const } : null) : await seatOrWaitlist(tx, offering.id);
  if (!placement) throw fullError(offering);
  if (arrival) base.requestedAt = arrival();
  if (placement.seat) {
    const row = await tx.enrolment.create({ data: { ...base, status: "enrolled" }, select: { id: true } });
    return { enrolmentId: row.id, state: "enrolled" };
  }
  const row = await tx.enrolment.create({
    data: { ...base, status: "waitlisted", waitlistNo: placement.waitlistNo },
    select: { id: true },
  });
  return { enrolmentId: row.id, state: "waitlisted", waitlistNo: placement.waitlistNo };
}

/**
 * Re-places an existing row (after a withdrawal, on approval, on HR's decision). The row is
 * claimed first with a conditional UPDATE from the status we read: if a concurrent request
 * changed it, this attempt rolls back and the retry sees the new state.
 */
async function placeExisting(
  tx: DbTx,
  offering: OfferingInfo,
  row: EnrolmentRow,
  target: Target,
  data: RowData,
  arrival?: ArrivalClock,
): Promise<Placed> {
  const provisional = target === "pending" ? "pending_approval" : "enrolled";
  // A waiting person seated by HR keeps their old number as history; anyone else re-queues.
  const keepNumber = row.status === "waitlisted";
  const { count } = await tx.enrolment.updateMany({
    where: { id: row.id, status: row.status },
    data: { status: provisional, ...data, ...(keepNumber ? {} : { waitlistNo: null }), completedAt: null },
  });
  if (count === 0) throw new ConcurrentChange(`enrolment ${row.id} is no longer ${row.status}`);
  if (target === "pending") return { enrolmentId: row.id, state: "pending_approval" };

  if (target === "seatOnly") {
    if (!(await claimSeat(tx, offering.id))) throw fullError(offering);
    return { enrolmentId: row.id, state: "enrolled" };
  }
  const placement = await seatOrWaitlist(tx, offering.id);
  if (placement.seat) return { enrolmentId: row.id, state: "enrolled" };
  await tx.enrolment.update({
    where: { id: row.id },
    data: { status: "waitlisted", waitlistNo: placement.waitlistNo, ...(arrival ? { requestedAt: arrival() } : {}) },
    select: { id: true },
  });
  return { enrolmentId: row.id, state: "waitlisted", waitlistNo: placement.waitlistNo };
}

async function withPosition(tx: DbTx, placed: Placed): Promise<EnrolResult> {
  const result: EnrolResult = { state: placed.state, enrolmentId: placed.enrolmentId, alreadyEnrolled: false };
  if (placed.state === "waitlisted") result.waitlistPosition = (await waitlistPosition(tx, placed.enrolmentId)) ?? undefined;
  return result;
}

// ---------------------------------------------------------------- notifications

function offeringParams(offering: OfferingInfo): MessageParams {
  return {
    offeringId: offering.id,
    offeringCode: offering.code,
    courseZh: offering.course.titleZh,
    courseEn: offering.course.titleEn,
  };
}

async function tell(
  tx: DbTx,
  personId: number,
  kind: string,
  key: MessageKey,
  offering: OfferingInfo,
  extra: MessageParams = {},
) {
  await notify(tx, { personId, kind, key, params: { ...offeringParams(offering), ...extra } });
}

async function tellPlacement(tx: DbTx, personId: number, offering: OfferingInfo, result: EnrolResult) {
  if (result.state === "enrolled") {
    await tell(tx, personId, "enrolment.confirmed", "enrolment.notify.confirmed", offering);
  } else if (result.state === "waitlisted") {
    await tell(tx, personId, "enrolment.waitlisted", "enrolment.notify.waitlisted", offering, {
      position: result.waitlistPosition ?? 0,
    });
  } else {
    await tell(tx, personId, "enrolment.pending", "enrolment.notify.pendingApproval", offering);
  }
}

async function tellPromotions(tx: DbTx, offering: OfferingInfo, promoted: Promotion[]) {
  for (const p of promoted) await tell(tx, p.personId, "enrolment.promoted", "enrolment.notify.promoted", offering);
}

/** A seat came free in `offering`: pass it down the waiting list (if the class still runs). */
async function passSeatOn(tx: DbTx, offering: OfferingInfo): Promise<Promotion[]> {
  await releaseSeat(tx, offering.id);
  if (offering.status !== "published") return [];
  const promoted = await fillFreeSeats(tx, offering.id);
  await tellPromotions(tx, offering, promoted);
  return promoted;
}

// ---------------------------------------------------------------- learners

/**
 * A learner asks for a place in a class. Within the enrolment window and if eligible: a seat,
 * else the waiting list; classes that need approval get a pending request and no seat yet.
 * A repeat (double click, retry, second tab) returns the existing state with
 * alreadyEnrolled: true, even after the window has closed. A learner who withdrew may enrol
 * again while the window is open (same row, back of the queue).
 *
 * `actorId` is the account that submitted; the route passes the signed-in learner's own
 * personId. Someone enrolling another person through this path is audited.
 *
 * Throws EnrolmentError: offeringNotFound, offeringNotPublished, offeringCancelled,
 * offeringClosed, declined, alreadyFinished, notOpenYet {opensAt}, windowClosed {closesAt},
 * personNotFound, personInactive, notEligible (with `missing`), busy.
 */
export async function enrol(input: { offeringId: number; personId: number; actorId: number; now?: Date }): Promise<EnrolResult> {
  const now = input.now ?? new Date();
  return inTransaction(async (tx) => {
    const offering = await loadOffering(tx, input.offeringId);
    assertPublished(offering);
    const existing = await findEnrolment(tx, offering.id, input.personId);
    if (existing && isActive(existing.status)) return currentResult(tx, { ...existing, status: existing.status });
    if (existing) assertReusable(existing);
    assertWindowOpen(offering, now);
    await loadActivePerson(tx, input.personId);
    const eligibility = await checkCourseEligibility(tx, { personId: input.personId, courseId: offering.courseId });
    if (!eligibility.ok) throw new EnrolmentError(ENROLMENT_ERRORS.notEligible, {}, eligibility.missing);

    const target: Target = offering.needsApproval ? "pending" : "seatOrWaitlist";
    const data: RowData = { requestedAt: now, decidedById: null, decisionReason: null };
    const arrival = () => input.now ?? new Date();
    const placed = existing
      ? await placeExisting(tx, offering, existing, target, data, arrival)
      : await placeNew(tx, offering, input.personId, target, data, arrival);
    const result = await withPosition(tx, placed);

    const actor = await tx.user.findUnique({ where: { id: input.actorId }, select: { personId: true } });
    if (actor?.personId !== input.personId) {
      await recordAudit(tx, {
        actorId: input.actorId,
        action: "enrolment.enrolled_on_behalf",
        entityType: "Enrolment",
        entityId: result.enrolmentId,
        personId: input.personId,
        before: existing ? { status: existing.status } : null,
        after: { status: result.state, offeringId: offering.id },
      });
    }
    await tellPlacement(tx, input.personId, offering, result);
    return result;
  });
}

export type WithdrawResult = {
  enrolmentId: number;
  /** The status before this call. */
  previousStatus: EnrolmentStatus;
  /** Nothing to do: the person had already withdrawn or been declined. */
  alreadyWithdrawn: boolean;
  /** Waiting people moved into the freed seat, in order. */
  promoted: Promotion[];
};

/**
 * Leaves a class (enrolled, waiting or pending). Learners may withdraw until
 * Offering.withdrawDeadline (exclusive); HR (`byHr`, with a reason, scope checked against
 * the learner's unit) at any time. A freed seat goes to the first person waiting (lowest
 * waitlistNo) in the same transaction, and they are notified. Withdrawing twice is a no-op.
 *
 * Throws EnrolmentError: offeringNotFound, enrolmentNotFound, withdrawDeadlinePassed
 * {deadline}, notWithdrawable (class finished), reasonRequired / forbidden (byHr), busy.
 */
export async function withdraw(input: {
  offeringId: number;
  personId: number;
  actorId: number;
  now?: Date;
  byHr?: boolean;
  reason?: string;
}): Promise<WithdrawResult> {
  const now = input.now ?? new Date();
  const reason = input.byHr ? requireReason(input.reason) : (input.reason ?? "").trim() || null;
  return inTransaction(async (tx) => {
    const offering = await loadOffering(tx, input.offeringId);
    const row = await findEnrolment(tx, offering.id, input.personId);
    if (!row) throw new EnrolmentError(ENROLMENT_ERRORS.enrolmentNotFound, { offeringId: offering.id, personId: input.personId });
    if (input.byHr) await requireHrOverPerson(tx, input.actorId, input.personId);

    const previousStatus = row.status as EnrolmentStatus;
    if (row.status === "withdrawn" || row.status === "declined") {
      return { enrolmentId: row.id, previousStatus, alreadyWithdrawn: true, promoted: [] };
    }
    if (!isActive(row.status)) throw new EnrolmentError(ENROLMENT_ERRORS.notWithdrawable, { status: row.status });
    if (!input.byHr && now >= offering.withdrawDeadline) {
      throw new EnrolmentError(ENROLMENT_ERRORS.withdrawDeadlinePassed, { deadline: offering.withdrawDeadline.toISOString() });
    }

    const { count } = await tx.enrolment.updateMany({
      where: { id: row.id, status: row.status },
      data: input.byHr ? { status: "withdrawn", decidedById: input.actorId, decisionReason: reason } : { status: "withdrawn" },
    });
    if (count === 0) throw new ConcurrentChange(`enrolment ${row.id} is no longer ${row.status}`);
    const promoted = row.status === "enrolled" ? await passSeatOn(tx, offering) : [];

    if (input.byHr) {
      await recordAudit(tx, {
        actorId: input.actorId,
        action: "enrolment.withdrawn_by_hr",
        entityType: "Enrolment",
        entityId: row.id,
        personId: input.personId,
        before: { status: row.status },
        after: { status: "withdrawn", promoted: promoted.map((p) => p.enrolmentId) },
        reason,
      });
      await tell(tx, input.personId, "enrolment.withdrawn", "enrolment.notify.withdrawnByHr", offering, { reason: reason ?? "" });
    }
    return { enrolmentId: row.id, previousStatus, alreadyWithdrawn: false, promoted };
  });
}

// ---------------------------------------------------------------- HR

export type ApprovalResult = {
  state: "enrolled" | "waitlisted" | "declined";
  enrolmentId: number;
  waitlistPosition?: number;
  /** The same decision had already been made; nothing changed. */
  alreadyDecided: boolean;
};

/**
 * HR decides a pending request (classes with needsApproval). Only HR whose scope covers the
 * learner's unit (or an administrator). Approval takes a seat, else the waiting list, in
 * approval order; a decline needs a reason. Both are audited and the learner is notified.
 * Repeating the same decision is a no-op.
 *
 * Throws EnrolmentError: enrolmentNotFound, forbidden, reasonRequired, notPending {status},
 * offeringCancelled / offeringClosed / offeringNotPublished (approve), busy.
 */
export async function decideApproval(input: {
  enrolmentId: number;
  approve: boolean;
  reason?: string;
  actor: EnrolmentActor;
  now?: Date;
}): Promise<ApprovalResult> {
  const reason = input.approve ? (input.reason ?? "").trim() || null : requireReason(input.reason);
  return inTransaction(async (tx) => {
    const row = await tx.enrolment.findUnique({
      where: { id: input.enrolmentId },
      select: { ...rowSelect, personId: true, offeringId: true, person: { select: { unit: { select: { path: true } } } } },
    });
    if (!row) throw new EnrolmentError(ENROLMENT_ERRORS.enrolmentNotFound, { enrolmentId: input.enrolmentId });
    assertScope(input.actor, row.person.unit);
    const offering = await loadOffering(tx, row.offeringId);

    if (row.status !== "pending_approval") {
      const sameDecision = input.approve ? row.status === "enrolled" || row.status === "waitlisted" : row.status === "declined";
      if (sameDecision && row.decidedById !== null) {
        const state = row.status as ApprovalResult["state"];
        const result: ApprovalResult = { state, enrolmentId: row.id, alreadyDecided: true };
        if (state === "waitlisted") result.waitlistPosition = (await waitlistPosition(tx, row.id)) ?? undefined;
        return result;
      }
      throw new EnrolmentError(ENROLMENT_ERRORS.notPending, { status: row.status });
    }

    const decision = { decidedById: input.actor.id, decisionReason: reason };
    let result: ApprovalResult;
    if (!input.approve) {
      const { count } = await tx.enrolment.updateMany({
        where: { id: row.id, status: "pending_approval" },
        data: { status: "declined", ...decision },
      });
      if (count === 0) throw new ConcurrentChange(`enrolment ${row.id} is no longer pending`);
      result = { state: "declined", enrolmentId: row.id, alreadyDecided: false };
      await tell(tx, row.personId, "enrolment.approval_decided", "enrolment.notify.declined", offering, { reason: reason ?? "" });
    } else {
      assertPublished(offering);
      const placed = await placeExisting(tx, offering, row, "seatOrWaitlist", decision);
      const enrolResult = await withPosition(tx, placed);
      result = {
        state: placed.state === "waitlisted" ? "waitlisted" : "enrolled",
        enrolmentId: row.id,
        waitlistPosition: enrolResult.waitlistPosition,
        alreadyDecided: false,
      };
      if (result.state === "enrolled") {
        await tell(tx, row.personId, "enrolment.approval_decided", "enrolment.notify.approved", offering);
      } else {
        await tell(tx, row.personId, "enrolment.approval_decided", "enrolment.notify.approvedWaitlisted", offering, {
          position: result.waitlistPosition ?? 0,
        });
      }
    }
    await recordAudit(tx, {
      actorId: input.actor.id,
      action: input.approve ? "enrolment.approved" : "enrolment.declined",
      entityType: "Enrolment",
      entityId: row.id,
      personId: row.personId,
      before: { status: "pending_approval" },
      after: { status: result.state },
      reason,
    });
    return result;
  });
}

/**
 * HR puts a person into a class directly: at any time (the window doesn't apply), no
 * approval step (HR's decision is the approval), still only if eligible (grant a waiver
 * first for a missing level) and never above capacity: a full class is
 * enrolment.errors.full {capacity}. Audited with the reason; the learner is notified.
 *
 * Throws EnrolmentError: reasonRequired, offeringNotFound / …NotPublished / …Cancelled /
 * …Closed, personNotFound, personInactive, forbidden, alreadyFinished, notEligible, full, busy.
 */
export async function hrEnrol(input: {
  offeringId: number;
  personId: number;
  actor: EnrolmentActor;
  reason: string;
  now?: Date;
}): Promise<EnrolResult> {
  const reason = requireReason(input.reason);
  const now = input.now ?? new Date();
  return inTransaction(async (tx) => {
    const offering = await loadOffering(tx, input.offeringId);
    assertPublished(offering);
    const person = await loadActivePerson(tx, input.personId);
    assertScope(input.actor, person.unit);
    const existing = await findEnrolment(tx, offering.id, input.personId);
    if (existing?.status === "enrolled") return currentResult(tx, { ...existing, status: "enrolled" });
    if (existing?.status === "completed" || existing?.status === "not_completed") {
      throw new EnrolmentError(ENROLMENT_ERRORS.alreadyFinished);
    }
    const eligibility = await checkCourseEligibility(tx, { personId: input.personId, courseId: offering.courseId });
    if (!eligibility.ok) throw new EnrolmentError(ENROLMENT_ERRORS.notEligible, {}, eligibility.missing);

    const decision: RowData = { decidedById: input.actor.id, decisionReason: reason };
    const placed = existing
      ? await placeExisting(tx, offering, existing, "seatOnly", isActive(existing.status) ? decision : { ...decision, requestedAt: now })
      : await placeNew(tx, offering, input.personId, "seatOnly", { ...decision, requestedAt: now });
    await recordAudit(tx, {
      actorId: input.actor.id,
      action: "enrolment.hr_enrolled",
      entityType: "Enrolment",
      entityId: placed.enrolmentId,
      personId: input.personId,
      before: existing ? { status: existing.status } : null,
      after: { status: "enrolled", offeringId: offering.id },
      reason,
    });
    await tell(tx, input.personId, "enrolment.confirmed", "enrolment.notify.confirmed", offering);
    return { state: "enrolled", enrolmentId: placed.enrolmentId, alreadyEnrolled: false };
  });
}

export type MoveResult = { fromEnrolmentId: number; toEnrolmentId: number; state: "enrolled"; promoted: Promotion[] };

/**
 * HR moves an enrolment (enrolled, waiting or pending) to another class of the same course,
 * into a seat there: the old row becomes "withdrawn" (with HR's reason), its seat passes
 * down that class's waiting list, and the person takes a seat in the new class, all in one
 * transaction. A full target refuses the whole move (enrolment.errors.full). Audited.
 *
 * Throws EnrolmentError: reasonRequired, enrolmentNotFound, forbidden, sameOffering,
 * differentCourse, offeringNotPublished / …Cancelled / …Closed (target), notMovable
 * {status}, alreadyInOffering, alreadyFinished, full, busy.
 */
export async function hrMove(input: {
  enrolmentId: number;
  toOfferingId: number;
  actor: EnrolmentActor;
  reason: string;
  now?: Date;
}): Promise<MoveResult> {
  const reason = requireReason(input.reason);
  const now = input.now ?? new Date();
  return inTransaction(async (tx) => {
    const source = await tx.enrolment.findUnique({
      where: { id: input.enrolmentId },
      select: { ...rowSelect, personId: true, offeringId: true, person: { select: { unit: { select: { path: true } } } } },
    });
    if (!source) throw new EnrolmentError(ENROLMENT_ERRORS.enrolmentNotFound, { enrolmentId: input.enrolmentId });
    assertScope(input.actor, source.person.unit);
    if (source.offeringId === input.toOfferingId) throw new EnrolmentError(ENROLMENT_ERRORS.sameOffering);
    const [from, to] = [await loadOffering(tx, source.offeringId), await loadOffering(tx, input.toOfferingId)];
    if (from.courseId !== to.courseId) throw new EnrolmentError(ENROLMENT_ERRORS.differentCourse);
    assertPublished(to);
    if (!isActive(source.status)) throw new EnrolmentError(ENROLMENT_ERRORS.notMovable, { status: source.status });
    const existing = await findEnrolment(tx, to.id, source.personId);
    if (existing?.status === "enrolled") {
      throw new EnrolmentError(ENROLMENT_ERRORS.alreadyInOffering, { offeringCode: to.code });
    }
    if (existing) assertReusableForHr(existing);

    const { count } = await tx.enrolment.updateMany({
      where: { id: source.id, status: source.status },
      data: { status: "withdrawn", decidedById: input.actor.id, decisionReason: reason },
    });
    if (count === 0) throw new ConcurrentChange(`enrolment ${source.id} is no longer ${source.status}`);
    const promoted = source.status === "enrolled" ? await passSeatOn(tx, from) : [];

    const decision: RowData = { decidedById: input.actor.id, decisionReason: reason, requestedAt: now };
    const placed = existing
      ? await placeExisting(tx, to, existing, "seatOnly", decision)
      : await placeNew(tx, to, source.personId, "seatOnly", decision);

    await recordAudit(tx, {
      actorId: input.actor.id,
      action: "enrolment.moved",
      entityType: "Enrolment",
      entityId: source.id,
      personId: source.personId,
      before: { offeringId: from.id, status: source.status },
      after: { offeringId: to.id, enrolmentId: placed.enrolmentId, status: "enrolled", promoted: promoted.map((p) => p.enrolmentId) },
      reason,
    });
    await tell(tx, source.personId, "enrolment.moved", "enrolment.notify.moved", to, { fromOfferingCode: from.code });
    return { fromEnrolmentId: source.id, toEnrolmentId: placed.enrolmentId, state: "enrolled", promoted };
  });
}

/** HR may re-seat a withdrawn or declined person; a finished class stays finished. */
function assertReusableForHr(row: EnrolmentRow) {
  if (row.status === "completed" || row.status === "not_completed") {
    throw new EnrolmentError(ENROLMENT_ERRORS.alreadyFinished);
  }
}

/**
 * After HR raises a class's capacity (or any other change that frees seats): seats the
 * waiting list in order and notifies those promoted. Call inside the transaction that made
 * the change.
 */
export async function promoteWaiting(tx: DbTx, offeringId: number): Promise<Promotion[]> {
  const offering = await loadOffering(tx, offeringId);
  if (offering.status !== "published") return [];
  const promoted = await fillFreeSeats(tx, offeringId);
  await tellPromotions(tx, offering, promoted);
  return promoted;
}
