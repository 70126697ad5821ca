// HR imports on both dialects: the dry run writes nothing, the commit writes everything (people
// with grade records and audit events, grade history, historic credits), re-importing the same
// file changes nothing, a commit that fails inside its transaction leaves nothing behind, each
// officer stays inside its units, and bad uploads (GBK, malformed, 50 MB) are handled at the route.
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import iconv from "iconv-lite";
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "~/auth/guards.server";
import { getSessionUser } from "~/auth/session.server";
import { commitInFlight, createBatch, loadBatch, previewBatch, runCommit, startCommit } from "~/imports/imports.server";
import { autoMap } from "~/imports/kinds";
import { action as uploadAction, loader as historyLoader } from "~/routes/hr.imports._index";
import { action as batchAction, loader as batchLoader } from "~/routes/hr.imports.$batchId";
import { loader as fileLoader } from "~/routes/hr.imports.$batchId_.file";
import { db } from "~/utils/db.server";
import { shanghaiYear } from "~/utils/time";
import { makeCatalogue } from "../support/enrolment-fixtures";
import { ensurePostTypes, makePerson, makeUnitTree, makeUser } from "../support/factories";
import { BASE, formRequest, getRequest, sessionCookieFor, settle } from "../support/requests";

const dataDir = mkdtempSync(path.join(os.tmpdir(), "lane-imports-"));
process.env.DATA_DIR = dataDir;
const incoming = path.join(dataDir, "imports", ".incoming");
const keptFiles = () => readdirSync(path.join(dataDir, "imports")).filter((name) => !name.startsWith("."));

const Y = shanghaiYear();
const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context: {} });

type Officer = { user: SessionUser; cookie: string };
let tree: Awaited<ReturnType<typeof makeUnitTree>>;
let areaA: string;
let areaB: string;
let district: Officer;
let streetA: Officer;
let streetB: Officer;
let competencyCode: string;
let competencyId: number;

async function officer(scopeUnitId: number): Promise<Officer> {
  const created = await makeUser("hr", { scopeUnitId });
  const cookie = await sessionCookieFor(created.id);
  const user = await getSessionUser(getRequest("/hr", cookie));
  return { user: user!, cookie };
}

