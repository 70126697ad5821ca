// Importing grade history: each row is a GradeRecord (reason "import") for a person in the
// officer's units — post type (the person's current one when the column is absent), grade
// within that post's range, and the date it took effect. A row whose record already exists
// (same person, post, grade and date) is unchanged. When the newest date in the file is at
// least the person's newest recorded one, the person's current grade and post follow it,
// with a person.grade_changed audit event.
import { canAccessUnit } from "~/auth/guards.server";
import { isGradeInRange } from "~/career/ladder";
import type { DbTx } from "~/utils/db.server";
import { findInChunks, normaliseEmployeeNo, reportProgress, RowReader, type PlanContext, type PlanCounts, type SampleRow } from "./plan.server";
import { formatDate, parseDate, parseInteger } from "./values";

type GradeRow = { row: number; personId: number; employeeNo: string; postTypeCode: string; grade: number; effectiveFrom: Date; note: string };
export type GradeChange = { personId: number; before: { grade: number; postTypeCode: string }; after: { grade: number; postTypeCode: string } };

export type GradesPlan = {
  kind: "grades";
  counts: PlanCounts;
  records: GradeRow[];
  changes: GradeChange[];
  issues: RowReader["issues"];
  sample: SampleRow[];
};

export async function planGrades(ctx: PlanContext): Promise<GradesPlan> {
  const { client, actor, table, now } = ctx;
  const reader = new RowReader(ctx.mapping);
  const postTypes = await client.postType.findMany({ select: { code: true, nameZh: true, nameEn: true, minGrade: true, maxGrade: true } });
  const postByKey = new Map<string, (typeof postTypes)[number]>();
  for (const p of postTypes) for (const k of [p.code.toLowerCase(), p.nameZh, p.nameEn.toLowerCase()]) postByKey.set(k, p);
  const numbers = table.rows.map((r) => normaliseEmployeeNo(reader.cell(r.cells, "employeeNo")));
  const people = await findInChunks(
    numbers.filter((n): n is string => n !== null),
    (chunk) =>
      client.person.findMany({
        where: { employeeNo: { in: chunk } },
        select: { id: true, employeeNo: true, grade: true, postTypeCode: true, unit: { select: { path: true } } },
      }),
  );
  const personByNo = new Map(people.map((p) => [p.employeeNo, p]));
  const recorded = await findInChunks(
    people.map((p) => p.id),
    (chunk) => client.gradeRecord.findMany({ where: { personId: { in: chunk } }, select: { personId: true, postTypeCode: true, grade: true, effectiveFrom: true } }),
  );
  const recordKey = (r: { personId: number; postTypeCode: string; grade: number; effectiveFrom: Date }) =>
    `${r.personId}|${r.postTypeCode}|${r.grade}|${r.effectiveFrom.getTime()}`;
  const existingKeys = new Set(recorded.map(recordKey));
  const latestRecorded = new Map<number, number>();
  for (const r of recorded) latestRecorded.set(r.personId, Math.max(latestRecorded.get(r.personId) ?? 0, r.effectiveFrom.getTime()));

  const records: GradeRow[] = [];
  const seenInFile = new Map<string, number>();
  const rowsWithErrors = new Set<number>();
  let unchanged = 0;
  for (const [index, { row, cells }] of table.rows.entries()) {
    await reportProgress(ctx.progress, index);
    const before = reader.issues.length;
    const cell = (field: string) => reader.cell(cells, field);
    const raw = cell("employeeNo");
    const person = numbers[index] ? personByNo.get(numbers[index]!) : undefined;
    if (!raw) reader.problem(row, "employeeNo", "imports.errors.required");
    else if (!person || !canAccessUnit(actor, person.unit)) reader.problem(row, "employeeNo", "imports.errors.personUnknown", { value: raw });

    const postText = cell("postType");
    const post = postText ? (postByKey.get(postText.toLowerCase()) ?? postByKey.get(postText)) : person ? postTypes.find((p) => p.code === person.postTypeCode) : undefined;
    if (postText && !post) reader.problem(row, "postType", "imports.errors.postUnknown", { value: postText });

    const gradeText = cell("grade");
    const grade = parseInteger(gradeText);
    if (!gradeText) reader.problem(row, "grade", "imports.errors.required");
    else if (grade === null) reader.problem(row, "grade", "imports.errors.gradeInvalid", { value: gradeText });
    else if (post && !isGradeInRange(grade, post)) {
      reader.problem(row, "grade", "imports.errors.gradeOutOfRange", { grade, post: post.code, min: post.minGrade, max: post.maxGrade });
    }
    const dateText = cell("effectiveFrom");
    const effectiveFrom = parseDate(dateText);
    if (!dateText) reader.problem(row, "effectiveFrom", "imports.errors.required");
    else if (!effectiveFrom || effectiveFrom > now || effectiveFrom.getUTCFullYear() < 1950) reader.problem(row, "effectiveFrom", "imports.errors.dateInvalid", { value: dateText });

    if (person && effectiveFrom) {
      const sameDay = `${person.id}|${effectiveFrom.getTime()}`;
      const first = seenInFile.get(sameDay);
      if (first !== undefined) reader.problem(row, "effectiveFrom", "imports.errors.duplicateGradeDate", { date: formatDate(effectiveFrom), first });
      else seenInFile.set(sameDay, row);
    }
    if (reader.issues.length > before || !person || !post || grade === null || !effectiveFrom) {
      rowsWithErrors.add(row);
      continue;
    }
    const record = { row, personId: person.id, employeeNo: person.employeeNo, postTypeCode: post.code, grade, effectiveFrom, note: cell("note").slice(0, 200) };
    if (existingKeys.has(recordKey(record))) {
      unchanged++;
      continue;
    }
    records.push(record);
  }
  // The person's current grade follows the newest record, if it is from the file.
  const newest = new Map<number, GradeRow>();
  for (const r of records) {
    const known = newest.get(r.personId);
    if (!known || r.effectiveFrom > known.effectiveFrom) newest.set(r.personId, r);
  }
  const changes: GradeChange[] = [];
  for (const [personId, r] of newest) {
    if (r.effectiveFrom.getTime() < (latestRecorded.get(personId) ?? 0)) continue;
    const person = personByNo.get(r.employeeNo)!;
    if (person.grade === r.grade && person.postTypeCode === r.postTypeCode) continue;
    changes.push({ personId, before: { grade: person.grade, postTypeCode: person.postTypeCode }, after: { grade: r.grade, postTypeCode: r.postTypeCode } });
  }
  await ctx.progress?.(table.rows.length);
  return {
    kind: "grades",
    counts: { rows: table.rows.length, created: records.length, updated: 0, unchanged, errors: rowsWithErrors.size },
    records,
    changes,
    issues: reader.issues,
    sample: records.slice(0, 20).map((r) => ({
      row: r.row,
      action: "create" as const,
      summary: { employeeNo: r.employeeNo, grade: String(r.grade), post: r.postTypeCode, effectiveFrom: formatDate(r.effectiveFrom) },
    })),
  };
}

export async function writeGrades(
  tx: DbTx,
  plan: GradesPlan,
  meta: { actorId: number; batchId: number; requestId: string | null; ip: string | null },
) {
  const reason = `import #${meta.batchId}`;
  for (let i = 0; i < plan.records.length; i += 500) {
    await tx.gradeRecord.createMany({
      data: plan.records.slice(i, i + 500).map((r) => ({
        personId: r.personId,
        postTypeCode: r.postTypeCode,
        grade: r.grade,
        effectiveFrom: r.effectiveFrom,
        reason: "import",
        note: r.note || reason,
        recordedById: meta.actorId,
      })),
    });
  }
  for (const c of plan.changes) {
    await tx.person.update({ where: { id: c.personId }, data: c.after });
  }
  if (plan.changes.length > 0) {
    await tx.auditEvent.createMany({
      data: plan.changes.map((c) => ({
        actorId: meta.actorId,
        action: "person.grade_changed",
        entityType: "Person",
        entityId: String(c.personId),
        personId: c.personId,
        before: JSON.stringify(c.before),
        after: JSON.stringify({ ...c.after, reason: "import" }),
        reason,
        requestId: meta.requestId,
        ip: meta.ip,
      })),
    });
  }
}
