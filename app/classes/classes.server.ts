// HR's classes (Offering rows): listing them within the officer's scope, creating and
// editing them, cancelling. Seats and the waiting list stay the enrolment module's: a raised
// capacity is handed to promoteWaiting in the same transaction, and a lowered one is refused
// when it would fall below the seats already taken (never un-seat anybody).
//
// Scope: an HR officer sees and edits only classes whose host unit is inside their unit
// subtree, and may only move a class to a host unit inside it; administrators see all. A
// class outside the scope reads as "not found", so nothing about it leaks.
//
// Every create, edit and cancellation is audited (entityType "Offering") in the same
// transaction, with the changed fields before and after.
import { recordAudit } from "~/audit/audit.server";
import { findEnabledTrainer } from "~/auth/accounts.server";
import { canAccessUnit, unitScopeWhere, type SessionUser } from "~/auth/guards.server";
import { campForMovedClass, campForNewClass, checkCourseChange } from "~/camps/camp-setup.server";
import { containsText } from "~/catalogue/catalogue.server";
import { promoteWaiting, type Promotion } from "~/enrolment/enrolment.server";
// The shared retry: class edits that lost every attempt are TransactionBusyError (errors.busy on
// the class pages), even when an edit promotes waiting learners along the way.
import { ConcurrentChange, inTransaction } from "~/db/transaction.server";
import { notify } from "~/notifications/notifications.server";
import { db, type DbTx } from "~/utils/db.server";
import { CLASS_ERRORS, ClassError } from "./errors";
import type { ClassStatus, EditableStatus } from "./forms";
import { shanghaiMonthRange } from "./shanghai-time";

/** Who acts: a SessionUser has these fields. */
export type ClassActor = Pick<SessionUser, "id" | "role" | "scopeUnitPath">;

/** Enrolment statuses of people still in (or queuing for) a class. */
export const ACTIVE_ENROLMENT_STATUSES = ["enrolled", "waitlisted", "pending_approval"] as const;

export const CLASSES_PAGE_SIZE = 20;

// guards.server's helpers read only role and scopeUnitPath.
const asViewer = (actor: ClassActor) => actor as SessionUser;

/** Prisma `where` for classes hosted inside the actor's scope. */
export function classScopeWhere(actor: ClassActor) {
  return { hostUnit: unitScopeWhere(asViewer(actor)) };
}

// ---------------------------------------------------------------- listing

export type ClassListFilters = { q?: string; courseId?: number; status?: ClassStatus; month?: string; year: number; page?: number };

export async function listClasses(viewer: ClassActor, filters: ClassListFilters) {
  const page = Math.max(1, filters.page ?? 1);
  const range = filters.month ? shanghaiMonthRange(filters.month) : null;
  const q = filters.q?.trim();
  const text = q ? containsText(q) : null;
  const where = {
    ...classScopeWhere(viewer),
    creditYear: filters.year,
    ...(filters.courseId ? { courseId: filters.courseId } : {}),
    ...(filters.status ? { status: filters.status } : {}),
    ...(range ? { startsAt: { gte: range.start, lt: range.end } } : {}),
    ...(text
      ? { OR: [{ code: text }, { venue: text }, { course: { code: text } }, { course: { titleZh: text } }, { course: { titleEn: text } }] }
      : {}),
  };
  const [total, classes] = await Promise.all([
    db.offering.count({ where }),
    db.offering.findMany({
      where,
      orderBy: [{ startsAt: "asc" }, { id: "asc" }],
      skip: (page - 1) * CLASSES_PAGE_SIZE,
      take: CLASSES_PAGE_SIZE,
      select: {
        id: true,
        code: true,
        status: true,
        capacity: true,
        seatsTaken: true,
        startsAt: true,
        endsAt: true,
        needsApproval: true,
        venue: true,
        course: { select: { code: true, titleZh: true, titleEn: true } },
        hostUnit: { select: { nameZh: true, nameEn: true } },
        trainer: { select: { displayName: true } },
      },
    }),
  ]);
  const counts = classes.length
    ? await db.enrolment.groupBy({
        by: ["offeringId", "status"],
        where: { offeringId: { in: classes.map((c) => c.id) }, status: { in: ["waitlisted", "pending_approval"] } },
        _count: { _all: true },
      })
    : [];
  const count = (offeringId: number, status: string) =>
    counts.find((c) => c.offeringId === offeringId && c.status === status)?._count._all ?? 0;
  return {
    total,
    page,
    pages: Math.max(1, Math.ceil(total / CLASSES_PAGE_SIZE)),
    classes: classes.map((c) => ({ ...c, waiting: count(c.id, "waitlisted"), pending: count(c.id, "pending_approval") })),
  };
}

