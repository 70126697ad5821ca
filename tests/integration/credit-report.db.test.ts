// The credit report (app/reports): for many random definitions, every group's points and the
// totals equal the sum of the ledger entries (or competency shares) computed independently here
// from the raw rows; headcounts and "met" agree with creditStatusForYear; drilling down to the
// people and to one person's entries gives the same numbers; scope is enforced; the CSV cannot
// inject formulas; the XLSX has Chinese headers, a frozen header row, number formats and one
// sheet per group when asked. Runs on SQLite and PostgreSQL.
import { PassThrough } from "node:stream";
import ExcelJS from "exceljs";
import Papa from "papaparse";
import { beforeAll, describe, expect, it } from "vitest";
import { awardCreditsMany, creditStatusForYear, reverseEntry, splitByWeights, type AwardInput } from "~/credits/ledger.server";
import { CREDIT_CATEGORIES, type CreditCategory } from "~/credits/status";
import { ReportDefinitionSchema, type Dimension, type ReportDefinition } from "~/reports/definition";
import {
  reportPeople,
  reportPersonEntries,
  reportScopeFor,
  ReportError,
  runCreditReport,
  pageOfRows,
  reportUnitPicker,
  resolvePickedArea,
  sortReportRows,
  type ReportScope,
} from "~/reports/credit-report.server";
import { writeReportCsv, writeReportXlsx } from "~/reports/export.server";
import { loadHrHome } from "~/hr/hr-home.server";
import type { SessionUser } from "~/auth/guards.server";
import { db } from "~/utils/db.server";
import { shanghaiYear } from "~/utils/time";
import { makeCatalogue, makeCourse, makeOffering, type Catalogue } from "../support/enrolment-fixtures";
import { ensurePostTypes, makeUnitTree, makeUser } from "../support/factories";
import { deleteSavedReport, listSavedReports, parseStoredDefinition, saveReport, setReportShared } from "~/reports/saved-reports.server";

const YEARS = [2024, 2025, 2026];
const POSTS = ["head", "supervisor", "staff"] as const;

let tree: Awaited<ReturnType<typeof makeUnitTree>>;
let catalogue: Catalogue;
let offerings: { id: number; levelId: number }[];
let people: { id: number; unitPath: string; postTypeCode: string; grade: number; streetId: number | null }[];
const adminScope: ReportScope = { unitPath: null };

