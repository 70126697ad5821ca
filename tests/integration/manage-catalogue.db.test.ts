// Catalogue management (/manage), called as Remix calls it, on both dialects: who may use it,
// courses created, edited and archived with their history, the refusals (weights, cycles,
// codes, stale edits), a framework version published with the weights following by code,
// levels, and the learner's catalogue reflecting every change.
import { beforeAll, describe, expect, it } from "vitest";
import { catalogueFilterChoices, searchCatalogue } from "~/catalogue/catalogue.server";
import { loadCoursePage } from "~/catalogue/course-page.server";
import { readCourseSnapshot } from "~/catalogue-admin/history";
import { loader as homeLoader } from "~/routes/manage._index";
import { action as competenciesAction, loader as competenciesLoader } from "~/routes/manage.competencies";
import { action as courseAction, loader as courseLoader } from "~/routes/manage.courses.$courseId";
import { loader as coursesLoader } from "~/routes/manage.courses._index";
import { action as newCourseAction, loader as newCourseLoader } from "~/routes/manage.courses.new";
import { action as levelsAction, loader as levelsLoader } from "~/routes/manage.levels";
import { db } from "~/utils/db.server";
import { makePerson, makeUnitTree, makeUser } from "../support/factories";
import { formRequest, getRequest, sessionCookieFor, settle } from "../support/requests";

const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context: {} });
const Y = new Date().getUTCFullYear() + 1;

let tree: Awaited<ReturnType<typeof makeUnitTree>>;
let adminId: number;
let adminCookie: string;
let hrCookie: string;
let learnerCookie: string;
let trainerCookie: string;
const comp = {} as Record<"political" | "residents" | "law" | "mediation", number>;
const level = {} as Record<1 | 2 | 3 | 4, number>;

beforeAll(async () => {
  tree = await makeUnitTree();
  const admin = await makeUser("admin");
  adminId = admin.id;
  adminCookie = await sessionCookieFor(admin.id);
  hrCookie = await sessionCookieFor((await makeUser("hr", { scopeUnitId: tree.streets[0].id })).id);
  const person = await makePerson(tree.streets[0].areaId);
  learnerCookie = await sessionCookieFor((await makeUser("learner", { personId: person.id })).id);
  trainerCookie = await sessionCookieFor((await makeUser("trainer")).id);

  const framework = await db.competencyFramework.create({
    data: { version: 1, nameZh: "十大素养", nameEn: "Ten competencies", status: "active", publishedAt: new Date() },
  });
  for (const [i, [code, nameZh, nameEn]] of ([
    ["political", "政治引领", "Political leadership"],
    ["residents", "群众工作", "Working with residents"],
    ["law", "依法治理", "Governing by law"],
    ["mediation", "矛盾调解", "Mediating disputes"],
  ] as const).entries()) {
    comp[code] = (await db.competency.create({ data: { frameworkId: framework.id, code, nameZh, nameEn, sortOrder: i + 1 } })).id;
  }
  for (const [rank, code, nameZh, nameEn] of [
    [1, "new", "新任", "Newly appointed"],
    [2, "core", "骨干", "Core"],
    [3, "model", "示范", "Model"],
    [4, "leading", "领军", "Leading"],
  ] as const) {
    level[rank] = (await db.level.create({ data: { rank, code, nameZh, nameEn } })).id;
  }
});

/** The new-course form as a browser posts it. */
function courseForm(overrides: Record<string, string> = {}, weights: Record<number, string> = {}, prerequisites: number[] = []) {
  const body = new URLSearchParams({
    code: "CN-L1-01",
    titleZh: "书记履职入门",
    titleEn: "Getting started as a secretary",
    summaryZh: "职责与方法。",
    summaryEn: "Duties and methods.",
    levelId: String(level[1]),
    mode: "in_person",
    durationMinutes: "360",
    creditPoints: "6",
    ...overrides,
  });
  for (const [id, weight] of Object.entries(weights)) body.append(`w.${id}`, weight);
  for (const id of prerequisites) body.append("prerequisiteIds", String(id));
  return body;
}

