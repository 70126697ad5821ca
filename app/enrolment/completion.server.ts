// Completing a class, and the credits that follow from it.
//
// The rule (national cadre-training practice, as data in the year's credit policy): a
// trainee absent for more than maxAbsenceFraction (1/7 by default) of a class's scheduled
// minutes does not complete it. Attended minutes are the minutes of sessions marked
// "present" or "late" (late counts in full: the trainer judged them there).
//
// Decision: "excused" counts as ABSENT for this rule. An excuse explains an absence, it
// doesn't replace the hours; the national rule is about hours attended, and an excused
// absence beyond 1/7 still means the programme wasn't taken. A session without an
// attendance record is absent too. (Excuses still matter elsewhere, e.g. for conduct.)
//
// Assessment (Course.hasAssessment) is only shown (catalogue, course page, trainer's class page):
// no assessment result is stored for a class, so completion is attendance only. When results
// are recorded, `qualifies` gains a second condition. (Camps: the project grade decides the
// points at release, app/grading.)
//
// Credits: a completion writes one ledger entry through awardCredits, with sourceKey
// "completion:enrolment:<id>#<n>". If a later attendance correction means the learner no
// longer qualifies, that entry is reversed (never edited) and the status goes back to
// "not_completed"; qualifying again writes a new entry with the next <n>. Every step is
// idempotent, so recomputing twice, or on two instances at once, changes nothing more.
import { openCreditYearFrom } from "~/credits/years.server";
import { recordAudit } from "~/audit/audit.server";
import { awardCredits, policyForYear, reverseEntry, splitByWeights } from "~/credits/ledger.server";
import { absenceWithinLimit, type CreditPolicyRules } from "~/credits/policy";
import type { CreditCategory } from "~/credits/status";
import type { DbTx } from "~/utils/db.server";
import { ENROLMENT_ERRORS, EnrolmentError } from "./errors";
// Closing a class is the trainer's or HR's work, not a learner enrolling: it runs on the shared
// retry, so losing every attempt is TransactionBusyError (errors.busy, 503 on the class pages)
// rather than enrolment.errors.busy. recomputeCompletion runs inside its caller's transaction.
import { inTransaction } from "~/db/transaction.server";

/** Statuses that completion decides between. */
const DECIDED = ["enrolled", "completed", "not_completed"] as const;

export const ATTENDED_STATUSES = ["present", "late"] as const;

const MINUTE = 60_000;

export function sessionMinutes(session: { startsAt: Date; endsAt: Date }): number {
  return Math.max(0, Math.round((session.endsAt.getTime() - session.startsAt.getTime()) / MINUTE));
}

/**
 * attended ≥ (1 − maxAbsenceFraction) × scheduled, in integers (absenceWithinLimit cross-
 * multiplies). A class with no scheduled minutes can't be completed by attendance.
 */
export function qualifies(
  attendedMinutes: number,
  scheduledMinutes: number,
  rules: Pick<CreditPolicyRules, "maxAbsenceFraction">,
): boolean {
  if (scheduledMinutes <= 0) return false;
  return absenceWithinLimit(scheduledMinutes - attendedMinutes, scheduledMinutes, rules);
}

/**
 * The year a credit lands in: the class's credit year, or, once that year is closed, the
 * first later year that isn't (one rule for every award: docs/decisions/006).
 */
export function effectiveCreditYear(tx: DbTx, year: number): Promise<number> {
  return openCreditYearFrom(tx, year);
}

function categoryFor(mode: string): CreditCategory | null {
  if (mode === "in_person") return "in_person";
  if (mode === "online") return "online";
  // Camp points come from the released project grade (app/grading, sourceType
  // camp_release), not from attendance: completing a camp records the status only.
  return null;
}

export function completionSourceKey(enrolmentId: number, n: number) {
  return `completion:enrolment:${enrolmentId}#${n}`;
}

const REVERSAL_REASON = "出勤更正后未达结业要求 / attendance corrected: completion requirement no longer met";

export type CompletionOutcome = {
  enrolmentId: number;
  status: string;
  changed: boolean;
  attendedMinutes: number;
  scheduledMinutes: number;
  /** Set when this call wrote a completion entry. */
  awardedEntryId?: number;
  /** Set when this call reversed completion entries. */
  reversedEntryIds?: number[];
};

