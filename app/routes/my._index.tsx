import type { LoaderFunctionArgs, SerializeFrom } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireRole } from "~/auth/guards.server";
import { CompetencyRadar } from "~/components/charts/competency-radar";
import { CreditStatusReasons } from "~/components/credit-status-reasons";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ProgressBar } from "~/components/progress-bar";
import { CREDIT_CATEGORIES } from "~/credits/status";
import { useT, type Locale } from "~/i18n/i18n";
import type { MessageKey } from "~/i18n/zh-CN";
import { dateRange, dateTile, timeRange } from "~/learning/dates";
import { loadLearnerHome } from "~/learning/learner-home.server";
import { findParticipantCamp } from "~/camps/camps.server";
import { loadCampEvidenceByCompetency } from "~/grading/grading.server";
import { criterionTitle } from "~/grading/rubric-text";
import { shanghaiYear } from "~/utils/time";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "learner");
  const year = shanghaiYear();
  if (!user.personId) return json({ year, home: null }, { headers: { "Cache-Control": "no-store" } });
  const [home, camp, campEvidence] = await Promise.all([
    loadLearnerHome({ personId: user.personId, userId: user.id, year }),
    findParticipantCamp(user.personId),
    loadCampEvidenceByCompetency(user.personId),
  ]);
  return json({ year, home: { ...home, inCamp: camp !== null, campEvidence } }, { headers: { "Cache-Control": "no-store" } });
}

type Home = NonNullable<SerializeFrom<typeof loader>["home"]>;
type Titled = { titleZh: string; titleEn: string };
const title = (locale: Locale, course: Titled) => (locale === "en" ? course.titleEn || course.titleZh : course.titleZh);

export default function LearnerHome() {
  const { year, home } = useLoaderData<typeof loader>();
  const { t, locale } = useT();
  if (!home) {
    return (
      <>
        <h1 data-testid="page-title">{t("learning.home.title")}</h1>
        <p className="alert alert--warning">{t("learning.home.noPerson")}</p>
      </>
    );
  }
  const { person } = home;
  const unitName = locale === "en" ? person.unit.nameEn : person.unit.nameZh;
  return (
    <div className="my">
      <header className="my-head">
        <h1 data-testid="page-title">{t("learning.home.title")}</h1>
        <p className="my-head__who">
          <strong>{t("learning.home.greeting", { name: person.name })}</strong>
          <span className="muted">
            {t("learning.home.profile", {
              unit: unitName,
              post: t(`postTypes.${person.postTypeCode}` as MessageKey),
              grade: t("common.grade", { grade: person.grade }),
            })}
          </span>
        </p>
      </header>

      <QuickLinks unread={home.unreadNotifications} inCamp={home.inCamp} />
      <YearProgress year={year} status={home.status} />
      <UpcomingSessions soon={home.soon} later={home.later} />
      <Applications applications={home.applications} />
      <Competencies year={year} competencies={home.competencies} covered={home.status.competenciesCovered} evidence={home.campEvidence} />
      <Completions completions={home.completions} />
    </div>
  );
}

function QuickLinks({ unread, inCamp }: { unread: number; inCamp: boolean }) {
  const { t } = useT();
  return (
    <nav className="my-quick" aria-label={t("learning.home.title")}>
      <Link to="/my/notifications" className={unread > 0 ? "my-quick__item my-quick__item--alert" : "my-quick__item"}>
        <span className="my-quick__label">{t("learning.home.notifications")}</span>
        <span className="my-quick__hint" data-testid="unread-count">
          {unread > 0 ? t("learning.home.unread", { count: unread }) : t("learning.home.noUnread")}
        </span>
      </Link>
      <Link to="/my/transcript" className="my-quick__item">
        <span className="my-quick__label">{t("learning.home.transcript")}</span>
        <span className="my-quick__hint">{t("learning.home.transcriptHint")}</span>
      </Link>
      {inCamp ? (
        <Link to="/my/camp" className="my-quick__item">
          <span className="my-quick__label">{t("camps.my.title")}</span>
          <span className="my-quick__hint">{t("learning.home.campHint")}</span>
        </Link>
      ) : null}
      {/* A plain link, not <Link>: the phone's browser fetches the file and hands it to the calendar app. */}
      <a href="/my/calendar.ics" className="my-quick__item">
        <span className="my-quick__label">{t("learning.home.calendar")}</span>
        <span className="my-quick__hint">{t("learning.home.calendarHint")}</span>
      </a>
    </nav>
  );
}

