import { beforeAll, describe, expect, it } from "vitest";
import { loader } from "~/routes/camps.teams.$teamId.feedback[.pdf]";
import { db } from "~/utils/db.server";
import { CALENDAR, makeCatalogue, makeCourse, makeLearner, makeOffering, makeSessions } from "../../tests/support/enrolment-fixtures";
import { makePerson, makeUnitTree, makeUser } from "../../tests/support/factories";
import { pdfText, readAll } from "../../tests/support/pdf";
import { getRequest, sessionCookieFor, settle } from "../../tests/support/requests";

type Actor = "lead" | "mentor" | "judge" | "otherTrainer" | "memberA" | "memberB";
let cookies: Record<Actor, string>;
let team1: number;
let team2: number;
let people: { a: { name: string; employeeNo: string }; c: { name: string; employeeNo: string } };

beforeAll(async () => {
  const tree = await makeUnitTree();
  const catalogue = await makeCatalogue();
  const course = await makeCourse(catalogue, { mode: "camp" });
  const offering = await makeOffering(course.id, tree.streets[0].id);
  const [session] = await makeSessions(offering.id, [240]);
  const camp = await db.camp.create({ data: { offeringId: offering.id, passMark: 6000, status: "grading" } });
  const [lead, mentor, judge, otherTrainer] = [await makeUser("trainer"), await makeUser("trainer"), await makeUser("trainer"), await makeUser("trainer")];
  for (const [user, role] of [[lead, "lead"], [mentor, "mentor"], [judge, "judge"]] as const) {
    await db.campStaff.create({ data: { campId: camp.id, userId: user.id, role } });
  }
  const rubric = await db.rubric.create({
    data: {
      name: "项目评分表",
      campId: camp.id,
      criteria: {
        create: [
          { title: "问题分析", competencyId: catalogue.competencyIds[0], weight: 60, sortOrder: 0, levels: { create: [{ label: "优秀", points: 100, sortOrder: 0 }, { label: "良好", points: 80, sortOrder: 1 }] } },
          { title: "预算合理", competencyId: catalogue.competencyIds[1], weight: 40, sortOrder: 1, levels: { create: [{ label: "充分", points: 90, sortOrder: 0 }, { label: "欠缺", points: 50, sortOrder: 1 }] } },
        ],
      },
    },
    select: { criteria: { orderBy: { sortOrder: "asc" }, select: { id: true, levels: { orderBy: { sortOrder: "asc" }, select: { id: true } } } } },
  });
  const a = await makeLearner(tree.streets[0].areaId);
  const c = await makePerson(tree.streets[0].areaId, { name: "孙丽" });
  const b = await makeLearner(tree.streets[1].areaId);
  people = { a: a.person, c };
  const brief = await db.projectBrief.create({ data: { campId: camp.id, title: "楼道微更新", dueAt: CALENDAR.ends } });
  const teams: number[] = [];
  for (const [i, members] of [[a.person.id, c.id], [b.person.id]].entries()) {
    const team = await db.team.create({ data: { campId: camp.id, name: `第${i + 1}组` } });
    teams.push(team.id);
    for (const personId of members) {
      await db.enrolment.create({ data: { offeringId: offering.id, personId, status: "enrolled" } });
      await db.teamMember.create({ data: { teamId: team.id, personId } });
    }
  }
  [team1, team2] = teams;
  // Member A attended; member C did not (fails on absence whatever the mark).
  await db.attendance.create({ data: { sessionId: session.id, personId: a.person.id, status: "present" } });
  const [analysis, budget] = rubric.criteria;
  for (const [teamId, title] of [[team1, "加装扶手"], [team2, "共享花园"]] as const) {
    const project = await db.project.create({ data: { teamId, briefId: brief.id, title } });
    // Lead: 优秀 + 充分 = 60×100 + 40×90 = 9600; mentor: 良好 + 欠缺 = 60×80 + 40×50 = 6800.
    for (const [marker, levels, total, comment] of [
      [lead.id, [analysis.levels[0].id, budget.levels[0].id], 9600, "调研扎实"],
      [mentor.id, [analysis.levels[1].id, budget.levels[1].id], 6800, "预算缺少明细"],
    ] as const) {
      await db.mark.create({
        data: {
          projectId: project.id,
          markerId: marker,
          status: "submitted",
          total,
          submittedAt: new Date(),
          scores: { create: [{ criterionId: analysis.id, levelId: levels[0], comment }, { criterionId: budget.id, levelId: levels[1], comment: "" }] },
        },
      });
    }
    if (teamId === team1) {
      await db.finalMark.create({ data: { projectId: project.id, total: 8200, method: "mean", feedback: "方案贴近居民需求，预算需细化。", releasedAt: new Date("2026-03-14T08:00:00Z"), releasedById: lead.id } });
    }
  }
  await db.participationAdjustment.create({ data: { campId: camp.id, personId: a.person.id, delta: 300, reason: "主动承担汇报", byId: mentor.id } });

  cookies = {
    lead: await sessionCookieFor(lead.id),
    mentor: await sessionCookieFor(mentor.id),
    judge: await sessionCookieFor(judge.id),
    otherTrainer: await sessionCookieFor(otherTrainer.id),
    memberA: await sessionCookieFor(a.user!.id),
    memberB: await sessionCookieFor(b.user!.id),
  };
});

const get = (teamId: number, actor?: Actor) =>
  settle(() => loader({ request: getRequest(`/camps/teams/${teamId}/feedback.pdf`, actor ? cookies[actor] : undefined), params: { teamId: String(teamId) }, context: {} }));

async function textOf(response: Response) {
  expect(response.status).toBe(200);
  expect(response.headers.get("Content-Type")).toBe("application/pdf");
  return (await pdfText(await readAll(response.body!))).text;
}

describe("the camp feedback PDF", () => {
  it("gives the lead mentor the team, criteria with each marker's level, points and comment, feedback and every member's result", async () => {
    const text = await textOf(await get(team1, "lead"));
    for (const fact of [
      "训练营反馈",
      "第1组",
      people.a.name,
      people.c.name,
      "加装扶手",
      "已于",
      "82（评分人平均）",
      "问题分析",
      "评分人 1：优秀（100%）",
      "评分人 2：良好（80%）",
      // criterion mean: (60×100 + 60×80) / 2 = 5400 → 54 points
      "54",
      "调研扎实",
      "预算缺少明细",
      "方案贴近居民需求，预算需细化。",
      "+3（主动承担汇报）",
      "85",
      "通过",
      "未通过：缺勤超过规定比例",
    ]) {
      expect(text, fact).toContain(fact);
    }
  });

  it("gives mentors unreleased teams too, marked as not released", async () => {
    const text = await textOf(await get(team2, "mentor"));
    expect(text).toContain("共享花园");
    expect(text).toContain("未发布");
  });

  it("gives a member their own team's released feedback and nothing before release", async () => {
    const text = await textOf(await get(team1, "memberA"));
    expect(text).toContain("加装扶手");
    expect(text).not.toContain("共享花园");
    expect((await get(team2, "memberB")).status).toBe(404);
  });

  it("refuses other teams' members, judges, other trainers and anonymous visitors", async () => {
    expect((await get(team1, "memberB")).status).toBe(404);
    expect((await get(team2, "memberA")).status).toBe(404);
    expect((await get(team1, "judge")).status).toBe(403);
    expect((await get(team1, "otherTrainer")).status).toBe(404);
    expect((await get(999999, "lead")).status).toBe(404);
    const anonymous = await get(team1);
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("Location")).toMatch(/^\/login/);
  });
});
