import type { ActionFunctionArgs, LoaderFunctionArgs, SerializeFrom } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { requireRole } from "~/auth/guards.server";
import { courseFormValues, courseFormValuesOf, parseUpdateCourseForm, type CourseFormValues } from "~/catalogue-admin/course-form";
import { CourseFormFields, TextAreaField } from "~/catalogue-admin/course-form-fields";
import { courseFormChoices, courseHistory, loadCourseForEdit, setCourseArchived, updateCourse } from "~/catalogue-admin/courses.server";
import { isCatalogueAdminError } from "~/catalogue-admin/errors";
import { refusal, translateRefusal } from "~/catalogue-admin/form-errors";
import type { CourseChange } from "~/catalogue-admin/history";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { isMessageKey, useT, type MessageKey, type Params } from "~/i18n/i18n";
import { fields, msg, parseForm, type FieldErrors } from "~/utils/forms";
import { notFound } from "~/utils/http.server";
import { readFormData } from "~/utils/form-data.server";

const CourseIdSchema = z.coerce.number().int().positive().max(2_147_483_647);

const ArchiveSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("archive"), reason: fields.text(500) }),
    z.object({ intent: z.literal("unarchive"), reason: fields.optionalText(500) }),
  ],
  { error: msg("errors.badRequest") },
);

type ActionData = {
  intent: string;
  fieldErrors?: FieldErrors;
  formError?: string;
  values?: CourseFormValues;
  notice?: { key: MessageKey; params?: Params };
};

function courseIdOf(params: { courseId?: string }) {
  const id = CourseIdSchema.safeParse(params.courseId);
  if (!id.success) notFound();
  return id.data;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, "hr", "admin");
  const courseId = courseIdOf(params);
  const course = await loadCourseForEdit(courseId);
  if (!course) notFound();
  const [choices, history] = await Promise.all([courseFormChoices(courseId), courseHistory(courseId)]);
  const created = new URL(request.url).searchParams.get("created") === "1";
  return json({ course, choices, history, created }, { headers: { "Cache-Control": "no-store" } });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const courseId = courseIdOf(params);
  const form = await readFormData(request);
  const intent = String(form.get("intent") ?? "");
  try {
    if (intent === "update") {
      const values = courseFormValues(form);
      const parsed = parseUpdateCourseForm(form);
      if (!parsed.ok) {
        return json<ActionData>(
          { intent, fieldErrors: parsed.fieldErrors, formError: parsed.formError ?? msg("errors.form"), values },
          { status: 400 },
        );
      }
      try {
        const result = await updateCourse(user.id, courseId, parsed.data);
        return json<ActionData>({
          intent,
          notice: result.changed ? { key: "manage.course.saved", params: { version: result.version } } : { key: "manage.course.unchanged" },
        });
      } catch (error) {
        if (isCatalogueAdminError(error)) return json<ActionData>({ intent, ...refusal(error), values }, { status: 400 });
        throw error;
      }
    }
    const parsed = parseForm(form, ArchiveSchema);
    if (!parsed.ok) {
      return json<ActionData>({ intent, fieldErrors: parsed.fieldErrors, formError: parsed.formError ?? msg("errors.form") }, { status: 400 });
    }
    const archive = parsed.data.intent === "archive";
    const result = await setCourseArchived(user.id, courseId, archive, parsed.data.reason ?? null);
    return json<ActionData>({
      intent,
      notice: {
        key: !result.changed ? "manage.course.unchanged" : archive ? "manage.course.archivedDone" : "manage.course.unarchivedDone",
        params: { code: result.code },
      },
    });
  } catch (error) {
    if (isCatalogueAdminError(error)) return json<ActionData>({ intent, ...refusal(error) }, { status: 400 });
    throw error;
  }
}

type LoaderData = SerializeFrom<typeof loader>;
type Named = { nameZh: string; nameEn: string };

