// Setting up a camp from HR's class pages. A camp is a Camp row on a class (Offering) of a
// course whose mode is "camp"; teams, briefs, projects, rubrics and marks all hang on that row,
// and the camp's staff (CampStaff: lead | mentor | judge) decide who may run it. Rules:
//
// - Creating a class of a camp course creates its Camp in the same transaction, with the demo's
//   defaults (Camp.nights is still written as 4 but never read: a camp's length comes from its
//   class's dates, app/camps/length.ts; pass mark 60.00 of 100 — marks are centipoints of 100 whatever the
//   rubric, app/grading/marks.ts —; 2 markers per project; 15 % moderation threshold; blind),
//   and the class's trainer as the lead mentor. Without a trainer there is nobody to lead it:
//   the class is created without a camp and its page offers "set up the camp" with a lead.
//   Every Camp this module creates has exactly one lead.
// - HR changes the lead with a reason. The former lead stays on the staff as a mentor: their
//   marks are part of the grade history and teams may name them as mentor, so taking them off
//   is the new lead's decision (removeCampStaff refuses while either holds). A new lead already
//   on the staff (a mentor or judge) is promoted in place.
// - The lead may be changed whatever the camp's status: only the lead can close, reopen and
//   release, so refusing a released or closed camp would strand it when its lead has left.
// - A class that has a camp may change course only to another camp course (the camp would be
//   orphaned otherwise); a class moved onto a camp course gets its camp as when created.
//
// Scope: as for the class itself (classScopeWhere): an HR officer only for classes hosted inside
// their unit subtree, administrators everywhere; outside it the class reads as not found.
// Everything is audited in the same transaction (entityType "Camp").
import { campLength } from "./length";
import { json } from "@remix-run/node";
import { recordAudit } from "~/audit/audit.server";
import { findEnabledTrainer } from "~/auth/accounts.server";
import { unitScopeWhere, type SessionUser } from "~/auth/guards.server";
import type { ClassActionData } from "~/classes/action-data";
import { CLASS_ERRORS, ClassError } from "~/classes/errors";
// The shared retry: a set-up or lead change that lost every attempt is TransactionBusyError
// (errors.busy, a 503 on the class page), not enrolment's wording.
import { inTransaction } from "~/db/transaction.server";
import { translator, type Locale, type MessageKey } from "~/i18n/i18n";
import { db, dialect, type DbTx } from "~/utils/db.server";

export type CampSetupActor = Pick<SessionUser, "id" | "role" | "scopeUnitPath">;

/** The course mode whose classes are camps. */
export const CAMP_MODE = "camp";

/** A new camp's settings (the demo camp's); the lead mentor changes the marking rules later. */
export const CAMP_DEFAULTS = {
  nights: 4,
  /** Centipoints of 100: 60.00 points. */
  passMark: 6000,
  markersPerProject: 2,
  moderationThresholdPct: 15,
  blindMarking: true,
} as const;

export const CAMP_SETUP_ERRORS = {
  notCampCourse: "campSetup.errors.notCampCourse",
  alreadySetUp: "campSetup.errors.alreadySetUp",
  noCamp: "campSetup.errors.noCamp",
  classCancelled: "campSetup.errors.classCancelled",
  leadInvalid: "campSetup.errors.leadInvalid",
  sameLead: "campSetup.errors.sameLead",
  reasonRequired: "campSetup.errors.reasonRequired",
  courseHasCamp: "campSetup.errors.courseHasCamp",
} as const satisfies Record<string, MessageKey>;

export type CampSetupErrorKey = (typeof CAMP_SETUP_ERRORS)[keyof typeof CAMP_SETUP_ERRORS];

/** A refused camp set-up: a message key, its parameters and the form field at fault, if one is. */
export class CampSetupError extends Error {
  readonly code: CampSetupErrorKey;
  readonly params: Record<string, string | number>;
  readonly field?: string;
  constructor(code: CampSetupErrorKey, params: Record<string, string | number> = {}, field?: string) {
    super(`${code} ${JSON.stringify(params)}`);
    this.name = "CampSetupError";
    this.code = code;
    this.params = params;
    this.field = field;
  }
}

export function isCampSetupError(error: unknown): error is CampSetupError {
  return error instanceof CampSetupError;
}

/** A CampSetupError as the class page's 400 answer for `intent`, or null for any other error. */
export function campSetupRefusal(error: unknown, locale: Locale, base: Pick<ClassActionData, "intent" | "target">) {
  if (!isCampSetupError(error)) return null;
  const text = translator(locale)(error.code, error.params);
  const data: ClassActionData = error.field ? { ...base, fieldText: { [error.field]: text } } : { ...base, formError: text };
  return json(data, { status: 400 });
}

// The class module's scope (classScopeWhere), built here so the class module can call this one
// without an import cycle; guards.server's helper reads only role and scopeUnitPath.
const inScope = (actor: CampSetupActor) => ({ hostUnit: unitScopeWhere(actor as SessionUser) });

