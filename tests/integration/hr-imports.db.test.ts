// HR imports on both dialects: the dry run writes nothing, the commit writes everything (people
// with grade records and audit events, grade history, historic credits, units with moves of whole
// subtrees, post types for administrators), re-importing the same file changes nothing, a commit
// that fails inside its transaction leaves nothing behind, a commit cut off by a dead process is
// recovered (on PostgreSQL through the commit's advisory lock), each officer stays inside its
// units, and bad uploads (GBK, malformed, 50 MB) are handled at the route.
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import iconv from "iconv-lite";
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "~/auth/guards.server";
import { getSessionUser } from "~/auth/session.server";
import { COMMIT_LOCK_NAMESPACE, commitInFlight, createBatch, loadBatch, previewBatch, runCommit, startCommit } from "~/imports/imports.server";
import { autoMap, type ImportKind } from "~/imports/kinds";
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
async function dryRun(actor: Officer, content: string | Buffer, kind: ImportKind = "people") {
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
    // Each created person has its own event: who, the grade, post and unit it starts with, and why.
    const created = await db.auditEvent.findMany({ where: { action: "person.created", personId: { in: people.map((p) => p.id) } }, orderBy: { personId: "asc" } });
    expect(created).toHaveLength(3);
    expect(created.every((e) => e.actorId === streetA.user.id && e.reason === `import #${batch.id}` && e.before === null)).toBe(true);
    expect(JSON.parse(created[0].after!)).toEqual({
      employeeNo: "E2001", unitId: tree.streets[0].areaId, unitCode: areaA, postTypeCode: "staff", grade: 3, gradeFrom: "2019-03-01", reason: "import",
    });

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
  const postgres = () => process.env.DATABASE_URL!.startsWith("postgres");

  /** Another instance's commit transaction: holds the batch's commit lock until `work` is done, then rolls back. */
  async function holdingCommitLock(batchId: number, work: () => Promise<void>) {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: (ok: boolean) => void;
    const isLocked = new Promise<boolean>((resolve) => (locked = resolve));
    const holder = db
      .$transaction(
        async (tx) => {
          const rows = await tx.$queryRaw<{ ok: boolean }[]>`SELECT pg_try_advisory_xact_lock(CAST(${COMMIT_LOCK_NAMESPACE} AS INTEGER), CAST(${batchId} AS INTEGER)) AS "ok"`;
          locked(rows[0].ok);
          await released;
          throw new Error("the holder's process died"); // its transaction rolls back, the lock goes with it
        },
        { timeout: 30_000 },
      )
      .catch(() => undefined);
    expect(await isLocked).toBe(true);
    try {
      await work();
    } finally {
      release();
      await holder;
    }
  }

  it("is marked failed with the same message on both databases, and can be run again", async () => {
    const batch = await dryRun(streetA, peopleCsv([`S1001,沈一,${areaA},staff,2,2020-03-01,本科,,`]));
    // As a server that stopped mid-commit leaves it: claimed, no commit running (on PostgreSQL: nobody holds its lock), nothing written.
    await db.importBatch.update({ where: { id: batch.id }, data: { status: "committing" } });
    const seen = await loadBatch(streetA.user, batch.id);
    expect(seen.status).toBe("failed");
    expect(seen.summary.failure?.key).toBe("imports.errors.interrupted");
    expect(seen.summary.headers[0]).toBe("工号");
    await previewBatch(streetA.user, batch.id, seen.mapping);
    expect((await commit(streetA, batch.id)).status).toBe("committed");
    expect(await db.person.count({ where: { employeeNo: "S1001" } })).toBe(1);
  });

  it(
    "PostgreSQL: stays committing while another instance's transaction holds the lock; a second commit is refused meanwhile",
    async (context) => {
      // The database URL is known only once the suite runs; SQLite has no second instance to wait for.
      if (!postgres()) context.skip();
      const batch = await dryRun(streetA, peopleCsv([`S2001,沈二,${areaA},staff,2,2020-03-01,本科,,`]));
      await holdingCommitLock(batch.id, async () => {
        // Another instance is committing this batch: this one's commit cannot take the lock.
        await expect(startCommit(streetA.user, batch.id)).rejects.toMatchObject({ messageKey: "imports.errors.alreadyCommitting", status: 409 });
        expect((await loadBatch(streetA.user, batch.id)).status).toBe("previewed");
        // That instance's claim; its commit is alive, so the page keeps showing it as running.
        await db.importBatch.update({ where: { id: batch.id }, data: { status: "committing" } });
        expect((await loadBatch(streetA.user, batch.id)).status).toBe("committing");
        expect((await loadBatch(streetA.user, batch.id)).status).toBe("committing");
      });
      // Its process died: the transaction and its lock are gone, so the next look recovers the batch.
      const seen = await loadBatch(streetA.user, batch.id);
      expect(seen.status).toBe("failed");
      expect(seen.summary.failure?.key).toBe("imports.errors.interrupted");
      expect(await db.person.count({ where: { employeeNo: "S2001" } })).toBe(0);
      await previewBatch(streetA.user, batch.id, seen.mapping);
      expect((await commit(streetA, batch.id)).status).toBe("committed");
    },
  );

  it("a commit still running is not taken for an interrupted one", async () => {
    const batch = await dryRun(streetA, peopleCsv([`S3001,沈三,${areaA},staff,2,2020-03-01,本科,,`]));
    await startCommit(streetA.user, batch.id);
    // The page is looked at while the commit runs: running or done, never failed.
    expect(["committing", "committed"]).toContain((await loadBatch(streetA.user, batch.id)).status);
    await commitInFlight(batch.id);
    expect((await loadBatch(streetA.user, batch.id)).status).toBe("committed");
  });
});

