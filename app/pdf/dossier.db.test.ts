import { beforeAll, describe, expect, it } from "vitest";
import { awardCredits, creditStatusesForYear, reverseEntry } from "~/credits/ledger.server";
import { formatPoints } from "~/i18n/i18n";
import { loader } from "~/routes/hr.people_.$employeeNo_.dossier[.pdf]";
import { db } from "~/utils/db.server";
import { makeCatalogue } from "../../tests/support/enrolment-fixtures";
import { makePerson, makeUnitTree, makeUser } from "../../tests/support/factories";
import { pdfText, readAll } from "../../tests/support/pdf";
import { getRequest, sessionCookieFor, settle } from "../../tests/support/requests";

let cookies: { hrStreetA: string; hrStreetB: string; hrDistrict: string; learner: string };
let person: { id: number; employeeNo: string; name: string };
let wrongId: number;

beforeAll(async () => {
  const tree = await makeUnitTree();
  const [streetA, streetB] = tree.streets;
  const { competencyIds } = await makeCatalogue();
  person = await makePerson(streetA.areaId, { name: "周建华" });
  const award = (year: number, amount: number, key: string, category: "in_person" | "online" = "in_person") =>
    awardCredits(db, { personId: person.id, creditYear: year, amount, category, sourceType: "import", sourceKey: key, note: `导入${year}`, competencies: [{ competencyId: competencyIds[0], amount }] });
  await award(2024, 5800, `d:${person.id}:2024`);
  await award(2025, 4000, `d:${person.id}:2025a`);
  // Online points above the cap: earned ≠ counted, which the dossier must show as the ledger says.
  await award(2025, 4000, `d:${person.id}:2025b`, "online");
  const wrong = await award(2025, 500, `d:${person.id}:2025c`);
  await reverseEntry(db, { entryId: wrong.entry.id, reason: "重复导入" });
  wrongId = wrong.entry.id;
  await db.appraisal.create({ data: { personId: person.id, year: 2024, rating: "excellent" } });
  await db.appraisal.create({ data: { personId: person.id, year: 2025, rating: "pass" } });
  await db.gradeRecord.create({ data: { personId: person.id, postTypeCode: "staff", grade: 3, effectiveFrom: new Date("2020-03-01T00:00:00Z"), reason: "initial", note: "入职定级" } });
  await db.gradeRecord.create({ data: { personId: person.id, postTypeCode: "staff", grade: 4, effectiveFrom: new Date("2024-01-01T00:00:00Z"), reason: "regular", note: "满三年" } });
  const learner = await makeUser("learner", { personId: person.id });
  cookies = {
    hrStreetA: await sessionCookieFor((await makeUser("hr", { scopeUnitId: streetA.id })).id),
    hrStreetB: await sessionCookieFor((await makeUser("hr", { scopeUnitId: streetB.id })).id),
    hrDistrict: await sessionCookieFor((await makeUser("hr", { scopeUnitId: tree.district.id })).id),
    learner: await sessionCookieFor(learner.id),
  };
});

const get = (cookie?: string) =>
  settle(() => loader({ request: getRequest(`/hr/people/${person.employeeNo}/dossier.pdf`, cookie), params: { employeeNo: person.employeeNo }, context: {} }));

describe("the candidate dossier PDF", () => {
  it("holds the credit figures of creditStatusesForYear, appraisals, grade history and traced entries", async () => {
    const response = await get(cookies.hrStreetA);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("application/pdf");
    const { text: raw, title } = await pdfText(await readAll(response.body!));
    // pdf.js separates table cells with spaces and lines with newlines: compare on single spaces.
    const text = raw.replace(/\s+/g, " ");
    expect(title).toBe("候选人档案");
    for (const year of [2024, 2025]) {
      const status = (await creditStatusesForYear(db, year, [person.id])).get(person.id)!;
      expect(text).toContain(`${year} ${formatPoints("zh-CN", status.earned)} ${formatPoints("zh-CN", status.counted)} ${formatPoints("zh-CN", status.required)}`);
    }
    for (const fact of [person.name, person.employeeNo, "2024 优秀", "2025 合格", "入职定级", "满三年", "正常晋升", "导入：导入2024", `冲销 #${wrongId}：导入：导入2025`, "2025 年度学分明细", "线上学习"]) {
      expect(text, fact).toContain(fact);
    }
  });

  it("is for HR in scope only: another street's officer gets 404, a learner 403, anonymous the sign-in page", async () => {
    expect((await get(cookies.hrDistrict)).status).toBe(200);
    expect((await get(cookies.hrStreetB)).status).toBe(404);
    expect((await get(cookies.learner)).status).toBe(403);
    const anonymous = await get();
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("Location")).toMatch(/^\/login/);
  });
});
