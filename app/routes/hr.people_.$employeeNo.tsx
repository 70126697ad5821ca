import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Bar, BarChart, CartesianGrid, Legend, XAxis, YAxis } from "recharts";
import { requireRole } from "~/auth/guards.server";
import { careerPage, type CareerYearCredit } from "~/career/career-page.server";
import { CompetencyProfileFigure } from "~/components/charts/competency-radar";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { formatDate, useT, type MessageKey } from "~/i18n/i18n";
import { notFound } from "~/utils/http.server";

/** GET /hr/people/:employeeNo — a person's career record (HR in scope, administrators). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const page = await careerPage(user, params.employeeNo ?? "");
  if (!page) notFound();
  return json(page, { headers: { "Cache-Control": "no-store" } });
}

/**
 * Counted against required points per year. Decorative for assistive technology: the table
 * beside it has the same figures. Fixed size (no ResponsiveContainer, which warns during
 * server rendering); CSS scales the SVG on narrow screens.
 */
function CreditsChart({ credits, countedLabel, requiredLabel }: { credits: CareerYearCredit[]; countedLabel: string; requiredLabel: string }) {
  const data = credits.map((c) => ({ year: String(c.year), counted: c.counted / 100, required: c.required / 100 }));
  return (
    <div className="career-chart" aria-hidden="true">
      <BarChart width={360} height={240} data={data} margin={{ top: 8, right: 8, bottom: 8, left: 0 }}>
        <CartesianGrid stroke="#d8dde3" vertical={false} />
        <XAxis dataKey="year" />
        <YAxis allowDecimals={false} width={40} />
        <Legend />
        <Bar dataKey="counted" name={countedLabel} fill="#b3261e" isAnimationActive={false} />
        <Bar dataKey="required" name={requiredLabel} fill="#9aa3ae" isAnimationActive={false} />
      </BarChart>
    </div>
  );
}

export default function CareerPage() {
  const { person, grades, appraisals, credits, competencies } = useLoaderData<typeof loader>();
  const { t, locale, points } = useT();
  const name = (u: { nameZh: string; nameEn: string }) => (locale === "en" ? u.nameEn || u.nameZh : u.nameZh);
  const postName = (code: string) => t(`postTypes.${code}` as MessageKey);
  return (
    <>
      <h1 data-testid="page-title">{t("careerPage.title", { name: person.name })}</h1>
      <p className="muted">
        {t("careerPage.summary", {
          employeeNo: person.employeeNo,
          unit: name(person.unit),
          post: postName(person.postTypeCode),
          grade: t("common.grade", { grade: person.grade }),
        })}
        {person.secretarySince ? ` · ${t("careerPage.secretarySince", { date: formatDate(locale, person.secretarySince) })}` : ""}
      </p>
      <p>
        <Link to={`/hr/audit?person=${encodeURIComponent(person.employeeNo)}`}>{t("careerPage.audit")}</Link>
      </p>
      {/* Plain forms and links: the browser downloads the PDFs itself (no client-side routing). */}
      <div className="button-row career-documents">
        <a className="button" href={`/hr/people/${encodeURIComponent(person.employeeNo)}/dossier.pdf`} download>
          {t("documents.dossier.download")}
        </a>
        <form method="post" action={`/hr/people/${encodeURIComponent(person.employeeNo)}/transcript.pdf`}>
          <button type="submit" className="button">
            {t("documents.transcript.issueFor")}
          </button>
        </form>
        <Link className="button" to={`/hr/people/${encodeURIComponent(person.employeeNo)}/transcripts`}>
          {t("documents.issues.title")}
        </Link>
      </div>

      <div className="career-grid">
        <section className="card" aria-labelledby="grades-title">
          <h2 id="grades-title">{t("careerPage.grades")}</h2>
          {grades.length === 0 ? (
            <p>{t("careerPage.noGrades")}</p>
          ) : (
            <ol className="career-timeline">
              {grades.map((g) => (
                <li key={g.id}>
                  <strong>{formatDate(locale, g.effectiveFrom)}</strong> {postName(g.postTypeCode)} · {t("common.grade", { grade: g.grade })}{" "}
                  <span className="muted small">{t(`careerPage.gradeReason.${g.reason}` as MessageKey)}</span>
                  {g.note ? <span className="muted small"> — {g.note}</span> : null}
                </li>
              ))}
            </ol>
          )}
        </section>

        <section className="card" aria-labelledby="appraisals-title">
          <h2 id="appraisals-title">{t("careerPage.appraisals")}</h2>
          {appraisals.length === 0 ? (
            <p>{t("careerPage.noAppraisals")}</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("career.year")}</th>
                  <th scope="col">{t("career.appraisals.rating")}</th>
                </tr>
              </thead>
              <tbody>
                {appraisals.map((a) => (
                  <tr key={a.year}>
                    <th scope="row">{a.year}</th>
                    <td>{t(`career.rating.${a.rating}`)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>

      <section className="card" aria-labelledby="credits-title">
        <h2 id="credits-title">{t("careerPage.credits")}</h2>
        {credits.length === 0 ? (
          <p>{t("careerPage.noCredits")}</p>
        ) : (
          <div className="career-credits">
            <CreditsChart credits={credits} countedLabel={t("careerPage.counted")} requiredLabel={t("careerPage.required")} />
            <table aria-label={t("careerPage.creditsChart")}>
              <thead>
                <tr>
                  <th scope="col">{t("career.year")}</th>
                  <th scope="col" className="num">
                    {t("careerPage.earned")}
                  </th>
                  <th scope="col" className="num">
                    {t("careerPage.counted")}
                  </th>
                  <th scope="col" className="num">
                    {t("careerPage.required")}
                  </th>
                  <th scope="col">{t("careerPage.met")}</th>
                </tr>
              </thead>
              <tbody>
                {credits.map((c) => (
                  <tr key={c.year}>
                    <th scope="row">{c.year}</th>
                    <td className="num">{points(c.earned)}</td>
                    <td className="num">{points(c.counted)}</td>
                    <td className="num">{points(c.required)}</td>
                    <td>
                      <span className={c.met ? "badge badge--ok" : "badge badge--todo"}>{c.met ? `✔ ${t("common.yes")}` : `✘ ${t("common.no")}`}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="card" aria-labelledby="competencies-title">
        <h2 id="competencies-title">{t("careerPage.competencies")}</h2>
        <CompetencyProfileFigure
          rows={competencies.map((c) => ({ id: c.id, code: c.code, label: name(c), points: c.points }))}
          headers={{ competency: t("careerPage.competency"), points: t("careerPage.points") }}
          formatPoints={points}
        />
      </section>

      <p>
        <Link to="/hr/people">{t("careerPage.back")}</Link>
      </p>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