function post(path: string, body: URLSearchParams, cookie: string) {
  return new Request(`http://localhost:3000${path}`, {
    method: "POST",
    body,
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie },
  });
}

async function createViaForm(overrides: Record<string, string>, weights: Record<number, string>, prerequisites: number[] = [], cookie = adminCookie) {
  return settle(() => newCourseAction(args(post("/manage/courses/new", courseForm(overrides, weights, prerequisites), cookie))));
}

function courseIdFrom(response: Response) {
  expect(response.status).toBe(302);
  const match = /\/manage\/courses\/(\d+)\?created=1$/.exec(response.headers.get("Location") ?? "");
  expect(match).not.toBeNull();
  return Number(match![1]);
}

async function editForm(courseId: number, changes: Record<string, string> = {}, weights?: Record<number, string>, prerequisites?: number[]) {
  const course = await db.course.findUniqueOrThrow({
    where: { id: courseId },
    include: { competencies: true, prerequisites: true },
  });
  const body = courseForm(
    {
      titleZh: course.titleZh,
      titleEn: course.titleEn,
      summaryZh: course.summaryZh,
      summaryEn: course.summaryEn,
      levelId: String(course.levelId),
      mode: course.mode,
      durationMinutes: String(course.durationMinutes),
      creditPoints: String(course.creditPoints / 100),
      ...(course.hasAssessment ? { hasAssessment: "on" } : {}),
      intent: "update",
      version: String(course.version),
      ...changes,
    },
    weights ?? Object.fromEntries(course.competencies.map((c) => [c.competencyId, String(c.weight)])),
    prerequisites ?? course.prerequisites.map((p) => p.requiredCourseId),
  );
  body.delete("code");
  return body;
}

async function edit(courseId: number, body: URLSearchParams, cookie = adminCookie) {
  return settle(() => courseAction(args(post(`/manage/courses/${courseId}`, body, cookie), { courseId: String(courseId) })));
}

function courseEvents(courseId: number) {
  return db.auditEvent.findMany({ where: { entityType: "Course", entityId: String(courseId) }, orderBy: { id: "asc" } });
}

describe("who may manage the catalogue", () => {
  it("refuses learners and trainers (403) on every page and action, and admits HR and administrators", async () => {
    const courseId = String(courseIdFrom(await createViaForm({ code: "CN-L1-90" }, { [comp.political]: "100" })));
    const pages = (cookie: string) => [
      () => homeLoader(args(getRequest("/manage", cookie))),
      () => competenciesLoader(args(getRequest("/manage/competencies", cookie))),
      () => levelsLoader(args(getRequest("/manage/levels", cookie))),
      () => coursesLoader(args(getRequest("/manage/courses", cookie))),
      () => newCourseLoader(args(getRequest("/manage/courses/new", cookie))),
      () => courseLoader(args(getRequest(`/manage/courses/${courseId}`, cookie), { courseId })),
    ];
    for (const cookie of [learnerCookie, trainerCookie]) {
      for (const page of pages(cookie)) expect((await settle(page)).status).toBe(403);
      expect((await createViaForm({ code: "CN-L1-91" }, { [comp.political]: "100" }, [], cookie)).status).toBe(403);
      const archive = formRequest(`/manage/courses/${courseId}`, { intent: "archive", reason: "no" }, cookie);
      expect((await settle(() => courseAction(args(archive, { courseId })))).status).toBe(403);
      const draft = formRequest("/manage/competencies", { intent: "create-draft" }, cookie);
      expect((await settle(() => competenciesAction(args(draft)))).status).toBe(403);
      const level5 = formRequest("/manage/levels", { intent: "add", code: "expert", nameZh: "专家", nameEn: "Expert" }, cookie);
      expect((await settle(() => levelsAction(args(level5)))).status).toBe(403);
    }
    expect(await db.course.count({ where: { code: "CN-L1-91" } })).toBe(0);
    expect(await db.level.count({ where: { code: "expert" } })).toBe(0);
    expect(await db.competencyFramework.count({ where: { status: "draft" } })).toBe(0);
    // Signed out: sent to the sign-in page.
    for (const page of pages("")) expect((await settle(page)).status).toBe(302);
    for (const cookie of [hrCookie, adminCookie]) {
      for (const page of pages(cookie)) {
        const response = await settle(page);
        expect(response.status).toBe(200);
        expect(response.headers.get("Cache-Control")).toBe("no-store");
      }
    }
    // HR (a street's officer: the catalogue is district-wide) may change it too.
    expect((await createViaForm({ code: "CN-L1-92" }, { [comp.political]: "100" }, [], hrCookie)).status).toBe(302);
  });
});