/** A small deterministic PRNG (mulberry32), so a failure can be replayed. */
function prng(seed: number) {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

beforeAll(async () => {
  await ensurePostTypes();
  tree = await makeUnitTree();
  catalogue = await makeCatalogue();
  const courses = [await makeCourse(catalogue, { rank: 1 }), await makeCourse(catalogue, { rank: 2 })];
  offerings = [];
  for (const course of courses) {
    const offering = await makeOffering(course.id, tree.streets[0].id, { status: "closed" });
    offerings.push({ id: offering.id, levelId: course.levelId });
  }
  const rand = prng(20260);
  people = [];
  const places = [
    { unitId: tree.streets[0].areaId, path: tree.streets[0].areaPath, streetId: tree.streets[0].id },
    { unitId: tree.streets[0].id, path: tree.streets[0].path, streetId: tree.streets[0].id },
    { unitId: tree.streets[1].areaId, path: tree.streets[1].areaPath, streetId: tree.streets[1].id },
    { unitId: tree.district.id, path: tree.district.path, streetId: null },
  ];
  for (let i = 0; i < 28; i++) {
    const place = places[i % places.length];
    const postTypeCode = POSTS[i % 3];
    const grade = 3 + (i % 7);
    const person = await db.person.create({
      data: {
        employeeNo: `RPT${String(i).padStart(3, "0")}`,
        // One name that looks like a formula, for the CSV test.
        name: i === 0 ? "=HYPERLINK(\"http://evil\",\"x\")" : `报表人员${i}`,
        unitId: place.unitId,
        postTypeCode,
        grade,
        hiredOn: new Date("2015-03-01T00:00:00Z"),
        education: "bachelor",
        active: i !== 27,
      },
    });
    people.push({ id: person.id, unitPath: place.path, postTypeCode, grade, streetId: place.streetId });
  }
  const awards: AwardInput[] = [];
  let n = 0;
  for (const person of people) {
    for (const year of YEARS) {
      const count = Math.floor(rand() * 9);
      for (let k = 0; k < count; k++) {
        const category = CREDIT_CATEGORIES[Math.floor(rand() * CREDIT_CATEGORIES.length)];
        const amount = category === "adjustment" && rand() < 0.3 ? -Math.ceil(rand() * 500) : 100 + Math.floor(rand() * 1500);
        const offering = category === "in_person" || category === "online" ? offerings[Math.floor(rand() * 2)] : null;
        // Every entry's shares add up to its amount (the ledger insists); some competencies get none.
        const weights = catalogue.competencyIds.map((competencyId, c) => ({ competencyId, weight: Math.floor(rand() * 4) + (c === 0 ? 1 : 0) }));
        const competencies = splitByWeights(amount, weights).filter((s) => s.amount !== 0);
        // Spread over the year in Shanghai time, including the first hours of a month (UTC still the month before).
        const month = Math.floor(rand() * 12);
        const day = 1 + Math.floor(rand() * 27);
        const createdAt = new Date(Date.UTC(year, month, day, rand() < 0.2 ? -6 : 3));
        awards.push({
          personId: person.id,
          creditYear: year,
          amount,
          category: category as CreditCategory,
          sourceType: "import",
          sourceKey: `report-test:${++n}`,
          competencies,
          offeringId: offering?.id ?? null,
          createdAt,
        });
      }
    }
  }
  const written = await awardCreditsMany(db, awards);
  // A few reversals: the report must net them out like every other page.
  for (const entry of written.filter((_, i) => i % 17 === 0)) await reverseEntry(db, { entryId: entry.entryId, reason: "test" });
}, 120_000);

type Row = { personId: number; creditYear: number; category: string; amount: number; offeringId: number | null; createdAt: Date; shares: { competencyId: number; amount: number }[] };

async function ledgerRows(): Promise<Row[]> {
  const entries = await db.ledgerEntry.findMany({
    where: { personId: { in: people.map((p) => p.id) } },
    select: { personId: true, creditYear: true, category: true, amount: true, offeringId: true, createdAt: true, competencies: { select: { competencyId: true, amount: true } } },
  });
  return entries.map((e) => ({ ...e, shares: e.competencies }));
}

const shanghaiMonth = (date: Date) => new Date(date.getTime() + 8 * 3600_000).toISOString().slice(0, 7);

/** Whether the report counts people who have left in `year` (ADR 011), said independently. */
function leaversIn(definition: ReportDefinition, year: number) {
  return definition.leavers === "all" || (definition.leavers === "past" && year < shanghaiYear());
}

/** The person-years the report counts: active people every year, the leaver in years with entries. */
function countedPersonYears(definition: ReportDefinition, chosen: Iterable<{ id: number }>, rows: Row[], years: number[]) {
  const leaver = people[27].id;
  const present = new Set(rows.filter((r) => r.personId === leaver).map((r) => r.creditYear));
  return [...chosen].flatMap((p) => years.filter((y) => p.id !== leaver || (leaversIn(definition, y) && present.has(y))).map((y) => ({ id: p.id, year: y })));
}

/** The report's group points, computed straight from the raw ledger rows. */
function expectedPoints(definition: ReportDefinition, rows: Row[], met: Map<string, boolean>, rootPath: string, rootId: number) {
  const chosen = new Map(
    people
      .filter((p) => p.unitPath.startsWith(rootPath))
      .filter((p) => !definition.postTypes.length || definition.postTypes.includes(p.postTypeCode))
      .filter((p) => (definition.gradeMin === undefined || p.grade >= definition.gradeMin) && (definition.gradeMax === undefined || p.grade <= definition.gradeMax))
      .map((p) => [p.id, p]),
  );
  const byCompetency = definition.competencyId !== undefined || definition.groupBy.includes("competency");
  const groups = new Map<string, number>();
  let total = 0;
  for (const row of rows) {
    const person = chosen.get(row.personId);
    if (!person || row.creditYear < definition.yearFrom || row.creditYear > definition.yearTo) continue;
    // people[27] has left: counted only in the years the leavers policy says.
    if (person.id === people[27].id && !leaversIn(definition, row.creditYear)) continue;
    const isMet = met.get(`${row.personId}:${row.creditYear}`)!;
    if ((definition.met === "met" && !isMet) || (definition.met === "unmet" && isMet)) continue;
    if (definition.category !== undefined && row.category !== definition.category) continue;
    if (definition.levelId !== undefined && offerings.find((o) => o.id === row.offeringId)?.levelId !== definition.levelId) continue;
    const parts = byCompetency
      ? row.shares.filter((s) => definition.competencyId === undefined || s.competencyId === definition.competencyId)
      : [{ competencyId: -1, amount: row.amount }];
    for (const share of parts) {
      const key = definition.groupBy
        .map((dim: Dimension) => {
          const rest = person.unitPath.slice(rootPath.length).split("/")[0];
          const value =
            dim === "unit" ? (rest ? rest : String(rootId))
            : dim === "postType" ? person.postTypeCode
            : dim === "grade" ? String(person.grade)
            : dim === "year" ? String(row.creditYear)
            : dim === "competency" ? String(share.competencyId)
            : shanghaiMonth(row.createdAt);
          return `${dim}:${value}`;
        })
        .join("|");
      groups.set(key, (groups.get(key) ?? 0) + share.amount);
      total += share.amount;
    }
  }
  return { groups, total, chosen };
}

function randomDefinition(rand: () => number): ReportDefinition {
  const pick = <T,>(items: readonly T[]) => items[Math.floor(rand() * items.length)];
  const yearFrom = pick(YEARS);
  const dims: Dimension[] = ["unit", "postType", "grade", "year", "competency", "month"];
  const first = pick(dims);
  const second = rand() < 0.5 ? pick(dims.filter((d) => d !== first)) : undefined;
  const gradeMin = rand() < 0.3 ? 4 : undefined;
  const raw = {
    yearFrom: String(yearFrom),
    yearTo: String(rand() < 0.5 ? yearFrom : 2026),
    unitId: rand() < 0.3 ? String(pick(tree.streets).id) : rand() < 0.2 ? String(tree.district.id) : "",
    postTypes: rand() < 0.3 ? [pick(POSTS)] : [],
    gradeMin: gradeMin === undefined ? "" : String(gradeMin),
    gradeMax: rand() < 0.3 ? "8" : "",
    levelId: rand() < 0.25 ? String(pick(offerings).levelId) : "",
    competencyId: rand() < 0.25 ? String(pick(catalogue.competencyIds)) : "",
    category: rand() < 0.3 ? pick(CREDIT_CATEGORIES) : "",
    met: pick(["all", "all", "met", "unmet"]),
    leavers: pick(["", "past", "all", "none"]),
    groupBy: second ? [first, second] : [first],
    columns: ["headcount", "met", "points", ...CREDIT_CATEGORIES],
  };
  return ReportDefinitionSchema.parse(raw);
}

describe("credit report totals", () => {
  it("equal the sum of ledger entries for random filters and groupings", async () => {
    const rows = await ledgerRows();
    const met = new Map<string, boolean>();
    for (const person of people) {
      for (const year of YEARS) met.set(`${person.id}:${year}`, (await creditStatusForYear(db, person.id, year)).met);
    }
    const rand = prng(7);
    let nonEmpty = 0;
    for (let i = 0; i < 40; i++) {
      const definition = randomDefinition(rand);
      const root = definition.unitId ? (await db.unit.findUniqueOrThrow({ where: { id: definition.unitId } })) : await db.unit.findUniqueOrThrow({ where: { id: tree.district.id } });
      // The district test tree is the scope: an HR officer of the district.
      const scope: ReportScope = { unitPath: tree.district.path };
      const report = await runCreditReport(definition, scope);
      const expected = expectedPoints(definition, rows, met, root.path, root.id);
      const context = JSON.stringify({ i, definition });
      expect(report.totals.points, context).toBe(expected.total);
      for (const [key, points] of expected.groups) {
        if (points === 0) continue;
        expect(report.rows.find((r) => r.key === key)?.points, `${context} ${key}`).toBe(points);
      }
      for (const row of report.rows) expect(row.points, `${context} ${row.key}`).toBe(expected.groups.get(row.key) ?? 0);
      if (report.rows.some((r) => r.points !== 0)) nonEmpty++;
      // Person-level groupings: headcount and met from the one status computation.
      if (definition.groupBy.every((d) => ["unit", "postType", "grade", "year"].includes(d))) {
        const years = YEARS.filter((y) => y >= definition.yearFrom && y <= definition.yearTo);
        const personYears = countedPersonYears(definition, expected.chosen.values(), rows, years).map((py) => met.get(`${py.id}:${py.year}`)!);
        const kept = personYears.filter((m) => definition.met === "all" || (definition.met === "met") === m);
        expect(report.totals.headcount, context).toBe(kept.length);
        expect(report.totals.met, context).toBe(kept.filter(Boolean).length);
        expect(report.rows.reduce((s, r) => s + r.headcount, 0), context).toBe(kept.length);
      }
      // Category columns add up to the points.
      for (const row of report.rows) {
        expect(CREDIT_CATEGORIES.reduce((s, c) => s + row.byCategory[c], 0), `${context} ${row.key}`).toBe(row.points);
      }
    }
    // The random filters must have produced real figures, or this test proves nothing.
    expect(nonEmpty).toBeGreaterThan(20);
  }, 120_000);

  it("count people who have left when asked: totals equal the ledger sums including them, in report, drill-down and exports", async () => {
    const rows = await ledgerRows();
    const leaver = people[27];
    const leaverYears = [...new Set(rows.filter((r) => r.personId === leaver.id).map((r) => r.creditYear))];
    // The fixture must give the leaver entries, or this test proves nothing.
    expect(leaverYears.length).toBeGreaterThan(0);
    const scope: ReportScope = { unitPath: tree.district.path };
    const ledgerSum = (filter: (r: Row) => boolean) => rows.filter(filter).reduce((sum, r) => sum + r.amount, 0);
    const definition = (leavers: string) =>
      ReportDefinitionSchema.parse({ yearFrom: "2024", yearTo: "2026", unitId: String(tree.district.id), groupBy: ["unit", "year"], leavers });
    const all = await runCreditReport(definition("all"), scope);
    const none = await runCreditReport(definition("none"), scope);
    expect(all.totals.points).toBe(ledgerSum(() => true));
    expect(none.totals.points).toBe(ledgerSum((r) => r.personId !== leaver.id));
    // One person-year per year with entries, placed in the leaver's last unit (the district itself).
    expect(all.totals.headcount - none.totals.headcount).toBe(leaverYears.length);
    const ownGroup = all.rows.filter((r) => r.parts[0].value === String(tree.district.id));
    expect(ownGroup.reduce((s, r) => s + r.headcount, 0) - none.rows.filter((r) => r.parts[0].value === String(tree.district.id)).reduce((s, r) => s + r.headcount, 0)).toBe(
      leaverYears.length,
    );
    // The default ("past"): the leaver counts in the years before the current one only.
    const past = await runCreditReport(definition(""), scope);
    expect(past.definition.leavers).toBe("past");
    expect(past.totals.points).toBe(ledgerSum((r) => r.personId !== leaver.id || r.creditYear < shanghaiYear()));
    // Drill-down: the leaver's rows are there, marked, and add up to the group.
    const drill = await reportPeople(definition("all"), scope, "", { pageSize: 1000 });
    expect(drill.points).toBe(all.totals.points);
    const leaverRows = drill.rows.filter((r) => r.personId === leaver.id);
    expect(leaverRows.map((r) => r.year).sort()).toEqual([...leaverYears].sort());
    expect(leaverRows.every((r) => r.left)).toBe(true);
    expect(drill.rows.filter((r) => r.personId !== leaver.id).every((r) => !r.left)).toBe(true);
    const entries = await reportPersonEntries(definition("all"), scope, leaver.id, "", { year: leaverRows[0].year });
    expect(entries.total).toBe(leaverRows[0].points);
    // Not counted, not shown: the leaver's entries are outside a report without leavers.
    await expect(reportPersonEntries(definition("none"), scope, leaver.id, "", { year: leaverRows[0].year })).rejects.toMatchObject({ code: "reports.errors.personOutOfScope" });
    expect((await reportPersonEntries(definition("none"), scope, leaver.id, "")).entries).toEqual([]);
    // Exports go through the same definition: one row per counted person-year, same sum.
    const csv = (await collect((out) => writeReportCsv(definition("all"), scope, out))).toString("utf8").slice(1);
    const [header, ...lines] = Papa.parse<string[]>(csv.trimEnd()).data;
    expect(lines).toHaveLength(all.totals.headcount);
    const at = header.indexOf("本报表学分");
    expect(lines.reduce((sum, line) => sum + Math.round(Number(line[at]) * 100), 0)).toBe(all.totals.points);
    expect(lines.filter((line) => line[0] === `RPT027`)).toHaveLength(leaverYears.length);
    // …and say who has left, as the drill-down does.
    const leftAt = header.indexOf("已离开");
    expect(lines.filter((line) => line[leftAt] === "是").map((line) => line[0])).toEqual(lines.filter((line) => line[0] === "RPT027").map(() => "RPT027"));
  });

  it("drills down to people and ledger entries with the same numbers", async () => {
    const rand = prng(11);
    for (let i = 0; i < 8; i++) {
      const definition = randomDefinition(rand);
      const scope: ReportScope = { unitPath: tree.district.path };
      const report = await runCreditReport(definition, scope);
      const row = report.rows.find((r) => r.points !== 0);
      if (!row) continue;
      const drill = await reportPeople(definition, scope, row.key, { pageSize: 1000 });
      expect(drill.points, JSON.stringify(definition)).toBe(row.points);
      if (definition.groupBy.every((d) => ["unit", "postType", "grade", "year"].includes(d))) expect(drill.total).toBe(row.headcount);
      const person = drill.rows.find((r) => r.points !== 0)!;
      const entries = await reportPersonEntries(definition, scope, person.personId, row.key, { year: person.year });
      expect(entries.total, JSON.stringify({ definition, key: row.key })).toBe(person.points);
      expect(entries.entries.length).toBeGreaterThan(0);
    }
  }, 60_000);

  it("offers a street's residential areas as report roots, within the scope", async () => {
    const district: ReportScope = { unitPath: tree.district.path };
    const [a, b] = tree.streets;
    // The whole district: no street chosen, no areas offered yet.
    expect(await reportUnitPicker(district, undefined)).toEqual({ streetId: null, areaId: null, areas: [] });
    expect(await reportUnitPicker(district, tree.district.id)).toEqual({ streetId: tree.district.id, areaId: null, areas: [] });
    // A street: its areas; an area: its street in the select and its siblings.
    const street = await reportUnitPicker(district, a.id);
    expect(street).toMatchObject({ streetId: a.id, areaId: null });
    expect(street!.areas.map((x) => x.id)).toEqual([a.areaId]);
    expect(await reportUnitPicker(district, a.areaId)).toMatchObject({ streetId: a.id, areaId: a.areaId, areas: [{ id: a.areaId }] });
    // A street officer: their street's areas without choosing it; nothing of another street.
    const streetScope: ReportScope = { unitPath: a.path };
    expect((await reportUnitPicker(streetScope, undefined))!.areas.map((x) => x.id)).toEqual([a.areaId]);
    expect(await reportUnitPicker(streetScope, b.areaId)).toBeNull();
    // The area select counts when the area lies directly below the chosen street (or scope).
    expect(await resolvePickedArea(district, a.id, a.areaId)).toBe(a.areaId);
    expect(await resolvePickedArea(streetScope, undefined, a.areaId)).toBe(a.areaId);
    // The street was changed since (or "whole scope" chosen): the old area is dropped.
    expect(await resolvePickedArea(district, b.id, a.areaId)).toBeUndefined();
    expect(await resolvePickedArea(district, undefined, a.areaId)).toBeUndefined();
    // Not an area, no such unit, or outside the scope: refused alike.
    expect(await resolvePickedArea(district, undefined, b.id)).toBe("invalid");
    expect(await resolvePickedArea(district, undefined, 999_999_999)).toBe("invalid");
    expect(await resolvePickedArea(streetScope, undefined, b.areaId)).toBe("invalid");
    // An area as the root: only its people.
    const report = await runCreditReport(ReportDefinitionSchema.parse({ yearFrom: "2026", yearTo: "2026", unitId: String(a.areaId), groupBy: ["unit"] }), district);
    expect(report.root.id).toBe(a.areaId);
    expect(report.totals.headcount).toBe(people.filter((p) => p.unitPath === a.areaPath && p.id !== people[27].id).length);
    await expect(runCreditReport(ReportDefinitionSchema.parse({ yearFrom: "2026", yearTo: "2026", unitId: String(b.areaId), groupBy: ["unit"] }), streetScope)).rejects.toBeInstanceOf(ReportError);
  });

  it("keeps HR inside their subtree", async () => {
    const streetScope = reportScopeFor({ role: "hr", scopeUnitPath: tree.streets[0].path });
    const base = ReportDefinitionSchema.parse({ yearFrom: "2025", yearTo: "2025", groupBy: ["unit"] });
    await expect(runCreditReport({ ...base, unitId: tree.streets[1].id }, streetScope)).rejects.toBeInstanceOf(ReportError);
    await expect(runCreditReport({ ...base, unitId: tree.district.id }, streetScope)).rejects.toBeInstanceOf(ReportError);
    const own = await runCreditReport(base, streetScope);
    expect(own.root.id).toBe(tree.streets[0].id);
    const inStreet = people.filter((p) => p.streetId === tree.streets[0].id && p.id !== people[27].id);
    expect(own.totals.headcount).toBe(inStreet.length);
    const outsider = people.find((p) => p.streetId === tree.streets[1].id)!;
    await expect(reportPersonEntries(base, streetScope, outsider.id, "")).rejects.toBeInstanceOf(ReportError);
    expect(() => reportScopeFor({ role: "learner", scopeUnitPath: null })).toThrow(ReportError);
    expect(() => reportScopeFor({ role: "trainer", scopeUnitPath: tree.district.path })).toThrow(ReportError);
  });
});

describe("credit report order and pages", () => {
  const parse = (raw: Record<string, unknown>) =>
    ReportDefinitionSchema.parse({ yearFrom: "2024", yearTo: "2026", groupBy: ["unit", "postType"], columns: ["headcount", "points", "metRate"], ...raw });
  /** The groups' own order: units as listed (the root's own people first), post types by their order. */
  async function groupOrder(rows: { parts: { dim: string; value: string }[] }[]) {
    const report = await runCreditReport(parse({ sort: "group", dir: "asc" }), { unitPath: tree.district.path });
    const rank = new Map(report.rows.map((r, i) => [r.parts.map((p) => `${p.dim}:${p.value}`).join("|"), i]));
    return rows.map((r) => rank.get(r.parts.map((p) => `${p.dim}:${p.value}`).join("|"))!);
  }

  it("sorts group rows by a figure in either direction, ties in group order", async () => {
    const district = { unitPath: tree.district.path };
    const asc = await runCreditReport(parse({ sort: "group", dir: "asc" }), district);
    const desc = await runCreditReport(parse({ sort: "group", dir: "desc" }), district);
    expect(asc.rows.length).toBeGreaterThan(5);
    expect(desc.rows.map((r) => r.key)).toEqual(asc.rows.map((r) => r.key).reverse());
    // Units first (the district's own people before its streets), then post types, by their order.
    const ranks = await groupOrder(asc.rows);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    for (const sort of ["points", "headcount", "metRate"] as const) {
      for (const dir of ["asc", "desc"] as const) {
        const report = await runCreditReport(parse({ sort, dir }), district);
        expect(report.rows.map((r) => r.key).sort()).toEqual(asc.rows.map((r) => r.key).sort());
        const order = await groupOrder(report.rows);
        for (let i = 1; i < report.rows.length; i++) {
          const [a, b] = [report.rows[i - 1][sort]!, report.rows[i][sort]!];
          const context = JSON.stringify({ sort, dir, i });
          if (dir === "asc") expect(a, context).toBeLessThanOrEqual(b);
          else expect(a, context).toBeGreaterThanOrEqual(b);
          // Equal figures: the groups' own order, ascending even when the figure is descending.
          if (a === b) expect(order[i - 1], context).toBeLessThan(order[i]);
        }
        // The same definition gives the same order again.
        expect((await runCreditReport(parse({ sort, dir }), district)).rows.map((r) => r.key)).toEqual(report.rows.map((r) => r.key));
      }
    }
    // Headcounts tie a lot here (a few people per group): the tie rule must have been exercised.
    const byHeadcount = await runCreditReport(parse({ sort: "headcount", dir: "desc" }), district);
    expect(new Set(byHeadcount.rows.map((r) => r.headcount)).size).toBeLessThan(byHeadcount.rows.length);
  });

  it("puts rows without the figure last in both directions", async () => {
    // A met rate of nobody is null; counted is null for every month group.
    const row = (key: string, metRate: number | null) => ({ key, metRate, headcount: 1, met: 0, unmet: 1, points: 0, avgPoints: 0, counted: null, byCategory: { in_person: 0, online: 0, camp: 0, external: 0, adjustment: 0 } });
    const rows = () => [row("a", null), row("b", 0.5), row("c", 0.2), row("d", null), row("e", 0.5)];
    const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
    expect(sortReportRows(rows(), "metRate", "asc", byKey).map((r) => r.key)).toEqual(["c", "b", "e", "a", "d"]);
    expect(sortReportRows(rows(), "metRate", "desc", byKey).map((r) => r.key)).toEqual(["b", "e", "c", "a", "d"]);
    // Every figure empty: the groups' own order.
    expect(sortReportRows(rows(), "counted", "desc", byKey).map((r) => r.key)).toEqual(["a", "b", "c", "d", "e"]);
    const months = await runCreditReport(parse({ groupBy: ["month"], sort: "counted", dir: "desc" }), { unitPath: tree.district.path });
    expect(months.rows.every((r) => r.counted === null)).toBe(true);
    expect(months.rows.map((r) => r.parts[0].value)).toEqual(months.rows.map((r) => r.parts[0].value).sort());
  });

  it("pages group rows and people without duplicates or gaps", async () => {
    const district = { unitPath: tree.district.path };
    const report = await runCreditReport(parse({ sort: "points", dir: "desc" }), district);
    const pageSize = 4;
    const first = pageOfRows(report.rows, 1, pageSize);
    expect(first.pages).toBe(Math.ceil(report.rows.length / pageSize));
    const seen: string[] = [];
    for (let page = 1; page <= first.pages; page++) {
      // Each page from a fresh run, as each page is a fresh request.
      const again = await runCreditReport(parse({ sort: "points", dir: "desc" }), district);
      seen.push(...pageOfRows(again.rows, page, pageSize).rows.map((r) => r.key));
    }
    expect(seen).toEqual(report.rows.map((r) => r.key));
    expect(new Set(seen).size).toBe(seen.length);
    // Out-of-range pages land on the first or last page.
    expect(pageOfRows(report.rows, 0, pageSize).page).toBe(1);
    expect(pageOfRows(report.rows, 999, pageSize).page).toBe(first.pages);
    expect(pageOfRows([], 3, pageSize)).toEqual({ rows: [], page: 1, pages: 1 });

    // People: points ties (many people have none in a year) broken by person and year.
    const definition = parse({ leavers: "all" });
    const everyone = await reportPeople(definition, district, "", { pageSize: 1000 });
    expect(everyone.rows.length).toBe(everyone.total);
    const people: string[] = [];
    for (let page = 1; page <= Math.ceil(everyone.total / 7); page++) {
      const result = await reportPeople(definition, district, "", { page, pageSize: 7 });
      expect(result.page).toBe(page);
      people.push(...result.rows.map((r) => `${r.personId}:${r.year}`));
    }
    expect(people).toEqual(everyone.rows.map((r) => `${r.personId}:${r.year}`));
    expect(new Set(people).size).toBe(everyone.total);
    for (let i = 1; i < everyone.rows.length; i++) {
      const [a, b] = [everyone.rows[i - 1], everyone.rows[i]];
      expect(a.points > b.points || (a.points === b.points && (a.personId < b.personId || (a.personId === b.personId && a.year < b.year)))).toBe(true);
    }
  });
});

async function collect(write: (out: PassThrough) => Promise<unknown>): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise((resolve) => out.on("end", resolve));
  await write(out);
  await ended;
  return Buffer.concat(chunks);
}

