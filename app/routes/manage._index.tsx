import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireRole } from "~/auth/guards.server";
import { manageOverview } from "~/catalogue-admin/overview.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { isMessageKey, useT, type MessageKey } from "~/i18n/i18n";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "hr", "admin");
  return json(await manageOverview(), { headers: { "Cache-Control": "no-store" } });
}

export default function ManageHome() {
  const { courses, levels, framework, draftVersion, recent } = useLoaderData<typeof loader>();
  const { t, locale, dateTime } = useT();
  return (
    <>
      <h1 data-testid="page-title">{t("manage.title")}</h1>
      <p className="muted">{t("manage.intro")}</p>
      <ul className="manage-areas">
        <li className="card">
          <h2>
            <Link to="/manage/competencies">{t("manage.framework.title")}</Link>
          </h2>
          <p>
            {framework
              ? t("manage.home.framework", {
                  version: framework.version,
                  name: locale === "en" ? framework.nameEn : framework.nameZh,
                  count: framework.competencies,
                })
              : t("manage.framework.noActive")}
          </p>
          {draftVersion !== null ? <span className="badge badge--todo">{t("manage.home.draft", { version: draftVersion })}</span> : null}
        </li>
        <li className="card">
          <h2>
            <Link to="/manage/levels">{t("manage.levels.title")}</Link>
          </h2>
          <p>{t("manage.home.levels", { count: levels })}</p>
        </li>
        <li className="card">
          <h2>
            <Link to="/manage/courses">{t("manage.courses.title")}</Link>
          </h2>
          <p>{t("manage.home.courses", { active: courses.active, archived: courses.archived })}</p>
          <Link to="/manage/courses/new" className="button button--primary">
            {t("manage.courses.new")}
          </Link>
        </li>
      </ul>

      <section aria-labelledby="recent-title">
        <h2 id="recent-title">{t("manage.home.recent")}</h2>
        {recent.length === 0 ? (
          <p className="muted">{t("manage.history.none")}</p>
        ) : (
          <ul className="list card manage-plain-list">
            {recent.map((event) => {
              const key = `manage.audit.${event.action}`;
              const subject = event.code ?? (event.frameworkVersion !== null ? t("manage.home.version", { version: event.frameworkVersion }) : "");
              return (
                <li key={event.id}>
                  <strong>{isMessageKey(key) ? t(key as MessageKey) : event.action}</strong>{" "}
                  {event.courseId !== null ? (
                    <Link to={`/manage/courses/${event.courseId}`}>
                      <code>{subject}</code>
                    </Link>
                  ) : (
                    <code>{subject}</code>
                  )}
                  <br />
                  <span className="muted small">
                    {t("manage.history.byAt", { date: dateTime(event.createdAt), who: event.actor?.displayName ?? t("manage.history.system") })}
                  </span>
                </li>
              );
            })}
          </ul>
        )}
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
