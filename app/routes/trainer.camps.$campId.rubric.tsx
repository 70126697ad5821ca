import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { requireUser } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { SelectField } from "~/components/fields";
import { isEnrolmentError } from "~/enrolment/errors";
import { requireCampLead, requireCampStaff } from "~/grading/access.server";
import { isGradingError } from "~/grading/errors";
import { copyTemplateRubric, listTemplates, loadCampRubric, replaceCampRubric, rubricLocked } from "~/grading/grading.server";
import { parseRubricText } from "~/grading/rubric-format";
import { isMessageKey, useT, type MessageKey, type Params } from "~/i18n/i18n";
import { db } from "~/utils/db.server";
import { fields, msg, parseForm, translateError, type FieldErrors } from "~/utils/forms";
import { notFound } from "~/utils/http.server";

/** A rubric file is a few kilobytes; anything much larger is not one. */
const MAX_IMPORT_BYTES = 200_000;

const IntentSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("template"), templateId: fields.id() }),
  z.object({ intent: z.literal("import"), text: z.string().max(MAX_IMPORT_BYTES, msg("errors.tooLong", { max: MAX_IMPORT_BYTES })).optional() }),
], { error: msg("errors.badRequest") });

function campIdOf(params: LoaderFunctionArgs["params"]) {
  const id = fields.id().safeParse(params.campId);
  if (!id.success) notFound();
  return id.data;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const campId = campIdOf(params);
  const role = await requireCampStaff(user, campId);
  const [camp, rubric, templates, locked] = await Promise.all([
    db.camp.findUnique({ where: { id: campId }, select: { id: true, offering: { select: { code: true, course: { select: { titleZh: true, titleEn: true } } } } } }),
    loadCampRubric(db, campId),
    listTemplates(db),
    rubricLocked(db, campId),
  ]);
  if (!camp) notFound();
  return json({ camp, rubric, templates, locked, canEdit: role === "lead" && !locked }, { headers: { "Cache-Control": "no-store" } });
}

type ActionData = { notice?: { key: MessageKey }; error?: { key: string; params?: Params }; fieldErrors?: FieldErrors };

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const campId = campIdOf(params);
  await requireCampLead(user, campId);
  const form = await request.formData();
  const parsed = parseForm(form, IntentSchema);
  if (!parsed.ok) return json<ActionData>({ error: { key: parsed.formError ?? "errors.form" }, fieldErrors: parsed.fieldErrors }, { status: 400 });
  try {
    if (parsed.data.intent === "template") {
      await copyTemplateRubric({ campId, actorId: user.id, templateId: parsed.data.templateId });
      return json<ActionData>({ notice: { key: "grading.rubric.replaced" } });
    }
    let text = parsed.data.text?.trim() ?? "";
    const file = form.get("file");
    if (file && typeof file !== "string" && file.size > 0) {
      if (file.size > MAX_IMPORT_BYTES) return json<ActionData>({ error: { key: "errors.tooLong", params: { max: MAX_IMPORT_BYTES } } }, { status: 400 });
      text = await file.text();
    }
    if (!text.trim()) return json<ActionData>({ error: { key: "grading.rubric.errors.empty" } }, { status: 400 });
    const rubric = parseRubricText(text);
    if (!rubric.ok) return json<ActionData>({ error: { key: rubric.error, params: rubric.params } }, { status: 400 });
    await replaceCampRubric({ campId, actorId: user.id, rubric: rubric.rubric, source: "import" });
    return json<ActionData>({ notice: { key: "grading.rubric.replaced" } });
  } catch (error) {
    if (isGradingError(error) || isEnrolmentError(error)) return json<ActionData>({ error: { key: error.code, params: error.params } }, { status: 400 });
    throw error;
  }
}

