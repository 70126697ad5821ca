// Importing units (district → street/town → residential area/village): each row is matched on
// the unit code; a new code creates a unit under the parent named by its code, a known one is
// renamed or moved where the file differs, and a row that says what is recorded changes nothing.
//
// Decisions:
// - The levels are fixed: a district has no parent, a street's parent is a district, an area's
//   parent is a street. A unit's kind never changes through an import (its children would end
//   up on the wrong level); such a row is an error.
// - Rows may come in any order: a parent code is looked up among the file's rows first, then in
//   the database. Because every parent is one level up, writing level by level (districts,
//   streets, areas) always writes a parent before its children.
// - Moving is supported: a unit's new parent is another unit of the level above, and the moved
//   unit's whole subtree gets its `path` rewritten in the commit's transaction (nothing in the
//   database keeps paths right; docs/data-model.md). Everything else refers to units by id, and
//   paths are read at request time (sessions, reports, API tokens), so people, classes, officers'
//   scopes and tokens follow the unit. An empty parent cell keeps the current parent.
// - HR works inside its unit's subtree: it may create units below any unit of the subtree and
//   rename or move units strictly below its own unit (its own unit is an administrator's
//   matter), to a parent inside the subtree. A code that belongs to a unit outside the subtree
//   is an error, like an employee number outside it. Administrators may do anything the levels
//   allow, including new districts.
// - An archived unit stays as it is: a row that would change it, or a new unit under it, is an
//   error; an unchanged row of it is unchanged.
// - Every created unit gets a unit.created audit event, every changed one unit.updated with
//   before and after (names, parent code, path), reason "import #<batch>".
import { canAccessUnit, subtreeWhere } from "~/auth/guards.server";
import type { DbTx } from "~/utils/db.server";
import { reportProgress, RowReader, type PlanContext, type PlanCounts, type SampleRow } from "./plan.server";

export const UNIT_KINDS = ["district", "street", "area"] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];
const LEVEL: Record<UnitKind, number> = { district: 0, street: 1, area: 2 };
const PARENT_KIND: Record<UnitKind, UnitKind | null> = { district: null, street: "district", area: "street" };

const KIND_WORDS: Record<string, UnitKind> = {
  district: "district", 区: "district", 区县: "district", 县: "district",
  street: "street", town: "street", 街道: "street", 镇: "street", 街镇: "street", 乡: "street", 乡镇: "street",
  area: "area", residentialarea: "area", village: "area", 居民区: "area", 居委: "area", 居委会: "area", 村: "area", 村委会: "area", 社区: "area",
};

export function parseUnitKind(text: string): UnitKind | null {
  return KIND_WORDS[text.trim().toLowerCase().replace(/[\s_-]+/g, "")] ?? null;
}

/** Unit codes are written in upper case (CN-HY-01); exports mix cases and spaces. */
export function normaliseUnitCode(text: string): string | null {
  const value = text.trim().toUpperCase();
  return /^[A-Z0-9][A-Z0-9_-]{0,39}$/.test(value) ? value : null;
}

export const UNIT_NAME_MAX = 60;
export const UNIT_NAME_EN_MAX = 120;

type Existing = { id: number; code: string; nameZh: string; nameEn: string; kind: string; parentId: number | null; path: string; archivedAt: Date | null };

/** Where a unit hangs: an existing unit, or a unit created by another row of the file. */
export type ParentRef = { existing: number } | { created: string };

export type UnitCreate = { row: number; code: string; nameZh: string; nameEn: string; kind: UnitKind; parent: ParentRef | null; parentCode: string | null };
export type UnitUpdate = {
  row: number;
  unitId: number;
  code: string;
  kind: UnitKind;
  /** The new parent when the unit moves. */
  moveTo?: ParentRef;
  before: { nameZh?: string; nameEn?: string; parentCode?: string | null };
  after: { nameZh?: string; nameEn?: string; parentCode?: string | null };
};
export type UnitsPlan = {
  kind: "units";
  counts: PlanCounts;
  creates: UnitCreate[];
  updates: UnitUpdate[];
  issues: RowReader["issues"];
  sample: SampleRow[];
};

type ParsedRow = {
  row: number;
  rawCode: string;
  code: string | null;
  nameZh: string;
  nameEn: string;
  kind: UnitKind | null;
  parentCode: string | null;
  rawParent: string;
};

