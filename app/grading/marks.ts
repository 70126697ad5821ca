// The arithmetic of grading, pure and client-safe (the grading screen shows the same running
// total the server stores). Every number is an integer:
// - a level's points are a percentage of its criterion (0–100);
// - a criterion's weight is a percentage of the rubric (weights add up to 100);
// - a marker's total is Σ weight × levelPoints, so it runs from 0 to 10,000, which reads as
//   centipoints of 100 (6000 = 60.00 points), the scale of Camp.passMark and Mark.total.
import { absenceWithinLimit, type CreditPolicyRules } from "~/credits/policy";

export const MAX_TOTAL = 10_000;

export type ScoredCriterion = { weight: number; points: number };

/** Σ weight × points; 0 for nothing scored. */
export function markerTotal(scores: ScoredCriterion[]): number {
  return scores.reduce((sum, s) => sum + s.weight * s.points, 0);
}

/** The integer mean, rounded half up (non-negative totals); null when there is nothing to average. */
export function meanRoundHalfUp(totals: number[]): number | null {
  if (totals.length === 0) return null;
  const sum = totals.reduce((a, b) => a + b, 0);
  const n = totals.length;
  // floor(sum / n + 1/2) without leaving the integers.
  return Math.floor((2 * sum + n) / (2 * n));
}

export type MarkerScores = {
  markerId: number;
  total: number;
  /** criterionId → the chosen level's rank within its criterion (0 = best, by sortOrder). */
  levelRanks: Record<number, number>;
};

export type Disagreement =
  | { kind: "total"; markerIds: [number, number]; difference: number }
  | { kind: "criterion"; criterionId: number; markerIds: [number, number]; levels: number };

/**
 * Every pair of submitted marks that needs moderation: totals more than thresholdPct % of the
 * maximum apart (strictly more: exactly at the threshold is fine), or one criterion two or more
 * levels apart.
 */
export function disagreements(marks: MarkerScores[], thresholdPct: number, maxTotal = MAX_TOTAL): Disagreement[] {
  const found: Disagreement[] = [];
  for (let i = 0; i < marks.length; i++) {
    for (let j = i + 1; j < marks.length; j++) {
      const a = marks[i];
      const b = marks[j];
      const difference = Math.abs(a.total - b.total);
      if (difference * 100 > thresholdPct * maxTotal) {
        found.push({ kind: "total", markerIds: [a.markerId, b.markerId], difference });
      }
      for (const key of Object.keys(a.levelRanks)) {
        const criterionId = Number(key);
        const other = b.levelRanks[criterionId];
        if (other === undefined) continue;
        const levels = Math.abs(a.levelRanks[criterionId] - other);
        if (levels >= 2) found.push({ kind: "criterion", criterionId, markerIds: [a.markerId, b.markerId], levels });
      }
    }
  }
  return found;
}

export type IndividualOutcome = {
  total: number;
  passed: boolean;
  /** Why not passed: absent too long (whatever the mark), or below the pass mark. */
  failure: "absence" | "belowPass" | null;
};

/**
 * A member's result: the team's final mark plus their participation adjustments (kept within
 * 0..maxTotal). More than the policy's absence fraction of the camp's session minutes missed
 * fails regardless of the mark; otherwise pass at or above the pass mark.
 */
export function individualOutcome(input: {
  teamTotal: number;
  adjustment: number;
  passMark: number;
  attendedMinutes: number;
  scheduledMinutes: number;
  rules: Pick<CreditPolicyRules, "maxAbsenceFraction">;
  maxTotal?: number;
}): IndividualOutcome {
  const max = input.maxTotal ?? MAX_TOTAL;
  const total = Math.min(max, Math.max(0, input.teamTotal + input.adjustment));
  const absentMinutes = Math.max(0, input.scheduledMinutes - input.attendedMinutes);
  if (!absenceWithinLimit(absentMinutes, input.scheduledMinutes, input.rules)) return { total, passed: false, failure: "absence" };
  if (total < input.passMark) return { total, passed: false, failure: "belowPass" };
  return { total, passed: true, failure: null };
}

/** Competency weights of a rubric, merged when two criteria assess the same competency. */
export function competencyWeights(criteria: { competencyId: number; weight: number }[]): { competencyId: number; weight: number }[] {
  const merged = new Map<number, number>();
  for (const c of criteria) merged.set(c.competencyId, (merged.get(c.competencyId) ?? 0) + c.weight);
  return [...merged].sort((a, b) => a[0] - b[0]).map(([competencyId, weight]) => ({ competencyId, weight }));
}

/** Where a staff member stands with their own mark of one project. */
export type OwnMarkStatus = "none" | "draft" | "submitted";

/**
 * Blind marking, the one rule every screen, PDF and export follows: may a staff member see the
 * other markers' marks of a project (their levels, points, comments, totals, the mean and the
 * disagreements, which all speak for them)? Yes when the camp does not mark blind, once the
 * project is released (the marks are locked and the team itself reads them), or once the viewer
 * has submitted their own mark. `moderating` is the lead's moderation view (release page, marks
 * exports): a lead who has not started marking the project moderates it rather than marks it and
 * sees the marks; a lead with a draft of their own is a marker like any other until they submit.
 */
export function canSeeOtherMarks(input: { blindMarking: boolean; released: boolean; own: OwnMarkStatus; moderating?: boolean }): boolean {
  if (!input.blindMarking || input.released || input.own === "submitted") return true;
  return input.moderating === true && input.own === "none";
}

/** The viewer's own mark status from a project's marks. */
export function ownMarkStatus(marks: readonly { markerId: number; status: string }[], viewerId: number): OwnMarkStatus {
  const mine = marks.find((m) => m.markerId === viewerId);
  return !mine ? "none" : mine.status === "submitted" ? "submitted" : "draft";
}
