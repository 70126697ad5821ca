// The competency framework (十大素养) as administrators and HR maintain it.
//
// How versions work:
// - Exactly one version is "active": the catalogue filters by it and course weights point at
//   its competencies. Its competencies' names and descriptions may be corrected in place
//   (audited with before/after); their codes may not.
// - A structural change (adding, removing or renaming a code) is made on a "draft": a new
//   version copied from the active one, editable freely until it is published. There is at
//   most one draft. Nothing points at a draft's competencies, so removing one is a delete.
// - Publishing makes the draft active and the old version "retired", in one transaction,
//   and moves course weights across BY CODE (see planRemap in ./remap.ts):
//     * a weight whose code exists in the new version moves to the new competency's id
//       (the row is re-pointed, not duplicated, so a completion never splits points over
//       two versions of the same competency);
//     * if some of a course's codes are gone, its remaining weights are rescaled to add up
//       to 100 again, and the course is reported;
//     * if all of a course's codes are gone, the course keeps its old rows (its completions
//       still award points, to the retired competencies) and is reported as needing new
//       weights; its management page says so.
//   A renamed code therefore counts as removed + added: the publish form previews exactly
//   which courses lose which codes before anyone confirms. Every course that changes gets a
//   new version and a "course.competencies_remapped" entry in its history.
// - Retired versions stay forever: ledger shares, rubric criteria and the audit log keep
//   pointing at the competencies they were recorded under.
import { recordAudit } from "~/audit/audit.server";
import { db, type DbTx } from "~/utils/db.server";
import { activeFramework, CATALOGUE_TX_OPTIONS, courseSnapshot } from "./courses.server";
import { isUniqueViolation } from "~/db/errors.server";
import { CatalogueAdminError } from "./errors";
import { planRemap, type CourseWeightRow, type RemapPlan } from "./remap";

export type CompetencyText = { nameZh: string; nameEn: string; descriptionZh: string; descriptionEn: string };

const competencySelect = {
  id: true,
  code: true,
  nameZh: true,
  nameEn: true,
  descriptionZh: true,
  descriptionEn: true,
  sortOrder: true,
} as const;

const frameworkSelect = {
  id: true,
  version: true,
  nameZh: true,
  nameEn: true,
  status: true,
  publishedAt: true,
  createdAt: true,
} as const;

async function draftFramework(client: DbTx) {
  return client.competencyFramework.findFirst({ where: { status: "draft" }, orderBy: { version: "desc" }, select: frameworkSelect });
}

/** Everything the framework page shows, including what publishing the draft would do. */
export async function loadFrameworkPage() {
  const [active, draft, retired] = await Promise.all([
    db.competencyFramework.findFirst({ where: { status: "active" }, orderBy: { version: "desc" }, select: frameworkSelect }),
    draftFramework(db),
    db.competencyFramework.findMany({ where: { status: "retired" }, orderBy: { version: "desc" }, select: frameworkSelect }),
  ]);
  const competenciesOf = (frameworkId: number) =>
    db.competency.findMany({
      where: { frameworkId },
      orderBy: [{ sortOrder: "asc" }, { id: "asc" }],
      select: { ...competencySelect, _count: { select: { courses: true } } },
    });
  const [activeCompetencies, draftCompetencies, preview] = await Promise.all([
    active ? competenciesOf(active.id) : Promise.resolve([]),
    draft ? competenciesOf(draft.id) : Promise.resolve([]),
    draft ? publishPreview(db, draft.id) : Promise.resolve(null),
  ]);
  return {
    active: active ? { ...active, competencies: activeCompetencies.map(({ _count, ...c }) => ({ ...c, courses: _count.courses })) } : null,
    draft: draft ? { ...draft, competencies: draftCompetencies.map(({ _count: _, ...c }) => c) } : null,
    retired,
    preview,
  };
}

export type PublishPreview = Awaited<ReturnType<typeof publishPreview>>;

/** Course weights not yet on `frameworkId`, with their codes: what a publish must move. */
async function rowsToRemap(client: DbTx, frameworkId: number): Promise<CourseWeightRow[]> {
  const rows = await client.courseCompetency.findMany({
    where: { competency: { frameworkId: { not: frameworkId } } },
    orderBy: [{ courseId: "asc" }, { competencyId: "asc" }],
    select: { courseId: true, competencyId: true, weight: true, competency: { select: { code: true } } },
  });
  return rows.map((r) => ({ courseId: r.courseId, competencyId: r.competencyId, weight: r.weight, code: r.competency.code }));
}