export default function CampRubric() {
  const { camp, rubric, templates, locked, canEdit } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const navigation = useNavigation();
  const { t, locale } = useT();
  const busy = navigation.state === "submitting";
  const course = camp.offering.course;
  const error = actionData?.error;
  return (
    <>
      <p className="back-link">
        <Link to="/trainer/grading">{t("grading.rubric.back")}</Link>
      </p>
      <h1 data-testid="page-title">
        {t("grading.rubric.title")} <span className="muted h1-sub">{locale === "en" ? course.titleEn : course.titleZh}</span>
      </h1>
      {actionData?.notice ? (
        <p className="alert alert--success" role="status">
          {t(actionData.notice.key)}
        </p>
      ) : null}
      {error ? (
        <p className="alert alert--error" role="alert">
          {isMessageKey(error.key) ? t(error.key, error.params) : t("errors.invalid")}
        </p>
      ) : null}
      {locked ? <p className="alert alert--warning">{t("grading.rubric.locked")}</p> : null}

      {rubric ? (
        <section className="card" aria-labelledby="rubric-name">
          <h2 id="rubric-name">{rubric.name}</h2>
          <p className="muted small">{t("grading.rubric.total", { sum: rubric.criteria.reduce((s, c) => s + c.weight, 0) })}</p>
          <ol className="grading-rubric-list">
            {rubric.criteria.map((c) => (
              <li key={c.id}>
                <h3>
                  {c.title} <span className="badge">{t("grading.screen.weight", { weight: c.weight })}</span>
                </h3>
                <p className="muted small">
                  {t("grading.rubric.competency", { name: locale === "en" ? c.competency.nameEn : c.competency.nameZh })}
                  {c.description ? ` · ${c.description}` : ""}
                </p>
                <ul className="grading-rubric-levels">
                  {c.levels.map((l) => (
                    <li key={l.id}>
                      <strong>{l.label}</strong> <span className="muted small">{t("grading.screen.levelPoints", { points: l.points })}</span>
                      {l.descriptor ? <span className="grading-level__descriptor small">{l.descriptor}</span> : null}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ol>
          <p className="button-row">
            <span>{t("grading.rubric.export")}:</span>
            <a href={`/trainer/camps/${camp.id}/rubric.json`}>{t("grading.rubric.exportJson")}</a>
            <a href={`/trainer/camps/${camp.id}/rubric.csv`}>{t("grading.rubric.exportCsv")}</a>
          </p>
        </section>
      ) : (
        <p className="muted">{t("grading.rubric.none")}</p>
      )}

      {canEdit ? (
        <>
          <section className="card" aria-labelledby="template-title">
            <h2 id="template-title">{t("grading.rubric.template")}</h2>
            {templates.length === 0 ? (
              <p className="muted">{t("grading.rubric.noTemplates")}</p>
            ) : (
              <Form method="post" className="stack">
                <SelectField name="templateId" label={t("grading.rubric.templateLabel")} error={translateError(t, actionData?.fieldErrors?.templateId)}>
                  {templates.map((tpl) => (
                    <option key={tpl.id} value={tpl.id}>
                      {tpl.name}
                    </option>
                  ))}
                </SelectField>
                <div>
                  <button type="submit" name="intent" value="template" className="button" disabled={busy}>
                    {t("grading.rubric.copy")}
                  </button>
                </div>
              </Form>
            )}
          </section>
          <section className="card" aria-labelledby="import-title">
            <h2 id="import-title">{t("grading.rubric.import")}</h2>
            <p className="muted small">{t("grading.rubric.importHint")}</p>
            <Form method="post" encType="multipart/form-data" className="stack">
              <div className="field">
                <label htmlFor="rubric-file">{t("grading.rubric.importFile")}</label>
                <input id="rubric-file" type="file" name="file" accept=".json,.csv,application/json,text/csv" />
              </div>
              <div className="field">
                <label htmlFor="rubric-text">{t("grading.rubric.importText")}</label>
                <textarea id="rubric-text" name="text" rows={6} aria-invalid={actionData?.fieldErrors?.text ? true : undefined} />
                {actionData?.fieldErrors?.text ? <span className="field__error">{translateError(t, actionData.fieldErrors.text)}</span> : null}
              </div>
              <div>
                <button type="submit" name="intent" value="import" className="button button--primary" disabled={busy}>
                  {t("grading.rubric.importButton")}
                </button>
              </div>
            </Form>
          </section>
        </>
      ) : null}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
