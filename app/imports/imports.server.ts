// HR imports, step by step: upload (the original file is kept under DATA_DIR/imports with a
// server-made name, and an ImportBatch row records who, when, what), map the columns, dry run
// (the whole plan is computed and shown with per-row errors; nothing is written), commit (the
// plan is computed again against the database as it is now, then written in ONE transaction;
// a failure leaves nothing but the batch marked failed), and the history of batches.
//
// The commit runs after the request that started it has answered, so the page can show a
// progress bar: processedRows counts planned rows (written outside the transaction, so any
// instance can read it); the write itself is one transaction, after which the batch is
// committed. In SQLite mode that transaction holds the one connection (ADR 003) — another
// request waits for it, which is why files are capped at MAX_IMPORT_ROWS and the writes are
// batched (docs/performance.md: 10,000 people in a few seconds). On PostgreSQL the planning
// runs inside that transaction too, under the batch's advisory lock (runCommit), so that a
// batch left "committing" by a dead process can be told from one still running elsewhere.
import { recordAudit } from "~/audit/audit.server";
import type { SessionUser } from "~/auth/guards.server";
import { discardStaged, keepStaged, keptFileResponse, keptPath, removeKept, stagingUploadHandler, type StagedFile } from "~/files/storage.server";
import { db, type DbTx } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { forbidden, notFound } from "~/utils/http.server";
import { logger } from "~/utils/logger.server";
import { requestContext } from "~/utils/request-context.server";
import { planCredits, writeCredits, type CreditsPlan } from "./credits.server";
import { ImportError, isImportError, type RowIssue } from "./errors";
import { planGrades, writeGrades, type GradesPlan } from "./grades.server";
import {
  autoMap,
  IMPORT_FILE_FIELD,
  isImportKind,
  kindAllowed,
  MAX_IMPORT_BYTES,
  MAX_STORED_ROW_ERRORS,
  mappingProblems,
  type ColumnMapping,
  type ImportKind,
  type MappingProblem,
} from "./kinds";
import { parseImportFile, type ParsedTable } from "./parse.server";
import { planPeople, writePeople, type PeoplePlan } from "./people.server";
import type { PlanContext, PlanCounts, SampleRow } from "./plan.server";
import { planPostTypes, writePostTypes, type PostTypesPlan } from "./post-types.server";
import { planUnits, writeUnits, type UnitsPlan } from "./units.server";

export const IMPORTS_AREA = "imports";
/** The commit's one transaction may take a while on 20,000 rows; other requests wait up to maxWait. */
const COMMIT_TRANSACTION = { maxWait: 30_000, timeout: 120_000 } as const;

export type ImportPlan = PeoplePlan | GradesPlan | CreditsPlan | UnitsPlan | PostTypesPlan;

/** What the batch page shows beside the counts (kept as JSON in ImportBatch.errorSummary). */
export type BatchSummary = {
  headers: string[];
  issues: RowIssue[];
  sample: SampleRow[];
  /** A whole-batch failure (commit refused or rolled back). */
  failure?: { key: string; params?: Record<string, string | number> };
};

function readSummary(text: string | null): BatchSummary {
  if (!text) return { headers: [], issues: [], sample: [] };
  try {
    return JSON.parse(text) as BatchSummary;
  } catch {
    return { headers: [], issues: [], sample: [] };
  }
}

function requireImporter(actor: SessionUser) {
  // HR without a unit scope has no units to import into.
  if (actor.role === "admin") return;
  if (actor.role !== "hr" || !actor.scopeUnitId || !actor.scopeUnitPath) forbidden();
}

/** The upload handler of the import form: one file, streamed, refused past 50 MB. */
export function importUploadHandler(staged: StagedFile[]) {
  return stagingUploadHandler(staged, {
    area: IMPORTS_AREA,
    field: IMPORT_FILE_FIELD,
    limit: MAX_IMPORT_BYTES,
    maxFiles: 1,
    tooMany: () => new ImportError("imports.errors.oneFile"),
  });
}

export { discardStaged };

/**
 * Reads a received file and, if it is a table, keeps it and records an uploaded batch with the
 * automatic column mapping. An unreadable file is refused (ImportError) and not kept.
 */
