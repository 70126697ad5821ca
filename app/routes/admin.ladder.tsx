import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireRole } from "~/auth/guards.server";
import { CareerError, loadAppraisalRules, saveAppraisalRules } from "~/career/appraisals.server";
import { busyActionResponse } from "~/db/busy-response.server";
import { EDUCATIONS, HIGHEST_GRADE, LOWEST_GRADE, SOCIAL_WORK_CERTS } from "~/career/ladder";
import { listPostTypes, loadLadderRules, saveLadderRules, updatePostType } from "~/career/promotions.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { TextField } from "~/components/fields";
import { useT, type MessageKey, type Params } from "~/i18n/i18n";
import { fields, msg, parseForm, translateError, type FieldErrors } from "~/utils/forms";
import { readFormData } from "~/utils/form-data.server";

const grade = () =>
  z.coerce
    .number({ error: msg("errors.invalidNumber") })
    .int(msg("errors.invalidNumber"))
    .min(LOWEST_GRADE, msg("career.errors.gradeBounds", { min: LOWEST_GRADE, max: HIGHEST_GRADE }))
    .max(HIGHEST_GRADE, msg("career.errors.gradeBounds", { min: LOWEST_GRADE, max: HIGHEST_GRADE }));
const checkbox = () => z.preprocess((v) => v === "on" || v === "true", z.boolean());

const PostSchema = z
  .object({
    intent: z.literal("post"),
    code: fields.text(32),
    nameZh: fields.text(50),
    nameEn: fields.text(50),
    minGrade: grade(),
    maxGrade: grade(),
    reason: fields.text(500),
  })
  .refine((v) => v.minGrade <= v.maxGrade, { message: msg("career.errors.minAboveMax"), path: ["maxGrade"] });
const RulesSchema = z.object({
  intent: z.literal("rules"),
  excellentSharePercent: z.coerce.number({ error: msg("errors.invalidNumber") }).int(msg("errors.invalidNumber")).min(0, msg("errors.invalidNumber")).max(100, msg("errors.invalidNumber")),
  excellentAtLeastOne: checkbox(),
  excellentRequiresCredits: checkbox(),
  requireClosedYear: checkbox(),
  reason: fields.text(500),
});
const count = (min: number, max: number) =>
  z.coerce
    .number({ error: msg("errors.invalidNumber") })
    .int(msg("errors.invalidNumber"))
    .min(min, msg("career.errors.countBounds", { min, max }))
    .max(max, msg("career.errors.countBounds", { min, max }));
const LadderSchema = z.object({
  intent: z.literal("ladder"),
  yearsPerStep: count(1, 10),
  excellentYearsForEarlyStep: count(1, 10),
  maxEarlySteps: count(0, 10),
  ...Object.fromEntries(EDUCATIONS.map((e) => [`edu.${e}`, count(0, 17)])),
  ...Object.fromEntries(SOCIAL_WORK_CERTS.map((c) => [`cert.${c}`, count(0, 17)])),
  reason: fields.text(500),
});
const ActionSchema = z.discriminatedUnion("intent", [PostSchema, RulesSchema, LadderSchema], { error: msg("errors.badRequest") });

type ActionData = {
  intent?: string;
  code?: string;
  fieldErrors?: FieldErrors;
  formError?: string;
  error?: { key: MessageKey; params: Params };
  notice?: { key: MessageKey; params?: Params };
};

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "admin");
  const [posts, rules, ladder] = await Promise.all([listPostTypes(), loadAppraisalRules(), loadLadderRules()]);
  return json({ posts, rules, ladder }, { headers: { "Cache-Control": "no-store" } });
}

