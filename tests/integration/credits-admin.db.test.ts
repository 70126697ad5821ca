// Yearly credit policy (/hr/policy), adjustments with four eyes (/hr/adjustments) and year
// close (/hr/years), through the routes' loaders and actions with real session cookies.
import { mkdtempSync, readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { awardCredits, reverseEntry, splitByWeights } from "~/credits/ledger.server";
import { action as adjustmentsAction, loader as adjustmentsLoader } from "~/routes/hr.adjustments._index";
import { loader as evidenceLoader } from "~/routes/hr.adjustments.$adjustmentId.evidence";
import { action as newAdjustmentAction } from "~/routes/hr.adjustments.new";
import { action as policyAction, loader as policyLoader } from "~/routes/hr.policy";
import { action as yearsAction, loader as yearsLoader } from "~/routes/hr.years";
import { db } from "~/utils/db.server";
import { shanghaiYear } from "~/utils/time";
import { makePerson, makeUnitTree, makeUser } from "../support/factories";
import { makeCatalogue } from "../support/enrolment-fixtures";
import { BASE, formRequest, getRequest, sessionCookieFor, settle } from "../support/requests";

// Evidence files go to a private folder (env() is read lazily, after this line).
const dataDir = mkdtempSync(path.join(os.tmpdir(), "lane-credits-admin-"));
process.env.DATA_DIR = dataDir;
const evidenceFiles = () => {
  try {
    return readdirSync(path.join(dataDir, "evidence"));
  } catch {
    return [];
  }
};

const Y = shanghaiYear();
const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context: {} });

let tree: Awaited<ReturnType<typeof makeUnitTree>>;
let competencyIds: number[];
let districtHr: { id: number; cookie: string };
let streetHr: { id: number; cookie: string };
let streetHr2: { id: number; cookie: string };
let otherStreetHr: { id: number; cookie: string };

async function hr(scopeUnitId: number) {
  const user = await makeUser("hr", { scopeUnitId });
  return { id: user.id, cookie: await sessionCookieFor(user.id) };
}

beforeAll(async () => {
  tree = await makeUnitTree();
  competencyIds = (await makeCatalogue()).competencyIds;
  districtHr = await hr(tree.district.id);
  streetHr = await hr(tree.streets[0].id);
  streetHr2 = await hr(tree.streets[0].id);
  otherStreetHr = await hr(tree.streets[1].id);
});

async function award(personId: number, year: number, amount: number, competencies: number[], key: string) {
  return awardCredits(db, {
    personId,
    creditYear: year,
    amount,
    category: "in_person",
    sourceType: "import",
    sourceKey: key,
    competencies: splitByWeights(
      amount,
      competencies.map((competencyId) => ({ competencyId, weight: 1 })),
    ),
  });
}

/** The default rules as the form sends them, with some fields changed. */
function policyForm(year: number, changes: Record<string, string> = {}) {
  return {
    year: String(year),
    requiredPoints: "56",
    minInPersonPoints: "16",
    onlineCapPoints: "28",
    pointsPerHour: "1",
    minutesPerHour: "60",
    minCompetencies: "3",
    rolloverCapPoints: "10",
    absenceNumerator: "1",
    absenceDenominator: "7",
    adjustmentApprovalThreshold: "8",
    "hourRule.0.minMinutes": "30",
    "hourRule.0.hours": "1",
    "hourRule.1.minMinutes": "15",
    "hourRule.1.hours": "0.5",
    ...changes,
  };
}

async function postPolicy(fields: Record<string, string>, cookie: string) {
  const response = await settle(() => policyAction(args(formRequest("/hr/policy", fields, cookie))));
  return { status: response.status, body: await response.json() };
}

