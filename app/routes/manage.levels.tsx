import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireRole } from "~/auth/guards.server";
import { LEVEL_CODE_PATTERN } from "~/catalogue-admin/codes";
import { entryCode, entryReason, entryText, postedId } from "~/catalogue-admin/entry-form";
import { ActionOutcome, EntryFields, EntryHeading } from "~/catalogue-admin/entry-view";
import { isCatalogueAdminError } from "~/catalogue-admin/errors";
import { refusal } from "~/catalogue-admin/form-errors";
import { addLevel, deleteLevel, listLevels, updateLevel } from "~/catalogue-admin/levels.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { useT, type MessageKey, type Params } from "~/i18n/i18n";
import { fields, msg, parseForm, type FieldErrors } from "~/utils/forms";
import { readFormData } from "~/utils/form-data.server";

const levelText = { ...entryText, reason: entryReason };
const ActionSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("update"), levelId: fields.id(), ...levelText }),
    z.object({ intent: z.literal("add"), code: entryCode(LEVEL_CODE_PATTERN, "manage.errors.levelCode"), ...levelText }),
    z.object({ intent: z.literal("delete"), levelId: fields.id(), reason: entryReason }),
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
  const levelId = postedId(form, "levelId");
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
  const { t } = useT();
  const errorsFor = (intent: string, levelId?: number) =>
    actionData && actionData.intent === intent && actionData.levelId === levelId ? (actionData.fieldErrors ?? {}) : {};
  const addErrors = errorsFor("add");
  const nextRank = levels.reduce((max, l) => Math.max(max, l.rank), 0) + 1;
  return (
    <>
      <p className="back-link">
        <Link to="/manage">{t("manage.title")}</Link>
      </p>
      <h1 data-testid="page-title">{t("manage.levels.title")}</h1>
      <p className="muted">{t("manage.levels.intro")}</p>
      {actionData?.levelId === undefined ? <ActionOutcome data={actionData} /> : null}

      <ol className="manage-list">
        {levels.map((level) => {
          const errors = errorsFor("update", level.id);
          return (
            <li key={level.id} className="card">
              <EntryHeading
                entry={level}
                badge={<span className="badge badge--level">{t("manage.levels.rank", { rank: level.rank })}</span>}
                usage={t("manage.levels.usage", { courses: level.courses, waivers: level.waivers })}
              />
              {actionData?.levelId === level.id ? <ActionOutcome data={actionData} /> : null}
              <details open={Object.keys(errors).length > 0}>
                <summary>{t("manage.edit")}</summary>
                <Form method="post" className="stack" noValidate>
                  <input type="hidden" name="intent" value="update" />
                  <input type="hidden" name="levelId" value={level.id} />
                  <EntryFields entry={level} errors={errors} descriptionRows={2} />
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
          <EntryFields errors={addErrors} codeHint={t("manage.levels.codeHint")} descriptionRows={2} />
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

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