/**
 * What publishing the draft would change: codes added and removed against the active
 * version, and the courses that would lose competencies. Computed by the same planRemap the
 * publish uses, so the preview and the outcome cannot differ (short of edits in between).
 */
export async function publishPreview(client: DbTx, draftId: number) {
  const [active, draftCompetencies] = await Promise.all([
    activeFramework(client),
    client.competency.findMany({ where: { frameworkId: draftId }, select: { id: true, code: true } }),
  ]);
  const activeCodes = active
    ? (await client.competency.findMany({ where: { frameworkId: active.id }, select: { code: true } })).map((c) => c.code)
    : [];
  const draftCodes = draftCompetencies.map((c) => c.code);
  const plans = planRemap(await rowsToRemap(client, draftId), new Map(draftCompetencies.map((c) => [c.code, c.id])));
  return {
    added: draftCodes.filter((c) => !activeCodes.includes(c)).sort(),
    removed: activeCodes.filter((c) => !draftCodes.includes(c)).sort(),
    moved: plans.filter((p) => !p.keptRetired).length,
    affected: await describePlans(client, plans.filter((p) => p.lostCodes.length > 0)),
  };
}

async function describePlans(client: DbTx, plans: RemapPlan[]) {
  if (plans.length === 0) return [];
  const courses = await client.course.findMany({
    where: { id: { in: plans.map((p) => p.courseId) } },
    select: { id: true, code: true, titleZh: true, titleEn: true, archivedAt: true },
  });
  const byId = new Map(courses.map((c) => [c.id, c]));
  return plans
    .map((p) => {
      const course = byId.get(p.courseId)!;
      return {
        courseId: p.courseId,
        code: course.code,
        titleZh: course.titleZh,
        titleEn: course.titleEn,
        archived: course.archivedAt !== null,
        lostCodes: p.lostCodes,
        keptRetired: p.keptRetired,
      };
    })
    .sort((a, b) => (a.code < b.code ? -1 : 1));
}

// ---------------------------------------------------------------- competencies

/**
 * Corrects a competency's names and descriptions. On the active version that is the only
 * change allowed in place; on the draft the code may change too (pass `code`). Retired
 * versions are history and stay as they were.
 */
export async function updateCompetency(
  actorId: number,
  competencyId: number,
  change: CompetencyText & { code?: string },
  reason: string | null,
) {
  try {
    return await db.$transaction(async (tx) => {
      const before = await tx.competency.findUnique({
        where: { id: competencyId },
        select: { ...competencySelect, frameworkId: true, framework: { select: { version: true, status: true } } },
      });
      if (!before) throw new CatalogueAdminError("manage.errors.competencyNotFound");
      const status = before.framework.status;
      if (status === "retired") throw new CatalogueAdminError("manage.errors.frameworkRetired");
      const code = change.code ?? before.code;
      if (code !== before.code) {
        if (status !== "draft") throw new CatalogueAdminError("manage.errors.codeOnlyInDraft", "code");
        await assertCodeFree(tx, before.frameworkId, code);
      }
      const after = {
        code,
        nameZh: change.nameZh,
        nameEn: change.nameEn,
        descriptionZh: change.descriptionZh,
        descriptionEn: change.descriptionEn,
      };
      const unchanged = (Object.keys(after) as (keyof typeof after)[]).every((k) => after[k] === before[k]);
      if (unchanged) return { changed: false, code };
      await tx.competency.update({ where: { id: competencyId }, data: after, select: { id: true } });
      await recordAudit(tx, {
        actorId,
        action: "competency.updated",
        entityType: "Competency",
        entityId: competencyId,
        before: { frameworkVersion: before.framework.version, status, ...pickText(before) },
        after: { frameworkVersion: before.framework.version, status, ...after },
        reason,
      });
      return { changed: true, code };
    }, CATALOGUE_TX_OPTIONS);
  } catch (error) {
    if (isUniqueViolation(error)) throw new CatalogueAdminError("manage.errors.codeTaken", "code");
    throw error;
  }
}

function pickText(c: { code: string } & CompetencyText) {
  return { code: c.code, nameZh: c.nameZh, nameEn: c.nameEn, descriptionZh: c.descriptionZh, descriptionEn: c.descriptionEn };
}

async function assertCodeFree(tx: DbTx, frameworkId: number, code: string) {
  const taken = await tx.competency.findUnique({ where: { frameworkId_code: { frameworkId, code } }, select: { id: true } });
  if (taken) throw new CatalogueAdminError("manage.errors.codeTaken", "code");
}