export async function planUnits(ctx: PlanContext): Promise<UnitsPlan> {
  const { client, actor, table } = ctx;
  const reader = new RowReader(ctx.mapping);
  // Units are few (a district has hundreds): all of them, so that a code outside the officer's
  // subtree is recognised as taken rather than offered as new.
  const all: Existing[] = await client.unit.findMany({
    select: { id: true, code: true, nameZh: true, nameEn: true, kind: true, parentId: true, path: true, archivedAt: true },
  });
  const byCode = new Map<string, Existing>();
  for (const u of all) byCode.set(u.code.toUpperCase(), u);
  for (const u of all) byCode.set(u.code, u); // an exact match wins over a case-folded one
  const byId = new Map(all.map((u) => [u.id, u]));
  const hr = actor.role !== "admin";
  const inScope = (unit: { path: string }) => canAccessUnit(actor, unit);
  /** HR changes units strictly below its own unit. */
  const changeable = (unit: Existing) => !hr || (inScope(unit) && unit.id !== actor.scopeUnitId);

  const parsed: ParsedRow[] = table.rows.map(({ row, cells }) => {
    const cell = (field: string) => reader.cell(cells, field).trim();
    const rawCode = cell("code");
    const rawParent = cell("parent");
    return {
      row,
      rawCode,
      code: normaliseUnitCode(rawCode),
      nameZh: cell("name"),
      nameEn: cell("nameEn"),
      kind: parseUnitKind(cell("kind")),
      parentCode: rawParent ? normaliseUnitCode(rawParent) : null,
      rawParent,
    };
  });
  const fileRowByCode = new Map<string, ParsedRow>();
  const firstRow = new Map<string, number>();
  for (const r of parsed) {
    if (!r.code) continue;
    if (!firstRow.has(r.code)) {
      firstRow.set(r.code, r.row);
      fileRowByCode.set(r.code, r);
    }
  }

  // First pass: each row on its own (cells, kind, the unit it names).
  const rowOk = new Map<number, boolean>();
  for (const [index, r] of parsed.entries()) {
    await reportProgress(ctx.progress, index);
    const before = reader.issues.length;
    const kindText = reader.cell(table.rows[index].cells, "kind").trim();
    if (!r.rawCode) reader.problem(r.row, "code", "imports.errors.required");
    else if (!r.code) reader.problem(r.row, "code", "imports.errors.unitCodeInvalid", { value: r.rawCode });
    else if (firstRow.get(r.code) !== r.row) reader.problem(r.row, "code", "imports.errors.duplicateUnitCode", { value: r.code, first: firstRow.get(r.code)! });
    if (!r.nameZh) reader.problem(r.row, "name", "imports.errors.required");
    else if (r.nameZh.length > UNIT_NAME_MAX) reader.problem(r.row, "name", "imports.errors.tooLong", { max: UNIT_NAME_MAX });
    if (r.nameEn.length > UNIT_NAME_EN_MAX) reader.problem(r.row, "nameEn", "imports.errors.tooLong", { max: UNIT_NAME_EN_MAX });
    if (!kindText) reader.problem(r.row, "kind", "imports.errors.required");
    else if (!r.kind) reader.problem(r.row, "kind", "imports.errors.unitKindUnknown", { value: kindText });
    if (r.rawParent && !r.parentCode) reader.problem(r.row, "parent", "imports.errors.unitCodeInvalid", { value: r.rawParent });
    else if (r.parentCode && r.parentCode === r.code) reader.problem(r.row, "parent", "imports.errors.unitParentSelf");

    const current = r.code ? byCode.get(r.code) : undefined;
    if (current) {
      if (hr && !inScope(current)) reader.problem(r.row, "code", "imports.errors.unitOutOfScope", { value: r.code! });
      else if (r.kind && current.kind !== r.kind) reader.problem(r.row, "kind", "imports.errors.unitKindFixed", { value: r.code!, kind: current.kind });
    }
    rowOk.set(r.row, reader.issues.length === before);
  }

  // Second pass: parents, levels, scope, and what would change. A row's parent from the file
  // must itself be a good row, so that nothing is created under a unit that will not exist.
  const creates: UnitCreate[] = [];
  const updates: UnitUpdate[] = [];
  const sample: SampleRow[] = [];
  const rowsWithErrors = new Set<number>();
  let unchanged = 0;
  for (const r of parsed) {
    if (!rowOk.get(r.row) || !r.code || !r.kind) {
      rowsWithErrors.add(r.row);
      continue;
    }
    const before = reader.issues.length;
    const current = byCode.get(r.code);
    const wantedParentKind = PARENT_KIND[r.kind];

    // The parent the row names, if it names one.
    let parent: { ref: ParentRef; code: string; kind: string; path: string | null; archived: boolean } | null = null;
    if (r.parentCode) {
      const inFile = fileRowByCode.get(r.parentCode);
      const known = byCode.get(r.parentCode);
      if (known) {
        // The current parent may be outside the officer's units (its own unit's parent): naming it moves nothing.
        const stays = current !== undefined && current.parentId === known.id;
        if (hr && !stays && !inScope(known)) reader.problem(r.row, "parent", "imports.errors.unitParentOutOfScope", { value: r.parentCode });
        else parent = { ref: { existing: known.id }, code: known.code, kind: known.kind, path: known.path, archived: known.archivedAt !== null };
      } else if (inFile) {
        if (!rowOk.get(inFile.row) || !inFile.kind) reader.problem(r.row, "parent", "imports.errors.unitParentRowInvalid", { value: r.parentCode, parentRow: inFile.row });
        else parent = { ref: { created: inFile.code! }, code: inFile.code!, kind: inFile.kind, path: null, archived: false };
      } else {
        reader.problem(r.row, "parent", "imports.errors.unitParentUnknown", { value: r.parentCode });
      }
    }
    if (parent && wantedParentKind !== parent.kind) {
      reader.problem(
        r.row,
        "parent",
        wantedParentKind === null ? "imports.errors.unitDistrictNoParent" : "imports.errors.unitParentLevel",
        { value: parent.code, kind: r.kind, parentKind: wantedParentKind ?? "" },
      );
      parent = null;
    }

    if (!current) {
      // A new unit.
      if (!r.parentCode && wantedParentKind !== null) reader.problem(r.row, "parent", "imports.errors.unitParentRequired", { kind: r.kind });
      if (!r.parentCode && wantedParentKind === null && hr) reader.problem(r.row, "kind", "imports.errors.unitDistrictAdminOnly");
      if (parent?.archived) reader.problem(r.row, "parent", "imports.errors.unitParentArchived", { value: parent.code });
      if (reader.issues.length > before) {
        rowsWithErrors.add(r.row);
        continue;
      }
      creates.push({ row: r.row, code: r.code, nameZh: r.nameZh, nameEn: r.nameEn || r.nameZh, kind: r.kind, parent: parent?.ref ?? null, parentCode: parent?.code ?? null });
      if (sample.length < 20) sample.push({ row: r.row, action: "create", summary: { code: r.code, name: r.nameZh, parent: parent?.code ?? "" } });
      continue;
    }

    // A known unit: only what the file says, and only where it differs.
    const currentParent = current.parentId !== null ? (byId.get(current.parentId) ?? null) : null;
    const changes: UnitUpdate = { row: r.row, unitId: current.id, code: current.code, kind: r.kind, before: {}, after: {} };
    if (r.nameZh !== current.nameZh) [changes.before.nameZh, changes.after.nameZh] = [current.nameZh, r.nameZh];
    if (r.nameEn && r.nameEn !== current.nameEn) [changes.before.nameEn, changes.after.nameEn] = [current.nameEn, r.nameEn];
    const moves = parent !== null && !("existing" in parent.ref && parent.ref.existing === current.parentId);
    if (moves && parent) {
      if (parent.path !== null && parent.path.startsWith(current.path)) reader.problem(r.row, "parent", "imports.errors.unitParentLoop", { value: parent.code });
      if (parent.archived) reader.problem(r.row, "parent", "imports.errors.unitParentArchived", { value: parent.code });
      changes.moveTo = parent.ref;
      [changes.before.parentCode, changes.after.parentCode] = [currentParent?.code ?? null, parent.code];
    }
    const changed = Object.keys(changes.after).length > 0;
    if (changed && !changeable(current)) reader.problem(r.row, "code", "imports.errors.unitOwnScope", { value: current.code });
    if (changed && current.archivedAt) reader.problem(r.row, "code", "imports.errors.unitArchived", { value: current.code });
    if (reader.issues.length > before) {
      rowsWithErrors.add(r.row);
      continue;
    }
    if (!changed) {
      unchanged++;
      continue;
    }
    updates.push(changes);
    if (sample.length < 20) {
      sample.push({
        row: r.row,
        action: "update",
        summary: { code: current.code, name: r.nameZh },
        changed: Object.keys(changes.after).map((key) => (key === "nameZh" ? "name" : key === "parentCode" ? "parent" : key)),
      });
    }
  }
  // A row whose parent row failed only in the second pass leaves that child planned: drop it.
  const failedCodes = new Set([...firstRow].filter(([, row]) => rowsWithErrors.has(row)).map(([code]) => code));
  const dependsOnFailed = (ref: ParentRef | null | undefined) => ref !== null && ref !== undefined && "created" in ref && failedCodes.has(ref.created);
  let dropped = true;
  while (dropped) {
    dropped = false;
    for (const list of [creates, updates] as const) {
      for (let i = list.length - 1; i >= 0; i--) {
        const item = list[i];
        const ref = "parent" in item ? item.parent : item.moveTo;
        if (!dependsOnFailed(ref)) continue;
        const parentCode = ref && "created" in ref ? ref.created : "";
        reader.problem(item.row, "parent", "imports.errors.unitParentRowInvalid", { value: parentCode, parentRow: firstRow.get(parentCode) ?? 0 });
        rowsWithErrors.add(item.row);
        failedCodes.add(item.code);
        list.splice(i, 1);
        dropped = true;
      }
    }
  }
  await ctx.progress?.(table.rows.length);
  return {
    kind: "units",
    counts: { rows: table.rows.length, created: creates.length, updated: updates.length, unchanged, errors: rowsWithErrors.size },
    creates,
    updates,
    issues: reader.issues,
    sample: sample.filter((s) => !rowsWithErrors.has(s.row)),
  };
}

