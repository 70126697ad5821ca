// The attendance pages called as Remix calls them (real Requests, real session cookies, the
// real database): who may see a roster and take attendance, the bulk form, the check-in code
// and QR, and a learner's check-in form. These routes read the clock, so the open session
// here is placed around the present moment; the assertions never depend on which minute it is.
import { beforeAll, describe, expect, it } from "vitest";
import { matchCheckinCode } from "~/attendance/checkin-code.server";
import { loader as classLoader } from "~/routes/trainer.classes.$offeringId";
import { action as sessionAction, loader as sessionLoader } from "~/routes/trainer.sessions.$sessionId";
import { loader as sheetLoader } from "~/routes/trainer.sessions.$sessionId_.sheet";
import { action as checkinAction, loader as checkinLoader } from "~/routes/my.check-in";
import { db } from "~/utils/db.server";
import { makeUnitTree, makeUser } from "../support/factories";
import { makeCatalogue, makeCourse, makeLearner, makeOffering } from "../support/enrolment-fixtures";
import { formRequest, getRequest, sessionCookieFor, settle } from "../support/requests";

const MINUTE = 60_000;
type Params = Record<string, string>;
const args = (request: Request, params: Params = {}) => ({ request, params, context: {} });

let fx: {
  offeringId: number;
  sessionId: number;
  upcomingSessionId: number;
  trainer: string;
  otherTrainer: string;
  hr: string;
  admin: string;
  learners: { personId: number; userId: number; cookie: string; name: string }[];
  stranger: string;
  campOfferingId: number;
  campSessionId: number;
  mentor: string;
};

beforeAll(async () => {
  const tree = await makeUnitTree();
  const catalogue = await makeCatalogue();
  const course = await makeCourse(catalogue);
  const now = Date.now();
  const trainer = await makeUser("trainer");
  const offering = await makeOffering(course.id, tree.district.id, {
    starts: new Date(now - 60 * MINUTE),
    ends: new Date(now + 2 * 24 * 60 * MINUTE),
  });
  await db.offering.update({ where: { id: offering.id }, data: { trainerId: trainer.id, venue: "长宁区党群服务中心 3 楼" } });
  const open = await db.classSession.create({
    data: { offeringId: offering.id, startsAt: new Date(now - 10 * MINUTE), endsAt: new Date(now + 80 * MINUTE), checkinSecret: "route-open" },
  });
  const upcoming = await db.classSession.create({
    data: { offeringId: offering.id, startsAt: new Date(now + 24 * 60 * MINUTE), endsAt: new Date(now + 25 * 60 * MINUTE), checkinSecret: "route-later" },
  });
  const learners = [];
  for (const name of ["王芳", "李强", "张伟"]) {
    const { person, user } = await makeLearner(tree.streets[0].areaId);
    await db.person.update({ where: { id: person.id }, data: { name } });
    await db.enrolment.create({ data: { offeringId: offering.id, personId: person.id, status: "enrolled" } });
    learners.push({ personId: person.id, userId: user!.id, cookie: await sessionCookieFor(user!.id), name });
  }
  const stranger = await makeLearner(tree.streets[1].areaId);

  // A camp's offering, run by a lead trainer, with a mentor on its staff.
  const campCourse = await makeCourse(catalogue, { mode: "camp" });
  const campOffering = await makeOffering(campCourse.id, tree.district.id);
  const lead = await makeUser("trainer");
  await db.offering.update({ where: { id: campOffering.id }, data: { trainerId: lead.id } });
  const camp = await db.camp.create({ data: { offeringId: campOffering.id, passMark: 6000 } });
  const mentor = await makeUser("trainer");
  await db.campStaff.create({ data: { campId: camp.id, userId: mentor.id, role: "mentor" } });
  const campSession = await db.classSession.create({
    data: { offeringId: campOffering.id, startsAt: new Date(now - 5 * MINUTE), endsAt: new Date(now + 60 * MINUTE), checkinSecret: "route-camp" },
  });

  fx = {
    offeringId: offering.id,
    sessionId: open.id,
    upcomingSessionId: upcoming.id,
    trainer: await sessionCookieFor(trainer.id),
    otherTrainer: await sessionCookieFor((await makeUser("trainer")).id),
    hr: await sessionCookieFor((await makeUser("hr", { scopeUnitId: tree.district.id })).id),
    admin: await sessionCookieFor((await makeUser("admin")).id),
    learners,
    stranger: await sessionCookieFor(stranger.user!.id),
    campOfferingId: campOffering.id,
    campSessionId: campSession.id,
    mentor: await sessionCookieFor(mentor.id),
  };
});

