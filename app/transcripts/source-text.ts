// Where a ledger entry came from, in words: one wording for the learner's transcript page and
// the candidate dossier PDF (learning.transcript.source.*). Client-safe.
import type { Locale, Translate } from "~/i18n/i18n";
import type { TranscriptSource } from "~/learning/transcript.server";

export function transcriptSourceText(t: Translate, locale: Locale, source: TranscriptSource): string {
  const title = (o: { titleZh: string; titleEn: string }) => (locale === "en" ? o.titleEn || o.titleZh : o.titleZh);
  switch (source.kind) {
    case "completion":
      return t("learning.transcript.source.completion", { title: title(source.offering), code: source.offering.code });
    case "camp":
      return t("learning.transcript.source.camp", { title: title(source.offering), code: source.offering.code });
    case "adjustment":
      return t("learning.transcript.source.adjustment", { reason: source.reason });
    case "import":
      return t("learning.transcript.source.import", { note: source.note });
    default:
      return t("learning.transcript.source.other", { note: source.note });
  }
}
