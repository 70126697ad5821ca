// The form fields of a catalogue entry, a level or a competency: a code, a name and a
// description in both languages, and the optional reason for the history. Both management
// pages (manage.levels, manage.competencies) read them with these schemas, so the two
// cannot drift apart in their limits. Client-safe (zod only).
import { z } from "zod";
import type { MessageKey } from "~/i18n/i18n";
import { fields, msg } from "~/utils/forms";

/** Why, for the history; optional on every change but publishing a framework. */
export const entryReason = fields.optionalText(500);

const description = fields.optionalText(1000).transform((v) => v ?? "");

/** The wording of an entry: names (Chinese required short, English longer) and descriptions. */
export const entryText = {
  nameZh: fields.text(50),
  nameEn: fields.text(100),
  descriptionZh: description,
  descriptionEn: description,
};

/** A code as typed: trimmed, lower-cased, then it must have the entry kind's shape. */
export function entryCode(pattern: RegExp, message: MessageKey) {
  return fields
    .text(32)
    .transform((v) => v.toLowerCase())
    .pipe(z.string().regex(pattern, msg(message)));
}

/** The id a form names (levelId, competencyId) when it is a positive integer, for placing the answer. */
export function postedId(form: FormData, name: string): number | undefined {
  const raw = Number(form.get(name));
  return Number.isInteger(raw) && raw > 0 ? raw : undefined;
}
