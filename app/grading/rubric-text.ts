// Which text of a rubric criterion or level a reader sees. Rubrics carry their Chinese text and,
// since migration 0004, an optional English one; "" means nobody wrote it (rubrics older than
// the field, or a mentor who only writes Chinese), and then English readers see the Chinese,
// field by field. Client-safe: pages, exports and the PDF all pick through here, so a rule
// change (say, a third language) is one edit.
import type { Locale } from "~/i18n/i18n";

/** The English text for an English reader when there is one, else the Chinese. */
export function rubricText(locale: Locale, zh: string, en: string | null | undefined): string {
  return locale === "en" && en && en.trim() !== "" ? en : zh;
}

export const criterionTitle = (locale: Locale, c: { title: string; titleEn: string }) => rubricText(locale, c.title, c.titleEn);
export const criterionDescription = (locale: Locale, c: { description: string; descriptionEn: string }) => rubricText(locale, c.description, c.descriptionEn);
export const levelLabel = (locale: Locale, l: { label: string; labelEn: string }) => rubricText(locale, l.label, l.labelEn);
export const levelDescriptor = (locale: Locale, l: { descriptor: string; descriptorEn: string }) => rubricText(locale, l.descriptor, l.descriptorEn);
