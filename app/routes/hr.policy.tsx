import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireRole } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { TextField } from "~/components/fields";
import { policyForYear } from "~/credits/ledger.server";
import type { CreditPolicyRules } from "~/credits/policy";
import {
  previewPolicyImpact,
  previewToken,
  policyVersions,
  savePolicyVersion,
  validatePolicyRules,
  yearHasStarted,
  type PolicyImpact,
} from "~/credits/policy-admin.server";
import { isCreditAdminError, isDistrictLevel, isYearClosed } from "~/credits/years.server";
import { useT, type MessageKey } from "~/i18n/i18n";
import { db } from "~/utils/db.server";
import { fields, msg, parseForm, translateError, type FieldErrors } from "~/utils/forms";
import { shanghaiYear } from "~/utils/time";
import { readFormData } from "~/utils/form-data.server";

/** Up to this many hour-conversion rows on the form; blank rows are ignored. */
const HOUR_RULE_ROWS = 4;

const YearSchema = z.coerce.number({ error: msg("errors.invalidNumber") }).int(msg("errors.invalidNumber")).min(2000, msg("errors.invalidNumber")).max(2100, msg("errors.invalidNumber"));

/** A decimal number of points with at most two decimals, as centipoints. */
const points = () =>
  z
    .string({ error: msg("errors.required") })
    .trim()
    .min(1, msg("errors.required"))
    .regex(/^-?\d{1,7}(\.\d{1,2})?$/, msg("creditsAdmin.errors.points"))
    .transform((v) => Math.round(Number(v) * 100));
const wholeNumber = () =>
  z
    .string({ error: msg("errors.required") })
    .trim()
    .min(1, msg("errors.required"))
    .regex(/^-?\d{1,6}$/, msg("policy.errors.notInteger"))
    .transform(Number);
const optionalDecimal = () =>
  z
    .string()
    .trim()
    .optional()
    .refine((v) => !v || /^\d{1,3}(\.\d{1,2})?$/.test(v), msg("errors.invalidNumber"))
    .transform((v) => (v ? Number(v) : undefined));
const optionalWhole = () =>
  z
    .string()
    .trim()
    .optional()
    .refine((v) => !v || /^\d{1,4}$/.test(v), msg("policy.errors.notInteger"))
    .transform((v) => (v ? Number(v) : undefined));

const hourRuleFields = Object.fromEntries(
  Array.from({ length: HOUR_RULE_ROWS }, (_, i) => [
    [`hourRule.${i}.minMinutes`, optionalWhole()],
    [`hourRule.${i}.hours`, optionalDecimal()],
  ]).flat(),
) as Record<string, ReturnType<typeof optionalWhole>>;

const PolicyFormSchema = z.object({
  intent: fields.choice(["preview", "save"] as const),
  year: YearSchema,
  requiredPoints: points(),
  minInPersonPoints: points(),
  onlineCapPoints: points(),
  pointsPerHour: points(),
  minutesPerHour: wholeNumber(),
  minCompetencies: wholeNumber(),
  rolloverCapPoints: points(),
  absenceNumerator: wholeNumber(),
  absenceDenominator: wholeNumber(),
  adjustmentApprovalThreshold: points(),
  reason: fields.optionalText(500),
  previewToken: z.string().optional(),
  ...hourRuleFields,
});
type PolicyForm = z.infer<typeof PolicyFormSchema>;

/** A policy error path ("hourRules.1.hours") as the form field that shows it. */
function fieldForPath(path: string): string {
  if (path.startsWith("hourRules.")) return path.replace(/^hourRules\./, "hourRule.");
  if (path === "hourRules") return "hourRule.0.minMinutes";
  if (path.startsWith("maxAbsenceFraction")) return path.endsWith("denominator") ? "absenceDenominator" : "absenceNumerator";
  return path || "form";
}

function rulesFromForm(form: PolicyForm) {
  const raw = form as unknown as Record<string, number | undefined>;
  const hourRules = Array.from({ length: HOUR_RULE_ROWS }, (_, i) => ({
    minMinutes: raw[`hourRule.${i}.minMinutes`],
    hours: raw[`hourRule.${i}.hours`],
  })).filter((r) => r.minMinutes !== undefined || r.hours !== undefined);
  return {
    requiredPoints: form.requiredPoints,
    minInPersonPoints: form.minInPersonPoints,
    onlineCapPoints: form.onlineCapPoints,
    minutesPerHour: form.minutesPerHour,
    hourRules,
    pointsPerHour: form.pointsPerHour,
    minCompetencies: form.minCompetencies,
    rolloverCapPoints: form.rolloverCapPoints,
    maxAbsenceFraction: { numerator: form.absenceNumerator, denominator: form.absenceDenominator },
    adjustmentApprovalThreshold: form.adjustmentApprovalThreshold,
  };
}