/** Courses that have classes in the viewer's scope in `year` (the list's course filter). */
export function coursesWithClasses(viewer: ClassActor, year: number) {
  return db.course.findMany({
    where: { offerings: { some: { ...classScopeWhere(viewer), creditYear: year } } },
    orderBy: { code: "asc" },
    select: { id: true, code: true, titleZh: true, titleEn: true },
  });
}

// ---------------------------------------------------------------- the form's choices

/**
 * Courses (not archived), host units inside the scope (not archived) and active trainer
 * accounts; a class's current course, unit and trainer stay choosable even if retired since.
 */
export async function classFormChoices(viewer: ClassActor, current?: { courseId: number; hostUnitId: number; trainerId: number | null }) {
  const [courses, units, trainers] = await Promise.all([
    db.course.findMany({
      where: { OR: [{ archivedAt: null }, ...(current ? [{ id: current.courseId }] : [])] },
      orderBy: [{ level: { rank: "asc" } }, { code: "asc" }],
      select: { id: true, code: true, titleZh: true, titleEn: true },
    }),
    db.unit.findMany({
      where: { ...unitScopeWhere(asViewer(viewer)), OR: [{ archivedAt: null }, ...(current ? [{ id: current.hostUnitId }] : [])] },
      orderBy: [{ path: "asc" }],
      select: { id: true, kind: true, nameZh: true, nameEn: true, path: true },
    }),
    db.user.findMany({
      where: {
        role: "trainer",
        OR: [{ disabledAt: null }, ...(current?.trainerId ? [{ id: current.trainerId }] : [])],
      },
      orderBy: [{ displayName: "asc" }, { id: "asc" }],
      select: { id: true, displayName: true, username: true },
    }),
  ]);
  // Parents before children (paths sort that way only digit by digit): order by the tree.
  const depth = (path: string) => path.split("/").filter(Boolean).length;
  const base = units.length ? Math.min(...units.map((u) => depth(u.path))) : 0;
  return {
    courses,
    units: sortByTree(units).map(({ path, ...u }) => ({ ...u, depth: depth(path) - base })),
    trainers,
  };
}

/** Depth-first order of units by their materialised paths (id segments compared as numbers). */
function sortByTree<T extends { path: string }>(units: T[]): T[] {
  const key = (path: string) => path.split("/").filter(Boolean).map(Number);
  return [...units].sort((a, b) => {
    const [x, y] = [key(a.path), key(b.path)];
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
    return x.length - y.length;
  });
}

// ---------------------------------------------------------------- creating and editing

export type ClassInput = {
  /** Left empty: generated from the course code, the credit year and a sequence. */
  code?: string;
  courseId: number;
  hostUnitId: number;
  trainerId?: number | null;
  venue: string;
  capacity: number;
  enrolOpensAt: Date;
  enrolClosesAt: Date;
  withdrawDeadline: Date;
  startsAt: Date;
  endsAt: Date;
  needsApproval: boolean;
  status: EditableStatus;
  creditYear: number;
  reason?: string | null;
};

type Snapshot = {
  code: string;
  courseId: number;
  hostUnitId: number;
  trainerId: number | null;
  venue: string;
  capacity: number;
  enrolOpensAt: string;
  enrolClosesAt: string;
  withdrawDeadline: string;
  startsAt: string;
  endsAt: string;
  needsApproval: boolean;
  status: string;
  creditYear: number;
};

function snapshot(o: Omit<ClassInput, "reason" | "code" | "status"> & { code: string; status: string }): Snapshot {
  return {
    code: o.code,
    courseId: o.courseId,
    hostUnitId: o.hostUnitId,
    trainerId: o.trainerId ?? null,
    venue: o.venue,
    capacity: o.capacity,
    enrolOpensAt: o.enrolOpensAt.toISOString(),
    enrolClosesAt: o.enrolClosesAt.toISOString(),
    withdrawDeadline: o.withdrawDeadline.toISOString(),
    startsAt: o.startsAt.toISOString(),
    endsAt: o.endsAt.toISOString(),
    needsApproval: o.needsApproval,
    status: o.status,
    creditYear: o.creditYear,
  };
}

function changedFields(before: Snapshot, after: Snapshot) {
  const keys = (Object.keys(after) as (keyof Snapshot)[]).filter((k) => before[k] !== after[k]);
  return {
    keys,
    before: Object.fromEntries(keys.map((k) => [k, before[k]])),
    after: Object.fromEntries(keys.map((k) => [k, after[k]])),
  };
}

