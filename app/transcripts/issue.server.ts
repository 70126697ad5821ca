// Issuing credit transcripts: each issue is a TranscriptIssue row holding a random verification
// code, the snapshot the PDF prints (snapshot.ts), its SHA-256, who issued it and when; the
// public page /verify/<code> shows that snapshot and whether it was revoked. Issuing and
// revoking are audited in the same transaction as the row.
//
// The per-year figures come from creditStatusesForYear (app/credits/ledger.server.ts), the one
// status computation, so the paper says what every page and report says.
import { createHash, randomBytes } from "node:crypto";
import { recordAudit } from "~/audit/audit.server";
import { creditStatusesForYear, type YearCreditStatus } from "~/credits/ledger.server";
import { db, type DbTx } from "~/utils/db.server";
import { shanghaiYear } from "~/utils/time";
import { codeFromBytes } from "./code";
import { MAX_TRANSCRIPT_YEARS, parseSnapshot, SNAPSHOT_VERSION, snapshotJson, type TranscriptSnapshot } from "./snapshot";

export type TranscriptPerson = { id: number; name: string; employeeNo: string };
export type YearRange = { fromYear: number; toYear: number };
export type IssuedTranscript = { id: number; code: string; personId: number; snapshot: TranscriptSnapshot; contentHash: string };

export function newVerificationCode(): string {
  return codeFromBytes(randomBytes(15));
}

export function contentHash(contents: string): string {
  return createHash("sha256").update(contents, "utf8").digest("hex");
}

function yearsOf({ fromYear, toYear }: YearRange): number[] {
  if (!Number.isInteger(fromYear) || !Number.isInteger(toYear) || fromYear > toYear || toYear - fromYear >= MAX_TRANSCRIPT_YEARS) {
    throw new Error(`transcripts: bad year range ${fromYear}–${toYear}`);
  }
  return Array.from({ length: toYear - fromYear + 1 }, (_, i) => fromYear + i);
}

/** The snapshots of many people for the same years: one creditStatusesForYear call per year. */
export async function buildSnapshots(client: DbTx, people: TranscriptPerson[], range: YearRange, issuedAt: Date): Promise<Map<number, TranscriptSnapshot>> {
  const ids = people.map((p) => p.id);
  const years = yearsOf(range);
  const statuses: Map<number, YearCreditStatus>[] = [];
  for (const year of years) statuses.push(await creditStatusesForYear(client, year, ids));
  const result = new Map<number, TranscriptSnapshot>();
  for (const person of people) {
    result.set(person.id, {
      v: SNAPSHOT_VERSION,
      name: person.name,
      employeeNo: person.employeeNo,
      fromYear: range.fromYear,
      toYear: range.toYear,
      issuedAt: issuedAt.toISOString(),
      years: years.map((year, i) => {
        const status = statuses[i].get(person.id)!;
        return { year, earned: status.earned, counted: status.counted, required: status.required, met: status.met };
      }),
    });
  }
  return result;
}

/** The years a person's own transcript covers: first to last year with ledger entries (or this year). */
export async function personYearRange(client: DbTx, personId: number): Promise<YearRange> {
  const span = await client.ledgerEntry.aggregate({ where: { personId }, _min: { creditYear: true }, _max: { creditYear: true } });
  const now = shanghaiYear();
  const toYear = span._max.creditYear ?? now;
  const fromYear = Math.max(span._min.creditYear ?? toYear, toYear - MAX_TRANSCRIPT_YEARS + 1);
  return { fromYear, toYear };
}

/** Writes the issues and their audit events with the caller's transaction client. */
export async function recordIssues(tx: DbTx, items: { personId: number; snapshot: TranscriptSnapshot }[], issuedById: number, issuedAt: Date): Promise<IssuedTranscript[]> {
  const issued: IssuedTranscript[] = [];
  for (const { personId, snapshot } of items) {
    const contents = snapshotJson(snapshot);
    const hash = contentHash(contents);
    const code = newVerificationCode();
    const row = await tx.transcriptIssue.create({
      data: { code, personId, fromYear: snapshot.fromYear, toYear: snapshot.toYear, contents, contentHash: hash, issuedById, issuedAt },
      select: { id: true },
    });
    await recordAudit(tx, {
      actorId: issuedById,
      action: "transcript.issued",
      entityType: "TranscriptIssue",
      entityId: row.id,
      personId,
      after: { fromYear: snapshot.fromYear, toYear: snapshot.toYear, contentHash: hash },
    });
    issued.push({ id: row.id, code, personId, snapshot, contentHash: hash });
  }
  return issued;
}

/** Issues one person's transcript over the years with entries (or `range`). */
export async function issueTranscript(input: { personId: number; issuedById: number; range?: YearRange; now?: Date }): Promise<IssuedTranscript> {
  const issuedAt = input.now ?? new Date();
  return db.$transaction(async (tx) => {
    const person = await tx.person.findUniqueOrThrow({ where: { id: input.personId }, select: { id: true, name: true, employeeNo: true } });
    const range = input.range ?? (await personYearRange(tx, person.id));
    const snapshot = (await buildSnapshots(tx, [person], range, issuedAt)).get(person.id)!;
    const [issued] = await recordIssues(tx, [{ personId: person.id, snapshot }], input.issuedById, issuedAt);
    return issued;
  });
}

export type VerifiedTranscript = { snapshot: TranscriptSnapshot; revokedAt: Date | null };

/**
 * The issue behind a code, for the public page: null when unknown, and also when the stored text
 * no longer matches its hash or schema (then nothing can be confirmed, so nothing is shown).
 */
export async function findIssueByCode(code: string): Promise<VerifiedTranscript | null> {
  const row = await db.transcriptIssue.findUnique({ where: { code }, select: { contents: true, contentHash: true, revokedAt: true } });
  if (!row || contentHash(row.contents) !== row.contentHash) return null;
  const snapshot = parseSnapshot(row.contents);
  return snapshot ? { snapshot, revokedAt: row.revokedAt } : null;
}

/** A person's issued transcripts, newest first (for HR). */
export async function listIssues(personId: number) {
  return db.transcriptIssue.findMany({
    where: { personId },
    orderBy: { id: "desc" },
    take: 50,
    select: { id: true, code: true, fromYear: true, toYear: true, issuedAt: true, revokedAt: true, contentHash: true },
  });
}

/**
 * Revokes an issue (the verification page then says so); once — a second call changes nothing
 * and returns false. The caller has checked that the actor may act on the person.
 */
export async function revokeIssue(input: { issueId: number; personId: number; actorId: number; reason: string; now?: Date }): Promise<boolean> {
  const reason = input.reason.trim();
  if (!reason) throw new Error("transcripts: a revocation needs a reason");
  const now = input.now ?? new Date();
  return db.$transaction(async (tx) => {
    const { count } = await tx.transcriptIssue.updateMany({ where: { id: input.issueId, personId: input.personId, revokedAt: null }, data: { revokedAt: now } });
    if (count === 0) return false;
    await recordAudit(tx, {
      actorId: input.actorId,
      action: "transcript.revoked",
      entityType: "TranscriptIssue",
      entityId: input.issueId,
      personId: input.personId,
      before: { revokedAt: null },
      after: { revokedAt: now.toISOString() },
      reason,
    });
    return true;
  });
}