export default function ManageCourse() {
  const { course, choices, history, created } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const navigation = useNavigation();
  const { t, locale, dateTime } = useT();
  const name = (n: Named) => (locale === "en" ? n.nameEn : n.nameZh);
  const title = locale === "en" ? course.titleEn : course.titleZh;
  const updateData = actionData?.intent === "update" ? actionData : undefined;
  const archiveData = actionData && actionData.intent !== "update" ? actionData : undefined;
  const values = updateData?.values ?? courseFormValuesOf(course);
  const busy = navigation.state === "submitting";

  return (
    <>
      <p className="back-link">
        <Link to="/manage/courses">{t("manage.courses.back")}</Link>
      </p>
      <h1 data-testid="page-title">{title}</h1>
      <p className="course-card__facts">
        <code>{course.code}</code>
        <span className="badge">{t("manage.course.version", { version: course.version })}</span>
        {course.archivedAt ? (
          <span className="badge badge--todo">{t("manage.courses.archived")}</span>
        ) : (
          <Link to={`/catalogue/${encodeURIComponent(course.code)}`}>{t("manage.course.viewInCatalogue")}</Link>
        )}
        <span className="muted small">{t("manage.course.classes", { count: course.classes })}</span>
        <a href="#history-title" className="small">
          {t("manage.history.jump", { count: history.events.length })}
        </a>
      </p>

      {created ? (
        <p className="alert alert--success" role="status">
          {t("manage.course.created", { code: course.code })}
        </p>
      ) : null}
      {actionData?.notice ? (
        <p className="alert alert--success" role="status">
          {t(actionData.notice.key, actionData.notice.params)}
        </p>
      ) : null}
      {actionData?.formError ? (
        <p className="alert alert--error" role="alert">
          {translateRefusal(t, locale, actionData.formError)}
        </p>
      ) : null}
      {course.retiredWeights.length > 0 ? (
        <div className="alert alert--warning">
          <p className="alert__title">{t("manage.course.retiredWeights")}</p>
          <p>
            {course.retiredWeights
              .map((w) => t("manage.course.retiredWeight", { name: name(w), version: w.frameworkVersion, weight: w.weight }))
              .join(" · ")}
          </p>
        </div>
      ) : null}

      <section aria-labelledby="edit-title">
        <h2 id="edit-title">{t("manage.course.edit")}</h2>
        {/* Keyed by version: after a save the boxes show what was stored. */}
        <Form method="post" className="stack card manage-form" noValidate key={course.version}>
          <input type="hidden" name="intent" value="update" />
          <input type="hidden" name="version" value={course.version} />
          <CourseFormFields choices={choices} values={values} errors={updateData?.fieldErrors ?? {}} withCode={false} />
          <TextAreaField
            name="reason"
            label={t("manage.reasonOptional")}
            hint={t("manage.reasonHint")}
            rows={2}
            maxLength={500}
            defaultValue={values.reason}
            error={translateRefusal(t, locale, updateData?.fieldErrors?.reason)}
          />
          <div className="button-row">
            <button type="submit" className="button button--primary" disabled={busy}>
              {t("manage.course.save")}
            </button>
          </div>
        </Form>
      </section>

      <section className="card" aria-labelledby="archive-title">
        <h2 id="archive-title">{course.archivedAt ? t("manage.course.unarchiveTitle") : t("manage.course.archiveTitle")}</h2>
        <p className="muted">
          {course.archivedAt ? t("manage.course.archivedSince", { date: dateTime(course.archivedAt) }) : t("manage.course.archiveExplain")}
        </p>
        <Form method="post" className="stack" noValidate key={course.version}>
          <input type="hidden" name="intent" value={course.archivedAt ? "unarchive" : "archive"} />
          <TextAreaField
            name="reason"
            label={course.archivedAt ? t("manage.reasonOptional") : t("manage.reasonRequired")}
            hint={t("manage.reasonHint")}
            rows={2}
            maxLength={500}
            required={!course.archivedAt}
            error={translateRefusal(t, locale, archiveData?.fieldErrors?.reason)}
          />
          <div className="button-row">
            <button type="submit" className="button" disabled={busy}>
              {course.archivedAt ? t("manage.course.unarchive") : t("manage.course.archive")}
            </button>
          </div>
        </Form>
      </section>

      <section aria-labelledby="history-title">
        <h2 id="history-title">{t("manage.history.title")}</h2>
        {history.events.length === 0 ? (
          <p className="muted">{t("manage.history.none")}</p>
        ) : (
          <ol className="history-list">
            {history.events.map((event) => (
              <li key={event.id} className="card history-entry">
                <p className="history-entry__head">
                  <strong>{isMessageKey(`manage.audit.${event.action}`) ? t(`manage.audit.${event.action}` as MessageKey) : event.action}</strong>
                  {event.versionAfter !== null ? (
                    <span className="badge">
                      {event.versionBefore !== null
                        ? t("manage.history.versions", { from: event.versionBefore, to: event.versionAfter })
                        : t("manage.course.version", { version: event.versionAfter })}
                    </span>
                  ) : null}
                </p>
                <p className="muted small">
                  {t("manage.history.byAt", { date: dateTime(event.createdAt), who: event.actor?.displayName ?? t("manage.history.system") })}
                </p>
                {event.reason ? <p className="history-entry__reason">{t("manage.history.reason", { reason: event.reason })}</p> : null}
                {event.unreadable ? <p className="muted small">{t("manage.history.unreadable")}</p> : null}
                {event.changes.length > 0 ? (
                  <dl className="history-changes">
                    {event.changes.map((change) => (
                      <div key={change.field}>
                        <dt>{t(`manage.field.${change.field}` as MessageKey)}</dt>
                        <dd>
                          <ChangeText change={change} history={history} activeVersion={choices.frameworkVersion} />
                        </dd>
                      </div>
                    ))}
                  </dl>
                ) : null}
              </li>
            ))}
          </ol>
        )}
      </section>
    </>
  );
}

