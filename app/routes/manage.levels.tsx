import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireRole } from "~/auth/guards.server";
import { LEVEL_CODE_PATTERN } from "~/catalogue-admin/codes";
import { TextAreaField } from "~/catalogue-admin/course-form-fields";
import { isCatalogueAdminError } from "~/catalogue-admin/errors";
import { refusal, translateRefusal } from "~/catalogue-admin/form-errors";
import { addLevel, deleteLevel, listLevels, updateLevel } from "~/catalogue-admin/levels.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { TextField } from "~/components/fields";
import { useT, type MessageKey, type Params } from "~/i18n/i18n";
import { fields, msg, parseForm, type FieldErrors } from "~/utils/forms";
import { readFormData } from "~/utils/form-data.server";

const description = (max: number) => fields.optionalText(max).transform((v) => v ?? "");
const levelText = {
  nameZh: fields.text(50),
  nameEn: fields.text(100),
  descriptionZh: description(1000),
  descriptionEn: description(1000),
  reason: fields.optionalText(500),
};
const ActionSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("update"), levelId: fields.id(), ...levelText }),
    z.object({
      intent: z.literal("add"),
      code: fields
        .text(32)
        .transform((v) => v.toLowerCase())
        .pipe(z.string().regex(LEVEL_CODE_PATTERN, msg("manage.errors.levelCode"))),
      ...levelText,
    }),
    z.object({ intent: z.literal("delete"), levelId: fields.id(), reason: fields.optionalText(500) }),
  ],
  { error: msg("errors.badRequest") },
);

type ActionData = {
  intent: string;
  levelId?: number;
  fieldErrors?: FieldErrors;
  formError?: string;
  notice?: { key: MessageKey; params?: Params };
};

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "hr", "admin");
  return json({ levels: await listLevels() }, { headers: { "Cache-Control": "no-store" } });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const form = await readFormData(request);
  const intent = String(form.get("intent") ?? "");
  const rawId = Number(form.get("levelId"));
  const levelId = Number.isInteger(rawId) && rawId > 0 ? rawId : undefined;
  const parsed = parseForm(form, ActionSchema);
  if (!parsed.ok) {
    return json<ActionData>({ intent, levelId, fieldErrors: parsed.fieldErrors, formError: parsed.formError ?? msg("errors.form") }, { status: 400 });
  }
  const input = parsed.data;
  try {
    switch (input.intent) {
      case "update": {
        const { levelId: id, reason, ...text } = input;
        const result = await updateLevel(user.id, id, text, reason ?? null);
        return json<ActionData>({
          intent,
          levelId,
          notice: result.changed ? { key: "manage.levels.saved", params: { code: result.code } } : { key: "manage.course.unchanged" },
        });
      }
      case "add": {
        const { intent: _intent, reason, ...level } = input;
        const created = await addLevel(user.id, level, reason ?? null);
        return json<ActionData>({ intent, notice: { key: "manage.levels.added", params: { code: created.code, rank: created.rank } } });
      }
      case "delete": {
        const deleted = await deleteLevel(user.id, input.levelId, input.reason ?? null);
        return json<ActionData>({ intent, notice: { key: "manage.levels.deleted", params: { code: deleted.code } } });
      }
    }
  } catch (error) {
    if (isCatalogueAdminError(error)) return json<ActionData>({ intent, levelId, ...refusal(error) }, { status: 400 });
    throw error;
  }
}

