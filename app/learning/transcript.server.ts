// A learner's transcript: every credit year with entries, newest first, each with its status
// (creditStatusForYear, the same figures as every other page) and the ledger entries behind
// it, each traced to its source: the class, the camp, the signed adjustment or the import.
import { creditStatusForYear, type YearCreditStatus } from "~/credits/ledger.server";
import { db, type DbTx } from "~/utils/db.server";

type Titled = { code: string; titleZh: string; titleEn: string };

export type TranscriptSource =
  | { kind: "completion"; offering: Titled }
  | { kind: "camp"; offering: Titled }
  | { kind: "adjustment"; reason: string }
  | { kind: "import"; note: string }
  | { kind: "other"; note: string };

export type TranscriptEntry = {
  id: number;
  createdAt: Date;
  amount: number;
  category: string;
  sourceType: string;
  source: TranscriptSource;
  note: string;
  reversesEntryId: number | null;
  reversedById: number | null;
  competencies: { id: number; nameZh: string; nameEn: string; amount: number }[];
};

export type TranscriptYear = { year: number; status: YearCreditStatus; entries: TranscriptEntry[] };

export async function loadTranscript(personId: number, client: DbTx = db) {
  const [person, entries] = await Promise.all([
    client.person.findUniqueOrThrow({
      where: { id: personId },
      select: { name: true, employeeNo: true, unit: { select: { nameZh: true, nameEn: true } } },
    }),
    client.ledgerEntry.findMany({
      where: { personId },
      orderBy: [{ creditYear: "desc" }, { createdAt: "asc" }, { id: "asc" }],
      select: {
        id: true,
        creditYear: true,
        amount: true,
        category: true,
        sourceType: true,
        note: true,
        offeringId: true,
        campId: true,
        adjustmentId: true,
        reversesEntryId: true,
        createdAt: true,
        reversedBy: { select: { id: true } },
        competencies: { select: { competencyId: true, amount: true }, orderBy: { competencyId: "asc" } },
      },
    }),
  ]);

  const ids = <T,>(values: (T | null)[]) => [...new Set(values.filter((v): v is T => v !== null))];
  const offeringIds = ids(entries.map((e) => e.offeringId));
  const campIds = ids(entries.map((e) => e.campId));
  const adjustmentIds = ids(entries.map((e) => e.adjustmentId));
  const competencyIds = ids(entries.flatMap((e) => e.competencies.map((c) => c.competencyId)));
  const years = ids(entries.map((e) => e.creditYear));

  const course = { select: { code: true, titleZh: true, titleEn: true } } as const;
  const [offerings, camps, adjustments, competencies, statuses] = await Promise.all([
    offeringIds.length
      ? client.offering.findMany({ where: { id: { in: offeringIds } }, select: { id: true, code: true, course } })
      : [],
    campIds.length
      ? client.camp.findMany({ where: { id: { in: campIds } }, select: { id: true, offering: { select: { code: true, course } } } })
      : [],
    adjustmentIds.length
      ? client.creditAdjustment.findMany({ where: { id: { in: adjustmentIds }, personId }, select: { id: true, reason: true } })
      : [],
    competencyIds.length
      ? client.competency.findMany({ where: { id: { in: competencyIds } }, select: { id: true, nameZh: true, nameEn: true, sortOrder: true } })
      : [],
    Promise.all(years.map((year) => creditStatusForYear(client, personId, year))),
  ]);

  const offeringById = new Map(offerings.map((o) => [o.id, { code: o.code, titleZh: o.course.titleZh, titleEn: o.course.titleEn }]));
  const campById = new Map(
    camps.map((c) => [c.id, { code: c.offering.code, titleZh: c.offering.course.titleZh, titleEn: c.offering.course.titleEn }]),
  );
  const reasonById = new Map(adjustments.map((a) => [a.id, a.reason]));
  const competencyById = new Map(competencies.map((c) => [c.id, c]));

  const entryById = new Map(entries.map((e) => [e.id, e]));
  const sourceOf = (e: (typeof entries)[number]): TranscriptSource => {
    // A reversal names what it cancels (its own note is the reason for the reversal).
    const original = e.reversesEntryId !== null ? entryById.get(e.reversesEntryId) : undefined;
    if (original) return sourceOf(original);
    const camp = e.campId !== null ? campById.get(e.campId) : undefined;
    if (camp) return { kind: "camp", offering: camp };
    const offering = e.offeringId !== null ? offeringById.get(e.offeringId) : undefined;
    if (offering) return { kind: "completion", offering };
    const reason = e.adjustmentId !== null ? reasonById.get(e.adjustmentId) : undefined;
    if (reason !== undefined) return { kind: "adjustment", reason };
    if (e.sourceType === "adjustment") return { kind: "adjustment", reason: e.note };
    if (e.sourceType === "import") return { kind: "import", note: e.note };
    return { kind: "other", note: e.note };
  };

  const statusByYear = new Map(statuses.map((status) => [status.year, status]));
  const transcriptYears: TranscriptYear[] = years.map((year) => ({
    year,
    status: statusByYear.get(year)!,
    entries: entries
      .filter((e) => e.creditYear === year)
      .map((e) => ({
        id: e.id,
        createdAt: e.createdAt,
        amount: e.amount,
        category: e.category,
        sourceType: e.sourceType,
        source: sourceOf(e),
        note: e.note,
        reversesEntryId: e.reversesEntryId,
        reversedById: e.reversedBy?.id ?? null,
        competencies: e.competencies
          .map((share) => {
            const c = competencyById.get(share.competencyId);
            return { id: share.competencyId, nameZh: c?.nameZh ?? "", nameEn: c?.nameEn ?? "", amount: share.amount, order: c?.sortOrder ?? 0 };
          })
          .sort((a, b) => a.order - b.order || a.id - b.id)
          .map(({ order: _order, ...share }) => share),
      })),
  }));
  return { person, years: transcriptYears };
}

export type Transcript = Awaited<ReturnType<typeof loadTranscript>>;
