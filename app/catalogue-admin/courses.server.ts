// Courses as administrators and HR manage them: list, create, edit, archive, history.
//
// Every change is one transaction that bumps Course.version and writes an AuditEvent
// (entityType "Course") with full before/after snapshots, weights and prerequisites included,
// so the course page can show a field-by-field history. Edits carry the version the form was
// loaded at and are refused if someone saved in between (a conditional UPDATE on the version,
// correct on both dialects). A course code is unique (the database's unique key has the last
// word, so a double-submitted "create" makes one course) and never changes after creation:
// the catalogue's URLs, the API and people's bookmarks use it.
import { recordAudit } from "~/audit/audit.server";
import { CAMP_MODE, campsOfCourse } from "~/camps/camp-setup.server";
import { containsText } from "~/catalogue/catalogue.server";
import { db, type DbTx } from "~/utils/db.server";
import type { CourseFields, CourseListStatus, CourseModeValue, CreateCourseInput, UpdateCourseInput } from "./course-form";
import { isUniqueViolation } from "~/db/errors.server";
import { CatalogueAdminError } from "./errors";
import { diffCourseSnapshots, readCourseSnapshot, type CourseChange, type CourseSnapshot } from "./history";
import { findPrerequisiteCycle } from "./remap";

export const MANAGE_COURSES_PAGE_SIZE = 20;

/** Catalogue writes are a handful of statements; publishing a framework touches every course. */
export const CATALOGUE_TX_OPTIONS = { maxWait: 15_000, timeout: 30_000 } as const;

/**
 * What the audit log keeps of a course: everything the form edits, plus its state. Three
 * queries one after the other rather than one with sibling relations, because this runs
 * inside transactions and Prisma would run sibling relation queries concurrently, which a
 * PostgreSQL transaction's single connection can only queue (pg deprecates that).
 */
export async function courseSnapshot(client: DbTx, courseId: number): Promise<CourseSnapshot | null> {
  const course = await client.course.findUnique({
    where: { id: courseId },
    select: {
      code: true,
      titleZh: true,
      titleEn: true,
      summaryZh: true,
      summaryEn: true,
      mode: true,
      durationMinutes: true,
      creditPoints: true,
      hasAssessment: true,
      archivedAt: true,
      version: true,
      level: { select: { id: true, code: true } },
    },
  });
  if (!course) return null;
  const weights = await client.courseCompetency.findMany({
    where: { courseId },
    orderBy: { competencyId: "asc" },
    select: { weight: true, competency: { select: { id: true, code: true } } },
  });
  const prerequisites = await client.coursePrerequisite.findMany({
    where: { courseId },
    orderBy: { requiredCourse: { code: "asc" } },
    select: { requiredCourse: { select: { id: true, code: true } } },
  });
  return {
    code: course.code,
    titleZh: course.titleZh,
    titleEn: course.titleEn,
    summaryZh: course.summaryZh,
    summaryEn: course.summaryEn,
    levelId: course.level.id,
    levelCode: course.level.code,
    mode: course.mode,
    durationMinutes: course.durationMinutes,
    creditPoints: course.creditPoints,
    hasAssessment: course.hasAssessment,
    archived: course.archivedAt !== null,
    version: course.version,
    weights: weights.map((w) => ({ competencyId: w.competency.id, code: w.competency.code, weight: w.weight })),
    prerequisites: prerequisites.map((p) => ({ id: p.requiredCourse.id, code: p.requiredCourse.code })),
  };
}

/** The framework version courses are weighted against: the active one (the newest if ever two). */
export async function activeFramework(client: DbTx) {
  return client.competencyFramework.findFirst({
    where: { status: "active" },
    orderBy: { version: "desc" },
    select: { id: true, version: true, nameZh: true, nameEn: true, publishedAt: true },
  });
}

// ---------------------------------------------------------------- reading

export type ManagedCourseFilters = {
  q?: string;
  levelId?: number;
  mode?: CourseModeValue;
  status: CourseListStatus;
  page?: number;
};