async function assertHostUnit(tx: DbTx, actor: ClassActor, hostUnitId: number) {
  const unit = await tx.unit.findUnique({ where: { id: hostUnitId }, select: { path: true, archivedAt: true } });
  if (!unit || unit.archivedAt || !canAccessUnit(asViewer(actor), unit)) {
    throw new ClassError(CLASS_ERRORS.hostUnitOutOfScope, {}, "hostUnitId");
  }
}

async function assertCourse(tx: DbTx, courseId: number) {
  const course = await tx.course.findUnique({ where: { id: courseId }, select: { id: true, code: true, archivedAt: true } });
  if (!course || course.archivedAt) throw new ClassError(CLASS_ERRORS.courseNotFound, {}, "courseId");
  return course;
}

/** The trainer must be an enabled account with the trainer role. */
async function assertTrainer(tx: DbTx, trainerId: number | null | undefined) {
  if (!trainerId) return;
  if (!(await findEnabledTrainer(tx, trainerId))) throw new ClassError(CLASS_ERRORS.trainerInvalid, {}, "trainerId");
}

async function assertCodeFree(tx: DbTx, code: string, exceptId?: number) {
  const taken = await tx.offering.findUnique({ where: { code }, select: { id: true } });
  if (taken && taken.id !== exceptId) throw new ClassError(CLASS_ERRORS.codeTaken, { code }, "code");
}

/** "<course code>-<year>-<n>", the next n for that course and year (as the demo data names them). */
export async function nextClassCode(tx: DbTx, courseCode: string, year: number): Promise<string> {
  const prefix = `${courseCode}-${year}-`;
  const rows = await tx.offering.findMany({ where: { code: { startsWith: prefix } }, select: { code: true } });
  let n = rows.reduce((max, r) => {
    const rest = r.code.slice(prefix.length);
    return /^\d+$/.test(rest) ? Math.max(max, Number(rest)) : max;
  }, 0);
  for (;;) {
    const code = `${prefix}${++n}`;
    if (!(await tx.offering.findUnique({ where: { code }, select: { id: true } }))) return code;
  }
}

/**
 * Creates a class (draft or published) hosted inside the actor's scope. Audited
 * ("offering.created"). A concurrent creation that takes the same generated code makes
 * this attempt retry with the next number. A class of a camp course with a trainer gets its
 * camp in the same transaction, the trainer leading it (camps/camp-setup.server.ts).
 *
 * Throws ClassError: hostUnitOutOfScope, courseNotFound, trainerInvalid, codeTaken, statusInvalid.
 */
export async function createClass(actor: ClassActor, input: ClassInput): Promise<{ id: number; code: string; campId: number | null }> {
  if (input.status === "cancelled") throw new ClassError(CLASS_ERRORS.statusInvalid, {}, "status");
  return inTransaction(async (tx) => {
    await assertHostUnit(tx, actor, input.hostUnitId);
    const course = await assertCourse(tx, input.courseId);
    await assertTrainer(tx, input.trainerId);
    if (input.code) await assertCodeFree(tx, input.code);
    const code = input.code ?? (await nextClassCode(tx, course.code, input.creditYear));
    const data = { ...snapshotData(input), code, status: input.status };
    const offering = await tx.offering.create({ data, select: { id: true, code: true } });
    await recordAudit(tx, {
      actorId: actor.id,
      action: "offering.created",
      entityType: "Offering",
      entityId: offering.id,
      after: snapshot({ ...input, code }),
      reason: input.reason?.trim() || null,
    });
    const campId = await campForNewClass(tx, actor.id, { offeringId: offering.id, courseId: input.courseId, trainerId: input.trainerId });
    return { ...offering, campId };
  });
}

function snapshotData(input: ClassInput) {
  return {
    courseId: input.courseId,
    hostUnitId: input.hostUnitId,
    trainerId: input.trainerId ?? null,
    venue: input.venue,
    capacity: input.capacity,
    enrolOpensAt: input.enrolOpensAt,
    enrolClosesAt: input.enrolClosesAt,
    withdrawDeadline: input.withdrawDeadline,
    startsAt: input.startsAt,
    endsAt: input.endsAt,
    needsApproval: input.needsApproval,
    creditYear: input.creditYear,
  };
}

const editSelect = {
  id: true,
  code: true,
  courseId: true,
  hostUnitId: true,
  trainerId: true,
  venue: true,
  capacity: true,
  seatsTaken: true,
  enrolOpensAt: true,
  enrolClosesAt: true,
  withdrawDeadline: true,
  startsAt: true,
  endsAt: true,
  needsApproval: true,
  status: true,
  creditYear: true,
  course: { select: { titleZh: true, titleEn: true } },
} as const;