describe("units", () => {
  const UNIT_HEADER = "单位编码,单位名称,英文名称,层级,上级单位编码";
  const unitsCsv = (rows: string[]) => [UNIT_HEADER, ...rows].join("\n") + "\n";
  let districtCode: string;
  let streetACode: string;
  let streetBCode: string;
  let admin: Officer;

  beforeAll(async () => {
    const codes = await db.unit.findMany({ where: { id: { in: [tree.district.id, tree.streets[0].id, tree.streets[1].id] } }, select: { id: true, code: true } });
    const code = (id: number) => codes.find((c) => c.id === id)!.code;
    [districtCode, streetACode, streetBCode] = [code(tree.district.id), code(tree.streets[0].id), code(tree.streets[1].id)];
    const user = await makeUser("admin");
    const cookie = await sessionCookieFor(user.id);
    admin = { user: (await getSessionUser(getRequest("/hr", cookie)))!, cookie };
  });

  const unit = (code: string) => db.unit.findUniqueOrThrow({ where: { code } });
  const unitCounts = async () => ({ units: await db.unit.count(), audits: await db.auditEvent.count({ where: { entityType: "Unit" } }) });

  it("keeps a street officer inside its street: every bad row named, nothing written", async () => {
    const before = await unitCounts();
    const batch = await dryRun(
      streetA,
      unitsCsv([
        `UA-NEW1,新建一居,New area 1,居民区,${streetACode}`, // fine
        `UA-NEW2,新建二居,,居民区,${streetBCode}`, // under another street
        `UA-ST,新街道,,街道,${districtCode}`, // a street: its parent, the district, is outside the street
        `${streetACode},改名的街道,,街道,${districtCode}`, // the officer's own unit
        `${areaB},别人的居民区,,居民区,${streetBCode}`, // another street's area
        `UA-NEW3,三居,,小区,${streetACode}`, // unknown level
        `UA-NEW1,重复,,居民区,${streetACode}`, // duplicate code
        `UA-NEW4,四居,,居民区,UA-NEW1`, // an area under an area
        `UA-NEW5,五居,,居民区,`, // no parent
      ]),
      "units",
    );
    const problems = batch.summary.issues.map((i) => [i.row, i.field, i.key]);
    expect(problems).toEqual([
      [3, "parent", "imports.errors.unitParentOutOfScope"],
      [4, "parent", "imports.errors.unitParentOutOfScope"],
      [5, "code", "imports.errors.unitOwnScope"],
      [6, "code", "imports.errors.unitOutOfScope"],
      [7, "kind", "imports.errors.unitKindUnknown"],
      [8, "code", "imports.errors.duplicateUnitCode"],
      [9, "parent", "imports.errors.unitParentLevel"],
      [10, "parent", "imports.errors.unitParentRequired"],
    ]);
    expect(batch.summary.issues.find((i) => i.row === 9)!.params).toEqual({ value: "UA-NEW1", kind: "area", parentKind: "street" });
    expect([batch.createdCount, batch.errorCount]).toEqual([1, 8]);
    expect(await unitCounts()).toEqual(before);
    await expect(startCommit(streetA.user, batch.id)).rejects.toMatchObject({ messageKey: "imports.errors.fixErrorsFirst" });
    // Its own street as exported (parent: the district outside its units), unchanged: no problem.
    const street = await db.unit.findUniqueOrThrow({ where: { id: tree.streets[0].id } });
    const own = await dryRun(streetA, unitsCsv([`${street.code},${street.nameZh},${street.nameEn},街道,${districtCode}`]), "units");
    expect([own.unchangedCount, own.errorCount]).toEqual([1, 0]);
  });

  it("creates a street and its areas listed before it, with paths and audit; re-importing changes nothing", async () => {
    const csv = unitsCsv([
      `ud-a1,东一居民区,East 1,居民区,UD-S`, // before its parent, and in lower case
      `UD-A2,东二居民区,,area,UD-S`,
      `UD-S,东街道,East street,街道,${districtCode}`,
    ]);
    const before = await unitCounts();
    const batch = await dryRun(district, csv, "units");
    expect([batch.createdCount, batch.updatedCount, batch.unchangedCount, batch.errorCount]).toEqual([3, 0, 0, 0]);
    expect(await unitCounts()).toEqual(before);
    expect((await commit(district, batch.id)).status).toBe("committed");
    const [street, a1, a2] = await Promise.all([unit("UD-S"), unit("UD-A1"), unit("UD-A2")]);
    expect([street.kind, street.parentId, street.path]).toEqual(["street", tree.district.id, `${tree.district.path}${street.id}/`]);
    expect([a1.nameZh, a1.nameEn, a1.kind, a1.parentId, a1.path]).toEqual(["东一居民区", "East 1", "area", street.id, `${street.path}${a1.id}/`]);
    expect(a2.nameEn).toBe("东二居民区"); // no English name given: the Chinese one
    const events = await db.auditEvent.findMany({ where: { entityType: "Unit", action: "unit.created", entityId: { in: [street.id, a1.id, a2.id].map(String) } } });
    expect(events).toHaveLength(3);
    expect(events.every((e) => e.actorId === district.user.id && e.reason === `import #${batch.id}`)).toBe(true);
    expect(JSON.parse(events.find((e) => e.entityId === String(a1.id))!.after!)).toMatchObject({ code: "UD-A1", kind: "area", parentCode: "UD-S", path: a1.path });

    const afterFirst = await unitCounts();
    const again = await dryRun(district, csv, "units");
    expect([again.createdCount, again.updatedCount, again.unchangedCount, again.errorCount]).toEqual([0, 0, 3, 0]);
    await commit(district, again.id);
    expect(await unitCounts()).toEqual(afterFirst);
  });

  it("renames and moves an area to another street in one transaction; its people follow; levels and loops refused", async () => {
    const a1 = await unit("UD-A1");
    const person = await makePerson(a1.id, { employeeNo: "U1001" });
    const bad = await dryRun(district, unitsCsv([`UD-A1,东一居民区,,居民区,${districtCode}`, `UD-S,东街道,,居民区,${districtCode}`]), "units");
    expect(bad.summary.issues.map((i) => [i.row, i.key])).toEqual([
      [2, "imports.errors.unitParentLevel"],
      [3, "imports.errors.unitKindFixed"],
    ]);
    const batch = await dryRun(district, unitsCsv([`UD-A1,东一居民区（迁）,,居民区,${streetACode}`]), "units");
    expect([batch.updatedCount, batch.errorCount]).toEqual([1, 0]);
    expect(batch.summary.sample[0].changed).toEqual(["name", "parent"]);
    expect(streetA.user.scopeUnitPath && a1.path.startsWith(streetA.user.scopeUnitPath)).toBe(false);
    await commit(district, batch.id);
    const moved = await unit("UD-A1");
    expect([moved.nameZh, moved.parentId, moved.path]).toEqual(["东一居民区（迁）", tree.streets[0].id, `${tree.streets[0].path}${a1.id}/`]);
    // The street's officer now reaches the area and its people (paths are read per request).
    const asStreetA = await dryRun(streetA, peopleCsv([`U1001,测试人员,UD-A1,staff,4,2020-03-01,本科,,`]));
    expect([asStreetA.updatedCount, asStreetA.errorCount]).toEqual([1, 0]);
    const event = await db.auditEvent.findFirstOrThrow({ where: { action: "unit.updated", entityId: String(a1.id) } });
    expect(JSON.parse(event.before!)).toMatchObject({ nameZh: "东一居民区", parentCode: "UD-S", path: a1.path });
    expect(JSON.parse(event.after!)).toMatchObject({ nameZh: "东一居民区（迁）", parentCode: streetACode, path: moved.path, unitsMoved: 1 });
    expect((await db.person.findUniqueOrThrow({ where: { id: person.id } })).unitId).toBe(a1.id);
  });

  it("lets an administrator create a district and move a street there with its whole subtree", async () => {
    await expect(dryRun(district, unitsCsv([`UD-D2,第二区,,区,`]), "units").then((b) => b.summary.issues.map((i) => i.key))).resolves.toEqual([
      "imports.errors.unitDistrictAdminOnly",
    ]);
    const a2Before = await unit("UD-A2");
    const batch = await dryRun(admin, unitsCsv([`UD-S,东街道,,街道,UD-D2`, `UD-D2,第二区,Second district,区,`]), "units");
    expect([batch.createdCount, batch.updatedCount, batch.errorCount]).toEqual([1, 1, 0]);
    await commit(admin, batch.id);
    const [d2, street, a2] = await Promise.all([unit("UD-D2"), unit("UD-S"), unit("UD-A2")]);
    expect([d2.parentId, d2.path]).toEqual([null, `/${d2.id}/`]);
    expect([street.parentId, street.path]).toEqual([d2.id, `/${d2.id}/${street.id}/`]);
    expect(a2.path).toBe(`/${d2.id}/${street.id}/${a2.id}/`); // not in the file: rewritten with its street
    expect(a2Before.path.startsWith(tree.district.path)).toBe(true);
    // Out of the district officer's reach now.
    const lost = await dryRun(district, unitsCsv([`UD-A2,东二居民区,,居民区,UD-S`]), "units");
    expect(lost.summary.issues.map((i) => i.key)).toEqual(["imports.errors.unitOutOfScope"]);
  });
});

