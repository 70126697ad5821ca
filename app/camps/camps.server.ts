// Camps: who may see a camp, what its staff and its participants see, and the teams.
//
// A camp is a Camp row plus its Offering (course mode "camp"): the schedule is the offering's
// sessions, the participants are its enrolments (enrolled like a class). Team membership keeps
// its history: a move closes the open TeamMember row (leftAt, changedById, reason) and opens a
// new one in the same transaction; rows are never deleted or reopened in place.
import { campLength } from "./length";
import { recordAudit } from "~/audit/audit.server";
import { findEnabledTrainer } from "~/auth/accounts.server";
import { inTransaction } from "~/db/transaction.server";
import type { SessionUser } from "~/auth/guards.server";
import { db, dialect, type DbTx } from "~/utils/db.server";
import { forbidden, notFound } from "~/utils/http.server";
import { CAMP_ERRORS, CampError } from "./errors";
import { AUTO_SPLIT_REASON, MAX_TEAMS } from "./limits";
import { splitIntoTeams } from "./team-split";

export const CAMP_STAFF_ROLES = ["lead", "mentor", "judge"] as const;
export type CampStaffRole = (typeof CAMP_STAFF_ROLES)[number];
/** Staff who organise teams and briefs; judges only look. */
export const ORGANISER_ROLES: readonly CampStaffRole[] = ["lead", "mentor"];
/** Enrolment statuses of a camp participant (enrolled like a class). */
export const PARTICIPANT_STATUSES = ["enrolled", "completed", "not_completed"];
export { AUTO_SPLIT_REASON, MAX_TEAMS };

const isStaffRole = (role: string): role is CampStaffRole => (CAMP_STAFF_ROLES as readonly string[]).includes(role);

// ---------------------------------------------------------------- access

/** The user's role in the camp: null when none, undefined when there is no such camp. */
export async function campStaffRole(userId: number, campId: number): Promise<CampStaffRole | null | undefined> {
  const camp = await db.camp.findUnique({
    where: { id: campId },
    select: { staff: { where: { userId }, select: { role: true } } },
  });
  if (!camp) return undefined;
  const role = camp.staff[0]?.role;
  return role && isStaffRole(role) ? role : null;
}

/** 404 for an unknown camp, 403 for anyone not on its staff (or not in `roles`). */
export async function requireCampStaff(
  user: Pick<SessionUser, "id">,
  campId: number,
  roles: readonly CampStaffRole[] = CAMP_STAFF_ROLES,
): Promise<CampStaffRole> {
  const role = await campStaffRole(user.id, campId);
  if (role === undefined) notFound();
  if (role === null || !roles.includes(role)) forbidden();
  return role;
}

// ---------------------------------------------------------------- reading

