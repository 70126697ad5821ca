// The class form, shared by "new class" and "edit class". Date-time inputs hold Shanghai
// wall-clock values (see shanghai-time.ts): the page fills them with toShanghaiLocal and the
// action reads them with parseShanghaiLocal, so neither the server's nor the browser's zone
// matters.
import { Form } from "@remix-run/react";
import { SelectField, TextField } from "~/components/fields";
import { useT, type MessageKey } from "~/i18n/i18n";
import { CAPACITY_MAX, CAPACITY_MIN, EDITABLE_STATUSES } from "./forms";
import { toShanghaiLocal } from "./shanghai-time";

export type ClassFormChoices = {
  courses: { id: number; code: string; titleZh: string; titleEn: string }[];
  units: { id: number; kind: string; nameZh: string; nameEn: string; depth: number }[];
  trainers: { id: number; displayName: string; username: string }[];
};

export type ClassFormDefaults = {
  code: string;
  courseId: number | "";
  hostUnitId: number | "";
  trainerId: number | null;
  venue: string;
  capacity: number;
  enrolOpensAt: string | null;
  enrolClosesAt: string | null;
  withdrawDeadline: string | null;
  startsAt: string | null;
  endsAt: string | null;
  needsApproval: boolean;
  status: string;
  creditYear: number;
};

const DATE_FIELDS = [
  ["enrolOpensAt", "classes.field.enrolOpensAt"],
  ["enrolClosesAt", "classes.field.enrolClosesAt"],
  ["withdrawDeadline", "classes.field.withdrawDeadline"],
  ["startsAt", "classes.field.startsAt"],
  ["endsAt", "classes.field.endsAt"],
] as const;

export function ClassForm({
  intent,
  defaults,
  choices,
  errorFor,
  submitLabel,
  disabled = false,
}: {
  /** The `intent` value of the edit page's forms; none on the "new" page. */
  intent?: string;
  defaults: ClassFormDefaults;
  choices: ClassFormChoices;
  errorFor: (field: string) => string | undefined;
  submitLabel: string;
  disabled?: boolean;
}) {
  const { t, locale } = useT();
  const name = (n: { nameZh: string; nameEn: string }) => (locale === "en" ? n.nameEn : n.nameZh);
  const indent = (depth: number) => "\u00a0\u00a0".repeat(Math.max(0, depth));
  return (
    <Form method="post" className="class-form" noValidate>
      {intent ? <input type="hidden" name="intent" value={intent} /> : null}
      <fieldset disabled={disabled} className="class-form__fields">
        <SelectField name="courseId" label={t("classes.field.course")} defaultValue={defaults.courseId} required error={errorFor("courseId")}>
          <option value="">{t("classes.field.choose")}</option>
          {choices.courses.map((c) => (
            <option key={c.id} value={c.id}>
              {c.code} {locale === "en" ? c.titleEn : c.titleZh}
            </option>
          ))}
        </SelectField>
        <TextField name="code" label={t("classes.field.code")} hint={t("classes.field.codeHint")} defaultValue={defaults.code}
          autoCapitalize="characters" maxLength={40} error={errorFor("code")} />
        <SelectField name="hostUnitId" label={t("classes.field.hostUnit")} defaultValue={defaults.hostUnitId} required error={errorFor("hostUnitId")}>
          <option value="">{t("classes.field.choose")}</option>
          {choices.units.map((u) => (
            <option key={u.id} value={u.id}>
              {indent(u.depth)}
              {name(u)}
            </option>
          ))}
        </SelectField>
        <TextField name="venue" label={t("classes.field.venue")} defaultValue={defaults.venue} maxLength={200} error={errorFor("venue")} />
        <SelectField name="trainerId" label={t("classes.field.trainer")} defaultValue={defaults.trainerId ?? ""} error={errorFor("trainerId")}>
          <option value="">{t("classes.field.noTrainer")}</option>
          {choices.trainers.map((u) => (
            <option key={u.id} value={u.id}>
              {u.displayName} ({u.username})
            </option>
          ))}
        </SelectField>
        <div className="class-form__pair">
          <TextField name="capacity" type="number" inputMode="numeric" min={CAPACITY_MIN} max={CAPACITY_MAX} required
            label={t("classes.field.capacity")} hint={t("classes.field.capacityHint", { min: CAPACITY_MIN, max: CAPACITY_MAX })}
            defaultValue={defaults.capacity} error={errorFor("capacity")} />
          <TextField name="creditYear" type="number" inputMode="numeric" min={2000} max={2100} required
            label={t("classes.field.creditYear")} defaultValue={defaults.creditYear} error={errorFor("creditYear")} />
        </div>
        <p className="class-form__zone small muted">{t("classes.field.timeZoneNote")}</p>
        <div className="class-form__dates">
          {DATE_FIELDS.map(([field, label]) => (
            <TextField key={field} name={field} type="datetime-local" required label={t(label as MessageKey)}
              defaultValue={defaults[field] ? toShanghaiLocal(defaults[field]) : ""} error={errorFor(field)} />
          ))}
        </div>
        <label className="check">
          <input type="checkbox" name="needsApproval" defaultChecked={defaults.needsApproval} />
          <span>{t("classes.field.needsApproval")}</span>
        </label>
        <SelectField name="status" label={t("classes.field.status")} hint={intent ? t("classes.field.statusHint") : undefined}
          defaultValue={defaults.status} error={errorFor("status")}>
          {(intent ? EDITABLE_STATUSES : EDITABLE_STATUSES.filter((s) => s !== "cancelled")).map((s) => (
            <option key={s} value={s}>
              {t(`classes.status.${s}` as MessageKey)}
            </option>
          ))}
          {/* A completed class shows its status; it can't be chosen. */}
          {defaults.status === "closed" ? <option value="closed">{t("classes.status.closed")}</option> : null}
        </SelectField>
        <TextField name="reason" label={t("classes.field.reason")} hint={intent ? t("classes.field.reasonHint") : t("classes.field.reasonHintNew")}
          maxLength={500} error={errorFor("reason")} />
        <button type="submit" className="button button--primary">
          {submitLabel}
        </button>
      </fieldset>
    </Form>
  );
}
