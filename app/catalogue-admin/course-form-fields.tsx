// The course form's fields, shared by "new course" and "edit course". Plain inputs posted
// as a normal form (works before JavaScript loads); with JavaScript the weights' sum updates
// as the boxes change.
import { useId, useState, type FormEvent, type TextareaHTMLAttributes } from "react";
import { SelectField, TextField } from "~/components/fields";
import { useT, type MessageKey } from "~/i18n/i18n";
import { translateError, type FieldErrors } from "~/utils/forms";
import { COURSE_MODE_VALUES, weightField, type CourseFormValues } from "./course-form";

type Named = { nameZh: string; nameEn: string };

export function TextAreaField({
  label,
  hint,
  error,
  ...textarea
}: { label: string; hint?: string; error?: string } & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...textarea} />
      {hint ? (
        <span id={`${id}-hint`} className="field__hint">
          {hint}
        </span>
      ) : null}
      {error ? (
        <span id={`${id}-error`} className="field__error" role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}

export type CourseFormChoices = {
  levels: ({ id: number; rank: number } & Named)[];
  competencies: ({ id: number; code: string } & Named)[];
  courses: { id: number; code: string; titleZh: string; titleEn: string; archived: boolean }[];
};

function sumOf(weights: Record<string, string>, ids: number[]) {
  return ids.reduce((sum, id) => {
    const n = Number(weights[String(id)] ?? "");
    return sum + (Number.isFinite(n) ? n : 0);
  }, 0);
}

export function CourseFormFields({
  choices,
  values,
  errors,
  withCode,
}: {
  choices: CourseFormChoices;
  values: CourseFormValues;
  errors: FieldErrors;
  withCode: boolean;
}) {
  const { t, locale } = useT();
  const name = (n: Named) => (locale === "en" ? n.nameEn : n.nameZh);
  const err = (field: string) => translateError(t, errors[field]);
  const [sum, setSum] = useState(() => sumOf(values.weights, choices.competencies.map((c) => c.id)));
  const weightsId = useId();
  const onWeightsInput = (event: FormEvent<HTMLFieldSetElement>) => {
    let total = 0;
    event.currentTarget.querySelectorAll<HTMLInputElement>("input[data-weight]").forEach((input) => {
      const n = Number(input.value);
      if (Number.isFinite(n)) total += n;
    });
    setSum(total);
  };
  const selectedPrerequisites = values.prerequisiteIds.length;

  return (
    <>
      {withCode ? (
        <TextField
          name="code"
          label={t("manage.course.code")}
          hint={t("manage.course.codeHint")}
          required
          autoCapitalize="characters"
          autoComplete="off"
          maxLength={16}
          defaultValue={values.code}
          error={err("code")}
        />
      ) : null}
      <TextField name="titleZh" label={t("manage.course.titleZh")} required maxLength={200} defaultValue={values.titleZh} error={err("titleZh")} />
      <TextField name="titleEn" label={t("manage.course.titleEn")} required maxLength={200} defaultValue={values.titleEn} error={err("titleEn")} />
      <TextAreaField name="summaryZh" label={t("manage.course.summaryZh")} rows={4} maxLength={4000} defaultValue={values.summaryZh} error={err("summaryZh")} />
      <TextAreaField name="summaryEn" label={t("manage.course.summaryEn")} rows={4} maxLength={4000} defaultValue={values.summaryEn} error={err("summaryEn")} />
      <div className="manage-form__pair">
        <SelectField name="levelId" label={t("manage.course.level")} required defaultValue={values.levelId} error={err("levelId")}>
          {values.levelId === "" ? <option value="">{t("manage.course.choose")}</option> : null}
          {choices.levels.map((l) => (
            <option key={l.id} value={l.id}>
              {name(l)}
            </option>
          ))}
        </SelectField>
        <SelectField name="mode" label={t("manage.course.mode")} required defaultValue={values.mode} error={err("mode")}>
          {COURSE_MODE_VALUES.map((m) => (
            <option key={m} value={m}>
              {t(`catalogue.modes.${m}` as MessageKey)}
            </option>
          ))}
        </SelectField>
        <TextField
          name="durationMinutes"
          type="number"
          inputMode="numeric"
          min={1}
          step={1}
          label={t("manage.course.durationMinutes")}
          hint={t("manage.course.durationHint")}
          required
          defaultValue={values.durationMinutes}
          error={err("durationMinutes")}
        />
        <TextField
          name="creditPoints"
          inputMode="decimal"
          autoComplete="off"
          label={t("manage.course.creditPoints")}
          hint={t("manage.course.creditPointsHint")}
          required
          maxLength={8}
          defaultValue={values.creditPoints}
          error={err("creditPoints")}
        />
      </div>
      <label className="check">
        <input type="checkbox" name="hasAssessment" defaultChecked={values.hasAssessment} />
        <span>{t("manage.course.hasAssessment")}</span>
      </label>

      <fieldset className="manage-fieldset" onInput={onWeightsInput} aria-describedby={`${weightsId}-hint`}>
        <legend>{t("manage.course.weights")}</legend>
        <p id={`${weightsId}-hint`} className="field__hint">
          {t("manage.course.weightsHint")}
        </p>
        {choices.competencies.length === 0 ? <p className="alert alert--warning">{t("manage.course.noFramework")}</p> : null}
        <ul className="weight-inputs">
          {choices.competencies.map((c) => {
            const field = weightField(c.id);
            const error = err(field);
            return (
              <li key={c.id}>
                <label htmlFor={`${weightsId}-${c.id}`}>{name(c)}</label>
                <span className="weight-inputs__box">
                  <input
                    id={`${weightsId}-${c.id}`}
                    name={field}
                    type="number"
                    inputMode="numeric"
                    min={0}
                    max={100}
                    step={1}
                    data-weight=""
                    defaultValue={values.weights[String(c.id)] ?? ""}
                    aria-invalid={error ? true : undefined}
                  />
                  <span aria-hidden="true">%</span>
                </span>
                {error ? (
                  <span className="field__error weight-inputs__error" role="alert">
                    {error}
                  </span>
                ) : null}
              </li>
            );
          })}
        </ul>
        <p className={sum === 100 ? "weights-sum weights-sum--ok" : "weights-sum"} aria-live="polite">
          {t("manage.course.weightsSum", { sum })}
        </p>
        {errors.weights ? (
          <p className="field__error" role="alert">
            {err("weights")}
          </p>
        ) : null}
      </fieldset>

      <details className="manage-fieldset prerequisite-picker" open={selectedPrerequisites > 0 || Boolean(errors.prerequisiteIds)}>
        <summary>{t("manage.course.prerequisitesCount", { count: selectedPrerequisites })}</summary>
        <p className="field__hint">{t("manage.course.prerequisitesHint")}</p>
        {errors.prerequisiteIds ? (
          <p className="field__error" role="alert">
            {err("prerequisiteIds")}
          </p>
        ) : null}
        {choices.courses.length === 0 ? (
          <p className="muted">{t("manage.course.noOtherCourses")}</p>
        ) : (
          <ul className="prerequisite-list">
            {choices.courses.map((c) => (
              <li key={c.id}>
                <label className="check check--plain">
                  <input type="checkbox" name="prerequisiteIds" value={c.id} defaultChecked={values.prerequisiteIds.includes(String(c.id))} />
                  <span>
                    <code>{c.code}</code> {locale === "en" ? c.titleEn : c.titleZh}
                    {c.archived ? <span className="badge badge--todo">{t("manage.courses.archived")}</span> : null}
                  </span>
                </label>
              </li>
            ))}
          </ul>
        )}
      </details>
    </>
  );
}