function ChangeText({
  change,
  history,
  activeVersion,
}: {
  change: SerializeFrom<CourseChange>;
  history: LoaderData["history"];
  activeVersion: number | null;
}) {
  const { t, locale, points, number } = useT();
  const name = (n: Named) => (locale === "en" ? n.nameEn : n.nameZh);
  const pair = (before: string | null, after: string) =>
    before === null ? (
      <span className="diff-after">{after}</span>
    ) : (
      <>
        <span className="diff-before">{before}</span> <span aria-hidden="true">→</span>
        <span className="visually-hidden">{t("manage.history.to")}</span> <span className="diff-after">{after}</span>
      </>
    );
  const empty = (s: string) => (s === "" ? t("manage.history.empty") : s);
  switch (change.field) {
    case "code":
    case "titleZh":
    case "titleEn":
    case "summaryZh":
    case "summaryEn":
      return pair(change.before === null ? null : empty(change.before), empty(change.after));
    case "mode":
      return pair(
        change.before === null ? null : t(`catalogue.modes.${change.before}` as MessageKey),
        t(`catalogue.modes.${change.after}` as MessageKey),
      );
    case "level": {
      const levelName = (l: { id: number; code: string }) => {
        const found = history.levels[l.id];
        return found ? name(found) : l.code;
      };
      return pair(change.before ? levelName(change.before) : null, levelName(change.after));
    }
    case "durationMinutes":
      return pair(
        change.before === null ? null : t("manage.history.minutes", { minutes: number(change.before) }),
        t("manage.history.minutes", { minutes: number(change.after) }),
      );
    case "creditPoints":
      return pair(
        change.before === null ? null : t("common.points", { points: points(change.before) }),
        t("common.points", { points: points(change.after) }),
      );
    case "hasAssessment":
      return pair(change.before === null ? null : t(change.before ? "common.yes" : "common.no"), t(change.after ? "common.yes" : "common.no"));
    case "archived":
      return pair(
        change.before === null ? null : t(change.before ? "manage.courses.archived" : "manage.courses.active"),
        t(change.after ? "manage.courses.archived" : "manage.courses.active"),
      );
    case "weights":
      return (
        <ul className="history-weights">
          {change.changes.map((w) => {
            const found = history.competencies[w.competencyId];
            const label = found
              ? found.frameworkVersion === activeVersion || w.fromCompetencyId !== undefined
                ? name(found)
                : t("manage.history.competencyOfVersion", { name: name(found), version: found.frameworkVersion })
              : w.code;
            return (
              <li key={w.competencyId}>
                {t("manage.history.weightLine", {
                  name: label,
                  change:
                    w.before === null
                      ? t("manage.history.weightAdded", { weight: w.after ?? 0 })
                      : w.after === null
                        ? t("manage.history.weightRemoved", { weight: w.before })
                        : w.fromCompetencyId !== undefined
                          ? w.before === w.after
                            ? t("manage.history.weightMoved", { weight: w.after, version: found?.frameworkVersion ?? "?" })
                            : t("manage.history.weightMovedChanged", { from: w.before, to: w.after, version: found?.frameworkVersion ?? "?" })
                          : t("manage.history.weightChanged", { from: w.before, to: w.after }),
                })}
              </li>
            );
          })}
        </ul>
      );
    case "prerequisites":
      return (
        <>
          {change.added.length > 0 ? <span>{t("manage.history.added", { list: change.added.join(", ") })}</span> : null}
          {change.added.length > 0 && change.removed.length > 0 ? " · " : null}
          {change.removed.length > 0 ? <span>{t("manage.history.removed", { list: change.removed.join(", ") })}</span> : null}
        </>
      );
  }
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