type ActionData = {
  fieldErrors?: FieldErrors;
  error?: { key: MessageKey; params?: Record<string, string | number> };
  impact?: PolicyImpact;
  token?: string;
  savedVersion?: number;
  values?: Record<string, string>;
};

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const url = new URL(request.url);
  const current = shanghaiYear();
  const parsedYear = YearSchema.safeParse(url.searchParams.get("year") ?? current);
  const year = parsedYear.success ? parsedYear.data : current;
  const [versions, inForce, closed, canEdit] = await Promise.all([
    policyVersions(year),
    policyForYear(db, year),
    isYearClosed(db, year),
    isDistrictLevel(db, user),
  ]);
  return json(
    {
      year,
      years: [current + 1, current, current - 1, current - 2],
      versions,
      rules: inForce.rules,
      closed,
      started: yearHasStarted(year),
      canEdit,
    },
    { headers: { "Cache-Control": "no-store" } },
  );
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const formData = await readFormData(request);
  const values = Object.fromEntries([...formData].filter(([, v]) => typeof v === "string")) as Record<string, string>;
  const parsed = parseForm(formData, PolicyFormSchema);
  if (!parsed.ok) return json<ActionData>({ fieldErrors: parsed.fieldErrors, values }, { status: 400 });
  const form = parsed.data;
  const validated = validatePolicyRules(rulesFromForm(form));
  if (!validated.ok) {
    const fieldErrors: FieldErrors = {};
    for (const e of validated.errors) fieldErrors[fieldForPath(e.path)] ??= e.key;
    return json<ActionData>({ fieldErrors, values }, { status: 400 });
  }
  const rules = validated.rules;
  const started = yearHasStarted(form.year);
  const token = previewToken(form.year, rules);
  try {
    if (!(await isDistrictLevel(db, user))) {
      return json<ActionData>({ error: { key: "creditsAdmin.errors.districtOnly" }, values }, { status: 403 });
    }
    if (await isYearClosed(db, form.year)) {
      return json<ActionData>({ error: { key: "creditsAdmin.errors.yearClosed", params: { year: form.year } }, values }, { status: 409 });
    }
    // A started year: the impact must have been shown for exactly these rules.
    if (form.intent === "preview" || (started && form.previewToken !== token)) {
      const impact = await previewPolicyImpact(user, form.year, rules);
      return json<ActionData>({
        impact,
        token,
        values,
        ...(form.intent === "save" ? { error: { key: "creditsAdmin.policy.previewFirst" as const } } : {}),
      });
    }
    const saved = await savePolicyVersion(user, { year: form.year, rules, reason: form.reason });
    return json<ActionData>({ savedVersion: saved.version });
  } catch (error) {
    if (!isCreditAdminError(error)) throw error;
    if (error.field) return json<ActionData>({ fieldErrors: { [error.field]: error.fieldMessage() }, values }, { status: error.status });
    return json<ActionData>({ error: { key: error.messageKey, params: error.params }, values }, { status: error.status });
  }
}

function centi(value: number) {
  return String(value / 100);
}

function formDefaults(rules: CreditPolicyRules): Record<string, string> {
  const d: Record<string, string> = {
    requiredPoints: centi(rules.requiredPoints),
    minInPersonPoints: centi(rules.minInPersonPoints),
    onlineCapPoints: centi(rules.onlineCapPoints),
    pointsPerHour: centi(rules.pointsPerHour),
    minutesPerHour: String(rules.minutesPerHour),
    minCompetencies: String(rules.minCompetencies),
    rolloverCapPoints: centi(rules.rolloverCapPoints),
    absenceNumerator: String(rules.maxAbsenceFraction.numerator),
    absenceDenominator: String(rules.maxAbsenceFraction.denominator),
    adjustmentApprovalThreshold: centi(rules.adjustmentApprovalThreshold),
  };
  rules.hourRules.forEach((rule, i) => {
    d[`hourRule.${i}.minMinutes`] = String(rule.minMinutes);
    d[`hourRule.${i}.hours`] = String(rule.hours);
  });
  return d;
}

