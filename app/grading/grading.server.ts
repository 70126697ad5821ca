// Grading a camp's projects: markers' marks, moderation, individual outcomes, release and the
// credits that follow.
//
// Decisions:
// - Each marker writes only their own Mark row (unique per project and marker) and its
//   MarkScores. Nothing shared is read-modified-written while marking: the mean and the
//   moderation flags are computed when read, from the submitted marks. FinalMark is written
//   only by the lead mentor (moderation, release), so two markers saving at the same moment
//   never lose each other's work.
// - A draft may be partial; its total is stored only once every criterion has a level. A
//   submitted mark can be changed only by submitting it again (the change is in the history).
// - Once a project's mark is released its marks are locked; the lead un-releases it first
//   (credits reversed, never edited), and a re-release awards under the next #n.
// - Credits: one entry per passing member per camp (sourceKey camp:<campId>:person:<id>#<n>),
//   the camp course's creditPoints, split over the rubric's competencies by criterion weight;
//   with several briefs it stands while any released project still passes the member (ADR 008).
import { recordAudit } from "~/audit/audit.server";
import { awardCredits, policyForYear, reverseEntry, splitByWeights } from "~/credits/ledger.server";
import { ATTENDED_STATUSES, effectiveCreditYear, sessionMinutes } from "~/enrolment/completion.server";
// The shared retry: marking, moderation and release that lost every attempt are
// TransactionBusyError (errors.busy, 503 on the grading pages), not enrolment's wording.
import { inTransaction } from "~/db/transaction.server";
import { DEFAULT_LOCALE, type Locale, type MessageKey, type Translate } from "~/i18n/i18n";
import { notify } from "~/notifications/notifications.server";
import { db, dialect, type DbTx, type Prisma } from "~/utils/db.server";
import { GRADING_ERRORS, GradingError } from "./errors";
import { canSeeOtherMarks, competencyWeights, disagreements, individualOutcome, markerTotal, MAX_TOTAL, meanRoundHalfUp, ownMarkStatus, type Disagreement, type IndividualOutcome } from "./marks";
import type { RubricDocument } from "./rubric-format";
import { criterionTitle, levelLabel } from "./rubric-text";

export type CampRole = "lead" | "mentor" | "judge";

export async function campRole(client: DbTx, userId: number, campId: number): Promise<CampRole | null> {
  const row = await client.campStaff.findUnique({ where: { campId_userId: { campId, userId } }, select: { role: true } });
  return row && (row.role === "lead" || row.role === "mentor" || row.role === "judge") ? row.role : null;
}

// ---------------------------------------------------------------- rubric

const rubricSelect = {
  id: true,
  name: true,
  criteria: {
    orderBy: [{ sortOrder: "asc" }, { id: "asc" }],
    select: {
      id: true,
      title: true,
      titleEn: true,
      description: true,
      descriptionEn: true,
      weight: true,
      competencyId: true,
      competency: { select: { code: true, nameZh: true, nameEn: true } },
      levels: { orderBy: [{ sortOrder: "asc" }, { id: "asc" }], select: { id: true, label: true, labelEn: true, descriptor: true, descriptorEn: true, points: true } },
    },
  },
} satisfies Prisma.RubricSelect;

export type CampRubric = NonNullable<Awaited<ReturnType<typeof loadCampRubric>>>;

/** The camp's rubric in force: the newest non-template rubric tied to the camp. */
export async function loadCampRubric(client: DbTx, campId: number) {
  return client.rubric.findFirst({ where: { campId, isTemplate: false }, orderBy: { id: "desc" }, select: rubricSelect });
}

export async function rubricDocument(client: DbTx, rubricId: number): Promise<RubricDocument | null> {
  const rubric = await client.rubric.findUnique({ where: { id: rubricId }, select: rubricSelect });
  if (!rubric) return null;
  return {
    name: rubric.name,
    criteria: rubric.criteria.map((c) => ({
      title: c.title,
      titleEn: c.titleEn,
      description: c.description,
      descriptionEn: c.descriptionEn,
      competency: c.competency.code,
      weight: c.weight,
      levels: c.levels.map((l) => ({ label: l.label, labelEn: l.labelEn, descriptor: l.descriptor, descriptorEn: l.descriptorEn, points: l.points })),
    })),
  };
}

export async function listTemplates(client: DbTx) {
  return client.rubric.findMany({ where: { isTemplate: true }, orderBy: { id: "asc" }, select: { id: true, name: true } });
}

/** Once any mark exists the rubric is fixed: the marks point at its criteria and levels. */
export async function rubricLocked(client: DbTx, campId: number) {
  return campHasMarks(client, campId);
}

async function campHasMarks(client: DbTx, campId: number) {
  return (await client.mark.count({ where: { project: { team: { campId } } } })) > 0;
}

/**
 * Creates a rubric (criteria and levels) from a document. Competencies are matched by code in
 * the active framework; a code the active framework lacks keeps the competency the replaced
 * rubric used for it (`keep`: its competency ids), so re-saving a rubric written under an older
 * framework never moves a criterion to another version's row; else the newest framework that
 * has the code.
 */
async function createRubric(tx: DbTx, rubric: RubricDocument, place: { campId: number | null; isTemplate: boolean; name?: string }, keep: readonly number[] = []) {
  const kept = new Set(keep);
  const codes = [...new Set(rubric.criteria.map((c) => c.competency))];
  const competencies = await tx.competency.findMany({
    where: { code: { in: codes } },
    select: { id: true, code: true, framework: { select: { status: true, version: true } } },
  });
  const idByCode = new Map<string, { id: number; rank: number }>();
  for (const c of competencies) {
    const rank = (c.framework.status === "active" ? 2_000_000_000 : kept.has(c.id) ? 1_000_000_000 : 0) + c.framework.version;
    const known = idByCode.get(c.code);
    if (!known || rank > known.rank) idByCode.set(c.code, { id: c.id, rank });
  }
  const missing = codes.find((code) => !idByCode.has(code));
  if (missing) throw new GradingError(GRADING_ERRORS.unknownCompetency, { competency: missing });
  return tx.rubric.create({
    data: {
      name: place.name ?? rubric.name,
      campId: place.campId,
      isTemplate: place.isTemplate,
      criteria: {
        create: rubric.criteria.map((c, i) => ({
          title: c.title,
          titleEn: c.titleEn,
          description: c.description,
          descriptionEn: c.descriptionEn,
          competencyId: idByCode.get(c.competency)!.id,
          weight: c.weight,
          sortOrder: i + 1,
          levels: {
            create: c.levels.map((l, j) => ({ label: l.label, labelEn: l.labelEn, descriptor: l.descriptor, descriptorEn: l.descriptorEn, points: l.points, sortOrder: j + 1 })),
          },
        })),
      },
    },
    select: { id: true },
  });
}