async function requireDraft(tx: DbTx) {
  const draft = await draftFramework(tx);
  if (!draft) throw new CatalogueAdminError("manage.errors.noDraft");
  return draft;
}

// ---------------------------------------------------------------- the draft

/** Starts the next version as a copy of the active one (or empty when there is none yet). */
export async function createDraft(actorId: number, reason: string | null) {
  try {
    return await db.$transaction(async (tx) => {
      if (await draftFramework(tx)) throw new CatalogueAdminError("manage.errors.draftExists");
      const active = await activeFramework(tx);
      const newest = await tx.competencyFramework.findFirst({ orderBy: { version: "desc" }, select: { version: true } });
      const version = (newest?.version ?? 0) + 1;
      const draft = await tx.competencyFramework.create({
        data: {
          version,
          nameZh: active?.nameZh ?? `十大素养（第${version}版）`,
          nameEn: active?.nameEn ?? `Ten essential competencies (version ${version})`,
          status: "draft",
        },
        select: { id: true, version: true },
      });
      const copied = active
        ? await tx.competency.findMany({ where: { frameworkId: active.id }, orderBy: [{ sortOrder: "asc" }, { id: "asc" }], select: competencySelect })
        : [];
      if (copied.length > 0) {
        await tx.competency.createMany({
          data: copied.map(({ id: _id, ...c }) => ({ ...c, frameworkId: draft.id })),
        });
      }
      await recordAudit(tx, {
        actorId,
        action: "framework.draft_created",
        entityType: "CompetencyFramework",
        entityId: draft.id,
        after: { version, status: "draft", copiedFromVersion: active?.version ?? null, codes: copied.map((c) => c.code) },
        reason,
      });
      return draft;
    }, CATALOGUE_TX_OPTIONS);
  } catch (error) {
    // Two people pressing "new version" at once: the version number is unique.
    if (isUniqueViolation(error)) throw new CatalogueAdminError("manage.errors.draftExists");
    throw error;
  }
}

export async function renameDraft(actorId: number, names: { nameZh: string; nameEn: string }, reason: string | null) {
  return db.$transaction(async (tx) => {
    const draft = await requireDraft(tx);
    if (draft.nameZh === names.nameZh && draft.nameEn === names.nameEn) return { changed: false };
    await tx.competencyFramework.update({ where: { id: draft.id }, data: { nameZh: names.nameZh, nameEn: names.nameEn }, select: { id: true } });
    await recordAudit(tx, {
      actorId,
      action: "framework.draft_renamed",
      entityType: "CompetencyFramework",
      entityId: draft.id,
      before: { version: draft.version, nameZh: draft.nameZh, nameEn: draft.nameEn },
      after: { version: draft.version, nameZh: names.nameZh, nameEn: names.nameEn },
      reason,
    });
    return { changed: true };
  }, CATALOGUE_TX_OPTIONS);
}

export async function addDraftCompetency(actorId: number, input: CompetencyText & { code: string }, reason: string | null) {
  try {
    return await db.$transaction(async (tx) => {
      const draft = await requireDraft(tx);
      await assertCodeFree(tx, draft.id, input.code);
      const last = await tx.competency.findFirst({ where: { frameworkId: draft.id }, orderBy: { sortOrder: "desc" }, select: { sortOrder: true } });
      const fields = pickText(input);
      const created = await tx.competency.create({
        data: { ...fields, frameworkId: draft.id, sortOrder: (last?.sortOrder ?? 0) + 1 },
        select: { id: true, code: true },
      });
      await recordAudit(tx, {
        actorId,
        action: "competency.added",
        entityType: "Competency",
        entityId: created.id,
        after: { frameworkVersion: draft.version, status: "draft", ...fields },
        reason,
      });
      return created;
    }, CATALOGUE_TX_OPTIONS);
  } catch (error) {
    if (isUniqueViolation(error)) throw new CatalogueAdminError("manage.errors.codeTaken", "code");
    throw error;
  }
}

export async function removeDraftCompetency(actorId: number, competencyId: number, reason: string | null) {
  return db.$transaction(async (tx) => {
    const competency = await tx.competency.findUnique({
      where: { id: competencyId },
      select: {
        ...competencySelect,
        framework: { select: { version: true, status: true } },
        _count: { select: { courses: true, criteria: true, ledgerShares: true } },
      },
    });
    if (!competency) throw new CatalogueAdminError("manage.errors.competencyNotFound");
    if (competency.framework.status !== "draft") throw new CatalogueAdminError("manage.errors.removeOnlyInDraft");
    // Nothing can point at a draft's competency through this app; refuse rather than orphan
    // whatever another tool attached.
    if (competency._count.courses + competency._count.criteria + competency._count.ledgerShares > 0) {
      throw new CatalogueAdminError("manage.errors.competencyInUse");
    }
    await tx.competency.delete({ where: { id: competencyId }, select: { id: true } });
    await recordAudit(tx, {
      actorId,
      action: "competency.removed",
      entityType: "Competency",
      entityId: competencyId,
      before: { frameworkVersion: competency.framework.version, status: "draft", ...pickText(competency) },
      reason,
    });
    return { code: competency.code };
  }, CATALOGUE_TX_OPTIONS);
}

