// The camp's criterion marks as an Excel workbook (trainer.camps.$campId.marks[.xlsx]): read
// back with exceljs, the Chinese headers, one marker's figures on the 100-point scale with the
// 0.00 format, the frozen header row, a comment that looks like a formula kept as text, and
// the same refusal as the CSV for anyone but the lead mentor. Fixtures are built with Prisma.
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import { loadCampRubric, moderateMark, saveMark } from "~/grading/grading.server";
import { markXlsxHeaders, marksSheetName } from "~/grading/marks-xlsx.server";
import { loader as marksXlsxLoader } from "~/routes/trainer.camps.$campId.marks[.xlsx]";
import { localeCookie } from "~/i18n/i18n.server";
import { db } from "~/utils/db.server";
import { makeCatalogue, makeCourse, makeLearner, makeOffering, makeSessions, type Catalogue } from "../support/enrolment-fixtures";
import { makeUnitTree, makeUser } from "../support/factories";
import { getRequest, sessionCookieFor, settle } from "../support/requests";

let tree: Awaited<ReturnType<typeof makeUnitTree>>;
let catalogue: Catalogue;

const LEVELS = [100, 80, 60, 30];

/** A camp with a 3-criterion rubric (50/30/20) and one team of two with a submitted project. */
async function makeCamp() {
  const course = await makeCourse(catalogue, { mode: "camp", creditPoints: 800 });
  const offering = await makeOffering(course.id, tree.streets[0].id, { status: "closed" });
  await makeSessions(offering.id, [600, 600]);
  const camp = await db.camp.create({
    data: { offeringId: offering.id, passMark: 6000, markersPerProject: 2, moderationThresholdPct: 15, blindMarking: true, status: "grading" },
  });
  const [lead, mentor] = [await makeUser("trainer"), await makeUser("trainer")];
  await db.campStaff.createMany({
    data: [
      { campId: camp.id, userId: lead.id, role: "lead" },
      { campId: camp.id, userId: mentor.id, role: "mentor" },
    ],
  });
  await db.rubric.create({
    data: {
      name: "XLSX rubric",
      campId: camp.id,
      criteria: {
        create: [50, 30, 20].map((weight, i) => ({
          title: `评分项${i + 1}`,
          competencyId: catalogue.competencyIds[i],
          weight,
          sortOrder: i + 1,
          levels: { create: LEVELS.map((points, j) => ({ label: `L${points}`, points, sortOrder: j + 1 })) },
        })),
      },
    },
  });
  const brief = await db.projectBrief.create({ data: { campId: camp.id, title: "Brief", dueAt: new Date("2026-03-12T02:00:00Z") } });
  const team = await db.team.create({ data: { campId: camp.id, name: "第一组" } });
  const members = [await makeLearner(tree.streets[0].areaId), await makeLearner(tree.streets[0].areaId)];
  for (const m of members) await db.teamMember.create({ data: { teamId: team.id, personId: m.person.id } });
  const project = await db.project.create({
    data: {
      teamId: team.id,
      briefId: brief.id,
      title: "加装电梯议事会",
      versions: { create: { versionNo: 1, background: "bg", design: "d", budget: "b", impact: "i", submittedById: members[0].user!.id } },
    },
  });
  const rubric = (await loadCampRubric(db, camp.id))!;
  return { camp, lead, mentor, project, rubric };
}

async function readWorkbook(response: Response) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(await response.arrayBuffer());
  return workbook;
}

beforeAll(async () => {
  tree = await makeUnitTree();
  catalogue = await makeCatalogue();
});