describe("credit report exports", () => {
  const definition = () =>
    ReportDefinitionSchema.parse({
      yearFrom: "2025",
      yearTo: "2026",
      unitId: String(tree.district.id),
      groupBy: ["unit", "postType"],
      columns: ["headcount", "points", "metRate"],
      // Active people only: the row counts below are 27 people × 2 years.
      leavers: "none",
    });

  it("writes CSV with a BOM, Chinese headers and no cell that Excel would run as a formula", async () => {
    const buffer = await collect((out) => writeReportCsv(definition(), adminScope, out));
    const text = buffer.toString("utf8");
    expect(text.startsWith("\uFEFF")).toBe(true);
    const lines = text.slice(1).trimEnd().split("\r\n");
    expect(lines[0]).toContain('"工号","姓名"');
    // 27 active people × 2 years, plus the header.
    expect(lines).toHaveLength(1 + 27 * 2);
    expect(text).toContain(`"'=HYPERLINK(""http://evil"",""x"")"`);
    // No field (quoted) starts with a formula character, except negative numbers written as numbers.
    for (const line of lines.slice(1)) {
      for (const field of line.match(/"(?:[^"]|"")*"/g)!) {
        const value = field.slice(1, -1);
        if (/^-\d+(\.\d+)?$/.test(value)) continue;
        expect(value, line).not.toMatch(/^[=+\-@\t\r]/);
      }
    }
  });

  it("sums the same in the CSV as in the report", async () => {
    const def = definition();
    const report = await runCreditReport(def, adminScope);
    const text = (await collect((out) => writeReportCsv(def, adminScope, out))).toString("utf8").slice(1);
    const [columns, ...lines] = Papa.parse<string[]>(text.trimEnd()).data;
    const pointsAt = columns.indexOf("本报表学分");
    expect(pointsAt).toBeGreaterThan(0);
    const sum = lines.reduce((s, line) => s + Math.round(Number(line[pointsAt]) * 100), 0);
    expect(sum).toBe(report.totals.points);
    const groups = (await collect((out) => writeReportCsv(def, adminScope, out, { rows: "groups", locale: "en" }))).toString("utf8");
    expect(groups).toContain('"Unit","Post type","People","Points","Met rate"');
    expect(groups.trimEnd().split("\r\n")).toHaveLength(1 + report.rows.length + 1);
  });

  it("writes XLSX with Chinese headers, a frozen header row, number formats and one sheet per group", async () => {
    const def = definition();
    const buffer = await collect((out) => writeReportXlsx(def, adminScope, out, { sheetPerGroup: true }));
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
    const report = await runCreditReport(def, adminScope);
    const units = new Set(report.rows.map((r) => r.parts[0].label.zh));
    expect(workbook.worksheets.map((s) => s.name).sort()).toEqual([...units].sort());
    let rows = 0;
    let points = 0;
    for (const sheet of workbook.worksheets) {
      expect(sheet.getRow(1).getCell(1).value).toBe("工号");
      expect(sheet.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
      const header = (sheet.getRow(1).values as unknown[]).slice(1);
      const at = header.indexOf("本报表学分") + 1;
      expect(sheet.getColumn(at).numFmt).toBe("0.00");
      for (let r = 2; r <= sheet.rowCount; r++) {
        rows++;
        points += Math.round(Number(sheet.getRow(r).getCell(at).value) * 100);
      }
    }
    expect(rows).toBe(27 * 2);
    expect(points).toBe(report.totals.points);
    const name = workbook.worksheets.flatMap((s) => s.getColumn(2).values).find((v) => typeof v === "string" && v.startsWith("="));
    // A name that looks like a formula is a string cell, not a formula.
    expect(name).toBe("=HYPERLINK(\"http://evil\",\"x\")");
  });

  it("refuses one sheet per group when the first grouping splits people's points", async () => {
    const def = ReportDefinitionSchema.parse({ yearFrom: "2025", yearTo: "2025", groupBy: ["month"] });
    await expect(writeReportXlsx(def, adminScope, new PassThrough(), { sheetPerGroup: true })).rejects.toBeInstanceOf(ReportError);
  });
});

