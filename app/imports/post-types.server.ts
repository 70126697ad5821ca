// Importing post types (三岗: code, names, grade range of 三岗十八级): each row is matched on
// the code; a new code creates a post type, a known one is renamed or gets a new range where the
// file differs, and a row that says what is recorded changes nothing.
//
// Decisions:
// - Post types are ladder policy, edited by administrators only (/admin/ladder): only
//   administrators may import them (requireKindAllowed in imports.server.ts refuses HR).
// - The same rules as the ladder page (updatePostType in app/career/promotions.server.ts):
//   grades within LOWEST_GRADE..HIGHEST_GRADE, min ≤ max, and a new range may not leave an
//   active person of that post outside it — the row names how many would be.
// - Codes are stored in lower case (head, supervisor, staff): people files name post types by
//   code or name, matched case-insensitively.
// - Each created post type gets a post_type.created audit event and each changed one the
//   post_type.changed event the ladder page writes, with before, after and "import #<batch>".
import { HIGHEST_GRADE, LOWEST_GRADE } from "~/career/ladder";
import type { DbTx } from "~/utils/db.server";
import { reportProgress, RowReader, type PlanContext, type PlanCounts, type SampleRow } from "./plan.server";
import { parseInteger } from "./values";

export const POST_NAME_MAX = 50;
const WRITE_CHUNK = 1000; // rows per INSERT, under SQLite's bound-parameter limit

type PostValues = {
  nameZh: string;
  nameEn: string;
  minGrade: number;
  maxGrade: number;
  sortOrder: number;
};
export type PostCreate = { row: number; code: string; values: PostValues };
export type PostUpdate = {
  row: number;
  code: string;
  before: Partial<PostValues>;
  after: Partial<PostValues>;
};
export type PostTypesPlan = {
  kind: "postTypes";
  counts: PlanCounts;
  creates: PostCreate[];
  updates: PostUpdate[];
  issues: RowReader["issues"];
  sample: SampleRow[];
};

export function normalisePostCode(text: string): string | null {
  const value = text.trim().toLowerCase();
  return /^[a-z][a-z0-9_-]{0,31}$/.test(value) ? value : null;
}

