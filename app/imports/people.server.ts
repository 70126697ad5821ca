// Importing people: each row is matched on the employee number; a new number creates a
// person, a known one is updated where the file differs, and a row that says what the
// database already holds changes nothing (so re-importing a file is a no-op).
//
// Decisions:
// - A column that is not mapped, or an empty optional cell, keeps the person's current value:
//   exports often leave fields out, and "unknown" must not erase what HR already recorded.
// - A new person without a grade starts at startingGrade (post minimum + education and
//   certificate bonuses, app/career/ladder.ts), recorded from the hire date; a given grade
//   must lie within the post type's range and is recorded from the import date.
// - HR imports only into units of its subtree, and cannot touch a person outside it (the row
//   says the number is taken outside its units rather than pretending it is free).
// - Every grade or post change writes a GradeRecord (reason "import") and an audit event;
//   every changed person gets an audit event with before and after. A created person gets
//   its initial GradeRecord (recorded by the officer, note "import #<batch>") and a
//   person.created event whose after is the grade, post and unit it starts with and whose
//   reason names the batch: a grade level is set there, and every grade level needs its own
//   record of who, when and why. They are written with createMany, 1,000 per INSERT, in the
//   same transaction (their cost: docs/performance.md, "HR import: 10,000 people").
import { loadLadderRules } from "~/career/promotions.server";
import { isGradeInRange, startingGrade } from "~/career/ladder";
import { canAccessUnit, unitScopeWhere } from "~/auth/guards.server";
import type { DbTx } from "~/utils/db.server";
import { shanghaiYear } from "~/utils/time";
import {
  duplicateRows,
  findInChunks,
  normaliseEmployeeNo,
  reportProgress,
  RowReader,
  type PlanContext,
  type PlanCounts,
  type SampleRow,
} from "./plan.server";
import { formatDate, parseCertificate, parseDate, parseEducation, parseGender, parseInteger } from "./values";

/** The person columns an import can set. */
export type PersonValues = {
  name: string;
  unitId: number;
  postTypeCode: string;
  grade: number;
  hiredOn: Date;
  secretarySince: Date | null;
  education: string;
  socialWorkCert: string;
  gender: string | null;
  birthYear: number | null;
  phone: string | null;
  email: string | null;
};
const COMPARED = ["name", "unitId", "postTypeCode", "grade", "hiredOn", "secretarySince", "education", "socialWorkCert", "gender", "birthYear", "phone", "email"] as const;

type ExistingPerson = PersonValues & { id: number; employeeNo: string; unit: { path: string } };

export type PersonCreate = { row: number; employeeNo: string; unitCode: string; values: PersonValues; gradeFrom: Date };
export type PersonUpdate = {
  row: number;
  personId: number;
  employeeNo: string;
  before: Partial<PersonValues>;
  after: Partial<PersonValues>;
};
export type PeoplePlan = {
  kind: "people";
  counts: PlanCounts;
  creates: PersonCreate[];
  updates: PersonUpdate[];
  issues: RowReader["issues"];
  sample: SampleRow[];
};

const same = (a: unknown, b: unknown) => (a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : a === b);