// ---------------------------------------------------------------- inside other transactions

/** The lead must be an enabled trainer account: the same rule as a class's trainer. */
async function assertLead(tx: DbTx, userId: number) {
  const user = await findEnabledTrainer(tx, userId);
  if (!user) throw new CampSetupError(CAMP_SETUP_ERRORS.leadInvalid, {}, "leadUserId");
  return user;
}

/** Creates the class's camp with the defaults and `leadUserId` as its lead. Audited "camp.created". */
async function createCampRow(tx: DbTx, actorId: number, input: { offeringId: number; leadUserId: number; reason?: string | null }) {
  const lead = await assertLead(tx, input.leadUserId);
  const camp = await tx.camp.create({ data: { offeringId: input.offeringId, ...CAMP_DEFAULTS }, select: { id: true } });
  await tx.campStaff.create({ data: { campId: camp.id, userId: input.leadUserId, role: "lead" } });
  await recordAudit(tx, {
    actorId,
    action: "camp.created",
    entityType: "Camp",
    entityId: camp.id,
    after: { offeringId: input.offeringId, ...CAMP_DEFAULTS, status: "open", leadUserId: input.leadUserId },
    reason: input.reason?.trim() || null,
  });
  return { id: camp.id, leadName: lead.displayName };
}

/**
 * createClass's part: a new class of a camp course with a trainer gets its camp, the trainer
 * leading it. Returns the camp's id, or null when the course is no camp or there is no trainer.
 */
export async function campForNewClass(tx: DbTx, actorId: number, input: { offeringId: number; courseId: number; trainerId: number | null | undefined }) {
  const course = await tx.course.findUnique({ where: { id: input.courseId }, select: { mode: true } });
  if (course?.mode !== CAMP_MODE || !input.trainerId) return null;
  return (await createCampRow(tx, actorId, { offeringId: input.offeringId, leadUserId: input.trainerId })).id;
}

/**
 * updateClass's check before a course change: a class with a camp may only move to another
 * camp course. Returns whether the class will need a camp made (moved onto a camp course).
 */
export async function checkCourseChange(tx: DbTx, input: { offeringId: number; courseId: number }): Promise<{ needsCamp: boolean }> {
  const [course, camp] = await Promise.all([
    tx.course.findUnique({ where: { id: input.courseId }, select: { mode: true } }),
    tx.camp.findUnique({ where: { offeringId: input.offeringId }, select: { id: true } }),
  ]);
  const toCamp = course?.mode === CAMP_MODE;
  if (camp && !toCamp) throw new CampSetupError(CAMP_SETUP_ERRORS.courseHasCamp, {}, "courseId");
  return { needsCamp: toCamp && !camp };
}

/** updateClass's part after a class moved onto a camp course: as for a new class. */
export async function campForMovedClass(tx: DbTx, actorId: number, input: { offeringId: number; trainerId: number | null | undefined }) {
  if (!input.trainerId) return null;
  return (await createCampRow(tx, actorId, { offeringId: input.offeringId, leadUserId: input.trainerId })).id;
}

/**
 * How many classes of the course run a camp: the catalogue keeps such a course in the camp mode
 * (each camp's class would otherwise stop being a camp class), refusing with
 * campSetup.errors.courseModeLocked.
 */
export function campsOfCourse(tx: DbTx, courseId: number): Promise<number> {
  return tx.camp.count({ where: { offering: { courseId } } });
}

// ---------------------------------------------------------------- HR's actions

async function classFor(tx: DbTx, actor: CampSetupActor, offeringId: number) {
  const offering = await tx.offering.findFirst({
    where: { id: offeringId, ...inScope(actor) },
    select: { id: true, status: true, course: { select: { mode: true } }, camp: { select: { id: true } } },
  });
  if (!offering) throw new ClassError(CLASS_ERRORS.notFound);
  return offering;
}

/**
 * Sets up the camp of a camp-mode class that has none (a class created without a trainer, or
 * older data). Refused for a cancelled class. Throws ClassError notFound, CampSetupError
 * notCampCourse, alreadySetUp, classCancelled, leadInvalid.
 */
export async function setUpCamp(actor: CampSetupActor, offeringId: number, input: { leadUserId: number; reason?: string | null }) {
  // A concurrent set-up loses on Camp.offeringId's unique key; the retry then finds the camp
  // (every attempt lost: TransactionBusyError, errors.busy — a 503 on the class page).
  return inTransaction(async (tx) => {
    const offering = await classFor(tx, actor, offeringId);
    if (offering.course.mode !== CAMP_MODE) throw new CampSetupError(CAMP_SETUP_ERRORS.notCampCourse);
    if (offering.camp) throw new CampSetupError(CAMP_SETUP_ERRORS.alreadySetUp);
    if (offering.status === "cancelled") throw new CampSetupError(CAMP_SETUP_ERRORS.classCancelled);
    const camp = await createCampRow(tx, actor.id, { offeringId, leadUserId: input.leadUserId, reason: input.reason });
    return { campId: camp.id, leadName: camp.leadName };
  });
}

