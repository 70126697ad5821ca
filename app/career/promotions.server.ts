// The yearly promotion round of 三岗十八级 and the post types' grade ranges.
//
// A district's HR officer (or an administrator) creates the round for a year: every active
// person in scope gets a PromotionProposal computed by ladder.ts from their grade history
// and appraisals. Re-running updates the proposals while the round is a draft (an override
// stays). HR may override a proposal with a reason, within the post's range. Confirming the
// round (once) writes a GradeRecord per changed grade (effective 1 January of the next year,
// reason regular / early / override, roundId) and Person.grade, in one transaction.
import { recordAudit } from "~/audit/audit.server";
import { canAccessUnit, unitScopeWhere, type SessionUser } from "~/auth/guards.server";
import { db, type DbTx } from "~/utils/db.server";
import { shanghaiYear } from "~/utils/time";
import { CareerError } from "./appraisals.server";
import {
  HIGHEST_GRADE,
  LADDER_RULES_KEY,
  LadderRulesSchema,
  LOWEST_GRADE,
  firstFullYear,
  isGradeInRange,
  isRating,
  parseExplanation,
  parseLadderRules,
  proposePromotion,
  serializeLadderRules,
  shanghaiNewYear,
  type LadderRules,
  type Rating,
} from "./ladder";

export async function loadLadderRules(client: DbTx = db): Promise<LadderRules> {
  const row = await client.setting.findUnique({ where: { key: LADDER_RULES_KEY }, select: { value: true } });
  return parseLadderRules(row?.value);
}

/** Saves the promotion and starting-grade rules (audited); the next round uses them. */
export async function saveLadderRules(actorId: number, input: unknown, reason: string): Promise<LadderRules> {
  const rules = LadderRulesSchema.parse(input);
  const value = serializeLadderRules(rules);
  await db.$transaction(async (tx) => {
    const before = await loadLadderRules(tx);
    await tx.setting.upsert({ where: { key: LADDER_RULES_KEY }, create: { key: LADDER_RULES_KEY, value }, update: { value } });
    await recordAudit(tx, {
      actorId,
      action: "ladder.rules_changed",
      entityType: "Setting",
      entityId: LADDER_RULES_KEY,
      before: JSON.parse(serializeLadderRules(before)),
      after: JSON.parse(value),
      reason,
    });
  });
  return rules;
}

/** Creating and confirming a round is for the district (or an administrator). */
async function requireDistrictOfficer(client: DbTx, viewer: SessionUser) {
  if (viewer.role === "admin") return;
  if (viewer.role === "hr" && viewer.scopeUnitId) {
    const unit = await client.unit.findUnique({ where: { id: viewer.scopeUnitId }, select: { kind: true } });
    if (unit?.kind === "district") return;
  }
  throw new CareerError("career.errors.districtOnly", {}, 403);
}

export async function canRunRounds(viewer: SessionUser): Promise<boolean> {
  try {
    await requireDistrictOfficer(db, viewer);
    return true;
  } catch {
    return false;
  }
}

export async function listRounds() {
  const rounds = await db.promotionRound.findMany({
    orderBy: { year: "desc" },
    select: { id: true, year: true, status: true, createdAt: true, confirmedAt: true, _count: { select: { proposals: true } } },
  });
  return rounds.map(({ _count, ...round }) => ({ ...round, proposals: _count.proposals }));
}

