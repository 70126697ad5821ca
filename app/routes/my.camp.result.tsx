import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { loadMyCampResults } from "~/grading/grading.server";
import { criterionTitle } from "~/grading/rubric-text";
import { teamIdsOfProjects } from "~/pdf/camp-feedback.server";
import { useT } from "~/i18n/i18n";
import { fields } from "~/utils/forms";
import { notFound } from "~/utils/http.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  // The person comes from the session, never from the request.
  const all = user.personId ? await loadMyCampResults(user.personId) : [];
  const asked = new URL(request.url).searchParams.get("project");
  let results = all;
  if (asked !== null) {
    const id = fields.id().safeParse(asked);
    results = id.success ? all.filter((r) => r.projectId === id.data) : [];
    if (results.length === 0) notFound();
  }
  // Released results only (loadMyCampResults), so every one has its team's feedback PDF.
  const teamOf = await teamIdsOfProjects(results.map((r) => r.projectId));
  return json({ results, teamOf }, { headers: { "Cache-Control": "no-store" } });
}

export default function MyCampResult() {
  const { results, teamOf } = useLoaderData<typeof loader>();
  const { t, locale, date, points } = useT();
  return (
    <>
      <p className="back-link">
        <Link to="/my">{t("nav.myLearning")}</Link>
      </p>
      <h1 data-testid="page-title">{t("grading.result.title")}</h1>
      {results.length === 0 ? <p className="muted">{t("grading.result.none")}</p> : null}
      {results.map((r) => {
        const outcome = r.outcome;
        return (
          <section key={r.projectId} className="card grading-result" aria-labelledby={`result-${r.projectId}`}>
            <h2 id={`result-${r.projectId}`}>{r.title}</h2>
            <p className="muted">
              {locale === "en" ? r.course.titleEn : r.course.titleZh} · {r.code} · {t("grading.result.team", { team: r.team })}
              {r.releasedAt ? ` · ${date(r.releasedAt)}` : ""}
            </p>
            <dl className="tiles">
              <div className="tile">
                <dt>{t("grading.result.teamTotal")}</dt>
                <dd>{points(r.teamTotal)}</dd>
              </div>
              {outcome && outcome.adjustment !== 0 ? (
                <div className="tile">
                  <dt>{t("grading.result.adjustment")}</dt>
                  <dd>{(outcome.adjustment > 0 ? "+" : "") + points(outcome.adjustment)}</dd>
                </div>
              ) : null}
              <div className="tile">
                <dt>{t("grading.result.myTotal")}</dt>
                <dd>{outcome ? points(outcome.total) : "—"}</dd>
              </div>
              <div className="tile">
                <dt>{t("grading.result.passMark")}</dt>
                <dd>{points(r.passMark)}</dd>
              </div>
            </dl>
            {outcome ? (
              <p className={outcome.passed ? "alert alert--success" : "alert alert--warning"}>
                {outcome.passed ? t("grading.result.passed") : outcome.failure === "absence" ? t("grading.result.failedAbsence") : t("grading.result.failedBelow")}
              </p>
            ) : null}
            {r.evidence.length > 0 ? (
              <>
                <h3>{t("grading.result.evidence")}</h3>
                <div className="table-wrap">
                  <table className="grading-evidence">
                    <caption className="visually-hidden">{t("grading.result.evidence")}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{t("grading.result.criterion")}</th>
                        <th scope="col">{t("grading.result.competency")}</th>
                        <th scope="col">{t("grading.result.weight")}</th>
                        <th scope="col">{t("grading.result.meanLevel")}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {r.evidence.map((e) => (
                        <tr key={e.criterionId}>
                          <th scope="row">{criterionTitle(locale, e)}</th>
                          <td>{locale === "en" ? e.competency.nameEn : e.competency.nameZh}</td>
                          <td>{e.weight}%</td>
                          <td>{e.meanPoints === null ? "—" : `${points(e.meanPoints)}%`}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </>
            ) : null}
            <h3>{t("grading.result.feedback")}</h3>
            {r.feedback ? <p className="grading-feedback">{r.feedback}</p> : <p className="muted">{t("grading.result.noFeedback")}</p>}
            {teamOf[r.projectId] ? (
              <p>
                <a className="button" href={`/camps/teams/${teamOf[r.projectId]}/feedback.pdf`} download>
                  {t("documents.feedback.downloadLong")}
                </a>
              </p>
            ) : null}
            <h3>{t("grading.result.credits")}</h3>
            {r.credits.length === 0 ? (
              <p className="muted">{t("grading.result.noCredits")}</p>
            ) : (
              <ul className="list">
                {r.credits.map((c) => (
                  <li key={c.id}>
                    <span className={c.amount < 0 ? "amount amount--negative" : "amount"}>{(c.amount > 0 ? "+" : "") + points(c.amount)}</span>{" "}
                    {c.sourceType === "reversal" ? t("grading.result.creditReversed") : t("grading.result.creditAwarded", { year: c.creditYear })}{" "}
                    <span className="muted small">{date(c.createdAt)}</span>
                  </li>
                ))}
              </ul>
            )}
          </section>
        );
      })}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