const classPage = (cookie: string | undefined, id = fx.offeringId) =>
  settle(() => classLoader(args(getRequest(`/trainer/classes/${id}`, cookie), { offeringId: String(id) })));
const sessionPage = (cookie: string | undefined, id = fx.sessionId) =>
  settle(() => sessionLoader(args(getRequest(`/trainer/sessions/${id}`, cookie), { sessionId: String(id) })));
const sheetPage = (cookie: string | undefined, id = fx.sessionId) =>
  settle(() => sheetLoader(args(getRequest(`/trainer/sessions/${id}/sheet`, cookie), { sessionId: String(id) })));
const postMarks = (cookie: string | undefined, fields: Params, id = fx.sessionId) =>
  settle(() => sessionAction(args(formRequest(`/trainer/sessions/${id}`, fields, cookie), { sessionId: String(id) })));
const checkIn = (cookie: string, code: string) => settle(() => checkinAction(args(formRequest("/my/check-in", { code }, cookie))));

async function currentCode(cookie = fx.trainer) {
  const body = await (await sessionPage(cookie)).json();
  return body.checkin.code.code as string;
}

describe("who may see a class and take its attendance", () => {
  it("shows the class's trainer the roster across sessions", async () => {
    const response = await classPage(fx.trainer);
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const body = await response.json();
    expect(body.learners.map((l: { person: { name: string } }) => l.person.name).sort()).toEqual(["张伟", "李强", "王芳"].sort());
    expect(body.sessions.map((s: { id: number; checkin: string }) => [s.id, s.checkin])).toEqual([
      [fx.sessionId, "open"],
      [fx.upcomingSessionId, "upcoming"],
    ]);
    expect(body.learners[0].cells).toHaveLength(2);
  });

  it("answers 403 to another trainer, HR, an administrator and a learner, with no data", async () => {
    for (const cookie of [fx.otherTrainer, fx.hr, fx.admin, fx.learners[0].cookie]) {
      for (const response of [await classPage(cookie), await sessionPage(cookie), await sheetPage(cookie)]) {
        expect(response.status).toBe(403);
        expect(await response.text()).not.toContain("王芳");
      }
    }
  });

  it("answers 404 for a class or session that doesn't exist, and sends strangers to sign in", async () => {
    expect((await classPage(fx.trainer, 999_999)).status).toBe(404);
    expect((await sessionPage(fx.trainer, 999_999)).status).toBe(404);
    const anonymous = await classPage(undefined);
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("Location")).toMatch(/^\/login\?redirectTo=/);
  });

  it("lets camp staff see a camp's class, and only that one", async () => {
    expect((await classPage(fx.mentor, fx.campOfferingId)).status).toBe(200);
    expect((await sessionPage(fx.mentor, fx.campSessionId)).status).toBe(200);
    expect((await classPage(fx.mentor)).status).toBe(403);
  });

  it("refuses another trainer's marks with 403 and writes nothing", async () => {
    const response = await postMarks(fx.otherTrainer, { intent: "all-present" });
    expect(response.status).toBe(403);
    expect(await db.attendance.count({ where: { sessionId: fx.sessionId } })).toBe(0);
  });
});

describe("the session page", () => {
  it("shows the current code and a QR code pointing at /my/check-in on this site", async () => {
    const body = await (await sessionPage(fx.trainer)).json();
    expect(body.checkin.state).toBe("open");
    const code = body.checkin.code.code as string;
    expect(code).toMatch(/^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{6}$/);
    expect(matchCheckinCode({ checkinSecret: "route-open" }, code, new Date())).toBe("current");
    expect(body.qr.url).toBe(`http://localhost:3000/my/check-in?code=${code}`);
    expect(body.qr.svg).toMatch(/^<svg[^>]*viewBox/);
    expect(body.qr.svg).not.toMatch(/style=/);
    expect(JSON.stringify(body)).not.toContain("route-open");
  });

  it("shows no code before check-in opens", async () => {
    const body = await (await sessionPage(fx.trainer, fx.upcomingSessionId)).json();
    expect(body.checkin).toMatchObject({ state: "upcoming", code: null });
    expect(body.qr).toBeNull();
  });

  it("prints a sign-in sheet with every enrolled learner and no code", async () => {
    const response = await sheetPage(fx.trainer);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.learners.map((l: { name: string }) => l.name).sort()).toEqual(["张伟", "李强", "王芳"].sort());
    expect(body.learners[0]).toHaveProperty("employeeNo");
    expect(body.learners[0]).toHaveProperty("unit");
    expect(body.session.venue).toBe("长宁区党群服务中心 3 楼");
    expect(body).not.toHaveProperty("checkin");
  });
});