/** Creates the year's round, or refreshes its proposals while it is a draft. */
export async function createOrRefreshRound(actor: SessionUser, year: number) {
  if (year > shanghaiYear()) throw new CareerError("career.errors.futureYear", { year }, 400);
  return db.$transaction(
    async (tx) => {
      await requireDistrictOfficer(tx, actor);
      const existingRound = await tx.promotionRound.findUnique({ where: { year }, select: { id: true, status: true } });
      if (existingRound?.status === "confirmed") throw new CareerError("career.errors.roundConfirmed", { year });
      const round =
        existingRound ?? (await tx.promotionRound.create({ data: { year, createdById: actor.id }, select: { id: true, status: true } }));

      const people = await tx.person.findMany({
        where: { active: true, unit: unitScopeWhere(actor) },
        orderBy: { id: "asc" },
        select: {
          id: true,
          grade: true,
          hiredOn: true,
          postType: { select: { code: true, minGrade: true, maxGrade: true } },
        },
      });
      const ids = people.map((p) => p.id);
      const [records, appraisals, current] = await Promise.all([
        tx.gradeRecord.findMany({
          where: { personId: { in: ids } },
          orderBy: [{ effectiveFrom: "desc" }, { id: "desc" }],
          select: { personId: true, effectiveFrom: true, reason: true },
        }),
        tx.appraisal.findMany({ where: { personId: { in: ids }, year: { lte: year } }, select: { personId: true, year: true, rating: true } }),
        tx.promotionProposal.findMany({ where: { roundId: round.id }, select: { id: true, personId: true } }),
      ]);
      const since = new Map<number, Date>();
      const earlyUsed = new Map<number, number>();
      for (const r of records) {
        if (!since.has(r.personId)) since.set(r.personId, r.effectiveFrom);
        if (r.reason === "early") earlyUsed.set(r.personId, (earlyUsed.get(r.personId) ?? 0) + 1);
      }
      const ratings = new Map<number, Map<number, Rating>>();
      for (const a of appraisals) {
        if (!isRating(a.rating)) continue;
        if (!ratings.has(a.personId)) ratings.set(a.personId, new Map());
        ratings.get(a.personId)!.set(a.year, a.rating);
      }
      const proposalId = new Map(current.map((p) => [p.personId, p.id]));
      const rules = await loadLadderRules(tx);

      let created = 0;
      let updated = 0;
      const fresh = [];
      for (const person of people) {
        const result = proposePromotion({
          post: person.postType,
          currentGrade: person.grade,
          firstYear: firstFullYear(since.get(person.id) ?? person.hiredOn),
          year,
          ratings: ratings.get(person.id) ?? new Map(),
          earlyStepsUsed: earlyUsed.get(person.id) ?? 0,
          rules,
        });
        const data = {
          currentGrade: result.currentGrade,
          proposedGrade: result.proposedGrade,
          explanation: JSON.stringify({ kind: result.kind, steps: result.steps }),
        };
        const id = proposalId.get(person.id);
        if (id) {
          await tx.promotionProposal.update({ where: { id }, data });
          updated += 1;
        } else {
          fresh.push({ roundId: round.id, personId: person.id, ...data });
          created += 1;
        }
      }
      if (fresh.length > 0) await tx.promotionProposal.createMany({ data: fresh });
      await recordAudit(tx, {
        actorId: actor.id,
        action: existingRound ? "promotion.round_refreshed" : "promotion.round_created",
        entityType: "PromotionRound",
        entityId: round.id,
        after: { year, created, updated },
      });
      return { roundId: round.id, created, updated, refreshed: Boolean(existingRound) };
    },
    { timeout: 30_000 },
  );
}

/** The round's proposals that this viewer may see (their unit subtree). */
export async function roundView(viewer: SessionUser, year: number, options: { onlyChanges?: boolean } = {}) {
  const round = await db.promotionRound.findUnique({
    where: { year },
    select: { id: true, year: true, status: true, createdAt: true, confirmedAt: true },
  });
  if (!round) return null;
  const proposals = await db.promotionProposal.findMany({
    where: { roundId: round.id, person: { unit: unitScopeWhere(viewer) } },
    orderBy: { person: { employeeNo: "asc" } },
    select: {
      id: true,
      currentGrade: true,
      proposedGrade: true,
      explanation: true,
      overrideGrade: true,
      overrideReason: true,
      person: {
        select: {
          id: true,
          employeeNo: true,
          name: true,
          unit: { select: { nameZh: true, nameEn: true } },
          postType: { select: { code: true, minGrade: true, maxGrade: true } },
        },
      },
    },
  });
  const rows = proposals.map((p) => {
    const finalGrade = p.overrideGrade ?? p.proposedGrade;
    return { ...p, finalGrade, changes: finalGrade !== p.currentGrade, explanation: parseExplanation(p.explanation) };
  });
  return {
    round,
    total: rows.length,
    changes: rows.filter((r) => r.changes).length,
    proposals: options.onlyChanges ? rows.filter((r) => r.changes) : rows,
  };
}

export async function overrideProposal(actor: SessionUser, input: { proposalId: number; grade: number; reason: string }) {
  const reason = input.reason.trim();
  if (!reason) throw new CareerError("career.errors.reasonRequired", {}, 400);
  return db.$transaction(async (tx) => {
    const proposal = await tx.promotionProposal.findUnique({
      where: { id: input.proposalId },
      select: {
        id: true,
        proposedGrade: true,
        overrideGrade: true,
        overrideReason: true,
        round: { select: { status: true, year: true } },
        person: { select: { id: true, name: true, unit: { select: { path: true } }, postType: { select: { minGrade: true, maxGrade: true } } } },
      },
    });
    if (!proposal) throw new CareerError("career.errors.proposalNotFound", {}, 404);
    if (!canAccessUnit(actor, proposal.person.unit)) throw new CareerError("career.errors.forbidden", {}, 403);
    if (proposal.round.status === "confirmed") throw new CareerError("career.errors.roundConfirmed", { year: proposal.round.year });
    const post = proposal.person.postType;
    if (!isGradeInRange(input.grade, post)) {
      throw new CareerError("career.errors.overrideOutOfRange", { grade: input.grade, min: post.minGrade, max: post.maxGrade }, 400);
    }
    await tx.promotionProposal.update({
      where: { id: proposal.id },
      data: { overrideGrade: input.grade, overrideReason: reason, overriddenById: actor.id },
    });
    await recordAudit(tx, {
      actorId: actor.id,
      action: "promotion.overridden",
      entityType: "PromotionProposal",
      entityId: proposal.id,
      personId: proposal.person.id,
      before: { proposedGrade: proposal.proposedGrade, overrideGrade: proposal.overrideGrade, overrideReason: proposal.overrideReason },
      after: { proposedGrade: proposal.proposedGrade, overrideGrade: input.grade, overrideReason: reason },
      reason,
    });
    return { name: proposal.person.name, grade: input.grade };
  });
}

