// A course's history: the before/after snapshots its AuditEvents carry (entityType "Course"),
// read back with zod (ADR 004: stored JSON is validated when read) and compared field by
// field. Client-safe, so the page formats the changes in the reader's language.
import { z } from "zod";

export const CourseSnapshotSchema = z.object({
  code: z.string(),
  titleZh: z.string(),
  titleEn: z.string(),
  summaryZh: z.string(),
  summaryEn: z.string(),
  levelId: z.number(),
  levelCode: z.string(),
  mode: z.string(),
  durationMinutes: z.number(),
  creditPoints: z.number(),
  hasAssessment: z.boolean(),
  archived: z.boolean(),
  version: z.number(),
  /** Sorted by competency id; the code keeps the row readable after a framework change. */
  weights: z.array(z.object({ competencyId: z.number(), code: z.string(), weight: z.number() })),
  /** Sorted by code. Codes never change, so they read the same in either language. */
  prerequisites: z.array(z.object({ id: z.number(), code: z.string() })),
});

export type CourseSnapshot = z.infer<typeof CourseSnapshotSchema>;

/** The stored text back as a snapshot; null for no value or a value this version can't read. */
export function readCourseSnapshot(text: string | null): CourseSnapshot | null {
  if (!text) return null;
  try {
    const parsed = CourseSnapshotSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The fields the history shows, in the order the form shows them. */
export const COURSE_HISTORY_FIELDS = [
  "code",
  "titleZh",
  "titleEn",
  "summaryZh",
  "summaryEn",
  "level",
  "mode",
  "durationMinutes",
  "creditPoints",
  "hasAssessment",
  "weights",
  "prerequisites",
  "archived",
] as const;
export type CourseHistoryField = (typeof COURSE_HISTORY_FIELDS)[number];

export type WeightChange = {
  competencyId: number;
  code: string;
  before: number | null;
  after: number | null;
  /** Set when the weight moved from another framework version's competency with this code. */
  fromCompetencyId?: number;
};

export type CourseChange =
  | { field: "code" | "titleZh" | "titleEn" | "summaryZh" | "summaryEn" | "mode"; before: string | null; after: string }
  | { field: "level"; before: { id: number; code: string } | null; after: { id: number; code: string } }
  | { field: "durationMinutes" | "creditPoints"; before: number | null; after: number }
  | { field: "hasAssessment" | "archived"; before: boolean | null; after: boolean }
  | { field: "weights"; changes: WeightChange[] }
  | { field: "prerequisites"; added: string[]; removed: string[] };

/**
 * What changed from `before` to `after`, field by field. With no `before` (a creation) every
 * field that has a value is listed as set. Weights compare by competency id, except that a
 * weight that left one competency and arrived at another with the same code (a framework
 * version published) is one change that says where it came from.
 */
export function diffCourseSnapshots(before: CourseSnapshot | null, after: CourseSnapshot): CourseChange[] {
  const changes: CourseChange[] = [];
  for (const field of ["code", "titleZh", "titleEn", "summaryZh", "summaryEn"] as const) {
    if (!before ? after[field] !== "" : before[field] !== after[field]) {
      changes.push({ field, before: before ? before[field] : null, after: after[field] });
    }
  }
  if (!before || before.levelId !== after.levelId) {
    changes.push({
      field: "level",
      before: before ? { id: before.levelId, code: before.levelCode } : null,
      after: { id: after.levelId, code: after.levelCode },
    });
  }
  if (!before || before.mode !== after.mode) changes.push({ field: "mode", before: before?.mode ?? null, after: after.mode });
  for (const field of ["durationMinutes", "creditPoints"] as const) {
    if (!before || before[field] !== after[field]) changes.push({ field, before: before ? before[field] : null, after: after[field] });
  }
  if (!before || before.hasAssessment !== after.hasAssessment) {
    changes.push({ field: "hasAssessment", before: before?.hasAssessment ?? null, after: after.hasAssessment });
  }

  const beforeWeights = new Map((before?.weights ?? []).map((w) => [w.competencyId, w]));
  const afterWeights = new Map(after.weights.map((w) => [w.competencyId, w]));
  const weightChanges: WeightChange[] = [];
  for (const id of [...new Set([...beforeWeights.keys(), ...afterWeights.keys()])].sort((a, b) => a - b)) {
    const b = beforeWeights.get(id);
    const a = afterWeights.get(id);
    if (b?.weight !== a?.weight) {
      weightChanges.push({ competencyId: id, code: (a ?? b)!.code, before: b?.weight ?? null, after: a?.weight ?? null });
    }
  }
  // A framework publish re-points a weight to the new version's competency with the same
  // code: one change (moved, maybe rescaled) rather than one removed and one added.
  const merged: WeightChange[] = [];
  for (const change of weightChanges) {
    if (change.before === null) {
      const gone = weightChanges.find((c) => c.after === null && c.code === change.code);
      if (gone) {
        merged.push({ ...change, before: gone.before, fromCompetencyId: gone.competencyId });
        continue;
      }
    } else if (change.after === null && weightChanges.some((c) => c.before === null && c.code === change.code)) {
      continue;
    }
    merged.push(change);
  }
  if (merged.length > 0) changes.push({ field: "weights", changes: merged });

  const beforeCodes = new Set((before?.prerequisites ?? []).map((p) => p.code));
  const afterCodes = new Set(after.prerequisites.map((p) => p.code));
  const added = [...afterCodes].filter((c) => !beforeCodes.has(c)).sort();
  const removed = [...beforeCodes].filter((c) => !afterCodes.has(c)).sort();
  if (added.length > 0 || removed.length > 0) changes.push({ field: "prerequisites", added, removed });

  if (before ? before.archived !== after.archived : after.archived) {
    changes.push({ field: "archived", before: before?.archived ?? null, after: after.archived });
  }
  return changes;
}

/** Whether two snapshots describe the same course content (the version counter aside). */
export function sameCourseContent(a: CourseSnapshot, b: CourseSnapshot): boolean {
  return diffCourseSnapshots(a, b).length === 0;
}