describe("post types", () => {
  const POST_HEADER = "岗位代码,岗位名称,英文名称,最低等级,最高等级,排序";
  const postsCsv = (rows: string[]) => [POST_HEADER, ...rows].join("\n") + "\n";
  let admin: Officer;

  beforeAll(async () => {
    const user = await makeUser("admin");
    const cookie = await sessionCookieFor(user.id);
    admin = { user: (await getSessionUser(getRequest("/hr", cookie)))!, cookie };
  });

  it("are an administrator's: HR's upload is refused and the file not kept", async () => {
    const filesBefore = keptFiles().length;
    await expect(createBatch(district.user, "postTypes", staged(postsCsv(["volunteer,志愿者,,1,6,9"])))).rejects.toMatchObject({
      messageKey: "imports.errors.kindNotAllowed",
      status: 403,
    });
    expect(keptFiles().length).toBe(filesBefore);
    const form = new FormData();
    form.set("kind", "postTypes");
    form.set("file", new Blob([postsCsv(["volunteer,志愿者,,1,6,9"])]), "posts.csv");
    const response = await settle(() => uploadAction(args(new Request(BASE + "/hr/imports", { method: "POST", body: form, headers: { Cookie: district.cookie } }))));
    expect(response.status).toBe(403);
    const page = (await (await settle(() => historyLoader(args(getRequest("/hr/imports", district.cookie))))).json()) as { kinds: string[] };
    expect(page.kinds).not.toContain("postTypes");
  });

  it("creates and renames; refuses a range that would strand people; re-importing changes nothing", async () => {
    await makePerson(tree.streets[0].areaId, { employeeNo: "P1001" }); // staff, grade 3
    const bad = await dryRun(
      admin,
      postsCsv(["staff,工作人员,Staff,5,12,", "Bad Code,错误,,1,2,", "aide,助理,,9,3,", "aide2,助理二,,0,19,", "volunteer,志愿者,,1,6,x"]),
      "postTypes",
    );
    expect(bad.summary.issues.map((i) => [i.row, i.field, i.key])).toEqual([
      [2, "minGrade", "imports.errors.postRangeStrands"],
      [3, "code", "imports.errors.postCodeInvalid"],
      [4, "maxGrade", "imports.errors.postRangeReversed"],
      [5, "minGrade", "imports.errors.postGradeInvalid"],
      [5, "maxGrade", "imports.errors.postGradeInvalid"],
      [6, "sortOrder", "imports.errors.sortOrderInvalid"],
    ]);
    expect(bad.summary.issues[0].params).toMatchObject({ code: "staff", min: 5, max: 12 });

    const csv = postsCsv(["VOLUNTEER,志愿者,Volunteer,1,6,9", "supervisor,主管,Supervisor (deputy),4,15,"]);
    const batch = await dryRun(admin, csv, "postTypes");
    expect([batch.createdCount, batch.updatedCount, batch.unchangedCount, batch.errorCount]).toEqual([1, 1, 0, 0]);
    await commit(admin, batch.id);
    expect(await db.postType.findUniqueOrThrow({ where: { code: "volunteer" } })).toMatchObject({ nameZh: "志愿者", nameEn: "Volunteer", minGrade: 1, maxGrade: 6, sortOrder: 9 });
    expect((await db.postType.findUniqueOrThrow({ where: { code: "supervisor" } })).nameEn).toBe("Supervisor (deputy)");
    const changed = await db.auditEvent.findFirstOrThrow({ where: { action: "post_type.changed", entityId: "supervisor", reason: `import #${batch.id}` } });
    expect(JSON.parse(changed.before!)).toEqual({ nameEn: "supervisor" });
    expect(await db.auditEvent.count({ where: { action: "post_type.created", entityId: "volunteer" } })).toBe(1);
    const again = await dryRun(admin, csv, "postTypes");
    expect([again.createdCount, again.updatedCount, again.unchangedCount]).toEqual([0, 0, 2]);
  });
});
