// HR's level waivers (PrerequisiteWaiver): the recorded exemption from "completed the level
// below" (DOMAIN.md). Granting and revoking are the enrolment module's (grantWaiver /
// revokeWaiver: reason required, audited, scope checked against the person's unit); this
// adds the list an officer sees, finding the person by employee number inside the scope,
// and refusing a waiver for the lowest level, which has nothing below it to waive.
import { unitScopeWhere, type SessionUser } from "~/auth/guards.server";
import { containsText } from "~/catalogue/catalogue.server";
import { grantWaiver, revokeWaiver } from "~/enrolment/eligibility.server";
// The shared retry (every attempt lost: TransactionBusyError, errors.busy on the waivers page).
import { inTransaction } from "~/db/transaction.server";
import { db } from "~/utils/db.server";
import type { ClassActor } from "./classes.server";
import { CLASS_ERRORS, ClassError } from "./errors";
import { findPersonInScope } from "./roster.server";

export const WAIVERS_PAGE_SIZE = 25;

const scopeOf = (actor: ClassActor) => unitScopeWhere(actor as SessionUser);

/** Levels a waiver can be for: every level that has one below it. */
export async function waiverLevels() {
  const levels = await db.level.findMany({ orderBy: { rank: "asc" }, select: { id: true, rank: true, code: true, nameZh: true, nameEn: true } });
  return levels.slice(1);
}

export async function listWaivers(viewer: ClassActor, options: { q?: string; includeRevoked?: boolean; page?: number }) {
  const page = Math.max(1, options.page ?? 1);
  const q = options.q?.trim();
  const where = {
    person: {
      unit: scopeOf(viewer),
      ...(q ? { OR: [{ name: containsText(q) }, { employeeNo: containsText(q) }] } : {}),
    },
    ...(options.includeRevoked ? {} : { revokedAt: null }),
  };
  const [total, waivers] = await Promise.all([
    db.prerequisiteWaiver.count({ where }),
    db.prerequisiteWaiver.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (page - 1) * WAIVERS_PAGE_SIZE,
      take: WAIVERS_PAGE_SIZE,
      select: {
        id: true,
        reason: true,
        createdAt: true,
        revokedAt: true,
        grantedById: true,
        level: { select: { nameZh: true, nameEn: true } },
        person: { select: { employeeNo: true, name: true, unit: { select: { nameZh: true, nameEn: true } } } },
      },
    }),
  ]);
  // grantedById is a plain id (no relation): look the names up, tolerating ids that point nowhere.
  const granters = await db.user.findMany({
    where: { id: { in: [...new Set(waivers.map((w) => w.grantedById))] } },
    select: { id: true, displayName: true },
  });
  const granterName = new Map(granters.map((u) => [u.id, u.displayName]));
  return {
    total,
    page,
    pages: Math.max(1, Math.ceil(total / WAIVERS_PAGE_SIZE)),
    waivers: waivers.map(({ grantedById, ...w }) => ({ ...w, grantedBy: granterName.get(grantedById) ?? null })),
  };
}

/**
 * Records a waiver for a person in scope. A second one for the same level while one is in
 * force changes nothing (created: false). Throws ClassError personNotFound / levelInvalid,
 * or EnrolmentError (reasonRequired, forbidden).
 */
export async function recordWaiver(
  actor: ClassActor,
  input: { employeeNo: string; levelId: number; reason: string },
): Promise<{ waiverId: number; created: boolean; name: string }> {
  const person = await findPersonInScope(actor, input.employeeNo);
  const levels = await waiverLevels();
  if (!levels.some((l) => l.id === input.levelId)) throw new ClassError(CLASS_ERRORS.levelInvalid, {}, "levelId");
  const result = await inTransaction((tx) => grantWaiver(tx, { personId: person.id, levelId: input.levelId, reason: input.reason, actorId: actor.id }));
  return { ...result, name: person.name };
}

/**
 * Revokes a waiver of a person in scope (reason required). Revoking twice changes nothing.
 * Throws ClassError waiverNotFound (also for one outside the scope), or EnrolmentError.
 */
export async function cancelWaiver(actor: ClassActor, input: { waiverId: number; reason: string }): Promise<{ revoked: boolean; name: string }> {
  const waiver = await db.prerequisiteWaiver.findFirst({
    where: { id: input.waiverId, person: { unit: scopeOf(actor) } },
    select: { id: true, person: { select: { name: true } } },
  });
  if (!waiver) throw new ClassError(CLASS_ERRORS.waiverNotFound);
  const result = await inTransaction((tx) => revokeWaiver(tx, { waiverId: waiver.id, reason: input.reason, actorId: actor.id }));
  return { ...result, name: waiver.person.name };
}
