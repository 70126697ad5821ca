import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { z } from "zod";
import { requireRole } from "~/auth/guards.server";
import { coursesWithClasses, listClasses } from "~/classes/classes.server";
import { dayRange } from "~/classes/format";
import { CLASS_STATUSES } from "~/classes/forms";
import { monthsOfYear, shanghaiYearOf } from "~/classes/shanghai-time";
import { FilterActions } from "~/components/filter-actions";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { SelectField } from "~/components/fields";
import { Pagination } from "~/components/pagination";
import { useT, type MessageKey } from "~/i18n/i18n";

const QuerySchema = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
  course: z.coerce.number().int().positive().max(2_147_483_647).optional().catch(undefined),
  status: z.enum(CLASS_STATUSES).optional().catch(undefined),
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/).optional().catch(undefined),
  year: z.coerce.number().int().min(2000).max(2100).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).optional().catch(undefined),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const query = QuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const thisYear = shanghaiYearOf(new Date());
  const year = query.year ?? thisYear;
  // A month of another year than the one shown would match nothing: it follows the year.
  const month = query.month?.startsWith(`${year}-`) ? query.month : undefined;
  const [result, courses] = await Promise.all([
    listClasses(user, { q: query.q, courseId: query.course, status: query.status, month, year, page: query.page }),
    coursesWithClasses(user, year),
  ]);
  const years = [...new Set([thisYear - 1, thisYear, thisYear + 1, year])].sort();
  const params = {
    q: query.q ?? "",
    course: query.course ? String(query.course) : "",
    status: query.status ?? "",
    month: month ?? "",
    year: year === thisYear ? "" : String(year),
  };
  return json(
    { ...result, courses, years, year, months: monthsOfYear(year), statuses: CLASS_STATUSES, params },
    { headers: { "Cache-Control": "no-store" } },
  );
}

export default function HrClasses() {
  const { classes, total, page, pages, courses, years, year, months, statuses, params } = useLoaderData<typeof loader>();
  const { t, locale, date } = useT();
  const location = useLocation();
  const name = (n: { nameZh: string; nameEn: string }) => (locale === "en" ? n.nameEn : n.nameZh);
  const title = (c: { titleZh: string; titleEn: string }) => (locale === "en" ? c.titleEn : c.titleZh);
  const active = ["course", "status", "month", "year"].filter((k) => params[k as keyof typeof params]).length;
  const monthLabel = (month: string) => date(`${month}-15T00:00:00Z`, { dateStyle: undefined, month: "long" });
  return (
    <>
      <div className="classes-head">
        <h1 data-testid="page-title">{t("classes.title")}</h1>
        <Link to="/hr/classes/new" className="button button--primary">
          {t("classes.new")}
        </Link>
      </div>
      <p className="muted">{t("classes.intro", { year })}</p>

      <Form method="get" className="catalogue-filters" role="search" key={location.search}>
        <div className="search-row">
          <label className="visually-hidden" htmlFor="classes-q">
            {t("classes.search")}
          </label>
          <input id="classes-q" name="q" type="search" defaultValue={params.q} placeholder={t("classes.search")} />
          <button type="submit" className="button">
            {t("common.search")}
          </button>
        </div>
        <details className="filter-panel" open={active > 0}>
          <summary>{active > 0 ? t("classes.filtersActive", { count: active }) : t("classes.filters")}</summary>
          <div className="filter-panel__fields">
            <SelectField name="course" label={t("classes.filter.course")} defaultValue={params.course}>
              <option value="">{t("classes.filter.any")}</option>
              {courses.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.code} {title(c)}
                </option>
              ))}
            </SelectField>
            <SelectField name="status" label={t("classes.filter.status")} defaultValue={params.status}>
              <option value="">{t("classes.filter.any")}</option>
              {statuses.map((s) => (
                <option key={s} value={s}>
                  {t(`classes.status.${s}` as MessageKey)}
                </option>
              ))}
            </SelectField>
            <SelectField name="year" label={t("classes.filter.year")} defaultValue={String(year)}>
              {years.map((y) => (
                <option key={y} value={y}>
                  {y}
                </option>
              ))}
            </SelectField>
            <SelectField name="month" label={t("classes.filter.month")} defaultValue={params.month}>
              <option value="">{t("classes.filter.any")}</option>
              {months.map((m) => (
                <option key={m} value={m}>
                  {monthLabel(m)}
                </option>
              ))}
            </SelectField>
          </div>
          <FilterActions
            applyLabel={t("classes.filter.apply")}
            clearLabel={t("classes.filter.clear")}
            clearTo="/hr/classes"
            showClear={Boolean(active > 0 || params.q)}
          />
        </details>
      </Form>

      <p className="muted" role="status">
        {t("common.total", { count: total })}
      </p>
      {classes.length === 0 ? (
        <p className="card">{t("classes.none")}</p>
      ) : (
        <ul className="hr-class-list">
          {classes.map((c) => (
            <li key={c.id} className="card hr-class-card">
              <p className="hr-class-card__title">
                <Link to={`/hr/classes/${c.id}`}>{title(c.course)}</Link>
              </p>
              <p className="hr-class-card__meta">
                <code>{c.code}</code>
                <span className={`badge badge--status-${c.status}`}>{t(`classes.status.${c.status}` as MessageKey)}</span>
                {c.needsApproval ? <span className="badge">{t("classes.needsApproval")}</span> : null}
              </p>
              <p className="hr-class-card__when">
                {dayRange(locale, c.startsAt, c.endsAt)} · {name(c.hostUnit)}
                {c.venue ? ` · ${c.venue}` : ""}
              </p>
              <p className="hr-class-card__counts small">
                <span>{t("classes.seats", { taken: c.seatsTaken, capacity: c.capacity })}</span>
                {c.waiting > 0 ? <span>{t("classes.waiting", { count: c.waiting })}</span> : null}
                {c.pending > 0 ? <span>{t("classes.pending", { count: c.pending })}</span> : null}
                <span className="muted">{c.trainer ? c.trainer.displayName : t("classes.noTrainer")}</span>
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
