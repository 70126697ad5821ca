// The catalogue-management home: counts and the latest changes to the framework, the levels
// and the courses (from the audit log, newest first).
import { z } from "zod";
import { db } from "~/utils/db.server";

export const CATALOGUE_ENTITY_TYPES = ["Course", "Level", "Competency", "CompetencyFramework"] as const;
export const RECENT_CHANGES = 10;

/** Enough of any of our snapshots to name what changed: a code, or a framework version. */
const SubjectSchema = z.object({
  code: z.string().optional(),
  version: z.number().optional(),
  frameworkVersion: z.number().optional(),
  activeVersion: z.number().optional(),
});

function subjectOf(text: string | null) {
  if (!text) return null;
  try {
    const parsed = SubjectSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export async function manageOverview() {
  const [activeCourses, archivedCourses, levels, active, draft, recent] = await Promise.all([
    db.course.count({ where: { archivedAt: null } }),
    db.course.count({ where: { archivedAt: { not: null } } }),
    db.level.count(),
    db.competencyFramework.findFirst({
      where: { status: "active" },
      orderBy: { version: "desc" },
      select: { version: true, nameZh: true, nameEn: true, publishedAt: true, _count: { select: { competencies: true } } },
    }),
    db.competencyFramework.findFirst({ where: { status: "draft" }, select: { version: true } }),
    db.auditEvent.findMany({
      // A publish re-points many courses at once; its own entry stands for them here (each
      // course's page still shows its part).
      where: { entityType: { in: [...CATALOGUE_ENTITY_TYPES] }, action: { not: "course.competencies_remapped" } },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: RECENT_CHANGES,
      select: {
        id: true,
        action: true,
        entityType: true,
        entityId: true,
        createdAt: true,
        before: true,
        after: true,
        actor: { select: { displayName: true } },
      },
    }),
  ]);
  return {
    courses: { active: activeCourses, archived: archivedCourses },
    levels,
    framework: active
      ? { version: active.version, nameZh: active.nameZh, nameEn: active.nameEn, publishedAt: active.publishedAt, competencies: active._count.competencies }
      : null,
    draftVersion: draft?.version ?? null,
    recent: recent.map(({ before, after, ...event }) => {
      const subject = subjectOf(after) ?? subjectOf(before);
      const version = subject?.version ?? subject?.activeVersion ?? subject?.frameworkVersion ?? null;
      return {
        ...event,
        code: subject?.code ?? null,
        frameworkVersion: event.entityType === "Course" || event.entityType === "Level" ? null : version,
        courseId: event.entityType === "Course" ? Number(event.entityId) : null,
      };
    }),
  };
}