export async function listManagedCourses(filters: ManagedCourseFilters) {
  const page = Math.max(1, filters.page ?? 1);
  const q = filters.q ? containsText(filters.q) : null;
  const where = {
    ...(filters.status === "active" ? { archivedAt: null } : filters.status === "archived" ? { archivedAt: { not: null } } : {}),
    ...(q ? { OR: [{ titleZh: q }, { titleEn: q }, { code: q }] } : {}),
    ...(filters.levelId ? { levelId: filters.levelId } : {}),
    ...(filters.mode ? { mode: filters.mode } : {}),
  };
  const [total, courses] = await Promise.all([
    db.course.count({ where }),
    db.course.findMany({
      where,
      orderBy: [{ level: { rank: "asc" } }, { code: "asc" }],
      skip: (page - 1) * MANAGE_COURSES_PAGE_SIZE,
      take: MANAGE_COURSES_PAGE_SIZE,
      select: {
        id: true,
        code: true,
        titleZh: true,
        titleEn: true,
        mode: true,
        durationMinutes: true,
        creditPoints: true,
        version: true,
        archivedAt: true,
        updatedAt: true,
        level: { select: { nameZh: true, nameEn: true } },
        _count: { select: { offerings: true } },
      },
    }),
  ]);
  return {
    total,
    page,
    pages: Math.max(1, Math.ceil(total / MANAGE_COURSES_PAGE_SIZE)),
    courses: courses.map(({ _count, ...course }) => ({ ...course, classes: _count.offerings })),
  };
}

/** The form's choices: levels, the active framework's competencies, the other courses. */
export async function courseFormChoices(exceptCourseId?: number) {
  const [levels, framework, courses] = await Promise.all([
    db.level.findMany({ orderBy: { rank: "asc" }, select: { id: true, rank: true, code: true, nameZh: true, nameEn: true } }),
    db.competencyFramework.findFirst({
      where: { status: "active" },
      orderBy: { version: "desc" },
      select: {
        version: true,
        competencies: {
          orderBy: [{ sortOrder: "asc" }, { id: "asc" }],
          select: { id: true, code: true, nameZh: true, nameEn: true },
        },
      },
    }),
    db.course.findMany({
      where: exceptCourseId ? { id: { not: exceptCourseId } } : {},
      orderBy: [{ level: { rank: "asc" } }, { code: "asc" }],
      select: { id: true, code: true, titleZh: true, titleEn: true, archivedAt: true, levelId: true },
    }),
  ]);
  return {
    levels,
    frameworkVersion: framework?.version ?? null,
    competencies: framework?.competencies ?? [],
    courses: courses.map(({ archivedAt, ...c }) => ({ ...c, archived: archivedAt !== null })),
  };
}

export async function levelChoices() {
  return db.level.findMany({ orderBy: { rank: "asc" }, select: { id: true, rank: true, code: true, nameZh: true, nameEn: true } });
}

/** One course for its management page: the snapshot plus what the page says about it. */
export async function loadCourseForEdit(courseId: number) {
  const snapshot = await courseSnapshot(db, courseId);
  if (!snapshot) return null;
  const [course, framework] = await Promise.all([
    db.course.findUniqueOrThrow({
      where: { id: courseId },
      select: {
        archivedAt: true,
        createdAt: true,
        updatedAt: true,
        _count: { select: { offerings: true } },
        competencies: {
          select: {
            weight: true,
            competency: {
              select: { id: true, code: true, nameZh: true, nameEn: true, framework: { select: { id: true, version: true } } },
            },
          },
        },
      },
    }),
    activeFramework(db),
  ]);
  // Weights still on a retired framework version: a publish found none of their codes.
  const retiredWeights = course.competencies
    .filter((c) => c.competency.framework.id !== framework?.id)
    .map((c) => ({
      code: c.competency.code,
      nameZh: c.competency.nameZh,
      nameEn: c.competency.nameEn,
      frameworkVersion: c.competency.framework.version,
      weight: c.weight,
    }));
  return {
    ...snapshot,
    id: courseId,
    archivedAt: course.archivedAt,
    createdAt: course.createdAt,
    updatedAt: course.updatedAt,
    classes: course._count.offerings,
    retiredWeights,
  };
}

// ---------------------------------------------------------------- checks shared by create and edit

type CheckedRefs = {
  level: { id: number; code: string };
  competencyCodes: Map<number, string>;
  prerequisites: { id: number; code: string }[];
};

/**
 * The level exists; every weighted competency belongs to the active framework; every
 * prerequisite is another existing course and none of them (directly or through others)
 * requires this course.
 */