/**
 * Takes the camp's row lock on PostgreSQL: FOR UPDATE by a rubric change, FOR SHARE by a
 * marker's save. Markers still save side by side, but a rubric replacement cannot slip in
 * between a marker reading the criteria and writing a mark that points at them (then the
 * rubric would change under an existing mark). SQLite has one connection (ADR 003).
 */
async function lockCamp(tx: DbTx, campId: number, mode: "update" | "share") {
  if (dialect() !== "postgresql") return;
  if (mode === "update") await tx.$queryRaw`SELECT "id" FROM "Camp" WHERE "id" = ${campId} FOR UPDATE`;
  else await tx.$queryRaw`SELECT "id" FROM "Camp" WHERE "id" = ${campId} FOR SHARE`;
}

/**
 * Puts a new rubric in force for the camp (the old one is detached, not deleted). Refused once
 * any mark exists: the criteria are what the marks point at.
 */
export async function replaceCampRubric(input: { campId: number; actorId: number; rubric: RubricDocument; source: string }) {
  return inTransaction(async (tx) => {
    await lockCamp(tx, input.campId, "update");
    if (await campHasMarks(tx, input.campId)) throw new GradingError(GRADING_ERRORS.rubricLocked);
    const previous = await loadCampRubric(tx, input.campId);
    if (previous) await tx.rubric.update({ where: { id: previous.id }, data: { campId: null }, select: { id: true } });
    const created = await createRubric(tx, input.rubric, { campId: input.campId, isTemplate: false }, previous?.criteria.map((c) => c.competencyId));
    await recordAudit(tx, {
      actorId: input.actorId,
      action: "camp.rubric_replaced",
      entityType: "Camp",
      entityId: input.campId,
      before: previous ? { rubricId: previous.id, rubric: await rubricDocument(tx, previous.id) } : null,
      after: { rubricId: created.id, source: input.source, rubric: input.rubric },
    });
    return created;
  });
}

/**
 * Keeps a copy of the camp's rubric as a template for other camps (lead only; allowed after
 * marking has started, since the camp's own rubric is untouched). Audited.
 */
export async function saveRubricAsTemplate(input: { campId: number; actorId: number; name: string }) {
  const name = input.name.trim();
  return inTransaction(async (tx) => {
    await requireLead(tx, input.actorId, input.campId);
    const current = await loadCampRubric(tx, input.campId);
    if (!current) throw new GradingError(GRADING_ERRORS.noRubric);
    const document = (await rubricDocument(tx, current.id))!;
    const created = await createRubric(tx, document, { campId: null, isTemplate: true, name: name || document.name }, current.criteria.map((c) => c.competencyId));
    await recordAudit(tx, {
      actorId: input.actorId,
      action: "rubric.template_saved",
      entityType: "Rubric",
      entityId: created.id,
      after: { fromRubricId: current.id, campId: input.campId, name: name || document.name },
    });
    return created;
  });
}

export async function copyTemplateRubric(input: { campId: number; actorId: number; templateId: number }) {
  const template = await db.rubric.findFirst({ where: { id: input.templateId, isTemplate: true }, select: { id: true } });
  if (!template) throw new GradingError(GRADING_ERRORS.templateNotFound);
  const document = await rubricDocument(db, template.id);
  return replaceCampRubric({ campId: input.campId, actorId: input.actorId, rubric: document!, source: `template:${template.id}` });
}

// ---------------------------------------------------------------- marking

async function projectCamp(client: DbTx, projectId: number) {
  const project = await client.project.findUnique({
    where: { id: projectId },
    select: {
      id: true,
      title: true,
      teamId: true,
      team: { select: { name: true, campId: true, camp: { select: { id: true, blindMarking: true, markersPerProject: true, moderationThresholdPct: true, passMark: true } } } },
      finalMark: { select: { releasedAt: true } },
    },
  });
  if (!project) throw new GradingError(GRADING_ERRORS.projectNotFound, { projectId });
  return project;
}

export type ScoreInput = { criterionId: number; levelId: number | null; comment: string };

type MarkSnapshot = { status: string; total: number | null; scores: { criterionId: number; levelId: number; comment: string }[] } | null;

/** A quiet save records at most one mark_saved event per marker and project in this window. */
export const QUIET_SAVE_EVENT_WINDOW_MS = 10 * 60_000;

/**
 * Saves (draft) or submits one marker's mark of one project. Refused, with nothing written,
 * when the marker isn't on the camp's staff, a level or criterion isn't the rubric's, a
 * submission leaves a criterion unmarked, or the project's mark is released.
 *
 * `quiet` is a draft saved for the marker rather than by them (the grading screen's autosave
 * every few seconds, and the save on following previous/next): it writes nothing when nothing
 * changed or nothing was entered on a project without a mark (an empty draft would lock the
 * rubric), and records a mark_saved event only when the marker's latest event on the project is
 * not a mark_saved less than QUIET_SAVE_EVENT_WINDOW_MS old — the history keeps the marker's
 * drafts, not every keystroke. The next recorded event's `before` is still the stored state.
 */