export async function action({ request }: ActionFunctionArgs) {
  const admin = await requireRole(request, "admin");
  const form = await readFormData(request);
  const intent = String(form.get("intent") ?? "");
  const code = String(form.get("code") ?? "");
  const parsed = parseForm(form, ActionSchema);
  if (!parsed.ok) {
    return json<ActionData>({ intent, code, fieldErrors: parsed.fieldErrors, formError: parsed.formError ?? msg("errors.form") }, { status: 400 });
  }
  const input = parsed.data;
  try {
    if (input.intent === "post") {
      await updatePostType(admin.id, input);
      return json<ActionData>({ intent, code, notice: { key: "career.ladder.postSaved", params: { name: input.nameZh } } });
    }
    if (input.intent === "ladder") {
      const values = input as Record<string, unknown>;
      await saveLadderRules(
        admin.id,
        {
          yearsPerStep: input.yearsPerStep,
          excellentYearsForEarlyStep: input.excellentYearsForEarlyStep,
          maxEarlySteps: input.maxEarlySteps,
          educationBonus: Object.fromEntries(EDUCATIONS.map((e) => [e, values[`edu.${e}`]])),
          certificateBonus: Object.fromEntries(SOCIAL_WORK_CERTS.map((c) => [c, values[`cert.${c}`]])),
        },
        input.reason,
      );
      return json<ActionData>({ intent, notice: { key: "career.ladder.ladderSaved" } });
    }
    const { intent: _intent, reason, ...rules } = input;
    await saveAppraisalRules(admin.id, rules, reason);
    return json<ActionData>({ intent, notice: { key: "career.ladder.rulesSaved" } });
  } catch (error) {
    const busy = busyActionResponse(error, { intent, code });
    if (busy) return busy;
    if (!(error instanceof CareerError)) throw error;
    return json<ActionData>({ intent, code, error: { key: error.messageKey, params: error.params } }, { status: error.status });
  }
}