describe("marks.xlsx", () => {
  it("gives the lead mentor a workbook of every marker's criterion marks, header frozen, points as 0.00", async () => {
    const f = await makeCamp();
    const projectId = f.project.id;
    const levels = (ranks: number[], comments: string[] = []) =>
      f.rubric.criteria.map((c, i) => ({ criterionId: c.id, levelId: c.levels[ranks[i]].id, comment: comments[i] ?? "" }));
    // The mentor: 50×100 + 30×80 + 20×60 = 8600 (86.00); the lead: 80 on every criterion = 8000.
    await saveMark({ projectId, markerId: f.mentor.id, scores: levels([0, 1, 2], ["=1+1 清楚", "", ""]), submit: true });
    await saveMark({ projectId, markerId: f.lead.id, scores: levels([1, 1, 1]), submit: true });
    await moderateMark({ projectId, leadId: f.lead.id, total: 8250, reason: "两位导师意见折中" });

    const params = { campId: String(f.camp.id) };
    const path = `/trainer/camps/${f.camp.id}/marks.xlsx`;
    const response = await settle(async () => marksXlsxLoader({ request: getRequest(path, await sessionCookieFor(f.lead.id)), params, context: {} }));
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect(response.headers.get("Content-Disposition")).toContain(`camp-${f.camp.id}-marks.xlsx`);

    const workbook = await readWorkbook(response);
    expect(workbook.worksheets.map((s) => s.name)).toEqual([marksSheetName()]);
    expect(marksSheetName()).toBe("评分明细");
    const sheet = workbook.getWorksheet(marksSheetName())!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual(markXlsxHeaders());
    expect(header.slice(0, 4)).toEqual(["项目编号", "小组", "项目", "评分人账号"]);
    // The header row stays in view while scrolling.
    expect(sheet.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
    // Two markers × three criteria.
    expect(sheet.actualRowCount).toBe(7);

    const col = (name: string) => markXlsxHeaders().indexOf(name) + 1;
    const rows = Array.from({ length: sheet.rowCount - 1 }, (_, i) => sheet.getRow(i + 2));
    const mentorFirst = rows.find((r) => r.getCell(col("评分人账号")).value === f.mentor.username && r.getCell(col("评分项")).value === "评分项1")!;
    expect(mentorFirst).toBeDefined();
    expect(mentorFirst.getCell(col("项目编号")).value).toBe(projectId);
    expect(mentorFirst.getCell(col("小组")).value).toBe("第一组");
    expect(mentorFirst.getCell(col("项目")).value).toBe("加装电梯议事会");
    expect(mentorFirst.getCell(col("评分状态")).value).toBe("已提交");
    expect(mentorFirst.getCell(col("权重（%）")).value).toBe(50);
    expect(mentorFirst.getCell(col("等级")).value).toBe("L100");
    expect(mentorFirst.getCell(col("等级得分（%）")).value).toBe(100);
    expect(mentorFirst.getCell(col("评分项得分")).value).toBe(50);
    expect(mentorFirst.getCell(col("评分项得分")).numFmt).toBe("0.00");
    expect(mentorFirst.getCell(col("评分人总分")).value).toBe(86);
    expect(mentorFirst.getCell(col("评分人总分")).numFmt).toBe("0.00");
    expect(mentorFirst.getCell(col("最终成绩")).value).toBe(82.5);
    expect(mentorFirst.getCell(col("成绩方式")).value).toBe("审定");
    // A comment that starts like a formula is text, not a formula.
    const comment = mentorFirst.getCell(col("评语"));
    expect(comment.type).toBe(ExcelJS.ValueType.String);
    expect(comment.value).toBe("=1+1 清楚");

    const leadThird = rows.find((r) => r.getCell(col("评分人账号")).value === f.lead.username && r.getCell(col("评分项")).value === "评分项3")!;
    expect(leadThird.getCell(col("评分项得分")).value).toBe(16); // 20 × 80 = 1600 centipoints
    expect(leadThird.getCell(col("评分人总分")).value).toBe(80);
  });

  it("speaks English to an English reader: headers, sheet, statuses and the rubric's English texts (Chinese where none)", async () => {
    const f = await makeCamp();
    // Criterion 1 and its levels have English texts; the others keep only their Chinese.
    await db.rubricCriterion.update({ where: { id: f.rubric.criteria[0].id }, data: { titleEn: "Background" } });
    await db.rubricLevel.updateMany({ where: { criterionId: f.rubric.criteria[0].id, points: 100 }, data: { labelEn: "Excellent" } });
    const levels = (ranks: number[]) => f.rubric.criteria.map((c, i) => ({ criterionId: c.id, levelId: c.levels[ranks[i]].id, comment: "" }));
    await saveMark({ projectId: f.project.id, markerId: f.mentor.id, scores: levels([0, 0, 1]), submit: true });
    const english = `${await sessionCookieFor(f.lead.id)}; ${(await localeCookie.serialize("en")).split(";")[0]}`;
    const response = await settle(async () =>
      marksXlsxLoader({ request: getRequest(`/trainer/camps/${f.camp.id}/marks.xlsx`, english), params: { campId: String(f.camp.id) }, context: {} }),
    );
    const workbook = await readWorkbook(response);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(["Criterion marks"]);
    const sheet = workbook.worksheets[0];
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual(markXlsxHeaders("en"));
    expect(header.slice(0, 4)).toEqual(["Project no.", "Team", "Project", "Marker account"]);
    const col = (name: string) => header.indexOf(name) + 1;
    const rows = Array.from({ length: sheet.rowCount - 1 }, (_, i) => sheet.getRow(i + 2));
    expect(rows.map((r) => [r.getCell(col("Criterion")).value, r.getCell(col("Level")).value, r.getCell(col("Mark status")).value])).toEqual([
      ["Background", "Excellent", "Submitted"],
      ["评分项2", "L100", "Submitted"],
      ["评分项3", "L80", "Submitted"],
    ]);
  });

  it("is refused to a mentor who is not the lead (403) and for a missing camp (404), like the CSV", async () => {
    const f = await makeCamp();
    const path = `/trainer/camps/${f.camp.id}/marks.xlsx`;
    const refused = await settle(async () => marksXlsxLoader({ request: getRequest(path, await sessionCookieFor(f.mentor.id)), params: { campId: String(f.camp.id) }, context: {} }));
    expect(refused.status).toBe(403);
    const missing = await settle(async () => marksXlsxLoader({ request: getRequest("/trainer/camps/99999999/marks.xlsx", await sessionCookieFor(f.lead.id)), params: { campId: "99999999" }, context: {} }));
    expect(missing.status).toBe(404);
  });

  it("is an empty sheet with only the header when nobody has marked yet", async () => {
    const f = await makeCamp();
    const response = await settle(async () => marksXlsxLoader({ request: getRequest(`/trainer/camps/${f.camp.id}/marks.xlsx`, await sessionCookieFor(f.lead.id)), params: { campId: String(f.camp.id) }, context: {} }));
    const sheet = (await readWorkbook(response)).getWorksheet(marksSheetName())!;
    expect(sheet.actualRowCount).toBe(1);
    expect(sheet.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
  });
});