export async function planPeople(ctx: PlanContext): Promise<PeoplePlan> {
  const { client, actor, table, now } = ctx;
  const reader = new RowReader(ctx.mapping);
  const [units, postTypes, ladder] = await Promise.all([
    client.unit.findMany({ where: { ...unitScopeWhere(actor), archivedAt: null }, select: { id: true, code: true, nameZh: true, nameEn: true, path: true } }),
    client.postType.findMany({ select: { code: true, nameZh: true, nameEn: true, minGrade: true, maxGrade: true } }),
    loadLadderRules(client),
  ]);
  // Units by code first, then by a name that is unique within the scope.
  const unitByKey = new Map<string, (typeof units)[number]>();
  const nameCount = new Map<string, number>();
  for (const u of units) for (const n of [u.nameZh, u.nameEn.toLowerCase()]) nameCount.set(n, (nameCount.get(n) ?? 0) + 1);
  for (const u of units) {
    for (const n of [u.nameZh, u.nameEn.toLowerCase()]) if (nameCount.get(n) === 1) unitByKey.set(n, u);
  }
  for (const u of units) unitByKey.set(u.code.toUpperCase(), u);
  const findUnit = (text: string) => unitByKey.get(text.toUpperCase()) ?? unitByKey.get(text) ?? unitByKey.get(text.toLowerCase());
  const postByKey = new Map<string, (typeof postTypes)[number]>();
  for (const p of postTypes) for (const k of [p.code.toLowerCase(), p.nameZh, p.nameEn.toLowerCase()]) postByKey.set(k, p);
  const findPost = (text: string) => postByKey.get(text.toLowerCase()) ?? postByKey.get(text);

  const numbers = table.rows.map((r) => ({ row: r.row, raw: reader.cell(r.cells, "employeeNo"), employeeNo: normaliseEmployeeNo(reader.cell(r.cells, "employeeNo")) }));
  const duplicates = duplicateRows(numbers);
  const existingRows = await findInChunks(
    numbers.flatMap((n) => (n.employeeNo ? [n.employeeNo] : [])),
    (chunk) =>
      client.person.findMany({
        where: { employeeNo: { in: chunk } },
        select: {
          id: true, employeeNo: true, name: true, unitId: true, postTypeCode: true, grade: true, hiredOn: true, secretarySince: true,
          education: true, socialWorkCert: true, gender: true, birthYear: true, phone: true, email: true, unit: { select: { path: true } },
        },
      }),
  );
  const existing = new Map<string, ExistingPerson>(existingRows.map((p) => [p.employeeNo, p]));

  const thisYear = shanghaiYear(now);
  const creates: PersonCreate[] = [];
  const updates: PersonUpdate[] = [];
  const sample: SampleRow[] = [];
  let unchanged = 0;
  const rowsWithErrors = new Set<number>();
  const issueCountBefore = () => reader.issues.length;

  for (const [index, { row, cells }] of table.rows.entries()) {
    await reportProgress(ctx.progress, index);
    const before = issueCountBefore();
    const { raw, employeeNo } = numbers[index];
    const cell = (field: string) => reader.cell(cells, field);
    if (!employeeNo) reader.problem(row, "employeeNo", raw ? "imports.errors.employeeNoInvalid" : "imports.errors.required", { value: raw });
    const firstRow = duplicates.get(row);
    if (firstRow !== undefined) reader.problem(row, "employeeNo", "imports.errors.duplicateEmployeeNo", { value: employeeNo ?? raw, first: firstRow });
    const current = employeeNo ? existing.get(employeeNo) : undefined;
    if (current && !canAccessUnit(actor, current.unit)) {
      reader.problem(row, "employeeNo", "imports.errors.personOutOfScope", { value: employeeNo ?? raw });
    }

    const name = cell("name");
    if (!name) reader.problem(row, "name", "imports.errors.required");
    else if (name.length > 60) reader.problem(row, "name", "imports.errors.tooLong", { max: 60 });

    const unitText = cell("unit");
    const unit = unitText ? findUnit(unitText) : undefined;
    if (!unitText) reader.problem(row, "unit", "imports.errors.required");
    else if (!unit) reader.problem(row, "unit", "imports.errors.unitUnknown", { value: unitText });

    const postText = cell("postType");
    const post = postText ? findPost(postText) : undefined;
    if (!postText) reader.problem(row, "postType", "imports.errors.required");
    else if (!post) reader.problem(row, "postType", "imports.errors.postUnknown", { value: postText });

    const hiredText = cell("hiredOn");
    const hiredOn = parseDate(hiredText);
    if (!hiredText) reader.problem(row, "hiredOn", "imports.errors.required");
    else if (!hiredOn || hiredOn > now || hiredOn.getUTCFullYear() < 1950) reader.problem(row, "hiredOn", "imports.errors.dateInvalid", { value: hiredText });

    const secretaryText = cell("secretarySince");
    const secretarySince = secretaryText ? parseDate(secretaryText) : null;
    if (secretaryText && (!secretarySince || secretarySince > now)) reader.problem(row, "secretarySince", "imports.errors.dateInvalid", { value: secretaryText });

    const educationText = cell("education");
    const education = parseEducation(educationText);
    if (!educationText) reader.problem(row, "education", "imports.errors.required");
    else if (!education) reader.problem(row, "education", "imports.errors.educationUnknown", { value: educationText });

    const certText = cell("socialWorkCert");
    const cert = parseCertificate(certText);
    if (certText && !cert) reader.problem(row, "socialWorkCert", "imports.errors.certificateUnknown", { value: certText });

    const genderText = cell("gender");
    const gender = genderText ? parseGender(genderText) : null;
    if (genderText && !gender) reader.problem(row, "gender", "imports.errors.genderUnknown", { value: genderText });

    const birthText = cell("birthYear");
    const birthYear = birthText ? (parseInteger(birthText) ?? parseDate(birthText)?.getUTCFullYear() ?? null) : null;
    if (birthText && (birthYear === null || birthYear < 1930 || birthYear > thisYear - 16)) {
      reader.problem(row, "birthYear", "imports.errors.birthYearInvalid", { value: birthText });
    }
    const phone = cell("phone") || null;
    if (phone && !/^[0-9+()\- ]{5,30}$/.test(phone)) reader.problem(row, "phone", "imports.errors.phoneInvalid", { value: phone });
    const email = cell("email") || null;
    if (email && (email.length > 120 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))) reader.problem(row, "email", "imports.errors.emailInvalid", { value: email });

    const gradeText = cell("grade");
    let grade: number | null = null;
    if (gradeText) {
      grade = parseInteger(gradeText);
      if (grade === null) reader.problem(row, "grade", "imports.errors.gradeInvalid", { value: gradeText });
      else if (post && !isGradeInRange(grade, post)) {
        reader.problem(row, "grade", "imports.errors.gradeOutOfRange", { grade, post: post.code, min: post.minGrade, max: post.maxGrade });
      }
    } else if (current && post && post.code !== current.postTypeCode && !isGradeInRange(current.grade, post)) {
      // A new post whose range excludes the current grade needs the grade said outright.
      reader.problem(row, "grade", "imports.errors.gradeNeededForPost", { grade: current.grade, post: post.code, min: post.minGrade, max: post.maxGrade });
    }

    if (reader.issues.length > before) {
      rowsWithErrors.add(row);
      continue;
    }
    if (!employeeNo || !unit || !post || !hiredOn || !education) continue; // reported above

    if (!current) {
      const derived = startingGrade(post, { education, socialWorkCert: cert ?? "none" }, ladder).grade;
      const values: PersonValues = {
        name,
        unitId: unit.id,
        postTypeCode: post.code,
        grade: grade ?? derived,
        hiredOn,
        secretarySince,
        education,
        socialWorkCert: cert ?? "none",
        gender,
        birthYear,
        phone,
        email,
      };
      creates.push({ row, employeeNo, unitCode: unit.code, values, gradeFrom: grade === null ? hiredOn : now });
      if (sample.length < 20) sample.push({ row, action: "create", summary: { employeeNo, name, unit: unit.code, grade: String(values.grade) } });
      continue;
    }
    // Only what the file says, and only where it differs.
    const given: Partial<PersonValues> = { name, unitId: unit.id, postTypeCode: post.code, hiredOn, education };
    if (grade !== null) given.grade = grade;
    if (secretarySince) given.secretarySince = secretarySince;
    if (cert) given.socialWorkCert = cert;
    if (gender) given.gender = gender;
    if (birthYear !== null) given.birthYear = birthYear;
    if (phone) given.phone = phone;
    if (email) given.email = email;
    const changedBefore: Partial<PersonValues> = {};
    const changedAfter: Partial<PersonValues> = {};
    for (const key of COMPARED) {
      if (!(key in given)) continue;
      if (!same(given[key], current[key])) {
        (changedBefore as Record<string, unknown>)[key] = current[key];
        (changedAfter as Record<string, unknown>)[key] = given[key];
      }
    }
    if (Object.keys(changedAfter).length === 0) {
      unchanged++;
      continue;
    }
    updates.push({ row, personId: current.id, employeeNo, before: changedBefore, after: changedAfter });
    if (sample.length < 20) {
      sample.push({
        row,
        action: "update",
        summary: { employeeNo, name },
        changed: Object.keys(changedAfter).map((key) => (key === "unitId" ? "unit" : key === "postTypeCode" ? "postType" : key)),
      });
    }
  }
  await ctx.progress?.(table.rows.length);
  return {
    kind: "people",
    counts: { rows: table.rows.length, created: creates.length, updated: updates.length, unchanged, errors: rowsWithErrors.size },
    creates,
    updates,
    issues: reader.issues,
    sample,
  };
}

