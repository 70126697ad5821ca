// Closing and reopening a credit year when two district officers press the button at once:
// exactly one of them changes the year and is audited; the other is told what happened.
import { describe, expect, it } from "vitest";
import type { SessionUser } from "~/auth/session.server";
import { db } from "~/utils/db.server";
import { makeUnitTree, makeUser } from "../../tests/support/factories";
import { closeYear, reopenYear } from "./years.server";

async function districtOfficer(): Promise<SessionUser> {
  const tree = await makeUnitTree();
  const user = await makeUser("hr", { scopeUnitId: tree.district.id });
  return {
    id: user.id,
    sessionId: "test",
    username: user.username,
    displayName: user.displayName,
    role: "hr",
    scopeUnitId: tree.district.id,
    scopeUnitPath: tree.district.path,
    personId: null,
    mustChangePassword: false,
    locale: null,
  };
}

describe("closing and reopening a year at the same moment", () => {
  it("closes once (a year with no row yet), reopens once, one audit event each", async () => {
    const [first, second] = [await districtOfficer(), await districtOfficer()];
    const year = 2019;
    const closing = await Promise.allSettled([
      closeYear(first, { year, reason: "年终结账 A" }),
      closeYear(second, { year, reason: "年终结账 B" }),
    ]);
    expect(closing.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = closing.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ messageKey: "creditsAdmin.errors.yearAlreadyClosed" });
    expect(await db.creditYear.findUniqueOrThrow({ where: { year } })).toMatchObject({ status: "closed" });
    expect(await db.auditEvent.count({ where: { action: "credit_year.closed", entityId: String(year) } })).toBe(1);

    const reopening = await Promise.allSettled([
      reopenYear(first, { year, reason: "补录 A" }),
      reopenYear(second, { year, reason: "补录 B" }),
    ]);
    expect(reopening.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect((reopening.find((r) => r.status === "rejected") as PromiseRejectedResult).reason).toMatchObject({
      messageKey: "creditsAdmin.errors.yearNotClosed",
    });
    expect(await db.creditYear.findUniqueOrThrow({ where: { year } })).toMatchObject({ status: "open", closedAt: null });
    expect(await db.auditEvent.count({ where: { action: "credit_year.reopened", entityId: String(year) } })).toBe(1);
  });
});
