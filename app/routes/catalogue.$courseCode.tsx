import type { LoaderFunctionArgs, SerializeFrom } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireUser } from "~/auth/guards.server";
import { loadCoursePage } from "~/catalogue/course-page.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { TIME_ZONE, useT, type Locale } from "~/i18n/i18n";
import type { MessageKey } from "~/i18n/zh-CN";
import { notFound } from "~/utils/http.server";

const CourseCodeSchema = z.string().trim().min(1).max(64);

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireUser(request);
  const code = CourseCodeSchema.safeParse(params.courseCode);
  if (!code.success) notFound();
  const course = await loadCoursePage(code.data);
  if (!course) notFound();
  return json({ course }, { headers: { "Cache-Control": "no-store" } });
}

type Named = { nameZh: string; nameEn: string };
type ClassView = SerializeFrom<typeof loader>["course"]["classes"][number];

/** "3 Mar 2026, 09:00 – 5 Mar 2026, 17:00", shortened by Intl when both ends share a day. */
function formatRange(locale: Locale, from: string, to: string, withTime = true) {
  return new Intl.DateTimeFormat(locale, {
    timeZone: TIME_ZONE,
    dateStyle: "medium",
    timeStyle: withTime ? "short" : undefined,
  }).formatRange(new Date(from), new Date(to));
}

export default function CoursePageRoute() {
  const { course } = useLoaderData<typeof loader>();
  const { t, locale, number, points } = useT();
  const name = (n: Named) => (locale === "en" ? n.nameEn : n.nameZh);
  const title = locale === "en" ? course.titleEn : course.titleZh;
  const summary = locale === "en" ? course.summaryEn : course.summaryZh;

  return (
    <>
      <p className="back-link">
        <Link to="/catalogue">{t("course.back")}</Link>
      </p>
      <h1 data-testid="page-title">{title}</h1>
      <p className="muted small">{t("course.code", { code: course.code })}</p>
      <dl className="course-facts">
        <div>
          <dt>{t("course.level")}</dt>
          <dd>{name(course.level)}</dd>
        </div>
        <div>
          <dt>{t("course.mode")}</dt>
          <dd>{t(`catalogue.modes.${course.mode}` as MessageKey)}</dd>
        </div>
        <div>
          <dt>{t("course.hours")}</dt>
          <dd>{number(course.durationMinutes / 60, { maximumFractionDigits: 1 })}</dd>
        </div>
        <div>
          <dt>{t("course.credit")}</dt>
          <dd>{points(course.creditPoints)}</dd>
        </div>
      </dl>
      {course.hasAssessment ? <p className="badge">{t("course.assessment")}</p> : null}
      {summary ? <p className="course-summary">{summary}</p> : null}

      <section className="card" aria-labelledby="competencies-title">
        <h2 id="competencies-title">{t("course.competencies")}</h2>
        {course.competencies.length === 0 ? (
          <p className="muted">{t("course.competenciesNone")}</p>
        ) : (
          <ul className="weight-list">
            {course.competencies.map((c) => (
              <li key={c.id}>
                <span className="weight-list__name">{name(c)}</span>
                <meter min={0} max={100} value={c.weight} aria-hidden="true" />
                <span className="weight-list__value">{c.weight}%</span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="card" aria-labelledby="prerequisites-title">
        <h2 id="prerequisites-title">{t("course.prerequisites")}</h2>
        {!course.levelBelow && course.prerequisiteCourses.length === 0 ? (
          <p className="muted">{t("course.noPrerequisites")}</p>
        ) : (
          <ul className="list">
            {course.levelBelow ? <li>{t("course.prerequisiteLevel", { level: name(course.levelBelow) })}</li> : null}
            {course.prerequisiteCourses.map((p) => {
              const label = locale === "en" ? p.titleEn : p.titleZh;
              return (
                <li key={p.code}>
                  {p.archived ? (
                    <>
                      {label} <span className="muted">{t("course.prerequisiteArchived")}</span>
                    </>
                  ) : (
                    <Link to={`/catalogue/${encodeURIComponent(p.code)}`}>{label}</Link>
                  )}
                </li>
              );
            })}
          </ul>
        )}
      </section>

      <section aria-labelledby="classes-title">
        <h2 id="classes-title">{t("course.classes")}</h2>
        {course.classes.length === 0 ? (
          <p className="card muted">{t("course.noClasses")}</p>
        ) : (
          <ul className="class-list">
            {course.classes.map((c) => (
              <ClassCard key={c.id} offering={c} />
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

function ClassCard({ offering: c }: { offering: ClassView }) {
  const { t, locale, dateTime } = useT();
  const name = (n: Named) => (locale === "en" ? n.nameEn : n.nameZh);
  const hostName = name(c.hostUnit);
  const streetName = name(c.street);
  return (
    <li className="card class-card" aria-labelledby={`class-${c.id}`}>
      <h3 id={`class-${c.id}`} className="class-card__title">
        {formatRange(locale, c.startsAt, c.endsAt)}
      </h3>
      <p className="class-card__badges">
        <span className={c.enrolment === "open" ? "badge badge--ok" : "badge"}>{t(`class.window.${c.enrolment}`)}</span>
        {c.seatsLeft === 0 ? <span className="badge badge--todo">{t("catalogue.full")}</span> : null}
        {c.needsApproval ? <span className="badge badge--todo">{t("class.needsApproval")}</span> : null}
      </p>
      <dl className="class-facts">
        <div>
          <dt>{t("class.seats")}</dt>
          <dd>
            {t("class.seatsOfCapacity", { left: c.seatsLeft, capacity: c.capacity })}
            {c.waiting > 0 ? <span className="muted"> · {t("class.waiting", { count: c.waiting })}</span> : null}
          </dd>
        </div>
        <div>
          <dt>{t("class.venue")}</dt>
          <dd>{c.venue || hostName}</dd>
        </div>
        <div>
          <dt>{t("class.street")}</dt>
          <dd>{streetName === hostName ? hostName : `${streetName} · ${hostName}`}</dd>
        </div>
        <div>
          <dt>{t("class.trainer")}</dt>
          <dd>{c.trainerName ?? t("class.trainerTbd")}</dd>
        </div>
        <div>
          <dt>{t("class.enrolWindow")}</dt>
          <dd>{formatRange(locale, c.enrolOpensAt, c.enrolClosesAt)}</dd>
        </div>
        <div>
          <dt>{t("class.withdrawBy")}</dt>
          <dd>{dateTime(c.withdrawDeadline)}</dd>
        </div>
      </dl>
      {c.sessions.length === 0 ? (
        <p className="muted small">{t("class.noSessions")}</p>
      ) : (
        <details className="class-sessions">
          <summary>{t("class.sessions", { count: c.sessions.length })}</summary>
          <ol>
            {c.sessions.map((s) => (
              <li key={s.id}>
                <span>{formatRange(locale, s.startsAt, s.endsAt)}</span>
                {s.title ? <span> · {s.title}</span> : null}
                {s.venue && s.venue !== c.venue ? <span className="muted"> · {s.venue}</span> : null}
              </li>
            ))}
          </ol>
        </details>
      )}
      <p className="muted small">{t("class.code", { code: c.code })}</p>
    </li>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
