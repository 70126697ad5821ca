// The credit report: totals of ledger points by unit, post type, grade, year, competency or
// month, for HR's builder, its drill-downs, the CSV/XLSX exports and GET /api/v1/reports/credits.
//
// Public interface (stable; the API calls it):
//   reportScopeFor(user)                               who may see which units
//   runCreditReport(definition, scope)                 group rows + totals
//   reportPeople(definition, scope, groupKey, page)    drill-down 1: the person-years behind a row
//   reportPersonEntries(definition, scope, personId, groupKey)
//                                                      drill-down 2: the ledger entries behind a person
//   iterateReportPeople(definition, scope)             person-year rows in batches, in group order,
//                                                      for streamed exports (app/reports/export.server.ts)
// A definition comes from ReportDefinitionSchema (app/reports/definition.ts). Amounts are centipoints.
//
// How the figures are computed (and why they agree with every other page):
// - Whether a person-year met the requirement, and its counted points, come from
//   creditStatusesForYear — the one status computation (app/credits/status.ts) — called for the
//   people of the report in chunks, never re-derived here.
// - Points come from the same call's per-person sums by category and by competency (the credit
//   summaries kept by the ledger triggers) whenever the question can be answered from them.
//   Only a level filter, a month grouping, or a competency crossed with a category needs the
//   ledger itself: then one GROUP BY over LedgerEntry (⋈ LedgerCompetency, Offering, Course)
//   per chunk and year.
// - Work is done chunk by chunk (CHUNK people at a time) and folded into group accumulators,
//   so memory grows with the number of groups, not with the number of people or entries.
import { Prisma } from "~/generated/sqlite/client";
import { subtreeWhere, type SessionUser } from "~/auth/guards.server";
import { creditStatusesForYear, type YearCreditStatus } from "~/credits/ledger.server";
import { CREDIT_CATEGORIES, isCreditCategory, type CreditCategory } from "~/credits/status";
import { db, dialect, type DbTx } from "~/utils/db.server";
import { shanghaiYear } from "~/utils/time";
import {
  defaultDefinition,
  formatGroupKey,
  isPersonDimension,
  parseGroupKey,
  type Dimension,
  type GroupKeyPart,
  type PersonDimension,
  type ReportDefinition,
} from "./definition";

export type ReportErrorCode =
  | "reports.errors.forbidden"
  | "reports.errors.unitOutOfScope"
  | "reports.errors.groupKey"
  | "reports.errors.personOutOfScope"
  | "reports.errors.sheetsNeedPersonGroup";

/** A refused report request; `code` is a message key, `status` the HTTP status to answer. */
export class ReportError extends Error {
  readonly code: ReportErrorCode;
  readonly status: number;
  constructor(code: ReportErrorCode, status = 400) {
    super(code);
    this.name = "ReportError";
    this.code = code;
    this.status = status;
  }
}

/** The units a report may cover: a unit path and its subtree, or null for every unit. */
export type ReportScope = { unitPath: string | null };

/** HR: their unit subtree; administrators: everything; anyone else: refused. */
export function reportScopeFor(user: Pick<SessionUser, "role" | "scopeUnitPath">): ReportScope {
  if (user.role === "admin") return { unitPath: null };
  if (user.role === "hr" && user.scopeUnitPath) return { unitPath: user.scopeUnitPath };
  throw new ReportError("reports.errors.forbidden", 403);
}

export type Labels = { zh: string; en: string };
export type LabelledPart = GroupKeyPart & { label: Labels };

export type ReportFigures = {
  /** Person-years in the group (for a competency or month group: those with points in it). */
  headcount: number;
  met: number;
  unmet: number;
  /** met / headcount, null for an empty group. */
  metRate: number | null;
  /** Net points matching the filters (centipoints). */
  points: number;
  avgPoints: number | null;
  /** Sum of counted points (status), null when points are split by competency or month. */
  counted: number | null;
  byCategory: Record<CreditCategory, number>;
};

export type ReportGroupRow = ReportFigures & { key: string; parts: LabelledPart[] };
/** order: the row's place in the groups' own order (units as listed, months in time…), from 0. */
export type OrderedGroupRow = ReportGroupRow & { order: number };

export type ReportUnit = { id: number; code: string; nameZh: string; nameEn: string; path: string };

export type CreditReportResult = {
  definition: ReportDefinition;
  root: ReportUnit;
  years: number[];
  rows: OrderedGroupRow[];
  totals: ReportFigures;
  /** "summaries" when answered from the status sums, "ledger" when the ledger was grouped. */
  source: "summaries" | "ledger";
};

export type ReportPersonRow = {
  personId: number;
  employeeNo: string;
  name: string;
  unit: Labels;
  postTypeCode: string;
  postType: Labels;
  grade: number;
  year: number;
  /** Points matching the filters (and, in a drill-down, the group). */
  points: number;
  byCategory: Record<CreditCategory, number>;
  /** From the status computation, for the whole person-year. */
  earned: number;
  counted: number;
  required: number;
  met: boolean;
  /** The person-level group parts (unit, post type, grade, year) this row belongs to. */
  parts: LabelledPart[];
  /** The person has left (counted by the leavers policy, placed in their last unit). */
  left: boolean;
};

/** People per status/ledger query batch: far below bound-parameter limits, few round trips. */
const CHUNK = 5000;
/**
 * Smaller batches for exports: each batch's rows are built and written before the next is
 * loaded, so this bounds what the export holds (docs/performance.md: credit report and exports).
 */
const EXPORT_CHUNK = 250;

type Context = {
  client: DbTx;
  definition: ReportDefinition;
  root: ReportUnit;
  years: number[];
  /** Units directly below the root (the "unit" dimension), by id. */
  childUnits: Map<number, ReportUnit & { order: number }>;
  postTypes: Map<string, { labels: Labels; order: number }>;
  competencies: Map<number, { labels: Labels; order: number }>;
  needsLedger: boolean;
  pointDims: Dimension[];
  /** Labelled person parts by "dim:value", shared by every row of that group (an export builds 20,000 rows). */
  labelledParts: Map<string, LabelledPart>;
  /** Whether people who have left count in `year` (the definition's leavers policy, ADR 011). */
  leaversIn: (year: number) => boolean;
};