export async function createBatch(actor: SessionUser, kind: ImportKind, file: StagedFile): Promise<{ id: number }> {
  requireImporter(actor);
  try {
    requireKindAllowed(actor, kind);
  } catch (error) {
    await discardStaged([file]);
    throw error;
  }
  let table: ParsedTable;
  try {
    if (file.sizeBytes === 0) throw new ImportError("imports.errors.empty");
    table = await parseImportFile(file.tempPath);
  } catch (error) {
    await discardStaged([file]);
    throw error;
  }
  const storedName = await keepStaged(IMPORTS_AREA, file);
  const mapping = autoMap(kind, table.headers);
  try {
    return await db.$transaction(async (tx) => {
      const batch = await tx.importBatch.create({
        data: {
          kind,
          fileName: file.originalName,
          storedName,
          fileSha256: file.sha256,
          fileBytes: file.sizeBytes,
          encoding: table.encoding,
          mapping: JSON.stringify(mapping),
          status: "uploaded",
          rowCount: table.rows.length,
          errorSummary: JSON.stringify({ headers: table.headers, issues: [], sample: [] } satisfies BatchSummary),
          scopeUnitId: actor.role === "admin" ? null : actor.scopeUnitId,
          createdById: actor.id,
        },
        select: { id: true },
      });
      await recordAudit(tx, {
        actorId: actor.id,
        action: "import.uploaded",
        entityType: "ImportBatch",
        entityId: batch.id,
        after: { kind, fileName: file.originalName, fileSha256: file.sha256, fileBytes: file.sizeBytes, encoding: table.encoding, rows: table.rows.length },
      });
      return batch;
    });
  } catch (error) {
    await removeKept(IMPORTS_AREA, [storedName]);
    throw error;
  }
}

const batchSelect = {
  id: true,
  kind: true,
  fileName: true,
  storedName: true,
  fileSha256: true,
  fileBytes: true,
  encoding: true,
  mapping: true,
  status: true,
  rowCount: true,
  processedRows: true,
  createdCount: true,
  updatedCount: true,
  unchangedCount: true,
  errorCount: true,
  errorSummary: true,
  scopeUnitId: true,
  createdById: true,
  createdAt: true,
  committedAt: true,
} as const;

/** Administrators see every batch; HR those made within its units (any officer of them). */
async function canSeeBatch(client: DbTx, actor: SessionUser, batch: { scopeUnitId: number | null; createdById: number }) {
  if (actor.role === "admin") return true;
  if (actor.role !== "hr" || !actor.scopeUnitPath) return false;
  if (batch.scopeUnitId === null) return false;
  const unit = await client.unit.findUnique({ where: { id: batch.scopeUnitId }, select: { path: true } });
  return unit !== null && unit.path.startsWith(actor.scopeUnitPath);
}

async function batchFor(actor: SessionUser, batchId: number) {
  requireImporter(actor);
  const batch = await db.importBatch.findUnique({ where: { id: batchId }, select: batchSelect });
  if (!batch) notFound();
  if (!(await canSeeBatch(db, actor, batch))) notFound();
  return batch;
}

export async function loadBatch(actor: SessionUser, batchId: number) {
  let batch = await batchFor(actor, batchId);
  if (batch.status === "committing" && (await markInterrupted(batchId))) batch = await batchFor(actor, batchId);
  const creator = await db.user.findUnique({ where: { id: batch.createdById }, select: { displayName: true } });
  const { storedName: _stored, errorSummary, mapping, ...rest } = batch;
  return {
    ...rest,
    createdBy: creator?.displayName ?? "",
    mapping: JSON.parse(mapping) as ColumnMapping,
    summary: readSummary(errorSummary),
  };
}

async function plan(kind: ImportKind, ctx: PlanContext): Promise<ImportPlan> {
  if (kind === "people") return planPeople(ctx);
  if (kind === "grades") return planGrades(ctx);
  if (kind === "units") return planUnits(ctx);
  if (kind === "postTypes") return planPostTypes(ctx);
  return planCredits(ctx);
}

type WriteMeta = { actorId: number; batchId: number; now: Date; requestId: string | null; ip: string | null };

async function writePlan(tx: DbTx, result: ImportPlan, meta: WriteMeta) {
  if (result.kind === "people") await writePeople(tx, result, meta);
  else if (result.kind === "grades") await writeGrades(tx, result, meta);
  else if (result.kind === "units") await writeUnits(tx, result, meta);
  else if (result.kind === "postTypes") await writePostTypes(tx, result, meta);
  else await writeCredits(tx, result);
}

/** Post types are administrators' policy (see kindAllowed); checked at every step, not only the upload. */
function requireKindAllowed(actor: SessionUser, kind: string) {
  if (!isImportKind(kind)) notFound();
  if (!kindAllowed(actor.role, kind)) throw new ImportError("imports.errors.kindNotAllowed", {}, 403);
}

