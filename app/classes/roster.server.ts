// HR's actions on a class's roster, as thin wrappers over the enrolment module (which owns
// seats, the waiting list, eligibility, notifications and the audit of each change). What
// they add: finding a person by employee number inside the officer's scope (someone
// outside it reads as "not found", never "not yours"), and checking that an enrolment
// belongs to the class on the page and that a move's target class is inside the scope.
import { unitScopeWhere, type SessionUser } from "~/auth/guards.server";
import { hrEnrol, hrMove, withdraw, type EnrolResult, type MoveResult, type WithdrawResult } from "~/enrolment/enrolment.server";
import { db } from "~/utils/db.server";
import { classScopeWhere, type ClassActor } from "./classes.server";
import { CLASS_ERRORS, ClassError } from "./errors";

/** A person inside the actor's scope by employee number (as typed, or upper-cased). */
export async function findPersonInScope(actor: ClassActor, employeeNo: string) {
  const typed = employeeNo.trim();
  const person = await db.person.findFirst({
    where: { employeeNo: { in: [...new Set([typed, typed.toUpperCase()])] }, unit: unitScopeWhere(actor as SessionUser) },
    select: { id: true, name: true, employeeNo: true },
  });
  if (!person) throw new ClassError(CLASS_ERRORS.personNotFound, { employeeNo: typed }, "employeeNo");
  return person;
}

async function enrolmentInClass(offeringId: number, enrolmentId: number) {
  const row = await db.enrolment.findFirst({
    where: { id: enrolmentId, offeringId },
    select: { id: true, personId: true, person: { select: { name: true } } },
  });
  if (!row) throw new ClassError(CLASS_ERRORS.enrolmentNotInClass);
  return row;
}

/**
 * HR enrols a person (by employee number) into a seat: hrEnrol's rules (eligibility,
 * capacity, published class, reason). Throws ClassError personNotFound, or EnrolmentError.
 */
export async function enrolByEmployeeNo(
  actor: ClassActor,
  offeringId: number,
  input: { employeeNo: string; reason: string },
): Promise<EnrolResult & { name: string }> {
  const person = await findPersonInScope(actor, input.employeeNo);
  const result = await hrEnrol({ offeringId, personId: person.id, actor, reason: input.reason });
  return { ...result, name: person.name };
}

/** HR withdraws a learner (any time, with a reason). Throws ClassError or EnrolmentError. */
export async function withdrawFromClass(
  actor: ClassActor,
  offeringId: number,
  input: { enrolmentId: number; reason: string },
): Promise<WithdrawResult & { name: string }> {
  const row = await enrolmentInClass(offeringId, input.enrolmentId);
  const result = await withdraw({ offeringId, personId: row.personId, actorId: actor.id, byHr: true, reason: input.reason });
  return { ...result, name: row.person.name };
}

/**
 * HR moves a learner to another class of the same course; the target must be inside the
 * scope too. Throws ClassError enrolmentNotInClass / moveTargetInvalid, or EnrolmentError.
 */
export async function moveToClass(
  actor: ClassActor,
  offeringId: number,
  input: { enrolmentId: number; toOfferingId: number; reason: string },
): Promise<MoveResult & { name: string; toCode: string }> {
  const row = await enrolmentInClass(offeringId, input.enrolmentId);
  const target = await db.offering.findFirst({ where: { id: input.toOfferingId, ...classScopeWhere(actor) }, select: { code: true } });
  if (!target) throw new ClassError(CLASS_ERRORS.moveTargetInvalid, {}, "toOfferingId");
  const result = await hrMove({ enrolmentId: row.id, toOfferingId: input.toOfferingId, actor, reason: input.reason });
  return { ...result, name: row.person.name, toCode: target.code };
}