describe("courses", () => {
  it("creates a course with weights and prerequisites, audited, and a double submit creates one", async () => {
    const first = await createViaForm({ code: "cn-l1-02", creditPoints: "1.5", hasAssessment: "on" }, { [comp.political]: "70", [comp.residents]: "30", [comp.law]: "" });
    const courseId = courseIdFrom(first);
    const course = await db.course.findUniqueOrThrow({ where: { id: courseId }, include: { competencies: { orderBy: { competencyId: "asc" } } } });
    expect(course).toMatchObject({ code: "CN-L1-02", creditPoints: 150, hasAssessment: true, version: 1, archivedAt: null });
    expect(course.competencies.map((c) => [c.competencyId, c.weight])).toEqual([
      [comp.political, 70],
      [comp.residents, 30],
    ]);
    const [created] = await courseEvents(courseId);
    expect(created).toMatchObject({ action: "course.created", actorId: adminId, before: null });
    expect(readCourseSnapshot(created.after)).toMatchObject({ code: "CN-L1-02", creditPoints: 150, version: 1 });

    // The same form again (a double tap that got through): one course, and the code is taken.
    const again = await createViaForm({ code: "CN-L1-02", creditPoints: "1.5" }, { [comp.political]: "70", [comp.residents]: "30" });
    expect(again.status).toBe(400);
    expect((await again.json()).fieldErrors.code).toBe("manage.errors.codeTaken");
    // Two at the very same moment: still one.
    const racing = await Promise.all([1, 2].map(() => createViaForm({ code: "CN-L1-03" }, { [comp.political]: "100" })));
    expect(racing.map((r) => r.status).sort()).toEqual([302, 400]);
    expect(await db.course.count({ where: { code: { in: ["CN-L1-02", "CN-L1-03"] } } })).toBe(2);
  });

  it("refuses bad input with translated field errors and writes nothing", async () => {
    const before = await db.course.count();
    const events = await db.auditEvent.count();
    const cases: [Record<string, string>, Record<number, string>, string, string][] = [
      [{ code: "CN-L1-10" }, { [comp.political]: "60", [comp.law]: "30" }, "weights", 'manage.errors.weightsSum|{"sum":90}'],
      [{ code: "CN-L1-11" }, { [comp.political]: "60", [comp.law]: "50" }, "weights", 'manage.errors.weightsSum|{"sum":110}'],
      [{ code: "CN-L1-12" }, {}, "weights", "manage.errors.weightsEmpty"],
      [{ code: "L1-12" }, { [comp.political]: "100" }, "code", "manage.errors.courseCode"],
      [{ code: "CN-L1-13", creditPoints: "2.345" }, { [comp.political]: "100" }, "creditPoints", 'manage.errors.points|{"max":1000}'],
      [{ code: "CN-L1-14", titleEn: " " }, { [comp.political]: "100" }, "titleEn", "errors.required"],
      [{ code: "CN-L1-15", mode: "hybrid" }, { [comp.political]: "100" }, "mode", "errors.invalidChoice"],
      [{ code: "CN-L1-16", levelId: "999999" }, { [comp.political]: "100" }, "levelId", "manage.errors.levelNotFound"],
      [{ code: "CN-L1-17" }, { 999999: "100" }, "weights", "manage.errors.competencyNotActive"],
    ];
    for (const [overrides, weights, field, message] of cases) {
      const response = await createViaForm(overrides, weights);
      expect(response.status, field).toBe(400);
      expect((await response.json()).fieldErrors[field]).toBe(message);
    }
    expect(await db.course.count()).toBe(before);
    expect(await db.auditEvent.count()).toBe(events);
  });

  it("edits a course: version up, before/after in the history, newest first, and the catalogue shows it", async () => {
    const prerequisite = courseIdFrom(await createViaForm({ code: "CN-L1-20" }, { [comp.law]: "100" }));
    const courseId = courseIdFrom(await createViaForm({ code: "CN-L2-20", levelId: String(level[2]) }, { [comp.political]: "50", [comp.law]: "50" }));
    const response = await edit(
      courseId,
      await editForm(courseId, { titleZh: "调解实务（新版）", titleEn: "Mediation in practice", creditPoints: "6.5", reason: "更新教材" }, { [comp.mediation]: "80", [comp.law]: "20" }, [prerequisite]),
    );
    expect(response.status).toBe(200);
    expect((await response.json()).notice).toEqual({ key: "manage.course.saved", params: { version: 2 } });

    const events = await courseEvents(courseId);
    expect(events.map((e) => e.action)).toEqual(["course.created", "course.updated"]);
    const updated = events[1];
    expect(updated.reason).toBe("更新教材");
    expect(readCourseSnapshot(updated.before)).toMatchObject({ version: 1, creditPoints: 600, titleEn: "Getting started as a secretary", prerequisites: [] });
    expect(readCourseSnapshot(updated.after)).toMatchObject({
      version: 2,
      creditPoints: 650,
      titleEn: "Mediation in practice",
      weights: [
        { competencyId: comp.law, code: "law", weight: 20 },
        { competencyId: comp.mediation, code: "mediation", weight: 80 },
      ],
      prerequisites: [{ id: prerequisite, code: "CN-L1-20" }],
    });

    // The page's history: newest first, with the fields that changed.
    const page = await settle(() => courseLoader(args(getRequest(`/manage/courses/${courseId}`, adminCookie), { courseId: String(courseId) })));
    const { history, course } = await page.json();
    expect(course.version).toBe(2);
    expect(history.events.map((e: { action: string }) => e.action)).toEqual(["course.updated", "course.created"]);
    expect(history.events[0].changes.map((c: { field: string }) => c.field)).toEqual(["titleZh", "titleEn", "creditPoints", "weights", "prerequisites"]);
    expect(history.events[0].actor.displayName).toBe("admin user");
    expect(history.competencies[comp.mediation].nameEn).toBe("Mediating disputes");

    // Learners see the edit.
    const found = await searchCatalogue({ q: "Mediation in practice" });
    expect(found.courses.map((c) => c.code)).toEqual(["CN-L2-20"]);
    expect(found.courses[0]).toMatchObject({ titleZh: "调解实务（新版）", creditPoints: 650 });
    const coursePage = await loadCoursePage("CN-L2-20");
    expect(coursePage?.competencies.map((c) => [c.code, c.weight])).toEqual([
      ["mediation", 80],
      ["law", 20],
    ]);
    expect(coursePage?.prerequisiteCourses.map((p) => p.code)).toEqual(["CN-L1-20"]);
    const byCompetency = await searchCatalogue({ competencyId: comp.mediation });
    expect(byCompetency.courses.map((c) => c.code)).toContain("CN-L2-20");
  });

  it("saves nothing when nothing changed, and refuses an edit made on an old version", async () => {
    const courseId = courseIdFrom(await createViaForm({ code: "CN-L1-30" }, { [comp.political]: "100" }));
    const same = await edit(courseId, await editForm(courseId));
    expect((await same.json()).notice.key).toBe("manage.course.unchanged");
    const stale = await editForm(courseId, { titleEn: "One" });
    expect((await edit(courseId, await editForm(courseId, { titleEn: "Two" }))).status).toBe(200);
    const refused = await edit(courseId, stale);
    expect(refused.status).toBe(400);
    expect((await refused.json()).formError).toBe('manage.errors.stale|{"version":2}');
    const course = await db.course.findUniqueOrThrow({ where: { id: courseId } });
    expect(course).toMatchObject({ titleEn: "Two", version: 2 });
    expect((await courseEvents(courseId)).map((e) => e.action)).toEqual(["course.created", "course.updated"]);
  });

  it("refuses weights that don't add up to 100 on an edit, and keeps the old ones", async () => {
    const courseId = courseIdFrom(await createViaForm({ code: "CN-L1-40" }, { [comp.political]: "100" }));
    const response = await edit(courseId, await editForm(courseId, {}, { [comp.political]: "50", [comp.residents]: "49" }));
    expect(response.status).toBe(400);
    expect((await response.json()).fieldErrors.weights).toBe('manage.errors.weightsSum|{"sum":99}');
    const rows = await db.courseCompetency.findMany({ where: { courseId } });
    expect(rows.map((r) => [r.competencyId, r.weight])).toEqual([[comp.political, 100]]);
    expect((await db.course.findUniqueOrThrow({ where: { id: courseId } })).version).toBe(1);
  });

  it("refuses a prerequisite cycle and the course itself as its own prerequisite", async () => {
    const a = courseIdFrom(await createViaForm({ code: "CN-L1-50" }, { [comp.political]: "100" }));
    const b = courseIdFrom(await createViaForm({ code: "CN-L2-50" }, { [comp.political]: "100" }, [a]));
    const c = courseIdFrom(await createViaForm({ code: "CN-L3-50" }, { [comp.political]: "100" }, [b]));
    const loop = await edit(a, await editForm(a, {}, undefined, [c]));
    expect(loop.status).toBe(400);
    expect((await loop.json()).fieldErrors.prerequisiteIds).toBe('manage.errors.prerequisiteCycle|{"path":"CN-L1-50 → CN-L3-50 → CN-L2-50 → CN-L1-50"}');
    const self = await edit(a, await editForm(a, {}, undefined, [a]));
    expect((await self.json()).fieldErrors.prerequisiteIds).toBe("manage.errors.prerequisiteSelf");
    expect(await db.coursePrerequisite.count({ where: { courseId: a } })).toBe(0);
  });

  it("archives with a reason: hidden from the catalogue, classes untouched; unarchiving brings it back", async () => {
    const courseId = courseIdFrom(await createViaForm({ code: "CN-L1-60", titleEn: "Soon archived" }, { [comp.residents]: "100" }));
    const offering = await db.offering.create({
      data: {
        code: "O-CN-L1-60",
        courseId,
        hostUnitId: tree.streets[0].id,
        capacity: 10,
        enrolOpensAt: new Date(),
        enrolClosesAt: new Date(`${Y}-03-01T00:00:00Z`),
        withdrawDeadline: new Date(`${Y}-03-01T00:00:00Z`),
        startsAt: new Date(`${Y}-03-10T01:00:00Z`),
        endsAt: new Date(`${Y}-03-10T09:00:00Z`),
        creditYear: Y,
      },
    });
    expect((await searchCatalogue({ q: "Soon archived" })).total).toBe(1);
    const path = `/manage/courses/${courseId}`;
    const params = { courseId: String(courseId) };
    const noReason = await settle(() => courseAction(args(formRequest(path, { intent: "archive", reason: " " }, adminCookie), params)));
    expect(noReason.status).toBe(400);
    expect((await noReason.json()).fieldErrors.reason).toBe("errors.required");
    expect((await db.course.findUniqueOrThrow({ where: { id: courseId } })).archivedAt).toBeNull();

    const archived = await settle(() => courseAction(args(formRequest(path, { intent: "archive", reason: "课程调整" }, adminCookie), params)));
    expect(archived.status).toBe(200);
    expect((await searchCatalogue({ q: "Soon archived" })).total).toBe(0);
    expect(await loadCoursePage("CN-L1-60")).toBeNull();
    expect(await db.offering.findUniqueOrThrow({ where: { id: offering.id } })).toMatchObject({ status: "published", courseId });
    const events = await courseEvents(courseId);
    expect(events.at(-1)).toMatchObject({ action: "course.archived", reason: "课程调整" });
    expect(readCourseSnapshot(events.at(-1)!.before)).toMatchObject({ archived: false, version: 1 });
    expect(readCourseSnapshot(events.at(-1)!.after)).toMatchObject({ archived: true, version: 2 });

    // The management list still finds it under "archived".
    const list = await settle(() => coursesLoader(args(getRequest("/manage/courses?status=archived&q=CN-L1-60", adminCookie))));
    expect((await list.json()).courses.map((c: { code: string }) => c.code)).toEqual(["CN-L1-60"]);

    const restored = await settle(() => courseAction(args(formRequest(path, { intent: "unarchive" }, adminCookie), params)));
    expect(restored.status).toBe(200);
    expect((await searchCatalogue({ q: "Soon archived" })).total).toBe(1);
    expect((await db.course.findUniqueOrThrow({ where: { id: courseId } })).version).toBe(3);
  });
});