function summaryOf(headers: string[], result: { issues: RowIssue[]; sample: SampleRow[] }, failure?: BatchSummary["failure"]): string {
  const issues = [...result.issues].sort((a, b) => a.row - b.row).slice(0, MAX_STORED_ROW_ERRORS);
  return JSON.stringify({ headers, issues, sample: result.sample, ...(failure ? { failure } : {}) } satisfies BatchSummary);
}

function countsData(counts: PlanCounts) {
  return { createdCount: counts.created, updatedCount: counts.updated, unchangedCount: counts.unchanged, errorCount: counts.errors };
}

const progressWriter = (batchId: number) => async (done: number) => {
  await db.importBatch.update({ where: { id: batchId }, data: { processedRows: done } });
};

export type PreviewOutcome = { ok: true; counts: PlanCounts } | { ok: false; problems: MappingProblem[] };

/**
 * The dry run: checks the mapping, reads the file again and plans every row against the
 * database without writing anything but the batch's own counts and row errors.
 */
export async function previewBatch(actor: SessionUser, batchId: number, mapping: ColumnMapping): Promise<PreviewOutcome> {
  const batch = await batchFor(actor, batchId);
  requireKindAllowed(actor, batch.kind);
  if (!isImportKind(batch.kind)) notFound();
  if (!["uploaded", "previewed", "failed"].includes(batch.status)) throw new ImportError("imports.errors.notPreviewable", {}, 409);
  const table = await parseImportFile(keptPath(IMPORTS_AREA, batch.storedName));
  const problems = mappingProblems(batch.kind, mapping, table.headers.length);
  if (problems.length > 0) return { ok: false, problems };
  await db.importBatch.update({ where: { id: batchId }, data: { mapping: JSON.stringify(mapping), processedRows: 0 } });
  const result = await plan(batch.kind, { client: db, actor, table, mapping, now: new Date(), progress: progressWriter(batchId) });
  const issues = [...table.issues, ...result.issues];
  const errors = new Set(issues.map((i) => i.row)).size;
  const counts = { ...result.counts, errors };
  // Only a batch still in the dry-run stage takes the result (a commit may have started meanwhile).
  await db.importBatch.updateMany({
    where: { id: batchId, status: { in: ["uploaded", "previewed", "failed"] } },
    data: { status: "previewed", rowCount: table.rows.length, processedRows: table.rows.length, ...countsData(counts), errorSummary: summaryOf(table.headers, { issues, sample: result.sample }) },
  });
  return { ok: true, counts };
}

/** Commits in flight in this process, so tests (and a clean shutdown) can wait for them. */
const running = new Map<number, Promise<void>>();
export function commitInFlight(batchId: number): Promise<void> | undefined {
  return running.get(batchId);
}

/**
 * PostgreSQL: the commit's transaction holds a transaction-level advisory lock on (this
 * namespace, batch id) from before it claims the batch until it ends, so "committing" with
 * the lock free means the transaction that held it is gone (its process died, the server
 * rolled it back) — on any instance. The two-key form keeps these locks apart from the
 * migration lock (one bigint key).
 */
export const COMMIT_LOCK_NAMESPACE = 0x1a2e_0006;

