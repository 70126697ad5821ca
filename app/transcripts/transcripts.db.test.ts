import { beforeAll, describe, expect, it } from "vitest";
import { awardCredits, creditStatusForYear } from "~/credits/ledger.server";
import { action as hrIssue, loader as hrIssueGet } from "~/routes/hr.people_.$employeeNo_.transcript[.pdf]";
import { loader as exportPage } from "~/routes/hr.transcripts";
import { action as exportZip } from "~/routes/hr.transcripts[.zip]";
import { action as learnerIssue } from "~/routes/my.transcript[.pdf]";
import { loader as verify } from "~/routes/verify.$code";
import { loader as verifyIndex } from "~/routes/verify._index";
import { db } from "~/utils/db.server";
import { makeCatalogue } from "../../tests/support/enrolment-fixtures";
import { makePerson, makeUnitTree, makeUser } from "../../tests/support/factories";
import { pdfText, readAll, zipEntries } from "../../tests/support/pdf";
import { BASE, formRequest, getRequest, sessionCookieFor, settle } from "../../tests/support/requests";
import { formatCode } from "./code";
import { contentHash, revokeIssue } from "./issue.server";
import { snapshotJson } from "./snapshot";

type Fx = {
  streetA: { id: number; areaId: number };
  streetB: { id: number; areaId: number };
  personA: { id: number; employeeNo: string; name: string };
  personB: { id: number; employeeNo: string; name: string };
  learnerA: { id: number; cookie: string };
  hrStreetA: { id: number; cookie: string };
  hrDistrict: { id: number; cookie: string };
};
let fx: Fx;

async function award(personId: number, creditYear: number, amount: number, competencyId: number, key: string) {
  await awardCredits(db, { personId, creditYear, amount, category: "in_person", sourceType: "import", sourceKey: key, competencies: [{ competencyId, amount }] });
}

beforeAll(async () => {
  const tree = await makeUnitTree();
  const [streetA, streetB] = tree.streets;
  const { competencyIds } = await makeCatalogue();
  const personA = await makePerson(streetA.areaId, { name: "王海燕" });
  const personB = await makePerson(streetB.areaId, { name: "赵志刚" });
  await award(personA.id, 2025, 6050, competencyIds[0], `t:${personA.id}:2025`);
  await award(personA.id, 2026, 1200, competencyIds[1], `t:${personA.id}:2026`);
  await award(personB.id, 2026, 3000, competencyIds[0], `t:${personB.id}:2026`);
  const learner = await makeUser("learner", { personId: personA.id });
  const hrStreetA = await makeUser("hr", { scopeUnitId: streetA.id });
  const hrDistrict = await makeUser("hr", { scopeUnitId: tree.district.id });
  fx = {
    streetA,
    streetB,
    personA,
    personB,
    learnerA: { id: learner.id, cookie: await sessionCookieFor(learner.id) },
    hrStreetA: { id: hrStreetA.id, cookie: await sessionCookieFor(hrStreetA.id) },
    hrDistrict: { id: hrDistrict.id, cookie: await sessionCookieFor(hrDistrict.id) },
  };
});

const post = (path: string, cookie?: string, fields: Record<string, string> = {}) => formRequest(path, fields, cookie);

async function latestIssue(personId: number) {
  return db.transcriptIssue.findFirstOrThrow({ where: { personId }, orderBy: { id: "desc" } });
}

