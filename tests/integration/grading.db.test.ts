// Grading a camp: blind marking, concurrent markers, refused marks, moderation, individual
// outcomes, release with credits, refusal of a second release, un-release by reversal, and
// who may see what. Fixtures are built directly with Prisma.
import { beforeAll, describe, expect, it } from "vitest";
import { GradingError } from "~/grading/errors";
import {
  copyTemplateRubric,
  loadCampRubric,
  loadGradingScreen,
  loadMyCampResults,
  loadReleasePage,
  moderateMark,
  QUIET_SAVE_EVENT_WINDOW_MS,
  recordAdjustment,
  releaseProject,
  replaceCampRubric,
  rubricDocument,
  saveMark,
  saveRubricAsTemplate,
  unreleaseProject,
  type CampRubric,
} from "~/grading/grading.server";
import { draftFromDocument, type RubricDraft } from "~/grading/rubric-editor";
import { parseRubricCsv, parseRubricJson, rubricToCsv, rubricToJson, type RubricDocument } from "~/grading/rubric-format";
import { movePerson, setCampClosed } from "~/camps/camps.server";
import { loader as myResultLoader } from "~/routes/my.camp.result";
import { loader as myHomeLoader } from "~/routes/my._index";
import { loader as gradingLoader } from "~/routes/trainer.grading.$projectId";
import { action as releaseAction, loader as releaseLoader } from "~/routes/trainer.camps.$campId.release";
import { loader as marksCsvLoader } from "~/routes/trainer.camps.$campId.marks[.csv]";
import { action as rubricAction, loader as rubricLoader } from "~/routes/trainer.camps.$campId.rubric";
import { loader as rubricCsvLoader } from "~/routes/trainer.camps.$campId.rubric[.csv]";
import { loader as rubricJsonLoader } from "~/routes/trainer.camps.$campId.rubric[.json]";
import { loader as feedbackPdfLoader } from "~/routes/camps.teams.$teamId.feedback[.pdf]";
import { localeCookie } from "~/i18n/i18n.server";
import { action as gradingAction, AUTOSAVE_MS } from "~/routes/trainer.grading.$projectId";
import { loader as queueLoader } from "~/routes/trainer.grading._index";
import { loader as trainerHomeLoader } from "~/routes/trainer._index";
import { db } from "~/utils/db.server";
import { makeCatalogue, makeCourse, makeLearner, makeOffering, makeSessions, notificationsOf, type Catalogue } from "../support/enrolment-fixtures";
import { makeUnitTree, makeUser } from "../support/factories";
import { pdfText, readAll } from "../support/pdf";
import { formRequest, getRequest, sessionCookieFor, settle } from "../support/requests";

let tree: Awaited<ReturnType<typeof makeUnitTree>>;
let catalogue: Catalogue;

const LEVELS = [100, 80, 60, 30];

/** A camp of 7 sessions × 600 minutes, a 3-criterion rubric (50/30/20), two teams of three. */
async function makeCamp(options: { blind?: boolean; creditPoints?: number } = {}) {
  const course = await makeCourse(catalogue, { mode: "camp", creditPoints: options.creditPoints ?? 800 });
  const offering = await makeOffering(course.id, tree.streets[0].id, { status: "closed" });
  const sessions = await makeSessions(offering.id, [600, 600, 600, 600, 600, 600, 600]);
  const camp = await db.camp.create({
    data: { offeringId: offering.id, passMark: 6000, markersPerProject: 2, moderationThresholdPct: 15, blindMarking: options.blind ?? true, status: "grading" },
  });
  const [lead, mentor, judge, outsider] = [await makeUser("trainer"), await makeUser("trainer"), await makeUser("trainer"), await makeUser("trainer")];
  await db.campStaff.createMany({
    data: [
      { campId: camp.id, userId: lead.id, role: "lead" },
      { campId: camp.id, userId: mentor.id, role: "mentor" },
      { campId: camp.id, userId: judge.id, role: "judge" },
    ],
  });
  await db.rubric.create({
    data: {
      name: "Test rubric",
      campId: camp.id,
      criteria: {
        create: [50, 30, 20].map((weight, i) => ({
          title: `C${i + 1}`,
          competencyId: catalogue.competencyIds[i],
          weight,
          sortOrder: i + 1,
          levels: { create: LEVELS.map((points, j) => ({ label: `L${points}`, points, sortOrder: j + 1 })) },
        })),
      },
    },
  });
  const brief = await db.projectBrief.create({ data: { campId: camp.id, title: "Brief", dueAt: new Date("2026-03-12T02:00:00Z") } });
  const teams = [];
  for (const name of ["A", "B"]) {
    const team = await db.team.create({ data: { campId: camp.id, name } });
    const members = [await makeLearner(tree.streets[0].areaId), await makeLearner(tree.streets[0].areaId), await makeLearner(tree.streets[0].areaId)];
    for (const m of members) {
      await db.teamMember.create({ data: { teamId: team.id, personId: m.person.id } });
      await db.enrolment.create({ data: { offeringId: offering.id, personId: m.person.id, status: "completed" } });
      for (const s of sessions) await db.attendance.create({ data: { sessionId: s.id, personId: m.person.id, status: "present" } });
    }
    const project = await db.project.create({
      data: {
        teamId: team.id,
        briefId: brief.id,
        title: `Project ${name}`,
        versions: { create: { versionNo: 1, background: "bg", design: "d", budget: "b", impact: "i", submittedById: members[0].user!.id } },
      },
    });
    teams.push({ team, members, project });
  }
  const rubric = (await loadCampRubric(db, camp.id))!;
  return { camp, course, offering, sessions, lead, mentor, judge, outsider, teams, rubric };
}

/** Scores choosing level index `levels[i]` (0 = best) on criterion i. */
function scores(rubric: CampRubric, levels: number[]) {
  return rubric.criteria.map((c, i) => ({ criterionId: c.id, levelId: levels[i] === undefined ? null : c.levels[levels[i]].id, comment: `c${i}` }));
}

beforeAll(async () => {
  tree = await makeUnitTree();
  catalogue = await makeCatalogue();
});

