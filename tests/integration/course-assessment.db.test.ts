// Course.hasAssessment ("含考核 / Assessed") reaches the people it concerns: learners in the
// catalogue list, on the course page and in the API's class list, the trainer on the class page.
// Completion stays attendance-only (no assessment result is stored: docs/data-model.md).
import { beforeAll, describe, expect, it } from "vitest";
import { completeOffering } from "~/enrolment/completion.server";
import { translator } from "~/i18n/i18n";
import { loader as offeringsLoader } from "~/routes/api.v1.offerings";
import { loader as courseLoader } from "~/routes/catalogue.$courseCode";
import { loader as catalogueLoader } from "~/routes/catalogue._index";
import { loader as classLoader } from "~/routes/trainer.classes.$offeringId";
import { db } from "~/utils/db.server";
import { AFTER_CLASS, makeCatalogue, makeCourse, makeLearner, makeOffering, makeSessions } from "../support/enrolment-fixtures";
import { makeUnitTree, makeUser } from "../support/factories";
import { BASE, getRequest, sessionCookieFor, settle } from "../support/requests";

const DAY = 24 * 3600_000;
const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context: {} });

let tree: Awaited<ReturnType<typeof makeUnitTree>>;
let catalogue: Awaited<ReturnType<typeof makeCatalogue>>;
let learnerCookie: string;

beforeAll(async () => {
  tree = await makeUnitTree();
  catalogue = await makeCatalogue();
  const learner = await makeLearner(tree.streets[0].areaId);
  learnerCookie = await sessionCookieFor(learner.user!.id);
});

async function upcomingClass(hasAssessment: boolean) {
  const course = await makeCourse(catalogue);
  await db.course.update({ where: { id: course.id }, data: { hasAssessment } });
  const now = Date.now();
  const offering = await makeOffering(course.id, tree.streets[0].id, {
    opens: new Date(now - DAY),
    closes: new Date(now + 5 * DAY),
    withdrawDeadline: new Date(now + 6 * DAY),
    starts: new Date(now + 10 * DAY),
    ends: new Date(now + 11 * DAY),
  });
  return { course, offering };
}

type CatalogueData = { courses: { code: string; hasAssessment: boolean }[] };

describe("Course.hasAssessment shown to learners", () => {
  it("in the catalogue list, on the course page and in GET /api/v1/offerings", async () => {
    const assessed = await upcomingClass(true);
    const plain = await upcomingClass(false);
    for (const { course } of [assessed, plain]) {
      const list = await settle(() => catalogueLoader(args(getRequest(`/catalogue?q=${course.code}`, learnerCookie))));
      const { courses } = (await list.json()) as CatalogueData;
      expect(courses.find((c) => c.code === course.code)?.hasAssessment).toBe(course.id === assessed.course.id);
    }
    const page = await settle(() => courseLoader(args(getRequest(`/catalogue/${assessed.course.code}`, learnerCookie), { courseCode: assessed.course.code })));
    expect(((await page.json()) as { course: { hasAssessment: boolean } }).course.hasAssessment).toBe(true);

    const api = await settle(() =>
      offeringsLoader(args(new Request(`${BASE}/api/v1/offerings?q=${assessed.course.code}`, { headers: { Cookie: learnerCookie } }))),
    );
    const { data } = (await api.json()) as { data: { id: number; course: { hasAssessment: boolean } }[] };
    expect(data.find((o) => o.id === assessed.offering.id)?.course.hasAssessment).toBe(true);
  });

  it("with a hint in both languages that says what it means for a class and for a camp", () => {
    for (const locale of ["zh-CN", "en"] as const) {
      const t = translator(locale);
      expect(t("course.assessment")).toBe(locale === "en" ? "Assessed" : "含考核");
      expect(t("course.assessmentHint.class")).toMatch(locale === "en" ? /attendance/ : /出勤/);
      expect(t("course.assessmentHint.camp")).toMatch(locale === "en" ? /pass mark/ : /合格分/);
    }
  });
});

describe("Course.hasAssessment shown to the trainer", () => {
  it("the class page carries it, and completing the class still follows attendance only", async () => {
    const course = await makeCourse(catalogue);
    await db.course.update({ where: { id: course.id }, data: { hasAssessment: true } });
    const trainer = await makeUser("trainer");
    const offering = await makeOffering(course.id, tree.streets[0].id);
    await db.offering.update({ where: { id: offering.id }, data: { trainerId: trainer.id } });
    const [session] = await makeSessions(offering.id, [120]);
    const attender = await makeLearner(tree.streets[0].areaId);
    await db.enrolment.create({ data: { offeringId: offering.id, personId: attender.person.id, status: "enrolled" } });
    await db.attendance.create({ data: { sessionId: session.id, personId: attender.person.id, status: "present" } });

    const trainerCookie = await sessionCookieFor(trainer.id);
    const response = await settle(() => classLoader(args(getRequest(`/trainer/classes/${offering.id}`, trainerCookie), { offeringId: String(offering.id) })));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { offering: { course: { hasAssessment: boolean; mode: string } } };
    expect(body.offering.course).toMatchObject({ hasAssessment: true, mode: course.mode });

    // No assessment result exists to require: attendance alone completes the class.
    const result = await completeOffering({ offeringId: offering.id, actorId: trainer.id, now: AFTER_CLASS });
    expect(result.completed).toBe(1);
  });
});