/**
 * childId: the unit directly below the report's root that holds the person (see childUnitId).
 * A leaver (active false) is placed in their last unit and counts only in the years of
 * `presentYears`: those with a ledger entry, the only trace of when they were still here.
 */
type Member = { id: number; unitPath: string; childId: number; postTypeCode: string; grade: number; active: boolean; presentYears: Set<number> | null };
type Fact = { amount: number; category?: CreditCategory; competencyId?: number; month?: string };
type PersonYear = { member: Member; year: number; status: YearCreditStatus; facts: Fact[] };

// ------------------------------------------------------------------ context

async function buildContext(client: DbTx, definition: ReportDefinition, scope: ReportScope): Promise<Context> {
  const unitSelect = { id: true, code: true, nameZh: true, nameEn: true, path: true, sortOrder: true } as const;
  let root;
  if (definition.unitId !== undefined) {
    root = await client.unit.findUnique({ where: { id: definition.unitId }, select: unitSelect });
    // The same answer for "no such unit" and "not yours": ids don't leak.
    if (!root || (scope.unitPath && !root.path.startsWith(scope.unitPath))) throw new ReportError("reports.errors.unitOutOfScope", 403);
  } else if (scope.unitPath) {
    root = await client.unit.findFirst({ where: { path: scope.unitPath }, select: unitSelect });
  } else {
    root = await client.unit.findFirst({ where: { parentId: null }, orderBy: { id: "asc" }, select: unitSelect });
  }
  if (!root) throw new ReportError("reports.errors.unitOutOfScope", 403);

  const [children, postTypes, competencies] = await Promise.all([
    client.unit.findMany({ where: { parentId: root.id }, orderBy: [{ sortOrder: "asc" }, { code: "asc" }], select: unitSelect }),
    client.postType.findMany({ orderBy: { sortOrder: "asc" }, select: { code: true, nameZh: true, nameEn: true } }),
    client.competency.findMany({ orderBy: [{ sortOrder: "asc" }, { id: "asc" }], select: { id: true, nameZh: true, nameEn: true } }),
  ]);
  const childUnits = new Map<number, ReportUnit & { order: number }>();
  // People placed on the root itself form a group of their own, listed first.
  childUnits.set(root.id, { ...root, order: -1 });
  children.forEach((unit, order) => childUnits.set(unit.id, { ...unit, order }));

  const years: number[] = [];
  for (let year = definition.yearFrom; year <= definition.yearTo; year++) years.push(year);
  const pointDims = definition.groupBy.filter((dim) => !isPersonDimension(dim));
  const competencyInvolved = definition.competencyId !== undefined || pointDims.includes("competency");
  // "past": a year that is over is history, and history includes the people who have since
  // left; the current year is about who still has to meet the requirement.
  const currentYear = shanghaiYear();
  const leaversIn = (year: number) => definition.leavers === "all" || (definition.leavers === "past" && year < currentYear);
  const categoryInvolved = definition.category !== undefined || definition.columns.some((c) => isCreditCategory(c));
  return {
    client,
    definition,
    root,
    years,
    childUnits,
    postTypes: new Map(postTypes.map((p, order) => [p.code, { labels: { zh: p.nameZh, en: p.nameEn }, order }])),
    competencies: new Map(competencies.map((c, order) => [c.id, { labels: { zh: c.nameZh, en: c.nameEn }, order }])),
    needsLedger:
      definition.levelId !== undefined || pointDims.includes("month") || (competencyInvolved && categoryInvolved),
    pointDims,
    leaversIn,
    labelledParts: new Map(),
  };
}

/** The unit directly below the root that holds `path` (the root itself for its own people). */
function childUnitId(ctx: Context, path: string): number {
  const rest = path.slice(ctx.root.path.length);
  const first = rest.split("/")[0];
  return first ? Number(first) : ctx.root.id;
}

// ------------------------------------------------------------------ people

type PersonFilter = { unitPath?: string; postTypeCode?: string; grade?: number };

/** Which people (`p`, their unit `u`) the report covers: one place, for loadMembers and pointsByMonth. */
function memberConditions(ctx: Context, narrow: PersonFilter, withLeavers: boolean): Prisma.Sql[] {
  const d = ctx.definition;
  const path = narrow.unitPath ?? ctx.root.path;
  return [
    withLeavers ? null : Prisma.sql`p."active" = ${true}`,
    // The subtree as a range on the indexed path (see subtreeWhere in app/auth).
    Prisma.sql`u."path" >= ${path} AND u."path" < ${path.slice(0, -1) + "0"}`,
    d.postTypes.length ? Prisma.sql`p."postTypeCode" IN (${Prisma.join(d.postTypes)})` : null,
    narrow.postTypeCode !== undefined ? Prisma.sql`p."postTypeCode" = ${narrow.postTypeCode}` : null,
    d.gradeMin !== undefined ? Prisma.sql`p."grade" >= ${d.gradeMin}` : null,
    d.gradeMax !== undefined ? Prisma.sql`p."grade" <= ${d.gradeMax}` : null,
    narrow.grade !== undefined ? Prisma.sql`p."grade" = ${narrow.grade}` : null,
  ].filter((c): c is Prisma.Sql => c !== null);
}