describe("marking", () => {
  it("is blind: a marker sees others' marks only after submitting their own", async () => {
    const f = await makeCamp();
    const projectId = f.teams[0].project.id;
    await saveMark({ projectId, markerId: f.mentor.id, scores: scores(f.rubric, [0, 0, 0]), submit: true });
    const before = (await loadGradingScreen(projectId, f.lead.id))!;
    expect(before.canSeeOthers).toBe(false);
    expect(before.others).toEqual([]);
    expect(before.standing).toBeNull();
    expect(before.history.every((h) => h.actor !== f.mentor.displayName || !h.kind.startsWith("mark_"))).toBe(true);

    await saveMark({ projectId, markerId: f.lead.id, scores: scores(f.rubric, [1, 1]), submit: false });
    expect((await loadGradingScreen(projectId, f.lead.id))!.others).toEqual([]);
    await saveMark({ projectId, markerId: f.lead.id, scores: scores(f.rubric, [1, 1, 1]), submit: true });
    const after = (await loadGradingScreen(projectId, f.lead.id))!;
    expect(after.others.map((m) => [m.markerId, m.total])).toEqual([[f.mentor.id, 10_000]]);
    expect(after.standing?.mean).toBe(9000); // (10,000 + 8,000) / 2
    // The judge, who has not marked, still sees nothing of either.
    expect((await loadGradingScreen(projectId, f.judge.id))!.others).toEqual([]);
  });

  it("shows everything at once when the camp does not mark blind", async () => {
    const f = await makeCamp({ blind: false });
    const projectId = f.teams[0].project.id;
    await saveMark({ projectId, markerId: f.mentor.id, scores: scores(f.rubric, [0, 0, 0]), submit: true });
    expect((await loadGradingScreen(projectId, f.judge.id))!.others).toHaveLength(1);
  });

  it("keeps both markers' work when they save the same project at the same moment", async () => {
    const f = await makeCamp();
    const projectId = f.teams[0].project.id;
    await Promise.all([
      saveMark({ projectId, markerId: f.mentor.id, scores: scores(f.rubric, [0, 1, 2]), submit: false }),
      saveMark({ projectId, markerId: f.judge.id, scores: scores(f.rubric, [3, 2, 1]), submit: false }),
      saveMark({ projectId, markerId: f.lead.id, scores: scores(f.rubric, [1, 1, 1]), submit: true }),
    ]);
    const marks = await db.mark.findMany({ where: { projectId }, orderBy: { markerId: "asc" }, select: { markerId: true, total: true, status: true, _count: { select: { scores: true } } } });
    expect(marks.map((m) => [m.markerId, m.total, m.status, m._count.scores]).sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual(
      [
        [f.lead.id, 8000, "submitted", 3],
        [f.mentor.id, 50 * 100 + 30 * 80 + 20 * 60, "draft", 3], // 8,600
        [f.judge.id, 50 * 30 + 30 * 60 + 20 * 80, "draft", 3], // 4,900
      ].sort((a, b) => Number(a[0]) - Number(b[0])),
    );
    expect(await db.markEvent.count({ where: { projectId } })).toBe(3);
  });

  it("refuses a level of another criterion, a foreign criterion, a marker not on the staff, and a partial submission — writing nothing", async () => {
    const f = await makeCamp();
    const other = await makeCamp();
    const projectId = f.teams[0].project.id;
    const [c1, c2] = f.rubric.criteria;
    const attempts: [() => Promise<unknown>, string][] = [
      [() => saveMark({ projectId, markerId: f.mentor.id, scores: [{ criterionId: c1.id, levelId: c2.levels[0].id, comment: "" }], submit: false }), "grading.errors.foreignLevel"],
      [() => saveMark({ projectId, markerId: f.mentor.id, scores: [{ criterionId: other.rubric.criteria[0].id, levelId: other.rubric.criteria[0].levels[0].id, comment: "" }], submit: false }), "grading.errors.foreignCriterion"],
      [() => saveMark({ projectId, markerId: f.outsider.id, scores: scores(f.rubric, [0, 0, 0]), submit: true }), "grading.errors.notStaff"],
      [() => saveMark({ projectId, markerId: other.lead.id, scores: scores(f.rubric, [0, 0, 0]), submit: true }), "grading.errors.notStaff"],
      [() => saveMark({ projectId, markerId: f.mentor.id, scores: scores(f.rubric, [0, 0]), submit: true }), "grading.errors.incomplete"],
    ];
    for (const [attempt, code] of attempts) await expect(attempt()).rejects.toMatchObject({ code });
    expect(await db.mark.count({ where: { projectId } })).toBe(0);
    expect(await db.markEvent.count({ where: { projectId } })).toBe(0);
  });

  it("records every save and change in the history, with before and after", async () => {
    const f = await makeCamp();
    const projectId = f.teams[0].project.id;
    await saveMark({ projectId, markerId: f.mentor.id, scores: scores(f.rubric, [0]), submit: false });
    await saveMark({ projectId, markerId: f.mentor.id, scores: scores(f.rubric, [0, 0, 0]), submit: true });
    await expect(saveMark({ projectId, markerId: f.mentor.id, scores: scores(f.rubric, [1, 1, 1]), submit: false })).rejects.toMatchObject({ code: "grading.errors.alreadySubmitted" });
    await saveMark({ projectId, markerId: f.mentor.id, scores: scores(f.rubric, [1, 0, 0]), submit: true, reason: "re-read the budget" });
    const events = await db.markEvent.findMany({ where: { projectId }, orderBy: { id: "asc" } });
    expect(events.map((e) => [e.kind, e.actorId])).toEqual([
      ["mark_saved", f.mentor.id],
      ["mark_submitted", f.mentor.id],
      ["mark_submitted", f.mentor.id],
    ]);
    expect(JSON.parse(events[2].before!)).toMatchObject({ status: "submitted", total: 10_000 });
    expect(JSON.parse(events[2].after!)).toMatchObject({ status: "submitted", total: 9000 });
    expect(events[2].reason).toBe("re-read the budget");
    const screen = (await loadGradingScreen(projectId, f.mentor.id))!;
    expect(screen.history.map((h) => [h.kind, h.before, h.after])).toEqual([
      ["mark_submitted", 10_000, 9000],
      ["mark_submitted", null, 10_000],
      ["mark_saved", null, null],
    ]);
  });
});

describe("moderation, release and credits", () => {
  it("releases once: credits to passing members with competency parts summing to the amount; the absent and the adjusted below fail", async () => {
    const f = await makeCamp({ creditPoints: 800 });
    const { project, members } = f.teams[0];
    // mentor 50×80+30×80+20×60 = 7,600; judge 50×60+30×80+20×80 = 7,000 → mean 7,300; no trigger.
    await saveMark({ projectId: project.id, markerId: f.mentor.id, scores: scores(f.rubric, [1, 1, 2]), submit: true });
    await saveMark({ projectId: project.id, markerId: f.judge.id, scores: scores(f.rubric, [2, 1, 1]), submit: true });
    // Member 1 missed two of seven sessions (> 1/7); member 2 loses 14 points (7,300 − 1,400 = 5,900 < 6,000).
    await db.attendance.updateMany({ where: { personId: members[1].person.id, sessionId: { in: [f.sessions[0].id, f.sessions[1].id] } }, data: { status: "absent" } });
    await recordAdjustment({ campId: f.camp.id, personId: members[2].person.id, delta: -1400, reason: "left early twice", byId: f.mentor.id });
    await expect(recordAdjustment({ campId: f.camp.id, personId: members[2].person.id, delta: 100, reason: "x", byId: f.judge.id })).rejects.toMatchObject({ code: "grading.errors.notStaff" });
    await expect(recordAdjustment({ campId: f.camp.id, personId: f.teams[1].members[0].person.id, delta: 100, reason: "", byId: f.mentor.id })).rejects.toMatchObject({ code: "grading.errors.reasonRequired" });
    expect(await db.auditEvent.count({ where: { action: "camp.participation_adjusted", personId: members[2].person.id } })).toBe(1);

    await expect(releaseProject({ projectId: project.id, leadId: f.mentor.id, feedback: "x" })).rejects.toMatchObject({ code: "grading.errors.notLead" });
    const result = await releaseProject({ projectId: project.id, leadId: f.lead.id, feedback: "Strong design; firm up the budget." });
    expect(result.total).toBe(7300);
    expect(result.outcomes.map((o) => [o.personId, o.total, o.passed, o.failure])).toEqual([
      [members[0].person.id, 7300, true, null],
      [members[1].person.id, 7300, false, "absence"],
      [members[2].person.id, 5900, false, "belowPass"],
    ]);
    const entries = await db.ledgerEntry.findMany({ where: { campId: f.camp.id }, include: { competencies: true } });
    expect(entries).toHaveLength(1);
    const [entry] = entries;
    expect(entry).toMatchObject({ personId: members[0].person.id, amount: 800, category: "camp", sourceType: "camp_release", sourceKey: `camp:${f.camp.id}:person:${members[0].person.id}#1` });
    expect(entry.competencies.reduce((s, c) => s + c.amount, 0)).toBe(800);
    expect(entry.competencies.map((c) => [c.competencyId, c.amount]).sort((a, b) => a[0] - b[0])).toEqual([
      [catalogue.competencyIds[0], 400],
      [catalogue.competencyIds[1], 240],
      [catalogue.competencyIds[2], 160],
    ]);
    for (const m of members) expect((await notificationsOf(m.user!.id)).map((n) => n.key)).toEqual(["grading.notify.released"]);
    const final = await db.finalMark.findUniqueOrThrow({ where: { projectId: project.id } });
    expect(final).toMatchObject({ total: 7300, method: "mean", releasedById: f.lead.id, feedback: "Strong design; firm up the budget." });

    // A second release is refused and writes nothing; marking is locked.
    await expect(releaseProject({ projectId: project.id, leadId: f.lead.id, feedback: "again" })).rejects.toMatchObject({ code: "grading.errors.alreadyReleased" });
    await expect(saveMark({ projectId: project.id, markerId: f.lead.id, scores: scores(f.rubric, [0, 0, 0]), submit: true })).rejects.toMatchObject({ code: "grading.errors.released" });
    expect(await db.ledgerEntry.count({ where: { campId: f.camp.id } })).toBe(1);

    // Un-release reverses; a release after that awards #2.
    await expect(unreleaseProject({ projectId: project.id, leadId: f.lead.id, reason: "" })).rejects.toMatchObject({ code: "grading.errors.reasonRequired" });
    const undone = await unreleaseProject({ projectId: project.id, leadId: f.lead.id, reason: "wrong feedback attached" });
    expect(undone.reversedEntryIds).toEqual([entry.id]);
    const reversal = await db.ledgerEntry.findFirstOrThrow({ where: { reversesEntryId: entry.id }, include: { competencies: true } });
    expect(reversal).toMatchObject({ amount: -800, sourceType: "reversal", category: "camp" });
    expect(reversal.competencies.reduce((s, c) => s + c.amount, 0)).toBe(-800);
    await expect(unreleaseProject({ projectId: project.id, leadId: f.lead.id, reason: "again" })).rejects.toMatchObject({ code: "grading.errors.notReleased" });
    await releaseProject({ projectId: project.id, leadId: f.lead.id, feedback: "Corrected feedback." });
    const keys = (await db.ledgerEntry.findMany({ where: { campId: f.camp.id, sourceType: "camp_release" }, orderBy: { id: "asc" } })).map((e) => e.sourceKey);
    expect(keys).toEqual([1, 2].map((n) => `camp:${f.camp.id}:person:${members[0].person.id}#${n}`));
    const net = await db.ledgerEntry.aggregate({ where: { campId: f.camp.id }, _sum: { amount: true } });
    expect(net._sum.amount).toBe(800);
    expect((await db.markEvent.findMany({ where: { projectId: project.id, kind: { in: ["released", "unreleased"] } }, orderBy: { id: "asc" } })).map((e) => e.kind)).toEqual(["released", "unreleased", "released"]);
  });

  it("refuses release while markers are missing or disagree, until the lead moderates with a reason", async () => {
    const f = await makeCamp();
    const { project } = f.teams[1];
    await saveMark({ projectId: project.id, markerId: f.mentor.id, scores: scores(f.rubric, [0, 0, 0]), submit: true });
    await expect(releaseProject({ projectId: project.id, leadId: f.lead.id, feedback: "" })).rejects.toMatchObject({ code: "grading.errors.notEnoughMarks" });
    // 10,000 vs 50×30+30×80+20×100 = 5,900: 41 % apart, and C1 three levels apart.
    await saveMark({ projectId: project.id, markerId: f.judge.id, scores: scores(f.rubric, [3, 1, 0]), submit: true });
    await expect(releaseProject({ projectId: project.id, leadId: f.lead.id, feedback: "" })).rejects.toMatchObject({ code: "grading.errors.needsModeration" });
    await expect(moderateMark({ projectId: project.id, leadId: f.lead.id, total: 7000, reason: " " })).rejects.toMatchObject({ code: "grading.errors.reasonRequired" });
    await expect(moderateMark({ projectId: project.id, leadId: f.mentor.id, total: 7000, reason: "r" })).rejects.toMatchObject({ code: "grading.errors.notLead" });
    await moderateMark({ projectId: project.id, leadId: f.lead.id, total: 7000, reason: "Judge missed the resident survey" });
    const result = await releaseProject({ projectId: project.id, leadId: f.lead.id, feedback: "ok" });
    expect(result.total).toBe(7000);
    expect(await db.finalMark.findUniqueOrThrow({ where: { projectId: project.id } })).toMatchObject({ method: "moderated", needsModeration: true, moderatedById: f.lead.id });
    expect(await db.ledgerEntry.count({ where: { campId: f.camp.id, sourceType: "camp_release" } })).toBe(3);
  });

  it("flags moderation from the stored marks: totals beyond 15 % alone, a criterion two levels apart alone, but not exactly at the threshold", async () => {
    // Weights 50/30/20, levels 100/80/60/30 (ranks 0–3).
    const cases: { levels: [number[], number[]]; totals: [number, number]; kinds: string[] }[] = [
      { levels: [[0, 0, 0], [1, 1, 1]], totals: [10_000, 8000], kinds: ["total"] }, // 20 % apart, each criterion one level
      { levels: [[0, 0, 0], [0, 0, 2]], totals: [10_000, 9200], kinds: ["criterion"] }, // 8 % apart, C3 two levels
      { levels: [[2, 0, 0], [3, 0, 0]], totals: [8000, 6500], kinds: [] }, // exactly 15 %: not beyond it
      { levels: [[0, 0, 0], [1, 0, 0]], totals: [10_000, 9000], kinds: [] },
    ];
    const camps = [await makeCamp(), await makeCamp()];
    const projects = camps.flatMap((f) => f.teams.map((t) => ({ f, projectId: t.project.id })));
    for (const [i, c] of cases.entries()) {
      const { f, projectId } = projects[i];
      await saveMark({ projectId, markerId: f.mentor.id, scores: scores(f.rubric, c.levels[0]), submit: true });
      await saveMark({ projectId, markerId: f.judge.id, scores: scores(f.rubric, c.levels[1]), submit: true });
    }
    for (const [i, c] of cases.entries()) {
      const { f, projectId } = projects[i];
      const page = (await loadReleasePage(f.camp.id, f.lead.id))!;
      const row = page.projects.find((p) => p.id === projectId)!;
      expect(row.marks.map((m) => m.total), `case ${i}`).toEqual(c.totals);
      expect(row.standing!.mean, `case ${i}`).toBe((c.totals[0] + c.totals[1]) / 2);
      expect(row.standing!.disagreements.map((d) => d.kind), `case ${i}`).toEqual(c.kinds);
      expect(row.standing!.needsModeration, `case ${i}`).toBe(c.kinds.length > 0);
      const release = releaseProject({ projectId, leadId: f.lead.id, feedback: "" });
      if (c.kinds.length > 0) await expect(release, `case ${i}`).rejects.toMatchObject({ code: "grading.errors.needsModeration" });
      else expect((await release).total, `case ${i}`).toBe((c.totals[0] + c.totals[1]) / 2);
    }
  });

  it("changing a released mark withdraws it: reversals, never edits", async () => {
    const f = await makeCamp();
    const { project } = f.teams[0];
    await saveMark({ projectId: project.id, markerId: f.mentor.id, scores: scores(f.rubric, [1, 1, 1]), submit: true });
    await saveMark({ projectId: project.id, markerId: f.judge.id, scores: scores(f.rubric, [1, 1, 1]), submit: true });
    await releaseProject({ projectId: project.id, leadId: f.lead.id, feedback: "" });
    expect(await db.ledgerEntry.count({ where: { campId: f.camp.id } })).toBe(3);
    await moderateMark({ projectId: project.id, leadId: f.lead.id, total: 5000, reason: "plagiarised budget" });
    expect(await db.ledgerEntry.count({ where: { campId: f.camp.id, sourceType: "reversal" } })).toBe(3);
    expect((await db.finalMark.findUniqueOrThrow({ where: { projectId: project.id } })).releasedAt).toBeNull();
    const again = await releaseProject({ projectId: project.id, leadId: f.lead.id, feedback: "" });
    expect(again.awarded).toEqual([]);
    const net = await db.ledgerEntry.aggregate({ where: { campId: f.camp.id }, _sum: { amount: true } });
    expect(net._sum.amount).toBe(0);
  });
});

describe("who sees what", () => {
  it("a learner sees their own released result and nothing of another team's; staff pages are closed to others", async () => {
    const f = await makeCamp();
    const [a, b] = f.teams;
    await saveMark({ projectId: a.project.id, markerId: f.mentor.id, scores: scores(f.rubric, [0, 1, 1]), submit: true });
    await saveMark({ projectId: a.project.id, markerId: f.judge.id, scores: scores(f.rubric, [0, 1, 2]), submit: true });
    // Releasing in a closed camp (submissions over) leaves it closed.
    await setCampClosed({ campId: f.camp.id, actorId: f.lead.id, closed: true, reason: "camp over" });
    await releaseProject({ projectId: a.project.id, leadId: f.lead.id, feedback: "Well argued." });
    expect((await db.camp.findUniqueOrThrow({ where: { id: f.camp.id } })).status).toBe("closed");

    const cookieA = await sessionCookieFor(a.members[0].user!.id);
    const own = await settle(() => myResultLoader({ request: getRequest(`/my/camp/result?project=${a.project.id}`, cookieA), params: {}, context: {} }));
    expect(own.status).toBe(200);
    const body = (await own.json()) as {
      results: { projectId: number; feedback: string; outcome: { passed: boolean }; evidence: { title: string; weight: number; meanPoints: number | null; competency: { code: string } }[] }[];
    };
    expect(body.results.map((r) => [r.projectId, r.feedback, r.outcome.passed])).toEqual([[a.project.id, "Well argued.", true]]);
    // Criterion-level evidence: the markers' mean level per criterion (100; 80; (80 + 60) / 2), with its competency.
    expect(body.results[0].evidence.map((e) => [e.title, e.weight, e.meanPoints, e.competency.code])).toEqual(
      f.rubric.criteria.map((c, i) => [c.title, c.weight, [10_000, 8000, 7000][i], c.competency.code]),
    );

    const cookieB = await sessionCookieFor(b.members[0].user!.id);
    const foreign = await settle(() => myResultLoader({ request: getRequest(`/my/camp/result?project=${a.project.id}`, cookieB), params: {}, context: {} }));
    expect(foreign.status).toBe(404);
    const none = await settle(() => myResultLoader({ request: getRequest(`/my/camp/result`, cookieB), params: {}, context: {} }));
    expect(((await none.json()) as { results: unknown[] }).results).toEqual([]);

    const screen = await settle(() => gradingLoader({ request: getRequest(`/trainer/grading/${a.project.id}`, cookieA), params: { projectId: String(a.project.id) }, context: {} }));
    expect(screen.status).toBe(403);
    const outsider = await settle(async () =>
      gradingLoader({ request: getRequest(`/trainer/grading/${a.project.id}`, await sessionCookieFor(f.outsider.id)), params: { projectId: String(a.project.id) }, context: {} }),
    );
    expect(outsider.status).toBe(403);
    const release = await settle(async () =>
      releaseLoader({ request: getRequest(`/trainer/camps/${f.camp.id}/release`, await sessionCookieFor(f.mentor.id)), params: { campId: String(f.camp.id) }, context: {} }),
    );
    expect(release.status).toBe(403);
    const leadPage = await settle(async () =>
      releaseLoader({ request: getRequest(`/trainer/camps/${f.camp.id}/release`, await sessionCookieFor(f.lead.id)), params: { campId: String(f.camp.id) }, context: {} }),
    );
    expect(leadPage.status).toBe(200);
    expect(leadPage.headers.get("Cache-Control")).toBe("no-store");
  });
});

describe("rubrics", () => {
  it("copies a template, round-trips through JSON and CSV, and locks once marking has started", async () => {
    const f = await makeCamp();
    const codes = await db.competency.findMany({ where: { id: { in: catalogue.competencyIds } }, select: { code: true } });
    const template = await db.rubric.create({
      data: {
        name: "Template",
        isTemplate: true,
        criteria: {
          create: [
            { title: "Only", competencyId: catalogue.competencyIds[1], weight: 100, levels: { create: [{ label: "Yes", points: 100 }, { label: "No", points: 0, sortOrder: 1 }] } },
          ],
        },
      },
    });
    await copyTemplateRubric({ campId: f.camp.id, actorId: f.lead.id, templateId: template.id });
    const copied = (await loadCampRubric(db, f.camp.id))!;
    expect(copied.id).not.toBe(template.id);
    expect(copied.criteria.map((c) => [c.title, c.weight, c.levels.length])).toEqual([["Only", 100, 2]]);

    const document = (await rubricDocument(db, f.rubric.id))!;
    expect(document.criteria.map((c) => c.competency)).toEqual(codes.map((c) => c.code));
    for (const text of [rubricToJson(document), rubricToCsv(document)]) {
      const parsed = text.startsWith("{") ? parseRubricJson(text) : parseRubricCsv(text);
      if (!parsed.ok) throw new Error(parsed.error);
      await replaceCampRubric({ campId: f.camp.id, actorId: f.lead.id, rubric: parsed.rubric, source: "import" });
      expect(await rubricDocument(db, (await loadCampRubric(db, f.camp.id))!.id)).toEqual(document);
    }
    await expect(
      replaceCampRubric({ campId: f.camp.id, actorId: f.lead.id, rubric: { ...document, criteria: [{ ...document.criteria[0], competency: "nope" }] }, source: "import" }),
    ).rejects.toMatchObject({ code: "grading.errors.unknownCompetency" });

    const current = (await loadCampRubric(db, f.camp.id))!;
    await saveMark({ projectId: f.teams[0].project.id, markerId: f.mentor.id, scores: [{ criterionId: current.criteria[0].id, levelId: current.criteria[0].levels[0].id, comment: "" }], submit: false });
    await expect(copyTemplateRubric({ campId: f.camp.id, actorId: f.lead.id, templateId: template.id })).rejects.toBeInstanceOf(GradingError);
  });
});

describe("the pages", () => {
  it("save a mark from a plain form (no JavaScript), refuse a foreign level with 400, list the queue and export CSV", async () => {
    const f = await makeCamp();
    const other = await makeCamp();
    const { project } = f.teams[0];
    const cookie = await sessionCookieFor(f.mentor.id);
    const params = { projectId: String(project.id) };
    const fieldsFor = (levels: number[]) =>
      Object.fromEntries(f.rubric.criteria.flatMap((c, i) => [[`level.${c.id}`, String(c.levels[levels[i]].id)], [`comment.${c.id}`, `note ${i}`]]));
    const bad = await settle(() =>
      gradingAction({ request: formRequest(`/trainer/grading/${project.id}`, { intent: "save", [`level.${f.rubric.criteria[0].id}`]: String(other.rubric.criteria[0].levels[0].id) }, cookie), params, context: {} }),
    );
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { key: "grading.errors.foreignLevel" } });
    expect(await db.mark.count({ where: { projectId: project.id } })).toBe(0);
    const saved = await settle(() => gradingAction({ request: formRequest(`/trainer/grading/${project.id}`, { intent: "submit", ...fieldsFor([0, 1, 2]) }, cookie), params, context: {} }));
    expect(saved.status).toBe(200);
    expect(await db.mark.findFirstOrThrow({ where: { projectId: project.id, markerId: f.mentor.id } })).toMatchObject({ status: "submitted", total: 8600 });

    const queue = await settle(() => queueLoader({ request: getRequest("/trainer/grading", cookie), params: {}, context: {} }));
    const body = (await queue.json()) as { camps: { id: number; done: number; projects: { id: number; myStatus: string }[] }[] };
    const camp = body.camps.find((c) => c.id === f.camp.id)!;
    expect(camp.done).toBe(1);
    expect(camp.projects.map((p) => p.myStatus)).toEqual(["submitted", "none"]);

    const leadCookie = await sessionCookieFor(f.lead.id);
    const csv = await settle(() => marksCsvLoader({ request: getRequest(`/trainer/camps/${f.camp.id}/marks.csv`, leadCookie), params: { campId: String(f.camp.id) }, context: {} }));
    const text = await csv.text();
    // Headers in the reader's language (Chinese by default), as the other exports.
    expect(text.split("\r\n")[0]).toContain('"项目编号","小组","项目","评分人账号"');
    expect(text).toContain('"已提交"');
    expect(text).toContain('"note 1"');
    const refused = await settle(() => marksCsvLoader({ request: getRequest(`/trainer/camps/${f.camp.id}/marks.csv`, cookie), params: { campId: String(f.camp.id) }, context: {} }));
    expect(refused.status).toBe(403);
  });

  it("import a rubric CSV through the rubric page (lead only), refusing bad weights", async () => {
    const f = await makeCamp();
    const campParams = { campId: String(f.camp.id) };
    const leadCookie = await sessionCookieFor(f.lead.id);
    const exported = await (await settle(() => rubricCsvLoader({ request: getRequest(`/trainer/camps/${f.camp.id}/rubric.csv`, leadCookie), params: campParams, context: {} }))).text();
    const changed = exported.replace(/"Test rubric"/g, '"Edited rubric"');
    const ok = await settle(() => rubricAction({ request: formRequest(`/trainer/camps/${f.camp.id}/rubric`, { intent: "import", text: changed }, leadCookie), params: campParams, context: {} }));
    expect(ok.status).toBe(200);
    expect((await loadCampRubric(db, f.camp.id))!.name).toBe("Edited rubric");
    const badWeights = changed.replace(/"50","L/g, '"40","L');
    const bad = await settle(() => rubricAction({ request: formRequest(`/trainer/camps/${f.camp.id}/rubric`, { intent: "import", text: badWeights }, leadCookie), params: campParams, context: {} }));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { key: "grading.rubric.errors.weightsSum", params: { sum: 90 } } });
    const judge = await settle(async () =>
      rubricAction({ request: formRequest(`/trainer/camps/${f.camp.id}/rubric`, { intent: "import", text: changed }, await sessionCookieFor(f.judge.id)), params: campParams, context: {} }),
    );
    expect(judge.status).toBe(403);
  });
});

