// What an issued transcript states, frozen at issue: exactly what the PDF prints and what the
// public verification page shows — the person's name and employee number, the years, and per
// year the points earned, counted and required and whether the requirement was met. Nothing
// else (no unit, no entries, no competencies): the public page must confirm the paper without
// revealing more than the paper does. Stored as JSON text in TranscriptIssue.contents; the
// content hash is the SHA-256 of that exact text. Client-safe.
import { z } from "zod";

export const SNAPSHOT_VERSION = 1;

export const TranscriptYearSchema = z.object({
  year: z.number().int(),
  /** Centipoints, as creditStatusForYear computes them. */
  earned: z.number().int(),
  counted: z.number().int(),
  required: z.number().int(),
  met: z.boolean(),
});

export const TranscriptSnapshotSchema = z.object({
  v: z.literal(SNAPSHOT_VERSION),
  name: z.string(),
  employeeNo: z.string(),
  fromYear: z.number().int(),
  toYear: z.number().int(),
  /** ISO timestamp of issue. */
  issuedAt: z.string(),
  years: z.array(TranscriptYearSchema),
});

export type TranscriptYear = z.infer<typeof TranscriptYearSchema>;
export type TranscriptSnapshot = z.infer<typeof TranscriptSnapshotSchema>;

/** The stored text: keys in a fixed order (the schema's), so equal snapshots hash equally. */
export function snapshotJson(snapshot: TranscriptSnapshot): string {
  const { v, name, employeeNo, fromYear, toYear, issuedAt, years } = snapshot;
  return JSON.stringify({
    v,
    name,
    employeeNo,
    fromYear,
    toYear,
    issuedAt,
    years: years.map(({ year, earned, counted, required, met }) => ({ year, earned, counted, required, met })),
  });
}

export function parseSnapshot(text: string): TranscriptSnapshot | null {
  try {
    const parsed = TranscriptSnapshotSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Years a transcript may span: a sane window, so a typo cannot ask for a thousand years. */
export const MAX_TRANSCRIPT_YEARS = 20;
export const MIN_YEAR = 2000;
export const MAX_YEAR = 2100;
