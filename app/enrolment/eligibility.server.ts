// Who may enrol in what. Two rules, both data an administrator edits:
// - Levels (新任 → 骨干 → 示范 → 领军): a course above the lowest level is open to a learner who
//   has completed a course at the level just below (or higher), or who holds an unrevoked
//   PrerequisiteWaiver for the course's own level (HR's recorded exemption).
// - Course prerequisites: every CoursePrerequisite's required course completed.
// "Completed" means an Enrolment with status "completed" (set by completion.server.ts).
import { recordAudit } from "~/audit/audit.server";
import { canAccessUnit, type SessionUser } from "~/auth/guards.server";
import { isRole } from "~/auth/roles";
import type { DbTx } from "~/utils/db.server";
import { ENROLMENT_ERRORS, EnrolmentError, type MissingRequirement } from "./errors";

export type Eligibility = { ok: true } | { ok: false; missing: MissingRequirement[] };

/** Whether the person may enrol in the offering's course; `missing` lists every gap. */
export async function checkEligibility(
  tx: DbTx,
  input: { personId: number; offeringId: number },
): Promise<Eligibility> {
  const offering = await tx.offering.findUnique({ where: { id: input.offeringId }, select: { courseId: true } });
  if (!offering) throw new EnrolmentError(ENROLMENT_ERRORS.offeringNotFound, { offeringId: input.offeringId });
  return checkCourseEligibility(tx, { personId: input.personId, courseId: offering.courseId });
}

/** The same check for a course (the catalogue shows it before any class is chosen). */
export async function checkCourseEligibility(
  tx: DbTx,
  input: { personId: number; courseId: number },
): Promise<Eligibility> {
  const course = await tx.course.findUnique({
    where: { id: input.courseId },
    select: {
      level: { select: { id: true, rank: true } },
      prerequisites: {
        select: { requiredCourse: { select: { id: true, code: true, titleZh: true, titleEn: true } } },
        orderBy: { requiredCourseId: "asc" },
      },
    },
  });
  if (!course) throw new EnrolmentError(ENROLMENT_ERRORS.offeringNotFound, { courseId: input.courseId });

  const missing: MissingRequirement[] = [];

  // "The level below" is the next lower rank that exists, so a gap in the numbering
  // (ranks 1, 2, 4) doesn't make a level unreachable.
  const below = await tx.level.findFirst({
    where: { rank: { lt: course.level.rank } },
    orderBy: { rank: "desc" },
    select: { id: true, rank: true, code: true, nameZh: true, nameEn: true },
  });
  if (below) {
    const [completedAtOrAbove, waiver] = await Promise.all([
      tx.enrolment.findFirst({
        where: { personId: input.personId, status: "completed", offering: { course: { level: { rank: { gte: below.rank } } } } },
        select: { id: true },
      }),
      tx.prerequisiteWaiver.findFirst({
        where: { personId: input.personId, levelId: course.level.id, revokedAt: null },
        select: { id: true },
      }),
    ]);
    if (!completedAtOrAbove && !waiver) {
      missing.push({
        key: "enrolment.missing.level",
        params: { levelId: below.id, levelCode: below.code, levelRank: below.rank, levelZh: below.nameZh, levelEn: below.nameEn },
      });
    }
  }

  const required = course.prerequisites.map((p) => p.requiredCourse);
  if (required.length > 0) {
    const done = await tx.enrolment.findMany({
      where: { personId: input.personId, status: "completed", offering: { courseId: { in: required.map((c) => c.id) } } },
      select: { offering: { select: { courseId: true } } },
    });
    const doneIds = new Set(done.map((d) => d.offering.courseId));
    for (const c of required) {
      if (doneIds.has(c.id)) continue;
      missing.push({
        key: "enrolment.missing.course",
        params: { courseId: c.id, courseCode: c.code, courseZh: c.titleZh, courseEn: c.titleEn },
      });
    }
  }

  return missing.length === 0 ? { ok: true } : { ok: false, missing };
}