/** Rows per INSERT: 16 columns × 1000 stays under SQLite's 32,766 bound parameters. */
const WRITE_CHUNK = 1000;

type AuditRow = {
  actorId: number;
  action: string;
  entityType: string;
  entityId: string;
  personId: number;
  before: string | null;
  after: string | null;
  reason: string;
  requestId: string | null;
  ip: string | null;
};

function jsonValues(values: Partial<PersonValues>) {
  return JSON.stringify(
    Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v instanceof Date ? formatDate(v) : v])),
  );
}

/**
 * Writes a people plan inside the caller's transaction, in batches (createMany for new people
 * and their grade records; one update per changed person, with its audit events).
 */
export async function writePeople(
  tx: DbTx,
  plan: PeoplePlan,
  meta: { actorId: number; batchId: number; now: Date; requestId: string | null; ip: string | null },
) {
  const reason = `import #${meta.batchId}`;
  const audit = (action: string, personId: number, before: string | null, after: string | null): AuditRow => ({
    actorId: meta.actorId,
    action,
    entityType: "Person",
    entityId: String(personId),
    personId,
    before,
    after,
    reason,
    requestId: meta.requestId,
    ip: meta.ip,
  });
  for (let i = 0; i < plan.creates.length; i += WRITE_CHUNK) {
    const chunk = plan.creates.slice(i, i + WRITE_CHUNK);
    const created = await tx.person.createManyAndReturn({
      data: chunk.map((c) => ({ employeeNo: c.employeeNo, ...c.values })),
      select: { id: true, employeeNo: true },
    });
    const idByNo = new Map(created.map((p) => [p.employeeNo, p.id]));
    await tx.gradeRecord.createMany({
      data: chunk.map((c) => ({
        personId: idByNo.get(c.employeeNo)!,
        postTypeCode: c.values.postTypeCode,
        grade: c.values.grade,
        effectiveFrom: c.gradeFrom,
        reason: "import",
        note: reason,
        recordedById: meta.actorId,
      })),
    });
    await tx.auditEvent.createMany({
      data: chunk.map((c) => {
        const personId = idByNo.get(c.employeeNo)!;
        const after = {
          employeeNo: c.employeeNo,
          unitId: c.values.unitId,
          unitCode: c.unitCode,
          postTypeCode: c.values.postTypeCode,
          grade: c.values.grade,
          gradeFrom: formatDate(c.gradeFrom),
          reason: "import",
        };
        return audit("person.created", personId, null, JSON.stringify(after));
      }),
    });
  }
  const gradeRecords: { personId: number; postTypeCode: string; grade: number; effectiveFrom: Date; reason: string; note: string; recordedById: number }[] = [];
  const events: AuditRow[] = [];
  for (const u of plan.updates) {
    const person = await tx.person.update({ where: { id: u.personId }, data: u.after, select: { grade: true, postTypeCode: true } });
    events.push(audit("person.updated", u.personId, jsonValues(u.before), jsonValues(u.after)));
    if ("grade" in u.after || "postTypeCode" in u.after) {
      gradeRecords.push({ personId: u.personId, postTypeCode: person.postTypeCode, grade: person.grade, effectiveFrom: meta.now, reason: "import", note: reason, recordedById: meta.actorId });
      events.push(
        audit(
          "person.grade_changed",
          u.personId,
          JSON.stringify({ grade: u.before.grade ?? person.grade, postTypeCode: u.before.postTypeCode ?? person.postTypeCode }),
          JSON.stringify({ grade: person.grade, postTypeCode: person.postTypeCode, reason: "import" }),
        ),
      );
    }
  }
  for (let i = 0; i < gradeRecords.length; i += WRITE_CHUNK) await tx.gradeRecord.createMany({ data: gradeRecords.slice(i, i + WRITE_CHUNK) });
  for (let i = 0; i < events.length; i += WRITE_CHUNK) await tx.auditEvent.createMany({ data: events.slice(i, i + WRITE_CHUNK) });
}