/** The editor's form fields for a draft, as the page posts them. */
function editorFields(draft: RubricDraft, intent: string): Record<string, string> {
  const out: Record<string, string> = { intent, name: draft.name };
  draft.criteria.forEach((c, i) => {
    for (const key of ["title", "titleEn", "description", "descriptionEn", "competency", "origin", "weight"] as const) out[`c.${i}.${key}`] = c[key];
    c.levels.forEach((l, j) => {
      for (const key of ["label", "labelEn", "descriptor", "descriptorEn", "points"] as const) out[`c.${i}.l.${j}.${key}`] = l[key];
    });
  });
  return out;
}

describe("the trainer home", () => {
  it("shows each marker's queue and progress, the disagreements they may see, the lead's moderation list and the deadline", async () => {
    const f = await makeCamp();
    const [a, b] = f.teams.map((t) => t.project);
    await saveMark({ projectId: a.id, markerId: f.mentor.id, scores: scores(f.rubric, [0, 0, 0]), submit: true });
    await saveMark({ projectId: a.id, markerId: f.lead.id, scores: scores(f.rubric, [3, 3, 3]), submit: true }); // 10,000 vs 3,000
    await saveMark({ projectId: b.id, markerId: f.judge.id, scores: scores(f.rubric, [1]), submit: false });
    type Desk = {
      id: number;
      done: number;
      projects: number;
      toMark: { id: number; myStatus: string }[];
      disagreements: number;
      awaitingModeration: { id: number }[];
      readyToRelease: number;
      deadline: { title: string } | null;
      deadlinePassed: boolean;
    };
    const deskOf = async (userId: number) => {
      const response = await settle(async () => trainerHomeLoader({ request: getRequest("/trainer", await sessionCookieFor(userId)), params: {}, context: {} }));
      expect(response.status).toBe(200);
      return ((await response.json()) as { desk: Desk[] }).desk.find((d) => d.id === f.camp.id)!;
    };
    const mentor = await deskOf(f.mentor.id);
    expect(mentor).toMatchObject({ done: 1, projects: 2, disagreements: 1, awaitingModeration: [], readyToRelease: 0 });
    expect(mentor.toMark.map((p) => [p.id, p.myStatus])).toEqual([[b.id, "none"]]);
    // The judge has not submitted: blind marking keeps the disagreement from them.
    const judge = await deskOf(f.judge.id);
    expect(judge).toMatchObject({ done: 0, disagreements: 0 });
    expect(judge.toMark.map((p) => [p.id, p.myStatus])).toEqual([
      [a.id, "none"],
      [b.id, "draft"],
    ]);
    const lead = await deskOf(f.lead.id);
    expect(lead.awaitingModeration.map((p) => p.id)).toEqual([a.id]);
    expect(lead).toMatchObject({ disagreements: 1, readyToRelease: 0, deadline: { title: "Brief" }, deadlinePassed: true });
    await moderateMark({ projectId: a.id, leadId: f.lead.id, total: 7000, reason: "agreed" });
    expect(await deskOf(f.lead.id)).toMatchObject({ awaitingModeration: [], disagreements: 0, readyToRelease: 1 });
    // Someone on no camp's staff has an empty desk.
    const response = await settle(async () => trainerHomeLoader({ request: getRequest("/trainer", await sessionCookieFor(f.outsider.id)), params: {}, context: {} }));
    expect(((await response.json()) as { desk: Desk[] }).desk).toEqual([]);
  });
});