describe("the competency framework", () => {
  it("corrects a competency's wording in place, audited; its code only changes in a draft", async () => {
    const response = await settle(() =>
      competenciesAction(
        args(
          formRequest(
            "/manage/competencies",
            { intent: "edit-competency", competencyId: String(comp.residents), nameZh: "群众工作", nameEn: "Working with residents and families", descriptionZh: "", descriptionEn: "", reason: "wording" },
            adminCookie,
          ),
        ),
      ),
    );
    expect(response.status).toBe(200);
    const event = await db.auditEvent.findFirstOrThrow({ where: { entityType: "Competency", entityId: String(comp.residents) } });
    expect(event.action).toBe("competency.updated");
    expect(JSON.parse(event.before!)).toMatchObject({ nameEn: "Working with residents" });
    expect(JSON.parse(event.after!)).toMatchObject({ nameEn: "Working with residents and families" });
    const recode = await settle(() =>
      competenciesAction(
        args(
          formRequest(
            "/manage/competencies",
            { intent: "edit-competency", competencyId: String(comp.residents), code: "people", nameZh: "群众工作", nameEn: "x", descriptionZh: "", descriptionEn: "" },
            adminCookie,
          ),
        ),
      ),
    );
    expect(recode.status).toBe(400);
    expect((await db.competency.findUniqueOrThrow({ where: { id: comp.residents } })).code).toBe("residents");
  });

  it("drafts a new version, publishes it, and courses keep their weights by code", async () => {
    // Three courses: one keeps everything, one loses "law" (rescaled), one had only "law".
    const keeps = courseIdFrom(await createViaForm({ code: "CN-L1-70" }, { [comp.political]: "60", [comp.residents]: "40" }));
    const partly = courseIdFrom(await createViaForm({ code: "CN-L1-71" }, { [comp.political]: "30", [comp.law]: "40", [comp.mediation]: "30" }));
    const wholly = courseIdFrom(await createViaForm({ code: "CN-L1-72" }, { [comp.law]: "100" }));
    const act = async (fields: Record<string, string>) => settle(() => competenciesAction(args(formRequest("/manage/competencies", fields, adminCookie))));

    expect((await act({ intent: "create-draft" })).status).toBe(200);
    expect((await act({ intent: "create-draft" })).status).toBe(400); // one draft at a time
    const draft = await db.competencyFramework.findFirstOrThrow({ where: { status: "draft" }, include: { competencies: true } });
    expect(draft.version).toBe(2);
    expect(draft.competencies.map((c) => c.code).sort()).toEqual(["law", "mediation", "political", "residents"]);
    const draftLaw = draft.competencies.find((c) => c.code === "law")!;
    const draftMediation = draft.competencies.find((c) => c.code === "mediation")!;

    // Remove "law", recode "mediation" to "dispute", add "digital".
    expect((await act({ intent: "remove-competency", competencyId: String(draftLaw.id) })).status).toBe(200);
    const recode = await act({
      intent: "edit-competency",
      competencyId: String(draftMediation.id),
      code: "Dispute",
      nameZh: "矛盾调解",
      nameEn: "Mediating disputes",
      descriptionZh: "",
      descriptionEn: "",
    });
    expect(recode.status).toBe(200);
    const taken = await act({ intent: "add-competency", code: "political", nameZh: "重复", nameEn: "Duplicate", descriptionZh: "", descriptionEn: "" });
    expect((await taken.json()).fieldErrors.code).toBe("manage.errors.codeTaken");
    expect((await act({ intent: "add-competency", code: "digital", nameZh: "数字治理", nameEn: "Digital tools", descriptionZh: "", descriptionEn: "" })).status).toBe(200);

    // The page previews what publishing will do; learners still see version 1.
    const page = await (await settle(() => competenciesLoader(args(getRequest("/manage/competencies", hrCookie))))).json();
    expect(page.preview.added).toEqual(["digital", "dispute"]);
    expect(page.preview.removed).toEqual(["law", "mediation"]);
    const willLose = Object.fromEntries(page.preview.affected.map((a: { code: string; lostCodes: string[]; keptRetired: boolean }) => [a.code, a]));
    expect(willLose["CN-L1-71"]).toMatchObject({ lostCodes: ["law", "mediation"], keptRetired: false });
    expect(willLose["CN-L1-72"]).toMatchObject({ lostCodes: ["law"], keptRetired: true });
    expect(willLose["CN-L1-70"]).toBeUndefined();
    expect((await catalogueFilterChoices()).competencies.map((c) => c.code)).toEqual(["political", "residents", "law", "mediation"]);

    const noReason = await act({ intent: "publish", reason: "" });
    expect(noReason.status).toBe(400);
    const published = await act({ intent: "publish", reason: "2026 年框架修订" });
    expect(published.status).toBe(200);
    const { report } = await published.json();
    expect(report).toMatchObject({ version: 2, retiredVersion: 1 });
    expect(report.affected.map((a: { code: string }) => a.code)).toEqual(expect.arrayContaining(["CN-L1-71", "CN-L1-72"]));

    const frameworks = await db.competencyFramework.findMany({ orderBy: { version: "asc" }, select: { version: true, status: true } });
    expect(frameworks).toEqual([
      { version: 1, status: "retired" },
      { version: 2, status: "active" },
    ]);
    const v2 = new Map((await db.competency.findMany({ where: { frameworkId: draft.id } })).map((c) => [c.code, c.id]));
    const weightsOf = async (courseId: number) =>
      (await db.courseCompetency.findMany({ where: { courseId }, include: { competency: true }, orderBy: { competencyId: "asc" } })).map((r) => [
        r.competency.code,
        r.competencyId,
        r.weight,
      ]);
    expect(await weightsOf(keeps)).toEqual([
      ["political", v2.get("political"), 60],
      ["residents", v2.get("residents"), 40],
    ]);
    // political 30 of what was left (30): 100%.
    expect(await weightsOf(partly)).toEqual([["political", v2.get("political"), 100]]);
    // Nothing matched: still on version 1's "law", so its completions still award points.
    expect(await weightsOf(wholly)).toEqual([["law", comp.law, 100]]);

    // Each moved course has a version and a history entry; the untouched one does not.
    expect((await db.course.findUniqueOrThrow({ where: { id: keeps } })).version).toBe(2);
    expect((await db.course.findUniqueOrThrow({ where: { id: wholly } })).version).toBe(1);
    const remapped = (await courseEvents(partly)).at(-1)!;
    expect(remapped).toMatchObject({ action: "course.competencies_remapped", reason: "2026 年框架修订" });
    expect(readCourseSnapshot(remapped.before)!.weights.map((w) => w.code)).toEqual(["political", "law", "mediation"]);
    expect(readCourseSnapshot(remapped.after)!.weights).toEqual([{ competencyId: v2.get("political"), code: "political", weight: 100 }]);
    expect(await db.auditEvent.count({ where: { action: "framework.published", entityId: String(draft.id) } })).toBe(1);

    // The catalogue now filters by version 2 and finds the moved courses under it.
    expect((await catalogueFilterChoices()).competencies.map((c) => c.code)).toEqual(["political", "residents", "dispute", "digital"]);
    const byPolitical = await searchCatalogue({ competencyId: v2.get("political"), q: "CN-L1-7" });
    expect(byPolitical.courses.map((c) => c.code)).toEqual(["CN-L1-70", "CN-L1-71"]);
    // The course that lost everything tells its editors so.
    const needs = await (await settle(() => courseLoader(args(getRequest(`/manage/courses/${wholly}`, adminCookie), { courseId: String(wholly) })))).json();
    expect(needs.course.retiredWeights).toEqual([{ code: "law", nameZh: "依法治理", nameEn: "Governing by law", frameworkVersion: 1, weight: 100 }]);
    // Version 1 is history now: its wording can't change.
    const retired = await act({ intent: "edit-competency", competencyId: String(comp.political), nameZh: "x", nameEn: "x", descriptionZh: "", descriptionEn: "" });
    expect((await retired.json()).formError).toBe("manage.errors.frameworkRetired");
  });
});