describe("HR dashboard charts", () => {
  it("come from the same statuses and ledger as the reports", async () => {
    const viewer = { id: 0, role: "hr", scopeUnitId: tree.district.id, scopeUnitPath: tree.district.path } as unknown as SessionUser;
    const home = await loadHrHome(viewer, 2025);
    const charts = home.charts!;
    // Every active person of the district falls in exactly one bucket of the distribution.
    expect(charts.distribution.reduce((sum, b) => sum + b.count, 0)).toBe(home.total);
    expect(home.total).toBe(27);
    // The trend's points per year equal the report's total for that year.
    for (const point of charts.trend.filter((p) => YEARS.includes(p.year))) {
      const report = await runCreditReport(ReportDefinitionSchema.parse({ yearFrom: String(point.year), yearTo: String(point.year), groupBy: ["unit"] }), {
        unitPath: tree.district.path,
      });
      expect(point.points).toBe(report.totals.points);
    }
    // The month trend: every month of the year (and any other month with entries of the credit
    // year: reversals made today), the report's figures by month, adding up to the year.
    expect(charts.months.map((m) => m.month)).toEqual(expect.arrayContaining(Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, "0")}`)));
    expect(charts.months.map((m) => m.month)).toEqual(charts.months.map((m) => m.month).sort());
    const byMonth = await runCreditReport(ReportDefinitionSchema.parse({ yearFrom: "2025", yearTo: "2025", groupBy: ["month"] }), { unitPath: tree.district.path });
    for (const row of byMonth.rows) expect(charts.months.find((m) => m.month === row.parts[0].value)?.points).toBe(row.points);
    expect(charts.months.reduce((sum, m) => sum + m.points, 0)).toBe(charts.trend.find((p) => p.year === 2025)!.points);
    expect(charts.months.filter((m) => m.points !== 0).length).toBeGreaterThan(6);
    // The current year stops at the current month.
    const current = await loadHrHome(viewer, shanghaiYear());
    // The current year lists its months up to now (later ones only if entries are dated there).
    const now = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);
    const upToNow = Array.from({ length: Number(now.slice(5, 7)) }, (_, i) => `${now.slice(0, 4)}-${String(i + 1).padStart(2, "0")}`);
    expect(current.charts!.months.map((m) => m.month)).toEqual(expect.arrayContaining(upToNow));
    // Coverage is a share of each street's people, computed per competency.
    const street = charts.coverage.find((c) => c.unitId === tree.streets[0].id)!;
    const values = Object.values(street.shares);
    expect(values.length).toBeGreaterThanOrEqual(3);
    for (const v of values) expect(v === null || (v >= 0 && v <= 1)).toBe(true);
    expect(values.some((v) => v !== null && v > 0)).toBe(true);
  });
});

describe("saved reports", () => {
  const asViewer = (user: { id: number; role: string; scopeUnitId: number | null }, path: string | null) =>
    ({ ...user, scopeUnitPath: path }) as unknown as SessionUser;

  it("round-trip their definition, are shared with other HR officers and changed by their owner only, audited", async () => {
    const owner = asViewer(await makeUser("hr", { scopeUnitId: tree.district.id }), tree.district.path);
    const other = asViewer(await makeUser("hr", { scopeUnitId: tree.streets[0].id }), tree.streets[0].path);
    const definition = ReportDefinitionSchema.parse({
      yearFrom: "2024",
      yearTo: "2026",
      unitId: String(tree.streets[1].id),
      postTypes: ["head", "staff"],
      gradeMin: "4",
      competencyId: String(catalogue.competencyIds[1]),
      met: "unmet",
      groupBy: ["year", "postType"],
      columns: ["points", "headcount"],
      sort: "points",
      dir: "desc",
    });
    const { id } = await saveReport(owner, { name: "历年未达标", shared: false, definition });
    const stored = await db.savedReport.findUniqueOrThrow({ where: { id } });
    expect(parseStoredDefinition(stored.definition)).toEqual(definition);
    expect((await listSavedReports(owner)).find((r) => r.id === id)).toMatchObject({ name: "历年未达标", mine: true, shared: false });
    // Not shared yet: the other officer doesn't see it and cannot change it.
    expect((await listSavedReports(other)).some((r) => r.id === id)).toBe(false);
    expect(await setReportShared(other, id, true)).toBe(false);
    expect(await setReportShared(owner, id, true)).toBe(true);
    expect((await listSavedReports(other)).find((r) => r.id === id)).toMatchObject({ mine: false, shared: true });
    expect(await deleteSavedReport(other, id)).toBe(false);
    expect(await deleteSavedReport(owner, id)).toBe(true);
    expect(await db.savedReport.count({ where: { id } })).toBe(0);
    const audit = await db.auditEvent.findMany({ where: { entityType: "SavedReport", entityId: String(id) }, orderBy: { id: "asc" }, select: { action: true, actorId: true } });
    expect(audit).toEqual([
      { action: "report.save", actorId: owner.id },
      { action: "report.share", actorId: owner.id },
      { action: "report.delete", actorId: owner.id },
    ]);
  });

  it("refuse bad definitions with translated messages", () => {
    const bad = ReportDefinitionSchema.safeParse({ yearFrom: "2026", yearTo: "2024", gradeMin: "9", gradeMax: "3", groupBy: ["unit", "unit", "month"] });
    expect(bad.success).toBe(false);
    const messages = bad.error!.issues.map((i) => `${i.path.join(".")}:${i.message}`);
    expect(messages).toEqual(expect.arrayContaining(["groupBy:reports.errors.groupBy"]));
    const order = ReportDefinitionSchema.safeParse({ yearFrom: "2026", yearTo: "2024", gradeMin: "9", gradeMax: "3", groupBy: ["unit"] });
    expect(order.error!.issues.map((i) => i.message)).toEqual(expect.arrayContaining(["reports.errors.yearOrder", "reports.errors.gradeOrder"]));
    expect(ReportDefinitionSchema.safeParse({ yearFrom: "2010", yearTo: "2026", groupBy: ["unit"] }).error!.issues[0].message).toMatch(/^reports\.errors\.yearSpan/);
    expect(ReportDefinitionSchema.safeParse({ yearFrom: "x", yearTo: "2026", groupBy: ["unit"] }).error!.issues[0].message).toBe("reports.errors.year");
  });
});