describe("the rubric editor", () => {
  it("edits criteria and levels in plain forms: structural steps write nothing, save replaces the rubric whole and audits it", async () => {
    const f = await makeCamp();
    const campParams = { campId: String(f.camp.id) };
    const cookie = await sessionCookieFor(f.lead.id);
    const post = (fields: Record<string, string>, who = cookie) =>
      settle(() => rubricAction({ request: formRequest(`/trainer/camps/${f.camp.id}/rubric`, fields, who), params: campParams, context: {} }));

    const page = (await (await settle(() => rubricLoader({ request: getRequest(`/trainer/camps/${f.camp.id}/rubric`, cookie), params: campParams, context: {} }))).json()) as {
      canEdit: boolean;
      draft: RubricDraft;
      competencies: { code: string }[];
    };
    expect(page.canEdit).toBe(true);
    const original = (await rubricDocument(db, f.rubric.id))!;
    expect(page.draft).toEqual(draftFromDocument(original));

    // Add a criterion: the answer is the draft with a blank fourth one; the database is unchanged.
    const added = await post(editorFields(page.draft, "criterion.add"));
    expect(added.status).toBe(200);
    const addedDraft = ((await added.json()) as { draft: RubricDraft }).draft;
    expect(addedDraft.criteria).toHaveLength(4);
    expect((await loadCampRubric(db, f.camp.id))!.id).toBe(f.rubric.id);

    // Fill it in, move it to the top, drop a level of C1, rebalance the weights, and save.
    const edited: RubricDraft = structuredClone(addedDraft);
    edited.name = "Edited in place";
    edited.criteria[3] = { ...edited.criteria[3], title: "Budget", competency: page.competencies.find((c) => c.code === original.criteria[2].competency)!.code, weight: "10" };
    edited.criteria[3].levels = [
      { label: "Sound", labelEn: "", descriptor: "costed", descriptorEn: "", points: "100" },
      { label: "Vague", labelEn: "", descriptor: "", descriptorEn: "", points: "20" },
    ];
    edited.criteria[0].weight = "40";
    const moved = ((await (await post(editorFields(edited, "criterion.up.3"))).json()) as { draft: RubricDraft }).draft;
    expect(moved.criteria.map((c) => c.title)).toEqual(["C1", "C2", "Budget", "C3"]);
    const trimmed = ((await (await post(editorFields(moved, "level.remove.0.3"))).json()) as { draft: RubricDraft }).draft;
    expect(trimmed.criteria[0].levels.map((l) => l.points)).toEqual(["100", "80", "60"]);
    expect(await db.auditEvent.count({ where: { action: "camp.rubric_replaced", entityId: String(f.camp.id) } })).toBe(0);

    const saved = await post(editorFields(trimmed, "save"));
    expect(saved.status).toBe(200);
    const now = (await loadCampRubric(db, f.camp.id))!;
    expect(now.id).not.toBe(f.rubric.id);
    expect(now.name).toBe("Edited in place");
    expect(now.criteria.map((c) => [c.title, c.weight, c.levels.map((l) => l.points)])).toEqual([
      ["C1", 40, [100, 80, 60]],
      ["C2", 30, [100, 80, 60, 30]],
      ["Budget", 10, [100, 20]],
      ["C3", 20, [100, 80, 60, 30]],
    ]);
    // The old rubric is detached, not deleted.
    expect(await db.rubric.findUnique({ where: { id: f.rubric.id }, select: { campId: true } })).toEqual({ campId: null });
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "camp.rubric_replaced", entityId: String(f.camp.id) } });
    expect(audit.actorId).toBe(f.lead.id);
    expect(JSON.parse(audit.before!)).toMatchObject({ rubricId: f.rubric.id, rubric: { name: "Test rubric" } });
    expect(JSON.parse(audit.after!)).toMatchObject({ source: "editor", rubric: { name: "Edited in place" } });
  });

  it("refuses a broken rubric at its fields and writes nothing; a judge may not edit", async () => {
    const f = await makeCamp();
    const campParams = { campId: String(f.camp.id) };
    const cookie = await sessionCookieFor(f.lead.id);
    const post = (fields: Record<string, string>, who = cookie) =>
      settle(() => rubricAction({ request: formRequest(`/trainer/camps/${f.camp.id}/rubric`, fields, who), params: campParams, context: {} }));
    const draft = draftFromDocument((await rubricDocument(db, f.rubric.id))!);
    const broken: RubricDraft = structuredClone(draft);
    broken.criteria[0].weight = "0";
    broken.criteria[1].levels[1].points = "100"; // same as level 1
    broken.criteria[2].levels = [broken.criteria[2].levels[0]]; // one level
    broken.criteria[2].levels[0].points = "150";
    const refused = await post(editorFields(broken, "save"));
    expect(refused.status).toBe(400);
    const body = (await refused.json()) as { fieldErrors: Record<string, string>; draft: RubricDraft };
    expect(Object.keys(body.fieldErrors).sort()).toEqual(["c.0.weight", "c.1.l.1.points", "c.2.l.0.points", "c.2.levels"]);
    expect(body.draft).toEqual(broken); // shown back as typed

    const sum: RubricDraft = structuredClone(draft);
    sum.criteria[0].weight = "45";
    const off = await post(editorFields(sum, "save"));
    expect(off.status).toBe(400);
    expect(await off.json()).toMatchObject({ error: { key: "grading.rubric.errors.weightsSum", params: { sum: 95 } } });

    const nonsense = await post(editorFields(draft, "level.up.9.9"));
    expect(nonsense.status).toBe(400);

    const judge = await post(editorFields(draft, "save"), await sessionCookieFor(f.judge.id));
    expect(judge.status).toBe(403);
    expect((await loadCampRubric(db, f.camp.id))!.id).toBe(f.rubric.id);
    expect(await db.auditEvent.count({ where: { action: "camp.rubric_replaced", entityId: String(f.camp.id) } })).toBe(0);
  });

  it("once marking has started, refuses every change with a clear message but still saves the rubric as a template another camp can copy", async () => {
    const f = await makeCamp();
    const other = await makeCamp();
    const campParams = { campId: String(f.camp.id) };
    const cookie = await sessionCookieFor(f.lead.id);
    const draft = draftFromDocument((await rubricDocument(db, f.rubric.id))!);
    await saveMark({ projectId: f.teams[0].project.id, markerId: f.mentor.id, scores: scores(f.rubric, [0]), submit: false });

    const page = (await (await settle(() => rubricLoader({ request: getRequest(`/trainer/camps/${f.camp.id}/rubric`, cookie), params: campParams, context: {} }))).json()) as {
      canEdit: boolean;
      locked: boolean;
      draft: RubricDraft | null;
    };
    expect(page).toMatchObject({ canEdit: false, locked: true, draft: null });
    for (const intent of ["save", "criterion.add"]) {
      const refused = await settle(() => rubricAction({ request: formRequest(`/trainer/camps/${f.camp.id}/rubric`, editorFields(draft, intent), cookie), params: campParams, context: {} }));
      expect(refused.status).toBe(409);
      expect(await refused.json()).toMatchObject({ error: { key: "grading.errors.rubricLocked" } });
    }
    expect((await loadCampRubric(db, f.camp.id))!.id).toBe(f.rubric.id);

    const saved = await settle(() =>
      rubricAction({ request: formRequest(`/trainer/camps/${f.camp.id}/rubric`, { intent: "saveTemplate", templateName: "Reusable rubric" }, cookie), params: campParams, context: {} }),
    );
    expect(saved.status).toBe(200);
    const template = await db.rubric.findFirstOrThrow({ where: { isTemplate: true, name: "Reusable rubric" }, orderBy: { id: "desc" }, select: { id: true, campId: true } });
    expect(template.campId).toBeNull();
    const expected: RubricDocument = { ...(await rubricDocument(db, f.rubric.id))!, name: "Reusable rubric" };
    expect(await rubricDocument(db, template.id)).toEqual(expected);
    expect(await db.auditEvent.count({ where: { action: "rubric.template_saved", entityId: String(template.id), actorId: f.lead.id } })).toBe(1);
    // A mentor is not the lead: no templates from them.
    await expect(saveRubricAsTemplate({ campId: f.camp.id, actorId: f.mentor.id, name: "x" })).rejects.toMatchObject({ code: "grading.errors.notLead" });

    await copyTemplateRubric({ campId: other.camp.id, actorId: other.lead.id, templateId: template.id });
    expect(await rubricDocument(db, (await loadCampRubric(db, other.camp.id))!.id)).toEqual(expected);
  });
});