/** Throws the draft away (its competencies are referenced by nothing). */
export async function discardDraft(actorId: number, reason: string | null) {
  return db.$transaction(async (tx) => {
    const draft = await requireDraft(tx);
    const competencies = await tx.competency.findMany({ where: { frameworkId: draft.id }, select: { id: true, code: true } });
    const used = await tx.courseCompetency.count({ where: { competencyId: { in: competencies.map((c) => c.id) } } });
    if (used > 0) throw new CatalogueAdminError("manage.errors.competencyInUse");
    await tx.competency.deleteMany({ where: { frameworkId: draft.id } });
    await tx.competencyFramework.delete({ where: { id: draft.id }, select: { id: true } });
    await recordAudit(tx, {
      actorId,
      action: "framework.draft_discarded",
      entityType: "CompetencyFramework",
      entityId: draft.id,
      before: { version: draft.version, status: "draft", codes: competencies.map((c) => c.code) },
      reason,
    });
    return { version: draft.version };
  }, CATALOGUE_TX_OPTIONS);
}

export type PublishReport = {
  version: number;
  retiredVersion: number | null;
  /** Courses whose weights moved to the new version. */
  moved: number;
  /** Courses that lost at least one competency (keptRetired: they lost all of them). */
  affected: Awaited<ReturnType<typeof describePlans>>;
};

/** Publishes the draft: it becomes the active version, weights follow by code (see the top). */
export async function publishDraft(actorId: number, reason: string): Promise<PublishReport> {
  return db.$transaction(async (tx) => {
    const draft = await requireDraft(tx);
    const competencies = await tx.competency.findMany({ where: { frameworkId: draft.id }, select: { id: true, code: true } });
    if (competencies.length === 0) throw new CatalogueAdminError("manage.errors.draftEmpty");
    const previous = await activeFramework(tx);
    const now = new Date();
    // Conditional, so two publishers racing cannot both win.
    const { count } = await tx.competencyFramework.updateMany({
      where: { id: draft.id, status: "draft" },
      data: { status: "active", publishedAt: now },
    });
    if (count === 0) throw new CatalogueAdminError("manage.errors.noDraft");
    await tx.competencyFramework.updateMany({ where: { status: "active", id: { not: draft.id } }, data: { status: "retired" } });

    const plans = planRemap(await rowsToRemap(tx, draft.id), new Map(competencies.map((c) => [c.code, c.id])));
    let moved = 0;
    for (const plan of plans) {
      if (plan.keptRetired) continue;
      const before = await courseSnapshot(tx, plan.courseId);
      await tx.courseCompetency.deleteMany({
        where: { courseId: plan.courseId, competencyId: { in: plan.from.map((r) => r.competencyId) } },
      });
      await tx.courseCompetency.createMany({ data: plan.to.map((w) => ({ courseId: plan.courseId, ...w })) });
      await tx.course.update({ where: { id: plan.courseId }, data: { version: { increment: 1 } }, select: { id: true } });
      await recordAudit(tx, {
        actorId,
        action: "course.competencies_remapped",
        entityType: "Course",
        entityId: plan.courseId,
        before,
        after: await courseSnapshot(tx, plan.courseId),
        reason,
      });
      moved += 1;
    }
    const affected = await describePlans(tx, plans.filter((p) => p.lostCodes.length > 0));
    const codes = competencies.map((c) => c.code).sort();
    const report: PublishReport = { version: draft.version, retiredVersion: previous?.version ?? null, moved, affected };
    await recordAudit(tx, {
      actorId,
      action: "framework.published",
      entityType: "CompetencyFramework",
      entityId: draft.id,
      before: previous ? { activeVersion: previous.version } : null,
      after: {
        activeVersion: draft.version,
        codes,
        coursesMoved: moved,
        coursesLosingCompetencies: affected.map((a) => ({ code: a.code, lost: a.lostCodes, keptRetired: a.keptRetired })),
      },
      reason,
    });
    return report;
  }, CATALOGUE_TX_OPTIONS);
}
