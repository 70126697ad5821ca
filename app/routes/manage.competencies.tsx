import type { ActionFunctionArgs, LoaderFunctionArgs, SerializeFrom } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireRole } from "~/auth/guards.server";
import { COMPETENCY_CODE_PATTERN } from "~/catalogue-admin/codes";
import { TextAreaField } from "~/catalogue-admin/course-form-fields";
import { entryCode, entryReason, entryText, postedId } from "~/catalogue-admin/entry-form";
import { ActionOutcome, EntryFields, EntryHeading, type EntryWording } from "~/catalogue-admin/entry-view";
import { isCatalogueAdminError } from "~/catalogue-admin/errors";
import { refusal, translateRefusal } from "~/catalogue-admin/form-errors";
import {
  addDraftCompetency,
  createDraft,
  discardDraft,
  loadFrameworkPage,
  publishDraft,
  removeDraftCompetency,
  renameDraft,
  updateCompetency,
  type PublishReport,
} from "~/catalogue-admin/framework.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { TextField } from "~/components/fields";
import { useT, type MessageKey, type Params } from "~/i18n/i18n";
import { fields, msg, parseForm, type FieldErrors } from "~/utils/forms";
import { readFormData } from "~/utils/form-data.server";

const reason = entryReason;
const code = entryCode(COMPETENCY_CODE_PATTERN, "manage.errors.competencyCode");
const text = entryText;

const ActionSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("edit-competency"), competencyId: fields.id(), code: code.optional(), ...text, reason }),
    z.object({ intent: z.literal("create-draft"), reason }),
    z.object({ intent: z.literal("rename-draft"), nameZh: fields.text(100), nameEn: fields.text(200), reason }),
    z.object({ intent: z.literal("add-competency"), code, ...text, reason }),
    z.object({ intent: z.literal("remove-competency"), competencyId: fields.id(), reason }),
    z.object({ intent: z.literal("discard-draft"), reason }),
    z.object({ intent: z.literal("publish"), reason: fields.text(500) }),
  ],
  { error: msg("errors.badRequest") },
);

/** Where the answer is shown: on a competency's card, in the draft section, or at the top. */
type Place = number | "draft" | "top";

type ActionData = {
  intent: string;
  place: Place;
  fieldErrors?: FieldErrors;
  formError?: string;
  notice?: { key: MessageKey; params?: Params };
  report?: PublishReport;
};

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "hr", "admin");
  return json(await loadFrameworkPage(), { headers: { "Cache-Control": "no-store" } });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const form = await readFormData(request);
  const intent = String(form.get("intent") ?? "");
  const competencyId = postedId(form, "competencyId");
  const place: Place = competencyId ?? (intent === "create-draft" ? "top" : "draft");
  const parsed = parseForm(form, ActionSchema);
  if (!parsed.ok) {
    return json<ActionData>({ intent, place, fieldErrors: parsed.fieldErrors, formError: parsed.formError ?? msg("errors.form") }, { status: 400 });
  }
  const input = parsed.data;
  try {
    switch (input.intent) {
      case "edit-competency": {
        const { competencyId: id, reason: why, intent: _intent, ...change } = input;
        const result = await updateCompetency(user.id, id, change, why ?? null);
        return json<ActionData>({
          intent,
          place,
          notice: result.changed ? { key: "manage.framework.competencySaved", params: { code: result.code } } : { key: "manage.course.unchanged" },
        });
      }
      case "create-draft": {
        const draft = await createDraft(user.id, input.reason ?? null);
        return json<ActionData>({ intent, place: "draft", notice: { key: "manage.framework.draftCreated", params: { version: draft.version } } });
      }
      case "rename-draft": {
        await renameDraft(user.id, { nameZh: input.nameZh, nameEn: input.nameEn }, input.reason ?? null);
        return json<ActionData>({ intent, place, notice: { key: "common.saved" } });
      }
      case "add-competency": {
        const { intent: _intent, reason: why, ...competency } = input;
        const created = await addDraftCompetency(user.id, competency, why ?? null);
        return json<ActionData>({ intent, place, notice: { key: "manage.framework.competencyAdded", params: { code: created.code } } });
      }
      case "remove-competency": {
        const removed = await removeDraftCompetency(user.id, input.competencyId, input.reason ?? null);
        return json<ActionData>({ intent, place: "draft", notice: { key: "manage.framework.competencyRemoved", params: { code: removed.code } } });
      }
      case "discard-draft": {
        const discarded = await discardDraft(user.id, input.reason ?? null);
        return json<ActionData>({ intent, place: "top", notice: { key: "manage.framework.draftDiscarded", params: { version: discarded.version } } });
      }
      case "publish": {
        const report = await publishDraft(user.id, input.reason);
        return json<ActionData>({ intent, place: "top", report });
      }
    }
  } catch (error) {
    if (isCatalogueAdminError(error)) return json<ActionData>({ intent, place, ...refusal(error) }, { status: 400 });
    throw error;
  }
}

