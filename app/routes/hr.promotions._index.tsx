import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireRole } from "~/auth/guards.server";
import { CareerError } from "~/career/appraisals.server";
import { canRunRounds, createOrRefreshRound, listRounds } from "~/career/promotions.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { TextField } from "~/components/fields";
import { useT, type MessageKey, type Params } from "~/i18n/i18n";
import { msg, parseForm, translateError, type FieldErrors } from "~/utils/forms";
import { shanghaiYear } from "~/utils/time";
import { readFormData } from "~/utils/form-data.server";

const CreateSchema = z.object({
  intent: z.literal("create"),
  year: z.coerce.number({ error: msg("errors.invalidNumber") }).int(msg("errors.invalidNumber")).min(2000, msg("errors.invalidNumber")).max(2100, msg("errors.invalidNumber")),
});

type ActionData = { fieldErrors?: FieldErrors; error?: { key: MessageKey; params: Params } };

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const [rounds, canRun] = await Promise.all([listRounds(), canRunRounds(user)]);
  return json({ rounds, canRun, defaultYear: shanghaiYear() }, { headers: { "Cache-Control": "no-store" } });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const parsed = parseForm(await readFormData(request), CreateSchema);
  if (!parsed.ok) return json<ActionData>({ fieldErrors: parsed.fieldErrors }, { status: 400 });
  try {
    await createOrRefreshRound(user, parsed.data.year);
  } catch (error) {
    if (!(error instanceof CareerError)) throw error;
    return json<ActionData>({ error: { key: error.messageKey, params: error.params } }, { status: error.status });
  }
  return redirect(`/hr/promotions/${parsed.data.year}`);
}

export default function Promotions() {
  const { rounds, canRun, defaultYear } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const { t, dateTime } = useT();
  return (
    <>
      <h1 data-testid="page-title">{t("career.promotions.title")}</h1>
      <p className="muted">{t("career.promotions.intro")}</p>
      {actionData?.error ? (
        <p className="alert alert--error" role="alert">
          {t(actionData.error.key, actionData.error.params)}
        </p>
      ) : null}
      {rounds.length === 0 ? (
        <p>{t("career.promotions.none")}</p>
      ) : (
        <ul className="career-list">
          {rounds.map((r) => (
            <li key={r.id} className="card">
              <p>
                <Link to={`/hr/promotions/${r.year}`}>
                  <strong>{t("career.promotions.roundOf", { year: r.year })}</strong>
                </Link>{" "}
                <span className={r.status === "confirmed" ? "badge badge--ok" : "badge"}>
                  {t(`career.roundStatus.${r.status === "confirmed" ? "confirmed" : "draft"}`)}
                </span>
              </p>
              <p className="muted small">
                {t("career.promotions.proposalCount", { count: r.proposals })} · {dateTime(r.confirmedAt ?? r.createdAt)}
              </p>
            </li>
          ))}
        </ul>
      )}
      {canRun ? (
        <section className="card" aria-labelledby="create-title">
          <h2 id="create-title">{t("career.promotions.create")}</h2>
          <Form method="post" className="stack">
            <input type="hidden" name="intent" value="create" />
            <TextField
              name="year"
              type="number"
              inputMode="numeric"
              label={t("career.year")}
              defaultValue={defaultYear}
              required
              hint={t("career.promotions.createHint")}
              error={translateError(t, actionData?.fieldErrors?.year)}
            />
            <button type="submit" className="button button--primary">
              {t("career.promotions.createButton")}
            </button>
          </Form>
        </section>
      ) : (
        <p className="muted small">{t("career.promotions.districtOnly")}</p>
      )}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