/**
 * The acting account as the guards see it, read from the database (so a caller can't claim
 * a role it doesn't have). Throws forbidden unless it is HR over the person's unit, or admin.
 */
export async function requireHrOverPerson(tx: DbTx, actorId: number, personId: number) {
  const [actor, person] = await Promise.all([
    tx.user.findUnique({
      where: { id: actorId },
      select: { id: true, role: true, disabledAt: true, scopeUnit: { select: { path: true } } },
    }),
    tx.person.findUnique({ where: { id: personId }, select: { id: true, unit: { select: { path: true } } } }),
  ]);
  if (!person) throw new EnrolmentError(ENROLMENT_ERRORS.personNotFound, { personId });
  if (!actor || actor.disabledAt || !isRole(actor.role)) throw new EnrolmentError(ENROLMENT_ERRORS.forbidden);
  const user = { id: actor.id, role: actor.role, scopeUnitPath: actor.scopeUnit?.path ?? null };
  // canAccessUnit reads only role and scopeUnitPath.
  if (!canAccessUnit(user as SessionUser, person.unit)) throw new EnrolmentError(ENROLMENT_ERRORS.forbidden);
  return user;
}

/**
 * HR exempts a person from the "completed the level below" rule for `levelId` (the level
 * they want to enter). Audited; the reason is required. A second grant while one is in
 * force returns the existing waiver.
 */
export async function grantWaiver(
  tx: DbTx,
  input: { personId: number; levelId: number; reason: string; actorId: number },
): Promise<{ waiverId: number; created: boolean }> {
  const reason = input.reason.trim();
  if (!reason) throw new EnrolmentError(ENROLMENT_ERRORS.reasonRequired);
  await requireHrOverPerson(tx, input.actorId, input.personId);
  const level = await tx.level.findUnique({ where: { id: input.levelId }, select: { id: true } });
  if (!level) throw new EnrolmentError(ENROLMENT_ERRORS.levelNotFound, { levelId: input.levelId });

  const existing = await tx.prerequisiteWaiver.findFirst({
    where: { personId: input.personId, levelId: input.levelId, revokedAt: null },
    select: { id: true },
  });
  if (existing) return { waiverId: existing.id, created: false };

  const waiver = await tx.prerequisiteWaiver.create({
    data: { personId: input.personId, levelId: input.levelId, reason, grantedById: input.actorId },
    select: { id: true },
  });
  await recordAudit(tx, {
    actorId: input.actorId,
    action: "enrolment.waiver_granted",
    entityType: "PrerequisiteWaiver",
    entityId: waiver.id,
    personId: input.personId,
    after: { levelId: input.levelId },
    reason,
  });
  return { waiverId: waiver.id, created: true };
}

/** Ends a waiver (audited, reason required). Enrolments made under it stand. */
export async function revokeWaiver(
  tx: DbTx,
  input: { waiverId: number; reason: string; actorId: number; now?: Date },
): Promise<{ revoked: boolean }> {
  const reason = input.reason.trim();
  if (!reason) throw new EnrolmentError(ENROLMENT_ERRORS.reasonRequired);
  const waiver = await tx.prerequisiteWaiver.findUnique({
    where: { id: input.waiverId },
    select: { id: true, personId: true, levelId: true, revokedAt: true },
  });
  if (!waiver) throw new EnrolmentError(ENROLMENT_ERRORS.waiverNotFound, { waiverId: input.waiverId });
  await requireHrOverPerson(tx, input.actorId, waiver.personId);
  const now = input.now ?? new Date();
  const { count } = await tx.prerequisiteWaiver.updateMany({
    where: { id: waiver.id, revokedAt: null },
    data: { revokedAt: now },
  });
  if (count === 0) return { revoked: false };
  await recordAudit(tx, {
    actorId: input.actorId,
    action: "enrolment.waiver_revoked",
    entityType: "PrerequisiteWaiver",
    entityId: waiver.id,
    personId: waiver.personId,
    before: { levelId: waiver.levelId, revokedAt: null },
    after: { levelId: waiver.levelId, revokedAt: now.toISOString() },
    reason,
  });
  return { revoked: true };
}