describe("bilingual rubrics", () => {
  it("saves English texts from the editor and shows each reader their language, Chinese where none was written: pages, exports, templates, the PDF", async () => {
    const f = await makeCamp();
    const other = await makeCamp();
    const campParams = { campId: String(f.camp.id) };
    const cookie = await sessionCookieFor(f.lead.id);
    const english = async (userId: number) => `${await sessionCookieFor(userId)}; ${(await localeCookie.serialize("en")).split(";")[0]}`;
    const post = (fields: Record<string, string>) =>
      settle(() => rubricAction({ request: formRequest(`/trainer/camps/${f.camp.id}/rubric`, fields, cookie), params: campParams, context: {} }));
    const page = (await (await settle(() => rubricLoader({ request: getRequest(`/trainer/camps/${f.camp.id}/rubric`, cookie), params: campParams, context: {} }))).json()) as { draft: RubricDraft };

    // Too long an English title: refused at its field, nothing written.
    const long: RubricDraft = structuredClone(page.draft);
    long.criteria[0].titleEn = "x".repeat(201);
    const refused = await post(editorFields(long, "save"));
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { fieldErrors: Record<string, string> }).fieldErrors).toEqual({ "c.0.titleEn": 'errors.tooLong|{"max":200}' });
    expect((await loadCampRubric(db, f.camp.id))!.id).toBe(f.rubric.id);

    // Criterion 1 and its best level in English; criterion 2 and the other levels only in Chinese.
    const edited: RubricDraft = structuredClone(page.draft);
    edited.criteria[0] = { ...edited.criteria[0], titleEn: " Background ", descriptionEn: "Needs and data" };
    edited.criteria[0].levels[0] = { ...edited.criteria[0].levels[0], labelEn: "Excellent", descriptorEn: "Complete" };
    // A structural step keeps what was typed in English.
    const moved = ((await (await post(editorFields(edited, "criterion.down.0"))).json()) as { draft: RubricDraft }).draft;
    expect(moved.criteria[1]).toMatchObject({ title: "C1", titleEn: " Background ", descriptionEn: "Needs and data" });
    expect((await post(editorFields(edited, "save"))).status).toBe(200);
    const saved = (await loadCampRubric(db, f.camp.id))!;
    expect(saved.criteria.map((c) => [c.title, c.titleEn, c.descriptionEn])).toEqual([
      ["C1", "Background", "Needs and data"],
      ["C2", "", ""],
      ["C3", "", ""],
    ]);
    expect(saved.criteria[0].levels.map((l) => [l.label, l.labelEn, l.descriptorEn])).toEqual([
      ["L100", "Excellent", "Complete"],
      ["L80", "", ""],
      ["L60", "", ""],
      ["L30", "", ""],
    ]);
    // The audit keeps the English texts too.
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "camp.rubric_replaced", entityId: String(f.camp.id) }, orderBy: { id: "desc" } });
    expect(JSON.parse(audit.after!)).toMatchObject({ rubric: { criteria: [{ titleEn: "Background" }, {}, {}] } });

    // Exports carry them; the JSON exported imports back to the same rubric.
    const json = await (await settle(() => rubricJsonLoader({ request: getRequest(`/trainer/camps/${f.camp.id}/rubric.json`, cookie), params: campParams, context: {} }))).text();
    expect(JSON.parse(json).criteria[0]).toMatchObject({ titleEn: "Background", descriptionEn: "Needs and data", levels: [{ labelEn: "Excellent", descriptorEn: "Complete" }, {}, {}, {}] });
    const csv = await (await settle(() => rubricCsvLoader({ request: getRequest(`/trainer/camps/${f.camp.id}/rubric.csv`, cookie), params: campParams, context: {} }))).text();
    expect(csv.split("\r\n")[0]).toContain('"criterion_en"');
    expect(csv).toContain('"Background"');
    const document = (await rubricDocument(db, saved.id))!;
    const reparsed = parseRubricCsv(csv);
    expect(reparsed.ok && reparsed.rubric).toEqual(document);

    // Templates copy them.
    await saveRubricAsTemplate({ campId: f.camp.id, actorId: f.lead.id, name: "Bilingual template" });
    const template = await db.rubric.findFirstOrThrow({ where: { isTemplate: true, name: "Bilingual template" }, orderBy: { id: "desc" }, select: { id: true } });
    expect(await rubricDocument(db, template.id)).toEqual({ ...document, name: "Bilingual template" });
    await copyTemplateRubric({ campId: other.camp.id, actorId: other.lead.id, templateId: template.id });
    expect((await rubricDocument(db, (await loadCampRubric(db, other.camp.id))!.id))!.criteria[0]).toMatchObject({ titleEn: "Background", levels: [{ labelEn: "Excellent" }, {}, {}, {}] });

    // Marked, released: the grading screen, the marks CSV, the learner's evidence and the PDF.
    const project = f.teams[0].project;
    const best = saved.criteria.map((c) => ({ criterionId: c.id, levelId: c.levels[0].id, comment: "" }));
    await saveMark({ projectId: project.id, markerId: f.mentor.id, scores: best, submit: true });
    await saveMark({ projectId: project.id, markerId: f.judge.id, scores: best, submit: true });
    const screen = (await (
      await settle(() => gradingLoader({ request: getRequest(`/trainer/grading/${project.id}`, cookie), params: { projectId: String(project.id) }, context: {} }))
    ).json()) as { rubric: CampRubric };
    expect(screen.rubric.criteria[0]).toMatchObject({ titleEn: "Background", descriptionEn: "Needs and data", levels: [{ labelEn: "Excellent", descriptorEn: "Complete" }, {}, {}, {}] });

    const marksCsv = async (who: string) =>
      (await (await settle(() => marksCsvLoader({ request: getRequest(`/trainer/camps/${f.camp.id}/marks.csv`, who), params: campParams, context: {} }))).text()).split("\r\n");
    const inEnglish = await marksCsv(await english(f.lead.id));
    expect(inEnglish[0]).toContain('"Project no.","Team","Project","Marker account"');
    expect(inEnglish.filter((l) => l.includes('"Background","') && l.includes('"Excellent"') && l.includes('"Submitted"'))).toHaveLength(2);
    expect(inEnglish.filter((l) => l.includes('"C2","'))).toHaveLength(2); // no English: the Chinese
    const inChinese = await marksCsv(cookie);
    expect(inChinese.filter((l) => l.includes('"C1","') && l.includes('"L100"'))).toHaveLength(2);
    expect(inChinese.some((l) => l.includes("Background") || l.includes("Excellent"))).toBe(false);

    await releaseProject({ projectId: project.id, leadId: f.lead.id, feedback: "Good." });
    const member = f.teams[0].members[0].user!.id;
    const result = (await (await settle(async () => myResultLoader({ request: getRequest(`/my/camp/result`, await english(member)), params: {}, context: {} }))).json()) as {
      results: { evidence: { title: string; titleEn: string }[] }[];
    };
    expect(result.results[0].evidence.map((e) => [e.title, e.titleEn])).toEqual([
      ["C1", "Background"],
      ["C2", ""],
      ["C3", ""],
    ]);
    const pdf = async (who: string) =>
      (await pdfText(await readAll((await settle(() => feedbackPdfLoader({ request: getRequest(`/camps/teams/${f.teams[0].team.id}/feedback.pdf`, who), params: { teamId: String(f.teams[0].team.id) }, context: {} }))).body!))).text;
    const pdfEnglish = await pdf(await english(member));
    expect(pdfEnglish).toContain("Background");
    expect(pdfEnglish).toContain("Excellent");
    expect(pdfEnglish).toContain("C2");
    const pdfChinese = await pdf(await sessionCookieFor(member));
    expect(pdfChinese).not.toContain("Background");
    expect(pdfChinese).toContain("L100");
  });
});

