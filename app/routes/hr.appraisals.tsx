import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireRole } from "~/auth/guards.server";
import { appraisalSheet, appraisalStreets, CareerError, recordAppraisals, type RatingInput } from "~/career/appraisals.server";
import { busyActionResponse } from "~/db/busy-response.server";
import { RATINGS, isRating } from "~/career/ladder";
import { CreditStatusReasons } from "~/components/credit-status-reasons";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { SelectField, TextField } from "~/components/fields";
import { useT, type MessageKey, type Params } from "~/i18n/i18n";
import { forbidden } from "~/utils/http.server";
import { fields, msg, parseForm, translateError, type FieldErrors } from "~/utils/forms";
import { shanghaiYear } from "~/utils/time";
import { readFormData } from "~/utils/form-data.server";

const year = () => z.coerce.number({ error: msg("errors.invalidNumber") }).int(msg("errors.invalidNumber")).min(2000, msg("errors.invalidNumber")).max(2100, msg("errors.invalidNumber"));

const BulkSchema = z.object({ intent: z.literal("bulk"), year: year(), streetId: fields.id(), reason: fields.optionalText(500) });
const OneSchema = z.object({
  intent: z.literal("one"),
  year: year(),
  streetId: fields.id(),
  personId: fields.id(),
  rating: fields.choice(RATINGS),
  reason: fields.optionalText(500),
});
const ActionSchema = z.discriminatedUnion("intent", [BulkSchema, OneSchema], { error: msg("errors.badRequest") });

const QuerySchema = z.object({
  year: year().optional().catch(undefined),
  unit: fields.id().optional().catch(undefined),
});

type ActionData = {
  intent?: string;
  fieldErrors?: FieldErrors;
  formError?: string;
  error?: { key: MessageKey; params: Params };
  notice?: { key: MessageKey; params: Params };
};

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const query = QuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const selectedYear = query.year ?? shanghaiYear();
  const streets = await appraisalStreets(user);
  const street = streets.find((s) => s.id === query.unit) ?? (query.unit ? undefined : streets[0]);
  if (query.unit && !street) forbidden();
  const sheet = street ? await appraisalSheet(user, { year: selectedYear, streetId: street.id }) : null;
  return json(
    { year: selectedYear, streets: streets.map(({ path: _path, ...s }) => s), streetId: street?.id ?? null, sheet },
    { headers: { "Cache-Control": "no-store" } },
  );
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const form = await readFormData(request);
  const intent = String(form.get("intent") ?? "");
  const parsed = parseForm(form, ActionSchema);
  if (!parsed.ok) {
    return json<ActionData>({ intent, fieldErrors: parsed.fieldErrors, formError: parsed.formError ?? msg("errors.form") }, { status: 400 });
  }
  const input = parsed.data;
  let ratings: RatingInput[];
  if (input.intent === "one") {
    ratings = [{ personId: input.personId, rating: input.rating }];
  } else {
    ratings = [];
    for (const [key, value] of form) {
      const match = /^rating\.(\d{1,9})$/.exec(key);
      if (!match || value === "") continue;
      if (!isRating(value)) return json<ActionData>({ intent, formError: msg("errors.invalidChoice") }, { status: 400 });
      if (ratings.some((r) => r.personId === Number(match[1]))) continue;
      ratings.push({ personId: Number(match[1]), rating: value });
    }
  }
  try {
    const result = await recordAppraisals(user, { year: input.year, streetId: input.streetId, ratings, reason: input.reason });
    return json<ActionData>({ intent, notice: { key: "career.appraisals.saved", params: result } });
  } catch (error) {
    const busy = busyActionResponse(error, { intent });
    if (busy) return busy;
    if (!(error instanceof CareerError)) throw error;
    const fieldErrors = error.messageKey === "career.errors.reasonRequired" ? { reason: msg("errors.required") } : undefined;
    return json<ActionData>({ intent, fieldErrors, error: { key: error.messageKey, params: error.params } }, { status: error.status });
  }
}

/** Figures given in centipoints in the career messages. */
const POINT_PARAMS = new Set(["counted", "required"]);

