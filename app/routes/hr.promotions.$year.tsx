import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireRole } from "~/auth/guards.server";
import { CareerError } from "~/career/appraisals.server";
import { canRunRounds, confirmRound, createOrRefreshRound, overrideProposal, roundView } from "~/career/promotions.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { TextField } from "~/components/fields";
import { isMessageKey, useT, type MessageKey, type Params } from "~/i18n/i18n";
import { fields, msg, parseForm, translateError, type FieldErrors } from "~/utils/forms";
import { notFound } from "~/utils/http.server";
import { readFormData } from "~/utils/form-data.server";

const OverrideSchema = z.object({
  intent: z.literal("override"),
  proposalId: fields.id(),
  grade: z.coerce.number({ error: msg("errors.invalidNumber") }).int(msg("errors.invalidNumber")),
  reason: fields.text(500),
});
const RefreshSchema = z.object({ intent: z.literal("refresh") });
const ConfirmSchema = z.object({ intent: z.literal("confirm") });
const ActionSchema = z.discriminatedUnion("intent", [OverrideSchema, RefreshSchema, ConfirmSchema], { error: msg("errors.badRequest") });

type ActionData = {
  intent?: string;
  proposalId?: number;
  fieldErrors?: FieldErrors;
  formError?: string;
  error?: { key: MessageKey; params: Params };
  notice?: { key: MessageKey; params: Params };
};

function parseYear(raw: string | undefined): number {
  const year = Number(raw);
  if (!/^\d{4}$/.test(raw ?? "") || year < 2000 || year > 2100) notFound();
  return year;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const year = parseYear(params.year);
  const onlyChanges = new URL(request.url).searchParams.get("changes") === "1";
  const [view, canRun] = await Promise.all([roundView(user, year, { onlyChanges }), canRunRounds(user)]);
  if (!view) notFound();
  return json({ ...view, year, onlyChanges, canRun }, { headers: { "Cache-Control": "no-store" } });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const year = parseYear(params.year);
  const form = await readFormData(request);
  const intent = String(form.get("intent") ?? "");
  const rawId = Number(form.get("proposalId"));
  const proposalId = Number.isInteger(rawId) && rawId > 0 ? rawId : undefined;
  const parsed = parseForm(form, ActionSchema);
  if (!parsed.ok) {
    return json<ActionData>({ intent, proposalId, fieldErrors: parsed.fieldErrors, formError: parsed.formError ?? msg("errors.form") }, { status: 400 });
  }
  const input = parsed.data;
  try {
    switch (input.intent) {
      case "override": {
        const result = await overrideProposal(user, input);
        return json<ActionData>({ intent, proposalId, notice: { key: "career.promotions.overridden", params: result } });
      }
      case "refresh": {
        const result = await createOrRefreshRound(user, year);
        return json<ActionData>({ intent, notice: { key: "career.promotions.refreshed", params: { created: result.created, updated: result.updated } } });
      }
      case "confirm": {
        const result = await confirmRound(user, year);
        return json<ActionData>({ intent, notice: { key: "career.promotions.confirmed", params: result } });
      }
    }
  } catch (error) {
    if (!(error instanceof CareerError)) throw error;
    return json<ActionData>({ intent, proposalId, error: { key: error.messageKey, params: error.params } }, { status: error.status });
  }
}

