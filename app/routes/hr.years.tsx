import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireRole } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { TextField } from "~/components/fields";
import { closeYear, isCreditAdminError, isDistrictLevel, listCreditYears, reopenYear } from "~/credits/years.server";
import { busyActionResponse } from "~/db/busy-response.server";
import { useT, type MessageKey } from "~/i18n/i18n";
import { db } from "~/utils/db.server";
import { fields, msg, parseForm, translateError, type FieldErrors } from "~/utils/forms";
import { shanghaiYear } from "~/utils/time";
import { readFormData } from "~/utils/form-data.server";

const YearActionSchema = z.object({
  intent: fields.choice(["close", "reopen"] as const),
  year: z.coerce.number({ error: msg("errors.invalidNumber") }).int(msg("errors.invalidNumber")).min(2000, msg("errors.invalidNumber")).max(2100, msg("errors.invalidNumber")),
  reason: fields.text(500),
});

type ActionData = {
  year?: number;
  fieldErrors?: FieldErrors;
  error?: { key: MessageKey; params?: Record<string, string | number> };
  done?: "close" | "reopen";
};

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const [years, canEdit] = await Promise.all([listCreditYears(), isDistrictLevel(db, user)]);
  return json({ years, canEdit, currentYear: shanghaiYear() }, { headers: { "Cache-Control": "no-store" } });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const formData = await readFormData(request);
  const parsed = parseForm(formData, YearActionSchema);
  const year = Number(formData.get("year")) || undefined;
  if (!parsed.ok) return json<ActionData>({ year, fieldErrors: parsed.fieldErrors }, { status: 400 });
  const input = { year: parsed.data.year, reason: parsed.data.reason };
  try {
    if (parsed.data.intent === "close") await closeYear(user, input);
    else await reopenYear(user, input);
    return json<ActionData>({ year: input.year, done: parsed.data.intent });
  } catch (error) {
    const busy = busyActionResponse(error, { year: input.year });
    if (busy) return busy;
    if (!isCreditAdminError(error)) throw error;
    if (error.field === "reason") {
      return json<ActionData>({ year: input.year, fieldErrors: { reason: error.fieldMessage() } }, { status: error.status });
    }
    return json<ActionData>({ year: input.year, error: { key: error.messageKey, params: error.params } }, { status: error.status });
  }
}

export default function CreditYears() {
  const { years, canEdit, currentYear } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const { t, dateTime, number } = useT();
  return (
    <>
      <h1 data-testid="page-title">{t("creditsAdmin.years.title")}</h1>
      <p className="muted">{t("creditsAdmin.years.intro")}</p>
      {actionData?.done ? (
        <p className="alert alert--success" role="status">
          {t(actionData.done === "close" ? "creditsAdmin.years.closed" : "creditsAdmin.years.reopened", { year: actionData.year ?? "" })}
        </p>
      ) : null}
      {actionData?.error ? (
        <p className="alert alert--error" role="alert">
          {t(actionData.error.key, actionData.error.params)}
        </p>
      ) : null}
      {!canEdit ? <p className="muted">{t("creditsAdmin.years.readOnly")}</p> : null}
      <ul className="credit-years">
        {years.map((y) => {
          const errors = actionData?.year === y.year ? (actionData.fieldErrors ?? {}) : {};
          const closed = y.status === "closed";
          return (
            <li key={y.year} className="card credit-year">
              <p className="credit-year__head">
                <strong>{y.year}</strong>{" "}
                <span className={closed ? "badge credit-year__closed" : "badge badge--ok"}>
                  {t(closed ? "creditsAdmin.years.statusClosed" : "creditsAdmin.years.statusOpen")}
                </span>
                {y.year === currentYear ? <span className="muted small"> · {t("creditsAdmin.years.current")}</span> : null}
              </p>
              <p className="muted small">
                {t("creditsAdmin.years.entries", { count: number(y.entries) })} ·{" "}
                {y.policyVersion === null
                  ? t("creditsAdmin.years.defaultPolicy")
                  : t("creditsAdmin.policy.version", { version: y.policyVersion })}{" "}
                · <Link to={`/hr/policy?year=${y.year}`}>{t("creditsAdmin.years.policyLink")}</Link>
              </p>
              {closed ? (
                <p className="small">
                  {t("creditsAdmin.years.closedBy", { name: y.closedBy ?? "—", at: y.closedAt ? dateTime(y.closedAt) : "—" })}
                  {y.note ? ` · ${y.note}` : ""}
                </p>
              ) : y.note ? (
                <p className="small">
                  {t("creditsAdmin.years.reopenNote")}: {y.note}
                </p>
              ) : null}
              {canEdit && (closed || y.year <= currentYear) ? (
                <Form method="post" className="stack credit-year__form">
                  <input type="hidden" name="year" value={y.year} />
                  <TextField
                    name="reason"
                    label={t("creditsAdmin.reason")}
                    hint={t(closed ? "creditsAdmin.years.reopenHint" : "creditsAdmin.years.closeHint")}
                    error={translateError(t, errors.reason)}
                    required
                  />
                  <div className="button-row">
                    <button type="submit" name="intent" value={closed ? "reopen" : "close"} className={closed ? "button" : "button button--danger"}>
                      {t(closed ? "creditsAdmin.years.reopen" : "creditsAdmin.years.close")}
                    </button>
                  </div>
                </Form>
              ) : null}
            </li>
          );
        })}
      </ul>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
