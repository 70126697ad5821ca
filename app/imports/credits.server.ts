// Importing historic credits into the ledger (sourceType "import"). Each row becomes one entry
// whose sourceKey is a hash of the row's meaning (person, year, points, category, competency,
// date, note) plus its occurrence among identical rows of the file, so re-importing the same
// file — or another export with the same records — finds every key taken and writes nothing.
//
// Decisions:
// - A closed credit year takes no new imported entry: like an adjustment, a historic record is
//   a statement about one year, and moving it into the next open year would change its
//   meaning; the row says so (reopen the year at /hr/years, or leave the row out). An entry
//   that already exists in a closed year counts as unchanged, so re-imports still pass.
// - The whole amount goes to the one competency named in the row (the ledger splits every
//   entry over competencies in full; spreading unknown attribution would fake coverage).
// - Years from 2000 to the current one; points non-zero with at most two decimals.
import { createHash } from "node:crypto";
import { awardCreditsMany, type AwardInput } from "~/credits/ledger.server";
import { canAccessUnit } from "~/auth/guards.server";
import type { DbTx } from "~/utils/db.server";
import { shanghaiYear } from "~/utils/time";
import { findInChunks, normaliseEmployeeNo, reportProgress, RowReader, type PlanContext, type PlanCounts, type SampleRow } from "./plan.server";
import { formatDate, parseCategory, parseCentipoints, parseDate, parseInteger } from "./values";

export type CreditsPlan = {
  kind: "credits";
  counts: PlanCounts;
  awards: (AwardInput & { row: number; employeeNo: string })[];
  issues: RowReader["issues"];
  sample: SampleRow[];
};

export function creditSourceKey(parts: (string | number | null)[], occurrence: number): string {
  const digest = createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 40);
  return `import:credit:${digest}#${occurrence}`;
}

export async function planCredits(ctx: PlanContext): Promise<CreditsPlan> {
  const { client, actor, table, now } = ctx;
  const reader = new RowReader(ctx.mapping);
  const competencies = await client.competency.findMany({
    where: { framework: { status: "active" } },
    select: { id: true, code: true, nameZh: true, nameEn: true },
  });
  const competencyByKey = new Map<string, number>();
  for (const c of competencies) for (const k of [c.code.toLowerCase(), c.nameZh, c.nameEn.toLowerCase()]) competencyByKey.set(k, c.id);
  const numbers = table.rows.map((r) => normaliseEmployeeNo(reader.cell(r.cells, "employeeNo")));
  const people = await findInChunks(
    numbers.filter((n): n is string => n !== null),
    (chunk) => client.person.findMany({ where: { employeeNo: { in: chunk } }, select: { id: true, employeeNo: true, unit: { select: { path: true } } } }),
  );
  const personByNo = new Map(people.map((p) => [p.employeeNo, p]));
  const closedYears = new Set((await client.creditYear.findMany({ where: { status: "closed" }, select: { year: true } })).map((y) => y.year));
  const thisYear = shanghaiYear(now);

  const awards: CreditsPlan["awards"] = [];
  const occurrences = new Map<string, number>();
  const rowsWithErrors = new Set<number>();
  for (const [index, { row, cells }] of table.rows.entries()) {
    await reportProgress(ctx.progress, index);
    const before = reader.issues.length;
    const cell = (field: string) => reader.cell(cells, field);
    const raw = cell("employeeNo");
    const employeeNo = numbers[index];
    const person = employeeNo ? personByNo.get(employeeNo) : undefined;
    // Someone outside the officer's units is answered like nobody, so numbers can't be probed.
    if (!raw) reader.problem(row, "employeeNo", "imports.errors.required");
    else if (!person || !canAccessUnit(actor, person.unit)) reader.problem(row, "employeeNo", "imports.errors.personUnknown", { value: raw });

    const yearText = cell("creditYear");
    const year = parseInteger(yearText);
    if (!yearText) reader.problem(row, "creditYear", "imports.errors.required");
    else if (year === null || year < 2000 || year > thisYear) reader.problem(row, "creditYear", "imports.errors.yearInvalid", { value: yearText, max: thisYear });

    const pointsText = cell("points");
    const amount = parseCentipoints(pointsText);
    if (!pointsText) reader.problem(row, "points", "imports.errors.required");
    else if (amount === null || amount === 0) reader.problem(row, "points", "imports.errors.pointsInvalid", { value: pointsText });

    const categoryText = cell("category");
    const category = parseCategory(categoryText);
    if (!categoryText) reader.problem(row, "category", "imports.errors.required");
    else if (!category) reader.problem(row, "category", "imports.errors.categoryUnknown", { value: categoryText });

    const competencyText = cell("competency");
    const competencyId = competencyByKey.get(competencyText.toLowerCase()) ?? competencyByKey.get(competencyText);
    if (!competencyText) reader.problem(row, "competency", "imports.errors.required");
    else if (!competencyId) reader.problem(row, "competency", "imports.errors.competencyUnknown", { value: competencyText });

    const dateText = cell("date");
    const date = dateText ? parseDate(dateText) : null;
    if (dateText && (!date || date > now)) reader.problem(row, "date", "imports.errors.dateInvalid", { value: dateText });
    const note = cell("note").slice(0, 200);

    if (reader.issues.length > before || !person || year === null || amount === null || !category || !competencyId) {
      rowsWithErrors.add(row);
      continue;
    }
    const parts = [person.id, year, amount, category, competencyId, date ? formatDate(date) : null, note];
    const identity = JSON.stringify(parts);
    const occurrence = (occurrences.get(identity) ?? 0) + 1;
    occurrences.set(identity, occurrence);
    awards.push({
      row,
      employeeNo: person.employeeNo,
      personId: person.id,
      creditYear: year,
      amount,
      category,
      sourceType: "import",
      sourceKey: creditSourceKey(parts, occurrence),
      competencies: [{ competencyId, amount }],
      note,
      createdById: actor.id,
      ...(date ? { createdAt: date } : {}),
    });
  }
  const taken = new Set(
    (
      await findInChunks(
        awards.map((a) => a.sourceKey),
        (chunk) => client.ledgerEntry.findMany({ where: { sourceKey: { in: chunk } }, select: { sourceKey: true } }),
      )
    ).map((e) => e.sourceKey),
  );
  const fresh = awards.filter((a) => !taken.has(a.sourceKey));
  for (const a of fresh) {
    if (closedYears.has(a.creditYear)) {
      reader.problem(a.row, "creditYear", "imports.errors.yearClosed", { year: a.creditYear });
      rowsWithErrors.add(a.row);
    }
  }
  const writable = fresh.filter((a) => !rowsWithErrors.has(a.row));
  await ctx.progress?.(table.rows.length);
  return {
    kind: "credits",
    counts: { rows: table.rows.length, created: writable.length, updated: 0, unchanged: awards.length - fresh.length, errors: rowsWithErrors.size },
    awards: writable,
    issues: reader.issues,
    sample: writable.slice(0, 20).map((a) => ({
      row: a.row,
      action: "create" as const,
      summary: { employeeNo: a.employeeNo, year: String(a.creditYear), points: (a.amount / 100).toFixed(2), category: a.category },
    })),
  };
}

export async function writeCredits(tx: DbTx, plan: CreditsPlan) {
  if (plan.awards.length === 0) return;
  await awardCreditsMany(
    tx,
    plan.awards.map(({ row: _row, employeeNo: _employeeNo, ...award }) => award),
  );
}
