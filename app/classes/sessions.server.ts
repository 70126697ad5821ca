// A class's sessions (ClassSession rows): added, edited and removed by HR. Each session lies
// within the class's [startsAt, endsAt]; a session that already has attendance is part of
// somebody's record and can't be removed (edit it instead, or record the change with the
// trainer). Audited under the class (entityType "Offering"), so one query gives a class's
// whole history.
import { randomBytes } from "node:crypto";
import { recordAudit } from "~/audit/audit.server";
// The shared retry (every attempt lost: TransactionBusyError, errors.busy on the class page).
import { inTransaction } from "~/db/transaction.server";
import type { DbTx } from "~/utils/db.server";
import { classScopeWhere, type ClassActor } from "./classes.server";
import { CLASS_ERRORS, ClassError } from "./errors";

export type SessionInput = { startsAt: Date; endsAt: Date; title?: string | null; venue?: string | null };

/** The class, inside the actor's scope and still editable. */
async function editableClass(tx: DbTx, actor: ClassActor, offeringId: number) {
  const offering = await tx.offering.findFirst({
    where: { id: offeringId, ...classScopeWhere(actor) },
    select: { id: true, status: true, startsAt: true, endsAt: true },
  });
  if (!offering) throw new ClassError(CLASS_ERRORS.notFound);
  if (offering.status === "cancelled" || offering.status === "closed") {
    throw new ClassError(CLASS_ERRORS.notEditable, { status: offering.status });
  }
  return offering;
}

function assertInsideClass(offering: { startsAt: Date; endsAt: Date }, input: SessionInput) {
  if (input.startsAt < offering.startsAt || input.endsAt > offering.endsAt) {
    throw new ClassError(
      CLASS_ERRORS.sessionOutsideClass,
      { start: offering.startsAt.toISOString(), end: offering.endsAt.toISOString() },
      "date",
    );
  }
}

function sessionSnapshot(s: { startsAt: Date; endsAt: Date; title: string; venue: string }) {
  return { startsAt: s.startsAt.toISOString(), endsAt: s.endsAt.toISOString(), title: s.title, venue: s.venue };
}

async function sessionOf(tx: DbTx, offeringId: number, sessionId: number) {
  const session = await tx.classSession.findFirst({
    where: { id: sessionId, offeringId },
    select: { id: true, startsAt: true, endsAt: true, title: true, venue: true, _count: { select: { attendance: true } } },
  });
  if (!session) throw new ClassError(CLASS_ERRORS.sessionNotFound);
  return session;
}

/** Throws ClassError: notFound, notEditable, sessionOutsideClass {start, end}. */
export async function addSession(actor: ClassActor, offeringId: number, input: SessionInput): Promise<{ id: number }> {
  return inTransaction(async (tx) => {
    const offering = await editableClass(tx, actor, offeringId);
    assertInsideClass(offering, input);
    const data = { startsAt: input.startsAt, endsAt: input.endsAt, title: input.title?.trim() ?? "", venue: input.venue?.trim() ?? "" };
    const session = await tx.classSession.create({
      data: { ...data, offeringId, checkinSecret: randomBytes(16).toString("hex") },
      select: { id: true },
    });
    await recordAudit(tx, {
      actorId: actor.id,
      action: "offering.session_added",
      entityType: "Offering",
      entityId: offeringId,
      after: { sessionId: session.id, ...sessionSnapshot(data) },
    });
    return session;
  });
}

/** Throws ClassError: notFound, notEditable, sessionNotFound, sessionOutsideClass {start, end}. */
export async function updateSession(
  actor: ClassActor,
  offeringId: number,
  sessionId: number,
  input: SessionInput,
): Promise<{ changed: boolean }> {
  return inTransaction(async (tx) => {
    const offering = await editableClass(tx, actor, offeringId);
    const session = await sessionOf(tx, offeringId, sessionId);
    assertInsideClass(offering, input);
    const next = { startsAt: input.startsAt, endsAt: input.endsAt, title: input.title?.trim() ?? "", venue: input.venue?.trim() ?? "" };
    const [before, after] = [sessionSnapshot(session), sessionSnapshot(next)];
    const keys = (Object.keys(after) as (keyof typeof after)[]).filter((k) => before[k] !== after[k]);
    if (keys.length === 0) return { changed: false };
    await tx.classSession.update({ where: { id: sessionId }, data: next, select: { id: true } });
    await recordAudit(tx, {
      actorId: actor.id,
      action: "offering.session_updated",
      entityType: "Offering",
      entityId: offeringId,
      before: { sessionId, ...Object.fromEntries(keys.map((k) => [k, before[k]])) },
      after: { sessionId, ...Object.fromEntries(keys.map((k) => [k, after[k]])) },
    });
    return { changed: true };
  });
}

/** Throws ClassError: notFound, notEditable, sessionNotFound, sessionHasAttendance {count}. */
export async function removeSession(actor: ClassActor, offeringId: number, sessionId: number, reason?: string | null): Promise<void> {
  try {
    await removeSessionOnce(actor, offeringId, sessionId, reason);
  } catch (error) {
    // Attendance recorded between our check and the delete: the foreign key refuses the delete.
    if ((error as { code?: unknown } | null)?.code === "P2003") throw new ClassError(CLASS_ERRORS.sessionHasAttendance, { count: 1 });
    throw error;
  }
}

async function removeSessionOnce(actor: ClassActor, offeringId: number, sessionId: number, reason?: string | null) {
  await inTransaction(async (tx) => {
    await editableClass(tx, actor, offeringId);
    const session = await sessionOf(tx, offeringId, sessionId);
    if (session._count.attendance > 0) {
      throw new ClassError(CLASS_ERRORS.sessionHasAttendance, { count: session._count.attendance });
    }
    await tx.classSession.delete({ where: { id: sessionId }, select: { id: true } });
    await recordAudit(tx, {
      actorId: actor.id,
      action: "offering.session_removed",
      entityType: "Offering",
      entityId: offeringId,
      before: { sessionId, ...sessionSnapshot(session) },
      reason: reason?.trim() || null,
    });
  });
}
