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
  type ReportScope,
} from "~/reports/credit-report.server";
import { writeReportCsv, writeReportXlsx } from "~/reports/export.server";
import { loadHrHome } from "~/hr/hr-home.server";
import type { SessionUser } from "~/auth/guards.server";
import { db } from "~/utils/db.server";
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

/** The report's group points, computed straight from the raw ledger rows. */
function expectedPoints(definition: ReportDefinition, rows: Row[], met: Map<string, boolean>, rootPath: string, rootId: number) {
  const chosen = new Map(
    people
      .filter((p) => p.id !== people[27].id) // inactive
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
        const personYears = [...expected.chosen.values()].flatMap((p) => years.map((y) => met.get(`${p.id}:${y}`)!));
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
    ReportDefinitionSchema.parse({ yearFrom: "2025", yearTo: "2026", unitId: String(tree.district.id), groupBy: ["unit", "postType"], columns: ["headcount", "points", "metRate"] });

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