/** "2026-03-10": the Shanghai calendar day of an instant (UTC+8 all year). */
export function shanghaiDayKey(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

type SessionRow = { id: number; title: string; startsAt: Date; endsAt: Date; venue: string | null };

/** Sessions by Shanghai day, numbered within the camp. */
function scheduleByDay(sessions: SessionRow[]) {
  const days: { day: string; number: number; sessions: (SessionRow & { number: number })[] }[] = [];
  sessions.forEach((s, i) => {
    const day = shanghaiDayKey(s.startsAt);
    let entry = days.at(-1);
    if (!entry || entry.day !== day) {
      entry = { day, number: days.length + 1, sessions: [] };
      days.push(entry);
    }
    entry.sessions.push({ ...s, number: i + 1 });
  });
  return days;
}

const unitSelect = { select: { nameZh: true, nameEn: true } } as const;
const personSelect = { id: true, name: true, employeeNo: true, unit: unitSelect } as const;

async function campHead(campId: number) {
  const camp = await db.camp.findUnique({
    where: { id: campId },
    select: {
      id: true,
      status: true,
      offeringId: true,
      offering: {
        select: {
          code: true,
          startsAt: true,
          endsAt: true,
          venue: true,
          course: { select: { titleZh: true, titleEn: true } },
          sessions: { orderBy: { startsAt: "asc" }, select: { id: true, title: true, startsAt: true, endsAt: true, venue: true } },
        },
      },
    },
  });
  if (!camp) notFound();
  const { sessions, ...offering } = camp.offering;
  // The length comes from the class's dates (app/camps/length.ts), not Camp.nights.
  return { camp: { id: camp.id, status: camp.status, length: campLength(offering.startsAt, offering.endsAt), offeringId: camp.offeringId, offering }, days: scheduleByDay(sessions) };
}

async function staffOf(campId: number) {
  const rows = await db.campStaff.findMany({
    where: { campId },
    orderBy: { userId: "asc" },
    select: { role: true, user: { select: { id: true, displayName: true } } },
  });
  return rows.map((r) => ({ userId: r.user.id, displayName: r.user.displayName, role: r.role }));
}

async function participantsOf(offeringId: number) {
  const rows = await db.enrolment.findMany({
    where: { offeringId, status: { in: PARTICIPANT_STATUSES } },
    orderBy: { person: { employeeNo: "asc" } },
    select: { status: true, person: { select: personSelect } },
  });
  return rows.map((r) => ({ ...r.person, status: r.status }));
}

async function teamsOf(campId: number, withHistory: boolean) {
  return db.team.findMany({
    where: { campId },
    orderBy: { id: "asc" },
    select: {
      id: true,
      name: true,
      mentorUserId: true,
      _count: { select: { projects: true } },
      members: {
        where: withHistory ? {} : { leftAt: null },
        orderBy: [{ joinedAt: "asc" }, { id: "asc" }],
        select: { id: true, joinedAt: true, leftAt: true, reason: true, person: { select: personSelect } },
      },
    },
  });
}

/** Everything the camp's staff see on the overview. */
export async function loadCampOverview(campId: number) {
  const { camp, days } = await campHead(campId);
  const [staff, participants, teams, briefs] = await Promise.all([
    staffOf(campId),
    participantsOf(camp.offeringId),
    teamsOf(campId, false),
    db.projectBrief.findMany({ where: { campId }, orderBy: [{ dueAt: "asc" }, { id: "asc" }], select: { id: true, title: true, description: true, dueAt: true } }),
  ]);
  const projects = await db.project.findMany({
    where: { team: { campId } },
    orderBy: { id: "asc" },
    select: {
      id: true,
      title: true,
      teamId: true,
      briefId: true,
      versions: {
        orderBy: { versionNo: "desc" },
        take: 1,
        select: {
          versionNo: true,
          submittedAt: true,
          late: true,
          attachments: { orderBy: { id: "asc" }, select: { id: true, originalName: true, sizeBytes: true } },
        },
      },
    },
  });
  const staffName = new Map(staff.map((s) => [s.userId, s.displayName]));
  const teamOf = new Map<number, { id: number; name: string }>();
  for (const team of teams) for (const m of team.members) teamOf.set(m.person.id, { id: team.id, name: team.name });
  return {
    camp,
    days,
    staff,
    briefs,
    participants: participants.map((p) => ({ ...p, team: teamOf.get(p.id) ?? null })),
    teams: teams.map((t) => ({
      id: t.id,
      name: t.name,
      mentor: t.mentorUserId ? { id: t.mentorUserId, displayName: staffName.get(t.mentorUserId) ?? null } : null,
      members: t.members.map((m) => m.person),
    })),
    projects: projects.map(({ versions, ...p }) => ({ ...p, latest: versions[0] ?? null })),
  };
}

/** The teams page: teams with their whole membership history, and who has no team yet. */
export async function loadCampTeams(campId: number) {
  const { camp } = await campHead(campId);
  const [staff, participants, teams] = await Promise.all([staffOf(campId), participantsOf(camp.offeringId), teamsOf(campId, true)]);
  const placed = new Set(teams.flatMap((t) => t.members.filter((m) => m.leftAt === null).map((m) => m.person.id)));
  const staffName = new Map(staff.map((s) => [s.userId, s.displayName]));
  return {
    camp,
    staff,
    hasProjects: teams.some((t) => t._count.projects > 0),
    unassigned: participants.filter((p) => !placed.has(p.id)),
    teams: teams.map((t) => ({
      id: t.id,
      name: t.name,
      projectCount: t._count.projects,
      mentor: t.mentorUserId ? { id: t.mentorUserId, displayName: staffName.get(t.mentorUserId) ?? null } : null,
      members: t.members.filter((m) => m.leftAt === null).map((m) => ({ ...m.person, joinedAt: m.joinedAt })),
      former: t.members.filter((m) => m.leftAt !== null).map((m) => ({ ...m.person, joinedAt: m.joinedAt, leftAt: m.leftAt!, reason: m.reason })),
    })),
  };
}

// ---------------------------------------------------------------- the participant's side

/**
 * The camp a person takes part in (the latest one if several), or null. The person comes
 * from the session, never from the request.
 */
export async function findParticipantCamp(personId: number, tx: DbTx = db): Promise<{ campId: number; offeringId: number } | null> {
  const enrolment = await tx.enrolment.findFirst({
    where: { personId, status: { in: PARTICIPANT_STATUSES }, offering: { camp: { isNot: null } } },
    orderBy: [{ offering: { startsAt: "desc" } }, { id: "desc" }],
    select: { offeringId: true, offering: { select: { camp: { select: { id: true } } } } },
  });
  const campId = enrolment?.offering.camp?.id;
  return campId ? { campId, offeringId: enrolment.offeringId } : null;
}

/** The first brief (by due time) of the person's camp, or null. */
export async function firstBriefId(personId: number): Promise<number | null> {
  const found = await findParticipantCamp(personId);
  if (!found) return null;
  const brief = await db.projectBrief.findFirst({ where: { campId: found.campId }, orderBy: [{ dueAt: "asc" }, { id: "asc" }], select: { id: true } });
  return brief?.id ?? null;
}

/** The person's open team in the camp, or null. */
export async function currentTeam(tx: DbTx, campId: number, personId: number) {
  const row = await tx.teamMember.findFirst({
    where: { personId, leftAt: null, team: { campId } },
    orderBy: { id: "desc" },
    select: { team: { select: { id: true, name: true, mentorUserId: true } } },
  });
  return row?.team ?? null;
}

/** A participant's camp page: schedule, their own team and mentor, the briefs and their team's projects. */
export async function loadMyCamp(personId: number) {
  const found = await findParticipantCamp(personId);
  if (!found) return null;
  const { camp, days } = await campHead(found.campId);
  const team = await currentTeam(db, found.campId, personId);
  const [members, mentor, briefs, projects] = await Promise.all([
    team
      ? db.teamMember.findMany({
          where: { teamId: team.id, leftAt: null },
          orderBy: [{ joinedAt: "asc" }, { id: "asc" }],
          select: { person: { select: { id: true, name: true, unit: unitSelect } } },
        })
      : [],
    team?.mentorUserId ? db.user.findUnique({ where: { id: team.mentorUserId }, select: { displayName: true } }) : null,
    db.projectBrief.findMany({ where: { campId: found.campId }, orderBy: [{ dueAt: "asc" }, { id: "asc" }], select: { id: true, title: true, description: true, dueAt: true } }),
    team
      ? db.project.findMany({
          where: { teamId: team.id },
          select: { briefId: true, title: true, versions: { orderBy: { versionNo: "desc" }, take: 1, select: { versionNo: true, submittedAt: true, late: true } } },
        })
      : [],
  ]);
  const projectByBrief = new Map(projects.map((p) => [p.briefId, { title: p.title, latest: p.versions[0] ?? null }]));
  return {
    camp,
    days,
    team: team ? { id: team.id, name: team.name, mentor: mentor?.displayName ?? null, members: members.map((m) => m.person) } : null,
    briefs: briefs.map((b) => ({ ...b, project: projectByBrief.get(b.id) ?? null })),
  };
}

// ---------------------------------------------------------------- changing teams

/**
 * Team changes of one camp take turns: on PostgreSQL the camp's row is locked first, so two
 * organisers moving the same person (or a move racing the automatic split) cannot both see
 * "no open membership" and both open one. SQLite has one connection (ADR 003) and needs none.
 */
async function assertCampOpen(tx: DbTx, campId: number) {
  if (dialect() === "postgresql") await tx.$queryRaw`SELECT "id" FROM "Camp" WHERE "id" = ${campId} FOR UPDATE`;
  const camp = await tx.camp.findUnique({ where: { id: campId }, select: { status: true, offeringId: true } });
  if (!camp) throw new CampError(CAMP_ERRORS.campNotFound);
  if (camp.status === "closed") throw new CampError(CAMP_ERRORS.campClosed);
  return camp;
}

async function teamInCamp(tx: DbTx, campId: number, teamId: number) {
  const team = await tx.team.findUnique({ where: { id: teamId }, select: { id: true, campId: true, name: true, mentorUserId: true } });
  if (!team || team.campId !== campId) throw new CampError(CAMP_ERRORS.teamNotFound);
  return team;
}

function requireReason(reason: string | null | undefined): string {
  const trimmed = (reason ?? "").trim();
  if (!trimmed) throw new CampError(CAMP_ERRORS.reasonRequired);
  return trimmed;
}

/** A team name not yet used in the camp: "第1组", "第2组", … */
function freeTeamName(taken: Set<string>): string {
  for (let n = 1; ; n++) {
    const name = `第${n}组`;
    if (!taken.has(name)) {
      taken.add(name);
      return name;
    }
  }
}

/**
 * Splits the camp's participants into `teamCount` teams (see team-split.ts). Existing teams
 * are reused in order and new ones named 第n组; people who stay in their team keep their
 * membership row, the others' rows are closed and new ones opened. Refused once any team has
 * a project: from then on people move by hand, with a reason.
 */
export async function autoSplitTeams(input: { campId: number; teamCount: number; actorId: number; now?: Date }) {
  const now = input.now ?? new Date();
  return db.$transaction(async (tx) => {
    const camp = await assertCampOpen(tx, input.campId);
    const withProjects = await tx.team.count({ where: { campId: input.campId, projects: { some: {} } } });
    if (withProjects > 0) throw new CampError(CAMP_ERRORS.teamsHaveProjects, { count: withProjects });
    if (!Number.isInteger(input.teamCount) || input.teamCount < 1 || input.teamCount > MAX_TEAMS) {
      throw new CampError(CAMP_ERRORS.tooManyTeams, { max: MAX_TEAMS });
    }
    const offering = await tx.offering.findUniqueOrThrow({ where: { id: camp.offeringId }, select: { startsAt: true } });
    const enrolments = await tx.enrolment.findMany({
      where: { offeringId: camp.offeringId, status: { in: PARTICIPANT_STATUSES } },
      select: { person: { select: { id: true, postTypeCode: true, hiredOn: true, unitId: true, unit: { select: { parentId: true, kind: true } } } } },
    });
    if (enrolments.length === 0) throw new CampError(CAMP_ERRORS.noParticipants);
    if (input.teamCount > enrolments.length) throw new CampError(CAMP_ERRORS.tooManyTeams, { max: enrolments.length });
    const people = enrolments.map(({ person }) => ({
      id: person.id,
      areaId: person.unitId,
      // A person on a street's own staff (not an area) counts as their own "area" in that street.
      streetId: person.unit.kind === "area" ? (person.unit.parentId ?? person.unitId) : person.unitId,
      postTypeCode: person.postTypeCode,
      hiredOn: person.hiredOn,
    }));
    const split = splitIntoTeams(people, input.teamCount, offering.startsAt);

    const existing = await tx.team.findMany({ where: { campId: input.campId }, orderBy: { id: "asc" }, select: { id: true, name: true } });
    const taken = new Set(existing.map((t) => t.name));
    const teamIds: number[] = [];
    for (let i = 0; i < split.length; i++) {
      if (existing[i]) teamIds.push(existing[i].id);
      else teamIds.push((await tx.team.create({ data: { campId: input.campId, name: freeTeamName(taken) }, select: { id: true } })).id);
    }
    const open = await tx.teamMember.findMany({
      where: { leftAt: null, team: { campId: input.campId } },
      select: { id: true, teamId: true, personId: true },
    });
    const target = new Map<number, number>();
    split.forEach((members, i) => members.forEach((personId) => target.set(personId, teamIds[i])));
    let moved = 0;
    for (const row of open) {
      if (target.get(row.personId) === row.teamId) {
        target.delete(row.personId);
        continue;
      }
      await tx.teamMember.update({ where: { id: row.id }, data: { leftAt: now, changedById: input.actorId, reason: AUTO_SPLIT_REASON } });
    }
    for (const [personId, teamId] of target) {
      await tx.teamMember.create({ data: { teamId, personId, joinedAt: now, changedById: input.actorId, reason: AUTO_SPLIT_REASON } });
      moved++;
    }
    await recordAudit(tx, {
      actorId: input.actorId,
      action: "camp.teams.split",
      entityType: "Camp",
      entityId: input.campId,
      after: { teams: split.map((members, i) => ({ teamId: teamIds[i], members })) },
    });
    return { teams: split.length, placed: moved };
  });
}

/** A new, empty team (for splitting by hand). */
export async function createTeam(input: { campId: number; name: string; actorId: number }) {
  const name = input.name.trim();
  return db.$transaction(async (tx) => {
    await assertCampOpen(tx, input.campId);
    const clash = await tx.team.findUnique({ where: { campId_name: { campId: input.campId, name } }, select: { id: true } });
    if (clash) throw new CampError(CAMP_ERRORS.teamNameTaken, { name });
    const team = await tx.team.create({ data: { campId: input.campId, name }, select: { id: true, name: true } });
    await recordAudit(tx, { actorId: input.actorId, action: "camp.team.created", entityType: "Team", entityId: team.id, after: { campId: input.campId, name } });
    return team;
  });
}

/** Sets (or clears, with null) a team's mentor: someone on the camp's staff. */
export async function setTeamMentor(input: { campId: number; teamId: number; mentorUserId: number | null; actorId: number }) {
  return db.$transaction(async (tx) => {
    await assertCampOpen(tx, input.campId);
    const team = await teamInCamp(tx, input.campId, input.teamId);
    if (input.mentorUserId !== null) {
      const staff = await tx.campStaff.findUnique({ where: { campId_userId: { campId: input.campId, userId: input.mentorUserId } }, select: { role: true } });
      if (!staff) throw new CampError(CAMP_ERRORS.mentorNotStaff);
    }
    await tx.team.update({ where: { id: team.id }, data: { mentorUserId: input.mentorUserId } });
    await recordAudit(tx, {
      actorId: input.actorId,
      action: "camp.team.mentor",
      entityType: "Team",
      entityId: team.id,
      before: { mentorUserId: team.mentorUserId },
      after: { mentorUserId: input.mentorUserId },
    });
  });
}

/**
 * Puts a participant in a team. Someone already in a team moves with a reason: the open row
 * is closed (leftAt, changedById, reason) before the new one is opened, in one transaction.
 */
export async function movePerson(input: { campId: number; personId: number; toTeamId: number; reason?: string | null; actorId: number; now?: Date }) {
  const now = input.now ?? new Date();
  return db.$transaction(async (tx) => {
    const camp = await assertCampOpen(tx, input.campId);
    const team = await teamInCamp(tx, input.campId, input.toTeamId);
    const enrolment = await tx.enrolment.findUnique({
      where: { offeringId_personId: { offeringId: camp.offeringId, personId: input.personId } },
      select: { status: true },
    });
    if (!enrolment || !PARTICIPANT_STATUSES.includes(enrolment.status)) throw new CampError(CAMP_ERRORS.notParticipant);
    const person = await tx.person.findUniqueOrThrow({ where: { id: input.personId }, select: { name: true } });
    const open = await tx.teamMember.findMany({
      where: { personId: input.personId, leftAt: null, team: { campId: input.campId } },
      select: { id: true, teamId: true },
    });
    if (open.some((row) => row.teamId === team.id)) throw new CampError(CAMP_ERRORS.alreadyInTeam, { team: team.name });
    const reason = open.length > 0 ? requireReason(input.reason) : (input.reason ?? "").trim() || null;
    for (const row of open) {
      await tx.teamMember.update({ where: { id: row.id }, data: { leftAt: now, changedById: input.actorId, reason } });
    }
    await tx.teamMember.create({ data: { teamId: team.id, personId: input.personId, joinedAt: now, changedById: input.actorId, reason } });
    await recordAudit(tx, {
      actorId: input.actorId,
      action: open.length > 0 ? "camp.team.moved" : "camp.team.placed",
      entityType: "Team",
      entityId: team.id,
      personId: input.personId,
      before: open.length > 0 ? { teamIds: open.map((r) => r.teamId) } : null,
      after: { teamId: team.id },
      reason,
    });
    return { teamName: team.name, personName: person.name };
  });
}

/** A new brief (assignment) of the camp. */
export async function addBrief(input: { campId: number; title: string; description: string; dueAt: Date; actorId: number }) {
  // Retried if it collides with the lead closing the camp (the camp row lock on PostgreSQL).
  return inTransaction(async (tx) => {
    await assertCampOpen(tx, input.campId);
    const brief = await tx.projectBrief.create({
      data: { campId: input.campId, title: input.title, description: input.description, dueAt: input.dueAt },
      select: { id: true },
    });
    await recordAudit(tx, {
      actorId: input.actorId,
      action: "camp.brief.created",
      entityType: "ProjectBrief",
      entityId: brief.id,
      after: { campId: input.campId, title: input.title, dueAt: input.dueAt.toISOString() },
    });
    return brief;
  });
}

// ---------------------------------------------------------------- closing the camp

/** What a reopened camp's status is: released when every project is, grading once marks exist, else open. */
async function statusAfterReopen(tx: DbTx, campId: number): Promise<string> {
  const projects = await tx.project.findMany({ where: { team: { campId } }, select: { finalMark: { select: { releasedAt: true } }, _count: { select: { marks: true } } } });
  if (projects.length > 0 && projects.every((p) => p.finalMark?.releasedAt)) return "released";
  return projects.some((p) => p._count.marks > 0 || p.finalMark) ? "grading" : "open";
}

/**
 * The lead mentor closes the camp (no more submissions, team changes or briefs; marking,
 * moderation and release go on) or reopens it. A reason is required either way; audited.
 */
export async function setCampClosed(input: { campId: number; actorId: number; closed: boolean; reason: string }) {
  const reason = input.reason.trim();
  if (!reason) throw new CampError(CAMP_ERRORS.statusReasonRequired);
  return db.$transaction(async (tx) => {
    if (dialect() === "postgresql") await tx.$queryRaw`SELECT "id" FROM "Camp" WHERE "id" = ${input.campId} FOR UPDATE`;
    const camp = await tx.camp.findUnique({ where: { id: input.campId }, select: { status: true, staff: { where: { userId: input.actorId }, select: { role: true } } } });
    if (!camp) throw new CampError(CAMP_ERRORS.campNotFound);
    if (camp.staff[0]?.role !== "lead") throw new CampError(CAMP_ERRORS.notAllowed);
    if ((camp.status === "closed") === input.closed) throw new CampError(input.closed ? CAMP_ERRORS.campClosed : CAMP_ERRORS.campNotClosed);
    const status = input.closed ? "closed" : await statusAfterReopen(tx, input.campId);
    await tx.camp.update({ where: { id: input.campId }, data: { status }, select: { id: true } });
    await recordAudit(tx, {
      actorId: input.actorId,
      action: input.closed ? "camp.closed" : "camp.reopened",
      entityType: "Camp",
      entityId: input.campId,
      before: { status: camp.status },
      after: { status },
      reason,
    });
    return { status };
  });
}

// ---------------------------------------------------------------- settings and staff

export type CampSettings = { passMark: number; markersPerProject: number; moderationThresholdPct: number; blindMarking: boolean };

async function requireLeadIn(tx: DbTx, campId: number, userId: number) {
  const camp = await tx.camp.findUnique({ where: { id: campId }, select: { id: true, staff: { where: { userId }, select: { role: true } } } });
  if (!camp) throw new CampError(CAMP_ERRORS.campNotFound);
  if (camp.staff[0]?.role !== "lead") throw new CampError(CAMP_ERRORS.notAllowed);
}

/**
 * The lead mentor sets the camp's marking rules. How marking works (markers per project, the
 * moderation threshold, blind marking) is fixed once the first mark exists — changing it
 * mid-way would reveal blind marks or move projects in and out of moderation; the pass mark
 * is fixed once a mark is released, since released outcomes and credits follow from it.
 * Audited with before and after.
 */
export async function updateCampSettings(input: { campId: number; actorId: number; settings: CampSettings }) {
  return db.$transaction(async (tx) => {
    if (dialect() === "postgresql") await tx.$queryRaw`SELECT "id" FROM "Camp" WHERE "id" = ${input.campId} FOR UPDATE`;
    await requireLeadIn(tx, input.campId, input.actorId);
    const before = await tx.camp.findUniqueOrThrow({
      where: { id: input.campId },
      select: { passMark: true, markersPerProject: true, moderationThresholdPct: true, blindMarking: true },
    });
    const next = input.settings;
    const markingChanged =
      before.markersPerProject !== next.markersPerProject || before.moderationThresholdPct !== next.moderationThresholdPct || before.blindMarking !== next.blindMarking;
    if (markingChanged && (await tx.mark.count({ where: { project: { team: { campId: input.campId } } } })) > 0) {
      throw new CampError(CAMP_ERRORS.markingStarted);
    }
    if (before.passMark !== next.passMark && (await tx.finalMark.count({ where: { releasedAt: { not: null }, project: { team: { campId: input.campId } } } })) > 0) {
      throw new CampError(CAMP_ERRORS.marksReleased);
    }
    const changed = (Object.keys(next) as (keyof CampSettings)[]).filter((key) => before[key] !== next[key]);
    if (changed.length === 0) return { changed };
    await tx.camp.update({ where: { id: input.campId }, data: next, select: { id: true } });
    await recordAudit(tx, {
      actorId: input.actorId,
      action: "camp.settings_changed",
      entityType: "Camp",
      entityId: input.campId,
      before: Object.fromEntries(changed.map((key) => [key, before[key]])),
      after: Object.fromEntries(changed.map((key) => [key, next[key]])),
    });
    return { changed };
  });
}

/** The lead adds a mentor or a guest judge (an enabled trainer account) to the camp's staff. Audited. */
export async function addCampStaff(input: { campId: number; actorId: number; userId: number; role: "mentor" | "judge" }) {
  return db.$transaction(async (tx) => {
    await requireLeadIn(tx, input.campId, input.actorId);
    const user = await findEnabledTrainer(tx, input.userId);
    if (!user) throw new CampError(CAMP_ERRORS.staffNotTrainer);
    const existing = await tx.campStaff.findUnique({ where: { campId_userId: { campId: input.campId, userId: input.userId } }, select: { role: true } });
    if (existing) throw new CampError(CAMP_ERRORS.alreadyStaff, { name: user.displayName });
    await tx.campStaff.create({ data: { campId: input.campId, userId: input.userId, role: input.role } });
    await recordAudit(tx, {
      actorId: input.actorId,
      action: "camp.staff_added",
      entityType: "Camp",
      entityId: input.campId,
      after: { userId: input.userId, role: input.role },
    });
    return { displayName: user.displayName };
  });
}

/**
 * The lead takes a mentor or judge off the staff, with a reason. Refused for the lead, and for
 * someone who has marked (their marks stay part of the grade history) or mentors a team.
 */
export async function removeCampStaff(input: { campId: number; actorId: number; userId: number; reason: string }) {
  const reason = requireReason(input.reason);
  return db.$transaction(async (tx) => {
    await requireLeadIn(tx, input.campId, input.actorId);
    const row = await tx.campStaff.findUnique({ where: { campId_userId: { campId: input.campId, userId: input.userId } }, select: { role: true, user: { select: { displayName: true } } } });
    if (!row) throw new CampError(CAMP_ERRORS.notStaff);
    if (row.role === "lead") throw new CampError(CAMP_ERRORS.notAllowed);
    const [marks, mentoring] = await Promise.all([
      tx.mark.count({ where: { markerId: input.userId, project: { team: { campId: input.campId } } } }),
      tx.team.count({ where: { campId: input.campId, mentorUserId: input.userId } }),
    ]);
    if (marks > 0 || mentoring > 0) throw new CampError(CAMP_ERRORS.staffInUse, { name: row.user.displayName });
    await tx.campStaff.delete({ where: { campId_userId: { campId: input.campId, userId: input.userId } } });
    await recordAudit(tx, {
      actorId: input.actorId,
      action: "camp.staff_removed",
      entityType: "Camp",
      entityId: input.campId,
      before: { userId: input.userId, role: row.role },
      reason,
    });
    return { displayName: row.user.displayName };
  });
}