describe("issuing a transcript", () => {
  it("the learner gets a PDF of their own years whose figures are creditStatusForYear's, recorded and audited", async () => {
    const response = await settle(() => learnerIssue({ request: post("/my/transcript.pdf", fx.learnerA.cookie), params: {}, context: {} }));
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("application/pdf");
    expect(response.headers.get("Content-Disposition")).toContain("filename*=UTF-8''transcript-");
    const bytes = await readAll(response.body!);
    const { text } = await pdfText(bytes);

    const issue = await latestIssue(fx.personA.id);
    expect(issue.issuedById).toBe(fx.learnerA.id);
    expect([issue.fromYear, issue.toYear]).toEqual([2025, 2026]);
    expect(contentHash(issue.contents)).toBe(issue.contentHash);
    const snapshot = JSON.parse(issue.contents) as { years: { year: number; earned: number; counted: number; required: number; met: boolean }[] };
    for (const year of [2025, 2026]) {
      const status = await creditStatusForYear(db, fx.personA.id, year);
      expect(snapshot.years.find((y) => y.year === year)).toEqual({ year, earned: status.earned, counted: status.counted, required: status.required, met: status.met });
    }
    for (const fact of [fx.personA.name, fx.personA.employeeNo, "60.5", "12", formatCode(issue.code), issue.contentHash, `${BASE}/verify/${issue.code}`]) {
      expect(text).toContain(fact);
    }
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "transcript.issued", entityId: String(issue.id) } });
    expect(audit.actorId).toBe(fx.learnerA.id);
    expect(audit.personId).toBe(fx.personA.id);
  });

  it("HR issues for people in their subtree only; another street's person is 404 and nothing is written", async () => {
    const ok = await settle(() => hrIssue({ request: post(`/hr/people/${fx.personA.employeeNo}/transcript.pdf`, fx.hrStreetA.cookie), params: { employeeNo: fx.personA.employeeNo }, context: {} }));
    expect(ok.status).toBe(200);
    await readAll(ok.body!);
    expect((await latestIssue(fx.personA.id)).issuedById).toBe(fx.hrStreetA.id);

    const before = await db.transcriptIssue.count({ where: { personId: fx.personB.id } });
    const denied = await settle(() => hrIssue({ request: post(`/hr/people/${fx.personB.employeeNo}/transcript.pdf`, fx.hrStreetA.cookie), params: { employeeNo: fx.personB.employeeNo }, context: {} }));
    expect(denied.status).toBe(404);
    const learner = await settle(() => hrIssue({ request: post(`/hr/people/${fx.personA.employeeNo}/transcript.pdf`, fx.learnerA.cookie), params: { employeeNo: fx.personA.employeeNo }, context: {} }));
    expect(learner.status).toBe(403);
    const anonymous = await settle(() => hrIssueGet({ request: getRequest(`/hr/people/${fx.personA.employeeNo}/transcript.pdf`), params: { employeeNo: fx.personA.employeeNo }, context: {} }));
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("Location")).toMatch(/^\/login/);
    expect(await db.transcriptIssue.count({ where: { personId: fx.personB.id } })).toBe(before);
  });
});

