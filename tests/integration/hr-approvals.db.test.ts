import { beforeAll, describe, expect, it } from "vitest";
import { action, loader } from "~/routes/hr.approvals";
import { db } from "~/utils/db.server";
import { makeUnitTree, makeUser } from "../support/factories";
import { makeCatalogue, makeCourse, makeLearner, makeOffering } from "../support/enrolment-fixtures";
import { formRequest, getRequest, sessionCookieFor, settle } from "../support/requests";

let tree: Awaited<ReturnType<typeof makeUnitTree>>;
let offeringId: number;
const args = (request: Request) => ({ request, params: {}, context: {} });

async function pendingFor(areaId: number) {
  const learner = await makeLearner(areaId);
  const enrolment = await db.enrolment.create({
    data: { offeringId, personId: learner.person.id, status: "pending_approval" },
  });
  return { learner, enrolment };
}

beforeAll(async () => {
  tree = await makeUnitTree();
  const catalogue = await makeCatalogue();
  const course = await makeCourse(catalogue, { rank: 1 });
  const now = Date.now();
  const offering = await makeOffering(course.id, tree.streets[0].id, {
    capacity: 1,
    needsApproval: true,
    opens: new Date(now - 86_400_000),
    closes: new Date(now + 86_400_000),
    withdrawDeadline: new Date(now + 86_400_000),
    starts: new Date(now + 2 * 86_400_000),
    ends: new Date(now + 3 * 86_400_000),
  });
  offeringId = offering.id;
});

describe("/hr/approvals", () => {
  it("shows a street's officer only their street's requests", async () => {
    const mine = await pendingFor(tree.streets[0].areaId);
    await pendingFor(tree.streets[1].areaId);
    const officer = await makeUser("hr", { scopeUnitId: tree.streets[0].id });
    const officerCookie = await sessionCookieFor(officer.id);
    const response = await settle(() => loader(args(getRequest("/hr/approvals", officerCookie))));
    const body = await response.json();
    expect(body.pending.map((p: { id: number }) => p.id)).toEqual([mine.enrolment.id]);
  });

  it("declining needs a reason; approving seats the learner; another street's officer is refused", async () => {
    const { enrolment } = await pendingFor(tree.streets[0].areaId);
    const officer = await makeUser("hr", { scopeUnitId: tree.streets[0].id });
    const cookie = await sessionCookieFor(officer.id);
    const noReason = await settle(() =>
      action(args(formRequest("/hr/approvals", { enrolmentId: String(enrolment.id), decision: "decline" }, cookie))),
    );
    expect(noReason.status).toBe(400);
    expect((await db.enrolment.findUniqueOrThrow({ where: { id: enrolment.id } })).status).toBe("pending_approval");

    const outsider = await makeUser("hr", { scopeUnitId: tree.streets[1].id });
    const outsiderCookie = await sessionCookieFor(outsider.id);
    const refused = await settle(() =>
      action(args(formRequest("/hr/approvals", { enrolmentId: String(enrolment.id), decision: "approve" }, outsiderCookie))),
    );
    expect(refused.status).toBe(403);
    expect((await db.enrolment.findUniqueOrThrow({ where: { id: enrolment.id } })).status).toBe("pending_approval");

    const approved = await settle(() =>
      action(args(formRequest("/hr/approvals", { enrolmentId: String(enrolment.id), decision: "approve" }, cookie))),
    );
    expect(approved.status).toBe(200);
    const after = await db.enrolment.findUniqueOrThrow({ where: { id: enrolment.id } });
    expect(["enrolled", "waitlisted"]).toContain(after.status);
  });

  it("is not for learners", async () => {
    const { learner } = await pendingFor(tree.streets[0].areaId);
    const learnerCookie = await sessionCookieFor(learner.user!.id);
    const response = await settle(() => loader(args(getRequest("/hr/approvals", learnerCookie))));
    expect(response.status).toBe(403);
  });
});