export default function AdminLadder() {
  const { posts, rules, ladder } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const { t, locale } = useT();
  const errorsFor = (intent: string, code?: string) =>
    actionData?.intent === intent && (code === undefined || actionData.code === code) ? (actionData.fieldErrors ?? {}) : {};
  const rulesErrors = errorsFor("rules");
  const ladderErrors = errorsFor("ladder");
  const numberField = (name: string, label: string, value: number, min: number, max: number) => (
    <TextField key={name} name={name} type="number" inputMode="numeric" min={min} max={max} label={label} defaultValue={value}
      required error={translateError(t, ladderErrors[name])} />
  );
  return (
    <>
      <h1 data-testid="page-title">{t("career.ladder.title")}</h1>
      <p className="muted">{t("career.ladder.intro")}</p>
      {actionData?.notice ? (
        <p className="alert alert--success" role="status">
          {t(actionData.notice.key, actionData.notice.params)}
        </p>
      ) : null}
      {actionData?.error ? (
        <p className="alert alert--error" role="alert">
          {t(actionData.error.key, actionData.error.params)}
        </p>
      ) : actionData?.formError ? (
        <p className="alert alert--error" role="alert">
          {translateError(t, actionData.formError)}
        </p>
      ) : null}

      <h2>{t("career.ladder.posts")}</h2>
      <ul className="career-list">
        {posts.map((p) => {
          const errors = errorsFor("post", p.code);
          return (
            <li key={p.code} className="card">
              <p>
                <strong>{locale === "en" ? p.nameEn : p.nameZh}</strong> <code>{p.code}</code>{" "}
                <span className="muted small">
                  {t("career.promotions.range", { min: p.minGrade, max: p.maxGrade })} · {t("career.ladder.people", { count: p.people })}
                </span>
              </p>
              <details>
                <summary>{t("career.ladder.edit")}</summary>
                <Form method="post" className="stack">
                  <input type="hidden" name="intent" value="post" />
                  <input type="hidden" name="code" value={p.code} />
                  <TextField name="nameZh" label={t("career.ladder.nameZh")} defaultValue={p.nameZh} required error={translateError(t, errors.nameZh)} />
                  <TextField name="nameEn" label={t("career.ladder.nameEn")} defaultValue={p.nameEn} required error={translateError(t, errors.nameEn)} />
                  <div className="career-range">
                    <TextField name="minGrade" type="number" inputMode="numeric" label={t("career.ladder.minGrade")} defaultValue={p.minGrade}
                      required error={translateError(t, errors.minGrade)} />
                    <TextField name="maxGrade" type="number" inputMode="numeric" label={t("career.ladder.maxGrade")} defaultValue={p.maxGrade}
                      required error={translateError(t, errors.maxGrade)} />
                  </div>
                  <TextField name="reason" label={t("career.reason")} required error={translateError(t, errors.reason)} />
                  <button type="submit" className="button button--primary">
                    {t("common.save")}
                  </button>
                </Form>
              </details>
            </li>
          );
        })}
      </ul>

      <section className="card" aria-labelledby="rules-title">
        <h2 id="rules-title">{t("career.ladder.rulesTitle")}</h2>
        <p className="muted small">{t("career.ladder.rulesIntro")}</p>
        <Form method="post" className="stack">
          <input type="hidden" name="intent" value="rules" />
          <TextField name="excellentSharePercent" type="number" inputMode="numeric" min={0} max={100}
            label={t("career.ladder.sharePercent")} defaultValue={rules.excellentSharePercent} required
            error={translateError(t, rulesErrors.excellentSharePercent)} />
          <label className="career-check">
            <input type="checkbox" name="excellentAtLeastOne" defaultChecked={rules.excellentAtLeastOne} /> {t("career.ladder.atLeastOne")}
          </label>
          <label className="career-check">
            <input type="checkbox" name="excellentRequiresCredits" defaultChecked={rules.excellentRequiresCredits} />{" "}
            {t("career.ladder.requiresCredits")}
          </label>
          <label className="career-check">
            <input type="checkbox" name="requireClosedYear" defaultChecked={rules.requireClosedYear} /> {t("career.ladder.requireClosed")}
          </label>
          <TextField name="reason" label={t("career.reason")} required error={translateError(t, rulesErrors.reason)} />
          <button type="submit" className="button button--primary">
            {t("common.save")}
          </button>
        </Form>
      </section>
      <section className="card" aria-labelledby="ladder-title">
        <h2 id="ladder-title">{t("career.ladder.ladderTitle")}</h2>
        <p className="muted small">{t("career.ladder.ladderIntro")}</p>
        <p className="small">
          {t("career.ladder.ladderDefaults", { years: ladder.yearsPerStep, excellent: ladder.excellentYearsForEarlyStep, maxEarly: ladder.maxEarlySteps })}
        </p>
        <Form method="post" className="stack">
          <input type="hidden" name="intent" value="ladder" />
          {numberField("yearsPerStep", t("career.ladder.yearsPerStep"), ladder.yearsPerStep, 1, 10)}
          {numberField("excellentYearsForEarlyStep", t("career.ladder.excellentYears"), ladder.excellentYearsForEarlyStep, 1, 10)}
          {numberField("maxEarlySteps", t("career.ladder.maxEarly"), ladder.maxEarlySteps, 0, 10)}
          <fieldset className="career-fieldset">
            <legend>{t("career.ladder.educationBonus")}</legend>
            <div className="career-range">
              {EDUCATIONS.map((e) => numberField(`edu.${e}`, t(`career.education.${e}`), ladder.educationBonus[e] ?? 0, 0, 17))}
            </div>
          </fieldset>
          <fieldset className="career-fieldset">
            <legend>{t("career.ladder.certificateBonus")}</legend>
            <div className="career-range">
              {SOCIAL_WORK_CERTS.map((c) => numberField(`cert.${c}`, t(`career.cert.${c}`), ladder.certificateBonus[c] ?? 0, 0, 17))}
            </div>
          </fieldset>
          <TextField name="reason" label={t("career.reason")} required error={translateError(t, ladderErrors.reason)} />
          <button type="submit" className="button button--primary">
            {t("common.save")}
          </button>
        </Form>
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