describe("/hr/policy", () => {
  it("previews the impact in hand-worked numbers, then saves an audited version with a reason", async () => {
    // A tree of its own, so the district officer's scope holds exactly these five people.
    const own = await makeUnitTree();
    const officer = await hr(own.district.id);
    const area = own.streets[0].areaId;
    const [a, b, c, , e] = [
      await makePerson(area, { employeeNo: "PV0001" }),
      await makePerson(area, { employeeNo: "PV0002" }),
      await makePerson(area, { employeeNo: "PV0003" }),
      await makePerson(area, { employeeNo: "PV0004" }),
      await makePerson(area, { employeeNo: "PV0005" }),
    ];
    await award(a.id, Y, 5000, competencyIds, "pv:a"); // 50 points, 3 competencies: short under 56
    await award(b.id, Y, 6000, competencyIds, "pv:b"); // 60 points: met
    await award(c.id, Y, 5600, competencyIds.slice(0, 2), "pv:c"); // 56 points, only 2 competencies
    // d has nothing. e: 65 last year (9 surplus carried in) + 50 this year = 59 counted: met.
    await award(e.id, Y - 1, 6500, competencyIds, "pv:e-prev");
    await award(e.id, Y, 5000, competencyIds, "pv:e");

    // Requirement 56 → 50: a is now met; b and e stay met; c (competencies) and d don't.
    const lower = await postPolicy({ ...policyForm(Y, { requiredPoints: "50" }), intent: "preview" }, officer.cookie);
    expect(lower.status).toBe(200);
    expect(lower.body.impact).toMatchObject({ people: 5, metBefore: 2, metAfter: 3, becomeMet: 1, becomeUnmet: 0 });
    expect(lower.body.impact.changes.map((x: { employeeNo: string }) => x.employeeNo)).toEqual(["PV0001"]);

    // Requirement 56 → 60: e's 59 (rollover included) no longer suffices; b's 60 does.
    const higher = await postPolicy({ ...policyForm(Y, { requiredPoints: "60" }), intent: "preview" }, officer.cookie);
    expect(higher.body.impact).toMatchObject({ people: 5, metBefore: 2, metAfter: 1, becomeMet: 0, becomeUnmet: 1 });
    expect(higher.body.impact.changes).toEqual([
      expect.objectContaining({ employeeNo: "PV0005", countedBefore: 5900, countedAfter: 5900, metBefore: true, metAfter: false }),
    ]);

    // Saving a started year without having previewed these rules shows the preview instead.
    const unseen = await postPolicy({ ...policyForm(Y, { requiredPoints: "50.5" }), intent: "save", reason: "x" }, officer.cookie);
    expect(unseen.body.error.key).toBe("creditsAdmin.policy.previewFirst");
    expect(unseen.body.impact.people).toBe(5);
    expect(await db.creditPolicy.count({ where: { year: Y } })).toBe(0);

    // With the preview's token but no reason: refused.
    const token = unseen.body.token as string;
    const noReason = await postPolicy({ ...policyForm(Y, { requiredPoints: "50.5" }), intent: "save", previewToken: token }, officer.cookie);
    expect(noReason.status).toBe(400);
    expect(noReason.body.fieldErrors.reason).toBe("creditsAdmin.errors.reasonForStartedYear|" + JSON.stringify({ year: Y }));

    const saved = await postPolicy(
      { ...policyForm(Y, { requiredPoints: "50.5" }), intent: "save", previewToken: token, reason: "区里下调要求" },
      officer.cookie,
    );
    expect(saved.body).toEqual({ savedVersion: 1 });
    const row = await db.creditPolicy.findFirstOrThrow({ where: { year: Y } });
    expect(JSON.parse(row.rules).requiredPoints).toBe(5050);
    expect(row).toMatchObject({ version: 1, reason: "区里下调要求", createdById: officer.id });
    const audit = await db.auditEvent.findFirstOrThrow({ where: { entityType: "CreditPolicy", entityId: String(Y) } });
    expect(audit).toMatchObject({ action: "policy.changed", actorId: officer.id, reason: "区里下调要求" });
    expect(JSON.parse(audit.before!).rules.requiredPoints).toBe(5600);
    expect(JSON.parse(audit.after!)).toMatchObject({ version: 1, rules: { requiredPoints: 5050 } });

    // The same rules again: nothing to save.
    const again = await postPolicy(
      { ...policyForm(Y, { requiredPoints: "50.5" }), intent: "save", previewToken: token, reason: "再存一次" },
      officer.cookie,
    );
    expect(again.body.error.key).toBe("creditsAdmin.errors.policyUnchanged");

    const page = await settle(() => policyLoader(args(getRequest(`/hr/policy?year=${Y}`, officer.cookie))));
    expect(page.headers.get("Cache-Control")).toBe("no-store");
    const body = await page.json();
    expect(body.versions.map((v: { version: number; reason: string }) => [v.version, v.reason])).toEqual([[1, "区里下调要求"]]);
    expect(body.rules.requiredPoints).toBe(5050);
  });

  it("rejects contradictions with the policy's translated messages and writes nothing", async () => {
    const contradictory = await postPolicy(
      {
        ...policyForm(Y + 1, { minInPersonPoints: "60", rolloverCapPoints: "57", absenceNumerator: "8", "hourRule.1.hours": "0.3" }),
        intent: "save",
      },
      districtHr.cookie,
    );
    expect(contradictory.status).toBe(400);
    expect(contradictory.body.fieldErrors).toMatchObject({
      minInPersonPoints: "policy.errors.minAboveRequired",
      rolloverCapPoints: "policy.errors.rolloverAboveRequired",
      absenceNumerator: "policy.errors.absenceFraction",
      "hourRule.1.hours": "policy.errors.hourRuleStep",
    });
    const badNumber = await postPolicy({ ...policyForm(Y + 1, { requiredPoints: "56.123" }), intent: "save" }, districtHr.cookie);
    expect(badNumber.body.fieldErrors.requiredPoints).toBe("creditsAdmin.errors.points");
    expect(await db.creditPolicy.count({ where: { year: Y + 1 } })).toBe(0);

    // A future year needs neither preview nor reason.
    const future = await postPolicy({ ...policyForm(Y + 1, { onlineCapPoints: "20" }), intent: "save" }, districtHr.cookie);
    expect(future.body).toEqual({ savedVersion: 1 });
  });

  it("lets street HR read but not change; a closed year's policy cannot change", async () => {
    const read = await settle(() => policyLoader(args(getRequest(`/hr/policy?year=${Y}`, streetHr.cookie))));
    expect(read.status).toBe(200);
    expect((await read.json()).canEdit).toBe(false);
    const refused = await postPolicy({ ...policyForm(Y + 1, { requiredPoints: "40" }), intent: "save" }, streetHr.cookie);
    expect(refused.status).toBe(403);

    const closedYear = 2015;
    await db.creditYear.create({ data: { year: closedYear, status: "closed", closedAt: new Date() } });
    const frozen = await postPolicy({ ...policyForm(closedYear, { requiredPoints: "40" }), intent: "preview" }, districtHr.cookie);
    expect(frozen.status).toBe(409);
    expect(frozen.body.error.key).toBe("creditsAdmin.errors.yearClosed");
    expect(await db.creditPolicy.count({ where: { year: closedYear } })).toBe(0);
    const learner = await makeUser("learner");
    const learnerCookie = await sessionCookieFor(learner.id);
    const learnerPage = await settle(() => policyLoader(args(getRequest("/hr/policy", learnerCookie))));
    expect(learnerPage.status).toBe(403);
  });
});