export async function saveMark(input: { projectId: number; markerId: number; scores: ScoreInput[]; submit: boolean; reason?: string | null; quiet?: boolean; now?: Date }) {
  const quiet = input.quiet === true && !input.submit;
  return inTransaction(async (tx) => {
    const project = await projectCamp(tx, input.projectId);
    const campId = project.team.campId;
    await lockCamp(tx, campId, "share");
    if (!(await campRole(tx, input.markerId, campId))) throw new GradingError(GRADING_ERRORS.notStaff);
    if (project.finalMark?.releasedAt) throw new GradingError(GRADING_ERRORS.released);
    const rubric = await loadCampRubric(tx, campId);
    if (!rubric) throw new GradingError(GRADING_ERRORS.noRubric);
    const criteria = new Map(rubric.criteria.map((c) => [c.id, c]));
    const chosen = new Map<number, { levelId: number | null; comment: string }>();
    for (const score of input.scores) {
      const criterion = criteria.get(score.criterionId);
      if (!criterion) throw new GradingError(GRADING_ERRORS.foreignCriterion, { criterionId: score.criterionId });
      if (score.levelId !== null && !criterion.levels.some((l) => l.id === score.levelId)) {
        throw new GradingError(GRADING_ERRORS.foreignLevel, { criterion: criterion.title, criterionId: criterion.id });
      }
      chosen.set(score.criterionId, { levelId: score.levelId, comment: score.comment.trim() });
    }
    const complete = rubric.criteria.every((c) => chosen.get(c.id)?.levelId != null);
    if (input.submit && !complete) {
      const first = rubric.criteria.find((c) => chosen.get(c.id)?.levelId == null)!;
      throw new GradingError(GRADING_ERRORS.incomplete, { criterion: first.title, criterionId: first.id });
    }
    const existing = await tx.mark.findUnique({
      where: { projectId_markerId: { projectId: input.projectId, markerId: input.markerId } },
      select: { id: true, status: true, total: true, scores: { orderBy: { criterionId: "asc" }, select: { criterionId: true, levelId: true, comment: true } } },
    });
    if (existing?.status === "submitted" && !input.submit) throw new GradingError(GRADING_ERRORS.alreadySubmitted);

    const scored = rubric.criteria.flatMap((c) => {
      const pick = chosen.get(c.id);
      const level = pick?.levelId != null ? c.levels.find((l) => l.id === pick.levelId)! : null;
      return level ? [{ criterionId: c.id, levelId: level.id, comment: pick!.comment, weight: c.weight, points: level.points }] : [];
    });
    const total = complete ? markerTotal(scored) : null;
    const status = input.submit ? "submitted" : "draft";
    const now = input.now ?? new Date();
    const afterScores = scored.map((s) => ({ criterionId: s.criterionId, levelId: s.levelId, comment: s.comment }));
    if (quiet) {
      const empty = !existing && scored.length === 0 && input.scores.every((s) => !s.comment.trim());
      const unchanged = !!existing && existing.status === status && existing.total === total && JSON.stringify(existing.scores) === JSON.stringify([...afterScores].sort((a, b) => a.criterionId - b.criterionId));
      if (empty || unchanged) return { markId: existing?.id ?? null, status: existing?.status ?? null, total: existing?.total ?? null, written: false };
    }
    const mark = await tx.mark.upsert({
      where: { projectId_markerId: { projectId: input.projectId, markerId: input.markerId } },
      create: { projectId: input.projectId, markerId: input.markerId, status, total, submittedAt: input.submit ? now : null },
      update: { status, total, submittedAt: input.submit ? now : null },
      select: { id: true },
    });
    await tx.markScore.deleteMany({ where: { markId: mark.id } });
    if (scored.length > 0) {
      await tx.markScore.createMany({ data: scored.map((s) => ({ markId: mark.id, criterionId: s.criterionId, levelId: s.levelId, comment: s.comment })) });
    }
    const before: MarkSnapshot = existing ? { status: existing.status, total: existing.total, scores: existing.scores } : null;
    const after: MarkSnapshot = { status, total, scores: afterScores };
    if (quiet) {
      const latest = await tx.markEvent.findFirst({ where: { projectId: input.projectId, actorId: input.markerId }, orderBy: { id: "desc" }, select: { kind: true, createdAt: true } });
      if (latest?.kind === "mark_saved" && now.getTime() - latest.createdAt.getTime() < QUIET_SAVE_EVENT_WINDOW_MS) return { markId: mark.id, status, total, written: true };
    }
    await tx.markEvent.create({
      data: {
        projectId: input.projectId,
        actorId: input.markerId,
        kind: input.submit ? "mark_submitted" : "mark_saved",
        before: before ? JSON.stringify(before) : null,
        after: JSON.stringify(after),
        reason: input.reason?.trim() || null,
      },
    });
    return { markId: mark.id, status, total, written: true };
  });
}

// ---------------------------------------------------------------- summaries

type MarkRow = {
  markerId: number;
  status: string;
  total: number | null;
  scores: { criterionId: number; levelId: number }[];
};

export type ProjectStanding = {
  submitted: number;
  mean: number | null;
  disagreements: Disagreement[];
  needsModeration: boolean;
  ready: boolean;
};

/** What the submitted marks say: mean, disagreements, and whether the project can be released. */
export function standingOf(marks: MarkRow[], rubric: CampRubric, camp: { markersPerProject: number; moderationThresholdPct: number }): ProjectStanding {
  const rankOf = new Map<number, number>();
  for (const c of rubric.criteria) c.levels.forEach((l, i) => rankOf.set(l.id, i));
  const submitted = marks.filter((m) => m.status === "submitted" && m.total !== null);
  const found = disagreements(
    submitted.map((m) => ({
      markerId: m.markerId,
      total: m.total!,
      levelRanks: Object.fromEntries(m.scores.map((s) => [s.criterionId, rankOf.get(s.levelId) ?? 0])),
    })),
    camp.moderationThresholdPct,
    MAX_TOTAL,
  );
  return {
    submitted: submitted.length,
    mean: meanRoundHalfUp(submitted.map((m) => m.total!)),
    disagreements: found,
    needsModeration: found.length > 0,
    ready: submitted.length >= camp.markersPerProject,
  };
}

const markRowSelect = {
  markerId: true,
  status: true,
  total: true,
  submittedAt: true,
  updatedAt: true,
  marker: { select: { displayName: true } },
  scores: { select: { criterionId: true, levelId: true, comment: true } },
} as const;