describe("a rubric written under another framework", () => {
  /** A retired framework (two versions, both with the code) whose competency criterion 1 assesses. */
  async function campOnRetiredCompetency() {
    const f = await makeCamp();
    const n = f.camp.id;
    const code = `gone${n}`;
    const frameworks = [];
    for (const offset of [0, 1]) {
      const framework = await db.competencyFramework.create({ data: { version: 500_000 + n * 2 + offset, nameZh: "旧框架", nameEn: "Old framework", status: "retired" } });
      frameworks.push(await db.competency.create({ data: { frameworkId: framework.id, code, nameZh: `旧素养${n}`, nameEn: `Old competency ${n}` }, select: { id: true } }));
    }
    // The older version's row: re-saving must keep exactly this one, not the newer version's.
    const [older] = frameworks;
    await db.rubricCriterion.update({ where: { id: f.rubric.criteria[0].id }, data: { competencyId: older.id } });
    return { ...f, code, competencyId: older.id };
  }

  it("offers the criterion's own competency, keeps it on save, refuses it to a new criterion, and never switches it quietly", async () => {
    const f = await campOnRetiredCompetency();
    const campParams = { campId: String(f.camp.id) };
    const cookie = await sessionCookieFor(f.lead.id);
    const post = (fields: Record<string, string>) =>
      settle(() => rubricAction({ request: formRequest(`/trainer/camps/${f.camp.id}/rubric`, fields, cookie), params: campParams, context: {} }));
    const load = async () =>
      (await (await settle(() => rubricLoader({ request: getRequest(`/trainer/camps/${f.camp.id}/rubric`, cookie), params: campParams, context: {} }))).json()) as {
        draft: RubricDraft;
        competencies: { code: string }[];
        kept: { code: string; nameZh: string; nameEn: string }[];
      };
    const page = await load();
    expect(page.competencies.map((c) => c.code)).not.toContain(f.code);
    expect(page.kept).toEqual([{ code: f.code, nameZh: `旧素养${f.camp.id}`, nameEn: `Old competency ${f.camp.id}` }]);
    expect(page.draft.criteria[0]).toMatchObject({ competency: f.code, origin: f.code });

    // A structural step returns it unchanged; saving as it is keeps the very same competency row.
    const added = ((await (await post(editorFields(page.draft, "criterion.add"))).json()) as { draft: RubricDraft }).draft;
    expect(added.criteria[0]).toMatchObject({ competency: f.code, origin: f.code });
    expect(added.criteria[3]).toMatchObject({ origin: "" });
    expect((await post(editorFields(page.draft, "save"))).status).toBe(200);
    const kept = (await loadCampRubric(db, f.camp.id))!;
    expect(kept.id).not.toBe(f.rubric.id);
    expect(kept.criteria.map((c) => c.competencyId)).toEqual([f.competencyId, f.rubric.criteria[1].competencyId, f.rubric.criteria[2].competencyId]);

    // A new criterion may not take it (only active competencies), even when posted by hand.
    const withNew: RubricDraft = structuredClone(added);
    withNew.criteria[3] = { ...withNew.criteria[3], title: "New", weight: "10", competency: f.code };
    withNew.criteria[3].levels = withNew.criteria[3].levels.map((l, j) => ({ ...l, label: `N${j}` }));
    withNew.criteria[0].weight = "40";
    const refused = await post(editorFields(withNew, "save"));
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { fieldErrors: Record<string, string> }).fieldErrors).toEqual({ "c.3.competency": "grading.editor.errors.inactiveCompetency" });
    expect((await loadCampRubric(db, f.camp.id))!.id).toBe(kept.id);

    // The lead may move the criterion to an active competency; then the old one is no longer on offer.
    const switched: RubricDraft = structuredClone((await load()).draft);
    switched.criteria[0].competency = switched.criteria[1].competency; // an active one
    expect((await post(editorFields(switched, "save"))).status).toBe(200);
    expect((await loadCampRubric(db, f.camp.id))!.criteria[0].competencyId).toBe(f.rubric.criteria[1].competencyId);
    const after = await load();
    expect(after.kept).toEqual([]);
    // A stale form that still names the old competency is refused, not saved under another one.
    const stale: RubricDraft = structuredClone(after.draft);
    stale.criteria[0] = { ...stale.criteria[0], competency: f.code, origin: f.code };
    const refusedStale = await post(editorFields(stale, "save"));
    expect(refusedStale.status).toBe(400);
    expect(((await refusedStale.json()) as { fieldErrors: Record<string, string> }).fieldErrors).toEqual({ "c.0.competency": "errors.invalidChoice" });
  });

  it("a template copied from such a rubric keeps the competency too", async () => {
    const f = await campOnRetiredCompetency();
    await saveRubricAsTemplate({ campId: f.camp.id, actorId: f.lead.id, name: `Old-framework template ${f.camp.id}` });
    const template = await db.rubric.findFirstOrThrow({ where: { isTemplate: true, name: `Old-framework template ${f.camp.id}` }, select: { criteria: { orderBy: { sortOrder: "asc" }, select: { competencyId: true } } } });
    expect(template.criteria[0].competencyId).toBe(f.competencyId);
  });
});

describe("the grade history is append-only", () => {
  it("the database refuses a raw UPDATE or DELETE of a MarkEvent row", async () => {
    const f = await makeCamp();
    const projectId = f.teams[0].project.id;
    await saveMark({ projectId, markerId: f.mentor.id, scores: scores(f.rubric, [0, 0, 0]), submit: true });
    const event = await db.markEvent.findFirstOrThrow({ where: { projectId }, select: { id: true, after: true } });
    await expect(db.$executeRawUnsafe(`UPDATE "MarkEvent" SET "reason" = 'rewritten' WHERE "id" = ${event.id}`)).rejects.toThrow(/append-only/);
    await expect(db.$executeRawUnsafe(`DELETE FROM "MarkEvent" WHERE "id" = ${event.id}`)).rejects.toThrow(/append-only/);
    await expect(db.markEvent.update({ where: { id: event.id }, data: { reason: "rewritten" } })).rejects.toThrow();
    await expect(db.markEvent.deleteMany({ where: { projectId } })).rejects.toThrow();
    expect(await db.markEvent.findUniqueOrThrow({ where: { id: event.id }, select: { after: true, reason: true } })).toEqual({ after: event.after, reason: null });
  });
});

describe("blind marking everywhere (one rule: canSeeOtherMarks)", () => {
  it("the team feedback PDF hides the other markers from a mentor who has not submitted, until they do; release and exports hide them from a lead with a draft", async () => {
    const f = await makeCamp();
    const { team, project } = f.teams[0];
    const pdfAs = async (userId: number) => {
      const response = await settle(async () =>
        feedbackPdfLoader({ request: getRequest(`/camps/teams/${team.id}/feedback.pdf`, await sessionCookieFor(userId)), params: { teamId: String(team.id) }, context: {} }),
      );
      expect(response.status).toBe(200);
      return (await pdfText(await readAll(response.body!))).text;
    };
    const judged = f.rubric.criteria.map((c, i) => ({ criterionId: c.id, levelId: c.levels[3].id, comment: `SECRET-${i}` }));
    await saveMark({ projectId: project.id, markerId: f.judge.id, scores: judged, submit: true });
    await saveMark({ projectId: project.id, markerId: f.mentor.id, scores: scores(f.rubric, [0]), submit: false });
    const blind = await pdfAs(f.mentor.id);
    expect(blind).not.toContain("SECRET-0");
    expect(blind).not.toContain("L30");
    expect(blind).not.toContain("30.00"); // the judge's total (3,000), the only "mean" so far
    expect(blind).toContain("盲评");
    // The lead has no mark: on the per-project pages (PDF, grading screen) they are blind too.
    expect(await pdfAs(f.lead.id)).not.toContain("SECRET-0");

    // The lead's moderation views: no mark of their own → they moderate and see the marks;
    // a draft of their own → only that draft, on the page and in the export.
    const leadCookie = await sessionCookieFor(f.lead.id);
    const csvText = async () =>
      (await settle(() => marksCsvLoader({ request: getRequest(`/trainer/camps/${f.camp.id}/marks.csv`, leadCookie), params: { campId: String(f.camp.id) }, context: {} }))).text();
    const rowOf = async () => (await loadReleasePage(f.camp.id, f.lead.id))!.projects.find((p) => p.id === project.id)!;
    expect((await rowOf()).marks.map((m) => m.markerId)).toEqual([f.mentor.id, f.judge.id].sort((a, b) => a - b));
    expect(await csvText()).toContain("SECRET-0");
    await saveMark({ projectId: project.id, markerId: f.lead.id, scores: scores(f.rubric, [1]), submit: false });
    const drafting = await rowOf();
    expect(drafting).toMatchObject({ canSeeOthers: false, standing: null, total: null, outcomes: [] });
    expect(drafting.marks.map((m) => m.markerId)).toEqual([f.lead.id]);
    expect(await csvText()).not.toContain("SECRET-0");
    expect((await loadGradingScreen(project.id, f.lead.id))!.canSeeOthers).toBe(false);

    // Submitting one's own mark opens them, on the PDF as on the grading screen.
    await saveMark({ projectId: project.id, markerId: f.mentor.id, scores: scores(f.rubric, [0, 0, 0]), submit: true });
    const open = await pdfAs(f.mentor.id);
    expect(open).toContain("SECRET-0");
    expect(open).toContain("L30");
    expect((await loadGradingScreen(project.id, f.mentor.id))!.canSeeOthers).toBe(true);
  });
});

