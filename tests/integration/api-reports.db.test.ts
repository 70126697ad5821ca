// GET /api/v1/reports/credits: the HR credit report through the API, in scope, as JSON
// (groups, or person-years a page at a time), CSV and XLSX, with figures equal to the one
// status computation.
import { beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "~/api/tokens.server";
import { awardCredits, creditStatusForYear } from "~/credits/ledger.server";
import { loader as reportLoader } from "~/routes/api.v1.reports.credits";
import { db } from "~/utils/db.server";
import { shanghaiYear } from "~/utils/time";
import { makeCatalogue, makePeople } from "../support/enrolment-fixtures";
import { makeUnitTree, makeUser } from "../support/factories";
import { BASE, settle } from "../support/requests";

let tree: Awaited<ReturnType<typeof makeUnitTree>>;
let tokenA: string;
let tokenDistrict: string;
let codes: { district: string; a: string; b: string };
let peopleA: number[];
let peopleB: number[];

function get(path: string, token: string, language = "en") {
  const request = new Request(BASE + path, { headers: { Authorization: `Bearer ${token}`, "Accept-Language": language } });
  return settle(() => reportLoader({ request, params: {}, context: {} }));
}

beforeAll(async () => {
  tree = await makeUnitTree();
  const catalogue = await makeCatalogue();
  const admin = await makeUser("admin");
  const code = async (id: number) => (await db.unit.findUniqueOrThrow({ where: { id } })).code;
  codes = { district: await code(tree.district.id), a: await code(tree.streets[0].id), b: await code(tree.streets[1].id) };
  peopleA = await makePeople(tree.streets[0].areaId, 5);
  peopleB = await makePeople(tree.streets[1].areaId, 3);
  // Varied figures: some meet the requirement (60 in person across three competencies), some don't.
  for (const [i, personId] of [...peopleA, ...peopleB].entries()) {
    const amount = i % 2 === 0 ? 6000 : 1500 + i * 100;
    const third = Math.floor(amount / 3);
    await awardCredits(db, {
      personId, creditYear: 2026, amount, category: "in_person", sourceType: "import", sourceKey: `import:report:${personId}`,
      competencies: [
        { competencyId: catalogue.competencyIds[0], amount: third },
        { competencyId: catalogue.competencyIds[1], amount: third },
        { competencyId: catalogue.competencyIds[2], amount: amount - 2 * third },
      ],
    });
  }
  tokenA = (await createApiToken(admin.id, { name: "甲", scopeUnitId: tree.streets[0].id, reason: "测试" })).token;
  tokenDistrict = (await createApiToken(admin.id, { name: "区", scopeUnitId: tree.district.id, reason: "测试" })).token;
});

describe("GET /api/v1/reports/credits", () => {
  it("JSON groups: totals equal the status computation for everyone in scope", async () => {
    const response = await get(`/api/v1/reports/credits?year=2026&unit=${codes.district}`, tokenDistrict);
    expect(response.status).toBe(200);
    const body = await response.json();
    const everyone = [...peopleA, ...peopleB];
    const statuses = await Promise.all(everyone.map((id) => creditStatusForYear(db, id, 2026)));
    expect(body.totals.headcount).toBe(everyone.length);
    expect(body.totals.met).toBe(statuses.filter((s) => s.met).length);
    expect(body.totals.met).toBeGreaterThan(0);
    expect(body.totals.unmet).toBeGreaterThan(0);
    expect(body.totals.points).toBeCloseTo(statuses.reduce((sum, s) => sum + s.earned, 0) / 100, 2);
    expect(body.totals.counted).toBeCloseTo(statuses.reduce((sum, s) => sum + s.counted, 0) / 100, 2);
    // One row per street, labelled.
    expect(body.rows.map((r: { groups: { value: string }[] }) => r.groups[0].value).sort()).toEqual([String(tree.streets[0].id), String(tree.streets[1].id)].sort());
    expect(body.rows.find((r: { headcount: number }) => r.headcount === peopleA.length)).toBeTruthy();
  });

  it("a street's token gets its own street by default and 403 for another street", async () => {
    const own = await (await get("/api/v1/reports/credits?year=2026", tokenA)).json();
    expect(own.totals.headcount).toBe(peopleA.length);
    expect(own.unit.code).toBe(codes.a);
    const other = await get(`/api/v1/reports/credits?year=2026&unit=${codes.b}`, tokenA);
    expect(other.status).toBe(403);
    expect((await other.json()).error.code).toBe("api.errors.outOfScope");
    const csv = await get(`/api/v1/reports/credits?year=2026&unit=${codes.b}&format=csv`, tokenA);
    expect(csv.status).toBe(403);
  });

  it("person-years a page at a time, without duplicates or gaps, equal to creditStatusForYear", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await get(`/api/v1/reports/credits?year=2026&unit=${codes.district}&rows=people&limit=3${cursor ? `&cursor=${cursor}` : ""}`, tokenDistrict);
      expect(response.status).toBe(200);
      const body = await response.json();
      for (const row of body.data) {
        seen.push(row.employeeNo);
        const person = await db.person.findUniqueOrThrow({ where: { employeeNo: row.employeeNo } });
        const status = await creditStatusForYear(db, person.id, 2026);
        expect(row).toMatchObject({ earned: status.earned / 100, counted: status.counted / 100, required: status.required / 100, met: status.met });
      }
      cursor = body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    const expected = await db.person.findMany({ where: { id: { in: [...peopleA, ...peopleB] } }, select: { employeeNo: true } });
    expect([...seen].sort()).toEqual(expected.map((p) => p.employeeNo).sort());
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("CSV and XLSX downloads, in the caller's language", async () => {
    const csv = await get("/api/v1/reports/credits?year=2026&format=csv", tokenA, "en");
    expect(csv.status).toBe(200);
    expect(csv.headers.get("Content-Type")).toMatch(/^text\/csv/);
    expect(csv.headers.get("X-RateLimit-Limit")).not.toBeNull();
    const text = await csv.text();
    const lines = text.trim().split("\r\n");
    expect(lines).toHaveLength(1 + peopleA.length);
    expect(lines[0]).toMatch(/Employee/i);
    const xlsx = await get("/api/v1/reports/credits?year=2026&format=xlsx&rows=groups", tokenA);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get("Content-Type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    const bytes = new Uint8Array(await xlsx.arrayBuffer());
    expect(String.fromCharCode(bytes[0], bytes[1])).toBe("PK");
  });

  it("validates its parameters", async () => {
    const bad = await get("/api/v1/reports/credits?year=2026&format=pdf&groupBy=unit,colour", tokenA);
    expect(bad.status).toBe(400);
    const { error } = await bad.json();
    expect(error.fields.format).toBe("format must be json, csv or xlsx");
    expect(error.fields).toHaveProperty("groupBy.1");
    expect((await get("/api/v1/reports/credits?rows=people&cursor=zzz", tokenA)).status).toBe(400);
    expect((await get("/api/v1/reports/credits?leavers=maybe", tokenA)).status).toBe(400);
  });

  it("counts people who have left as the report does: past years by default, or as asked (ADR 011)", async () => {
    // Last: this adds a leaver to street A. Credits in a past year (2025) and in the current one.
    const [leaver] = await makePeople(tree.streets[0].areaId, 1);
    const current = shanghaiYear();
    const competency = await db.competency.findFirstOrThrow({ select: { id: true } });
    for (const year of [2025, current]) {
      await awardCredits(db, { personId: leaver, creditYear: year, amount: 700, category: "online", sourceType: "import", sourceKey: `import:report-leaver:${year}`, competencies: [{ competencyId: competency.id, amount: 700 }] });
    }
    await db.person.update({ where: { id: leaver }, data: { active: false } });
    const totals = async (query: string) => (await (await get(`/api/v1/reports/credits?unit=${codes.a}&${query}`, tokenA)).json()).totals;
    const past = await totals("year=2025");
    const none = await totals("year=2025&leavers=none");
    expect(past.headcount - none.headcount).toBe(1);
    expect(past.points - none.points).toBeCloseTo(7, 2);
    expect((await totals(`year=${current}`)).headcount).toBe(peopleA.length);
    expect((await totals(`year=${current}&leavers=all`)).headcount).toBe(peopleA.length + 1);
    // Person rows say who has left.
    const body = await (await get(`/api/v1/reports/credits?unit=${codes.a}&year=2025&rows=people&limit=50`, tokenA)).json();
    const employeeNo = (await db.person.findUniqueOrThrow({ where: { id: leaver } })).employeeNo;
    expect(body.data.filter((r: { left: boolean }) => r.left).map((r: { employeeNo: string }) => r.employeeNo)).toEqual([employeeNo]);
  });
});