async function checkReferences(tx: DbTx, courseId: number | null, input: CourseFields): Promise<CheckedRefs> {
  const level = await tx.level.findUnique({ where: { id: input.levelId }, select: { id: true, code: true } });
  if (!level) throw new CatalogueAdminError("manage.errors.levelNotFound", "levelId");

  const framework = await activeFramework(tx);
  const competencies = framework
    ? await tx.competency.findMany({
        where: { frameworkId: framework.id, id: { in: input.weights.map((w) => w.competencyId) } },
        select: { id: true, code: true },
      })
    : [];
  if (competencies.length !== input.weights.length) throw new CatalogueAdminError("manage.errors.competencyNotActive", "weights");

  const ids = input.prerequisiteIds;
  if (courseId !== null && ids.includes(courseId)) throw new CatalogueAdminError("manage.errors.prerequisiteSelf", "prerequisiteIds");
  const prerequisites = ids.length
    ? await tx.course.findMany({ where: { id: { in: ids } }, select: { id: true, code: true }, orderBy: { code: "asc" } })
    : [];
  if (prerequisites.length !== ids.length) throw new CatalogueAdminError("manage.errors.prerequisiteNotFound", "prerequisiteIds");
  if (courseId !== null && ids.length > 0) {
    // The whole prerequisite graph is small (a district has tens to hundreds of courses).
    const edges = await tx.coursePrerequisite.findMany({ select: { courseId: true, requiredCourseId: true } });
    const cycle = findPrerequisiteCycle(courseId, ids, edges);
    if (cycle) {
      const codes = await tx.course.findMany({ where: { id: { in: cycle } }, select: { id: true, code: true } });
      const codeOf = new Map(codes.map((c) => [c.id, c.code]));
      throw new CatalogueAdminError("manage.errors.prerequisiteCycle", "prerequisiteIds", {
        path: cycle.map((id) => codeOf.get(id) ?? String(id)).join(" → "),
      });
    }
  }
  return { level, competencyCodes: new Map(competencies.map((c) => [c.id, c.code])), prerequisites };
}

function contentOf(input: CourseFields) {
  return {
    titleZh: input.titleZh,
    titleEn: input.titleEn,
    summaryZh: input.summaryZh,
    summaryEn: input.summaryEn,
    levelId: input.levelId,
    mode: input.mode,
    durationMinutes: input.durationMinutes,
    creditPoints: input.creditPoints,
    hasAssessment: input.hasAssessment,
  };
}

// ---------------------------------------------------------------- writing

/** Creates a course. A taken code, even one taken a moment ago by a double submit, is a field error. */
export async function createCourse(actorId: number, input: CreateCourseInput) {
  try {
    return await db.$transaction(async (tx) => {
      if (await tx.course.findUnique({ where: { code: input.code }, select: { id: true } })) {
        throw new CatalogueAdminError("manage.errors.codeTaken", "code");
      }
      await checkReferences(tx, null, input);
      const created = await tx.course.create({
        data: {
          code: input.code,
          ...contentOf(input),
          competencies: { create: input.weights.map((w) => ({ competencyId: w.competencyId, weight: w.weight })) },
          prerequisites: { create: input.prerequisiteIds.map((requiredCourseId) => ({ requiredCourseId })) },
        },
        select: { id: true, code: true },
      });
      await recordAudit(tx, {
        actorId,
        action: "course.created",
        entityType: "Course",
        entityId: created.id,
        after: await courseSnapshot(tx, created.id),
        reason: input.reason ?? null,
      });
      return created;
    }, CATALOGUE_TX_OPTIONS);
  } catch (error) {
    if (isUniqueViolation(error)) throw new CatalogueAdminError("manage.errors.codeTaken", "code");
    throw error;
  }
}

async function requireSnapshot(tx: DbTx, courseId: number) {
  const snapshot = await courseSnapshot(tx, courseId);
  if (!snapshot) throw new CatalogueAdminError("manage.errors.courseNotFound");
  return snapshot;
}

/**
 * Saves an edit made on version `input.version`. Nothing is written when nothing changed;
 * otherwise the version goes up by one and the history gets one entry.
 */
export async function updateCourse(actorId: number, courseId: number, input: UpdateCourseInput) {
  return db.$transaction(async (tx) => {
    const before = await requireSnapshot(tx, courseId);
    if (before.version !== input.version) throw new CatalogueAdminError("manage.errors.stale", undefined, { version: before.version });
    const refs = await checkReferences(tx, courseId, input);
    const next: CourseSnapshot = {
      ...before,
      ...contentOf(input),
      levelCode: refs.level.code,
      weights: [...input.weights]
        .sort((a, b) => a.competencyId - b.competencyId)
        .map((w) => ({ competencyId: w.competencyId, code: refs.competencyCodes.get(w.competencyId)!, weight: w.weight })),
      prerequisites: refs.prerequisites,
    };
    const changes = diffCourseSnapshots(before, next);
    if (changes.length === 0) return { changed: false, version: before.version };
    // A course whose classes run camps keeps the camp mode (app/camps/camp-setup.server.ts).
    if (before.mode === CAMP_MODE && input.mode !== CAMP_MODE) {
      const count = await campsOfCourse(tx, courseId);
      if (count > 0) throw new CatalogueAdminError("campSetup.errors.courseModeLocked", "mode", { count });
    }

    const { count } = await tx.course.updateMany({
      where: { id: courseId, version: input.version },
      data: { ...contentOf(input), version: { increment: 1 } },
    });
    if (count === 0) throw new CatalogueAdminError("manage.errors.stale", undefined, { version: before.version + 1 });
    if (changes.some((c) => c.field === "weights")) {
      await tx.courseCompetency.deleteMany({ where: { courseId } });
      await tx.courseCompetency.createMany({ data: input.weights.map((w) => ({ courseId, competencyId: w.competencyId, weight: w.weight })) });
    }
    if (changes.some((c) => c.field === "prerequisites")) {
      await tx.coursePrerequisite.deleteMany({ where: { courseId } });
      if (input.prerequisiteIds.length > 0) {
        await tx.coursePrerequisite.createMany({ data: input.prerequisiteIds.map((requiredCourseId) => ({ courseId, requiredCourseId })) });
      }
    }
    const after = await requireSnapshot(tx, courseId);
    await recordAudit(tx, {
      actorId,
      action: "course.updated",
      entityType: "Course",
      entityId: courseId,
      before,
      after,
      reason: input.reason ?? null,
    });
    return { changed: true, version: after.version };
  }, CATALOGUE_TX_OPTIONS);
}