export type UpdateResult = {
  changed: boolean;
  /** Changed field names. */
  fields: string[];
  /** Waiting learners seated by a raised capacity (or by publishing), in order. */
  promoted: Promotion[];
  /** Learners told that the class was cancelled. */
  notified: number;
};

/**
 * Edits a class inside the actor's scope. Rules beyond the form's:
 * - a cancelled or completed (closed) class is history: not editable;
 * - the host unit must stay inside the scope; the course can't change once anybody has
 *   enrolled (eligibility and credits hang on it); an enabled trainer account;
 * - capacity below the seats taken is refused; a higher one seats the waiting list in order;
 * - unpublishing is refused while people are enrolled, waiting or pending;
 * - cancelling needs a reason when people are enrolled, waiting or pending; they are
 *   notified (classes.notify.cancelled); their enrolment rows are kept as they are, so HR can
 *   still move them to another class of the course, and nothing is deleted;
 * - the class's dates must still contain every session;
 * - a class with a camp may only move to another camp course (camps/camp-setup.server.ts).
 * Audited as "offering.updated" or "offering.cancelled" with the changed fields.
 *
 * Throws ClassError: notFound, notEditable, hostUnitOutOfScope, courseNotFound,
 * courseLocked, trainerInvalid, codeTaken, capacityBelowTaken {taken},
 * unpublishWithEnrolments, cancelReasonRequired, sessionsOutsideClass {count};
 * CampSetupError courseHasCamp, leadInvalid.
 */
export async function updateClass(actor: ClassActor, offeringId: number, input: ClassInput): Promise<UpdateResult> {
  return inTransaction(async (tx) => {
    const current = await tx.offering.findFirst({ where: { id: offeringId, ...classScopeWhere(actor) }, select: editSelect });
    if (!current) throw new ClassError(CLASS_ERRORS.notFound);
    if (current.status === "cancelled" || current.status === "closed") {
      throw new ClassError(CLASS_ERRORS.notEditable, { status: current.status });
    }
    const code = input.code ?? current.code;
    const before = snapshot(current);
    const after = snapshot({ ...input, code });
    const diff = changedFields(before, after);
    if (diff.keys.length === 0) return { changed: false, fields: [], promoted: [], notified: 0 };
    const changed = new Set<string>(diff.keys);

    if (changed.has("hostUnitId")) await assertHostUnit(tx, actor, input.hostUnitId);
    if (changed.has("trainerId")) await assertTrainer(tx, input.trainerId);
    if (changed.has("code")) await assertCodeFree(tx, code, current.id);
    let needsCamp = false;
    if (changed.has("courseId")) {
      await assertCourse(tx, input.courseId);
      if ((await tx.enrolment.count({ where: { offeringId } })) > 0) throw new ClassError(CLASS_ERRORS.courseLocked, {}, "courseId");
      // A class with a camp keeps a camp course; one moved onto a camp course gets its camp.
      ({ needsCamp } = await checkCourseChange(tx, { offeringId, courseId: input.courseId }));
    }
    if (input.capacity < current.seatsTaken) {
      throw new ClassError(CLASS_ERRORS.capacityBelowTaken, { taken: current.seatsTaken, capacity: input.capacity }, "capacity");
    }
    const active = await tx.enrolment.findMany({
      where: { offeringId, status: { in: [...ACTIVE_ENROLMENT_STATUSES] } },
      select: { personId: true },
      orderBy: { id: "asc" },
    });
    const cancelling = input.status === "cancelled";
    const reason = input.reason?.trim() || null;
    if (current.status === "published" && input.status === "draft" && active.length > 0) {
      throw new ClassError(CLASS_ERRORS.unpublishWithEnrolments, { count: active.length }, "status");
    }
    if (cancelling && active.length > 0 && !reason) {
      throw new ClassError(CLASS_ERRORS.cancelReasonRequired, { count: active.length }, "reason");
    }
    if (changed.has("startsAt") || changed.has("endsAt")) {
      const outside = await tx.classSession.count({
        where: { offeringId, OR: [{ startsAt: { lt: input.startsAt } }, { endsAt: { gt: input.endsAt } }] },
      });
      if (outside > 0) {
        throw new ClassError(CLASS_ERRORS.sessionsOutsideClass, { count: outside }, changed.has("startsAt") ? "startsAt" : "endsAt");
      }
    }

    // Conditional on what we read: a seat taken since then (or a concurrent edit) makes the
    // attempt roll back and retry against the new figures.
    const { count } = await tx.offering.updateMany({
      where: { id: offeringId, status: current.status, seatsTaken: { lte: input.capacity } },
      data: { ...snapshotData(input), code, status: input.status },
    });
    if (count === 0) throw new ConcurrentChange(`offering ${offeringId} changed while it was edited`);

    if (needsCamp && input.status !== "cancelled") await campForMovedClass(tx, actor.id, { offeringId, trainerId: input.trainerId });

    const seatsFreed = input.capacity > current.capacity || (current.status !== "published" && input.status === "published");
    const promoted = seatsFreed ? await promoteWaiting(tx, offeringId) : [];

    if (cancelling) {
      const params = {
        offeringId,
        offeringCode: code,
        courseZh: current.course.titleZh,
        courseEn: current.course.titleEn,
        reason: reason ?? "",
      };
      for (const { personId } of active) {
        await notify(tx, { personId, kind: "offering.cancelled", key: "classes.notify.cancelled", params });
      }
    }
    await recordAudit(tx, {
      actorId: actor.id,
      action: cancelling ? "offering.cancelled" : "offering.updated",
      entityType: "Offering",
      entityId: offeringId,
      before: diff.before,
      after: {
        ...diff.after,
        ...(promoted.length ? { promoted: promoted.map((p) => p.enrolmentId) } : {}),
        ...(cancelling ? { activeEnrolments: active.length } : {}),
      },
      reason,
    });
    return { changed: true, fields: diff.keys, promoted, notified: cancelling ? active.length : 0 };
  });
}