function YearProgress({ year, status }: { year: number; status: Home["status"] }) {
  const { t, points } = useT();
  return (
    <section className="card my-progress" aria-labelledby="progress-title">
      <h2 id="progress-title">{t("learning.home.yearProgress", { year })}</h2>
      <p className="my-progress__figure" aria-hidden="true">
        <span className="my-progress__counted">{points(status.counted)}</span>{" "}
        <span className="muted">{t("learning.home.ofRequired", { required: points(status.required) })}</span>
      </p>
      <ProgressBar
        value={status.counted}
        max={status.required}
        label={t("learning.home.earnedOfRequired", { counted: points(status.counted), required: points(status.required) })}
      />
      <p className={status.met ? "badge badge--ok my-progress__badge" : "badge badge--todo my-progress__badge"}>
        {status.met ? t("learning.home.met") : t("learning.home.notMet")}
      </p>
      <CreditStatusReasons status={status} />
      {status.earned !== status.counted ? (
        <p className="muted small">
          {t("learning.home.earnedNote", { earned: points(status.earned), counted: points(status.counted) })}
        </p>
      ) : null}

      <h3 className="my-subhead">{t("learning.home.byCategory")}</h3>
      <table className="my-table">
        <thead>
          <tr>
            <th scope="col">{t("learning.home.category")}</th>
            <th scope="col" className="num">
              {t("learning.home.points")}
            </th>
          </tr>
        </thead>
        <tbody>
          {CREDIT_CATEGORIES.map((category) => (
            <tr key={category} className={status.byCategory[category] === 0 ? "my-table__zero" : undefined}>
              <th scope="row">{t(`credits.category.${category}` as MessageKey)}</th>
              <td className="num">{points(status.byCategory[category])}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{t("learning.home.total")}</th>
            <td className="num">{points(status.earned)}</td>
          </tr>
        </tfoot>
      </table>
    </section>
  );
}

function UpcomingSessions({ soon, later }: { soon: Home["soon"]; later: Home["later"] }) {
  const { t } = useT();
  return (
    <section className="card" aria-labelledby="upcoming-title">
      <h2 id="upcoming-title">{t("learning.home.upcoming")}</h2>
      {soon.length === 0 && later.length === 0 ? (
        <div className="my-empty">
          <p className="muted">{t("learning.home.noUpcoming")}</p>
          <Link to="/catalogue" className="button">
            {t("learning.home.browseCatalogue")}
          </Link>
        </div>
      ) : (
        <>
          <h3 className="my-subhead">{t("learning.home.next14")}</h3>
          {soon.length === 0 ? (
            <p className="muted">{t("learning.home.nothingIn14")}</p>
          ) : (
            <SessionList sessions={soon} />
          )}
          {later.length > 0 ? (
            <details className="my-later">
              <summary>{t("learning.home.later", { count: later.length })}</summary>
              <SessionList sessions={later} />
            </details>
          ) : null}
        </>
      )}
    </section>
  );
}

function SessionList({ sessions }: { sessions: Home["soon"] }) {
  const { t, locale } = useT();
  const when = (days: number) =>
    days <= 0 ? t("learning.home.today") : days === 1 ? t("learning.home.tomorrow") : t("learning.home.inDays", { days });
  return (
    <ol className="my-sessions">
      {sessions.map((s) => {
        const tile = dateTile(locale, s.startsAt);
        return (
          <li key={s.id} className="my-session">
            <div className={s.inDays <= 1 ? "my-session__date my-session__date--soon" : "my-session__date"} aria-hidden="true">
              <span className="my-session__month">{tile.month}</span>
              <span className="my-session__day">{tile.day}</span>
              <span className="my-session__weekday">{tile.weekday}</span>
            </div>
            <div className="my-session__body">
              <p className="my-session__when">
                <span className="badge">{when(s.inDays)}</span>
                <span className="visually-hidden">{dateRange(locale, s.startsAt, s.startsAt)} </span>
                <strong>{timeRange(locale, s.startsAt, s.endsAt)}</strong>
              </p>
              <p className="my-session__title">
                <Link to={`/catalogue/${encodeURIComponent(s.course.code)}`}>{title(locale, s.course)}</Link>
                <SessionName course={title(locale, s.course)} session={s.title} />
              </p>
              <p className="my-session__venue">{s.venue ? t("learning.home.venue", { venue: s.venue }) : t("learning.home.venueTbd")}</p>
              <p className="muted small nowrap">{t("learning.home.classCode", { code: s.offeringCode })}</p>
            </div>
          </li>
        );
      })}
    </ol>
  );
}

/** A session's own name, without the course title it often repeats ("课程名（第1讲）"). */
function SessionName({ course, session }: { course: string; session: string }) {
  const own = session.startsWith(course) ? session.slice(course.length).trim() : session.trim();
  if (!own) return null;
  return <span className="my-session__part"> {own}</span>;
}

function Applications({ applications }: { applications: Home["applications"] }) {
  const { t, locale } = useT();
  return (
    <section className="card" aria-labelledby="applications-title">
      <h2 id="applications-title">{t("learning.home.applications")}</h2>
      {applications.length === 0 ? (
        <p className="muted">{t("learning.home.noApplications")}</p>
      ) : (
        <ul className="list my-applications">
          {applications.map((a) => (
            <li key={a.id}>
              <p className="my-applications__state">
                {a.status === "waitlisted" ? (
                  <span className="badge badge--todo" data-testid="waitlist-position">
                    {a.waitlistPosition
                      ? t("learning.home.waitlisted", { position: a.waitlistPosition })
                      : t("enrolment.status.waitlisted")}
                  </span>
                ) : (
                  <span className="badge">{t("learning.home.pending")}</span>
                )}
                {a.offering.status === "cancelled" ? <span className="badge">{t("learning.home.cancelled")}</span> : null}
              </p>
              <p className="my-applications__title">
                <Link to={`/catalogue/${encodeURIComponent(a.offering.course.code)}`}>{title(locale, a.offering.course)}</Link>
              </p>
              <p className="muted small">
                <span className="nowrap">{t("learning.home.classCode", { code: a.offering.code })}</span> ·{" "}
                {dateRange(locale, a.offering.startsAt, a.offering.endsAt)}
                {a.offering.venue ? ` · ${a.offering.venue}` : ""}
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Competencies({ year, competencies, covered, evidence }: { year: number; competencies: Home["competencies"]; covered: number; evidence: Home["campEvidence"] }) {
  const { t, locale, points, date } = useT();
  const name = (c: { nameZh: string; nameEn: string }) => (locale === "en" ? c.nameEn || c.nameZh : c.nameZh);
  const active = competencies.filter((c) => c.inActiveFramework);
  const top = [...competencies].sort((a, b) => b.points - a.points)[0];
  const summary =
    top && top.points > 0
      ? t("learning.home.competencySummary", { year, total: active.length, covered, top: name(top), points: points(top.points) })
      : t("learning.home.competencyEmpty");
  return (
    <section className="card" aria-labelledby="competencies-title">
      <h2 id="competencies-title">{t("learning.home.competencies")}</h2>
      <p className="muted" id="competencies-summary">
        {summary}
      </p>
      <div className="radar">
        {active.length >= 3 ? (
          <CompetencyRadar data={active.map((c) => ({ key: c.code, label: name(c), value: c.points / 100 }))} />
        ) : null}
        <table className="my-table radar__table" aria-describedby="competencies-summary">
          <thead>
            <tr>
              <th scope="col">{t("learning.home.competency")}</th>
              <th scope="col" className="num">
                {t("learning.home.points")}
              </th>
            </tr>
          </thead>
          <tbody>
            {competencies.map((c) => (
              <tr key={c.id} className={c.points === 0 ? "my-table__zero" : undefined}>
                <th scope="row">
                  {name(c)}
                  {c.inActiveFramework ? null : <span className="muted small">{t("learning.home.olderFramework")}</span>}
                  {evidence[c.id]?.length ? (
                    <ul className="muted small my-camp-evidence" aria-label={t("grading.profile.evidence")}>
                      {evidence[c.id].map((e) => (
                        <li key={`${e.projectId}-${e.criterionId}`}>
                          {t("grading.profile.evidenceItem", {
                            criterion: criterionTitle(locale, e),
                            level: e.meanPoints === null ? "—" : `${points(e.meanPoints)}%`,
                            camp: `${title(locale, e.course)}（${e.code}）`,
                            date: date(e.releasedAt),
                          })}
                        </li>
                      ))}
                    </ul>
                  ) : null}
                </th>
                <td className="num">{points(c.points)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Completions({ completions }: { completions: Home["completions"] }) {
  const { t, locale, points, date } = useT();
  return (
    <section className="card" aria-labelledby="completions-title">
      <h2 id="completions-title">{t("learning.home.completions")}</h2>
      {completions.length === 0 ? (
        <p className="muted">{t("learning.home.noCompletions")}</p>
      ) : (
        <ul className="list my-completions">
          {completions.map((c) => (
            <li key={c.id}>
              <div>
                <p className="my-completions__title">{title(locale, c.offering.course)}</p>
                <p className="muted small">
                  {c.status === "completed"
                    ? t("learning.home.completedOn", { date: date(c.completedAt) })
                    : t("learning.home.notCompleted")}{" "}
                  · <span className="nowrap">{t("learning.home.classCode", { code: c.offering.code })}</span>
                </p>
              </div>
              {c.points !== 0 ? (
                <span className={c.points < 0 ? "amount amount--negative" : "amount"}>
                  {c.points > 0 ? t("learning.home.pointsEarned", { points: points(c.points) }) : t("common.points", { points: points(c.points) })}
                </span>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      <p className="my-more">
        <Link to="/my/transcript">{t("learning.home.transcript")} →</Link>
      </p>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