describe("the public verification page", () => {
  const verifyCode = (code: string) => settle(() => verify({ request: getRequest(`/verify/${code}`), params: { code }, context: {} }));

  it("shows exactly the snapshot, for the code typed in any case and with hyphens, and nothing else", async () => {
    const issue = await latestIssue(fx.personA.id);
    const response = await verifyCode(formatCode(issue.code).toLowerCase());
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(["code", "found", "revokedAt", "snapshot"]);
    expect(body.revokedAt).toBeNull();
    expect(body.snapshot).toEqual(JSON.parse(issue.contents));
    expect(Object.keys(body.snapshot as object).sort()).toEqual(["employeeNo", "fromYear", "issuedAt", "name", "toYear", "v", "years"]);
    const unit = await db.unit.findUniqueOrThrow({ where: { id: fx.streetA.areaId }, select: { nameZh: true } });
    expect(JSON.stringify(body)).not.toContain(unit.nameZh);
  });

  it("says revoked once revoked (audited), and an unknown or malformed code is a 404", async () => {
    const issue = await latestIssue(fx.personA.id);
    expect(await revokeIssue({ issueId: issue.id, personId: fx.personA.id, actorId: fx.hrDistrict.id, reason: "重新出具" })).toBe(true);
    expect(await revokeIssue({ issueId: issue.id, personId: fx.personA.id, actorId: fx.hrDistrict.id, reason: "again" })).toBe(false);
    const revoked = (await (await verifyCode(issue.code)).json()) as { found: boolean; revokedAt: string | null; snapshot: unknown };
    expect(revoked.found).toBe(true);
    expect(revoked.revokedAt).not.toBeNull();
    expect(revoked.snapshot).toEqual(JSON.parse(issue.contents));
    expect(await db.auditEvent.count({ where: { action: "transcript.revoked", entityId: String(issue.id) } })).toBe(1);

    const unknown = await verifyCode("ABCDEFGHJKMNPQRSTVWXYZ01");
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ found: false });
    expect((await verifyCode("short")).status).toBe(404);
  });

  it("shows nothing when the stored snapshot no longer matches its hash", async () => {
    const issue = await latestIssue(fx.personA.id);
    const forged = snapshotJson({ ...JSON.parse(issue.contents), name: "冒名" });
    await db.transcriptIssue.update({ where: { id: issue.id }, data: { contents: forged } });
    expect((await verifyCode(issue.code)).status).toBe(404);
  });

  it("/verify?code= sends a well-formed code to its page and refuses a malformed one", async () => {
    const code = "abcd-efgh-jkmn-pqrs-tvwx-yz01";
    const sent = await settle(() => verifyIndex({ request: getRequest(`/verify?code=${code}`), params: {}, context: {} }));
    expect(sent.status).toBe(302);
    expect(sent.headers.get("Location")).toBe("/verify/ABCDEFGHJKMNPQRSTVWXYZ01");
    const bad = await settle(() => verifyIndex({ request: getRequest("/verify?code=nope"), params: {}, context: {} }));
    expect(bad.status).toBe(400);
  });
});