describe("release reaches the current team only", () => {
  it("someone moved to team B before team A's release sees neither A's mark nor its feedback; B's members and A's remaining members are unaffected", async () => {
    const f = await makeCamp();
    const [a, b] = f.teams;
    await saveMark({ projectId: a.project.id, markerId: f.mentor.id, scores: scores(f.rubric, [0, 0, 0]), submit: true });
    await saveMark({ projectId: a.project.id, markerId: f.judge.id, scores: scores(f.rubric, [0, 0, 0]), submit: true });
    const mover = a.members[0];
    await movePerson({ campId: f.camp.id, personId: mover.person.id, toTeamId: b.team.id, reason: "swap", actorId: f.lead.id });
    await releaseProject({ projectId: a.project.id, leadId: f.lead.id, feedback: "TEAM-A-FEEDBACK" });

    expect(await loadMyCampResults(mover.person.id)).toEqual([]);
    const page = await settle(async () => myResultLoader({ request: getRequest(`/my/camp/result?project=${a.project.id}`, await sessionCookieFor(mover.user!.id)), params: {}, context: {} }));
    expect(page.status).toBe(404);
    expect((await loadMyCampResults(a.members[1].person.id)).map((r) => [r.projectId, r.feedback])).toEqual([[a.project.id, "TEAM-A-FEEDBACK"]]);
    // Not credited from A either (release credits A's current members).
    expect(await db.ledgerEntry.count({ where: { campId: f.camp.id, personId: mover.person.id } })).toBe(0);
  });
});

describe("several briefs: one camp credit, kept while a released project passes (ADR 008)", () => {
  async function twoBriefs() {
    const f = await makeCamp();
    const brief2 = await db.projectBrief.create({ data: { campId: f.camp.id, title: "Brief 2", dueAt: new Date("2026-03-13T02:00:00Z") } });
    const { team, members } = f.teams[0];
    const p2 = await db.project.create({
      data: { teamId: team.id, briefId: brief2.id, title: "P2", versions: { create: { versionNo: 1, background: "bg", design: "d", budget: "b", impact: "i", submittedById: members[0].user!.id } } },
    });
    const mark = async (projectId: number, levels: number[]) => {
      await saveMark({ projectId, markerId: f.mentor.id, scores: scores(f.rubric, levels), submit: true });
      await saveMark({ projectId, markerId: f.judge.id, scores: scores(f.rubric, levels), submit: true });
    };
    const net = async (personId: number) => (await db.ledgerEntry.aggregate({ where: { campId: f.camp.id, personId }, _sum: { amount: true } }))._sum.amount ?? 0;
    return { f, p1: f.teams[0].project, p2, members, mark, net };
  }

  it("un-releasing one passing project keeps the credit the other still earns; un-releasing the last reverses it; release again awards #2", async () => {
    const { f, p1, p2, members, mark, net } = await twoBriefs();
    await mark(p1.id, [0, 0, 0]);
    await mark(p2.id, [1, 1, 1]);
    await releaseProject({ projectId: p1.id, leadId: f.lead.id, feedback: "p1" });
    const second = await releaseProject({ projectId: p2.id, leadId: f.lead.id, feedback: "p2" });
    expect(second.awarded).toEqual([]); // once per camp
    for (const m of members) expect(await net(m.person.id)).toBe(800);

    const kept = await unreleaseProject({ projectId: p2.id, leadId: f.lead.id, reason: "re-mark p2" });
    expect(kept.reversedEntryIds).toEqual([]);
    for (const m of members) expect(await net(m.person.id)).toBe(800);
    const event = await db.markEvent.findFirstOrThrow({ where: { projectId: p2.id, kind: "unreleased" }, orderBy: { id: "desc" } });
    expect(JSON.parse(event.after!).keptEntryIds).toHaveLength(3);

    // Moderating p1 (a released project) un-releases it: p2 is no longer released, nothing passes.
    const gone = await unreleaseProject({ projectId: p1.id, leadId: f.lead.id, reason: "re-mark p1" });
    expect(gone.reversedEntryIds).toHaveLength(3);
    for (const m of members) expect(await net(m.person.id)).toBe(0);
    const again = await releaseProject({ projectId: p2.id, leadId: f.lead.id, feedback: "p2 again" });
    expect(again.awarded.sort()).toEqual(members.map((m) => m.person.id).sort());
    const keys = await db.ledgerEntry.findMany({ where: { campId: f.camp.id, personId: members[0].person.id, sourceType: "camp_release" }, orderBy: { id: "asc" }, select: { sourceKey: true } });
    expect(keys.map((k) => k.sourceKey.split("#")[1])).toEqual(["1", "2"]);
  });

  it("a failing released project does not keep a credit: un-releasing the passing one reverses it", async () => {
    const { f, p1, p2, members, mark, net } = await twoBriefs();
    await mark(p1.id, [0, 0, 0]); // 100.00: pass
    await mark(p2.id, [3, 3, 3]); // 30.00: below the pass mark
    await releaseProject({ projectId: p1.id, leadId: f.lead.id, feedback: "" });
    await releaseProject({ projectId: p2.id, leadId: f.lead.id, feedback: "" });
    for (const m of members) expect(await net(m.person.id)).toBe(800);
    await unreleaseProject({ projectId: p1.id, leadId: f.lead.id, reason: "mistake" });
    for (const m of members) expect(await net(m.person.id)).toBe(0);
  });

  it("un-releasing team A's project leaves the credit of a former member whom team B's released project passes", async () => {
    const f = await makeCamp();
    const [a, b] = f.teams;
    for (const { project } of [a, b]) {
      await saveMark({ projectId: project.id, markerId: f.mentor.id, scores: scores(f.rubric, [0, 0, 0]), submit: true });
      await saveMark({ projectId: project.id, markerId: f.judge.id, scores: scores(f.rubric, [0, 0, 0]), submit: true });
    }
    await releaseProject({ projectId: a.project.id, leadId: f.lead.id, feedback: "" });
    const mover = a.members[0].person.id;
    await movePerson({ campId: f.camp.id, personId: mover, toTeamId: b.team.id, reason: "swap", actorId: f.lead.id });
    await releaseProject({ projectId: b.project.id, leadId: f.lead.id, feedback: "" });
    const result = await unreleaseProject({ projectId: a.project.id, leadId: f.lead.id, reason: "re-mark" });
    expect(result.reversedEntryIds).toHaveLength(2);
    const net = await db.ledgerEntry.aggregate({ where: { campId: f.camp.id, personId: mover }, _sum: { amount: true } });
    expect(net._sum.amount).toBe(800);
  });
});

describe("the competency profile shows camp criterion evidence", () => {
  it("lists, under each competency on /my, the criteria of the learner's released camp results (criterion, mean level, camp, date) — nothing before release", async () => {
    const f = await makeCamp();
    const { project, members } = f.teams[0];
    await saveMark({ projectId: project.id, markerId: f.mentor.id, scores: scores(f.rubric, [0, 1, 1]), submit: true });
    await saveMark({ projectId: project.id, markerId: f.judge.id, scores: scores(f.rubric, [0, 1, 2]), submit: true });
    const cookie = await sessionCookieFor(members[0].user!.id);
    type Evidence = { projectId: number; title: string; meanPoints: number | null; code: string; releasedAt: string };
    const home = async () => {
      const response = await settle(() => myHomeLoader({ request: getRequest("/my", cookie), params: {}, context: {} }));
      expect(response.status).toBe(200);
      return ((await response.json()) as { home: { campEvidence: Record<string, Evidence[]> } }).home.campEvidence;
    };
    expect(await home()).toEqual({});
    await releaseProject({ projectId: project.id, leadId: f.lead.id, feedback: "" });
    const evidence = await home();
    const result = (await loadMyCampResults(members[0].person.id))[0];
    // The same rows as /my/camp/result's evidence, keyed by the criterion's competency.
    for (const [i, c] of f.rubric.criteria.entries()) {
      expect(evidence[String(c.competencyId)]).toEqual([
        { projectId: project.id, criterionId: c.id, title: c.title, titleEn: "", meanPoints: result.evidence[i].meanPoints, course: result.course, code: f.offering.code, releasedAt: result.releasedAt!.toISOString() },
      ]);
    }
    expect(evidence[String(f.rubric.criteria[2].competencyId)][0].meanPoints).toBe(7000);
  });
});