export async function planPostTypes(ctx: PlanContext): Promise<PostTypesPlan> {
  const { client, table } = ctx;
  const reader = new RowReader(ctx.mapping);
  const existing = new Map(
    (
      await client.postType.findMany({
        select: {
          code: true,
          nameZh: true,
          nameEn: true,
          minGrade: true,
          maxGrade: true,
          sortOrder: true,
        },
      })
    ).map((p) => [p.code, p])
  );
  const firstRow = new Map<string, number>();
  const creates: PostCreate[] = [];
  const updates: PostUpdate[] = [];
  const sample: SampleRow[] = [];
  const rowsWithErrors = new Set<number>();
  const rangeChecks: { row: number; code: string; min: number; max: number }[] = [];
  let unchanged = 0;

  for (const [index, { row, cells }] of table.rows.entries()) {
    await reportProgress(ctx.progress, index);
    const before = reader.issues.length;
    const cell = (field: string) => reader.cell(cells, field).trim();
    const rawCode = cell("code");
    const code = normalisePostCode(rawCode);
    if (!rawCode) reader.problem(row, "code", "imports.errors.required");
    else if (!code)
      reader.problem(row, "code", "imports.errors.postCodeInvalid", {
        value: rawCode,
      });
    else if (firstRow.has(code))
      reader.problem(row, "code", "imports.errors.duplicatePostCode", {
        value: code,
        first: firstRow.get(code)!,
      });
    else firstRow.set(code, row);

    const nameZh = cell("name");
    if (!nameZh) reader.problem(row, "name", "imports.errors.required");
    else if (nameZh.length > POST_NAME_MAX)
      reader.problem(row, "name", "imports.errors.tooLong", {
        max: POST_NAME_MAX,
      });
    const nameEn = cell("nameEn");
    if (nameEn.length > POST_NAME_MAX)
      reader.problem(row, "nameEn", "imports.errors.tooLong", {
        max: POST_NAME_MAX,
      });

    const grade = (field: "minGrade" | "maxGrade") => {
      const text = cell(field);
      if (!text) {
        reader.problem(row, field, "imports.errors.required");
        return null;
      }
      const value = parseInteger(text);
      if (value === null || value < LOWEST_GRADE || value > HIGHEST_GRADE) {
        reader.problem(row, field, "imports.errors.postGradeInvalid", {
          value: text,
          min: LOWEST_GRADE,
          max: HIGHEST_GRADE,
        });
        return null;
      }
      return value;
    };
    const minGrade = grade("minGrade");
    const maxGrade = grade("maxGrade");
    if (minGrade !== null && maxGrade !== null && minGrade > maxGrade)
      reader.problem(row, "maxGrade", "imports.errors.postRangeReversed", {
        min: minGrade,
        max: maxGrade,
      });
    const sortText = cell("sortOrder");
    const sortOrder = sortText ? parseInteger(sortText) : null;
    if (sortText && (sortOrder === null || sortOrder < 0 || sortOrder > 9999))
      reader.problem(row, "sortOrder", "imports.errors.sortOrderInvalid", {
        value: sortText,
      });

    if (reader.issues.length > before || !code || minGrade === null || maxGrade === null) {
      rowsWithErrors.add(row);
      continue;
    }
    const current = existing.get(code);
    if (!current) {
      const values = {
        nameZh,
        nameEn: nameEn || nameZh,
        minGrade,
        maxGrade,
        sortOrder: sortOrder ?? existing.size + creates.length + 1,
      };
      creates.push({ row, code, values });
      if (sample.length < 20)
        sample.push({
          row,
          action: "create",
          summary: { code, name: nameZh, range: `${minGrade}–${maxGrade}` },
        });
      continue;
    }
    const given: Partial<PostValues> = { nameZh, minGrade, maxGrade };
    if (nameEn) given.nameEn = nameEn;
    if (sortOrder !== null) given.sortOrder = sortOrder;
    const changeBefore: Partial<PostValues> = {};
    const changeAfter: Partial<PostValues> = {};
    for (const key of Object.keys(given) as (keyof PostValues)[]) {
      if (given[key] !== current[key]) {
        (changeBefore as Record<string, unknown>)[key] = current[key];
        (changeAfter as Record<string, unknown>)[key] = given[key];
      }
    }
    if (Object.keys(changeAfter).length === 0) {
      unchanged++;
      continue;
    }
    if (minGrade > current.minGrade || maxGrade < current.maxGrade) rangeChecks.push({ row, code, min: minGrade, max: maxGrade });
    updates.push({ row, code, before: changeBefore, after: changeAfter });
    if (sample.length < 20) {
      sample.push({
        row,
        action: "update",
        summary: { code, name: nameZh },
        changed: Object.keys(changeAfter).map((key) => (key === "nameZh" ? "name" : key)),
      });
    }
  }
  // A narrower range may not strand anyone (the ladder page's rule): one count per narrowed post.
  // One after the other: on PostgreSQL the commit plans inside its transaction, one connection.
  const refused = new Set<number>();
  for (const s of rangeChecks) {
    const count = await client.person.count({
      where: {
        active: true,
        postTypeCode: s.code,
        OR: [{ grade: { lt: s.min } }, { grade: { gt: s.max } }],
      },
    });
    if (count === 0) continue;
    reader.problem(s.row, "minGrade", "imports.errors.postRangeStrands", {
      count,
      code: s.code,
      min: s.min,
      max: s.max,
    });
    rowsWithErrors.add(s.row);
    refused.add(s.row);
  }
  await ctx.progress?.(table.rows.length);
  const kept = updates.filter((u) => !refused.has(u.row));
  return {
    kind: "postTypes",
    counts: {
      rows: table.rows.length,
      created: creates.length,
      updated: kept.length,
      unchanged,
      errors: rowsWithErrors.size,
    },
    creates,
    updates: kept,
    issues: reader.issues,
    sample: sample.filter((s) => !refused.has(s.row)),
  };
}

export async function writePostTypes(
  tx: DbTx,
  plan: PostTypesPlan,
  meta: {
    actorId: number;
    batchId: number;
    requestId: string | null;
    ip: string | null;
  }
) {
  const reason = `import #${meta.batchId}`;
  for (let i = 0; i < plan.creates.length; i += WRITE_CHUNK) {
    await tx.postType.createMany({
      data: plan.creates.slice(i, i + WRITE_CHUNK).map((c) => ({ code: c.code, ...c.values })),
    });
  }
  for (const u of plan.updates) await tx.postType.update({ where: { code: u.code }, data: u.after });
  const events = [
    ...plan.creates.map((c) => ({
      action: "post_type.created",
      code: c.code,
      before: null as string | null,
      after: JSON.stringify(c.values),
    })),
    ...plan.updates.map((u) => ({
      action: "post_type.changed",
      code: u.code,
      before: JSON.stringify(u.before),
      after: JSON.stringify(u.after),
    })),
  ];
  for (let i = 0; i < events.length; i += WRITE_CHUNK) {
    await tx.auditEvent.createMany({
      data: events.slice(i, i + WRITE_CHUNK).map((e) => ({
        actorId: meta.actorId,
        action: e.action,
        entityType: "PostType",
        entityId: e.code,
        before: e.before,
        after: e.after,
        reason,
        requestId: meta.requestId,
        ip: meta.ip,
      })),
    });
  }
}