function multipart(pathname: string, fields: Record<string, string>, cookie: string, file?: { name: string; bytes: Uint8Array<ArrayBuffer>; type: string }) {
  const body = new FormData();
  for (const [key, value] of Object.entries(fields)) body.append(key, value);
  if (file) body.append("evidence", new File([file.bytes], file.name, { type: file.type }));
  return new Request(BASE + pathname, { method: "POST", body, headers: { Cookie: cookie } });
}

async function submitAdjustment(fields: Record<string, string>, cookie: string, file?: { name: string; bytes: Uint8Array<ArrayBuffer>; type: string }) {
  const response = await settle(() => newAdjustmentAction(args(multipart("/hr/adjustments/new", fields, cookie, file))));
  const location = response.headers.get("Location");
  return { status: response.status, location, body: location ? null : await response.json() };
}

function decide(fields: Record<string, string>, cookie: string) {
  return settle(() => adjustmentsAction(args(formRequest("/hr/adjustments", fields, cookie))));
}

const idFrom = (location: string | null) => Number(/recorded=(\d+)/.exec(location ?? "")?.[1]);
const PDF = new TextEncoder().encode("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n");

describe("/hr/adjustments", () => {
  it("counts at once up to the threshold (8 points by default), either sign", async () => {
    const person = await makePerson(tree.streets[0].areaId);
    const small = await submitAdjustment(
      {
        employeeNo: person.employeeNo,
        creditYear: String(Y),
        amount: "8",
        category: "external",
        attributionKind: "one",
        competencyId: String(competencyIds[1]),
        reason: "市委党校外部培训",
      },
      streetHr.cookie,
    );
    expect(small.status).toBe(302);
    expect(small.location).toContain("state=approved");
    const id = idFrom(small.location);
    const entry = await db.ledgerEntry.findUniqueOrThrow({ where: { sourceKey: `adjustment:${id}` }, include: { competencies: true } });
    expect(entry).toMatchObject({ personId: person.id, creditYear: Y, amount: 800, category: "external", sourceType: "adjustment", adjustmentId: id });
    expect(entry.competencies.map((s) => [s.competencyId, s.amount])).toEqual([[competencyIds[1], 800]]);
    expect(await db.creditAdjustment.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "approved", requestedById: streetHr.id });

    const minus = await submitAdjustment(
      { employeeNo: person.employeeNo, creditYear: String(Y), amount: "-2.5", category: "adjustment", attributionKind: "one", competencyId: String(competencyIds[0]), reason: "重复登记更正" },
      streetHr.cookie,
    );
    const minusEntry = await db.ledgerEntry.findUniqueOrThrow({ where: { sourceKey: `adjustment:${idFrom(minus.location)}` } });
    expect(minusEntry.amount).toBe(-250);
    const audit = await db.auditEvent.findMany({ where: { entityType: "CreditAdjustment", entityId: { in: [String(id), String(idFrom(minus.location))] } } });
    expect(audit.map((a) => a.action)).toEqual(["credit.adjustment_requested", "credit.adjustment_requested"]);
  });

  it("needs a different officer in scope above the threshold; one ledger entry however often it is approved", async () => {
    const person = await makePerson(tree.streets[0].areaId);
    const big = await submitAdjustment(
      {
        employeeNo: person.employeeNo,
        creditYear: String(Y),
        amount: "-8.01",
        category: "adjustment",
        attributionKind: "weights",
        [`weight.${competencyIds[0]}`]: "50",
        [`weight.${competencyIds[1]}`]: "30",
        [`weight.${competencyIds[2]}`]: "20",
        reason: "考勤更正",
      },
      streetHr.cookie,
    );
    expect(big.location).toContain("state=pending");
    const id = idFrom(big.location);
    expect(await db.ledgerEntry.count({ where: { adjustmentId: id } })).toBe(0);

    const self = await decide({ intent: "approve", adjustmentId: String(id) }, streetHr.cookie);
    expect(self.status).toBe(403);
    expect((await self.json()).error.key).toBe("creditsAdmin.errors.selfApproval");
    const outsider = await decide({ intent: "approve", adjustmentId: String(id) }, otherStreetHr.cookie);
    expect(outsider.status).toBe(403);
    expect(await db.creditAdjustment.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "pending", decidedById: null });

    // The other street's officer doesn't even see it waiting.
    const otherList = await (await settle(() => adjustmentsLoader(args(getRequest("/hr/adjustments", otherStreetHr.cookie))))).json();
    expect(otherList.pending.map((p: { id: number }) => p.id)).not.toContain(id);
    const list = await settle(() => adjustmentsLoader(args(getRequest("/hr/adjustments?status=pending", streetHr2.cookie))));
    expect(list.headers.get("Cache-Control")).toBe("no-store");
    expect((await list.json()).pending.map((p: { id: number }) => p.id)).toContain(id);

    const approved = await decide({ intent: "approve", adjustmentId: String(id) }, streetHr2.cookie);
    expect(approved.status).toBe(200);
    const again = await decide({ intent: "approve", adjustmentId: String(id) }, districtHr.cookie);
    expect(again.status).toBe(409);
    const entries = await db.ledgerEntry.findMany({ where: { adjustmentId: id }, include: { competencies: { orderBy: { competencyId: "asc" } } } });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ amount: -801, createdById: streetHr2.id, sourceKey: `adjustment:${id}` });
    // 801 split 50/30/20: 400.5 → 401 (largest remainder, first on ties), 240.3 → 240, 160.2 → 160.
    expect(entries[0].competencies.map((s) => s.amount)).toEqual([-401, -240, -160]);
    expect(await db.creditAdjustment.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "approved", decidedById: streetHr2.id });
    const actions = await db.auditEvent.findMany({ where: { entityType: "CreditAdjustment", entityId: String(id) }, orderBy: { id: "asc" } });
    expect(actions.map((a) => [a.action, a.actorId])).toEqual([
      ["credit.adjustment_requested", streetHr.id],
      ["credit.adjustment_approved", streetHr2.id],
    ]);
  });

  it("two simultaneous approvals write one entry; a rejection needs a note and books nothing", async () => {
    const person = await makePerson(tree.streets[0].areaId);
    const first = await submitAdjustment(
      { employeeNo: person.employeeNo, creditYear: String(Y), amount: "20", category: "external", attributionKind: "one", competencyId: String(competencyIds[0]), reason: "外部培训证书" },
      streetHr.cookie,
    );
    const id = idFrom(first.location);
    const results = await Promise.all([
      decide({ intent: "approve", adjustmentId: String(id) }, streetHr2.cookie),
      decide({ intent: "approve", adjustmentId: String(id) }, districtHr.cookie),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(await db.ledgerEntry.count({ where: { adjustmentId: id } })).toBe(1);

    const second = await submitAdjustment(
      { employeeNo: person.employeeNo, creditYear: String(Y), amount: "30", category: "external", attributionKind: "one", competencyId: String(competencyIds[0]), reason: "外部培训" },
      streetHr.cookie,
    );
    const secondId = idFrom(second.location);
    const noNote = await decide({ intent: "reject", adjustmentId: String(secondId) }, streetHr2.cookie);
    expect(noNote.status).toBe(400);
    const rejected = await decide({ intent: "reject", adjustmentId: String(secondId), note: "证书无法核实" }, streetHr2.cookie);
    expect(rejected.status).toBe(200);
    expect(await db.creditAdjustment.findUniqueOrThrow({ where: { id: secondId } })).toMatchObject({
      status: "rejected",
      decisionNote: "证书无法核实",
    });
    expect(await db.ledgerEntry.count({ where: { adjustmentId: secondId } })).toBe(0);
    const history = await (
      await settle(() => adjustmentsLoader(args(getRequest(`/hr/adjustments?status=rejected&person=${person.employeeNo}`, streetHr.cookie))))
    ).json();
    expect(history.history.rows.map((r: { id: number }) => r.id)).toEqual([secondId]);
  });

  it("asks the approver for a competency when the request recorded none (seeded or imported rows)", async () => {
    const person = await makePerson(tree.streets[0].areaId);
    const seeded = await db.creditAdjustment.create({
      data: { personId: person.id, creditYear: Y, amount: 1000, category: "external", reason: "导入的申请", status: "pending", requestedById: streetHr.id },
    });
    const list = await (await settle(() => adjustmentsLoader(args(getRequest("/hr/adjustments", streetHr2.cookie))))).json();
    expect(list.pending.find((p: { id: number }) => p.id === seeded.id)).toMatchObject({ needsCompetency: true, hasEvidenceFile: false });
    const without = await decide({ intent: "approve", adjustmentId: String(seeded.id) }, streetHr2.cookie);
    expect(without.status).toBe(400);
    expect((await without.json()).fieldErrors.competencyId).toBe("creditsAdmin.errors.attributionMissing");
    expect(await db.creditAdjustment.findUniqueOrThrow({ where: { id: seeded.id } })).toMatchObject({ status: "pending" });
    const approved = await decide({ intent: "approve", adjustmentId: String(seeded.id), competencyId: String(competencyIds[2]) }, streetHr2.cookie);
    expect(approved.status).toBe(200);
    const entry = await db.ledgerEntry.findFirstOrThrow({ where: { adjustmentId: seeded.id }, include: { competencies: true } });
    expect(entry.competencies.map((c) => [c.competencyId, c.amount])).toEqual([[competencyIds[2], 1000]]);
  });

  it("refuses a person outside the officer's scope, a closed year, fake or oversize evidence — and writes nothing", async () => {
    const person = await makePerson(tree.streets[0].areaId);
    const base = { employeeNo: person.employeeNo, creditYear: String(Y), amount: "3", category: "external", attributionKind: "one", competencyId: String(competencyIds[0]), reason: "外部培训" };
    const adjustmentsBefore = await db.creditAdjustment.count();
    const entriesBefore = await db.ledgerEntry.count();
    const auditBefore = await db.auditEvent.count();

    const foreign = await submitAdjustment(base, otherStreetHr.cookie);
    expect(foreign.status).toBe(400);
    expect(foreign.body.fieldErrors.employeeNo).toBe("creditsAdmin.errors.personNotFound");

    const fake = await submitAdjustment(base, streetHr.cookie, {
      name: "证明.pdf",
      bytes: new TextEncoder().encode("this is plain text pretending to be a PDF"),
      type: "application/pdf",
    });
    expect(fake.status).toBe(400);
    expect(fake.body.fieldErrors.evidence).toBe("creditsAdmin.errors.evidenceType");
    // The form comes back filled in, so a browser without JavaScript loses nothing but the file.
    expect(fake.body.values).toMatchObject({ employeeNo: person.employeeNo, amount: "3", reason: "外部培训" });

    const oversize = await submitAdjustment(base, streetHr.cookie, {
      name: "big.pdf",
      bytes: new Uint8Array(10 * 1024 * 1024 + 1).fill(0x25),
      type: "application/pdf",
    });
    expect(oversize.status).toBe(413);
    expect(oversize.body.fieldErrors.evidence).toBe("creditsAdmin.errors.evidenceTooLarge|" + JSON.stringify({ max: 10 }));

    await db.creditYear.create({ data: { year: 2016, status: "closed", closedAt: new Date() } });
    const closed = await submitAdjustment({ ...base, creditYear: "2016" }, streetHr.cookie, { name: "ok.pdf", bytes: PDF, type: "application/pdf" });
    expect(closed.status).toBe(409);
    expect(closed.body.fieldErrors.creditYear).toBe("creditsAdmin.errors.adjustYearClosed|" + JSON.stringify({ year: 2016 }));

    const badWeights = await submitAdjustment(
      { ...base, attributionKind: "weights", [`weight.${competencyIds[0]}`]: "60", [`weight.${competencyIds[1]}`]: "30" },
      streetHr.cookie,
    );
    expect(badWeights.status).toBe(400);

    expect(await db.creditAdjustment.count()).toBe(adjustmentsBefore);
    expect(await db.ledgerEntry.count()).toBe(entriesBefore);
    expect(await db.auditEvent.count()).toBe(auditBefore);
    expect(evidenceFiles()).toEqual([]);
  });

  it("keeps real evidence under a random name and gives it only to HR in scope, as an attachment", async () => {
    const person = await makePerson(tree.streets[0].areaId);
    const created = await submitAdjustment(
      { employeeNo: person.employeeNo, creditYear: String(Y), amount: "4", category: "external", attributionKind: "one", competencyId: String(competencyIds[0]), reason: "外部培训" },
      streetHr.cookie,
      { name: "结业证书.pdf", bytes: PDF, type: "application/octet-stream" },
    );
    const id = idFrom(created.location);
    const row = await db.creditAdjustment.findUniqueOrThrow({ where: { id } });
    expect(row.evidenceName).toBe("结业证书.pdf");
    expect(row.evidenceStoredName).toMatch(/^[0-9a-f]{32}\.pdf$/);
    expect(evidenceFiles()).toEqual([row.evidenceStoredName]);

    const download = await settle(() => evidenceLoader(args(getRequest(`/hr/adjustments/${id}/evidence`, streetHr2.cookie), { adjustmentId: String(id) })));
    expect(download.status).toBe(200);
    expect(download.headers.get("Content-Type")).toBe("application/pdf");
    expect(download.headers.get("Content-Disposition")).toContain("attachment;");
    expect(download.headers.get("Content-Disposition")).toContain(encodeURIComponent("结业证书.pdf"));
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(PDF);

    const outsider = await settle(() =>
      evidenceLoader(args(getRequest(`/hr/adjustments/${id}/evidence`, otherStreetHr.cookie), { adjustmentId: String(id) })),
    );
    expect(outsider.status).toBe(404);
    const learner = await makeUser("learner");
    const learnerCookie = await sessionCookieFor(learner.id);
    const learnerTry = await settle(() =>
      evidenceLoader(args(getRequest(`/hr/adjustments/${id}/evidence`, learnerCookie), { adjustmentId: String(id) })),
    );
    expect(learnerTry.status).toBe(403);
  });
});