describe("marking speed: autosave, previous / next, save on leaving", () => {
  it("autosave saves a draft quietly: one history event per marker and project in the window, none for no change, no empty mark", async () => {
    const f = await makeCamp();
    const { project } = f.teams[0];
    const cookie = await sessionCookieFor(f.mentor.id);
    const params = { projectId: String(project.id) };
    const [c1, c2] = f.rubric.criteria;
    const post = (body: Record<string, string>) => settle(() => gradingAction({ request: formRequest(`/trainer/grading/${project.id}`, body, cookie), params, context: {} }));
    const events = () => db.markEvent.count({ where: { projectId: project.id, actorId: f.mentor.id } });
    expect(AUTOSAVE_MS).toBeGreaterThanOrEqual(1000); // the screen saves every few seconds, not per keystroke

    // Nothing entered on a project without a mark: nothing written (an empty draft would lock the rubric).
    const empty = await post({ intent: "autosave", [`comment.${c1.id}`]: "" });
    expect(empty.status).toBe(200);
    expect(await db.mark.count({ where: { projectId: project.id } })).toBe(0);

    const first = await post({ intent: "autosave", [`level.${c1.id}`]: String(c1.levels[1].id), [`comment.${c1.id}`]: "draft note" });
    expect(await first.json()).toMatchObject({ autosavedAt: expect.any(String) });
    expect(await db.mark.findFirstOrThrow({ where: { projectId: project.id, markerId: f.mentor.id }, select: { status: true, total: true } })).toEqual({ status: "draft", total: null });
    expect(await events()).toBe(1);
    // Ten more autosaves while the marker keeps choosing: the draft follows, the history does not flood.
    for (let i = 0; i < 10; i++) {
      await post({ intent: "autosave", [`level.${c1.id}`]: String(c1.levels[i % 2].id), [`level.${c2.id}`]: String(c2.levels[i % 3].id), [`comment.${c1.id}`]: `draft ${i}` });
    }
    const scoresNow = await db.markScore.findMany({ where: { mark: { projectId: project.id, markerId: f.mentor.id } }, orderBy: { criterionId: "asc" }, select: { levelId: true, comment: true } });
    expect(scoresNow).toEqual([
      { levelId: c1.levels[1].id, comment: "draft 9" },
      { levelId: c2.levels[0].id, comment: "" },
    ]);
    expect(await events()).toBe(1);
    // Past the window, a changed quiet save is recorded again; an unchanged one never.
    const later = new Date(Date.now() + QUIET_SAVE_EVENT_WINDOW_MS + 60_000);
    const same = f.rubric.criteria.slice(0, 2).map((c, i) => ({ criterionId: c.id, levelId: i === 0 ? c1.levels[1].id : c2.levels[0].id, comment: i === 0 ? "draft 9" : "" }));
    expect((await saveMark({ projectId: project.id, markerId: f.mentor.id, scores: same, submit: false, quiet: true, now: later })).written).toBe(false);
    expect(await events()).toBe(1);
    await saveMark({ projectId: project.id, markerId: f.mentor.id, scores: [{ criterionId: c1.id, levelId: c1.levels[2].id, comment: "" }], submit: false, quiet: true, now: later });
    expect(await events()).toBe(2);
    // An explicit save is always in the history.
    await post({ intent: "save", [`level.${c1.id}`]: String(c1.levels[3].id) });
    expect(await events()).toBe(3);
  });

  it("previous / next follow the camp's projects in order; save-and-go keeps the draft and moves on, with or without a change", async () => {
    const f = await makeCamp();
    const other = await makeCamp();
    const [a, b] = f.teams;
    const cookie = await sessionCookieFor(f.judge.id);
    const screen = async (projectId: number) =>
      (await (await settle(() => gradingLoader({ request: getRequest(`/trainer/grading/${projectId}`, cookie), params: { projectId: String(projectId) }, context: {} }))).json()) as {
        previousId: number | null;
        nextId: number | null;
      };
    expect(await screen(a.project.id)).toMatchObject({ previousId: null, nextId: b.project.id });
    expect(await screen(b.project.id)).toMatchObject({ previousId: a.project.id, nextId: null });

    const c = f.rubric.criteria[0];
    const go = (to: number | string, body: Record<string, string>) =>
      settle(() => gradingAction({ request: formRequest(`/trainer/grading/${a.project.id}?go=${to}`, { intent: "save-and-go", ...body }, cookie), params: { projectId: String(a.project.id) }, context: {} }));
    const moved = await go(b.project.id, { [`level.${c.id}`]: String(c.levels[2].id), [`comment.${c.id}`]: "typed just before next" });
    expect(moved.status).toBe(302);
    expect(moved.headers.get("Location")).toBe(`/trainer/grading/${b.project.id}`);
    expect(await db.markScore.findFirstOrThrow({ where: { mark: { projectId: a.project.id, markerId: f.judge.id } }, select: { levelId: true, comment: true } })).toEqual({
      levelId: c.levels[2].id,
      comment: "typed just before next",
    });
    // Another camp's project, or no target: refused, nothing saved.
    expect((await go(other.teams[0].project.id, { [`level.${c.id}`]: String(c.levels[0].id) })).status).toBe(400);
    expect((await go("x", { [`level.${c.id}`]: String(c.levels[0].id) })).status).toBe(400);
    expect((await db.markScore.findFirstOrThrow({ where: { mark: { projectId: a.project.id, markerId: f.judge.id } } })).levelId).toBe(c.levels[2].id);
    // A submitted mark is not touched by leaving: it changes only by submitting again.
    await saveMark({ projectId: a.project.id, markerId: f.judge.id, scores: scores(f.rubric, [0, 0, 0]), submit: true });
    const leaving = await go(b.project.id, { [`level.${c.id}`]: String(c.levels[3].id) });
    expect(leaving.status).toBe(302);
    expect(await db.mark.findFirstOrThrow({ where: { projectId: a.project.id, markerId: f.judge.id }, select: { status: true, total: true } })).toEqual({ status: "submitted", total: 10_000 });
  });
});

describe("moderation and release: audit, bounds, races", () => {
  it("moderation, release and un-release are in the central audit log with before, after and why", async () => {
    const f = await makeCamp();
    const { project } = f.teams[0];
    await saveMark({ projectId: project.id, markerId: f.mentor.id, scores: scores(f.rubric, [0, 0, 0]), submit: true });
    await saveMark({ projectId: project.id, markerId: f.judge.id, scores: scores(f.rubric, [0, 0, 0]), submit: true });
    await moderateMark({ projectId: project.id, leadId: f.lead.id, total: 9500, reason: "agreed at the panel" });
    await releaseProject({ projectId: project.id, leadId: f.lead.id, feedback: "Strong work." });
    await unreleaseProject({ projectId: project.id, leadId: f.lead.id, reason: "budget recheck" });
    const audits = await db.auditEvent.findMany({ where: { entityType: "Project", entityId: String(project.id) }, orderBy: { id: "asc" }, select: { action: true, actorId: true, before: true, after: true, reason: true } });
    expect(audits.map((a) => [a.action, a.actorId, a.reason])).toEqual([
      ["camp.mark_moderated", f.lead.id, "agreed at the panel"],
      ["camp.mark_released", f.lead.id, "Strong work."],
      ["camp.mark_unreleased", f.lead.id, "budget recheck"],
    ]);
    expect(JSON.parse(audits[0].after!)).toMatchObject({ total: 9500, method: "moderated" });
    expect(JSON.parse(audits[1].before!)).toMatchObject({ total: 9500, released: false });
    expect(JSON.parse(audits[1].after!)).toMatchObject({ total: 9500, released: true, awarded: expect.arrayContaining([f.teams[0].members[0].person.id]) });
    expect(JSON.parse(audits[2].before!)).toMatchObject({ total: 9500, released: true });
    expect(JSON.parse(audits[2].after!).reversedEntryIds).toHaveLength(3);
  });

  it("refuses a moderated total outside 0–100, in the domain and on the page, writing nothing", async () => {
    const f = await makeCamp();
    const { project } = f.teams[0];
    for (const total of [-1, 10_001, 50.5]) {
      await expect(moderateMark({ projectId: project.id, leadId: f.lead.id, total, reason: "x" })).rejects.toMatchObject({ code: "grading.errors.totalOutOfRange" });
    }
    const cookie = await sessionCookieFor(f.lead.id);
    for (const total of ["100.01", "-5", "abc"]) {
      const response = await settle(() =>
        releaseAction({ request: formRequest(`/trainer/camps/${f.camp.id}/release`, { intent: "moderate", projectId: String(project.id), total, reason: "why" }, cookie), params: { campId: String(f.camp.id) }, context: {} }),
      );
      expect(response.status, total).toBe(400);
      expect(((await response.json()) as { fieldErrors: Record<string, unknown> }).fieldErrors.total, total).toBeTruthy();
    }
    expect(await db.finalMark.count({ where: { projectId: project.id } })).toBe(0);
    expect(await db.auditEvent.count({ where: { entityType: "Project", entityId: String(project.id) } })).toBe(0);
  });

  it("two releases at the same moment credit each member once: the same project twice, or two briefs of one team", async () => {
    const f = await makeCamp();
    const [a, b] = f.teams;
    const brief2 = await db.projectBrief.create({ data: { campId: f.camp.id, title: "Brief 2", dueAt: new Date("2026-03-13T02:00:00Z") } });
    const a2 = await db.project.create({
      data: { teamId: a.team.id, briefId: brief2.id, title: "A2", versions: { create: { versionNo: 1, background: "bg", design: "d", budget: "b", impact: "i", submittedById: a.members[0].user!.id } } },
    });
    for (const projectId of [a.project.id, a2.id, b.project.id]) {
      await saveMark({ projectId, markerId: f.mentor.id, scores: scores(f.rubric, [0, 0, 0]), submit: true });
      await saveMark({ projectId, markerId: f.judge.id, scores: scores(f.rubric, [0, 0, 0]), submit: true });
    }
    const same = await Promise.allSettled([0, 1].map(() => releaseProject({ projectId: b.project.id, leadId: f.lead.id, feedback: "" })));
    expect(same.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = same.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ code: "grading.errors.alreadyReleased" });
    const briefs = await Promise.allSettled([a.project.id, a2.id].map((projectId) => releaseProject({ projectId, leadId: f.lead.id, feedback: "" })));
    expect(briefs.map((r) => r.status)).toEqual(["fulfilled", "fulfilled"]);
    for (const { members } of [a, b]) {
      for (const m of members) {
        expect(await db.ledgerEntry.count({ where: { campId: f.camp.id, personId: m.person.id, sourceType: "camp_release" } }), `person ${m.person.id}`).toBe(1);
      }
    }
  });
});
