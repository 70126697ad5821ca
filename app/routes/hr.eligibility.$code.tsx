import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireRole } from "~/auth/guards.server";
import { describeCondition, describeFigures, type ConditionResult, type RuleSetRules } from "~/career/eligibility-rules";
import { candidateList, currentRuleSet, ensureDefaultRuleSets, type Candidate, type RuleSet } from "~/career/eligibility.server";
import { rethrowBusyAsPage } from "~/db/busy-response.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { formatPoints, translator, useT, type MessageKey } from "~/i18n/i18n";
import { resolveLocale } from "~/i18n/i18n.server";
import { csvDocument } from "~/utils/csv";
import { db } from "~/utils/db.server";
import { notFound } from "~/utils/http.server";
import { shanghaiYear } from "~/utils/time";

const QuerySchema = z.object({
  year: z.coerce.number().int().min(2000).max(2100).optional().catch(undefined),
  format: z.enum(["csv"]).optional().catch(undefined),
});

/**
 * GET /hr/eligibility/:code?year= — every active person in scope against the rule set, with
 * the figures per condition, eligible first. ?format=csv returns the same list as CSV.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const query = QuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const year = query.year ?? shanghaiYear();
  await ensureDefaultRuleSets().catch(rethrowBusyAsPage);
  const ruleSet = await currentRuleSet(db, params.code ?? "");
  if (!ruleSet) notFound();
  const candidates = await candidateList(user, ruleSet, year);

  if (query.format === "csv") {
    const locale = await resolveLocale(request, user.locale);
    const t = translator(locale);
    const postName = (code: string) => t(`postTypes.${code}` as MessageKey);
    const points = (c: number) => formatPoints(locale, c);
    const conditions = ruleSet.rules.conditions.map((c) => describeCondition(c, t, postName));
    const body = csvDocument(
      [t("people.employeeNo"), t("people.name"), t("people.unit"), t("people.post"), t("people.grade"), t("eligibility.candidates.result"), ...conditions],
      candidates.map((c) => [
        c.employeeNo,
        c.name,
        locale === "en" ? c.unit.nameEn : c.unit.nameZh,
        postName(c.postTypeCode),
        c.grade,
        t(c.eligible ? "eligibility.candidates.eligible" : "eligibility.candidates.notEligible"),
        ...c.results.map((r) => `${r.ok ? "✔" : "✘"} ${describeFigures(r, t, points, postName)}`),
      ]),
    );
    return new Response(body, {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="eligibility-${ruleSet.code.replace(/[^\w-]/g, "_")}-${year}.csv"`,
        "Cache-Control": "no-store",
      },
    });
  }

  return page(year, ruleSet, candidates);
}

function page(year: number, ruleSet: RuleSet, candidates: Candidate[]) {
  return json(
    {
      year,
      ruleSet: { code: ruleSet.code, version: ruleSet.version, nameZh: ruleSet.nameZh, nameEn: ruleSet.nameEn, rules: ruleSet.rules },
      candidates,
    },
    { headers: { "Cache-Control": "no-store" } },
  );
}

export default function EligibilityCandidates() {
  const { year, ruleSet, candidates } = useLoaderData<typeof page>();
  const { t, locale, points } = useT();
  const postName = (code: string) => t(`postTypes.${code}` as MessageKey);
  const conditions = (ruleSet.rules as RuleSetRules).conditions;
  const eligible = candidates.filter((c) => c.eligible).length;
  return (
    <>
      <h1 data-testid="page-title">{t("eligibility.candidates.title", { name: locale === "en" ? ruleSet.nameEn : ruleSet.nameZh, year })}</h1>
      <p className="muted">{t("eligibility.candidates.intro", { version: ruleSet.version })}</p>
      <Form method="get" className="card filter-grid">
        <label>
          {t("career.year")}
          <input type="number" name="year" min={2000} max={2100} defaultValue={year} inputMode="numeric" />
        </label>
        <div className="button-row">
          <button type="submit" className="button button--primary">
            {t("common.filter")}
          </button>
          <a className="button" href={`/hr/eligibility/${encodeURIComponent(ruleSet.code)}?year=${year}&format=csv`} download>
            {t("eligibility.candidates.csv")}
          </a>
        </div>
      </Form>
      <p>{t("eligibility.candidates.summary", { total: candidates.length, eligible })}</p>
      {candidates.length === 0 ? (
        <p>{t("eligibility.candidates.nobody")}</p>
      ) : (
        <div className="table-wrap">
          <table className="eligibility-table">
            <thead>
              <tr>
                <th scope="col">{t("eligibility.candidates.person")}</th>
                <th scope="col">{t("eligibility.candidates.result")}</th>
                {conditions.map((c, i) => (
                  <th scope="col" key={i}>
                    {describeCondition(c, t, postName)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {candidates.map((c) => (
                <tr key={c.id} className={c.eligible ? "eligibility-row--yes" : undefined}>
                  <th scope="row">
                    <Link to={`/hr/people/${encodeURIComponent(c.employeeNo)}`}>{c.name}</Link>{" "}
                    <a className="small" href={`/hr/people/${encodeURIComponent(c.employeeNo)}/dossier.pdf`} download aria-label={`${t("documents.dossier.download")}: ${c.name}`}>
                      {t("documents.pdf")}
                    </a>{" "}
                    <span className="muted small">
                      {c.employeeNo} · {locale === "en" ? c.unit.nameEn : c.unit.nameZh} · {postName(c.postTypeCode)} · {t("common.grade", { grade: c.grade })}
                    </span>
                  </th>
                  <td>
                    <span className={c.eligible ? "badge badge--ok" : "badge badge--todo"}>
                      {c.eligible ? `✔ ${t("eligibility.candidates.eligible")}` : `✘ ${t("eligibility.candidates.notEligible")}`}
                    </span>
                  </td>
                  {(c.results as ConditionResult[]).map((r, i) => (
                    <td key={i} className={r.ok ? "eligibility-cell--ok" : "eligibility-cell--no"}>
                      <span aria-hidden="true">{r.ok ? "✔" : "✘"}</span>
                      <span className="visually-hidden">{t(r.ok ? "common.yes" : "common.no")}</span> {describeFigures(r, t, points, postName)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p>
        <Link to="/hr/eligibility">{t("eligibility.candidates.back")}</Link>
      </p>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
