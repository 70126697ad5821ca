import { beforeAll, describe, expect, it } from "vitest";
import { describeFigures } from "~/career/eligibility-rules";
import { translator } from "~/i18n/i18n";
import { action as ruleSetsAction, loader as ruleSetsLoader } from "~/routes/hr.eligibility._index";
import { loader as candidatesLoader } from "~/routes/hr.eligibility.$code";
import { loader as careerLoader } from "~/routes/hr.people_.$employeeNo";
import { db } from "~/utils/db.server";
import { makePerson, makeUnitTree, makeUser } from "../support/factories";
import { formRequest, getRequest, sessionCookieFor, settle } from "../support/requests";

const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context: {} });
const zh = translator("zh-CN");
const pts = (c: number) => String(c / 100);
const post = (code: string) => code;
const ROUND = 2026;
/** Midnight of a Shanghai date, as stored. */
const shanghai = (y: number, m = 1, d = 1) => new Date(Date.UTC(y, m - 1, d) - 8 * 3600 * 1000);

let tree: Awaited<ReturnType<typeof makeUnitTree>>;
let streetHr: string;
let otherStreetHr: string;
let districtHr: string;
let admin: string;
let learner: string;
const people: Record<string, { id: number; employeeNo: string }> = {};

async function secretary(key: string, unitId: number, since: Date | null, ratings: Record<number, string>, points: Record<number, number>) {
  const person = await makePerson(unitId, { employeeNo: `EL-${key}`, name: `人员${key}` });
  await db.person.update({ where: { id: person.id }, data: { secretarySince: since, postTypeCode: "head", grade: 9 } });
  for (const [year, rating] of Object.entries(ratings)) await db.appraisal.create({ data: { personId: person.id, year: Number(year), rating } });
  for (const [year, amount] of Object.entries(points)) {
    await db.ledgerEntry.create({
      data: { personId: person.id, creditYear: Number(year), amount, category: "in_person", sourceType: "import", sourceKey: `el:${key}:${year}` },
    });
  }
  people[key] = person;
  return person;
}

beforeAll(async () => {
  tree = await makeUnitTree();
  // 56 points a year, nothing else required, no rollover: a test decides who meets it.
  for (const year of [2023, 2024, 2025, 2026]) {
    await db.creditPolicy.create({
      data: { year, version: 1, rules: JSON.stringify({ requiredPoints: 5600, minInPersonPoints: 0, minCompetencies: 0, rolloverCapPoints: 0 }) },
    });
  }
  const [a, b] = tree.streets;
  // A: exactly 5.0 years, 合格 / 优秀 / 合格, 61.5 points each year → eligible.
  await secretary("A", a.areaId, shanghai(2021), { 2023: "pass", 2024: "excellent", 2025: "pass" }, { 2023: 6150, 2024: 6150, 2025: 6150 });
  // B: 6.3 years, three 合格 (no 优秀), credits met → not eligible (excellentCount only).
  await secretary("B", a.areaId, shanghai(2019, 9, 1), { 2023: "pass", 2024: "pass", 2025: "pass" }, { 2023: 6000, 2024: 6000, 2025: 6000 });
  // D: one day short of five years, everything else fine; 2024 credits short.
  await secretary("D", a.areaId, shanghai(2021, 1, 2), { 2023: "excellent", 2024: "pass", 2025: "pass" }, { 2023: 6000, 2024: 5599, 2025: 6000 });
  // Inactive: never listed.
  const gone = await secretary("X", a.areaId, shanghai(2010), { 2023: "excellent", 2024: "excellent", 2025: "excellent" }, { 2023: 9000, 2024: 9000, 2025: 9000 });
  await db.person.update({ where: { id: gone.id }, data: { active: false } });
  // C: the other street, eligible.
  await secretary("C", b.areaId, shanghai(2015), { 2023: "excellent", 2024: "pass", 2025: "pass" }, { 2023: 6000, 2024: 6000, 2025: 6000 });

  streetHr = await sessionCookieFor((await makeUser("hr", { scopeUnitId: a.id })).id);
  otherStreetHr = await sessionCookieFor((await makeUser("hr", { scopeUnitId: b.id })).id);
  districtHr = await sessionCookieFor((await makeUser("hr", { scopeUnitId: tree.district.id })).id);
  admin = await sessionCookieFor((await makeUser("admin")).id);
  learner = await sessionCookieFor((await makeUser("learner", { personId: people.A.id })).id);
});

