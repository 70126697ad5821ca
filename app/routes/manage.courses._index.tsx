import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { z } from "zod";
import { requireRole } from "~/auth/guards.server";
import { COURSE_LIST_STATUSES, COURSE_MODE_VALUES } from "~/catalogue-admin/course-form";
import { levelChoices, listManagedCourses } from "~/catalogue-admin/courses.server";
import { FilterActions } from "~/components/filter-actions";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { SelectField } from "~/components/fields";
import { Pagination } from "~/components/pagination";
import { useT, type MessageKey } from "~/i18n/i18n";

/** A malformed value is dropped, not refused: a stale bookmark still shows the list. */
const QuerySchema = z.object({
  q: z
    .string()
    .trim()
    .max(100)
    .optional()
    .transform((v) => (v ? v : undefined))
    .catch(undefined),
  level: z.coerce.number().int().positive().max(2_147_483_647).optional().catch(undefined),
  mode: z.enum(COURSE_MODE_VALUES).optional().catch(undefined),
  status: z.enum(COURSE_LIST_STATUSES).catch("active"),
  page: z.coerce.number().int().min(1).max(100_000).optional().catch(undefined),
});

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "hr", "admin");
  const query = QuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const [list, levels] = await Promise.all([
    listManagedCourses({ q: query.q, levelId: query.level, mode: query.mode, status: query.status, page: query.page }),
    levelChoices(),
  ]);
  return json(
    {
      ...list,
      levels,
      params: {
        q: query.q ?? "",
        level: query.level ? String(query.level) : "",
        mode: query.mode ?? "",
        status: query.status === "active" ? "" : query.status,
      },
    },
    { headers: { "Cache-Control": "no-store" } },
  );
}

type Named = { nameZh: string; nameEn: string };

export default function ManageCourses() {
  const { courses, total, page, pages, levels, params } = useLoaderData<typeof loader>();
  const { t, locale, number, points } = useT();
  const location = useLocation();
  const name = (n: Named) => (locale === "en" ? n.nameEn : n.nameZh);
  const activeFilters = ["level", "mode", "status"].filter((k) => params[k as keyof typeof params]).length;
  return (
    <>
      <p className="back-link">
        <Link to="/manage">{t("manage.title")}</Link>
      </p>
      <div className="manage-head">
        <h1 data-testid="page-title">{t("manage.courses.title")}</h1>
        <Link to="/manage/courses/new" className="button button--primary">
          {t("manage.courses.new")}
        </Link>
      </div>
      <Form method="get" className="catalogue-filters" role="search" key={location.search}>
        <div className="search-row">
          <label className="visually-hidden" htmlFor="manage-q">
            {t("manage.courses.search")}
          </label>
          <input id="manage-q" name="q" type="search" defaultValue={params.q} placeholder={t("manage.courses.search")} />
          <button type="submit" className="button">
            {t("common.search")}
          </button>
        </div>
        <details className="filter-panel" open={activeFilters > 0}>
          <summary>{activeFilters > 0 ? t("catalogue.filtersActive", { count: activeFilters }) : t("catalogue.filters")}</summary>
          <div className="filter-panel__fields">
            <SelectField name="level" label={t("manage.course.level")} defaultValue={params.level}>
              <option value="">{t("catalogue.filter.any")}</option>
              {levels.map((l) => (
                <option key={l.id} value={l.id}>
                  {name(l)}
                </option>
              ))}
            </SelectField>
            <SelectField name="mode" label={t("manage.course.mode")} defaultValue={params.mode}>
              <option value="">{t("catalogue.filter.any")}</option>
              {COURSE_MODE_VALUES.map((m) => (
                <option key={m} value={m}>
                  {t(`catalogue.modes.${m}` as MessageKey)}
                </option>
              ))}
            </SelectField>
            <SelectField name="status" label={t("manage.courses.status")} defaultValue={params.status || "active"}>
              <option value="active">{t("manage.courses.active")}</option>
              <option value="archived">{t("manage.courses.archived")}</option>
              <option value="all">{t("manage.courses.all")}</option>
            </SelectField>
          </div>
          <FilterActions
            applyLabel={t("catalogue.filter.apply")}
            clearLabel={t("catalogue.filter.clear")}
            clearTo="/manage/courses"
            showClear={Boolean(activeFilters > 0 || params.q)}
          />
        </details>
      </Form>

      <p className="muted" role="status">
        {t("catalogue.total", { count: total })}
      </p>
      {courses.length === 0 ? (
        <p className="card">{t("manage.courses.none")}</p>
      ) : (
        <ul className="course-list">
          {courses.map((course) => (
            <li key={course.id} className="card course-card">
              <h2 className="course-card__title">
                <Link to={`/manage/courses/${course.id}`}>{locale === "en" ? course.titleEn : course.titleZh}</Link>
              </h2>
              <p className="course-card__facts">
                <code>{course.code}</code>
                <span className="badge badge--level">{name(course.level)}</span>
                <span className="badge">{t(`catalogue.modes.${course.mode}` as MessageKey)}</span>
                {course.archivedAt ? <span className="badge badge--todo">{t("manage.courses.archived")}</span> : null}
              </p>
              <p className="small muted">
                {t("catalogue.hours", { hours: number(course.durationMinutes / 60, { maximumFractionDigits: 1 }) })} ·{" "}
                {t("common.points", { points: points(course.creditPoints) })} · {t("manage.course.version", { version: course.version })} ·{" "}
                {t("manage.course.classes", { count: course.classes })}
              </p>
            </li>
          ))}
        </ul>
      )}
      <Pagination page={page} pages={pages} params={params} />
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