/** Confirms the round once: GradeRecords and Person.grade for every changed grade. */
export async function confirmRound(actor: SessionUser, year: number) {
  return db.$transaction(
    async (tx) => {
      await requireDistrictOfficer(tx, actor);
      const round = await tx.promotionRound.findUnique({ where: { year }, select: { id: true, status: true } });
      if (!round) throw new CareerError("career.errors.roundNotFound", { year }, 404);
      // Conditional update: two officers confirming at once cannot both win.
      const claimed = await tx.promotionRound.updateMany({
        where: { id: round.id, status: "draft" },
        data: { status: "confirmed", confirmedAt: new Date(), confirmedById: actor.id },
      });
      if (claimed.count !== 1) throw new CareerError("career.errors.roundConfirmed", { year });

      const proposals = await tx.promotionProposal.findMany({
        where: { roundId: round.id },
        orderBy: { id: "asc" },
        select: {
          currentGrade: true,
          proposedGrade: true,
          overrideGrade: true,
          overrideReason: true,
          explanation: true,
          person: { select: { id: true, name: true, grade: true, postTypeCode: true } },
        },
      });
      const effectiveFrom = shanghaiNewYear(year + 1);
      let changed = 0;
      for (const p of proposals) {
        const finalGrade = p.overrideGrade ?? p.proposedGrade;
        if (finalGrade === p.currentGrade) continue;
        if (p.person.grade !== p.currentGrade) {
          throw new CareerError("career.errors.gradeChanged", { name: p.person.name, grade: p.person.grade, expected: p.currentGrade });
        }
        const kind = parseExplanation(p.explanation).kind;
        const reason = p.overrideGrade !== null ? "override" : kind === "early" ? "early" : "regular";
        await tx.gradeRecord.create({
          data: {
            personId: p.person.id,
            postTypeCode: p.person.postTypeCode,
            grade: finalGrade,
            effectiveFrom,
            reason,
            note: p.overrideGrade !== null ? (p.overrideReason ?? "") : "",
            roundId: round.id,
            recordedById: actor.id,
          },
        });
        await tx.person.update({ where: { id: p.person.id }, data: { grade: finalGrade } });
        await recordAudit(tx, {
          actorId: actor.id,
          action: "person.grade_changed",
          entityType: "Person",
          entityId: p.person.id,
          personId: p.person.id,
          before: { grade: p.currentGrade },
          after: { grade: finalGrade, reason, roundYear: year },
          reason: p.overrideGrade !== null ? p.overrideReason : null,
        });
        changed += 1;
      }
      await recordAudit(tx, {
        actorId: actor.id,
        action: "promotion.round_confirmed",
        entityType: "PromotionRound",
        entityId: round.id,
        before: { status: "draft" },
        after: { status: "confirmed", year, proposals: proposals.length, changed },
      });
      return { proposals: proposals.length, changed };
    },
    { timeout: 30_000 },
  );
}

// ---------------------------------------------------------------- post types (admin)

export async function listPostTypes() {
  const [posts, counts] = await Promise.all([
    db.postType.findMany({ orderBy: [{ sortOrder: "asc" }, { code: "asc" }] }),
    db.person.groupBy({ by: ["postTypeCode"], where: { active: true }, _count: { _all: true } }),
  ]);
  const countBy = new Map(counts.map((c) => [c.postTypeCode, c._count._all]));
  return posts.map((p) => ({ ...p, people: countBy.get(p.code) ?? 0 }));
}

/** Renames a post type or changes its range; refuses a range that would strand people. */
export async function updatePostType(
  actorId: number,
  input: { code: string; nameZh: string; nameEn: string; minGrade: number; maxGrade: number; reason: string },
) {
  if (input.minGrade < LOWEST_GRADE || input.maxGrade > HIGHEST_GRADE || input.minGrade > input.maxGrade) {
    throw new CareerError("career.errors.badRange", { min: LOWEST_GRADE, max: HIGHEST_GRADE }, 400);
  }
  return db.$transaction(async (tx) => {
    const before = await tx.postType.findUnique({
      where: { code: input.code },
      select: { nameZh: true, nameEn: true, minGrade: true, maxGrade: true },
    });
    if (!before) throw new CareerError("career.errors.postNotFound", {}, 404);
    const outside = await tx.person.count({
      where: { active: true, postTypeCode: input.code, OR: [{ grade: { lt: input.minGrade } }, { grade: { gt: input.maxGrade } }] },
    });
    if (outside > 0) {
      throw new CareerError("career.errors.peopleOutsideRange", { count: outside, min: input.minGrade, max: input.maxGrade });
    }
    const after = { nameZh: input.nameZh, nameEn: input.nameEn, minGrade: input.minGrade, maxGrade: input.maxGrade };
    await tx.postType.update({ where: { code: input.code }, data: after });
    await recordAudit(tx, {
      actorId,
      action: "post_type.changed",
      entityType: "PostType",
      entityId: input.code,
      before,
      after,
      reason: input.reason,
    });
    return after;
  });
}