type CandidateBody = { candidates: { employeeNo: string; eligible: boolean; results: Parameters<typeof describeFigures>[0][] }[] };

async function candidates(cookie: string, code = "establishment", year = ROUND) {
  return settle(() => candidatesLoader(args(getRequest(`/hr/eligibility/${code}?year=${year}`, cookie), { code })));
}

describe("eligibility rule sets", () => {
  it("seeds the three demo rule sets on first read, audited", async () => {
    expect(await db.eligibilityRuleSet.count()).toBe(0);
    const response = await settle(() => ruleSetsLoader(args(getRequest("/hr/eligibility", streetHr))));
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.sets.map((s: { code: string; version: number }) => `${s.code}@${s.version}`)).toEqual(["establishment@1", "honour@1", "recruitment@1"]);
    expect(body.canEdit).toBe(false);
    expect(await db.auditEvent.count({ where: { action: "eligibility.rules_seeded" } })).toBe(3);
    // A second read seeds nothing more.
    await settle(() => ruleSetsLoader(args(getRequest("/hr/eligibility", streetHr))));
    expect(await db.eligibilityRuleSet.count()).toBe(3);
  });

  it("lists street HR's active people with the figures per condition, eligible first", async () => {
    const response = await candidates(streetHr);
    expect(response.status).toBe(200);
    const body = (await response.json()) as CandidateBody;
    expect(body.candidates.map((c) => [c.employeeNo, c.eligible])).toEqual([
      ["EL-A", true],
      ["EL-B", false],
      ["EL-D", false],
    ]);
    const figures = (no: string) => body.candidates.find((c) => c.employeeNo === no)!.results.map((r) => `${r.ok ? "✔" : "✘"} ${describeFigures(r, zh, pts, post)}`);
    expect(figures("EL-A")).toEqual([
      "✔ 担任书记 5.0 年 ≥ 5",
      "✔ 2023 合格, 2024 优秀, 2025 合格",
      "✔ 优秀 1 次 ≥ 1 (2023 合格, 2024 优秀, 2025 合格)",
      "✔ 2023 学分 61.5/56 ✔, 2024 学分 61.5/56 ✔, 2025 学分 61.5/56 ✔",
    ]);
    expect(figures("EL-B")).toEqual([
      "✔ 担任书记 6.3 年 ≥ 5",
      "✔ 2023 合格, 2024 合格, 2025 合格",
      "✘ 优秀 0 次 ≥ 1 (2023 合格, 2024 合格, 2025 合格)",
      "✔ 2023 学分 60/56 ✔, 2024 学分 60/56 ✔, 2025 学分 60/56 ✔",
    ]);
    expect(figures("EL-D")[0]).toBe("✘ 担任书记 4.9 年 ≥ 5");
    expect(figures("EL-D")[3]).toBe("✘ 2023 学分 60/56 ✔, 2024 学分 55.99/56 ✘, 2025 学分 60/56 ✔");
  });

  it("district HR sees both streets; the honour set reads the round year's credits", async () => {
    const body = (await (await candidates(districtHr)).json()) as CandidateBody;
    expect(body.candidates.map((c) => [c.employeeNo, c.eligible])).toEqual([
      ["EL-A", true],
      ["EL-C", true],
      ["EL-B", false],
      ["EL-D", false],
    ]);
    // Nobody has 2026 points yet, so nobody is recommended for an honour in 2026.
    const honour = (await (await candidates(districtHr, "honour")).json()) as CandidateBody;
    expect(honour.candidates.every((c) => !c.eligible)).toBe(true);
    expect(describeFigures(honour.candidates.find((c) => c.employeeNo === "EL-D")!.results[0], zh, pts, post)).toBe("2025 合格");
  });

  it("exports the same list as CSV", async () => {
    const response = await settle(() =>
      candidatesLoader(args(getRequest(`/hr/eligibility/establishment?year=${ROUND}&format=csv`, streetHr), { code: "establishment" })),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    const lines = (await response.text()).split("\r\n");
    expect(lines).toHaveLength(5); // header, three people, final line end
    expect(lines[1]).toContain('"EL-A"');
    expect(lines[1]).toContain('"✔ 担任书记 5.0 年 ≥ 5"');
    expect(lines[2]).toContain('"EL-B"');
    expect(lines.join("")).not.toContain("EL-C");
  });

  it("refuses learners (403) and unknown rule sets (404)", async () => {
    expect((await candidates(learner)).status).toBe(403);
    expect((await settle(() => ruleSetsLoader(args(getRequest("/hr/eligibility", learner))))).status).toBe(403);
    expect((await candidates(streetHr, "nope")).status).toBe(404);
  });

  it("an administrator's edit is a new, audited version; HR cannot edit; bad rules are refused with translated errors", async () => {
    const rules = JSON.stringify({ conditions: [{ type: "yearsAsSecretary", min: 6 }, { type: "creditsMet", years: 1 }] });
    const hr = await settle(() => ruleSetsAction(args(formRequest("/hr/eligibility", { code: "establishment", rules, reason: "x" }, districtHr))));
    expect(hr.status).toBe(403);

    const bad = await settle(() =>
      ruleSetsAction(args(formRequest("/hr/eligibility", { code: "establishment", rules: '{"conditions":[{"type":"lastAppraisals","years":0,"minRating":"good"}]}' }, admin))),
    );
    expect(bad.status).toBe(400);
    const badBody = await bad.json();
    expect(badBody.rulesErrors.map((e: { path: string }) => e.path).sort()).toEqual(["conditions.0.minRating", "conditions.0.years"]);
    expect(zh(badBody.rulesErrors.find((e: { path: string }) => e.path === "conditions.0.minRating").message)).toBe(
      "考核等次只能是 excellent、pass、basic 或 fail。",
    );

    const saved = await settle(() => ruleSetsAction(args(formRequest("/hr/eligibility", { code: "establishment", rules, reason: "district policy 2026" }, admin))));
    expect(saved.status).toBe(200);
    expect((await saved.json()).notice).toEqual({ key: "eligibility.ruleSets.saved", params: { version: 2 } });
    const versions = await db.eligibilityRuleSet.findMany({ where: { code: "establishment" }, orderBy: { version: "asc" }, select: { version: true, active: true } });
    expect(versions).toEqual([
      { version: 1, active: false },
      { version: 2, active: true },
    ]);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "eligibility.rules_changed" } });
    expect(audit.reason).toBe("district policy 2026");
    expect(JSON.parse(audit.before!)).toMatchObject({ version: 1, rules: { conditions: [{ type: "yearsAsSecretary", min: 5 }, {}, {}, {}] } });
    expect(JSON.parse(audit.after!)).toMatchObject({ version: 2, rules: { conditions: [{ type: "yearsAsSecretary", min: 6 }, { type: "creditsMet", years: 1 }] } });

    // The list now follows version 2: A (5.0 years) is no longer eligible, B (6.3) is.
    const body = (await (await candidates(streetHr)).json()) as CandidateBody;
    expect(body.candidates.map((c) => [c.employeeNo, c.eligible])).toEqual([
      ["EL-B", true],
      ["EL-A", false],
      ["EL-D", false],
    ]);
  });
});

