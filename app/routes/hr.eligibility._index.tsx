import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireRole } from "~/auth/guards.server";
import { CareerError } from "~/career/appraisals.server";
import { busyActionResponse, rethrowBusyAsPage } from "~/db/busy-response.server";
import { describeCondition, parseRuleSetRules, serializeRuleSetRules, type RuleSetRules } from "~/career/eligibility-rules";
import { listRuleSets, saveRuleSetVersion } from "~/career/eligibility.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { TextField } from "~/components/fields";
import { useT, type MessageKey, type Params } from "~/i18n/i18n";
import { fields, msg, parseForm, translateError, type FieldErrors } from "~/utils/forms";
import { shanghaiYear } from "~/utils/time";
import { readFormData } from "~/utils/form-data.server";

const ActionSchema = z.object({
  code: fields.text(40),
  rules: fields.text(20_000),
  reason: fields.optionalText(500),
});

type ActionData = {
  code?: string;
  rulesText?: string;
  fieldErrors?: FieldErrors;
  formError?: string;
  rulesErrors?: { path: string; message: string }[];
  error?: { key: MessageKey; params: Params };
  notice?: { key: MessageKey; params: Params };
};

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const sets = await listRuleSets().catch(rethrowBusyAsPage);
  return json(
    {
      year: shanghaiYear(),
      canEdit: user.role === "admin",
      sets: sets.map((s) => ({ ...s, rulesText: serializeRuleSetRules(s.rules) })),
    },
    { headers: { "Cache-Control": "no-store" } },
  );
}

export async function action({ request }: ActionFunctionArgs) {
  const admin = await requireRole(request, "admin");
  const form = await readFormData(request);
  const code = String(form.get("code") ?? "");
  const rulesText = String(form.get("rules") ?? "");
  const parsed = parseForm(form, ActionSchema);
  if (!parsed.ok) {
    return json<ActionData>({ code, rulesText, fieldErrors: parsed.fieldErrors, formError: parsed.formError ?? msg("errors.form") }, { status: 400 });
  }
  const rules = parseRuleSetRules(parsed.data.rules);
  if (!rules.ok) {
    return json<ActionData>({ code, rulesText, rulesErrors: rules.errors, formError: msg("errors.form") }, { status: 400 });
  }
  try {
    const saved = await saveRuleSetVersion(admin, { code: parsed.data.code, rules: rules.rules, reason: parsed.data.reason ?? null });
    return json<ActionData>({ code, notice: { key: "eligibility.ruleSets.saved", params: { version: saved.version } } });
  } catch (error) {
    const busy = busyActionResponse(error, { code, rulesText });
    if (busy) return busy;
    if (!(error instanceof CareerError)) throw error;
    return json<ActionData>({ code, rulesText, error: { key: error.messageKey, params: error.params } }, { status: error.status });
  }
}

export default function EligibilityRuleSets() {
  const { year, canEdit, sets } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const { t, locale } = useT();
  const postName = (code: string) => t(`postTypes.${code}` as MessageKey);
  return (
    <>
      <h1 data-testid="page-title">{t("eligibility.ruleSets.title")}</h1>
      <p className="muted">{t("eligibility.ruleSets.intro")}</p>
      <p className="alert alert--warning">{t("eligibility.ruleSets.demo")}</p>
      {sets.map((set) => {
        const mine = actionData?.code === set.code ? actionData : undefined;
        return (
          <section key={set.code} className="card eligibility-set" aria-labelledby={`set-${set.code}`}>
            <h2 id={`set-${set.code}`}>
              {locale === "en" ? set.nameEn : set.nameZh}{" "}
              <span className="muted small">{t("eligibility.ruleSets.version", { version: set.version })}</span>
            </h2>
            <ol className="eligibility-conditions">
              {(set.rules as RuleSetRules).conditions.map((c, i) => (
                <li key={i}>{describeCondition(c, t, postName)}</li>
              ))}
            </ol>
            <p>
              <Link to={`/hr/eligibility/${encodeURIComponent(set.code)}?year=${year}`}>{t("eligibility.ruleSets.candidates", { year })}</Link>
            </p>
            {mine?.notice ? (
              <p className="alert alert--success" role="status">
                {t(mine.notice.key, mine.notice.params)}
              </p>
            ) : null}
            {mine?.error ? (
              <p className="alert alert--error" role="alert">
                {t(mine.error.key, mine.error.params)}
              </p>
            ) : null}
            {canEdit ? (
              <details className="eligibility-edit" open={Boolean(mine?.rulesErrors || mine?.fieldErrors)}>
                <summary>{t("eligibility.ruleSets.edit")}</summary>
                <Form method="post" className="stack">
                  <input type="hidden" name="code" value={set.code} />
                  <div className="field">
                    <label htmlFor={`rules-${set.code}`}>{t("eligibility.ruleSets.rules")}</label>
                    <textarea
                      id={`rules-${set.code}`}
                      name="rules"
                      rows={14}
                      className="eligibility-json"
                      spellCheck={false}
                      defaultValue={mine?.rulesText ?? set.rulesText}
                      aria-invalid={mine?.rulesErrors || mine?.fieldErrors?.rules ? true : undefined}
                      aria-describedby={`rules-${set.code}-hint`}
                    />
                    <span id={`rules-${set.code}-hint`} className="field__hint">
                      {t("eligibility.ruleSets.rulesHint")}
                    </span>
                    {mine?.fieldErrors?.rules ? (
                      <span className="field__error" role="alert">
                        {translateError(t, mine.fieldErrors.rules)}
                      </span>
                    ) : null}
                    {mine?.rulesErrors ? (
                      <ul className="field__error" role="alert">
                        {mine.rulesErrors.map((e, i) => (
                          <li key={i}>{e.path ? t("eligibility.ruleSets.errorAt", { path: e.path, message: translateError(t, e.message) ?? "" }) : translateError(t, e.message)}</li>
                        ))}
                      </ul>
                    ) : null}
                  </div>
                  <TextField name="reason" label={t("eligibility.ruleSets.reason")} error={translateError(t, mine?.fieldErrors?.reason)} />
                  <button type="submit" className="button button--primary">
                    {t("eligibility.ruleSets.save")}
                  </button>
                </Form>
              </details>
            ) : null}
          </section>
        );
      })}
      <p>
        <Link to="/hr">{t("nav.hr")}</Link>
      </p>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