let fileNo = 0;
/** A received file, as the upload handler leaves it. */
function staged(content: string | Buffer, originalName = "people.csv") {
  mkdirSync(incoming, { recursive: true });
  const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : content;
  const tempPath = path.join(incoming, `test${++fileNo}`);
  writeFileSync(tempPath, bytes);
  return { tempPath, originalName, sizeBytes: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") };
}

/** Uploads and dry-runs with the automatic mapping; returns the batch. */
async function dryRun(actor: Officer, content: string | Buffer, kind: "people" | "grades" | "credits" = "people") {
  const { id } = await createBatch(actor.user, kind, staged(content));
  const batch = await loadBatch(actor.user, id);
  const outcome = await previewBatch(actor.user, id, autoMap(kind, batch.summary.headers));
  expect(outcome.ok).toBe(true);
  return loadBatch(actor.user, id);
}

async function commit(actor: Officer, batchId: number) {
  await startCommit(actor.user, batchId);
  await commitInFlight(batchId);
  return loadBatch(actor.user, batchId);
}

const HEADER = "工号,姓名,单位,岗位类别,等级,入职日期,学历,社工证,性别";
function peopleCsv(rows: string[]) {
  return [HEADER, ...rows].join("\n") + "\n";
}

async function counts() {
  const [people, gradeRecords, audits, ledger] = await Promise.all([
    db.person.count(),
    db.gradeRecord.count(),
    db.auditEvent.count({ where: { entityType: "Person" } }),
    db.ledgerEntry.count(),
  ]);
  return { people, gradeRecords, audits, ledger };
}

beforeAll(async () => {
  tree = await makeUnitTree();
  await ensurePostTypes();
  // The names HR exports use (the factory names post types by their codes).
  for (const [code, nameZh] of [["head", "负责人"], ["supervisor", "主管"], ["staff", "工作人员"]]) {
    await db.postType.update({ where: { code }, data: { nameZh } });
  }
  const units = await db.unit.findMany({ where: { id: { in: [tree.streets[0].areaId, tree.streets[1].areaId] } }, select: { id: true, code: true } });
  areaA = units.find((u) => u.id === tree.streets[0].areaId)!.code;
  areaB = units.find((u) => u.id === tree.streets[1].areaId)!.code;
  district = await officer(tree.district.id);
  streetA = await officer(tree.streets[0].id);
  streetB = await officer(tree.streets[1].id);
  competencyId = (await makeCatalogue()).competencyIds[0];
  competencyCode = (await db.competency.findUniqueOrThrow({ where: { id: competencyId }, select: { code: true } })).code;
});

describe("people", () => {
  it("names every bad row in the dry run, writes nothing, and refuses to commit", async () => {
    const before = await counts();
    const batch = await dryRun(
      streetA,
      peopleCsv([
        `E1001,张一,${areaA},staff,,2019-03-01,本科,社会工作师,女`,
        `E1002,李二,NOSUCHUNIT,supervisor,6,2015-07-01,大专,无,男`,
        `E1003,王三,${areaA},head,3,2012-09-01,硕士,,女`,
        `E1001,张一又,${areaA},staff,2,2019-03-01,本科,,女`,
        `E1004,赵四,${areaB},staff,2,2019-03-01,本科,,男`,
        `E1005,钱五,${areaA},staff,2,2019-02-30,博士后,,男`,
      ]),
    );
    expect(batch.status).toBe("previewed");
    expect(batch.rowCount).toBe(6);
    expect(batch.errorCount).toBe(5);
    const problems = batch.summary.issues.map((i) => [i.row, i.field, i.key]);
    expect(problems).toEqual(
      expect.arrayContaining([
        [3, "unit", "imports.errors.unitUnknown"],
        [4, "grade", "imports.errors.gradeOutOfRange"],
        [5, "employeeNo", "imports.errors.duplicateEmployeeNo"],
        [6, "unit", "imports.errors.unitUnknown"], // another street's area: not this officer's
        [7, "hiredOn", "imports.errors.dateInvalid"],
        [7, "education", "imports.errors.educationUnknown"],
      ]),
    );
    expect(batch.summary.issues.find((i) => i.row === 4)!.params).toEqual({ grade: 3, post: "head", min: 7, max: 18 });
    expect(await counts()).toEqual(before);
    await expect(startCommit(streetA.user, batch.id)).rejects.toMatchObject({ messageKey: "imports.errors.fixErrorsFirst" });
    expect((await loadBatch(streetA.user, batch.id)).status).toBe("previewed");
  });

  it("commits a clean file in one go: people, starting grades, grade records, audit; re-importing changes nothing", async () => {
    const csv = peopleCsv([
      `E2001,孙一,${areaA},staff,,2019-03-01,本科,社会工作师,女`,
      `E2002,周二,${areaA},主管,6,2015/7/1,大专,无,男`,
      `E2003,吴三,${areaA},负责人,9,2012年9月1日,硕士,高级社会工作师,女`,
    ]);
    const before = await counts();
    const batch = await dryRun(streetA, csv);
    expect([batch.createdCount, batch.updatedCount, batch.unchangedCount, batch.errorCount]).toEqual([3, 0, 0, 0]);
    expect(await counts()).toEqual(before); // the dry run wrote nothing

    const done = await commit(streetA, batch.id);
    expect(done.status).toBe("committed");
    expect(done.processedRows).toBe(3);
    const people = await db.person.findMany({ where: { employeeNo: { in: ["E2001", "E2002", "E2003"] } }, orderBy: { employeeNo: "asc" } });
    expect(people.map((p) => [p.name, p.postTypeCode, p.grade, p.unitId])).toEqual([
      ["孙一", "staff", 3, tree.streets[0].areaId], // startingGrade: staff 1 + bachelor 1 + intermediate certificate 1
      ["周二", "supervisor", 6, tree.streets[0].areaId],
      ["吴三", "head", 9, tree.streets[0].areaId],
    ]);
    expect(people[0].hiredOn.toISOString().slice(0, 10)).toBe("2019-03-01");
    const records = await db.gradeRecord.findMany({ where: { personId: { in: people.map((p) => p.id) } } });
    expect(records).toHaveLength(3);
    expect(records.every((r) => r.reason === "import" && r.recordedById === streetA.user.id)).toBe(true);
    expect(records.find((r) => r.personId === people[0].id)!.effectiveFrom.toISOString().slice(0, 10)).toBe("2019-03-01");
    const committed = await db.auditEvent.findFirstOrThrow({ where: { action: "import.committed", entityId: String(batch.id) } });
    expect(JSON.parse(committed.after!)).toMatchObject({ createdCount: 3, updatedCount: 0, unchangedCount: 0 });

    // The same file again: every row unchanged, nothing written but the batch and its audit event.
    const afterFirst = await counts();
    const again = await dryRun(streetA, csv);
    expect([again.createdCount, again.updatedCount, again.unchangedCount, again.errorCount]).toEqual([0, 0, 3, 0]);
    const second = await commit(streetA, again.id);
    expect(second.status).toBe("committed");
    expect(await counts()).toEqual(afterFirst);
  });

  it("updates only what differs, with a grade record and an audit event for the grade change", async () => {
    const person = await makePerson(tree.streets[0].areaId, { employeeNo: "E3001", name: "郑六" });
    const batch = await dryRun(streetA, peopleCsv([`E3001,郑六,${areaA},staff,5,2020-03-01,本科,,`]));
    expect([batch.createdCount, batch.updatedCount, batch.unchangedCount]).toEqual([0, 1, 0]);
    expect(batch.summary.sample[0].changed).toEqual(["grade"]);
    await commit(streetA, batch.id);
    expect((await db.person.findUniqueOrThrow({ where: { id: person.id } })).grade).toBe(5);
    expect(await db.gradeRecord.count({ where: { personId: person.id, reason: "import", grade: 5 } })).toBe(1);
    const event = await db.auditEvent.findFirstOrThrow({ where: { action: "person.grade_changed", personId: person.id } });
    expect(JSON.parse(event.before!)).toMatchObject({ grade: 3 });
    expect(JSON.parse(event.after!)).toMatchObject({ grade: 5, reason: "import" });
  });

  it("refuses to touch a person of another street, and hides other streets' batches", async () => {
    await makePerson(tree.streets[1].areaId, { employeeNo: "E4001" });
    const batch = await dryRun(streetA, peopleCsv([`E4001,冯七,${areaA},staff,2,2020-03-01,本科,,`]));
    expect(batch.summary.issues.map((i) => i.key)).toContain("imports.errors.personOutOfScope");
    const elsewhere = await settle(() => batchLoader(args(getRequest(`/hr/imports/${batch.id}`, streetB.cookie), { batchId: String(batch.id) })));
    expect(elsewhere.status).toBe(404);
    const file = await settle(() => fileLoader(args(getRequest(`/hr/imports/${batch.id}/file`, streetB.cookie), { batchId: String(batch.id) })));
    expect(file.status).toBe(404);
    // The district officer sees the street's batch, and its original file.
    const districtView = await settle(() => fileLoader(args(getRequest(`/hr/imports/${batch.id}/file`, district.cookie), { batchId: String(batch.id) })));
    expect(districtView.status).toBe(200);
    expect(await districtView.text()).toContain("E4001,冯七");
    const history = (await (await settle(() => historyLoader(args(getRequest("/hr/imports", streetB.cookie))))).json()) as { batches: { id: number }[] };
    expect(history.batches.map((b) => b.id)).not.toContain(batch.id);
  });

  it("rolls the whole commit back when a write fails inside the transaction", async () => {
    const sqlite = !process.env.DATABASE_URL!.startsWith("postgres");
    // A trigger that refuses the last row's grade record, after the people were inserted.
    if (sqlite) {
      await db.$executeRawUnsafe(`CREATE TRIGGER import_fault BEFORE INSERT ON "GradeRecord" WHEN NEW."grade" = 11 BEGIN SELECT RAISE(ABORT, 'import fault'); END`);
    } else {
      await db.$executeRawUnsafe(`CREATE FUNCTION import_fault() RETURNS trigger AS $$ BEGIN IF NEW."grade" = 11 THEN RAISE EXCEPTION 'import fault'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`);
      await db.$executeRawUnsafe(`CREATE TRIGGER import_fault BEFORE INSERT ON "GradeRecord" FOR EACH ROW EXECUTE FUNCTION import_fault()`);
    }
    try {
      const batch = await dryRun(streetA, peopleCsv([`E5001,陈八,${areaA},staff,2,2020-03-01,本科,,`, `E5002,褚九,${areaA},head,11,2010-03-01,本科,,`]));
      expect(batch.errorCount).toBe(0);
      const before = await counts();
      const auditsBefore = await db.auditEvent.count();
      await startCommit(streetA.user, batch.id);
      await commitInFlight(batch.id);
      const failed = await loadBatch(streetA.user, batch.id);
      expect(failed.status).toBe("failed");
      expect(failed.summary.failure?.key).toBe("imports.errors.commitFailed");
      expect(await counts()).toEqual(before);
      expect(await db.person.count({ where: { employeeNo: { in: ["E5001", "E5002"] } } })).toBe(0);
      // Only the failure itself is on record.
      expect(await db.auditEvent.count()).toBe(auditsBefore + 1);
      expect(await db.auditEvent.count({ where: { action: "import.failed", entityId: String(batch.id) } })).toBe(1);
    } finally {
      await db.$executeRawUnsafe(sqlite ? `DROP TRIGGER import_fault` : `DROP TRIGGER import_fault ON "GradeRecord"`);
      if (!sqlite) await db.$executeRawUnsafe(`DROP FUNCTION import_fault()`);
    }
  });

  it("re-plans at commit time: a conflict that appeared after the dry run writes nothing", async () => {
    const batch = await dryRun(streetA, peopleCsv([`E6001,卫十,${areaA},staff,2,2020-03-01,本科,,`]));
    // Meanwhile someone puts E6001 in another street.
    await makePerson(tree.streets[1].areaId, { employeeNo: "E6001" });
    const result = await (async () => {
      await db.importBatch.update({ where: { id: batch.id }, data: { status: "committing" } });
      return runCommit(streetA.user, batch.id);
    })();
    expect(result.status).toBe("failed");
    const failed = await loadBatch(streetA.user, batch.id);
    expect(failed.summary.failure?.key).toBe("imports.errors.changedSinceDryRun");
    expect(failed.summary.issues.map((i) => i.key)).toContain("imports.errors.personOutOfScope");
    expect((await db.person.findUniqueOrThrow({ where: { employeeNo: "E6001" } })).unitId).toBe(tree.streets[1].areaId);
  });
});

describe("grades and credits", () => {
  it("imports grade history; the person's grade follows the newest record; re-import is a no-op", async () => {
    const person = await makePerson(tree.streets[0].areaId, { employeeNo: "G1001" });
    const csv = "工号,等级,生效日期,备注\nG1001,4,2021-01-01,三年晋升\nG1001,5,2024-01-01,三年晋升\nG1001,13,2024-06-01,\nNOBODY,3,2020-01-01,\n";
    const bad = await dryRun(streetA, csv, "grades");
    expect(bad.summary.issues.map((i) => [i.row, i.key])).toEqual([
      [4, "imports.errors.gradeOutOfRange"],
      [5, "imports.errors.personUnknown"],
    ]);
    const good = await dryRun(streetA, "工号,等级,生效日期,备注\nG1001,4,2021-01-01,三年晋升\nG1001,5,2024-01-01,三年晋升\n", "grades");
    expect(good.createdCount).toBe(2);
    await commit(streetA, good.id);
    expect((await db.person.findUniqueOrThrow({ where: { id: person.id } })).grade).toBe(5);
    expect(await db.gradeRecord.count({ where: { personId: person.id, reason: "import" } })).toBe(2);
    expect(await db.auditEvent.count({ where: { action: "person.grade_changed", personId: person.id } })).toBe(1);
    const again = await dryRun(streetA, "工号,等级,生效日期,备注\nG1001,4,2021-01-01,三年晋升\nG1001,5,2024-01-01,三年晋升\n", "grades");
    expect([again.createdCount, again.unchangedCount]).toEqual([0, 2]);
  });

  it("imports historic credits into the ledger once, refuses closed years and unknown competencies", async () => {
    const person = await makePerson(tree.streets[0].areaId, { employeeNo: "C1001" });
    const other = await makePerson(tree.streets[1].areaId, { employeeNo: "C1002" });
    await db.creditYear.create({ data: { year: Y - 3, status: "closed", closedAt: new Date() } });
    const header = "工号,年度,学分,类别,素养,日期,备注";
    const rows = [
      `C1001,${Y - 1},4.5,线下面授,${competencyCode},${Y - 1}-05-01,社区治理专题`,
      `C1001,${Y - 1},4.5,线下面授,${competencyCode},${Y - 1}-05-01,社区治理专题`, // a second, identical session
      `C1001,${Y - 2},2,online,${competencyCode},,`,
    ];
    const bad = await dryRun(streetA, [header, ...rows, `C1001,${Y - 3},1,online,${competencyCode},,`, `C1001,${Y - 1},1,online,没有这个素养,,`, `C1002,${Y - 1},1,online,${competencyCode},,`].join("\n"), "credits");
    expect(bad.summary.issues.map((i) => [i.row, i.key])).toEqual([
      [5, "imports.errors.yearClosed"],
      [6, "imports.errors.competencyUnknown"],
      [7, "imports.errors.personUnknown"], // another street's person is answered like nobody
    ]);
    const good = await dryRun(streetA, [header, ...rows].join("\n"), "credits");
    expect(good.createdCount).toBe(3);
    await commit(streetA, good.id);
    const entries = await db.ledgerEntry.findMany({ where: { personId: person.id }, include: { competencies: true }, orderBy: { id: "asc" } });
    expect(entries.map((e) => [e.creditYear, e.amount, e.category, e.sourceType])).toEqual([
      [Y - 1, 450, "in_person", "import"],
      [Y - 1, 450, "in_person", "import"],
      [Y - 2, 200, "online", "import"],
    ]);
    expect(entries[0].competencies).toEqual([expect.objectContaining({ competencyId, amount: 450 })]);
    expect(entries[0].createdAt.toISOString().slice(0, 10)).toBe(`${Y - 1}-05-01`);
    expect(await db.ledgerEntry.count({ where: { personId: other.id } })).toBe(0);
    const again = await dryRun(streetA, [header, ...rows].join("\n"), "credits");
    expect([again.createdCount, again.unchangedCount, again.errorCount]).toEqual([0, 3, 0]);
    await commit(streetA, again.id);
    expect(await db.ledgerEntry.count({ where: { personId: person.id } })).toBe(3);
  });
});

describe("the routes", () => {
  function upload(cookie: string, kind: string, body: Blob | null, name = "people.csv") {
    const form = new FormData();
    form.set("kind", kind);
    if (body) form.set("file", body, name);
    return new Request(BASE + "/hr/imports", { method: "POST", body: form, headers: { Cookie: cookie } });
  }

  it("takes a GBK upload, maps its Chinese headers, dry-runs and commits through the pages", async () => {
    const text = peopleCsv([`R1001,褚一,${areaA},staff,2,2020-03-01,本科,,女`]);
    const response = await settle(() => uploadAction(args(upload(streetA.cookie, "people", new Blob([new Uint8Array(iconv.encode(text, "gbk"))])))));
    expect(response.status).toBe(302);
    const batchId = response.headers.get("Location")!.split("/").pop()!;
    const page = (await (await settle(() => batchLoader(args(getRequest(`/hr/imports/${batchId}`, streetA.cookie), { batchId })))).json()) as {
      batch: { encoding: string; mapping: Record<string, number>; summary: { headers: string[] } };
    };
    expect(page.batch.encoding).toBe("gbk");
    expect(page.batch.summary.headers[1]).toBe("姓名");
    const mappingForm = Object.fromEntries(Object.entries(page.batch.mapping).map(([key, index]) => [`map.${key}`, String(index)]));
    const preview = await settle(() => batchAction(args(formRequest(`/hr/imports/${batchId}`, { intent: "preview", ...mappingForm }, streetA.cookie), { batchId })));
    expect(preview.status).toBe(302);
    const committed = await settle(() => batchAction(args(formRequest(`/hr/imports/${batchId}`, { intent: "commit" }, streetA.cookie), { batchId })));
    expect(committed.status).toBe(302);
    await commitInFlight(Number(batchId));
    expect((await db.person.findUniqueOrThrow({ where: { employeeNo: "R1001" } })).name).toBe("褚一");
    // A second commit of the same batch is refused.
    const twice = await settle(() => batchAction(args(formRequest(`/hr/imports/${batchId}`, { intent: "commit" }, streetA.cookie), { batchId })));
    expect(twice.status).toBe(409);
  });

  it("says which required column is not mapped", async () => {
    const { id } = await createBatch(streetA.user, "people", staged("工号,姓名\nX1,某\n"));
    const response = await settle(() => batchAction(args(formRequest(`/hr/imports/${id}`, { intent: "preview", "map.employeeNo": "0", "map.name": "1" }, streetA.cookie), { batchId: String(id) })));
    expect(response.status).toBe(400);
    const body = (await response.json()) as { problems: { key: string; params: { field: string } }[] };
    expect(body.problems.map((p) => p.params.field)).toEqual(expect.arrayContaining(["unit", "postType", "hiredOn", "education"]));
  });

  it("refuses a malformed or wrongly encoded file at upload, keeping nothing", async () => {
    const batchesBefore = await db.importBatch.count();
    const filesBefore = keptFiles().length;
    const latin1 = await settle(() => uploadAction(args(upload(streetA.cookie, "people", new Blob([new Uint8Array(iconv.encode("No,name\nX1,José\n", "latin1"))])))));
    expect(latin1.status).toBe(400);
    expect(((await latin1.json()) as { error: { key: string } }).error.key).toBe("imports.errors.encoding");
    const binary = await settle(() => uploadAction(args(upload(streetA.cookie, "people", new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1])]), "people.csv"))));
    expect(((await binary.json()) as { error: { key: string } }).error.key).toBe("imports.errors.notText");
    const none = await settle(() => uploadAction(args(upload(streetA.cookie, "people", null))));
    expect(((await none.json()) as { error: { key: string } }).error.key).toBe("imports.errors.noFile");
    expect(await db.importBatch.count()).toBe(batchesBefore);
    expect(keptFiles().length).toBe(filesBefore);
    expect(readdirSync(incoming)).toEqual([]);
  });

  it("refuses a file over 50 MB while streaming it, and keeps no partial file", async () => {
    const big = new Blob([new Uint8Array(50 * 1024 * 1024 + 10).fill(0x41)]);
    const form = new FormData();
    form.set("kind", "people");
    form.set("file", big, "big.csv");
    // No Content-Length: the limit is found while streaming, not from the header.
    const body = new Response(form);
    const request = new Request(BASE + "/hr/imports", {
      method: "POST",
      body: body.body,
      headers: { Cookie: streetA.cookie, "Content-Type": body.headers.get("Content-Type")! },
      duplex: "half",
    } as RequestInit);
    const response = await settle(() => uploadAction(args(request)));
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { key: string } }).error.key).toBe("imports.errors.tooLarge");
    expect(readdirSync(incoming)).toEqual([]);
    // An announced oversize body is refused before it is read.
    const announced = await settle(() =>
      uploadAction(args(new Request(BASE + "/hr/imports", { method: "POST", body: "x", headers: { Cookie: streetA.cookie, "Content-Length": String(60 * 1024 * 1024), "Content-Type": "multipart/form-data; boundary=x" } }))),
    );
    expect(announced.status).toBe(413);
  }, 60_000);

  it("lets learners and trainers nowhere near it", async () => {
    const learner = await makeUser("learner");
    const cookie = await sessionCookieFor(learner.id);
    expect((await settle(() => historyLoader(args(getRequest("/hr/imports", cookie))))).status).toBe(403);
  });
});

describe("a commit cut off by a stopped server", () => {
  it("is marked failed on SQLite (one process: nobody else can be running it) and can be run again", async () => {
    const batch = await dryRun(streetA, peopleCsv([`S1001,沈一,${areaA},staff,2,2020-03-01,本科,,`]));
    // As a server that stopped mid-commit leaves it: claimed, no job running, nothing written.
    await db.importBatch.update({ where: { id: batch.id }, data: { status: "committing" } });
    const seen = await loadBatch(streetA.user, batch.id);
    if (process.env.DATABASE_URL!.startsWith("postgres")) {
      expect(seen.status).toBe("committing"); // another instance may be running it
      return;
    }
    expect(seen.status).toBe("failed");
    expect(seen.summary.failure?.key).toBe("imports.errors.interrupted");
    expect(seen.summary.headers[0]).toBe("工号");
    await previewBatch(streetA.user, batch.id, seen.mapping);
    expect((await commit(streetA, batch.id)).status).toBe("committed");
    expect(await db.person.count({ where: { employeeNo: "S1001" } })).toBe(1);
  });
});