/**
 * Makes `leadUserId` the lead mentor of the class's camp, with a reason; the former lead (if
 * any) becomes a mentor. Audited "camp.lead_changed" with both before and after.
 * Throws ClassError notFound, CampSetupError noCamp, reasonRequired, leadInvalid, sameLead.
 */
export async function changeCampLead(actor: CampSetupActor, offeringId: number, input: { leadUserId: number; reason: string }) {
  const reason = input.reason.trim();
  if (!reason) throw new CampSetupError(CAMP_SETUP_ERRORS.reasonRequired, {}, "reason");
  return inTransaction(async (tx) => {
    const offering = await classFor(tx, actor, offeringId);
    if (!offering.camp) throw new CampSetupError(CAMP_SETUP_ERRORS.noCamp);
    const campId = offering.camp.id;
    // Staff changes of one camp take turns (as in camps.server.ts): two officers changing the
    // lead at once must not both demote the same lead and leave two leads.
    if (dialect() === "postgresql") await tx.$queryRaw`SELECT "id" FROM "Camp" WHERE "id" = ${campId} FOR UPDATE`;
    const lead = await assertLead(tx, input.leadUserId);
    const staff = await tx.campStaff.findMany({ where: { campId }, select: { userId: true, role: true, user: { select: { displayName: true } } } });
    const formerLeads = staff.filter((s) => s.role === "lead");
    if (formerLeads.some((s) => s.userId === lead.id)) throw new CampSetupError(CAMP_SETUP_ERRORS.sameLead, {}, "leadUserId");
    const newLeadBefore = staff.find((s) => s.userId === lead.id)?.role ?? null;

    for (const former of formerLeads) {
      await tx.campStaff.update({ where: { campId_userId: { campId, userId: former.userId } }, data: { role: "mentor" } });
    }
    if (newLeadBefore) await tx.campStaff.update({ where: { campId_userId: { campId, userId: lead.id } }, data: { role: "lead" } });
    else await tx.campStaff.create({ data: { campId, userId: lead.id, role: "lead" } });

    await recordAudit(tx, {
      actorId: actor.id,
      action: "camp.lead_changed",
      entityType: "Camp",
      entityId: campId,
      before: { leadUserIds: formerLeads.map((s) => s.userId), newLeadRole: newLeadBefore },
      after: { leadUserId: lead.id, formerLeadsRole: formerLeads.length ? "mentor" : null },
      reason,
    });
    return { campId, leadName: lead.displayName, formerNames: formerLeads.map((s) => s.user.displayName) };
  });
}

// ---------------------------------------------------------------- the class page's panel

/**
 * The camp panel of a class page: null when the class is no camp class (and has no camp);
 * otherwise the camp (or null: not set up yet) and the trainers who may lead it. The class must
 * be inside the viewer's scope (else null, as the page itself is not found).
 */
export async function loadCampPanel(viewer: CampSetupActor, offeringId: number) {
  const offering = await db.offering.findFirst({
    where: { id: offeringId, ...inScope(viewer) },
    select: {
      trainerId: true,
      status: true,
      startsAt: true,
      endsAt: true,
      course: { select: { mode: true } },
      camp: {
        select: {
          id: true,
          status: true,
          staff: { orderBy: { userId: "asc" }, select: { role: true, user: { select: { id: true, displayName: true, disabledAt: true } } } },
          _count: { select: { teams: true } },
        },
      },
    },
  });
  if (!offering) return null;
  if (offering.course.mode !== CAMP_MODE && !offering.camp) return null;
  const trainers = await db.user.findMany({
    where: { role: "trainer", disabledAt: null },
    orderBy: [{ displayName: "asc" }, { id: "asc" }],
    select: { id: true, displayName: true, username: true },
  });
  const camp = offering.camp;
  const lead = camp?.staff.find((s) => s.role === "lead")?.user ?? null;
  return {
    isCampCourse: offering.course.mode === CAMP_MODE,
    canSetUp: !camp && offering.course.mode === CAMP_MODE && offering.status !== "cancelled",
    classTrainerId: offering.trainerId,
    defaults: CAMP_DEFAULTS,
    // From the class's dates (app/camps/length.ts); Camp.nights is not read.
    length: campLength(offering.startsAt, offering.endsAt),
    trainers,
    camp: camp
      ? {
          id: camp.id,
          status: camp.status,
          lead: lead ? { id: lead.id, displayName: lead.displayName, disabled: lead.disabledAt !== null } : null,
          mentors: camp.staff.filter((s) => s.role === "mentor").length,
          judges: camp.staff.filter((s) => s.role === "judge").length,
          teams: camp._count.teams,
          viewerIsStaff: camp.staff.some((s) => s.user.id === viewer.id),
        }
      : null,
  };
}
