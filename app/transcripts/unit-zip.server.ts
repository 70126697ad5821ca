// A unit's transcripts as one ZIP: one issued, verifiable transcript PDF per active person of the
// unit's subtree, streamed. Memory stays bounded whatever the unit's size:
// - people are read in chunks of CHUNK (keyset on id), their snapshots computed per chunk with
//   creditStatusesForYear and issued in one transaction per chunk (rows + audit events);
// - PDFs are written one at a time, and the next one starts only when yazl has taken the last
//   one and the client has taken the ZIP's bytes down to a bound (the response's back-pressure
//   reaches this loop);
// - entries are STORED, not deflated: a PDF's streams are already compressed, and a stored
//   entry keeps each PDF's "%%EOF" visible in the ZIP, which is how the export page counts
//   finished transcripts for its progress bar without any server-side state.
import { randomUUID } from "node:crypto";
import type { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import yazl from "yazl";
import { recordAudit } from "~/audit/audit.server";
import { subtreeWhere, type SessionUser } from "~/auth/guards.server";
import type { Locale } from "~/i18n/i18n";
import { db } from "~/utils/db.server";
import { logger } from "~/utils/logger.server";
import { fileSafe } from "~/pdf/http.server";
import { buildSnapshots, recordIssues, type YearRange } from "./issue.server";
import { qrPng, transcriptDocument, verificationUrl } from "./transcript-pdf.server";

/** People per database round (snapshots + issue rows in one transaction). */
export const CHUNK = 50;
/** ZIP bytes the client may leave unread before the writer waits. */
const HIGH_WATER = 1024 * 1024;

export type ExportUnit = { id: number; path: string; code: string };

const activeInSubtree = (unit: ExportUnit) => ({ active: true, unit: subtreeWhere(unit.path) });

export function countUnitPeople(unit: ExportUnit): Promise<number> {
  return db.person.count({ where: activeInSubtree(unit) });
}

/** Resolves when `stream` has ended; rejects if the ZIP's output closes first (client gone). */
function endOf(stream: Readable, output: Readable): Promise<void> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      stream.off("end", onEnd);
      stream.off("error", onError);
      output.off("close", onClose);
    };
    const onEnd = () => (cleanup(), resolve());
    const onError = (error: Error) => (cleanup(), reject(error));
    const onClose = () => (cleanup(), reject(new Error("ZIP output closed")));
    stream.once("end", onEnd);
    stream.once("error", onError);
    output.once("close", onClose);
  });
}

async function drained(output: Readable) {
  while (output.readableLength > HIGH_WATER && !output.destroyed) await sleep(5);
  if (output.destroyed) throw new Error("ZIP output closed");
}

/**
 * Starts the export and returns the ZIP stream at once (for the response body). `onPerson` is
 * called after each PDF (tests and benchmarks watch it).
 */
export function unitTranscriptsZip(input: {
  user: Pick<SessionUser, "id">;
  unit: ExportUnit;
  range: YearRange;
  locale: Locale;
  origin: string;
  onPerson?: (done: number) => void;
}): Readable {
  const zip = new yazl.ZipFile();
  const output = zip.outputStream as Readable;
  const exportId = randomUUID();
  void (async () => {
    let done = 0;
    let cursor = 0;
    try {
      for (;;) {
        const people = await db.person.findMany({
          where: { ...activeInSubtree(input.unit), id: { gt: cursor } },
          orderBy: { id: "asc" },
          take: CHUNK,
          select: { id: true, name: true, employeeNo: true },
        });
        if (people.length === 0) break;
        cursor = people[people.length - 1].id;
        const issuedAt = new Date();
        const issued = await db.$transaction(async (tx) => {
          const snapshots = await buildSnapshots(tx, people, input.range, issuedAt);
          return recordIssues(tx, people.map((p) => ({ personId: p.id, snapshot: snapshots.get(p.id)! })), input.user.id, issuedAt);
        });
        for (const item of issued) {
          const url = verificationUrl(input.origin, item.code);
          const doc = transcriptDocument(input.locale, item, url, await qrPng(url));
          const ended = endOf(doc, output);
          zip.addReadStream(doc, `${item.snapshot.employeeNo}-${fileSafe(item.snapshot.name)}.pdf`, { compress: false, mtime: issuedAt });
          await ended;
          await drained(output);
          done += 1;
          input.onPerson?.(done);
        }
      }
      await recordAudit(db, {
        actorId: input.user.id,
        action: "transcript.unit_exported",
        entityType: "Unit",
        entityId: input.unit.id,
        after: { exportId, unit: input.unit.code, fromYear: input.range.fromYear, toYear: input.range.toYear, transcripts: done },
      });
      zip.end();
    } catch (error) {
      // The client left or the database failed: stop, and end the download as broken.
      logger.warn({ err: error instanceof Error ? error.message : String(error), exportId, done }, "unit transcript export stopped");
      output.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  })();
  return output;
}