function postYear(fields: Record<string, string>, cookie: string) {
  return settle(() => yearsAction(args(formRequest("/hr/years", fields, cookie))));
}

describe("/hr/years", () => {
  it("closes and reopens a year with a reason, audited; only district level; never a future year", async () => {
    const year = 2019;
    const street = await postYear({ intent: "close", year: String(year), reason: "年终结账" }, streetHr.cookie);
    expect(street.status).toBe(403);
    const noReason = await postYear({ intent: "close", year: String(year), reason: "" }, districtHr.cookie);
    expect(noReason.status).toBe(400);
    const future = await postYear({ intent: "close", year: String(Y + 1), reason: "提前" }, districtHr.cookie);
    expect(future.status).toBe(400);
    expect(await db.creditYear.count({ where: { year: { in: [year, Y + 1] } } })).toBe(0);

    expect((await postYear({ intent: "close", year: String(year), reason: "年终结账" }, districtHr.cookie)).status).toBe(200);
    expect(await db.creditYear.findUniqueOrThrow({ where: { year } })).toMatchObject({ status: "closed", closedById: districtHr.id, note: "年终结账" });
    const twice = await postYear({ intent: "close", year: String(year), reason: "再结" }, districtHr.cookie);
    expect(twice.status).toBe(409);

    const reopenNoReason = await postYear({ intent: "reopen", year: String(year), reason: "" }, districtHr.cookie);
    expect(reopenNoReason.status).toBe(400);
    expect((await postYear({ intent: "reopen", year: String(year), reason: "补录遗漏的结业" }, districtHr.cookie)).status).toBe(200);
    expect(await db.creditYear.findUniqueOrThrow({ where: { year } })).toMatchObject({ status: "open", closedAt: null, note: "补录遗漏的结业" });

    const audit = await db.auditEvent.findMany({ where: { entityType: "CreditYear", entityId: String(year) }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.action, a.reason, a.actorId])).toEqual([
      ["credit_year.closed", "年终结账", districtHr.id],
      ["credit_year.reopened", "补录遗漏的结业", districtHr.id],
    ]);

    const page = await settle(() => yearsLoader(args(getRequest("/hr/years", streetHr.cookie))));
    const body = await page.json();
    expect(body.canEdit).toBe(false);
    expect(body.years.find((y: { year: number }) => y.year === year)).toMatchObject({ status: "open" });
  });

  it("books the reversal of an entry in a closed year in the first open year after it, and says so", async () => {
    const person = await makePerson(tree.streets[0].areaId);
    const original = await award(person.id, 2011, 600, competencyIds, "rev:2011");
    const openOriginal = await award(person.id, 2014, 300, competencyIds, "rev:2014");
    await db.creditYear.createMany({
      data: [
        { year: 2011, status: "closed", closedAt: new Date() },
        { year: 2012, status: "closed", closedAt: new Date() },
        { year: 2013, status: "open" },
      ],
    });
    const reversal = await reverseEntry(db, { entryId: original.entry.id, reason: "出勤更正" });
    expect(reversal.created).toBe(true);
    expect(reversal.entry).toMatchObject({ creditYear: 2013, amount: -600, reversesEntryId: original.entry.id, personId: person.id });
    expect(reversal.entry.note).toContain("出勤更正");
    expect(reversal.entry.note).toContain("2011 is closed: reversal booked in 2013");
    expect(reversal.entry.competencies.reduce((sum, s) => sum + s.amount, 0)).toBe(-600);
    // The closed year's total is untouched; the open year carries the correction.
    const sums = await db.ledgerEntry.groupBy({ by: ["creditYear"], where: { personId: person.id }, _sum: { amount: true }, orderBy: { creditYear: "asc" } });
    expect(sums.map((s) => [s.creditYear, s._sum.amount])).toEqual([
      [2011, 600],
      [2013, -600],
      [2014, 300],
    ]);
    // A repeat, even after the year was reopened, returns the reversal already made.
    await db.creditYear.update({ where: { year: 2011 }, data: { status: "open" } });
    const repeat = await reverseEntry(db, { entryId: original.entry.id, reason: "出勤更正" });
    expect(repeat).toMatchObject({ created: false, entry: { id: reversal.entry.id, creditYear: 2013 } });

    const inOpenYear = await reverseEntry(db, { entryId: openOriginal.entry.id, reason: "重复记录" });
    expect(inOpenYear.entry).toMatchObject({ creditYear: 2014, amount: -300, note: "重复记录" });
  });
});
