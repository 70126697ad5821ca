import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import {
  json,
  MaxPartSizeExceededError,
  redirect,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireRole } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { SelectField, TextField } from "~/components/fields";
import { MAX_EVIDENCE_BYTES, requestAdjustment, type Attribution } from "~/credits/adjustments.server";
import { LedgerError, policyForYear } from "~/credits/ledger.server";
import { isCreditAdminError } from "~/credits/years.server";
import { useT, type MessageKey } from "~/i18n/i18n";
import { db } from "~/utils/db.server";
import { isUnreadableBody } from "~/utils/form-data.server";
import { fields, msg, parseForm, translateError, type FieldErrors } from "~/utils/forms";
import { shanghaiYear } from "~/utils/time";

// Client-safe copy of ADJUSTMENT_CATEGORIES (server modules are empty in the browser bundle).
const ADJUSTMENT_CATEGORY_OPTIONS = ["external", "adjustment"] as const;

/** Room for the text fields and multipart framing on top of the largest file. */
const FORM_OVERHEAD_BYTES = 64 * 1024;

const AdjustmentSchema = z.object({
  employeeNo: fields.text(40),
  creditYear: z.coerce.number({ error: msg("errors.invalidNumber") }).int(msg("errors.invalidNumber")).min(2000, msg("errors.invalidNumber")).max(2100, msg("errors.invalidNumber")),
  amount: z
    .string({ error: msg("errors.required") })
    .trim()
    .min(1, msg("errors.required"))
    .regex(/^[+-]?\d{1,6}(\.\d{1,2})?$/, msg("creditsAdmin.errors.points"))
    .transform((v) => Math.round(Number(v) * 100))
    .refine((v) => v !== 0, msg("creditsAdmin.errors.amountZero")),
  category: fields.choice(ADJUSTMENT_CATEGORY_OPTIONS),
  attributionKind: fields.choice(["one", "weights"] as const),
  competencyId: z
    .string()
    .optional()
    .transform((v) => (v ? Number(v) : undefined)),
  reason: fields.text(500),
});

type ActionData = {
  fieldErrors?: FieldErrors;
  error?: { key: MessageKey; params?: Record<string, string | number> };
  /** What was typed, so a refused form (even without JavaScript) keeps it. */
  values?: Record<string, string>;
};

async function activeCompetencies() {
  return db.competency.findMany({
    where: { framework: { status: "active" } },
    orderBy: [{ sortOrder: "asc" }, { id: "asc" }],
    select: { id: true, nameZh: true, nameEn: true },
  });
}

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "hr", "admin");
  const year = shanghaiYear();
  const [competencies, policy] = await Promise.all([activeCompetencies(), policyForYear(db, year)]);
  return json(
    { year, competencies, threshold: policy.rules.adjustmentApprovalThreshold, maxMegabytes: MAX_EVIDENCE_BYTES / 1024 / 1024 },
    { headers: { "Cache-Control": "no-store" } },
  );
}

const tooLarge = () =>
  json<ActionData>({ fieldErrors: { evidence: msg("creditsAdmin.errors.evidenceTooLarge", { max: 10 }) } }, { status: 413 });

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  // Refuse an announced oversize body before reading a byte of it.
  const length = Number(request.headers.get("Content-Length") ?? "0");
  if (length > MAX_EVIDENCE_BYTES + FORM_OVERHEAD_BYTES) return tooLarge();
  let formData: FormData;
  try {
    formData = await unstable_parseMultipartFormData(
      request,
      unstable_createMemoryUploadHandler({ maxPartSize: MAX_EVIDENCE_BYTES }),
    );
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) return tooLarge();
    if (isUnreadableBody(error)) return json<ActionData>({ error: { key: "errors.badRequest" } }, { status: 400 });
    throw error;
  }
  const values = Object.fromEntries([...formData].filter((entry): entry is [string, string] => typeof entry[1] === "string"));
  const parsed = parseForm(formData, AdjustmentSchema);
  if (!parsed.ok) return json<ActionData>({ fieldErrors: parsed.fieldErrors, values }, { status: 400 });
  const form = parsed.data;

  let attribution: Attribution;
  if (form.attributionKind === "one") {
    if (!form.competencyId || !Number.isInteger(form.competencyId)) {
      return json<ActionData>({ fieldErrors: { competencyId: msg("errors.invalidChoice") }, values }, { status: 400 });
    }
    attribution = { kind: "one", competencyId: form.competencyId };
  } else {
    const weights: { competencyId: number; weight: number }[] = [];
    for (const [key, value] of formData) {
      const match = /^weight\.(\d+)$/.exec(key);
      if (!match || typeof value !== "string" || !value.trim()) continue;
      if (!/^\d{1,3}$/.test(value.trim())) {
        return json<ActionData>({ fieldErrors: { attribution: msg("creditsAdmin.errors.weights") }, values }, { status: 400 });
      }
      const weight = Number(value.trim());
      if (weight > 0) weights.push({ competencyId: Number(match[1]), weight });
    }
    attribution = { kind: "weights", weights };
  }
  const file = formData.get("evidence");
  let evidence: { name: string; bytes: Uint8Array } | null = null;
  if (file && typeof file !== "string" && file.size > 0) {
    evidence = { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
  }

  try {
    const outcome = await requestAdjustment(user, {
      employeeNo: form.employeeNo,
      creditYear: form.creditYear,
      amount: form.amount,
      category: form.category,
      attribution,
      reason: form.reason,
      evidence,
    });
    return redirect(`/hr/adjustments?recorded=${outcome.adjustmentId}&state=${outcome.status}`);
  } catch (error) {
    if (error instanceof LedgerError) {
      return json<ActionData>({ fieldErrors: { attribution: msg("creditsAdmin.errors.weights") }, values }, { status: 400 });
    }
    if (!isCreditAdminError(error)) throw error;
    if (error.field) {
      return json<ActionData>({ fieldErrors: { [error.field]: error.fieldMessage() }, values }, { status: error.status });
    }
    return json<ActionData>({ error: { key: error.messageKey, params: error.params }, values }, { status: error.status });
  }
}