async function loadMembers(ctx: Context, narrow: PersonFilter = {}): Promise<Member[]> {
  const leaverYears = ctx.years.filter(ctx.leaversIn);
  const conditions = memberConditions(ctx, narrow, leaverYears.length > 0);
  // One plain statement: 20,000 rows through the ORM's relation loading cost several times more.
  const rows = await ctx.client.$queryRaw<{ id: number | bigint; postTypeCode: string; grade: number | bigint; path: string; active: boolean | number | bigint }[]>`
    SELECT p."id" AS "id", p."postTypeCode" AS "postTypeCode", p."grade" AS "grade", u."path" AS "path", p."active" AS "active"
    FROM "Person" p JOIN "Unit" u ON u."id" = p."unitId"
    WHERE ${Prisma.join(conditions, " AND ")}
    ORDER BY p."id"`;
  const members: Member[] = rows.map((r) => {
    const unitPath = r.path;
    // SQLite answers booleans as 0/1.
    const active = r.active === true || Number(r.active) === 1;
    return { id: Number(r.id), unitPath, childId: childUnitId(ctx, unitPath), postTypeCode: r.postTypeCode, grade: Number(r.grade), active, presentYears: active ? null : new Set<number>() };
  });
  const leavers = members.filter((m) => !m.active);
  for (let start = 0; start < leavers.length && leaverYears.length; start += CHUNK) {
    const chunk = leavers.slice(start, start + CHUNK);
    const byId = new Map(chunk.map((m) => [m.id, m]));
    const present = await ctx.client.$queryRaw<{ personId: number | bigint; creditYear: number | bigint }[]>`
      SELECT DISTINCT e."personId" AS "personId", e."creditYear" AS "creditYear" FROM "LedgerEntry" e
      WHERE e."personId" IN (${Prisma.join(chunk.map((m) => m.id))}) AND e."creditYear" IN (${Prisma.join(leaverYears)})`;
    for (const row of present) byId.get(Number(row.personId))?.presentYears?.add(Number(row.creditYear));
  }
  // Group order, so that streamed exports can finish one group (sheet) before the next.
  const personDims = ctx.definition.groupBy.filter(isPersonDimension).filter((dim) => dim !== "year");
  if (personDims.length === 0) return members;
  const keyed = members.map((member) => ({ member, key: personDims.map((dim) => memberOrdinal(ctx, dim, member)) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < a.key.length; i++) if (a.key[i] !== b.key[i]) return a.key[i] - b.key[i];
    return a.member.id - b.member.id;
  });
  return keyed.map((k) => k.member);
}

function memberOrdinal(ctx: Context, dim: Exclude<PersonDimension, "year">, member: Member): number {
  if (dim === "unit") return ctx.childUnits.get(member.childId)?.order ?? 1e9;
  if (dim === "postType") return ctx.postTypes.get(member.postTypeCode)?.order ?? 1e9;
  return member.grade;
}

// ------------------------------------------------------------------ facts

function factsFromStatus(ctx: Context, status: YearCreditStatus): Fact[] {
  const d = ctx.definition;
  const facts: Fact[] = [];
  if (d.competencyId !== undefined || ctx.pointDims.includes("competency")) {
    for (const [id, amount] of Object.entries(status.byCompetency)) {
      const competencyId = Number(id);
      if (amount === 0 || (d.competencyId !== undefined && competencyId !== d.competencyId)) continue;
      facts.push({ amount, competencyId });
    }
    return facts;
  }
  for (const category of CREDIT_CATEGORIES) {
    const amount = status.byCategory[category];
    if (amount === 0 || (d.category !== undefined && category !== d.category)) continue;
    facts.push({ amount, category });
  }
  return facts;
}

function monthExpression(): Prisma.Sql {
  // Shanghai has no daylight saving: +8 hours is its wall clock all year.
  return dialect() === "postgresql"
    ? Prisma.sql`to_char(e."createdAt" + interval '8 hours', 'YYYY-MM')`
    : Prisma.sql`strftime('%Y-%m', e."createdAt", '+8 hours')`;
}

/** One GROUP BY over the ledger for a chunk of people in one year, with every point filter. */
async function factsFromLedger(ctx: Context, year: number, personIds: number[]): Promise<Map<number, Fact[]>> {
  const d = ctx.definition;
  const byCompetency = d.competencyId !== undefined || ctx.pointDims.includes("competency");
  const byMonth = ctx.pointDims.includes("month");
  const amount = byCompetency ? Prisma.sql`c."amount"` : Prisma.sql`e."amount"`;
  const joins = [
    byCompetency ? Prisma.sql`JOIN "LedgerCompetency" c ON c."entryId" = e."id"` : Prisma.empty,
    d.levelId !== undefined
      ? Prisma.sql`JOIN "Offering" o ON o."id" = e."offeringId" JOIN "Course" co ON co."id" = o."courseId"`
      : Prisma.empty,
  ];
  const conditions = [
    Prisma.sql`e."creditYear" = ${year}`,
    Prisma.sql`e."personId" IN (${Prisma.join(personIds)})`,
    d.category !== undefined ? Prisma.sql`e."category" = ${d.category}` : null,
    d.competencyId !== undefined ? Prisma.sql`c."competencyId" = ${d.competencyId}` : null,
    d.levelId !== undefined ? Prisma.sql`co."levelId" = ${d.levelId}` : null,
  ].filter((c): c is Prisma.Sql => c !== null);
  const month = byMonth ? monthExpression() : Prisma.sql`NULL`;
  const competency = byCompetency ? Prisma.sql`c."competencyId"` : Prisma.sql`NULL`;
  const rows = await ctx.client.$queryRaw<
    { personId: number | bigint; category: string; month: string | null; competencyId: number | bigint | null; amount: number | bigint | null }[]
  >`SELECT e."personId" AS "personId", e."category" AS "category", ${month} AS "month", ${competency} AS "competencyId", SUM(${amount}) AS "amount"
    FROM "LedgerEntry" e ${Prisma.join(joins, " ")}
    WHERE ${Prisma.join(conditions, " AND ")}
    GROUP BY e."personId", e."category"${byMonth ? Prisma.sql`, ${month}` : Prisma.empty}${byCompetency ? Prisma.sql`, c."competencyId"` : Prisma.empty}`;
  const result = new Map<number, Fact[]>();
  for (const row of rows) {
    const value = Number(row.amount ?? 0);
    if (value === 0 || !isCreditCategory(row.category)) continue;
    const personId = Number(row.personId);
    const fact: Fact = { amount: value, category: row.category };
    if (row.month !== null) fact.month = row.month;
    if (row.competencyId !== null) fact.competencyId = Number(row.competencyId);
    const list = result.get(personId);
    if (list) list.push(fact);
    else result.set(personId, [fact]);
  }
  return result;
}

/**
 * Person-years of the report in batches: a chunk of people, every year of the range, statuses
 * and facts loaded together. Order: the members' (group) order, each person's years in turn —
 * or, when the first grouping is the year, year by year.
 */
