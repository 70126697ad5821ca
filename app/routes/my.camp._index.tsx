import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireRole } from "~/auth/guards.server";
import { loadMyCamp } from "~/camps/camps.server";
import { CampSchedule } from "~/components/camp-schedule";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { useT, type MessageKey } from "~/i18n/i18n";

// /my/camp. An index route (not my.camp.tsx) so that /my/camp/project and /my/camp/result
// are pages of their own rather than children rendered inside this one.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "learner");
  const camp = user.personId ? await loadMyCamp(user.personId) : null;
  return json({ camp }, { headers: { "Cache-Control": "no-store" } });
}

export default function MyCamp() {
  const { camp } = useLoaderData<typeof loader>();
  const { t, locale, date, dateTime } = useT();
  if (!camp) {
    return (
      <>
        <h1 data-testid="page-title">{t("camps.my.title")}</h1>
        <p className="my-empty">{t("camps.my.none")}</p>
      </>
    );
  }
  const { camp: head, days, team, briefs } = camp;
  const title = locale === "en" ? head.offering.course.titleEn : head.offering.course.titleZh;
  const unitName = (u: { nameZh: string; nameEn: string }) => (locale === "en" ? u.nameEn : u.nameZh);
  return (
    <>
      <h1 data-testid="page-title">
        {t("camps.my.title")} <span className="h1-sub">{title}</span>
      </h1>
      <p className="muted">
        {date(head.offering.startsAt)} – {date(head.offering.endsAt)} · {t("camps.length", head.length)}
        {head.offering.venue ? ` · ${head.offering.venue}` : ""}{" "}
        <span className="badge">{t(`camps.status.${head.status}` as MessageKey)}</span>
      </p>

      <section className="card" aria-labelledby="team-title">
        <h2 id="team-title">{t("camps.my.team")}</h2>
        {team ? (
          <>
            <p className="camp-my-team__name">
              <strong>{team.name}</strong>
            </p>
            <p className="small">{team.mentor ? t("camps.my.mentor", { name: team.mentor }) : t("camps.teams.noMentor")}</p>
            <h3 className="camp-team-card__sub">{t("camps.my.members")}</h3>
            <ul className="camp-people">
              {team.members.map((m) => (
                <li key={m.id} className="camp-person">
                  <span>
                    {m.name} <span className="muted small">{unitName(m.unit)}</span>
                  </span>
                </li>
              ))}
            </ul>
          </>
        ) : (
          <p className="muted">{t("camps.my.noTeam")}</p>
        )}
      </section>

      <section className="card" aria-labelledby="briefs-title">
        <h2 id="briefs-title">{t("camps.my.briefs")}</h2>
        {briefs.length === 0 ? <p className="muted">{t("camps.briefs.none")}</p> : null}
        {briefs.map((brief) => (
          <article key={brief.id} className="camp-brief">
            <h3 className="camp-brief__title">{brief.title}</h3>
            <p className="muted small">{t("camps.briefs.due", { at: dateTime(brief.dueAt) })}</p>
            {brief.description ? <p className="camp-brief__text">{brief.description}</p> : null}
            {brief.project?.latest ? (
              <p className="small">
                <strong>{brief.project.title}</strong> · {t("camps.my.latest", { n: brief.project.latest.versionNo, at: dateTime(brief.project.latest.submittedAt) })}{" "}
                {brief.project.latest.late ? <span className="badge badge--todo">{t("camps.projects.late")}</span> : null}
              </p>
            ) : null}
            {team ? (
              <p>
                <Link className="button button--primary" to={`/my/camp/project?brief=${brief.id}`}>
                  {brief.project ? t("camps.my.revise") : t("camps.my.start")}
                </Link>
              </p>
            ) : null}
          </article>
        ))}
      </section>

      <CampSchedule days={days} defaultVenue={head.offering.venue} />
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