describe("/hr/people/:employeeNo", () => {
  const career = (cookie: string, employeeNo: string) =>
    settle(() => careerLoader(args(getRequest(`/hr/people/${employeeNo}`, cookie), { employeeNo })));

  it("shows credits per year from the one status computation, appraisals and grades", async () => {
    await db.gradeRecord.create({ data: { personId: people.A.id, postTypeCode: "head", grade: 9, effectiveFrom: shanghai(2021), reason: "initial" } });
    const response = await career(streetHr, "EL-A");
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.person).toMatchObject({ employeeNo: "EL-A", name: "人员A" });
    expect(body.person.unit).toEqual({ nameZh: "甲街道一居", nameEn: "甲街道 area" });
    expect(body.credits).toEqual([
      { year: 2023, earned: 6150, counted: 6150, required: 5600, met: true },
      { year: 2024, earned: 6150, counted: 6150, required: 5600, met: true },
      { year: 2025, earned: 6150, counted: 6150, required: 5600, met: true },
    ]);
    expect(body.appraisals).toEqual([
      { year: 2023, rating: "pass" },
      { year: 2024, rating: "excellent" },
      { year: 2025, rating: "pass" },
    ]);
    expect(body.grades).toMatchObject([{ postTypeCode: "head", grade: 9, reason: "initial" }]);
    expect((await career(admin, "EL-C")).status).toBe(200);
  });

  it("is 404 outside the viewer's scope and for unknown people, 403 for learners", async () => {
    expect((await career(otherStreetHr, "EL-A")).status).toBe(404);
    expect((await career(streetHr, "EL-C")).status).toBe(404);
    expect((await career(streetHr, "NOBODY")).status).toBe(404);
    expect((await career(learner, "EL-A")).status).toBe(403);
  });
});
