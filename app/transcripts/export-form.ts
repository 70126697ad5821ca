// The unit export's form (the /hr/transcripts page and the ZIP route share it), and the
// client-side count of finished PDFs in a downloading ZIP. Client-safe.
import { z } from "zod";
import { fields, msg } from "~/utils/forms";
import { MAX_TRANSCRIPT_YEARS, MAX_YEAR, MIN_YEAR } from "./snapshot";

const year = () =>
  z.coerce
    .number({ error: msg("errors.invalidNumber") })
    .int(msg("errors.invalidNumber"))
    .min(MIN_YEAR, msg("errors.invalidNumber"))
    .max(MAX_YEAR, msg("errors.invalidNumber"));

export const UnitExportSchema = z
  .object({ unitId: fields.id(), fromYear: year(), toYear: year() })
  .superRefine((value, ctx) => {
    if (value.fromYear > value.toYear) ctx.addIssue({ code: "custom", path: ["toYear"], message: msg("documents.zip.yearOrder") });
    else if (value.toYear - value.fromYear >= MAX_TRANSCRIPT_YEARS) {
      ctx.addIssue({ code: "custom", path: ["toYear"], message: msg("documents.zip.tooManyYears", { max: MAX_TRANSCRIPT_YEARS }) });
    }
  });

export type UnitExportInput = z.infer<typeof UnitExportSchema>;

const EOF_MARK = [0x25, 0x25, 0x45, 0x4f, 0x46]; // "%%EOF"

/**
 * Counts PDF ends ("%%EOF") in a chunk of a stored-entry ZIP, including one split across the
 * previous chunk's last bytes (`tail`). Returns the count and the new tail.
 */
export function countPdfEnds(tail: Uint8Array, chunk: Uint8Array): { count: number; tail: Uint8Array } {
  const bytes = new Uint8Array(tail.length + chunk.length);
  bytes.set(tail, 0);
  bytes.set(chunk, tail.length);
  let count = 0;
  outer: for (let i = 0; i + EOF_MARK.length <= bytes.length; i++) {
    for (let j = 0; j < EOF_MARK.length; j++) if (bytes[i + j] !== EOF_MARK[j]) continue outer;
    // A mark wholly inside the old tail was counted with the previous chunk.
    if (i + EOF_MARK.length > tail.length) count += 1;
  }
  return { count, tail: bytes.slice(Math.max(0, bytes.length - (EOF_MARK.length - 1))) };
}