describe("marking and checking in", () => {
  it("checks a learner in with the code on the trainer's screen", async () => {
    const [a] = fx.learners;
    const response = await checkIn(a.cookie, (await currentCode()).toLowerCase().replace(/^(...)/, "$1 "));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, outcome: "checkedIn", status: "present", session: { id: fx.sessionId } });
    expect(await db.attendance.findUniqueOrThrow({ where: { sessionId_personId: { sessionId: fx.sessionId, personId: a.personId } } })).toMatchObject({
      status: "present",
      method: "self_checkin",
      recordedById: a.userId,
    });
  });

  it("refuses a wrong code, a malformed one, and a learner not enrolled, writing nothing", async () => {
    const [, b] = fx.learners;
    const code = await currentCode();
    const wrong = code === "222222" ? "333333" : "222222";
    const refused = await checkIn(b.cookie, wrong);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ ok: false, error: { key: "attendance.errors.wrongCode" } });
    const malformed = await checkIn(b.cookie, "12345O");
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ fieldErrors: { code: "attendance.errors.codeFormat" } });
    const stranger = await checkIn(fx.stranger, code);
    expect(await stranger.json()).toMatchObject({ ok: false, error: { key: "attendance.errors.notEnrolled" } });
    expect(await db.attendance.count({ where: { sessionId: fx.sessionId, personId: b.personId } })).toBe(0);
  });

  it("fills in the code from the QR link without writing anything, and is for learners only", async () => {
    const [, b] = fx.learners;
    const response = await settle(() => checkinLoader(args(getRequest("/my/check-in?code=abc-def", b.cookie))));
    const body = await response.json();
    expect(body.code).toBe("ABCDEF");
    expect(body.sessions.map((s: { id: number }) => s.id)).toEqual([fx.sessionId]);
    expect(await db.attendance.count({ where: { sessionId: fx.sessionId, personId: b.personId } })).toBe(0);
    expect((await settle(() => checkinLoader(args(getRequest("/my/check-in", fx.trainer))))).status).toBe(403);
  });

  it("takes the trainer's whole form in one submit, overriding a self check-in", async () => {
    const [a, b, c] = fx.learners;
    const response = await postMarks(fx.trainer, {
      intent: "all-present",
      [`mark.${a.personId}`]: "late",
      [`mark.${b.personId}`]: "absent",
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ notice: { key: "attendance.session.saved", params: { count: 3 } } });
    const rows = await db.attendance.findMany({ where: { sessionId: fx.sessionId }, select: { personId: true, status: true, method: true } });
    const byPerson = Object.fromEntries(rows.map((r) => [r.personId, [r.status, r.method]]));
    expect(byPerson).toEqual({
      [a.personId]: ["late", "trainer"],
      [b.personId]: ["absent", "trainer"],
      [c.personId]: ["present", "trainer"],
    });
    // The learner marked absent who now checks in: the trainer's mark stands.
    expect(await (await checkIn(b.cookie, await currentCode())).json()).toMatchObject({ ok: true, outcome: "alreadyMarked", status: "absent" });
  });

  it("answers a bad mark with 400 and the form as it was submitted", async () => {
    const [a, b] = fx.learners;
    const response = await postMarks(fx.trainer, { intent: "mark", [`mark.${a.personId}`]: "asleep", [`mark.${b.personId}`]: "present" });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      fieldErrors: { [`mark.${a.personId}`]: "errors.invalidChoice" },
      submitted: { [b.personId]: "present" },
    });
    expect((await db.attendance.findUniqueOrThrow({ where: { sessionId_personId: { sessionId: fx.sessionId, personId: b.personId } } })).status).toBe("absent");
  });

  it("refuses marks before check-in opens, except excused absences", async () => {
    const [a] = fx.learners;
    const early = await postMarks(fx.trainer, { intent: "mark", [`mark.${a.personId}`]: "present" }, fx.upcomingSessionId);
    expect(early.status).toBe(400);
    expect(await early.json()).toMatchObject({ error: { key: "attendance.errors.notOpenYet" } });
    const excused = await postMarks(fx.trainer, { intent: "mark", [`mark.${a.personId}`]: "excused" }, fx.upcomingSessionId);
    expect(excused.status).toBe(200);
  });
});