export default function Appraisals() {
  const { year: selectedYear, streets, streetId, sheet } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const { t, locale, points } = useT();
  const name = (u: { nameZh: string; nameEn: string }) => (locale === "en" ? u.nameEn : u.nameZh);
  const errorsFor = (intent: string) => (actionData?.intent === intent ? (actionData.fieldErrors ?? {}) : {});
  const errorParams = (params: Params) =>
    Object.fromEntries(Object.entries(params).map(([k, v]) => [k, POINT_PARAMS.has(k) && typeof v === "number" ? points(v) : v]));
  const ratingOptions = (
    <>
      {RATINGS.map((r) => (
        <option key={r} value={r}>
          {t(`career.rating.${r}` as MessageKey)}
        </option>
      ))}
    </>
  );
  return (
    <>
      <h1 data-testid="page-title">{t("career.appraisals.title")}</h1>
      <p className="muted">{t("career.appraisals.intro")}</p>
      <Form method="get" className="card filter-grid">
        <label>
          {t("career.year")}
          <input type="number" name="year" min={2000} max={2100} defaultValue={selectedYear} inputMode="numeric" />
        </label>
        <label>
          {t("career.street")}
          <select name="unit" defaultValue={streetId ?? ""}>
            {streets.map((s) => (
              <option key={s.id} value={s.id}>
                {name(s)}
              </option>
            ))}
          </select>
        </label>
        <div className="button-row">
          <button type="submit" className="button button--primary">
            {t("common.filter")}
          </button>
        </div>
      </Form>

      {actionData?.notice ? (
        <p className="alert alert--success" role="status">
          {t(actionData.notice.key, actionData.notice.params)}
        </p>
      ) : null}
      {actionData?.error ? (
        <p className="alert alert--error" role="alert">
          {t(actionData.error.key, errorParams(actionData.error.params))}
        </p>
      ) : actionData?.formError ? (
        <p className="alert alert--error" role="alert">
          {translateError(t, actionData.formError)}
        </p>
      ) : null}

      {!sheet || streetId === null ? (
        <p>{t("career.appraisals.noStreets")}</p>
      ) : (
        <>
          <div className="card career-quota">
            <p>
              {t("career.appraisals.quota", {
                count: sheet.excellentCount,
                cap: sheet.cap,
                headcount: sheet.headcount,
                percent: sheet.rules.excellentSharePercent,
              })}
            </p>
            <p className="muted small">
              {t(sheet.yearStatus === "closed" ? "career.appraisals.yearClosed" : "career.appraisals.yearOpen", { year: selectedYear })}
              {sheet.rules.requireClosedYear ? ` ${t("career.appraisals.closedRequired")}` : ""}
              {sheet.rules.excellentRequiresCredits ? ` ${t("career.appraisals.creditsRequired")}` : ""}
            </p>
          </div>
          {sheet.people.length === 0 ? (
            <p>{t("career.appraisals.nobody")}</p>
          ) : (
            <Form method="post" className="stack">
              <input type="hidden" name="intent" value="bulk" />
              <input type="hidden" name="year" value={selectedYear} />
              <input type="hidden" name="streetId" value={streetId} />
              <ul className="career-list">
                {sheet.people.map((p) => (
                  <li key={p.id} className="card career-person">
                    <div className="career-person__head">
                      <strong>{p.name}</strong> <span className="muted">{p.employeeNo}</span>
                      <span className="muted small career-person__unit">
                        {name(p.unit)} · {t(`postTypes.${p.postTypeCode}` as MessageKey)} · {t("common.grade", { grade: p.grade })}
                      </span>
                    </div>
                    <p className="career-credit">
                      <span className={p.credit.met ? "badge badge--ok" : "badge badge--todo"}>
                        {p.credit.met ? "✔" : "✘"} {t("career.appraisals.credits", { counted: points(p.credit.counted), required: points(p.credit.required) })}
                      </span>
                    </p>
                    <CreditStatusReasons status={p.credit} />
                    <SelectField name={`rating.${p.id}`} label={t("career.appraisals.rating")} defaultValue={p.rating ?? ""}>
                      <option value="">{t("career.rating.none")}</option>
                      {ratingOptions}
                    </SelectField>
                  </li>
                ))}
              </ul>
              <div className="career-bulk-actions">
                <TextField
                  name="reason"
                  label={t("career.reason")}
                  hint={t("career.appraisals.reasonHint")}
                  error={translateError(t, errorsFor("bulk").reason)}
                />
                <button type="submit" className="button button--primary">
                  {t("career.appraisals.saveAll")}
                </button>
              </div>
            </Form>
          )}

          {sheet.people.length > 0 ? (
            <section className="card" aria-labelledby="one-title">
              <h2 id="one-title">{t("career.appraisals.oneTitle")}</h2>
              <Form method="post" className="stack">
                <input type="hidden" name="intent" value="one" />
                <input type="hidden" name="year" value={selectedYear} />
                <input type="hidden" name="streetId" value={streetId} />
                <SelectField name="personId" label={t("career.person")} error={translateError(t, errorsFor("one").personId)}>
                  {sheet.people.map((p) => (
                    <option key={p.id} value={p.id}>
                      {p.name} {p.employeeNo}
                      {p.rating ? ` · ${t(`career.rating.${p.rating}` as MessageKey)}` : ""}
                    </option>
                  ))}
                </SelectField>
                <SelectField name="rating" label={t("career.appraisals.rating")} error={translateError(t, errorsFor("one").rating)}>
                  {ratingOptions}
                </SelectField>
                <TextField
                  name="reason"
                  label={t("career.reason")}
                  hint={t("career.appraisals.reasonHint")}
                  error={translateError(t, errorsFor("one").reason)}
                />
                <button type="submit" className="button">
                  {t("career.appraisals.saveOne")}
                </button>
              </Form>
            </section>
          ) : null}
        </>
      )}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
