// Pure rules behind publishing a framework version and editing prerequisites: how a course's
// competency weights follow the new version's codes, and how a prerequisite cycle is found.
// No database here, so the rules are unit-tested on their own (remap.test.ts).

export type Weight = { competencyId: number; weight: number };

/**
 * Scales whole-percent weights so they add up to exactly 100, keeping their proportions:
 * floors first, then the leftover points to the largest remainders (earlier entries win
 * ties). The same largest-remainder rule as splitByWeights in the credit ledger.
 */
export function rescaleTo100<T extends Weight>(weights: T[]): T[] {
  const total = weights.reduce((sum, w) => sum + w.weight, 0);
  if (weights.length === 0 || total <= 0) return weights;
  const parts = weights.map((w, index) => ({ index, floor: Math.floor((w.weight * 100) / total), remainder: (w.weight * 100) % total }));
  let left = 100 - parts.reduce((sum, p) => sum + p.floor, 0);
  for (const part of [...parts].sort((a, b) => b.remainder - a.remainder || a.index - b.index)) {
    if (left === 0) break;
    part.floor += 1;
    left -= 1;
  }
  return weights.map((w, i) => ({ ...w, weight: parts[i].floor }));
}

export type CourseWeightRow = { courseId: number; competencyId: number; code: string; weight: number };

export type RemapPlan = {
  courseId: number;
  /** The course's current rows (on an older framework version). */
  from: CourseWeightRow[];
  /** Its rows on the new version; empty when nothing matched (then the rows stay as they are). */
  to: Weight[];
  /** Codes the new version no longer has. */
  lostCodes: string[];
  /** True when every code was lost: the course keeps its old rows and needs new weights. */
  keptRetired: boolean;
};

/**
 * For each course whose weights point at competencies outside the new version: the rows
 * that carry over by code (to the new version's competency ids) and the codes that were
 * lost. When some codes were lost, the remaining weights are rescaled to add up to 100
 * again (a completion splits points in proportion to the weights anyway, so learners'
 * credits divide exactly as the ledger would have divided them). When every code was lost
 * the plan changes nothing: the course keeps pointing at the retired competencies, so
 * completions still award its points, and the publisher is told to give it new weights.
 */
export function planRemap(rows: CourseWeightRow[], newIdByCode: Map<string, number>): RemapPlan[] {
  const byCourse = new Map<number, CourseWeightRow[]>();
  for (const row of rows) {
    const list = byCourse.get(row.courseId) ?? [];
    list.push(row);
    byCourse.set(row.courseId, list);
  }
  const plans: RemapPlan[] = [];
  for (const [courseId, from] of [...byCourse].sort((a, b) => a[0] - b[0])) {
    const merged = new Map<number, number>();
    const lostCodes: string[] = [];
    for (const row of from) {
      const newId = newIdByCode.get(row.code);
      if (newId === undefined) {
        if (!lostCodes.includes(row.code)) lostCodes.push(row.code);
      } else {
        merged.set(newId, (merged.get(newId) ?? 0) + row.weight);
      }
    }
    const carried = [...merged].map(([competencyId, weight]) => ({ competencyId, weight })).filter((w) => w.weight > 0);
    const keptRetired = carried.length === 0;
    const to = keptRetired ? [] : lostCodes.length > 0 ? rescaleTo100(carried) : carried;
    plans.push({ courseId, from, to, lostCodes: lostCodes.sort(), keptRetired });
  }
  return plans;
}

/**
 * Whether making `courseId` require `requiredIds` closes a loop, given the other courses'
 * current prerequisites (`edges`: course → the courses it requires; the course's own current
 * edges are ignored, they are being replaced). Returns the loop as course ids, starting and
 * ending at `courseId` (A → B → A), or null.
 */
export function findPrerequisiteCycle(
  courseId: number,
  requiredIds: number[],
  edges: { courseId: number; requiredCourseId: number }[],
): number[] | null {
  if (requiredIds.includes(courseId)) return [courseId, courseId];
  const requires = new Map<number, number[]>();
  for (const edge of edges) {
    if (edge.courseId === courseId) continue;
    const list = requires.get(edge.courseId) ?? [];
    list.push(edge.requiredCourseId);
    requires.set(edge.courseId, list);
  }
  // Breadth-first from the new prerequisites; `via` remembers how each course was reached.
  const via = new Map<number, number>();
  const queue: number[] = [];
  for (const id of requiredIds) {
    if (!via.has(id)) {
      via.set(id, courseId);
      queue.push(id);
    }
  }
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const next of requires.get(current) ?? []) {
      if (next === courseId) {
        const path = [courseId, current];
        let step = via.get(current)!;
        while (step !== courseId) {
          path.splice(1, 0, step);
          step = via.get(step)!;
        }
        // path is courseId, …, current; close the loop.
        return [courseId, ...path.slice(1), courseId];
      }
      if (!via.has(next)) {
        via.set(next, current);
        queue.push(next);
      }
    }
  }
  return null;
}
