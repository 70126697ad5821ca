import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { requireUser } from "~/auth/guards.server";
import { catalogueFilterChoices, searchCatalogue } from "~/catalogue/catalogue.server";
import { catalogueQueryParams, COURSE_MODES, parseCatalogueQuery, upcomingMonths } from "~/catalogue/filters.server";
import { FilterActions } from "~/components/filter-actions";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { SelectField, TextField } from "~/components/fields";
import { Pagination } from "~/components/pagination";
import { useT } from "~/i18n/i18n";
import type { MessageKey } from "~/i18n/zh-CN";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  const filters = parseCatalogueQuery(new URL(request.url).searchParams);
  const now = new Date();
  const [choices, result] = await Promise.all([catalogueFilterChoices(), searchCatalogue(filters, now)]);
  const months = upcomingMonths(now);
  // A bookmarked month that has passed stays selectable, so the form shows what the list shows.
  if (filters.month && !months.includes(filters.month)) months.unshift(filters.month);
  // The modes travel in the data because a *.server module is empty in the browser bundle.
  return json(
    { ...result, choices: { ...choices, modes: COURSE_MODES }, months, params: catalogueQueryParams(filters) },
    { headers: { "Cache-Control": "no-store" } },
  );
}

type Named = { nameZh: string; nameEn: string };

export default function Catalogue() {
  const { courses, total, page, pages, choices, months, params } = useLoaderData<typeof loader>();
  const { t, locale, date, number, points } = useT();
  const location = useLocation();
  const name = (n: Named) => (locale === "en" ? n.nameEn : n.nameZh);
  const activeFilters = ["competency", "level", "mode", "street", "venue", "month", "seats"].filter((k) => params[k]).length;
  const monthLabel = (month: string) =>
    date(`${month}-15T00:00:00Z`, { dateStyle: undefined, year: "numeric", month: "long" });

  return (
    <>
      <h1 data-testid="page-title">{t("catalogue.title")}</h1>
      {/* Keyed by the query so the fields show the current URL after a link (page, clear) is followed. */}
      <Form method="get" className="catalogue-filters" role="search" key={location.search}>
        <div className="search-row">
          <label className="visually-hidden" htmlFor="catalogue-q">
            {t("catalogue.search")}
          </label>
          <input id="catalogue-q" name="q" type="search" defaultValue={params.q} placeholder={t("catalogue.search")} />
          <button type="submit" className="button">
            {t("common.search")}
          </button>
        </div>
        <details className="filter-panel" open={activeFilters > 0}>
          <summary>{activeFilters > 0 ? t("catalogue.filtersActive", { count: activeFilters }) : t("catalogue.filters")}</summary>
          <div className="filter-panel__fields">
            <SelectField name="competency" label={t("catalogue.filter.competency")} defaultValue={params.competency}>
              <option value="">{t("catalogue.filter.any")}</option>
              {choices.competencies.map((c) => (
                <option key={c.id} value={c.id}>
                  {name(c)}
                </option>
              ))}
            </SelectField>
            <SelectField name="level" label={t("catalogue.filter.level")} defaultValue={params.level}>
              <option value="">{t("catalogue.filter.any")}</option>
              {choices.levels.map((l) => (
                <option key={l.id} value={l.id}>
                  {name(l)}
                </option>
              ))}
            </SelectField>
            <SelectField name="mode" label={t("catalogue.filter.mode")} defaultValue={params.mode}>
              <option value="">{t("catalogue.filter.any")}</option>
              {choices.modes.map((m) => (
                <option key={m} value={m}>
                  {t(`catalogue.modes.${m}` as MessageKey)}
                </option>
              ))}
            </SelectField>
            <SelectField name="month" label={t("catalogue.filter.month")} defaultValue={params.month}>
              <option value="">{t("catalogue.filter.any")}</option>
              {months.map((m) => (
                <option key={m} value={m}>
                  {monthLabel(m)}
                </option>
              ))}
            </SelectField>
            <SelectField name="street" label={t("catalogue.filter.street")} defaultValue={params.street}>
              <option value="">{t("catalogue.filter.any")}</option>
              {choices.streets.map((s) => (
                <option key={s.id} value={s.id}>
                  {name(s)}
                </option>
              ))}
            </SelectField>
            <div className="filter-panel__wide">
              <TextField name="venue" label={t("catalogue.filter.venue")} hint={t("catalogue.filter.venueHint")} defaultValue={params.venue} />
            </div>
            <label className="check filter-panel__wide">
              <input type="checkbox" name="seats" value="1" defaultChecked={params.seats === "1"} />
              <span>{t("catalogue.filter.seatsLeft")}</span>
            </label>
          </div>
          <FilterActions
            applyLabel={t("catalogue.filter.apply")}
            clearLabel={t("catalogue.filter.clear")}
            clearTo="/catalogue"
            showClear={Boolean(activeFilters > 0 || params.q)}
          />
        </details>
      </Form>

      <p className="muted" role="status">
        {t("catalogue.total", { count: total })}
      </p>
      {courses.length === 0 ? (
        <p className="card">{t("catalogue.none")}</p>
      ) : (
        <ul className="course-list">
          {courses.map((course) => (
            <li key={course.id} className="card course-card">
              <h2 className="course-card__title">
                <Link to={`/catalogue/${encodeURIComponent(course.code)}`}>{locale === "en" ? course.titleEn : course.titleZh}</Link>
              </h2>
              <p className="course-card__facts">
                <span className="badge badge--level">{name(course.level)}</span>
                <span className="badge">{t(`catalogue.modes.${course.mode}` as MessageKey)}</span>
                {course.hasAssessment ? <span className="badge" data-testid="assessed">{t("course.assessment")}</span> : null}
                <span>{t("catalogue.hours", { hours: number(course.durationMinutes / 60, { maximumFractionDigits: 1 }) })}</span>
                <span aria-hidden="true">·</span>
                <span>{t("common.points", { points: points(course.creditPoints) })}</span>
              </p>
              {course.competencies.length > 0 ? (
                <p className="small">
                  {t("catalogue.mainCompetencies", {
                    list: course.competencies.map((c) => t("catalogue.competencyWeight", { name: name(c), weight: c.weight })).join(" · "),
                  })}
                </p>
              ) : null}
              {course.classes.length === 0 ? (
                <p className="muted small">{t("catalogue.noClasses")}</p>
              ) : (
                <ul className="class-mini-list" aria-label={t("catalogue.nextClasses")}>
                  {course.classes.map((c) => (
                    <li key={c.id}>
                      <span className="class-mini-list__date">{date(c.startsAt)}</span>
                      <span className="class-mini-list__street">{name(c.street)}</span>
                      {c.seatsLeft > 0 ? (
                        <span className="badge badge--ok">{t("catalogue.seatsLeft", { count: c.seatsLeft })}</span>
                      ) : (
                        <span className="badge badge--todo">{t("catalogue.full")}</span>
                      )}
                    </li>
                  ))}
                </ul>
              )}
              {course.moreClasses > 0 ? (
                <p className="small">
                  <Link to={`/catalogue/${encodeURIComponent(course.code)}`}>{t("catalogue.moreClasses", { count: course.moreClasses })}</Link>
                </p>
              ) : null}
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