/**
 * Writes a units plan inside the caller's transaction, level by level so every parent exists
 * (with its final path) before its children are written or moved.
 */
export async function writeUnits(tx: DbTx, plan: UnitsPlan, meta: { actorId: number; batchId: number; requestId: string | null; ip: string | null }) {
  const reason = `import #${meta.batchId}`;
  const createdIds = new Map<string, number>();
  const parentIdOf = (ref: ParentRef) => ("existing" in ref ? ref.existing : createdIds.get(ref.created)!);
  const events: { action: string; unitId: number; before: unknown; after: unknown }[] = [];
  const top = await tx.unit.aggregate({ _max: { sortOrder: true } });
  let sortOrder = top._max.sortOrder ?? 0;

  for (const level of [0, 1, 2]) {
    const creates = plan.creates.filter((c) => LEVEL[c.kind] === level);
    const updates = plan.updates.filter((u) => LEVEL[u.kind] === level);
    // Parents are one level up and already final (created, moved) by now.
    const parentIds = [...new Set([...creates.flatMap((c) => (c.parent ? [parentIdOf(c.parent)] : [])), ...updates.flatMap((u) => (u.moveTo ? [parentIdOf(u.moveTo)] : []))])];
    const parentPath = new Map((await tx.unit.findMany({ where: { id: { in: parentIds } }, select: { id: true, path: true } })).map((p) => [p.id, p.path]));

    for (const c of creates) {
      const parentId = c.parent ? parentIdOf(c.parent) : null;
      const unit = await tx.unit.create({
        data: { code: c.code, nameZh: c.nameZh, nameEn: c.nameEn, kind: c.kind, parentId, path: "/", sortOrder: ++sortOrder },
        select: { id: true },
      });
      const path = `${parentId === null ? "/" : parentPath.get(parentId)!}${unit.id}/`;
      await tx.unit.update({ where: { id: unit.id }, data: { path } });
      createdIds.set(c.code, unit.id);
      events.push({ action: "unit.created", unitId: unit.id, before: null, after: { code: c.code, nameZh: c.nameZh, nameEn: c.nameEn, kind: c.kind, parentCode: c.parentCode, path } });
    }

    for (const u of updates) {
      const data: { nameZh?: string; nameEn?: string; parentId?: number } = {};
      if (u.after.nameZh !== undefined) data.nameZh = u.after.nameZh;
      if (u.after.nameEn !== undefined) data.nameEn = u.after.nameEn;
      const before: Record<string, unknown> = { ...u.before };
      const after: Record<string, unknown> = { ...u.after };
      if (u.moveTo) {
        const parentId = parentIdOf(u.moveTo);
        data.parentId = parentId;
        // Read now: a move of an ancestor earlier in this commit may have rewritten it.
        const { path: oldPath } = await tx.unit.findUniqueOrThrow({ where: { id: u.unitId }, select: { path: true } });
        const newPath = `${parentPath.get(parentId)!}${u.unitId}/`;
        const subtree = await tx.unit.findMany({ where: subtreeWhere(oldPath), select: { id: true, path: true } });
        for (const s of subtree) await tx.unit.update({ where: { id: s.id }, data: { path: newPath + s.path.slice(oldPath.length) } });
        before.path = oldPath;
        after.path = newPath;
        after.unitsMoved = subtree.length;
      }
      await tx.unit.update({ where: { id: u.unitId }, data });
      events.push({ action: "unit.updated", unitId: u.unitId, before, after });
    }
  }
  for (let i = 0; i < events.length; i += 1000) {
    await tx.auditEvent.createMany({
      data: events.slice(i, i + 1000).map((e) => ({
        actorId: meta.actorId,
        action: e.action,
        entityType: "Unit",
        entityId: String(e.unitId),
        before: e.before === null ? null : JSON.stringify(e.before),
        after: JSON.stringify(e.after),
        reason,
        requestId: meta.requestId,
        ip: meta.ip,
      })),
    });
  }
}