async function tryCommitLock(tx: DbTx, batchId: number): Promise<boolean> {
  const rows = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(CAST(${COMMIT_LOCK_NAMESPACE} AS INTEGER), CAST(${batchId} AS INTEGER)) AS "locked"`;
  return rows[0]?.locked === true;
}

const interruptedSummary = (errorSummary: string | null) =>
  JSON.stringify({ ...readSummary(errorSummary), failure: { key: "imports.errors.interrupted" } } satisfies BatchSummary);

/**
 * A batch left "committing" by a process that stopped mid-commit (its transaction rolled back,
 * so nothing was written) is marked failed, so it can be dry-run and committed again. SQLite:
 * the one app process is the only one that can be running it, so "not running here" is enough.
 * PostgreSQL: only if the commit lock is free — taken here in a transaction of its own, so a
 * commit cannot take it (and go on) while this marks the batch.
 */
async function markInterrupted(batchId: number): Promise<boolean> {
  if (running.has(batchId)) return false;
  if (env().database.dialect === "sqlite") {
    const current = await db.importBatch.findUnique({ where: { id: batchId }, select: { errorSummary: true } });
    const marked = await db.importBatch.updateMany({
      where: { id: batchId, status: "committing" },
      data: { status: "failed", errorSummary: interruptedSummary(current?.errorSummary ?? null) },
    });
    return marked.count === 1;
  }
  return db.$transaction(async (tx) => {
    if (!(await tryCommitLock(tx, batchId))) return false; // a live commit holds it
    const current = await tx.importBatch.findUnique({ where: { id: batchId }, select: { errorSummary: true } });
    const marked = await tx.importBatch.updateMany({
      where: { id: batchId, status: "committing" },
      data: { status: "failed", errorSummary: interruptedSummary(current?.errorSummary ?? null) },
    });
    return marked.count === 1;
  });
}

/** The batch is someone else's (claimed meanwhile, or marked interrupted): leave it alone. */
class NotOurBatch extends Error {}

/**
 * Claims a previewed batch without errors for the commit (a conditional update, so two clicks
 * or two instances start one commit) and runs it after this call returns. Returns once the
 * batch is claimed (and, on PostgreSQL, its commit lock held), so a second click is answered
 * 409 and the page shows the progress bar.
 */
export async function startCommit(actor: SessionUser, batchId: number): Promise<void> {
  const batch = await batchFor(actor, batchId);
  requireKindAllowed(actor, batch.kind);
  if (batch.status === "committed") throw new ImportError("imports.errors.alreadyCommitted", {}, 409);
  if (batch.status === "committing" || running.has(batchId)) throw new ImportError("imports.errors.alreadyCommitting", {}, 409);
  if (batch.status !== "previewed") throw new ImportError("imports.errors.previewFirst", {}, 409);
  if (batch.errorCount > 0) throw new ImportError("imports.errors.fixErrorsFirst", { count: batch.errorCount }, 409);
  let claimed!: () => void;
  const started = new Promise<void>((resolve) => (claimed = resolve));
  const result = runCommit(actor, batchId, { claim: true, onClaimed: () => claimed() });
  const job = result
    .then(() => undefined)
    .catch((error: unknown) => {
      if (!(error instanceof NotOurBatch)) logger.error({ err: error, batchId }, "import commit crashed");
    })
    .finally(() => running.delete(batchId));
  running.set(batchId, job);
  try {
    await Promise.race([started, result]);
  } catch (error) {
    if (error instanceof NotOurBatch) throw new ImportError("imports.errors.alreadyCommitting", {}, 409);
    throw error;
  }
}

type CommitOptions = {
  /** Claim the batch (previewed → committing) here; without it the caller has claimed it. */
  claim?: boolean;
  onClaimed?: () => void;
};

/**
 * The commit itself (exported for tests and the benchmark, which await it).
 *
 * SQLite: claim, plan against the database as it is now (progress written as it goes; the one
 * connection is free between statements, so the progress bar moves), then one transaction
 * writes everything. PostgreSQL: one transaction takes the commit lock, claims, plans and
 * writes, so the lock covers the whole commit (see COMMIT_LOCK_NAMESPACE); the claim and the
 * progress go through other connections so the pages see them at once.
 */
export async function runCommit(
  actor: SessionUser,
  batchId: number,
  options: CommitOptions = {},
): Promise<{ status: "committed" | "failed"; counts: PlanCounts }> {
  const batch = await db.importBatch.findUniqueOrThrow({ where: { id: batchId }, select: batchSelect });
  if (!isImportKind(batch.kind)) throw new ImportError("imports.errors.malformed");
  const kind = batch.kind;
  const mapping = JSON.parse(batch.mapping) as ColumnMapping;
  const now = new Date();
  const context = requestContext();
  const meta = { actorId: actor.id, batchId, now, requestId: context?.requestId ?? null, ip: context?.ip ?? null };
  let table: ParsedTable | null = null;
  let counts: PlanCounts = { rows: batch.rowCount, created: 0, updated: 0, unchanged: 0, errors: 0 };
  let ours = !options.claim;

  const claim = async () => {
    if (!options.claim) return;
    const claimed = await db.importBatch.updateMany({
      where: { id: batchId, status: "previewed", errorCount: 0 },
      data: { status: "committing", processedRows: 0 },
    });
    if (claimed.count !== 1) throw new NotOurBatch();
    ours = true;
    options.onClaimed?.();
  };
  /** Reads the kept file and plans it; a row that has become wrong since the dry run stops the commit. */
  const planNow = async (client: DbTx) => {
    table = await parseImportFile(keptPath(IMPORTS_AREA, batch.storedName));
    const result = await plan(kind, { client, actor, table, mapping, now, progress: progressWriter(batchId) });
    const issues = [...table.issues, ...result.issues];
    counts = { ...result.counts, errors: new Set(issues.map((i) => i.row)).size };
    if (counts.errors > 0) {
      // The database changed since the dry run (someone else's import, a closed year): nothing is written.
      throw Object.assign(new ImportError("imports.errors.changedSinceDryRun", { count: counts.errors }, 409), { issues, sample: result.sample });
    }
    return result;
  };
  const write = async (tx: DbTx, result: ImportPlan, headers: string[]) => {
    await writePlan(tx, result, meta);
    await tx.importBatch.update({
      where: { id: batchId },
      data: { status: "committed", committedAt: new Date(), processedRows: counts.rows, ...countsData(counts), errorSummary: summaryOf(headers, result) },
    });
    await recordAudit(tx, {
      actorId: actor.id,
      action: "import.committed",
      entityType: "ImportBatch",
      entityId: batchId,
      after: { kind, fileName: batch.fileName, fileSha256: batch.fileSha256, ...countsData(counts), rows: counts.rows },
    });
  };

  try {
    if (env().database.dialect === "postgresql") {
      await db.$transaction(async (tx) => {
        if (!(await tryCommitLock(tx, batchId))) throw new NotOurBatch();
        if (options.claim) await claim();
        else {
          // Claimed by the caller before the lock was taken: still ours only if nobody marked it interrupted meanwhile.
          const current = await tx.importBatch.findUnique({ where: { id: batchId }, select: { status: true } });
          if (current?.status !== "committing") {
            ours = false;
            throw new NotOurBatch();
          }
        }
        const result = await planNow(tx);
        await write(tx, result, table!.headers);
      }, COMMIT_TRANSACTION);
    } else {
      await claim();
      const result = await planNow(db);
      await db.$transaction((tx) => write(tx, result, table!.headers), COMMIT_TRANSACTION);
    }
    return { status: "committed", counts };
  } catch (error) {
    // Not claimed by this commit (or someone else's by now): its status is not ours to change.
    if (error instanceof NotOurBatch || !ours) throw error;
    const failure = isImportError(error) ? { key: error.messageKey, params: error.params } : { key: "imports.errors.commitFailed" };
    if (!isImportError(error)) logger.error({ err: error, batchId }, "import commit rolled back");
    const details = error as { issues?: RowIssue[]; sample?: SampleRow[] };
    const headers = (table as ParsedTable | null)?.headers ?? [];
    await db.importBatch.update({
      where: { id: batchId },
      data: {
        status: "failed",
        ...countsData(counts),
        errorSummary: summaryOf(headers, { issues: details.issues ?? [], sample: details.sample ?? [] }, failure),
      },
    });
    await db.$transaction(async (tx) => {
      await recordAudit(tx, {
        actorId: actor.id,
        action: "import.failed",
        entityType: "ImportBatch",
        entityId: batchId,
        after: { kind, fileName: batch.fileName, failure: failure.key, ...countsData(counts) },
      });
    });
    return { status: "failed", counts };
  }
}

export const HISTORY_PAGE_SIZE = 25;

/** The import history the officer may see, newest first. */
export async function listBatches(actor: SessionUser, page = 1) {
  requireImporter(actor);
  const where =
    actor.role === "admin"
      ? {}
      : { scopeUnitId: { in: (await db.unit.findMany({ where: { path: { gte: actor.scopeUnitPath!, lt: actor.scopeUnitPath!.slice(0, -1) + "0" } }, select: { id: true } })).map((u) => u.id) } };
  const [total, rows] = await Promise.all([
    db.importBatch.count({ where }),
    db.importBatch.findMany({
      where,
      orderBy: { id: "desc" },
      skip: (page - 1) * HISTORY_PAGE_SIZE,
      take: HISTORY_PAGE_SIZE,
      select: {
        id: true,
        kind: true,
        fileName: true,
        fileBytes: true,
        status: true,
        rowCount: true,
        createdCount: true,
        updatedCount: true,
        unchangedCount: true,
        errorCount: true,
        createdById: true,
        createdAt: true,
        committedAt: true,
      },
    }),
  ]);
  const users = await db.user.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.createdById))] } }, select: { id: true, displayName: true } });
  const names = new Map(users.map((u) => [u.id, u.displayName]));
  return {
    total,
    page,
    pages: Math.max(1, Math.ceil(total / HISTORY_PAGE_SIZE)),
    batches: rows.map((r) => ({ ...r, createdBy: names.get(r.createdById) ?? "" })),
  };
}

/** The original file, as uploaded, for those who may see the batch. */
export async function originalFileResponse(actor: SessionUser, batchId: number): Promise<Response> {
  const batch = await batchFor(actor, batchId);
  const mimeType = batch.encoding === "xlsx" ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv";
  return keptFileResponse(IMPORTS_AREA, { originalName: batch.fileName, storedName: batch.storedName, mimeType });
}