// ---------------------------------------------------------------- one class

/** The class page's data, or null when the class doesn't exist or is outside the scope. */
export async function loadClass(viewer: ClassActor, offeringId: number, now = new Date()) {
  const offering = await db.offering.findFirst({
    where: { id: offeringId, ...classScopeWhere(viewer) },
    select: {
      ...editSelect,
      course: { select: { id: true, code: true, titleZh: true, titleEn: true } },
      hostUnit: { select: { id: true, nameZh: true, nameEn: true } },
      trainer: { select: { id: true, displayName: true } },
      sessions: {
        orderBy: [{ startsAt: "asc" }, { id: "asc" }],
        // Never the check-in secret.
        select: { id: true, title: true, startsAt: true, endsAt: true, venue: true, _count: { select: { attendance: true } } },
      },
    },
  });
  if (!offering) return null;

  const [enrolments, moveTargets] = await Promise.all([
    db.enrolment.findMany({
      where: { offeringId },
      orderBy: [{ waitlistNo: "asc" }, { requestedAt: "asc" }, { id: "asc" }],
      select: {
        id: true,
        status: true,
        waitlistNo: true,
        requestedAt: true,
        updatedAt: true,
        decisionReason: true,
        person: { select: { id: true, employeeNo: true, name: true, unit: { select: { nameZh: true, nameEn: true, path: true } } } },
      },
    }),
    db.offering.findMany({
      where: {
        courseId: offering.courseId,
        id: { not: offering.id },
        status: "published",
        endsAt: { gt: now },
        ...classScopeWhere(viewer),
      },
      orderBy: [{ startsAt: "asc" }, { id: "asc" }],
      take: 50,
      select: { id: true, code: true, startsAt: true, capacity: true, seatsTaken: true, hostUnit: { select: { nameZh: true, nameEn: true } } },
    }),
  ]);

  const row = (e: (typeof enrolments)[number]) => {
    const { path, ...unit } = e.person.unit;
    return { ...e, person: { ...e.person, unit }, inScope: canAccessUnit(asViewer(viewer), { path }) };
  };
  const byStatus = (...statuses: string[]) => enrolments.filter((e) => statuses.includes(e.status)).map(row);
  const waiting = byStatus("waitlisted").map((e, i) => ({ ...e, position: i + 1 }));
  return {
    offering: { ...offering, sessions: offering.sessions.map(({ _count, ...s }) => ({ ...s, attendance: _count.attendance })) },
    roster: {
      enrolled: byStatus("enrolled", "completed", "not_completed"),
      waiting,
      pending: byStatus("pending_approval"),
      withdrawn: byStatus("withdrawn", "declined"),
    },
    moveTargets,
    canComplete: offering.status === "published" && now >= offering.endsAt,
  };
}

/** The class's id when it exists inside the scope (for actions), else null. */
export async function classInScope(viewer: ClassActor, offeringId: number): Promise<{ id: number; status: string } | null> {
  return db.offering.findFirst({ where: { id: offeringId, ...classScopeWhere(viewer) }, select: { id: true, status: true } });
}