type LoaderData = SerializeFrom<typeof loader>;
type Named = { nameZh: string; nameEn: string };

export default function ManageCompetencies() {
  const { active, draft, retired, preview } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const { t, locale, date } = useT();
  const name = (n: Named) => (locale === "en" ? n.nameEn : n.nameZh);
  const at = (place: Place) => (actionData?.place === place ? actionData : undefined);
  const errorsAt = (place: Place, intent: string) => (at(place)?.intent === intent ? (at(place)?.fieldErrors ?? {}) : {});
  const tr = (message: string | undefined) => translateRefusal(t, locale, message);
  const nextVersion = Math.max(active?.version ?? 0, draft?.version ?? 0, ...retired.map((r) => r.version)) + 1;

  return (
    <>
      <p className="back-link">
        <Link to="/manage">{t("manage.title")}</Link>
      </p>
      <h1 data-testid="page-title">{t("manage.framework.title")}</h1>
      <p className="muted">{t("manage.framework.intro")}</p>
      <ActionOutcome data={at("top")} />
      {at("top")?.report ? <PublishOutcome report={at("top")!.report!} /> : null}

      <section aria-labelledby="active-title">
        <h2 id="active-title">
          {active ? t("manage.framework.activeTitle", { version: active.version, name: name(active) }) : t("manage.framework.noActive")}
        </h2>
        {active?.publishedAt ? <p className="muted small">{t("manage.framework.publishedOn", { date: date(active.publishedAt) })}</p> : null}
        {active ? <p className="muted small">{t("manage.framework.activeHint")}</p> : null}
        <ol className="manage-list">
          {active?.competencies.map((c) => (
            <CompetencyCard
              key={c.id}
              competency={c}
              usage={t("manage.framework.usedBy", { count: c.courses })}
              outcome={at(c.id)}
              editableCode={false}
            />
          ))}
        </ol>
      </section>

      <section className="card manage-draft" aria-labelledby="draft-title">
        {draft ? (
          <>
            <h2 id="draft-title">{t("manage.framework.draftTitle", { version: draft.version, name: name(draft) })}</h2>
            <p className="muted small">{t("manage.framework.draftHint")}</p>
            <ActionOutcome data={at("draft")} />
            <details open={at("draft")?.intent === "rename-draft" && Boolean(at("draft")?.formError)}>
              <summary>{t("manage.framework.renameDraft")}</summary>
              <Form method="post" className="stack" noValidate>
                <input type="hidden" name="intent" value="rename-draft" />
                <TextField name="nameZh" label={t("manage.nameZh")} required maxLength={100} defaultValue={draft.nameZh} error={tr(errorsAt("draft", "rename-draft").nameZh)} />
                <TextField name="nameEn" label={t("manage.nameEn")} required maxLength={200} defaultValue={draft.nameEn} error={tr(errorsAt("draft", "rename-draft").nameEn)} />
                <div className="button-row">
                  <button type="submit" className="button">
                    {t("common.save")}
                  </button>
                </div>
              </Form>
            </details>
            <ol className="manage-list">
              {draft.competencies.map((c) => (
                <CompetencyCard key={c.id} competency={c} outcome={at(c.id)} editableCode />
              ))}
            </ol>
            <details className="manage-subsection" open={at("draft")?.intent === "add-competency" && Boolean(at("draft")?.formError)}>
              <summary>{t("manage.framework.addCompetency")}</summary>
              <Form method="post" className="stack" noValidate>
                <input type="hidden" name="intent" value="add-competency" />
                <EntryFields errors={errorsAt("draft", "add-competency")} codeHint={t("manage.framework.codeHint")} descriptionRows={3} />
                <div className="button-row">
                  <button type="submit" className="button button--primary">
                    {t("manage.framework.add")}
                  </button>
                </div>
              </Form>
            </details>

            {preview ? <PublishPreviewView preview={preview} /> : null}
            <Form method="post" className="stack manage-subsection" noValidate>
              <input type="hidden" name="intent" value="publish" />
              <TextAreaField
                name="reason"
                label={t("manage.reasonRequired")}
                hint={t("manage.reasonHint")}
                rows={2}
                maxLength={500}
                required
                error={tr(errorsAt("draft", "publish").reason)}
              />
              <div className="button-row">
                <button type="submit" className="button button--primary">
                  {t("manage.framework.publish", { version: draft.version })}
                </button>
              </div>
            </Form>
            <Form method="post" className="stack manage-danger">
              <input type="hidden" name="intent" value="discard-draft" />
              <div className="button-row">
                <button type="submit" className="button">
                  {t("manage.framework.discard")}
                </button>
              </div>
            </Form>
          </>
        ) : (
          <>
            <h2 id="draft-title">{t("manage.framework.newVersionTitle")}</h2>
            <p className="muted">{t("manage.framework.newVersionHint")}</p>
            <Form method="post" className="stack">
              <input type="hidden" name="intent" value="create-draft" />
              <div className="button-row">
                <button type="submit" className="button button--primary">
                  {t("manage.framework.createDraft", { version: nextVersion })}
                </button>
              </div>
            </Form>
          </>
        )}
      </section>

      {retired.length > 0 ? (
        <section aria-labelledby="retired-title">
          <h2 id="retired-title">{t("manage.framework.retiredTitle")}</h2>
          <ul className="list card manage-plain-list">
            {retired.map((f) => (
              <li key={f.id}>
                {t("manage.framework.versionName", { version: f.version, name: name(f) })}
                {f.publishedAt ? <span className="muted small"> · {t("manage.framework.publishedOn", { date: date(f.publishedAt) })}</span> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}

type Competency = EntryWording & { id: number };

function CompetencyCard({
  competency,
  usage,
  outcome,
  editableCode,
}: {
  competency: Competency;
  usage?: string;
  outcome: ActionData | undefined;
  editableCode: boolean;
}) {
  const { t } = useT();
  const errors = outcome?.intent === "edit-competency" ? (outcome.fieldErrors ?? {}) : {};
  return (
    <li className="card">
      <EntryHeading entry={competency} usage={usage} descriptionClassName="small" />
      <ActionOutcome data={outcome} />
      <details open={Object.keys(errors).length > 0}>
        <summary>{editableCode ? t("manage.edit") : t("manage.framework.editWording")}</summary>
        <Form method="post" className="stack" noValidate>
          <input type="hidden" name="intent" value="edit-competency" />
          <input type="hidden" name="competencyId" value={competency.id} />
          <EntryFields entry={competency} errors={errors} codeHint={editableCode ? t("manage.framework.codeHint") : undefined} descriptionRows={3} />
          <div className="button-row">
            <button type="submit" className="button button--primary">
              {t("common.save")}
            </button>
          </div>
        </Form>
        {editableCode ? (
          <Form method="post" className="stack manage-danger">
            <input type="hidden" name="intent" value="remove-competency" />
            <input type="hidden" name="competencyId" value={competency.id} />
            <div className="button-row">
              <button type="submit" className="button">
                {t("manage.framework.remove")}
              </button>
            </div>
          </Form>
        ) : null}
      </details>
    </li>
  );
}

function PublishPreviewView({ preview }: { preview: NonNullable<LoaderData["preview"]> }) {
  const { t } = useT();
  return (
    <div className="manage-subsection">
      <h3>{t("manage.framework.previewTitle")}</h3>
      <ul className="reasons">
        <li>{t("manage.framework.previewAdded", { list: preview.added.join(", ") || t("common.none") })}</li>
        <li>{t("manage.framework.previewRemoved", { list: preview.removed.join(", ") || t("common.none") })}</li>
        <li>{t("manage.framework.previewMoved", { count: preview.moved })}</li>
      </ul>
      {preview.added.length > 0 && preview.removed.length > 0 ? <p className="alert alert--warning">{t("manage.framework.renameWarning")}</p> : null}
      <AffectedCourses affected={preview.affected} future />
    </div>
  );
}

function AffectedCourses({ affected, future }: { affected: PublishReport["affected"] | NonNullable<LoaderData["preview"]>["affected"]; future: boolean }) {
  const { t, locale } = useT();
  if (affected.length === 0) return <p className="small">{t(future ? "manage.framework.noneWillLose" : "manage.framework.noneLost")}</p>;
  return (
    <>
      <p className="small">{t(future ? "manage.framework.willLose" : "manage.framework.lost", { count: affected.length })}</p>
      <ul className="affected-list">
        {affected.map((a) => (
          <li key={a.courseId}>
            <Link to={`/manage/courses/${a.courseId}`}>
              <code>{a.code}</code> {locale === "en" ? a.titleEn : a.titleZh}
            </Link>{" "}
            <span className="muted small">{t("manage.framework.lostCodes", { list: a.lostCodes.join(", ") })}</span>
            {a.keptRetired ? <span className="badge badge--todo">{t("manage.framework.needsWeights")}</span> : null}
            {a.archived ? <span className="badge">{t("manage.courses.archived")}</span> : null}
          </li>
        ))}
      </ul>
    </>
  );
}

function PublishOutcome({ report }: { report: PublishReport }) {
  const { t } = useT();
  return (
    <div className="alert alert--success" role="status">
      <p className="alert__title">
        {report.retiredVersion !== null
          ? t("manage.framework.published", { version: report.version, retired: report.retiredVersion })
          : t("manage.framework.publishedFirst", { version: report.version })}
      </p>
      <p>{t("manage.framework.movedDone", { count: report.moved })}</p>
      <AffectedCourses affected={report.affected} future={false} />
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