export default function ManageLevels() {
  const { levels } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const { t, locale } = useT();
  const errorsFor = (intent: string, levelId?: number) =>
    actionData && actionData.intent === intent && actionData.levelId === levelId ? (actionData.fieldErrors ?? {}) : {};
  const tr = (message: string | undefined) => translateRefusal(t, locale, message);
  const addErrors = errorsFor("add");
  const nextRank = levels.reduce((max, l) => Math.max(max, l.rank), 0) + 1;
  return (
    <>
      <p className="back-link">
        <Link to="/manage">{t("manage.title")}</Link>
      </p>
      <h1 data-testid="page-title">{t("manage.levels.title")}</h1>
      <p className="muted">{t("manage.levels.intro")}</p>
      {actionData?.levelId === undefined ? <Outcome data={actionData} /> : null}

      <ol className="manage-list">
        {levels.map((level) => {
          const errors = errorsFor("update", level.id);
          return (
            <li key={level.id} className="card">
              <p className="manage-item__head">
                <span className="badge badge--level">{t("manage.levels.rank", { rank: level.rank })}</span>
                <strong>{locale === "en" ? level.nameEn : level.nameZh}</strong>
                <code>{level.code}</code>
              </p>
              <p className="muted small">{locale === "en" ? level.nameZh : level.nameEn}</p>
              {(locale === "en" ? level.descriptionEn : level.descriptionZh) ? (
                <p>{locale === "en" ? level.descriptionEn : level.descriptionZh}</p>
              ) : null}
              <p className="small muted">{t("manage.levels.usage", { courses: level.courses, waivers: level.waivers })}</p>
              {actionData?.levelId === level.id ? <Outcome data={actionData} /> : null}
              <details open={Object.keys(errors).length > 0}>
                <summary>{t("manage.edit")}</summary>
                <Form method="post" className="stack" noValidate>
                  <input type="hidden" name="intent" value="update" />
                  <input type="hidden" name="levelId" value={level.id} />
                  <TextField name="nameZh" label={t("manage.nameZh")} required maxLength={50} defaultValue={level.nameZh} error={tr(errors.nameZh)} />
                  <TextField name="nameEn" label={t("manage.nameEn")} required maxLength={100} defaultValue={level.nameEn} error={tr(errors.nameEn)} />
                  <TextAreaField name="descriptionZh" label={t("manage.descriptionZh")} rows={2} maxLength={1000} defaultValue={level.descriptionZh} error={tr(errors.descriptionZh)} />
                  <TextAreaField name="descriptionEn" label={t("manage.descriptionEn")} rows={2} maxLength={1000} defaultValue={level.descriptionEn} error={tr(errors.descriptionEn)} />
                  <TextField name="reason" label={t("manage.reasonOptional")} hint={t("manage.reasonHint")} maxLength={500} error={tr(errors.reason)} />
                  <div className="button-row">
                    <button type="submit" className="button button--primary">
                      {t("common.save")}
                    </button>
                  </div>
                </Form>
                <Form method="post" className="stack manage-danger">
                  <input type="hidden" name="intent" value="delete" />
                  <input type="hidden" name="levelId" value={level.id} />
                  <p className="small muted">{level.courses > 0 ? t("manage.levels.deleteBlocked", { count: level.courses }) : t("manage.levels.deleteHint")}</p>
                  <div className="button-row">
                    <button type="submit" className="button">
                      {t("manage.levels.delete")}
                    </button>
                  </div>
                </Form>
              </details>
            </li>
          );
        })}
      </ol>

      <section className="card" aria-labelledby="add-level-title">
        <h2 id="add-level-title">{t("manage.levels.add", { rank: nextRank })}</h2>
        <p className="muted small">{t("manage.levels.addHint")}</p>
        <Form method="post" className="stack" noValidate>
          <input type="hidden" name="intent" value="add" />
          <TextField name="code" label={t("manage.code")} hint={t("manage.levels.codeHint")} required autoCapitalize="none" maxLength={32} error={tr(addErrors.code)} />
          <TextField name="nameZh" label={t("manage.nameZh")} required maxLength={50} error={tr(addErrors.nameZh)} />
          <TextField name="nameEn" label={t("manage.nameEn")} required maxLength={100} error={tr(addErrors.nameEn)} />
          <TextAreaField name="descriptionZh" label={t("manage.descriptionZh")} rows={2} maxLength={1000} error={tr(addErrors.descriptionZh)} />
          <TextAreaField name="descriptionEn" label={t("manage.descriptionEn")} rows={2} maxLength={1000} error={tr(addErrors.descriptionEn)} />
          <TextField name="reason" label={t("manage.reasonOptional")} hint={t("manage.reasonHint")} maxLength={500} error={tr(addErrors.reason)} />
          <div className="button-row">
            <button type="submit" className="button button--primary">
              {t("manage.levels.addButton")}
            </button>
          </div>
        </Form>
      </section>
    </>
  );
}

/** The answer to the last submit, shown next to the form it came from. */
function Outcome({ data }: { data: ActionData | undefined }) {
  const { t, locale } = useT();
  if (!data) return null;
  return (
    <>
      {data.notice ? (
        <p className="alert alert--success" role="status">
          {t(data.notice.key, data.notice.params)}
        </p>
      ) : null}
      {data.formError ? (
        <p className="alert alert--error" role="alert">
          {translateRefusal(t, locale, data.formError)}
        </p>
      ) : null}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