/** The grading screen: the submission, the rubric, the viewer's mark and — unless blind — the others'. */
export async function loadGradingScreen(projectId: number, viewerId: number) {
  const project = await db.project.findUnique({
    where: { id: projectId },
    select: {
      id: true,
      title: true,
      team: { select: { id: true, name: true, campId: true, camp: { select: { id: true, blindMarking: true, markersPerProject: true, moderationThresholdPct: true, passMark: true, status: true } } } },
      brief: { select: { title: true, dueAt: true } },
      versions: {
        orderBy: { versionNo: "desc" },
        take: 1,
        select: {
          versionNo: true,
          background: true,
          design: true,
          budget: true,
          impact: true,
          submittedAt: true,
          late: true,
          attachments: { orderBy: { id: "asc" }, select: { id: true, originalName: true, mimeType: true, sizeBytes: true } },
        },
      },
      finalMark: { select: { total: true, method: true, releasedAt: true, reason: true } },
      marks: { orderBy: { markerId: "asc" }, select: markRowSelect },
      markEvents: { orderBy: { id: "desc" }, take: 100, select: { id: true, actorId: true, kind: true, before: true, after: true, reason: true, createdAt: true } },
    },
  });
  if (!project) return null;
  const camp = project.team.camp;
  const role = await campRole(db, viewerId, camp.id);
  if (!role) return null;
  const rubric = await loadCampRubric(db, camp.id);
  const mine = project.marks.find((m) => m.markerId === viewerId) ?? null;
  const canSeeOthers = canSeeOtherMarks({ blindMarking: camp.blindMarking, released: !!project.finalMark?.releasedAt, own: ownMarkStatus(project.marks, viewerId) });
  const others = canSeeOthers ? project.marks.filter((m) => m.markerId !== viewerId && m.status === "submitted") : [];
  const standing = rubric ? standingOf(project.marks, rubric, camp) : null;
  const actorIds = [...new Set(project.markEvents.map((e) => e.actorId))];
  const actors = new Map((await db.user.findMany({ where: { id: { in: actorIds } }, select: { id: true, displayName: true } })).map((u) => [u.id, u.displayName]));
  // Blind marking hides the others' marks, so it hides the history of them too.
  const history = project.markEvents
    .filter((e) => canSeeOthers || e.actorId === viewerId || !e.kind.startsWith("mark_"))
    .map((e) => ({ id: e.id, actor: actors.get(e.actorId) ?? `#${e.actorId}`, kind: e.kind, reason: e.reason, createdAt: e.createdAt, before: totalOf(e.before), after: totalOf(e.after), statusAfter: statusOf(e.after) }));
  const neighbours = await db.project.findMany({
    where: { team: { campId: camp.id } },
    orderBy: { id: "asc" },
    select: { id: true },
  });
  const index = neighbours.findIndex((p) => p.id === projectId);
  // Participation adjustments are a mentor's business (lead and mentors), not a judge's.
  const members =
    role === "judge"
      ? []
      : await Promise.all(
          (
            await db.teamMember.findMany({
              where: { teamId: project.team.id, leftAt: null },
              orderBy: { personId: "asc" },
              select: { person: { select: { id: true, name: true, employeeNo: true } } },
            })
          ).map(async ({ person }) => ({
            ...person,
            adjustments: await db.participationAdjustment.findMany({
              where: { campId: camp.id, personId: person.id },
              orderBy: { id: "asc" },
              select: { id: true, delta: true, reason: true, createdAt: true },
            }),
          })),
        );
  return {
    members,
    role,
    project: { id: project.id, title: project.title, team: { id: project.team.id, name: project.team.name }, brief: project.brief, version: project.versions[0] ?? null },
    camp,
    rubric,
    mine,
    others,
    canSeeOthers,
    // The mean and the disagreements speak for the others' marks: not shown while blind.
    standing: canSeeOthers ? standing : null,
    finalMark: project.finalMark,
    history,
    previousId: index > 0 ? neighbours[index - 1].id : null,
    nextId: index >= 0 && index < neighbours.length - 1 ? neighbours[index + 1].id : null,
  } as const;
}