describe("levels", () => {
  const act = (fields: Record<string, string>) => settle(() => levelsAction(args(formRequest("/manage/levels", fields, adminCookie))));

  it("edits names (audited), adds a fifth rank on top, deletes an unused level and refuses one in use", async () => {
    const renamed = await act({
      intent: "update",
      levelId: String(level[2]),
      nameZh: "骨干",
      nameEn: "Core staff",
      descriptionZh: "",
      descriptionEn: "For experienced staff.",
      reason: "clearer",
    });
    expect(renamed.status).toBe(200);
    const event = await db.auditEvent.findFirstOrThrow({ where: { entityType: "Level", entityId: String(level[2]) } });
    expect(JSON.parse(event.before!)).toMatchObject({ nameEn: "Core", code: "core" });
    expect(JSON.parse(event.after!)).toMatchObject({ nameEn: "Core staff", descriptionEn: "For experienced staff." });

    const added = await act({ intent: "add", code: "Expert", nameZh: "专家", nameEn: "Expert" });
    expect(added.status).toBe(200);
    const expert = await db.level.findUniqueOrThrow({ where: { code: "expert" } });
    expect(expert.rank).toBe(5);
    expect((await (await act({ intent: "add", code: "expert", nameZh: "专家", nameEn: "Expert" })).json()).fieldErrors.code).toBe("manage.errors.codeTaken");

    const used = await act({ intent: "delete", levelId: String(level[1]) });
    expect(used.status).toBe(400);
    const refusal = await used.json();
    expect(refusal.formError).toMatch(/^manage\.errors\.levelUsedByCourses\|/);
    expect(JSON.parse(refusal.formError.split("|")[1])).toMatchObject({ levelZh: "新任", levelEn: "Newly appointed" });
    expect(await db.level.count({ where: { id: level[1] } })).toBe(1);

    expect((await act({ intent: "delete", levelId: String(expert.id), reason: "trial" })).status).toBe(200);
    expect(await db.level.count({ where: { code: "expert" } })).toBe(0);
    expect(await db.auditEvent.count({ where: { entityType: "Level", action: "level.deleted" } })).toBe(1);
  });
});

describe("the management home", () => {
  it("counts and lists the latest catalogue changes", async () => {
    const response = await settle(() => homeLoader(args(getRequest("/manage", hrCookie))));
    const body = await response.json();
    expect(body.levels).toBe(4);
    expect(body.courses.active).toBeGreaterThan(5);
    expect(body.recent.length).toBe(10);
    expect(body.recent[0].action).toBeTypeOf("string");
  });
});