export default function PolicyPage() {
  const { year, years, versions, rules, closed, started, canEdit } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const { t, locale, dateTime, points } = useT();
  const errors = actionData?.fieldErrors ?? {};
  const err = (name: string) => translateError(t, errors[name]);
  const values = actionData?.values && actionData.values.year === String(year) ? actionData.values : formDefaults(rules as CreditPolicyRules);
  const impact = actionData?.impact;
  // Remount the form when the values it should show change (after a save or a preview).
  const formKey = `${year}-${versions.length}-${actionData?.token ?? ""}`;
  const pointField = (name: string, label: MessageKey, hint?: MessageKey) => (
    <TextField
      name={name}
      label={t(label)}
      hint={hint ? t(hint) : undefined}
      inputMode="decimal"
      defaultValue={values[name] ?? ""}
      error={err(name)}
      required
    />
  );
  return (
    <>
      <h1 data-testid="page-title">{t("creditsAdmin.policy.title")}</h1>
      <p className="muted">{t("creditsAdmin.policy.intro")}</p>
      <nav className="year-tabs" aria-label={t("creditsAdmin.policy.years")}>
        {years.map((y) => (
          <Link key={y} to={`?year=${y}`} aria-current={y === year ? "page" : undefined} className={y === year ? "year-tabs__current" : undefined}>
            {y}
          </Link>
        ))}
      </nav>
      {actionData?.savedVersion ? (
        <p className="alert alert--success" role="status">
          {t("creditsAdmin.policy.saved", { year, version: actionData.savedVersion })}
        </p>
      ) : null}
      {actionData?.error ? (
        <p className="alert alert--error" role="alert">
          {t(actionData.error.key, actionData.error.params)}
        </p>
      ) : null}
      {closed ? <p className="alert alert--warning">{t("creditsAdmin.policy.closedYear", { year })}</p> : null}

      <section className="card">
        <h2>{t("creditsAdmin.policy.inForce", { year })}</h2>
        <dl className="policy-summary">
          <dt>{t("creditsAdmin.policy.requiredPoints")}</dt>
          <dd>{points(rules.requiredPoints)}</dd>
          <dt>{t("creditsAdmin.policy.minInPersonPoints")}</dt>
          <dd>{points(rules.minInPersonPoints)}</dd>
          <dt>{t("creditsAdmin.policy.onlineCapPoints")}</dt>
          <dd>{points(rules.onlineCapPoints)}</dd>
          <dt>{t("creditsAdmin.policy.minCompetencies")}</dt>
          <dd>{rules.minCompetencies}</dd>
          <dt>{t("creditsAdmin.policy.rolloverCapPoints")}</dt>
          <dd>{points(rules.rolloverCapPoints)}</dd>
          <dt>{t("creditsAdmin.policy.absence")}</dt>
          <dd>
            {rules.maxAbsenceFraction.numerator}/{rules.maxAbsenceFraction.denominator}
          </dd>
          <dt>{t("creditsAdmin.policy.threshold")}</dt>
          <dd>{points(rules.adjustmentApprovalThreshold)}</dd>
        </dl>
        {versions.length === 0 ? <p className="muted">{t("creditsAdmin.policy.defaults")}</p> : null}
      </section>

      {impact ? (
        <section className="card policy-impact" aria-live="polite">
          <h2>{t("creditsAdmin.policy.impactTitle")}</h2>
          <p>{t("creditsAdmin.policy.impactSummary", { people: impact.people, before: impact.metBefore, after: impact.metAfter })}</p>
          <p>
            <strong>{t("creditsAdmin.policy.becomeMet", { count: impact.becomeMet })}</strong> ·{" "}
            <strong>{t("creditsAdmin.policy.becomeUnmet", { count: impact.becomeUnmet })}</strong>
          </p>
          {impact.changes.length > 0 ? (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t("creditsAdmin.person")}</th>
                    <th scope="col">{t("creditsAdmin.policy.counted")}</th>
                    <th scope="col">{t("creditsAdmin.policy.change")}</th>
                  </tr>
                </thead>
                <tbody>
                  {impact.changes.map((c) => (
                    <tr key={c.personId}>
                      <td>
                        {c.name} <span className="muted small">{c.employeeNo}</span>
                        <br />
                        <span className="muted small">{locale === "en" ? c.unitNameEn : c.unitNameZh}</span>
                      </td>
                      <td>
                        {points(c.countedBefore)}
                        {c.countedAfter !== c.countedBefore ? ` → ${points(c.countedAfter)}` : ""}
                      </td>
                      <td>{c.metAfter ? t("creditsAdmin.policy.nowMet") : t("creditsAdmin.policy.nowUnmet")}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
          {impact.becomeMet + impact.becomeUnmet > impact.changes.length ? (
            <p className="muted small">{t("creditsAdmin.policy.listLimited", { shown: impact.changes.length })}</p>
          ) : null}
        </section>
      ) : null}

      {canEdit && !closed ? (
        <Form method="post" className="card stack policy-form" key={formKey}>
          <h2>{t("creditsAdmin.policy.newVersion", { year })}</h2>
          <input type="hidden" name="year" value={year} />
          {actionData?.token ? <input type="hidden" name="previewToken" value={actionData.token} /> : null}
          {err("form") ? (
            <p className="field__error" role="alert">
              {err("form")}
            </p>
          ) : null}
          <div className="policy-form__grid">
            {pointField("requiredPoints", "creditsAdmin.policy.requiredPoints")}
            {pointField("minInPersonPoints", "creditsAdmin.policy.minInPersonPoints")}
            {pointField("onlineCapPoints", "creditsAdmin.policy.onlineCapPoints")}
            {pointField("pointsPerHour", "creditsAdmin.policy.pointsPerHour")}
            <TextField name="minutesPerHour" label={t("creditsAdmin.policy.minutesPerHour")} inputMode="numeric" defaultValue={values.minutesPerHour ?? ""} error={err("minutesPerHour")} required />
            <TextField name="minCompetencies" label={t("creditsAdmin.policy.minCompetencies")} inputMode="numeric" defaultValue={values.minCompetencies ?? ""} error={err("minCompetencies")} required />
            {pointField("rolloverCapPoints", "creditsAdmin.policy.rolloverCapPoints")}
            {pointField("adjustmentApprovalThreshold", "creditsAdmin.policy.threshold", "creditsAdmin.policy.thresholdHint")}
          </div>
          <fieldset className="policy-form__fraction">
            <legend>{t("creditsAdmin.policy.absence")}</legend>
            <TextField name="absenceNumerator" label={t("creditsAdmin.policy.numerator")} inputMode="numeric" defaultValue={values.absenceNumerator ?? ""} error={err("absenceNumerator")} required />
            <TextField name="absenceDenominator" label={t("creditsAdmin.policy.denominator")} inputMode="numeric" defaultValue={values.absenceDenominator ?? ""} error={err("absenceDenominator")} required />
          </fieldset>
          <fieldset>
            <legend>{t("creditsAdmin.policy.hourRules")}</legend>
            <p className="muted small">{t("creditsAdmin.policy.hourRulesHint")}</p>
            {Array.from({ length: HOUR_RULE_ROWS }, (_, i) => (
              <div className="policy-form__hour-rule" key={i}>
                <TextField
                  name={`hourRule.${i}.minMinutes`}
                  label={t("creditsAdmin.policy.ruleMinutes", { n: i + 1 })}
                  inputMode="numeric"
                  defaultValue={values[`hourRule.${i}.minMinutes`] ?? ""}
                  error={err(`hourRule.${i}.minMinutes`)}
                />
                <TextField
                  name={`hourRule.${i}.hours`}
                  label={t("creditsAdmin.policy.ruleHours", { n: i + 1 })}
                  inputMode="decimal"
                  defaultValue={values[`hourRule.${i}.hours`] ?? ""}
                  error={err(`hourRule.${i}.hours`)}
                />
              </div>
            ))}
          </fieldset>
          <TextField
            name="reason"
            label={t("creditsAdmin.reason")}
            hint={started ? t("creditsAdmin.policy.reasonRequired") : t("creditsAdmin.policy.reasonOptional")}
            defaultValue={values.reason ?? ""}
            error={err("reason")}
            required={started}
          />
          <div className="button-row">
            <button type="submit" name="intent" value="preview" className="button" formNoValidate>
              {t("creditsAdmin.policy.preview")}
            </button>
            <button type="submit" name="intent" value="save" className="button button--primary">
              {t("creditsAdmin.policy.save")}
            </button>
          </div>
          {started ? <p className="muted small">{t("creditsAdmin.policy.startedHint")}</p> : null}
        </Form>
      ) : !canEdit ? (
        <p className="muted">{t("creditsAdmin.policy.readOnly")}</p>
      ) : null}

      <section>
        <h2>{t("creditsAdmin.policy.versions")}</h2>
        {versions.length === 0 ? (
          <p className="muted">{t("creditsAdmin.policy.noVersions")}</p>
        ) : (
          <ol className="policy-versions">
            {versions.map((v) => (
              <li key={v.id} className="card">
                <p>
                  <strong>{t("creditsAdmin.policy.version", { version: v.version })}</strong> · {dateTime(v.createdAt)} · {v.createdBy ?? t("audit.system")}
                </p>
                {v.reason ? (
                  <p>
                    {t("creditsAdmin.reason")}: {v.reason}
                  </p>
                ) : null}
                <p className="muted small">
                  {t("creditsAdmin.policy.versionSummary", {
                    required: points(v.rules.requiredPoints),
                    inPerson: points(v.rules.minInPersonPoints),
                    online: points(v.rules.onlineCapPoints),
                    competencies: v.rules.minCompetencies,
                    rollover: points(v.rules.rolloverCapPoints),
                    threshold: points(v.rules.adjustmentApprovalThreshold),
                  })}
                </p>
              </li>
            ))}
          </ol>
        )}
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
