// What every kind of import shares: reading a mapped cell, finding people by employee number
// within the officer's units, progress callbacks, and the shape of a plan (what the commit
// would do, row by row) that the dry run shows and the commit writes.
import { canAccessUnit, type SessionUser } from "~/auth/guards.server";
import type { DbTx } from "~/utils/db.server";
import type { ImportParams, RowIssue } from "./errors";
import type { ColumnMapping } from "./kinds";
import type { ParsedTable } from "./parse.server";

export type RowAction = "create" | "update" | "unchanged";

/** A few planned rows shown in the preview, as display strings. */
export type SampleRow = { row: number; action: RowAction; summary: Record<string, string>; changed?: string[] };

export type PlanCounts = { rows: number; created: number; updated: number; unchanged: number; errors: number };

/** Called every PROGRESS_EVERY rows while planning, with the rows done so far. */
export type Progress = (done: number) => Promise<void> | void;
export const PROGRESS_EVERY = 1000;

export type PlanContext = {
  client: DbTx;
  actor: SessionUser;
  table: ParsedTable;
  mapping: ColumnMapping;
  /** Time of the dry run or commit: "not in the future" checks and dates written. */
  now: Date;
  progress?: Progress;
};

export class RowReader {
  readonly issues: RowIssue[] = [];
  constructor(private readonly mapping: ColumnMapping) {}

  /** The trimmed cell for `field`, "" when the field is not mapped or the cell is empty. */
  cell(cells: readonly string[], field: string): string {
    const index = this.mapping[field];
    return index === undefined ? "" : (cells[index] ?? "");
  }

  mapped(field: string): boolean {
    return this.mapping[field] !== undefined;
  }

  problem(row: number, field: string | undefined, key: RowIssue["key"], params?: ImportParams) {
    this.issues.push({ row, ...(field ? { field } : {}), key, ...(params ? { params } : {}) });
  }
}

/** Employee numbers are written in upper case (CN0002); exports mix cases and spaces. */
export function normaliseEmployeeNo(text: string): string | null {
  const value = text.trim().toUpperCase();
  return /^[A-Z0-9][A-Z0-9_-]{0,31}$/.test(value) ? value : null;
}

/** Rows whose employee number appears more than once in the file, each with the first row that has it. */
export function duplicateRows(numbers: { row: number; employeeNo: string | null }[]): Map<number, number> {
  const first = new Map<string, number>();
  const duplicates = new Map<number, number>();
  for (const { row, employeeNo } of numbers) {
    if (!employeeNo) continue;
    const seen = first.get(employeeNo);
    if (seen === undefined) first.set(employeeNo, row);
    else duplicates.set(row, seen);
  }
  return duplicates;
}

const LOOKUP_CHUNK = 900; // under SQLite's and PostgreSQL's bound-parameter limits with room to spare

/** Runs `fetch` over the keys in chunks and concatenates the results (lookups of 10,000 numbers). */
export async function findInChunks<K, T>(keys: readonly K[], fetch: (chunk: K[]) => Promise<T[]>): Promise<T[]> {
  const unique = [...new Set(keys)];
  const found: T[] = [];
  for (let i = 0; i < unique.length; i += LOOKUP_CHUNK) found.push(...(await fetch(unique.slice(i, i + LOOKUP_CHUNK))));
  return found;
}

export function inScope(actor: SessionUser, person: { unit: { path: string } }): boolean {
  return canAccessUnit(actor, person.unit);
}

export async function reportProgress(progress: Progress | undefined, index: number) {
  if (progress && index > 0 && index % PROGRESS_EVERY === 0) await progress(index);
}