/**
 * Archiving hides a course from the catalogue (searchCatalogue and loadCoursePage skip
 * archived courses) and from new enrolments through it; its classes, enrolments and credits
 * are left exactly as they are. Archiving needs a reason; unarchiving may have one.
 */
export async function setCourseArchived(actorId: number, courseId: number, archived: boolean, reason: string | null) {
  if (archived && !reason) throw new CatalogueAdminError("errors.required", "reason");
  return db.$transaction(async (tx) => {
    const before = await requireSnapshot(tx, courseId);
    if (before.archived === archived) return { changed: false, code: before.code };
    const { count } = await tx.course.updateMany({
      where: { id: courseId, archivedAt: archived ? null : { not: null } },
      data: { archivedAt: archived ? new Date() : null, version: { increment: 1 } },
    });
    if (count === 0) return { changed: false, code: before.code };
    await recordAudit(tx, {
      actorId,
      action: archived ? "course.archived" : "course.unarchived",
      entityType: "Course",
      entityId: courseId,
      before,
      after: await requireSnapshot(tx, courseId),
      reason,
    });
    return { changed: true, code: before.code };
  }, CATALOGUE_TX_OPTIONS);
}

// ---------------------------------------------------------------- history

export const HISTORY_LIMIT = 200;

export type CourseHistoryEvent = {
  id: number;
  action: string;
  createdAt: Date;
  actor: { displayName: string; username: string } | null;
  reason: string | null;
  versionBefore: number | null;
  versionAfter: number | null;
  changes: CourseChange[];
  /** The snapshot could not be read (written by a version of the app with another shape). */
  unreadable: boolean;
};

/**
 * The course's AuditEvents, newest first, each with its field-by-field changes, and the
 * names of the levels and competencies they mention (in both languages: the page picks).
 */
export async function courseHistory(courseId: number) {
  const rows = await db.auditEvent.findMany({
    where: { entityType: "Course", entityId: String(courseId) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: HISTORY_LIMIT,
    select: {
      id: true,
      action: true,
      createdAt: true,
      reason: true,
      before: true,
      after: true,
      actor: { select: { displayName: true, username: true } },
    },
  });
  const levelIds = new Set<number>();
  const competencyIds = new Set<number>();
  const events: CourseHistoryEvent[] = rows.map((row) => {
    const before = readCourseSnapshot(row.before);
    const after = readCourseSnapshot(row.after);
    const changes = after ? diffCourseSnapshots(before, after) : [];
    for (const change of changes) {
      if (change.field === "level") {
        levelIds.add(change.after.id);
        if (change.before) levelIds.add(change.before.id);
      }
      if (change.field === "weights") for (const w of change.changes) competencyIds.add(w.competencyId);
    }
    return {
      id: row.id,
      action: row.action,
      createdAt: row.createdAt,
      actor: row.actor,
      reason: row.reason,
      versionBefore: before?.version ?? null,
      versionAfter: after?.version ?? null,
      changes,
      unreadable: !after && row.after !== null,
    };
  });
  const [levels, competencies] = await Promise.all([
    levelIds.size
      ? db.level.findMany({ where: { id: { in: [...levelIds] } }, select: { id: true, code: true, nameZh: true, nameEn: true } })
      : Promise.resolve([]),
    competencyIds.size
      ? db.competency.findMany({
          where: { id: { in: [...competencyIds] } },
          select: { id: true, code: true, nameZh: true, nameEn: true, framework: { select: { version: true } } },
        })
      : Promise.resolve([]),
  ]);
  return {
    events,
    levels: Object.fromEntries(levels.map(({ id, ...level }) => [id, level])),
    competencies: Object.fromEntries(
      competencies.map(({ id, framework, ...c }) => [id, { ...c, frameworkVersion: framework.version }]),
    ),
  };
}
