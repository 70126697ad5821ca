// What the two catalogue management pages (levels, the competency framework) show alike: an
// entry's heading on its card, its form fields, and the answer to the last submit.
import type { ReactNode } from "react";
import { ActionAlerts, type ActionNotice } from "~/components/action-alerts";
import { TextField } from "~/components/fields";
import { useT } from "~/i18n/i18n";
import type { FieldErrors } from "~/utils/forms";
import { TextAreaField } from "./course-form-fields";
import { translateRefusal } from "./form-errors";

export type EntryWording = { code: string; nameZh: string; nameEn: string; descriptionZh: string; descriptionEn: string };

/** What an action answers, as far as the page shows it. */
export type EntryOutcome = { notice?: ActionNotice; formError?: string };

/** The answer to the last submit, shown next to the form it came from. */
export function ActionOutcome({ data }: { data: EntryOutcome | undefined }) {
  const { t, locale } = useT();
  if (!data) return null;
  return <ActionAlerts notice={data.notice} formError={data.formError} translate={(message) => translateRefusal(t, locale, message)} />;
}

/**
 * The top of an entry's card: its name in the reader's language with the code, the other
 * language's name, the description and how much uses it.
 */
export function EntryHeading({
  entry,
  badge,
  usage,
  descriptionClassName,
}: {
  entry: EntryWording;
  /** Shown before the name (a level's rank). */
  badge?: ReactNode;
  usage?: string;
  descriptionClassName?: string;
}) {
  const { locale } = useT();
  const en = locale === "en";
  const description = en ? entry.descriptionEn : entry.descriptionZh;
  return (
    <>
      <p className="manage-item__head">
        {badge}
        <strong>{en ? entry.nameEn : entry.nameZh}</strong>
        <code>{entry.code}</code>
      </p>
      <p className="muted small">{en ? entry.nameZh : entry.nameEn}</p>
      {description ? <p className={descriptionClassName}>{description}</p> : null}
      {usage ? <p className="muted small">{usage}</p> : null}
    </>
  );
}

/**
 * The fields of an entry's form: the code when it may be typed (a new level, a competency of
 * the draft framework), names, descriptions and the optional reason. The limits are those of
 * the schemas in entry-form.ts.
 */
export function EntryFields({
  entry,
  errors,
  codeHint,
  descriptionRows,
}: {
  entry?: EntryWording;
  errors: FieldErrors;
  /** With a hint, the code is a field; without, it is fixed. */
  codeHint?: string;
  descriptionRows: number;
}) {
  const { t, locale } = useT();
  const tr = (message: string | undefined) => translateRefusal(t, locale, message);
  return (
    <>
      {codeHint ? (
        <TextField
          name="code"
          label={t("manage.code")}
          hint={codeHint}
          required
          autoCapitalize="none"
          maxLength={32}
          defaultValue={entry?.code}
          error={tr(errors.code)}
        />
      ) : null}
      <TextField name="nameZh" label={t("manage.nameZh")} required maxLength={50} defaultValue={entry?.nameZh} error={tr(errors.nameZh)} />
      <TextField name="nameEn" label={t("manage.nameEn")} required maxLength={100} defaultValue={entry?.nameEn} error={tr(errors.nameEn)} />
      <TextAreaField name="descriptionZh" label={t("manage.descriptionZh")} rows={descriptionRows} maxLength={1000} defaultValue={entry?.descriptionZh} error={tr(errors.descriptionZh)} />
      <TextAreaField name="descriptionEn" label={t("manage.descriptionEn")} rows={descriptionRows} maxLength={1000} defaultValue={entry?.descriptionEn} error={tr(errors.descriptionEn)} />
      <TextField name="reason" label={t("manage.reasonOptional")} hint={t("manage.reasonHint")} maxLength={500} error={tr(errors.reason)} />
    </>
  );
}
