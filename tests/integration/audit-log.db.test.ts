import { beforeAll, describe, expect, it } from "vitest";
import { changeRole, setAccountDisabled } from "~/auth/accounts.server";
import { loader } from "~/routes/hr.audit";
import { loader as csvLoader } from "~/routes/hr.audit[.csv]";
import { makePerson, makeUnitTree, makeUser } from "../support/factories";
import { getRequest, sessionCookieFor, settle } from "../support/requests";

let tree: Awaited<ReturnType<typeof makeUnitTree>>;
let adminId: number;
const args = (request: Request) => ({ request, params: {}, context: {} });

beforeAll(async () => {
  tree = await makeUnitTree();
  adminId = (await makeUser("admin", { username: "boss" })).id;
  const inFirst = await makePerson(tree.streets[0].areaId, { employeeNo: "CN9001", name: "甲街人员" });
  const inSecond = await makePerson(tree.streets[1].areaId, { employeeNo: "CN9002", name: "乙街人员" });
  const a = await makeUser("learner", { personId: inFirst.id });
  const b = await makeUser("learner", { personId: inSecond.id });
  await setAccountDisabled(adminId, a.id, true, "=HYPERLINK(\"http://evil\")");
  await changeRole(adminId, b.id, { role: "trainer" }, "new trainer");
});

async function page(username: string, query = "") {
  const { db } = await import("~/utils/db.server");
  const user = await db.user.findUniqueOrThrow({ where: { username } });
  const response = await settle(async () => loader(args(getRequest(`/hr/audit${query}`, await sessionCookieFor(user.id)))));
  return { status: response.status, body: response.status === 200 ? await response.json() : null };
}

describe("the audit log viewer", () => {
  it("shows a street's HR only events about its own people", async () => {
    await makeUser("hr", { username: "street-a", scopeUnitId: tree.streets[0].id });
    const { body } = await page("street-a");
    expect(body.events.map((e: { action: string }) => e.action)).toEqual(["user.disabled"]);
    expect(body.events[0].person).toEqual({ name: "甲街人员", employeeNo: "CN9001" });
    expect(body.events[0].changes).toEqual([{ field: "disabled", before: "false", after: "true" }]);
  });

  it("filters by person, actor and kind for district HR", async () => {
    await makeUser("hr", { username: "district", scopeUnitId: tree.district.id });
    expect((await page("district")).body.total).toBe(2);
    expect((await page("district", "?person=CN9002")).body.events.map((e: { action: string }) => e.action)).toEqual([
      "user.role_changed",
    ]);
    expect((await page("district", "?actor=boss&action=user.")).body.total).toBe(2);
    expect((await page("district", "?actor=nobody")).body.total).toBe(0);
  });

  it("is not for learners", async () => {
    const learner = await makeUser("learner", { username: "curious" });
    expect(learner.id).toBeGreaterThan(0);
    expect((await page("curious")).status).toBe(403);
  });

  it("exports CSV with a BOM and neutralised formulas", async () => {
    const response = await settle(async () => csvLoader(args(getRequest("/hr/audit.csv", await sessionCookieFor(adminId)))));
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    const bytes = new Uint8Array(await response.arrayBuffer());
    // Response.text() would drop the byte-order mark; Excel needs it, so look at the bytes.
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    expect(text).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(text.trim().split("\r\n")).toHaveLength(3);
  });
});