async function* personYears(ctx: Context, members: Member[], years = ctx.years, chunkSize = CHUNK): AsyncGenerator<PersonYear[]> {
  const yearFirst = ctx.definition.groupBy[0] === "year" && years.length > 1;
  const loads = async (all: Member[], year: number) => {
    const chunk = all.filter((m) => m.active || (ctx.leaversIn(year) && m.presentYears?.has(year)));
    if (chunk.length === 0) return [];
    const ids = chunk.map((m) => m.id);
    const [statuses, ledger] = await Promise.all([
      creditStatusesForYear(ctx.client, year, ids),
      ctx.needsLedger ? factsFromLedger(ctx, year, ids) : Promise.resolve(null),
    ]);
    return chunk.flatMap((member): PersonYear[] => {
      const status = statuses.get(member.id)!;
      if (ctx.definition.met === "met" && !status.met) return [];
      if (ctx.definition.met === "unmet" && status.met) return [];
      return [{ member, year, status, facts: ledger ? (ledger.get(member.id) ?? []) : factsFromStatus(ctx, status) }];
    });
  };
  const batches: (() => Promise<PersonYear[]>)[] = [];
  if (yearFirst) {
    for (const year of years) {
      for (let start = 0; start < members.length; start += chunkSize) batches.push(() => loads(members.slice(start, start + chunkSize), year));
    }
  } else {
    for (let start = 0; start < members.length; start += chunkSize) {
      const chunk = members.slice(start, start + chunkSize);
      batches.push(async () => {
        const perYear = [];
        for (const year of years) perYear.push(await loads(chunk, year));
        if (perYear.length === 1) return perYear[0];
        // Person-major: each person's years together, so group order (and sheets) hold.
        const byPerson = new Map<number, PersonYear[]>();
        for (const batch of perYear) for (const py of batch) byPerson.set(py.member.id, [...(byPerson.get(py.member.id) ?? []), py]);
        return chunk.flatMap((m) => byPerson.get(m.id) ?? []);
      });
    }
  }
  yield* oneAhead(batches);
}

/**
 * Runs the batches in order, each started while the one before is being consumed: on
 * PostgreSQL the next batch's queries overlap this one's folding (a district report spent a
 * quarter of its time idle, waiting for the next batch). At most two batches are held. A batch
 * started but never consumed (the consumer stopped early) may fail without an unhandled rejection.
 */
async function* oneAhead<T>(batches: (() => Promise<T>)[]): AsyncGenerator<T> {
  const start = (i: number) => {
    if (i >= batches.length) return null;
    const promise = batches[i]();
    promise.catch(() => undefined);
    return promise;
  };
  let current = start(0);
  for (let i = 0; current; i++) {
    const next = start(i + 1);
    yield await current;
    current = next;
  }
}

// ------------------------------------------------------------------ grouping

function personPart(ctx: Context, dim: PersonDimension, py: PersonYear): GroupKeyPart {
  if (dim === "unit") return { dim, value: String(py.member.childId) };
  if (dim === "postType") return { dim, value: py.member.postTypeCode };
  if (dim === "grade") return { dim, value: String(py.member.grade) };
  return { dim, value: String(py.year) };
}

function factPart(dim: Dimension, fact: Fact): GroupKeyPart | null {
  if (dim === "competency") return fact.competencyId === undefined ? null : { dim, value: String(fact.competencyId) };
  if (dim === "month") return fact.month === undefined ? null : { dim, value: fact.month };
  return null;
}

type Slice = { parts: GroupKeyPart[]; points: number; byCategory: Record<CreditCategory, number> };

function emptyByCategory(): Record<CreditCategory, number> {
  // A literal: this runs once per person-year and group.
  return { in_person: 0, online: 0, camp: 0, external: 0, adjustment: 0 };
}

/**
 * A person-year's points by group key. With person dimensions only, exactly one slice (even
 * with no points: the person still counts in the headcount); with competency or month, one
 * slice per value that has points.
 */
function slicesOf(ctx: Context, py: PersonYear): Map<string, Slice> {
  const personParts = ctx.definition.groupBy.filter(isPersonDimension).map((dim) => personPart(ctx, dim, py));
  const slices = new Map<string, Slice>();
  const orderedParts = (extra: GroupKeyPart[]) => ctx.definition.groupBy.map((dim) => [...personParts, ...extra].find((p) => p.dim === dim)!);
  if (ctx.pointDims.length === 0) {
    const slice: Slice = { parts: orderedParts([]), points: 0, byCategory: emptyByCategory() };
    for (const fact of py.facts) {
      slice.points += fact.amount;
      if (fact.category) slice.byCategory[fact.category] += fact.amount;
    }
    slices.set(formatGroupKey(slice.parts), slice);
    return slices;
  }
  for (const fact of py.facts) {
    const extra = ctx.pointDims.map((dim) => factPart(dim, fact));
    if (extra.some((p) => p === null)) continue;
    const parts = orderedParts(extra as GroupKeyPart[]);
    const key = formatGroupKey(parts);
    let slice = slices.get(key);
    if (!slice) slices.set(key, (slice = { parts, points: 0, byCategory: emptyByCategory() }));
    slice.points += fact.amount;
    if (fact.category) slice.byCategory[fact.category] += fact.amount;
  }
  return slices;
}

type Accumulator = { parts: GroupKeyPart[]; headcount: number; met: number; points: number; counted: number; byCategory: Record<CreditCategory, number> };

function newAccumulator(parts: GroupKeyPart[]): Accumulator {
  return { parts, headcount: 0, met: 0, points: 0, counted: 0, byCategory: emptyByCategory() };
}

function figures(acc: Accumulator, countedMeaningful: boolean): ReportFigures {
  return {
    headcount: acc.headcount,
    met: acc.met,
    unmet: acc.headcount - acc.met,
    metRate: acc.headcount ? acc.met / acc.headcount : null,
    points: acc.points,
    avgPoints: acc.headcount ? Math.round(acc.points / acc.headcount) : null,
    counted: countedMeaningful ? acc.counted : null,
    byCategory: acc.byCategory,
  };
}

function partLabel(ctx: Context, part: GroupKeyPart): Labels {
  switch (part.dim) {
    case "unit": {
      const unit = ctx.childUnits.get(Number(part.value));
      return unit ? { zh: unit.nameZh, en: unit.nameEn } : { zh: part.value, en: part.value };
    }
    case "postType":
      return ctx.postTypes.get(part.value)?.labels ?? { zh: part.value, en: part.value };
    case "competency":
      return ctx.competencies.get(Number(part.value))?.labels ?? { zh: part.value, en: part.value };
    case "grade":
      return { zh: `${part.value}级`, en: `Grade ${part.value}` };
    default:
      return { zh: part.value, en: part.value };
  }
}