describe("a unit's transcripts as one ZIP", () => {
  it("holds one verifiable PDF per active person of the unit's subtree, each issued and audited", async () => {
    const extra = await makePerson(fx.streetA.id, { name: "陈晓" });
    const gone = await makePerson(fx.streetA.areaId, { name: "离职者" });
    await db.person.update({ where: { id: gone.id }, data: { active: false } });
    const inScope = await db.person.findMany({ where: { active: true, unit: { path: { startsWith: (await db.unit.findUniqueOrThrow({ where: { id: fx.streetA.id } })).path } } }, select: { id: true, employeeNo: true } });
    expect(inScope.map((p) => p.id)).toEqual(expect.arrayContaining([fx.personA.id, extra.id]));
    const issuedBefore = await db.transcriptIssue.count();

    const response = await settle(() =>
      exportZip({ request: post("/hr/transcripts.zip", fx.hrDistrict.cookie, { unitId: String(fx.streetA.id), fromYear: "2025", toYear: "2026" }), params: {}, context: {} }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("application/zip");
    expect(response.headers.get("X-Transcript-Count")).toBe(String(inScope.length));
    const entries = await zipEntries(await readAll(response.body!));
    expect(entries).toHaveLength(inScope.length);
    expect(entries.map((e) => e.name.split("-")[0]).sort()).toEqual(inScope.map((p) => p.employeeNo).sort());
    for (const entry of entries) {
      const { text } = await pdfText(entry.data);
      expect(text).toContain(entry.name.split("-")[0]);
      expect(text).toContain("2025");
    }
    expect(entries.some((e) => e.name.includes(gone.employeeNo))).toBe(false);
    expect(entries.some((e) => e.name.includes(fx.personB.employeeNo))).toBe(false);
    expect(await db.transcriptIssue.count()).toBe(issuedBefore + inScope.length);
    const exported = await db.auditEvent.findFirstOrThrow({ where: { action: "transcript.unit_exported", entityId: String(fx.streetA.id) } });
    expect(JSON.parse(exported.after!)).toMatchObject({ transcripts: inScope.length, fromYear: 2025, toYear: 2026 });
  });

  it("refuses another street's unit and bad years by going back to the form, writing nothing", async () => {
    const before = await db.transcriptIssue.count();
    const other = await settle(() =>
      exportZip({ request: post("/hr/transcripts.zip", fx.hrStreetA.cookie, { unitId: String(fx.streetB.id), fromYear: "2026", toYear: "2026" }), params: {}, context: {} }),
    );
    expect(other.status).toBe(302);
    expect(other.headers.get("Location")).toContain("/hr/transcripts?");
    const page = await settle(() => exportPage({ request: getRequest(other.headers.get("Location")!, fx.hrStreetA.cookie), params: {}, context: {} }));
    expect(((await page.json()) as { errors: Record<string, string> }).errors.unitId).toBe("documents.zip.noUnit");

    const years = await settle(() =>
      exportZip({ request: post("/hr/transcripts.zip", fx.hrStreetA.cookie, { unitId: String(fx.streetA.id), fromYear: "2027", toYear: "2026" }), params: {}, context: {} }),
    );
    expect(years.status).toBe(302);
    const yearsPage = await settle(() => exportPage({ request: getRequest(years.headers.get("Location")!, fx.hrStreetA.cookie), params: {}, context: {} }));
    expect(((await yearsPage.json()) as { errors: Record<string, string> }).errors.toYear).toBe("documents.zip.yearOrder");
    expect(await db.transcriptIssue.count()).toBe(before);
  });
});

describe("the issued-transcripts page", () => {
  it("lets HR in scope revoke with a reason (then the public page says so); other streets get 404", async () => {
    const { loader: listPage, action: revokePage } = await import("~/routes/hr.people_.$employeeNo_.transcripts");
    await settle(() => hrIssue({ request: post(`/hr/people/${fx.personA.employeeNo}/transcript.pdf`, fx.hrStreetA.cookie), params: { employeeNo: fx.personA.employeeNo }, context: {} })).then((r) => readAll(r.body!));
    const issue = await latestIssue(fx.personA.id);
    const params = { employeeNo: fx.personA.employeeNo };
    const listed = (await (await settle(() => listPage({ request: getRequest(`/hr/people/${fx.personA.employeeNo}/transcripts`, fx.hrStreetA.cookie), params, context: {} }))).json()) as { issues: { id: number }[] };
    expect(listed.issues.map((i) => i.id)).toContain(issue.id);

    const noReason = await settle(() => revokePage({ request: post(`/hr/people/${fx.personA.employeeNo}/transcripts`, fx.hrStreetA.cookie, { issueId: String(issue.id), reason: " " }), params, context: {} }));
    expect(noReason.status).toBe(400);
    const otherStreet = await settle(() =>
      revokePage({ request: post(`/hr/people/${fx.personB.employeeNo}/transcripts`, fx.hrStreetA.cookie, { issueId: String(issue.id), reason: "x" }), params: { employeeNo: fx.personB.employeeNo }, context: {} }),
    );
    expect(otherStreet.status).toBe(404);
    expect((await db.transcriptIssue.findUniqueOrThrow({ where: { id: issue.id } })).revokedAt).toBeNull();

    const done = await settle(() => revokePage({ request: post(`/hr/people/${fx.personA.employeeNo}/transcripts`, fx.hrStreetA.cookie, { issueId: String(issue.id), reason: "信息有误" }), params, context: {} }));
    expect(done.status).toBe(200);
    const shown = (await (await settle(() => verify({ request: getRequest(`/verify/${issue.code}`), params: { code: issue.code }, context: {} }))).json()) as { revokedAt: string | null };
    expect(shown.revokedAt).not.toBeNull();
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "transcript.revoked", entityId: String(issue.id) } });
    expect(audit.reason).toBe("信息有误");
    expect(audit.actorId).toBe(fx.hrStreetA.id);
  });
});