/**
 * Decides one enrolment's completion from its attendance and brings the ledger in line:
 * award once, reverse after a correction, award again (#n+1) if it qualifies again. Only
 * for enrolments of a closed (completed) class, or already completed / not completed ones;
 * anything else is returned unchanged. Run after every attendance correction.
 */
export async function recomputeCompletion(
  tx: DbTx,
  enrolmentId: number,
  options: { actorId?: number | null; now?: Date } = {},
): Promise<CompletionOutcome> {
  const now = options.now ?? new Date();
  // Take the row lock first, so two recomputations of one enrolment run one after the other.
  const { count } = await tx.enrolment.updateMany({ where: { id: enrolmentId }, data: { updatedAt: now } });
  if (count === 0) throw new EnrolmentError(ENROLMENT_ERRORS.enrolmentNotFound, { enrolmentId });
  const enrolment = await tx.enrolment.findUniqueOrThrow({
    where: { id: enrolmentId },
    select: {
      id: true,
      status: true,
      personId: true,
      offering: {
        select: {
          id: true,
          code: true,
          status: true,
          creditYear: true,
          sessions: { select: { id: true, startsAt: true, endsAt: true } },
          course: {
            select: {
              code: true,
              mode: true,
              creditPoints: true,
              competencies: { select: { competencyId: true, weight: true }, orderBy: { competencyId: "asc" } },
            },
          },
        },
      },
    },
  });
  const { offering } = enrolment;
  const unchanged = { enrolmentId, status: enrolment.status, changed: false, attendedMinutes: 0, scheduledMinutes: 0 };
  if (!(DECIDED as readonly string[]).includes(enrolment.status)) return unchanged;
  if (enrolment.status === "enrolled" && offering.status !== "closed") return unchanged;

  const sessionIds = offering.sessions.map((s) => s.id);
  const attendance = await tx.attendance.findMany({
    where: { personId: enrolment.personId, sessionId: { in: sessionIds } },
    select: { sessionId: true, status: true },
  });
  const attendedSessions = new Set(
    attendance.filter((a) => (ATTENDED_STATUSES as readonly string[]).includes(a.status)).map((a) => a.sessionId),
  );
  let scheduledMinutes = 0;
  let attendedMinutes = 0;
  for (const session of offering.sessions) {
    const minutes = sessionMinutes(session);
    scheduledMinutes += minutes;
    if (attendedSessions.has(session.id)) attendedMinutes += minutes;
  }
  // The class ran under its own year's rules, wherever its credit ends up.
  const { rules } = await policyForYear(tx, offering.creditYear);
  const ok = qualifies(attendedMinutes, scheduledMinutes, rules);

  const prefix = `completion:enrolment:${enrolmentId}#`;
  const entries = await tx.ledgerEntry.findMany({
    where: { personId: enrolment.personId, sourceKey: { startsWith: prefix } },
    select: { id: true, sourceKey: true, reversedBy: { select: { id: true } } },
  });
  const standing = entries.filter((e) => !e.reversedBy);
  const lastN = entries.reduce((max, e) => Math.max(max, Number(e.sourceKey.slice(prefix.length)) || 0), 0);

  const outcome: CompletionOutcome = { enrolmentId, status: ok ? "completed" : "not_completed", changed: false, attendedMinutes, scheduledMinutes };
  const createdById = options.actorId ?? null;

  if (ok) {
    const category = categoryFor(offering.course.mode);
    const amount = offering.course.creditPoints;
    if (standing.length === 0 && category && amount > 0) {
      const weights = offering.course.competencies;
      if (weights.length === 0) {
        throw new EnrolmentError(ENROLMENT_ERRORS.courseHasNoCompetencies, { courseCode: offering.course.code });
      }
      const award = await awardCredits(tx, {
        personId: enrolment.personId,
        creditYear: await effectiveCreditYear(tx, offering.creditYear),
        amount,
        category,
        sourceType: "completion",
        sourceKey: completionSourceKey(enrolmentId, lastN + 1),
        competencies: splitByWeights(amount, weights),
        offeringId: offering.id,
        note: offering.code,
        createdById,
      });
      if (award.created) outcome.awardedEntryId = award.entry.id;
    }
  } else if (standing.length > 0) {
    outcome.reversedEntryIds = [];
    for (const entry of standing) {
      const reversal = await reverseEntry(tx, { entryId: entry.id, reason: REVERSAL_REASON, createdById });
      if (reversal.created) outcome.reversedEntryIds.push(entry.id);
    }
  }

  if (enrolment.status !== outcome.status) {
    await tx.enrolment.update({
      where: { id: enrolmentId },
      data: { status: outcome.status, completedAt: ok ? now : null },
      select: { id: true },
    });
    outcome.changed = true;
    if (enrolment.status !== "enrolled") {
      // A correction that turns a result around is worth a line in the audit log.
      await recordAudit(tx, {
        actorId: createdById,
        action: ok ? "enrolment.completion_restored" : "enrolment.completion_revoked",
        entityType: "Enrolment",
        entityId: enrolmentId,
        personId: enrolment.personId,
        before: { status: enrolment.status },
        after: {
          status: outcome.status,
          attendedMinutes,
          scheduledMinutes,
          awardedEntryId: outcome.awardedEntryId ?? null,
          reversedEntryIds: outcome.reversedEntryIds ?? [],
        },
      });
    }
  }
  return outcome;
}