function partOrdinal(ctx: Context, part: GroupKeyPart): number | string {
  switch (part.dim) {
    case "unit":
      return ctx.childUnits.get(Number(part.value))?.order ?? 1e9;
    case "postType":
      return ctx.postTypes.get(part.value)?.order ?? 1e9;
    case "competency":
      return ctx.competencies.get(Number(part.value))?.order ?? 1e9;
    case "month":
      return part.value;
    default:
      return Number(part.value);
  }
}

function compareParts(ctx: Context, a: GroupKeyPart[], b: GroupKeyPart[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = partOrdinal(ctx, a[i]);
    const y = partOrdinal(ctx, b[i]);
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return 0;
}

/** Labelled parts are made once per report and shared by every row of their group (read-only). */
function labelParts(ctx: Context, parts: GroupKeyPart[]): LabelledPart[] {
  return parts.map((part) => {
    const key = `${part.dim}:${part.value}`;
    let labelled = ctx.labelledParts.get(key);
    if (!labelled) ctx.labelledParts.set(key, (labelled = { ...part, label: partLabel(ctx, part) }));
    return labelled;
  });
}

function sortValue(row: ReportFigures, key: ReportDefinition["sort"]): number | null {
  if (key === "group") return null;
  if (isCreditCategory(key)) return row.byCategory[key];
  return row[key];
}

// ------------------------------------------------------------------ public

/**
 * Sorts group rows in place by a figure (or by the groups themselves): rows without the figure
 * (null, e.g. a met rate of nobody) come last in either direction; ties keep the groups' own
 * order (unit order, post type order, …) ascending whatever the direction, so equal figures
 * never swap places between two runs or two pages.
 */
export function sortReportRows<Row extends ReportFigures>(
  rows: Row[],
  sort: ReportDefinition["sort"],
  dir: ReportDefinition["dir"],
  compareGroups: (a: Row, b: Row) => number,
): Row[] {
  const direction = dir === "desc" ? -1 : 1;
  return rows.sort((a, b) => {
    const x = sortValue(a, sort);
    const y = sortValue(b, sort);
    if (x !== y && !(x === null && y === null)) {
      if (x === null) return 1;
      if (y === null) return -1;
      return (x - y) * direction;
    }
    const byGroup = compareGroups(a, b);
    return sort === "group" ? byGroup * direction : byGroup;
  });
}

/** One page of the (sorted) group rows, the page number clamped to those that exist. */
export function pageOfRows<Row>(rows: Row[], page: number, pageSize: number) {
  const pages = Math.max(1, Math.ceil(rows.length / pageSize));
  const current = Math.min(Math.max(1, Math.floor(page) || 1), pages);
  return { rows: rows.slice((current - 1) * pageSize, current * pageSize), page: current, pages };
}

/** The report's group rows (sorted as the definition asks) and its totals. */
export async function runCreditReport(
  definition: ReportDefinition,
  scope: ReportScope,
  options: { client?: DbTx } = {},
): Promise<CreditReportResult> {
  const ctx = await buildContext(options.client ?? db, definition, scope);
  const members = await loadMembers(ctx);
  const groups = new Map<string, Accumulator>();
  const totals = newAccumulator([]);
  const countedMeaningful = ctx.pointDims.length === 0;
  for await (const batch of personYears(ctx, members)) {
    for (const py of batch) {
      totals.headcount += 1;
      if (py.status.met) totals.met += 1;
      totals.counted += py.status.counted;
      for (const [key, slice] of slicesOf(ctx, py)) {
        let acc = groups.get(key);
        if (!acc) groups.set(key, (acc = newAccumulator(slice.parts)));
        acc.headcount += 1;
        if (py.status.met) acc.met += 1;
        acc.counted += py.status.counted;
        acc.points += slice.points;
        totals.points += slice.points;
        for (const category of CREDIT_CATEGORIES) {
          acc.byCategory[category] += slice.byCategory[category];
          totals.byCategory[category] += slice.byCategory[category];
        }
      }
    }
  }
  const rows: OrderedGroupRow[] = [...groups.entries()]
    .sort((a, b) => compareParts(ctx, a[1].parts, b[1].parts))
    .map(([key, acc], order) => ({
      key,
      parts: labelParts(ctx, acc.parts),
      order,
      ...figures(acc, countedMeaningful),
    }));
  sortReportRows(rows, definition.sort, definition.dir, (a, b) => compareParts(ctx, a.parts, b.parts));
  return {
    definition,
    root: { id: ctx.root.id, code: ctx.root.code, nameZh: ctx.root.nameZh, nameEn: ctx.root.nameEn, path: ctx.root.path },
    years: ctx.years,
    rows,
    totals: figures(totals, true),
    source: ctx.needsLedger ? "ledger" : "summaries",
  };
}

/** Narrows the people and years to a group's person-level parts (fewer statuses to compute). */
function narrowFor(ctx: Context, parts: GroupKeyPart[]): { filter: PersonFilter; years: number[] } {
  const filter: PersonFilter = {};
  let years = ctx.years;
  for (const part of parts) {
    if (part.dim === "unit") {
      const unit = ctx.childUnits.get(Number(part.value));
      if (!unit) throw new ReportError("reports.errors.groupKey");
      // The root's own group: only people placed on the root itself.
      filter.unitPath = unit.path;
    } else if (part.dim === "postType") filter.postTypeCode = part.value;
    else if (part.dim === "grade") filter.grade = Number(part.value);
    else if (part.dim === "year") years = years.filter((y) => String(y) === part.value);
  }
  return { filter, years };
}

function checkedGroupKey(ctx: Context, groupKey: string | null | undefined): GroupKeyPart[] {
  const parts = parseGroupKey(groupKey);
  if (!parts || parts.some((p) => !ctx.definition.groupBy.includes(p.dim))) throw new ReportError("reports.errors.groupKey");
  return parts;
}

/** True when the person-year belongs to the group given by `parts` (all of them). */
function matchingSlice(ctx: Context, py: PersonYear, parts: GroupKeyPart[]): Slice | null {
  // (The root's own unit group holds only people placed on the root: childUnitId says so.)
  const personMatches = parts.every((part) => !isPersonDimension(part.dim) || personPart(ctx, part.dim, py).value === part.value);
  if (!personMatches) return null;
  const pointParts = parts.filter((p) => !isPersonDimension(p.dim));
  const total: Slice = { parts, points: 0, byCategory: emptyByCategory() };
  if (ctx.pointDims.length === 0) {
    // Person dimensions only: slicesOf would build one slice holding every fact; sum them here
    // without its key strings and part arrays (this runs once per exported row).
    for (const fact of py.facts) {
      total.points += fact.amount;
      if (fact.category) total.byCategory[fact.category] += fact.amount;
    }
    return total;
  }
  let found = pointParts.length === 0;
  for (const slice of slicesOf(ctx, py).values()) {
    const fits = pointParts.every((part) => slice.parts.some((p) => p.dim === part.dim && p.value === part.value));
    if (!fits) continue;
    found = true;
    total.points += slice.points;
    for (const category of CREDIT_CATEGORIES) total.byCategory[category] += slice.byCategory[category];
  }
  return found ? total : null;
}

async function* personRowBatches(
  ctx: Context,
  parts: GroupKeyPart[],
  chunkSize = CHUNK,
): AsyncGenerator<{ py: PersonYear; slice: Slice }[]> {
  const { filter, years } = narrowFor(ctx, parts);
  const members = await loadMembers(ctx, filter);
  for await (const batch of personYears(ctx, members, years, chunkSize)) {
    const rows: { py: PersonYear; slice: Slice }[] = [];
    for (const py of batch) {
      const slice = matchingSlice(ctx, py, parts);
      if (slice) rows.push({ py, slice });
    }
    yield rows;
  }
}

type PersonDetails = { employeeNo: string; name: string; unit: { nameZh: string; nameEn: string } };

async function personDetails(ctx: Context, ids: number[]): Promise<Map<number, PersonDetails>> {
  if (ids.length === 0) return new Map();
  // One plain statement: the ORM's relation loading decodes each row several times over, and in
  // an export that garbage outlives young-generation collections (docs/performance.md).
  const rows = await ctx.client.$queryRaw<{ id: number | bigint; employeeNo: string; name: string; nameZh: string; nameEn: string }[]>`
    SELECT p."id" AS "id", p."employeeNo" AS "employeeNo", p."name" AS "name", u."nameZh" AS "nameZh", u."nameEn" AS "nameEn"
    FROM "Person" p JOIN "Unit" u ON u."id" = p."unitId" WHERE p."id" IN (${Prisma.join(ids)})`;
  return new Map(rows.map((r) => [Number(r.id), { employeeNo: r.employeeNo, name: r.name, unit: { nameZh: r.nameZh, nameEn: r.nameEn } }]));
}

function toPersonRow(ctx: Context, py: PersonYear, slice: Slice, details: Awaited<ReturnType<typeof personDetails>>): ReportPersonRow {
  const person = details.get(py.member.id)!;
  const personDims = ctx.definition.groupBy.filter(isPersonDimension);
  return {
    personId: py.member.id,
    employeeNo: person.employeeNo,
    name: person.name,
    unit: { zh: person.unit.nameZh, en: person.unit.nameEn },
    postTypeCode: py.member.postTypeCode,
    postType: ctx.postTypes.get(py.member.postTypeCode)?.labels ?? { zh: py.member.postTypeCode, en: py.member.postTypeCode },
    grade: py.member.grade,
    year: py.year,
    points: slice.points,
    byCategory: slice.byCategory,
    earned: py.status.earned,
    counted: py.status.counted,
    required: py.status.required,
    met: py.status.met,
    parts: labelParts(ctx, personDims.map((dim) => personPart(ctx, dim, py))),
    left: !py.member.active,
  };
}

/**
 * Net points per Shanghai calendar month ("YYYY-MM") of one credit year in a unit's subtree:
 * the figures runCreditReport gives grouped by month under the default definition (the same
 * people — memberConditions, leavers as leaversIn says — and the same month of each entry), in
 * one aggregate instead of per-person facts and statuses, because the HR dashboard draws it on
 * every visit (2 s → well under 1 s for a district of 20,000). Months without entries are absent.
 */
export async function pointsByMonth(year: number, unitId: number, scope: ReportScope, client: DbTx = db): Promise<Map<string, number>> {
  const ctx = await buildContext(client, { ...defaultDefinition(year), unitId, groupBy: ["month"] }, scope);
  const month = monthExpression();
  const rows = await client.$queryRaw<{ month: string; points: number | bigint | null }[]>`
    SELECT ${month} AS "month", SUM(e."amount") AS "points"
    FROM "LedgerEntry" e JOIN "Person" p ON p."id" = e."personId" JOIN "Unit" u ON u."id" = p."unitId"
    WHERE e."creditYear" = ${year} AND ${Prisma.join(memberConditions(ctx, {}, ctx.leaversIn(year)), " AND ")}
    GROUP BY ${month}`;
  return new Map(rows.map((r) => [r.month, Number(r.points ?? 0)]));
}

/**
 * Net points per credit year in a unit's subtree, from the trigger-kept summaries: the totals
 * runCreditReport gives for each of those years under the default definition (the same people,
 * memberConditions; leavers as leaversIn says for each year). One small aggregate per year.
 */
export async function pointsByYear(years: number[], unitId: number, scope: ReportScope, client: DbTx = db): Promise<Map<number, number>> {
  const result = new Map<number, number>();
  if (years.length === 0) return result;
  const ctx = await buildContext(client, { ...defaultDefinition(Math.max(...years)), yearFrom: Math.min(...years), unitId }, scope);
  for (const year of years) {
    const [row] = await client.$queryRaw<{ points: number | bigint | null }[]>`
      SELECT SUM(s."amount") AS "points"
      FROM "CreditSummary" s JOIN "Person" p ON p."id" = s."personId" JOIN "Unit" u ON u."id" = p."unitId"
      WHERE s."creditYear" = ${year} AND ${Prisma.join(memberConditions(ctx, {}, ctx.leaversIn(year)), " AND ")}`;
    result.set(year, Number(row?.points ?? 0));
  }
  return result;
}

/** Throws the ReportError a request would hit (unit out of scope, bad group key), cheaply. */
export async function checkReportRequest(
  definition: ReportDefinition,
  scope: ReportScope,
  groupKey: string | null,
  options: { client?: DbTx } = {},
): Promise<void> {
  const ctx = await buildContext(options.client ?? db, definition, scope);
  checkedGroupKey(ctx, groupKey);
}

/**
 * Drill-down 1: the person-years behind one group row (or the whole report with an empty key),
 * with their points in that group; sorted by points, highest first, then employee number.
 */
export async function reportPeople(
  definition: ReportDefinition,
  scope: ReportScope,
  groupKey: string | null,
  options: { page?: number; pageSize?: number; client?: DbTx } = {},
) {
  const ctx = await buildContext(options.client ?? db, definition, scope);
  const parts = checkedGroupKey(ctx, groupKey);
  const found: { py: PersonYear; slice: Slice }[] = [];
  for await (const batch of personRowBatches(ctx, parts)) found.push(...batch);
  found.sort((a, b) => b.slice.points - a.slice.points || a.py.member.id - b.py.member.id || a.py.year - b.py.year);
  const { rows: slice, page, pages } = pageOfRows(found, options.page ?? 1, options.pageSize ?? 50);
  const details = await personDetails(ctx, slice.map((r) => r.py.member.id));
  return {
    root: ctx.root,
    group: labelParts(ctx, parts),
    total: found.length,
    points: found.reduce((sum, r) => sum + r.slice.points, 0),
    page,
    pages,
    rows: slice.map((r) => toPersonRow(ctx, r.py, r.slice, details)),
  };
}

/**
 * Person-year rows of the report (optionally of one group) in batches of EXPORT_CHUNK people, in
 * group order — what the streamed CSV/XLSX exports write. Nothing but the current batch (and
 * the list of member ids) is held.
 */
export async function* iterateReportPeople(
  definition: ReportDefinition,
  scope: ReportScope,
  options: { groupKey?: string | null; client?: DbTx } = {},
): AsyncGenerator<ReportPersonRow[]> {
  const ctx = await buildContext(options.client ?? db, definition, scope);
  const parts = checkedGroupKey(ctx, options.groupKey);
  for await (const batch of personRowBatches(ctx, parts, EXPORT_CHUNK)) {
    if (batch.length === 0) continue;
    const details = await personDetails(ctx, [...new Set(batch.map((r) => r.py.member.id))]);
    yield batch.map((r) => toPersonRow(ctx, r.py, r.slice, details));
  }
}

/** How many person-year rows an export will hold (for the progress shown before and during it). */
export async function countReportPeople(definition: ReportDefinition, scope: ReportScope, options: { client?: DbTx } = {}) {
  const ctx = await buildContext(options.client ?? db, definition, scope);
  const members = await ctx.client.person.count({
    where: {
      // An upper bound with leavers: those without entries in the range are not rows.
      ...(ctx.years.some(ctx.leaversIn) ? {} : { active: true }),
      unit: subtreeWhere(ctx.root.path),
      ...(definition.postTypes.length ? { postTypeCode: { in: definition.postTypes } } : {}),
      ...(definition.gradeMin !== undefined || definition.gradeMax !== undefined
        ? { grade: { ...(definition.gradeMin !== undefined ? { gte: definition.gradeMin } : {}), ...(definition.gradeMax !== undefined ? { lte: definition.gradeMax } : {}) } }
        : {}),
    },
  });
  // An upper bound when a met/unmet filter or a point grouping drops some person-years.
  return members * ctx.years.length;
}

export type ReportLedgerEntry = {
  id: number;
  creditYear: number;
  createdAt: Date;
  category: string;
  sourceType: string;
  sourceKey: string;
  note: string;
  /** The entry's whole amount. */
  amount: number;
  /** What the report counts of it: the amount, or the competency's share. */
  counted: number;
  reversesEntryId: number | null;
  course: Labels | null;
  competencies: { competencyId: number; amount: number; label: Labels }[];
};

/** Shanghai calendar month "YYYY-MM" as a UTC instant range. */
function monthRange(month: string): { gte: Date; lt: Date } {
  const [y, m] = month.split("-").map(Number);
  return { gte: new Date(Date.UTC(y, m - 1, 1) - 8 * 3600_000), lt: new Date(Date.UTC(y, m, 1) - 8 * 3600_000) };
}

/**
 * Drill-down 2: the ledger entries behind one person's figure in a group — the same filters
 * (years, category, level, competency, month), newest first. With options.year, `total`
 * equals that person-year's points in reportPeople for the same group.
 */
export async function reportPersonEntries(
  definition: ReportDefinition,
  scope: ReportScope,
  personId: number,
  groupKey: string | null,
  options: { client?: DbTx; year?: number } = {},
) {
  const ctx = await buildContext(options.client ?? db, definition, scope);
  const parts = checkedGroupKey(ctx, groupKey);
  const person = await ctx.client.person.findUnique({
    where: { id: personId },
    select: { id: true, employeeNo: true, name: true, postTypeCode: true, grade: true, active: true, unit: { select: { path: true, nameZh: true, nameEn: true } } },
  });
  if (!person || !person.unit.path.startsWith(ctx.root.path)) throw new ReportError("reports.errors.personOutOfScope", 404);
  // Someone who has left is in the report only in the years its leavers policy counts them.
  const counted = (y: number) => person.active || ctx.leaversIn(y);
  if (options.year !== undefined && !counted(options.year)) throw new ReportError("reports.errors.personOutOfScope", 404);
  const part = (dim: Dimension) => parts.find((p) => p.dim === dim)?.value;
  const year = part("year");
  const month = part("month");
  const competencyId = part("competency") !== undefined ? Number(part("competency")) : definition.competencyId;
  // A person row of reportPeople is one person-year: its entries are that year's.
  const years = (year !== undefined ? [Number(year)] : ctx.years).filter((y) => (options.year === undefined || y === options.year) && counted(y));
  const entries = await ctx.client.ledgerEntry.findMany({
    where: {
      personId,
      creditYear: { in: years },
      ...(definition.category !== undefined ? { category: definition.category } : {}),
      ...(definition.levelId !== undefined ? { offeringId: { not: null } } : {}),
      ...(competencyId !== undefined ? { competencies: { some: { competencyId } } } : {}),
      ...(month !== undefined ? { createdAt: monthRange(month) } : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: {
      id: true,
      creditYear: true,
      createdAt: true,
      category: true,
      sourceType: true,
      sourceKey: true,
      note: true,
      amount: true,
      reversesEntryId: true,
      offeringId: true,
      competencies: { select: { competencyId: true, amount: true }, orderBy: { competencyId: "asc" } },
    },
  });
  // LedgerEntry has no relation to Offering in the schema: look the courses up by id.
  const offeringIds = [...new Set(entries.map((e) => e.offeringId).filter((id): id is number => id !== null))];
  const offerings = offeringIds.length
    ? await ctx.client.offering.findMany({
        where: { id: { in: offeringIds } },
        select: { id: true, course: { select: { levelId: true, titleZh: true, titleEn: true } } },
      })
    : [];
  const courseByOffering = new Map(offerings.map((o) => [o.id, o.course]));
  const rows: ReportLedgerEntry[] = entries
    .filter((e) => definition.levelId === undefined || (e.offeringId !== null && courseByOffering.get(e.offeringId)?.levelId === definition.levelId))
    .map((e) => {
      const course = e.offeringId !== null ? courseByOffering.get(e.offeringId) : undefined;
      const counted = competencyId !== undefined ? (e.competencies.find((c) => c.competencyId === competencyId)?.amount ?? 0) : e.amount;
      return {
        id: e.id,
        creditYear: e.creditYear,
        createdAt: e.createdAt,
        category: e.category,
        sourceType: e.sourceType,
        sourceKey: e.sourceKey,
        note: e.note,
        amount: e.amount,
        counted,
        reversesEntryId: e.reversesEntryId,
        course: course ? { zh: course.titleZh, en: course.titleEn } : null,
        competencies: e.competencies.map((c) => ({
          ...c,
          label: ctx.competencies.get(c.competencyId)?.labels ?? { zh: String(c.competencyId), en: String(c.competencyId) },
        })),
      };
    });
  return {
    person: { id: person.id, employeeNo: person.employeeNo, name: person.name, unit: { zh: person.unit.nameZh, en: person.unit.nameEn } },
    group: labelParts(ctx, parts),
    entries: rows,
    total: rows.reduce((sum, e) => sum + e.counted, 0),
  };
}

export type UnitPicker = {
  /** The value of the district/street select ("" = the whole scope). */
  streetId: number | null;
  /** The chosen residential area, if the report's root is one. */
  areaId: number | null;
  /** The areas of the street in the select (or of the scope, if that is a street). */
  areas: { id: number; nameZh: string; nameEn: string }[];
};

/**
 * The builder's unit picker for a report root: a district/street select (reportChoices) plus
 * the residential areas of the chosen street — some streets have 40, the district 1,441, so
 * areas are offered one street at a time (without JavaScript: choose the street, run, then
 * the area). Null when the unit is not in the scope (or does not exist: the same answer).
 */
export async function reportUnitPicker(scope: ReportScope, unitId: number | undefined, client: DbTx = db): Promise<UnitPicker | null> {
  const select = { id: true, kind: true, path: true, parentId: true } as const;
  const unit =
    unitId !== undefined
      ? await client.unit.findUnique({ where: { id: unitId }, select })
      : await client.unit.findFirst({ where: scope.unitPath ? { path: scope.unitPath } : { parentId: null }, orderBy: { id: "asc" }, select });
  if (!unit || (scope.unitPath && !unit.path.startsWith(scope.unitPath))) return null;
  const streetId = unit.kind === "area" ? unit.parentId : unit.kind === "street" ? unit.id : null;
  const areas =
    streetId === null
      ? []
      : await client.unit.findMany({
          where: { parentId: streetId, kind: "area", archivedAt: null, ...(scope.unitPath ? subtreeWhere(scope.unitPath) : {}) },
          orderBy: [{ sortOrder: "asc" }, { code: "asc" }],
          select: { id: true, nameZh: true, nameEn: true },
        });
  return {
    // The select shows the street of a chosen area; "" when the report covers the whole scope.
    streetId: unitId === undefined ? null : unit.kind === "area" ? unit.parentId : unit.id,
    areaId: unit.kind === "area" ? unit.id : null,
    areas,
  };
}

/**
 * The report root when an area was chosen in the picker: the area, if it lies directly below
 * the chosen street (or the scope, when no street is chosen); undefined when it doesn't (the
 * street was changed since: the area select is refilled for the new street); "invalid" when it
 * is no area in the scope (or none at all).
 */
export async function resolvePickedArea(scope: ReportScope, unitId: number | undefined, areaId: number, client: DbTx = db): Promise<number | undefined | "invalid"> {
  const area = await client.unit.findUnique({ where: { id: areaId }, select: { id: true, kind: true, path: true, parentId: true } });
  if (!area || area.kind !== "area" || (scope.unitPath && !area.path.startsWith(scope.unitPath))) return "invalid";
  const base =
    unitId ?? (await client.unit.findFirst({ where: scope.unitPath ? { path: scope.unitPath } : { parentId: null }, orderBy: { id: "asc" }, select: { id: true } }))?.id;
  return area.parentId === base ? area.id : undefined;
}

/** Competencies, levels, post types and the units below the root: the builder's choices. */
export async function reportChoices(scope: ReportScope, client: DbTx = db) {
  const scopeWhere = scope.unitPath ? subtreeWhere(scope.unitPath) : {};
  const [units, postTypes, levels, competencies] = await Promise.all([
    // District and street level only: areas are reached by drilling down, the list stays short.
    client.unit.findMany({
      where: { ...scopeWhere, archivedAt: null, kind: { in: ["district", "street"] } },
      orderBy: [{ path: "asc" }],
      select: { id: true, nameZh: true, nameEn: true, kind: true, path: true },
    }),
    client.postType.findMany({ orderBy: { sortOrder: "asc" }, select: { code: true, nameZh: true, nameEn: true } }),
    client.level.findMany({ orderBy: { rank: "asc" }, select: { id: true, nameZh: true, nameEn: true } }),
    client.competency.findMany({ orderBy: [{ sortOrder: "asc" }, { id: "asc" }], select: { id: true, nameZh: true, nameEn: true } }),
  ]);
  return { units, postTypes, levels, competencies };
}