function parseSnapshot(text: string | null): Record<string, unknown> | null {
  if (!text) return null;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
function totalOf(text: string | null): number | null {
  const value = parseSnapshot(text)?.total;
  return typeof value === "number" ? value : null;
}
function statusOf(text: string | null): string | null {
  const value = parseSnapshot(text)?.status;
  return typeof value === "string" ? value : null;
}

/** A staff member's desk: every project of their camps, their own progress, what awaits moderation. */
export async function loadGradingQueue(userId: number) {
  const staff = await db.campStaff.findMany({
    where: { userId },
    orderBy: { campId: "desc" },
    select: {
      role: true,
      camp: {
        select: {
          id: true,
          status: true,
          markersPerProject: true,
          moderationThresholdPct: true,
          blindMarking: true,
          offering: { select: { code: true, course: { select: { titleZh: true, titleEn: true } } } },
          briefs: { orderBy: { dueAt: "asc" }, select: { id: true, title: true, dueAt: true } },
          teams: {
            orderBy: { id: "asc" },
            select: {
              name: true,
              projects: {
                orderBy: { id: "asc" },
                select: { id: true, title: true, finalMark: { select: { method: true, releasedAt: true } }, marks: { select: markRowSelect } },
              },
            },
          },
        },
      },
    },
  });
  const camps = [];
  for (const { role, camp } of staff) {
    const rubric = await loadCampRubric(db, camp.id);
    const projects = camp.teams.flatMap((team) =>
      team.projects.map((p) => {
        const mine = p.marks.find((m) => m.markerId === userId);
        const standing = rubric ? standingOf(p.marks, rubric, camp) : null;
        const scoredCriteria = mine ? mine.scores.length : 0;
        return {
          id: p.id,
          title: p.title,
          team: team.name,
          myStatus: mine?.status ?? "none",
          myProgress: { scored: scoredCriteria, of: rubric?.criteria.length ?? 0 },
          submitted: standing?.submitted ?? 0,
          // Blind marking: the others' disagreement is news only to those who may see their marks.
          needsModeration:
            canSeeOtherMarks({ blindMarking: camp.blindMarking, released: !!p.finalMark?.releasedAt, own: ownMarkStatus(p.marks, userId), moderating: role === "lead" }) &&
            !!standing?.needsModeration,
          moderated: p.finalMark?.method === "moderated",
          released: !!p.finalMark?.releasedAt,
        };
      }),
    );
    camps.push({
      role,
      id: camp.id,
      status: camp.status,
      markersPerProject: camp.markersPerProject,
      title: camp.offering.course,
      code: camp.offering.code,
      briefs: camp.briefs,
      hasRubric: !!rubric,
      projects,
      done: projects.filter((p) => p.myStatus === "submitted").length,
    });
  }
  return camps;
}

/**
 * The trainer home's marking desk, one line per camp: the viewer's own progress, what awaits
 * the lead's moderation, the disagreements the viewer may see (blind marking hides them until
 * one's own submission), and the next brief deadline (else the last one past).
 */
export async function loadMarkingDesk(userId: number, now = new Date()) {
  const camps = await loadGradingQueue(userId);
  return camps.map((camp) => {
    const open = camp.projects.filter((p) => !p.released);
    const upcoming = camp.briefs.find((b) => b.dueAt.getTime() >= now.getTime()) ?? null;
    return {
      id: camp.id,
      role: camp.role,
      title: camp.title,
      code: camp.code,
      hasRubric: camp.hasRubric,
      projects: camp.projects.length,
      done: camp.done,
      toMark: open.filter((p) => p.myStatus !== "submitted").map((p) => ({ id: p.id, title: p.title, team: p.team, myStatus: p.myStatus, myProgress: p.myProgress })),
      disagreements: open.filter((p) => p.needsModeration && !p.moderated).length,
      awaitingModeration: camp.role === "lead" ? open.filter((p) => p.needsModeration && !p.moderated).map((p) => ({ id: p.id, title: p.title, team: p.team })) : [],
      readyToRelease: camp.role === "lead" ? open.filter((p) => p.submitted >= camp.markersPerProject && (!p.needsModeration || p.moderated)).length : 0,
      deadline: upcoming ?? camp.briefs.at(-1) ?? null,
      deadlinePassed: !upcoming && camp.briefs.length > 0,
    };
  });
}

// ---------------------------------------------------------------- moderation and outcomes

async function requireLead(tx: DbTx, userId: number, campId: number) {
  if ((await campRole(tx, userId, campId)) !== "lead") throw new GradingError(GRADING_ERRORS.notLead);
}

/** The lead mentor sets the final mark with a reason (method "moderated"). A released mark is un-released first. */
export async function moderateMark(input: { projectId: number; leadId: number; total: number; reason: string }) {
  const reason = input.reason.trim();
  if (!reason) throw new GradingError(GRADING_ERRORS.reasonRequired);
  if (!Number.isInteger(input.total) || input.total < 0 || input.total > MAX_TOTAL) throw new GradingError(GRADING_ERRORS.totalOutOfRange, { max: MAX_TOTAL });
  return inTransaction(async (tx) => {
    const project = await projectCamp(tx, input.projectId);
    await requireLead(tx, input.leadId, project.team.campId);
    if (project.finalMark?.releasedAt) await unreleaseInTx(tx, project, input.leadId, reason);
    const before = await tx.finalMark.findUnique({ where: { projectId: input.projectId }, select: { total: true, method: true } });
    await tx.finalMark.upsert({
      where: { projectId: input.projectId },
      create: { projectId: input.projectId, total: input.total, method: "moderated", needsModeration: true, moderatedById: input.leadId, reason },
      update: { total: input.total, method: "moderated", moderatedById: input.leadId, reason },
      select: { projectId: true },
    });
    await tx.markEvent.create({
      data: { projectId: input.projectId, actorId: input.leadId, kind: "moderated", before: before ? JSON.stringify(before) : null, after: JSON.stringify({ total: input.total, method: "moderated" }), reason },
    });
    // A change of grade: in the central audit log too, not only the project's grade history.
    await recordAudit(tx, {
      actorId: input.leadId,
      action: "camp.mark_moderated",
      entityType: "Project",
      entityId: input.projectId,
      before: before ?? null,
      after: { campId: project.team.campId, total: input.total, method: "moderated" },
      reason,
    });
  });
}

/** A mentor's per-member adjustment of the team mark (centipoints, with a reason; audited). */
export async function recordAdjustment(input: { campId: number; personId: number; delta: number; reason: string; byId: number }) {
  const reason = input.reason.trim();
  if (!reason) throw new GradingError(GRADING_ERRORS.reasonRequired);
  if (!Number.isInteger(input.delta) || Math.abs(input.delta) > MAX_TOTAL) throw new GradingError(GRADING_ERRORS.totalOutOfRange, { max: MAX_TOTAL });
  return inTransaction(async (tx) => {
    const role = await campRole(tx, input.byId, input.campId);
    if (role !== "lead" && role !== "mentor") throw new GradingError(GRADING_ERRORS.notStaff);
    const membership = await tx.teamMember.findFirst({
      where: { personId: input.personId, leftAt: null, team: { campId: input.campId } },
      select: { team: { select: { projects: { select: { finalMark: { select: { releasedAt: true } } } } } } },
    });
    if (!membership) throw new GradingError(GRADING_ERRORS.notMember);
    if (membership.team.projects.some((p) => p.finalMark?.releasedAt)) throw new GradingError(GRADING_ERRORS.released);
    const row = await tx.participationAdjustment.create({
      data: { campId: input.campId, personId: input.personId, delta: input.delta, reason, byId: input.byId },
      select: { id: true },
    });
    await recordAudit(tx, {
      actorId: input.byId,
      action: "camp.participation_adjusted",
      entityType: "ParticipationAdjustment",
      entityId: row.id,
      personId: input.personId,
      after: { campId: input.campId, delta: input.delta },
      reason,
    });
    return row;
  });
}

export type MemberOutcome = IndividualOutcome & {
  personId: number;
  name: string;
  employeeNo: string;
  adjustment: number;
  attendedMinutes: number;
  scheduledMinutes: number;
};

/** Each current member's outcome on a team total. */
export async function memberOutcomes(tx: DbTx, input: { campId: number; teamId: number; teamTotal: number }): Promise<MemberOutcome[]> {
  const camp = await tx.camp.findUniqueOrThrow({
    where: { id: input.campId },
    select: { passMark: true, offering: { select: { creditYear: true, sessions: { select: { id: true, startsAt: true, endsAt: true } } } } },
  });
  const members = await tx.teamMember.findMany({
    where: { teamId: input.teamId, leftAt: null },
    orderBy: { personId: "asc" },
    select: { person: { select: { id: true, name: true, employeeNo: true } } },
  });
  const personIds = members.map((m) => m.person.id);
  const [adjustments, attendance, policy] = await Promise.all([
    tx.participationAdjustment.groupBy({ by: ["personId"], where: { campId: input.campId, personId: { in: personIds } }, _sum: { delta: true } }),
    tx.attendance.findMany({
      where: { personId: { in: personIds }, sessionId: { in: camp.offering.sessions.map((s) => s.id) }, status: { in: [...ATTENDED_STATUSES] } },
      select: { personId: true, sessionId: true },
    }),
    policyForYear(tx, camp.offering.creditYear),
  ]);
  const minutesOf = new Map(camp.offering.sessions.map((s) => [s.id, sessionMinutes(s)]));
  const scheduledMinutes = [...minutesOf.values()].reduce((a, b) => a + b, 0);
  return members.map(({ person }) => {
    const adjustment = adjustments.find((a) => a.personId === person.id)?._sum.delta ?? 0;
    const attendedMinutes = attendance.filter((a) => a.personId === person.id).reduce((sum, a) => sum + (minutesOf.get(a.sessionId) ?? 0), 0);
    const outcome = individualOutcome({ teamTotal: input.teamTotal, adjustment, passMark: camp.passMark, attendedMinutes, scheduledMinutes, rules: policy.rules });
    return { ...outcome, personId: person.id, name: person.name, employeeNo: person.employeeNo, adjustment, attendedMinutes, scheduledMinutes };
  });
}

// ---------------------------------------------------------------- release

const CAMP_SOURCE = (campId: number, personId: number) => `camp:${campId}:person:${personId}#`;

/**
 * Releases one project's final mark and feedback to its team (lead mentor only), once: a
 * second release is refused. Passing members get the camp's credits; every member is notified.
 */
export async function releaseProject(input: { projectId: number; leadId: number; feedback: string; now?: Date }) {
  const now = input.now ?? new Date();
  return inTransaction(async (tx) => {
    const project = await projectCamp(tx, input.projectId);
    const { camp } = project.team;
    await requireLead(tx, input.leadId, camp.id);
    if (project.finalMark?.releasedAt) throw new GradingError(GRADING_ERRORS.alreadyReleased);
    const rubric = await loadCampRubric(tx, camp.id);
    if (!rubric) throw new GradingError(GRADING_ERRORS.noRubric);
    const marks = await tx.mark.findMany({ where: { projectId: input.projectId }, select: { markerId: true, status: true, total: true, scores: { select: { criterionId: true, levelId: true } } } });
    const standing = standingOf(marks, rubric, camp);
    const current = await tx.finalMark.findUnique({ where: { projectId: input.projectId }, select: { method: true, total: true } });
    if (!standing.ready) throw new GradingError(GRADING_ERRORS.notEnoughMarks, { submitted: standing.submitted, needed: camp.markersPerProject });
    const moderated = current?.method === "moderated";
    if (standing.needsModeration && !moderated) throw new GradingError(GRADING_ERRORS.needsModeration);
    const total = moderated ? current!.total : standing.mean!;
    const feedback = input.feedback.trim();
    if (current) {
      // Conditional: of two releases racing, one finds the row already released.
      const { count } = await tx.finalMark.updateMany({
        where: { projectId: input.projectId, releasedAt: null },
        data: { total, needsModeration: standing.needsModeration, feedback, releasedAt: now, releasedById: input.leadId },
      });
      if (count === 0) throw new GradingError(GRADING_ERRORS.alreadyReleased);
    } else {
      await tx.finalMark.create({
        data: { projectId: input.projectId, total, method: "mean", needsModeration: standing.needsModeration, feedback, releasedAt: now, releasedById: input.leadId },
        select: { projectId: true },
      });
    }
    const offering = await tx.camp.findUniqueOrThrow({
      where: { id: camp.id },
      select: { offering: { select: { id: true, code: true, creditYear: true, course: { select: { creditPoints: true, titleZh: true, titleEn: true } } } } },
    });
    const { course } = offering.offering;
    const outcomes = await memberOutcomes(tx, { campId: camp.id, teamId: project.teamId, teamTotal: total });
    const weights = competencyWeights(rubric.criteria);
    const creditYear = await effectiveCreditYear(tx, offering.offering.creditYear);
    const awarded: number[] = [];
    for (const outcome of outcomes) {
      if (outcome.passed && course.creditPoints > 0) {
        const prefix = CAMP_SOURCE(camp.id, outcome.personId);
        const entries = await tx.ledgerEntry.findMany({
          where: { personId: outcome.personId, sourceKey: { startsWith: prefix } },
          select: { sourceKey: true, reversedBy: { select: { id: true } } },
        });
        const lastN = entries.reduce((max, e) => Math.max(max, Number(e.sourceKey.slice(prefix.length)) || 0), 0);
        if (!entries.some((e) => !e.reversedBy)) {
          await awardCredits(tx, {
            personId: outcome.personId,
            creditYear,
            amount: course.creditPoints,
            category: "camp",
            sourceType: "camp_release",
            sourceKey: `${prefix}${lastN + 1}`,
            competencies: splitByWeights(course.creditPoints, weights),
            offeringId: offering.offering.id,
            campId: camp.id,
            note: offering.offering.code,
            createdById: input.leadId,
          });
          awarded.push(outcome.personId);
        }
      }
      await notify(tx, {
        personId: outcome.personId,
        kind: "grading.released",
        key: "grading.notify.released",
        params: { project: project.title, courseZh: course.titleZh, courseEn: course.titleEn },
      });
    }
    await tx.markEvent.create({
      data: {
        projectId: input.projectId,
        actorId: input.leadId,
        kind: "released",
        before: current ? JSON.stringify(current) : null,
        after: JSON.stringify({ total, method: moderated ? "moderated" : "mean", awarded, outcomes: outcomes.map((o) => ({ personId: o.personId, total: o.total, passed: o.passed, failure: o.failure })) }),
        reason: null,
      },
    });
    await recordAudit(tx, {
      actorId: input.leadId,
      action: "camp.mark_released",
      entityType: "Project",
      entityId: input.projectId,
      before: current ? { ...current, released: false } : null,
      after: { campId: camp.id, total, method: moderated ? "moderated" : "mean", released: true, awarded, outcomes: outcomes.map((o) => ({ personId: o.personId, total: o.total, passed: o.passed })) },
      // Release asks for no reason: the feedback released with it is the why.
      reason: feedback || null,
    });
    await updateCampStatus(tx, camp.id);
    return { total, outcomes, awarded };
  });
}

async function updateCampStatus(tx: DbTx, campId: number) {
  const projects = await tx.project.findMany({ where: { team: { campId } }, select: { finalMark: { select: { releasedAt: true } } } });
  const all = projects.length > 0 && projects.every((p) => p.finalMark?.releasedAt);
  const camp = await tx.camp.findUniqueOrThrow({ where: { id: campId }, select: { status: true } });
  // A closed camp stays closed (only the lead reopens it, see setCampClosed).
  const next = camp.status === "closed" ? "closed" : all ? "released" : camp.status === "released" ? "grading" : camp.status;
  if (next !== camp.status) await tx.camp.update({ where: { id: campId }, data: { status: next }, select: { id: true } });
}

/**
 * Of the given people, those whom a released project of the camp other than `exceptProjectId`
 * still passes: a project of the team they are in now, with their outcome on its released total.
 * Their camp credit stands (ADR 008: awarded once per camp, reversed only when nothing passes).
 */
async function stillPassedBy(tx: DbTx, campId: number, exceptProjectId: number, personIds: number[]): Promise<Set<number>> {
  const wanted = new Set(personIds);
  const passing = new Set<number>();
  if (wanted.size === 0) return passing;
  const current = await tx.teamMember.findMany({ where: { personId: { in: [...wanted] }, leftAt: null, team: { campId } }, select: { teamId: true } });
  for (const teamId of [...new Set(current.map((m) => m.teamId))]) {
    const released = await tx.project.findMany({
      where: { teamId, id: { not: exceptProjectId }, finalMark: { releasedAt: { not: null } } },
      select: { finalMark: { select: { total: true } } },
    });
    for (const p of released) {
      for (const o of await memberOutcomes(tx, { campId, teamId, teamTotal: p.finalMark!.total })) {
        if (o.passed && wanted.has(o.personId)) passing.add(o.personId);
      }
    }
  }
  return passing;
}

async function unreleaseInTx(tx: DbTx, project: Awaited<ReturnType<typeof projectCamp>>, leadId: number, reason: string) {
  const campId = project.team.campId;
  const final = await tx.finalMark.findUnique({ where: { projectId: project.id }, select: { total: true, method: true } });
  const { count } = await tx.finalMark.updateMany({ where: { projectId: project.id, releasedAt: { not: null } }, data: { releasedAt: null, releasedById: null } });
  if (count === 0) throw new GradingError(GRADING_ERRORS.notReleased);
  // Everyone who was ever on the team: a member moved out after this release keeps nothing from it
  // unless another released project passes them (ADR 008: one camp credit, kept while any passes).
  const members = await tx.teamMember.findMany({ where: { teamId: project.teamId }, select: { personId: true } });
  const standing = await tx.ledgerEntry.findMany({
    where: { campId, sourceType: "camp_release", personId: { in: [...new Set(members.map((m) => m.personId))] }, reversedBy: { is: null } },
    select: { id: true, personId: true },
  });
  const passing = await stillPassedBy(tx, campId, project.id, standing.map((e) => e.personId));
  const reversed: number[] = [];
  const kept: number[] = [];
  for (const entry of standing) {
    if (passing.has(entry.personId)) {
      kept.push(entry.id);
      continue;
    }
    await reverseEntry(tx, { entryId: entry.id, reason, createdById: leadId });
    reversed.push(entry.id);
  }
  await tx.markEvent.create({
    data: {
      projectId: project.id,
      actorId: leadId,
      kind: "unreleased",
      before: JSON.stringify({ released: true }),
      after: JSON.stringify({ released: false, reversedEntryIds: reversed, keptEntryIds: kept }),
      reason,
    },
  });
  await recordAudit(tx, {
    actorId: leadId,
    action: "camp.mark_unreleased",
    entityType: "Project",
    entityId: project.id,
    before: { ...final, released: true },
    after: { campId, released: false, reversedEntryIds: reversed, keptEntryIds: kept },
    reason,
  });
  await updateCampStatus(tx, campId);
  return reversed;
}

/** Takes a released mark back (lead only, with a reason): its credits are reversed, never edited. */
export async function unreleaseProject(input: { projectId: number; leadId: number; reason: string }) {
  const reason = input.reason.trim();
  if (!reason) throw new GradingError(GRADING_ERRORS.reasonRequired);
  return inTransaction(async (tx) => {
    const project = await projectCamp(tx, input.projectId);
    await requireLead(tx, input.leadId, project.team.campId);
    return { reversedEntryIds: await unreleaseInTx(tx, project, input.leadId, reason) };
  });
}

// ---------------------------------------------------------------- pages

/**
 * The lead's moderation and release list: every project with its marks, standing and members'
 * outcomes. Blind marking holds here too (canSeeOtherMarks, moderating): on a project the lead has
 * a draft of their own, only that draft is shown until they submit it.
 */
export async function loadReleasePage(campId: number, viewerId: number) {
  const camp = await db.camp.findUnique({
    where: { id: campId },
    select: {
      id: true,
      status: true,
      passMark: true,
      markersPerProject: true,
      moderationThresholdPct: true,
      blindMarking: true,
      offering: { select: { code: true, course: { select: { titleZh: true, titleEn: true, creditPoints: true } } } },
    },
  });
  if (!camp) return null;
  const rubric = await loadCampRubric(db, campId);
  const projects = await db.project.findMany({
    where: { team: { campId } },
    orderBy: { id: "asc" },
    select: {
      id: true,
      title: true,
      teamId: true,
      team: { select: { name: true } },
      finalMark: { select: { total: true, method: true, reason: true, feedback: true, releasedAt: true } },
      marks: { orderBy: { markerId: "asc" }, select: markRowSelect },
    },
  });
  const rows = [];
  for (const p of projects) {
    const canSeeOthers = canSeeOtherMarks({ blindMarking: camp.blindMarking, released: !!p.finalMark?.releasedAt, own: ownMarkStatus(p.marks, viewerId), moderating: true });
    const standing = rubric && canSeeOthers ? standingOf(p.marks, rubric, camp) : null;
    const total = p.finalMark?.method === "moderated" || p.finalMark?.releasedAt ? p.finalMark.total : (standing?.mean ?? null);
    const outcomes = total === null ? [] : await memberOutcomes(db, { campId, teamId: p.teamId, teamTotal: total });
    rows.push({
      id: p.id,
      title: p.title,
      team: p.team.name,
      canSeeOthers,
      marks: p.marks.filter((m) => canSeeOthers || m.markerId === viewerId).map((m) => ({ markerId: m.markerId, marker: m.marker.displayName, status: m.status, total: m.total })),
      standing,
      finalMark: p.finalMark,
      total,
      outcomes,
    });
  }
  const criteria = new Map((rubric?.criteria ?? []).map((c) => [c.id, { title: c.title, titleEn: c.titleEn }]));
  return { camp, rubric: rubric ? { id: rubric.id, name: rubric.name } : null, criteria: Object.fromEntries(criteria), projects: rows };
}

/**
 * The released results of the person's current teams (one per camp): mark, feedback, own outcome
 * and camp credits. A team left before its release is not the person's result: release is for
 * the team's current members (memberOutcomes, the feedback PDF), so a former member sees nothing
 * of it.
 */
export async function loadMyCampResults(personId: number) {
  const memberships = await db.teamMember.findMany({
    where: { personId, leftAt: null },
    orderBy: { id: "desc" },
    select: {
      team: {
        select: {
          id: true,
          name: true,
          campId: true,
          camp: { select: { id: true, passMark: true, offering: { select: { code: true, course: { select: { titleZh: true, titleEn: true } } } } } },
          projects: { orderBy: { id: "asc" }, select: { id: true, title: true, finalMark: { select: { total: true, feedback: true, releasedAt: true } } } },
        },
      },
    },
  });
  const results = [];
  const seen = new Set<number>();
  for (const { team } of memberships) {
    for (const project of team.projects) {
      if (!project.finalMark?.releasedAt || seen.has(project.id)) continue;
      seen.add(project.id);
      const outcomes = await memberOutcomes(db, { campId: team.campId, teamId: team.id, teamTotal: project.finalMark.total });
      const mine = outcomes.find((o) => o.personId === personId) ?? null;
      const evidence = await criterionEvidence(team.campId, project.id);
      const credits = await db.ledgerEntry.findMany({
        where: { personId, campId: team.campId, sourceType: { in: ["camp_release", "reversal"] } },
        orderBy: { id: "asc" },
        select: { id: true, amount: true, sourceType: true, createdAt: true, creditYear: true },
      });
      results.push({
        projectId: project.id,
        title: project.title,
        team: team.name,
        course: team.camp.offering.course,
        code: team.camp.offering.code,
        passMark: team.camp.passMark,
        teamTotal: project.finalMark.total,
        feedback: project.finalMark.feedback,
        releasedAt: project.finalMark.releasedAt,
        outcome: mine,
        credits,
        creditTotal: credits.reduce((s, c) => s + c.amount, 0),
        evidence,
      });
    }
  }
  return results;
}

/**
 * The evidence behind a released mark, criterion by criterion: the competency it assesses, its
 * weight and the markers' mean level points (in hundredths of a percent, rounded half up).
 * Markers stay anonymous: only the mean of the submitted marks is shown.
 */
async function criterionEvidence(campId: number, projectId: number) {
  const [rubric, marks] = await Promise.all([
    loadCampRubric(db, campId),
    db.mark.findMany({ where: { projectId, status: "submitted" }, select: { scores: { select: { criterionId: true, level: { select: { points: true } } } } } }),
  ]);
  return (rubric?.criteria ?? []).map((c) => {
    const points = marks.flatMap((m) => m.scores.filter((s) => s.criterionId === c.id).map((s) => s.level.points * 100));
    return { criterionId: c.id, title: c.title, titleEn: c.titleEn, weight: c.weight, competencyId: c.competencyId, competency: c.competency, meanPoints: meanRoundHalfUp(points) };
  });
}

export type CampEvidence = {
  projectId: number;
  criterionId: number;
  title: string;
  titleEn: string;
  meanPoints: number | null;
  course: { titleZh: string; titleEn: string };
  code: string;
  releasedAt: Date;
};

/**
 * The camp criterion evidence behind the learner's competency profile, by competency id: every
 * criterion of their released camp results (the rows /my/camp/result shows, from
 * loadMyCampResults and criterionEvidence), with the camp and the release date.
 */
export async function loadCampEvidenceByCompetency(personId: number): Promise<Record<number, CampEvidence[]>> {
  const byCompetency: Record<number, CampEvidence[]> = {};
  for (const result of await loadMyCampResults(personId)) {
    for (const e of result.evidence) {
      (byCompetency[e.competencyId] ??= []).push({
        projectId: result.projectId,
        criterionId: e.criterionId,
        title: e.title,
        titleEn: e.titleEn,
        meanPoints: e.meanPoints,
        course: result.course,
        code: result.code,
        releasedAt: result.releasedAt!,
      });
    }
  }
  return byCompetency;
}

/**
 * Criterion-level marks of a camp, one row per marker and criterion (for the CSV and XLSX
 * exports), the criterion and level texts in the reader's language. Blind marking holds as on
 * the release page (canSeeOtherMarks, moderating): of a project the viewer has a draft of their
 * own, only their own rows.
 */
export async function campMarkRows(campId: number, viewerId: number, locale: Locale = DEFAULT_LOCALE) {
  const rubric = await loadCampRubric(db, campId);
  const { blindMarking } = await db.camp.findUniqueOrThrow({ where: { id: campId }, select: { blindMarking: true } });
  const marks = await db.mark.findMany({
    where: { project: { team: { campId } } },
    orderBy: [{ projectId: "asc" }, { markerId: "asc" }],
    select: {
      markerId: true,
      status: true,
      total: true,
      marker: { select: { username: true, displayName: true } },
      project: { select: { id: true, title: true, team: { select: { name: true } }, finalMark: { select: { total: true, method: true, releasedAt: true } } } },
      scores: { select: { criterionId: true, comment: true, level: { select: { label: true, labelEn: true, points: true } } } },
    },
  });
  const rows: (string | number | null)[][] = [];
  for (const mark of marks) {
    if (mark.markerId !== viewerId) {
      const ofProject = marks.filter((m) => m.project.id === mark.project.id);
      if (!canSeeOtherMarks({ blindMarking, released: !!mark.project.finalMark?.releasedAt, own: ownMarkStatus(ofProject, viewerId), moderating: true })) continue;
    }
    for (const criterion of rubric?.criteria ?? []) {
      const score = mark.scores.find((s) => s.criterionId === criterion.id);
      rows.push([
        mark.project.id,
        mark.project.team.name,
        mark.project.title,
        mark.marker.username,
        mark.marker.displayName,
        mark.status,
        criterionTitle(locale, criterion),
        criterion.competency.code,
        criterion.weight,
        score ? levelLabel(locale, score.level) : "",
        score?.level.points ?? null,
        score ? criterion.weight * score.level.points : null,
        score?.comment ?? "",
        mark.total,
        mark.project.finalMark?.total ?? null,
        mark.project.finalMark?.method ?? "",
      ]);
    }
  }
  return rows;
}

/** The columns of campMarkRows, by name (the exports look values up by these). */
export const MARK_CSV_HEADER = ["project_id", "team", "project", "marker", "marker_name", "status", "criterion", "competency", "weight", "level", "level_points", "criterion_score", "comment", "marker_total", "final_total", "final_method"];

/** Each column's header in the exports (CSV and XLSX), in the reader's language. */
export const MARK_COLUMN_HEADERS: Record<string, MessageKey> = {
  project_id: "grading.marks.col.projectId",
  team: "grading.marks.col.team",
  project: "grading.marks.col.project",
  marker: "grading.marks.col.marker",
  marker_name: "grading.marks.col.markerName",
  status: "grading.marks.col.status",
  criterion: "grading.marks.col.criterion",
  competency: "grading.marks.col.competency",
  weight: "grading.marks.col.weight",
  level: "grading.marks.col.level",
  level_points: "grading.marks.col.levelPoints",
  criterion_score: "grading.marks.col.criterionScore",
  comment: "grading.marks.col.comment",
  marker_total: "grading.marks.col.markerTotal",
  final_total: "grading.marks.col.finalTotal",
  final_method: "grading.marks.col.finalMethod",
};

/** The coded values of campMarkRows (a mark's status, how the final mark was reached) as words. */
export const MARK_VALUE_TEXT: Record<string, Record<string, MessageKey>> = {
  status: { submitted: "grading.marks.status.submitted", draft: "grading.marks.status.draft" },
  final_method: { mean: "grading.marks.method.mean", moderated: "grading.marks.method.moderated" },
};

/** One campMarkRows row with its coded values in words (for the CSV; the XLSX does the same per column). */
export function markRowText(row: (string | number | null)[], t: Translate): (string | number | null)[] {
  return row.map((value, i) => {
    const key = typeof value === "string" ? MARK_VALUE_TEXT[MARK_CSV_HEADER[i]]?.[value] : undefined;
    return key ? t(key) : value;
  });
}

export async function projectInCamp(projectId: number, campId: number): Promise<boolean> {
  return (await db.project.count({ where: { id: projectId, team: { campId } } })) > 0;
}