export type CompleteOfferingResult = {
  offeringId: number;
  completed: number;
  notCompleted: number;
  outcomes: CompletionOutcome[];
};

/**
 * Ends a class: marks the offering "closed" (audited) and decides every enrolled learner's
 * completion. Each learner is decided in a transaction of its own (short transactions, see
 * ADR 003); running it again resumes or repeats without writing anything twice. Waiting and
 * pending requests are left as they are.
 *
 * Throws EnrolmentError: offeringNotFound, offeringCancelled, offeringNotPublished (draft),
 * offeringNotEnded {endsAt}, courseHasNoCompetencies {courseCode}. TransactionBusyError when
 * every attempt of a step lost a race.
 */
export async function completeOffering(input: { offeringId: number; actorId: number; now?: Date }): Promise<CompleteOfferingResult> {
  const now = input.now ?? new Date();
  const enrolmentIds = await inTransaction(async (tx) => {
    const offering = await tx.offering.findUnique({
      where: { id: input.offeringId },
      select: { id: true, code: true, status: true, endsAt: true },
    });
    if (!offering) throw new EnrolmentError(ENROLMENT_ERRORS.offeringNotFound, { offeringId: input.offeringId });
    if (offering.status === "cancelled") throw new EnrolmentError(ENROLMENT_ERRORS.offeringCancelled, { offeringCode: offering.code });
    if (offering.status === "draft") throw new EnrolmentError(ENROLMENT_ERRORS.offeringNotPublished, { offeringCode: offering.code });
    if (now < offering.endsAt) throw new EnrolmentError(ENROLMENT_ERRORS.offeringNotEnded, { endsAt: offering.endsAt.toISOString() });
    if (offering.status !== "closed") {
      await tx.offering.update({ where: { id: offering.id }, data: { status: "closed" }, select: { id: true } });
      await recordAudit(tx, {
        actorId: input.actorId,
        action: "offering.completed",
        entityType: "Offering",
        entityId: offering.id,
        before: { status: offering.status },
        after: { status: "closed" },
      });
    }
    const rows = await tx.enrolment.findMany({
      where: { offeringId: offering.id, status: { in: [...DECIDED] } },
      select: { id: true },
      orderBy: { id: "asc" },
    });
    return rows.map((r) => r.id);
  });

  const outcomes: CompletionOutcome[] = [];
  for (const id of enrolmentIds) {
    outcomes.push(await inTransaction((tx) => recomputeCompletion(tx, id, { actorId: input.actorId, now })));
  }
  return {
    offeringId: input.offeringId,
    completed: outcomes.filter((o) => o.status === "completed").length,
    notCompleted: outcomes.filter((o) => o.status === "not_completed").length,
    outcomes,
  };
}