export default function PromotionRound() {
  const { round, proposals, total, changes, year, onlyChanges, canRun } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const { t, locale, dateTime } = useT();
  const draft = round.status === "draft";
  const errorsFor = (id: number) => (actionData?.intent === "override" && actionData.proposalId === id ? (actionData.fieldErrors ?? {}) : {});
  const stepText = (step: { key: string; params: Record<string, string | number> }) =>
    isMessageKey(step.key) ? t(step.key, step.params) : step.key;
  return (
    <>
      <p className="small">
        <Link to="/hr/promotions">{t("career.promotions.title")}</Link>
      </p>
      <h1 data-testid="page-title">{t("career.promotions.roundOf", { year })}</h1>
      <p>
        <span className={draft ? "badge" : "badge badge--ok"}>{t(draft ? "career.roundStatus.draft" : "career.roundStatus.confirmed")}</span>{" "}
        <span className="muted small">
          {round.confirmedAt ? t("career.promotions.confirmedAt", { date: dateTime(round.confirmedAt) }) : t("career.promotions.effective", { year: year + 1 })}
        </span>
      </p>
      <p className="muted">{t("career.promotions.summary", { total, changes })}</p>
      {actionData?.notice ? (
        <p className="alert alert--success" role="status">
          {t(actionData.notice.key, actionData.notice.params)}
        </p>
      ) : null}
      {actionData?.error ? (
        <p className="alert alert--error" role="alert">
          {t(actionData.error.key, actionData.error.params)}
        </p>
      ) : null}

      <p className="button-row">
        <Link className={onlyChanges ? "button" : "button button--primary"} to={`/hr/promotions/${year}`}>
          {t("career.promotions.showAll")}
        </Link>
        <Link className={onlyChanges ? "button button--primary" : "button"} to={`/hr/promotions/${year}?changes=1`}>
          {t("career.promotions.showChanges")}
        </Link>
      </p>

      {proposals.length === 0 ? (
        <p>{t("career.promotions.noProposals")}</p>
      ) : (
        <ul className="career-list">
          {proposals.map((p) => {
            const errors = errorsFor(p.id);
            return (
              <li key={p.id} className={p.changes ? "card career-proposal career-proposal--up" : "card career-proposal"}>
                <div className="career-person__head">
                  <strong>{p.person.name}</strong> <span className="muted">{p.person.employeeNo}</span>
                  <span className="muted small career-person__unit">
                    {locale === "en" ? p.person.unit.nameEn : p.person.unit.nameZh} · {t(`postTypes.${p.person.postType.code}` as MessageKey)} ·{" "}
                    <span className="nowrap">{t("career.promotions.range", { min: p.person.postType.minGrade, max: p.person.postType.maxGrade })}</span>
                  </span>
                </div>
                <p className="career-grades">
                  {t("career.promotions.grades", { current: p.currentGrade, proposed: p.proposedGrade })}
                  {p.overrideGrade !== null ? (
                    <>
                      {" "}
                      <span className="badge badge--todo">{t("career.promotions.overrideTo", { grade: p.overrideGrade })}</span>
                    </>
                  ) : null}
                </p>
                {p.overrideReason ? <p className="small">{t("career.promotions.overrideReason", { reason: p.overrideReason })}</p> : null}
                <details>
                  <summary>{t("career.promotions.why")}</summary>
                  <ol className="career-steps small">
                    {p.explanation.steps.map((step, index) => (
                      <li key={index}>{stepText(step)}</li>
                    ))}
                  </ol>
                </details>
                {draft ? (
                  <details>
                    <summary>{t("career.promotions.override")}</summary>
                    <Form method="post" className="stack">
                      <input type="hidden" name="intent" value="override" />
                      <input type="hidden" name="proposalId" value={p.id} />
                      <TextField
                        name="grade"
                        type="number"
                        inputMode="numeric"
                        min={p.person.postType.minGrade}
                        max={p.person.postType.maxGrade}
                        defaultValue={p.finalGrade}
                        label={t("career.promotions.grade")}
                        required
                        error={translateError(t, errors.grade)}
                      />
                      <TextField name="reason" label={t("career.reason")} required error={translateError(t, errors.reason)} />
                      <button type="submit" className="button">
                        {t("career.promotions.overrideButton")}
                      </button>
                    </Form>
                  </details>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}

      {draft && canRun ? (
        <section className="card" aria-labelledby="round-actions">
          <h2 id="round-actions">{t("career.promotions.actions")}</h2>
          <Form method="post" className="stack">
            <input type="hidden" name="intent" value="refresh" />
            <p className="muted small">{t("career.promotions.refreshHint")}</p>
            <button type="submit" className="button">
              {t("career.promotions.refresh")}
            </button>
          </Form>
          <Form method="post" className="stack career-confirm">
            <input type="hidden" name="intent" value="confirm" />
            <p className="muted small">{t("career.promotions.confirmHint", { year: year + 1 })}</p>
            <button type="submit" className="button button--primary">
              {t("career.promotions.confirm")}
            </button>
          </Form>
        </section>
      ) : null}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