export default function NewAdjustment() {
  const { year, competencies, threshold, maxMegabytes } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const { t, locale, points } = useT();
  const errors = actionData?.fieldErrors ?? {};
  const err = (name: string) => translateError(t, errors[name]);
  const values = actionData?.values ?? {};
  const kind = values.attributionKind === "weights" ? "weights" : "one";
  const name = (c: { nameZh: string; nameEn: string }) => (locale === "en" ? c.nameEn : c.nameZh);
  return (
    <>
      <p className="back-link">
        <Link to="/hr/adjustments">{t("creditsAdmin.adjustments.back")}</Link>
      </p>
      <h1 data-testid="page-title">{t("creditsAdmin.adjustments.newTitle")}</h1>
      <p className="muted">{t("creditsAdmin.adjustments.newIntro", { threshold: points(threshold), year })}</p>
      {actionData?.error ? (
        <p className="alert alert--error" role="alert">
          {t(actionData.error.key, actionData.error.params)}
        </p>
      ) : null}
      <Form method="post" encType="multipart/form-data" className="card stack adjustment-form">
        <TextField
          name="employeeNo"
          label={t("creditsAdmin.employeeNo")}
          autoCapitalize="characters"
          defaultValue={values.employeeNo ?? ""}
          error={err("employeeNo")}
          required
        />
        <TextField
          name="creditYear"
          label={t("creditsAdmin.year")}
          inputMode="numeric"
          defaultValue={values.creditYear ?? String(year)}
          error={err("creditYear")}
          required
        />
        <TextField
          name="amount"
          label={t("creditsAdmin.amount")}
          hint={t("creditsAdmin.adjustments.amountHint")}
          inputMode="decimal"
          defaultValue={values.amount ?? ""}
          error={err("amount")}
          required
        />
        <SelectField name="category" label={t("creditsAdmin.category")} defaultValue={values.category ?? "external"} error={err("category")}>
          {ADJUSTMENT_CATEGORY_OPTIONS.map((c) => (
            <option key={c} value={c}>
              {t(`credits.category.${c}` as MessageKey)}
            </option>
          ))}
        </SelectField>
        <fieldset className="adjustment-form__attribution">
          <legend>{t("creditsAdmin.adjustments.attribution")}</legend>
          {err("attribution") ? (
            <p className="field__error" role="alert">
              {err("attribution")}
            </p>
          ) : null}
          <label className="check">
            <input type="radio" name="attributionKind" value="one" defaultChecked={kind === "one"} /> {t("creditsAdmin.adjustments.attributionOne")}
          </label>
          <SelectField name="competencyId" label={t("creditsAdmin.competency")} defaultValue={values.competencyId ?? ""} error={err("competencyId")}>
            <option value="">—</option>
            {competencies.map((c) => (
              <option key={c.id} value={c.id}>
                {name(c)}
              </option>
            ))}
          </SelectField>
          <label className="check">
            <input type="radio" name="attributionKind" value="weights" defaultChecked={kind === "weights"} /> {t("creditsAdmin.adjustments.attributionWeights")}
          </label>
          <div className="adjustment-form__weights">
            {competencies.map((c) => (
              <TextField key={c.id} name={`weight.${c.id}`} label={`${name(c)} %`} inputMode="numeric" defaultValue={values[`weight.${c.id}`] ?? ""} />
            ))}
          </div>
        </fieldset>
        <TextField name="reason" label={t("creditsAdmin.reason")} defaultValue={values.reason ?? ""} error={err("reason")} required />
        <div className="field">
          <label htmlFor="evidence">{t("creditsAdmin.adjustments.evidence")}</label>
          <input
            id="evidence"
            type="file"
            name="evidence"
            accept="application/pdf,image/jpeg,image/png"
            aria-describedby="evidence-hint"
            aria-invalid={err("evidence") ? true : undefined}
          />
          <span id="evidence-hint" className="field__hint">
            {t("creditsAdmin.adjustments.evidenceHint", { max: maxMegabytes })}
          </span>
          {err("evidence") ? (
            <span className="field__error" role="alert">
              {err("evidence")}
            </span>
          ) : null}
        </div>
        <div className="button-row">
          <button type="submit" className="button button--primary">
            {t("creditsAdmin.adjustments.submit")}
          </button>
        </div>
      </Form>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
