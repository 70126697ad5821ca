// The levels of classes (四个层次: 新任 · 骨干 · 示范 · 领军), ordered by rank. Names and
// descriptions are edited in place (audited); a new level always goes on top (rank = the
// highest + 1), so "the level below" keeps meaning what it meant for everyone's history; a
// level that courses or waivers use cannot be deleted (the database's RESTRICT foreign keys
// back this up even under a race).
import { recordAudit } from "~/audit/audit.server";
import { db } from "~/utils/db.server";
import { CATALOGUE_TX_OPTIONS } from "./courses.server";
import { isForeignKeyViolation, isUniqueViolation } from "~/db/errors.server";
import { CatalogueAdminError } from "./errors";

export type LevelText = { nameZh: string; nameEn: string; descriptionZh: string; descriptionEn: string };

const levelSelect = { id: true, rank: true, code: true, nameZh: true, nameEn: true, descriptionZh: true, descriptionEn: true } as const;

/** Exactly the editable text, whatever else the caller's object carries. */
function levelText(input: LevelText): LevelText {
  return { nameZh: input.nameZh, nameEn: input.nameEn, descriptionZh: input.descriptionZh, descriptionEn: input.descriptionEn };
}

export async function listLevels() {
  const levels = await db.level.findMany({
    orderBy: { rank: "asc" },
    select: { ...levelSelect, _count: { select: { courses: true, waivers: true } } },
  });
  return levels.map(({ _count, ...level }) => ({ ...level, courses: _count.courses, waivers: _count.waivers }));
}

export async function updateLevel(actorId: number, levelId: number, change: LevelText, reason: string | null) {
  const text = levelText(change);
  return db.$transaction(async (tx) => {
    const before = await tx.level.findUnique({ where: { id: levelId }, select: levelSelect });
    if (!before) throw new CatalogueAdminError("manage.errors.levelNotFound");
    const unchanged = (Object.keys(text) as (keyof LevelText)[]).every((k) => text[k] === before[k]);
    if (unchanged) return { changed: false, code: before.code };
    await tx.level.update({ where: { id: levelId }, data: text, select: { id: true } });
    const { id: _id, ...kept } = before;
    await recordAudit(tx, {
      actorId,
      action: "level.updated",
      entityType: "Level",
      entityId: levelId,
      before: kept,
      after: { ...kept, ...text },
      reason,
    });
    return { changed: true, code: before.code };
  }, CATALOGUE_TX_OPTIONS);
}

export async function addLevel(actorId: number, input: LevelText & { code: string }, reason: string | null) {
  try {
    return await db.$transaction(async (tx) => {
      if (await tx.level.findUnique({ where: { code: input.code }, select: { id: true } })) {
        throw new CatalogueAdminError("manage.errors.codeTaken", "code");
      }
      const top = await tx.level.findFirst({ orderBy: { rank: "desc" }, select: { rank: true } });
      const created = await tx.level.create({
        data: { code: input.code, ...levelText(input), rank: (top?.rank ?? 0) + 1 },
        select: levelSelect,
      });
      const { id: _id, ...after } = created;
      await recordAudit(tx, { actorId, action: "level.created", entityType: "Level", entityId: created.id, after, reason });
      return created;
    }, CATALOGUE_TX_OPTIONS);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    // Either the code was just taken, or someone added a level at the same moment (rank).
    const taken = await db.level.findUnique({ where: { code: input.code }, select: { id: true } });
    throw taken ? new CatalogueAdminError("manage.errors.codeTaken", "code") : new CatalogueAdminError("manage.errors.tryAgain");
  }
}

export async function deleteLevel(actorId: number, levelId: number, reason: string | null) {
  try {
    return await db.$transaction(async (tx) => {
      const level = await tx.level.findUnique({
        where: { id: levelId },
        select: { ...levelSelect, _count: { select: { courses: true, waivers: true } } },
      });
      if (!level) throw new CatalogueAdminError("manage.errors.levelNotFound");
      if (level._count.courses > 0) {
        throw new CatalogueAdminError("manage.errors.levelUsedByCourses", undefined, { count: level._count.courses, levelZh: level.nameZh, levelEn: level.nameEn });
      }
      if (level._count.waivers > 0) {
        throw new CatalogueAdminError("manage.errors.levelUsedByWaivers", undefined, { count: level._count.waivers, levelZh: level.nameZh, levelEn: level.nameEn });
      }
      await tx.level.delete({ where: { id: levelId }, select: { id: true } });
      const { id: _id, _count: _c, ...before } = level;
      await recordAudit(tx, { actorId, action: "level.deleted", entityType: "Level", entityId: levelId, before, reason });
      return { code: level.code };
    }, CATALOGUE_TX_OPTIONS);
  } catch (error) {
    // A course created at this very moment: the RESTRICT foreign key refuses the delete.
    if (isForeignKeyViolation(error)) throw new CatalogueAdminError("manage.errors.levelInUse");
    throw error;
  }
}
