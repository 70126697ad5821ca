// The credit report builder: filters and grouping in a GET form (so a report is a URL that
// can be bookmarked, shared and exported), the group totals with a chart beside their table,
// drill-down links, streamed CSV/XLSX exports and saved reports (POST intents).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireRole } from "~/auth/guards.server";
import { CoverageHeatmap, SeriesChart } from "~/components/charts/figure-charts";
import { chooseMatrixChart, GroupedBarChart } from "~/components/charts/grouped-bar-chart";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { SelectField, TextField } from "~/components/fields";
import { Pagination } from "~/components/pagination";
import { DefinitionInputs, ReportExportForm } from "~/components/report-export-form";
import { CREDIT_CATEGORIES } from "~/credits/status";
import { useT } from "~/i18n/i18n";
import type { MessageKey } from "~/i18n/zh-CN";
import {
  countReportPeople,
  pageOfRows,
  ReportError,
  reportChoices,
  reportScopeFor,
  reportUnitPicker,
  resolvePickedArea,
  runCreditReport,
  type Labels,
  type OrderedGroupRow,
  type ReportFigures,
  type UnitPicker,
} from "~/reports/credit-report.server";
import {
  defaultDefinition,
  definitionParams,
  DIMENSIONS,
  formatGroupKey,
  LEAVER_POLICIES,
  MET_FILTERS,
  parseDefinition,
  REPORT_COLUMNS,
  SORT_KEYS,
  type ReportColumn,
  type ReportDefinition,
} from "~/reports/definition";
import { deleteSavedReport, listSavedReports, SaveReportSchema, saveReport, setReportShared } from "~/reports/saved-reports.server";
import { fields, parseForm, translateError, type FieldErrors } from "~/utils/forms";
import { readFormData } from "~/utils/form-data.server";
import { shanghaiYear } from "~/utils/time";

const PAGE_SIZE = 50;

const emptyPicker: UnitPicker = { streetId: null, areaId: null, areas: [] };

/** The figure the charts show: the first chosen column other than the headcount. */
function chartColumnOf(definition: ReportDefinition): ReportColumn {
  return definition.columns.find((c) => c !== "headcount") ?? "headcount";
}

/** A group row's figure as the charts draw it: points in points (not centipoints), rates 0..1. */
function chartValue(row: ReportFigures, column: ReportColumn): number | null {
  if (column === "metRate") return row.metRate;
  if ((CREDIT_CATEGORIES as readonly string[]).includes(column)) return row.byCategory[column as (typeof CREDIT_CATEGORIES)[number]] / 100;
  if (column === "points" || column === "avgPoints" || column === "counted") return row[column] === null ? null : row[column]! / 100;
  return row[column as "headcount" | "met" | "unmet"];
}

/** Two-grouping rows → a cross (first grouping down, second across), labels in both languages. */
function reportMatrix(rows: OrderedGroupRow[], column: ReportColumn) {
  const first = new Map<string, Labels>();
  const second = new Map<string, Labels>();
  const values: Record<string, Record<string, number | null>> = {};
  for (const row of rows) {
    const [a, b] = row.parts;
    if (!first.has(a.value)) first.set(a.value, a.label);
    if (!second.has(b.value)) second.set(b.value, b.label);
    (values[a.value] ??= {})[b.value] = chartValue(row, column);
  }
  // The groups' own order (unit order, months…), whatever the table is sorted by.
  const order = (parts: Map<string, Labels>, index: number) => {
    const rank = new Map<string, number>();
    for (const row of [...rows].sort((x, y) => x.order - y.order)) if (!rank.has(row.parts[index].value)) rank.set(row.parts[index].value, rank.size);
    return [...parts.entries()].sort((x, y) => rank.get(x[0])! - rank.get(y[0])!).map(([key, label]) => ({ key, label }));
  };
  return { column, rows: order(first, 0), series: order(second, 1), values };
}

function firstErrors(issues: { path: PropertyKey[]; message: string }[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const key = String(issue.path[0] ?? "form");
    errors[key] ??= issue.message;
  }
  return errors;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const scope = reportScopeFor(user);
  const url = new URL(request.url);
  const [choices, saved] = await Promise.all([reportChoices(scope), listSavedReports(user)]);
  const headers = { "Cache-Control": "no-store" };
  const base = { choices, saved, year: shanghaiYear(), search: url.search };

  const parsed = url.searchParams.has("yearFrom") ? parseDefinition(url.searchParams) : { success: true as const, data: defaultDefinition(shanghaiYear()) };
  // The optional residential area of the picker (a second select, see reportUnitPicker).
  const areaRaw = url.searchParams.get("areaId") ?? "";
  const areaId = areaRaw === "" ? undefined : fields.id().safeParse(areaRaw);
  const pickedArea = parsed.success && areaId?.success ? await resolvePickedArea(scope, parsed.data.unitId, areaId.data) : undefined;
  if (!parsed.success || areaId?.success === false || pickedArea === "invalid") {
    const fieldErrors = parsed.success ? {} : firstErrors(parsed.error.issues);
    if (areaId?.success === false || pickedArea === "invalid") fieldErrors.areaId = "reportBuilder.errors.area";
    const picker = (await reportUnitPicker(scope, parsed.success ? parsed.data.unitId : undefined)) ?? emptyPicker;
    return json({ ...base, picker, definition: null, fieldErrors, formError: null, report: null, matrix: null, estimate: 0 }, { status: 400, headers });
  }
  let definition: ReportDefinition = pickedArea === undefined ? parsed.data : { ...parsed.data, unitId: pickedArea };
  let picker = await reportUnitPicker(scope, definition.unitId);
  // A saved report shared by an officer with a wider scope runs within the viewer's own scope.
  if (definition.unitId !== undefined && !picker && url.searchParams.get("from") === "saved") {
    definition = { ...definition, unitId: undefined };
    picker = await reportUnitPicker(scope, undefined);
  }
  try {
    const [report, estimate] = await Promise.all([runCreditReport(definition, scope), countReportPeople(definition, scope)]);
    const shown = pageOfRows(report.rows, Number(url.searchParams.get("page")) || 1, PAGE_SIZE);
    return json(
      {
        ...base,
        picker: picker ?? emptyPicker,
        definition,
        fieldErrors: {} as FieldErrors,
        formError: null,
        estimate,
        // The chart by two groupings draws every group, not only the page's.
        matrix: definition.groupBy.length === 2 ? reportMatrix(report.rows, chartColumnOf(definition)) : null,
        report: { ...report, rowCount: report.rows.length, ...shown },
      },
      { headers },
    );
  } catch (error) {
    if (!(error instanceof ReportError)) throw error;
    return json(
      { ...base, picker: picker ?? emptyPicker, definition, fieldErrors: {} as FieldErrors, formError: error.code, report: null, matrix: null, estimate: 0 },
      { status: error.status, headers },
    );
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const form = await readFormData(request);
  const intent = form.get("intent");
  if (intent === "save") {
    const definition = parseDefinition(form);
    const input = parseForm(form, SaveReportSchema);
    if (!input.ok || !definition.success) {
      return json({ ok: false as const, fieldErrors: input.ok ? firstErrors(definition.error?.issues ?? []) : input.fieldErrors, message: null }, { status: 400 });
    }
    // The unit must be within the officer's own scope, as for running the report.
    await runCreditReport(definition.data, reportScopeFor(user)).catch((error: unknown) => {
      if (error instanceof ReportError) throw json({ ok: false as const, fieldErrors: { form: error.code }, message: null }, { status: error.status });
      throw error;
    });
    await saveReport(user, { name: input.data.name, shared: input.data.shared, definition: definition.data });
    return json({ ok: true as const, fieldErrors: {} as FieldErrors, message: { key: "reports.saved.saved" as MessageKey, name: input.data.name } });
  }
  const id = fields.id().safeParse(form.get("id"));
  if ((intent === "delete" || intent === "share" || intent === "unshare") && id.success) {
    const done =
      intent === "delete" ? await deleteSavedReport(user, id.data) : await setReportShared(user, id.data, intent === "share");
    if (!done) return json({ ok: false as const, fieldErrors: { form: "reports.errors.savedNotFound" }, message: null }, { status: 404 });
    const back = form.get("back");
    return redirect(`/hr/reports${typeof back === "string" && back.startsWith("?") ? back : ""}`);
  }
  return json({ ok: false as const, fieldErrors: { form: "errors.invalid" }, message: null }, { status: 400 });
}

function columnLabel(column: ReportColumn | "group"): MessageKey {
  return (CREDIT_CATEGORIES as readonly string[]).includes(column) ? (`credits.category.${column}` as MessageKey) : (`reports.col.${column}` as MessageKey);
}

export default function ReportBuilder() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t, locale, number, points } = useT();
  const name = (u: { nameZh: string; nameEn: string }) => (locale === "en" ? u.nameEn : u.nameZh);
  const label = (l: { zh: string; en: string }) => (locale === "en" ? l.en : l.zh);
  const definition = data.definition ?? defaultDefinition(data.year);
  const errors = data.fieldErrors as FieldErrors;
  const err = (key: string) => translateError(t, errors[key]);
  const saveErrors = (actionData && !actionData.ok ? actionData.fieldErrors : {}) as FieldErrors;
  const params = definitionParams(definition);
  const report = data.report;

  const figure = (row: ReportFigures, column: ReportColumn): string => {
    if ((CREDIT_CATEGORIES as readonly string[]).includes(column)) return points(row.byCategory[column as (typeof CREDIT_CATEGORIES)[number]]);
    if (column === "metRate") return row.metRate === null ? "–" : number(row.metRate, { style: "percent", maximumFractionDigits: 1 });
    if (column === "points" || column === "avgPoints" || column === "counted") return row[column] === null ? "–" : points(row[column]!);
    return number(row[column as "headcount" | "met" | "unmet"]);
  };
  const drillHref = (key: string) => {
    const search = new URLSearchParams(params);
    search.set("group", key);
    return `/hr/reports/people?${search.toString()}`;
  };
  // The chart shows the first chosen figure by the first grouping (a line over years or months);
  // with two groupings, by both (ReportMatrixChart).
  const chartColumn = chartColumnOf(definition);
  const chartData =
    report && definition.groupBy.length === 1
      ? report.rows.map((row) => ({
          key: row.key,
          label: row.parts.map((p) => label(p.label)).join(" · "),
          value: chartValue(row, chartColumn) ?? 0,
        }))
      : [];
  const chartFormat = (value: number) =>
    chartColumn === "metRate" ? number(value, { style: "percent", maximumFractionDigits: 0 }) : number(value, { maximumFractionDigits: 2 });
  const dimLabel = (dim: string) => t(`reports.dim.${dim}` as MessageKey);

  return (
    <>
      <h1 data-testid="page-title">{t("reports.title")}</h1>
      <p className="lead">{t("reports.intro")}</p>

      <section className="card" aria-labelledby="saved-title">
        <h2 id="saved-title">{t("reports.saved.title")}</h2>
        {actionData?.ok && actionData.message ? (
          <p className="alert alert--success" role="status">
            {t(actionData.message.key, { name: actionData.message.name })}
          </p>
        ) : null}
        {saveErrors.form ? (
          <p className="alert alert--error" role="alert">
            {translateError(t, saveErrors.form)}
          </p>
        ) : null}
        {data.saved.length === 0 ? (
          <p className="muted">{t("reports.saved.none")}</p>
        ) : (
          <ul className="saved-reports" data-testid="saved-reports">
            {data.saved.map((s) => (
              <li key={s.id}>
                <Link to={`/hr/reports?${s.search}&from=saved`}>{s.name}</Link>{" "}
                <span className="muted">
                  {s.mine ? t("reports.saved.mine") : t("reports.saved.owner", { name: s.ownerName })}
                  {s.shared ? ` · ${t("reports.saved.sharedBadge")}` : ""}
                </span>
                {s.mine ? (
                  <Form method="post" className="inline-form">
                    <input type="hidden" name="id" value={s.id} />
                    <input type="hidden" name="back" value={data.search} />
                    <button type="submit" name="intent" value={s.shared ? "unshare" : "share"} className="button button--small">
                      {s.shared ? t("reports.saved.unshare") : t("reports.saved.share")}
                    </button>
                    <button type="submit" name="intent" value="delete" className="button button--small">
                      {t("reports.saved.delete")}
                    </button>
                  </Form>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </section>

      <Form method="get" className="card report-form" aria-labelledby="filters-title">
        <h2 id="filters-title">{t("reports.filters")}</h2>
        <div className="report-form__grid">
          <TextField label={t("reports.yearFrom")} name="yearFrom" type="number" inputMode="numeric" min={2000} max={2100} defaultValue={definition.yearFrom} error={err("yearFrom")} required />
          <TextField label={t("reports.yearTo")} name="yearTo" type="number" inputMode="numeric" min={2000} max={2100} defaultValue={definition.yearTo} error={err("yearTo")} required />
          <SelectField label={t("reports.unit")} name="unitId" defaultValue={data.picker.streetId ?? ""} error={err("unitId")}>
            <option value="">{t("reports.unitDefault")}</option>
            {data.choices.units.map((u) => (
              <option key={u.id} value={u.id}>
                {u.kind === "street" ? "　" : ""}
                {name(u)}
              </option>
            ))}
          </SelectField>
          {data.picker.areas.length ? (
            <SelectField label={t("reportBuilder.area")} name="areaId" defaultValue={data.picker.areaId ?? ""} error={err("areaId")}>
              <option value="">{t("reportBuilder.areaWhole")}</option>
              {data.picker.areas.map((a) => (
                <option key={a.id} value={a.id}>
                  {name(a)}
                </option>
              ))}
            </SelectField>
          ) : (
            <p className="muted">
              {err("areaId") ? (
                <span className="field__error" role="alert">
                  {err("areaId")}
                </span>
              ) : (
                t("reportBuilder.areaHint")
              )}
            </p>
          )}
          <fieldset className="field report-form__checks">
            <legend>{t("reports.postTypes")}</legend>
            {data.choices.postTypes.map((p) => (
              <label key={p.code} className="check">
                <input type="checkbox" name="postTypes" value={p.code} defaultChecked={definition.postTypes.includes(p.code)} /> {name(p)}
              </label>
            ))}
          </fieldset>
          <TextField label={t("reports.gradeMin")} name="gradeMin" type="number" inputMode="numeric" min={1} max={30} defaultValue={definition.gradeMin ?? ""} error={err("gradeMin")} />
          <TextField label={t("reports.gradeMax")} name="gradeMax" type="number" inputMode="numeric" min={1} max={30} defaultValue={definition.gradeMax ?? ""} error={err("gradeMax")} />
          <SelectField label={t("reports.level")} name="levelId" defaultValue={definition.levelId ?? ""}>
            <option value="">{t("reports.any")}</option>
            {data.choices.levels.map((l) => (
              <option key={l.id} value={l.id}>
                {name(l)}
              </option>
            ))}
          </SelectField>
          <SelectField label={t("reports.competency")} name="competencyId" defaultValue={definition.competencyId ?? ""}>
            <option value="">{t("reports.any")}</option>
            {data.choices.competencies.map((c) => (
              <option key={c.id} value={c.id}>
                {name(c)}
              </option>
            ))}
          </SelectField>
          <SelectField label={t("reports.category")} name="category" defaultValue={definition.category ?? ""}>
            <option value="">{t("reports.any")}</option>
            {CREDIT_CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {t(`credits.category.${c}` as MessageKey)}
              </option>
            ))}
          </SelectField>
          <SelectField label={t("reports.met")} name="met" defaultValue={definition.met}>
            {MET_FILTERS.map((m) => (
              <option key={m} value={m}>
                {t(`reports.met.${m}` as MessageKey)}
              </option>
            ))}
          </SelectField>
          <SelectField label={t("reportBuilder.leavers")} name="leavers" defaultValue={definition.leavers} hint={t("reportBuilder.leavers.hint")}>
            {LEAVER_POLICIES.map((policy) => (
              <option key={policy} value={policy}>
                {t(`reportBuilder.leavers.${policy}` as MessageKey)}
              </option>
            ))}
          </SelectField>
          <SelectField label={t("reports.groupBy1")} name="groupBy" defaultValue={definition.groupBy[0]} error={err("groupBy")}>
            {DIMENSIONS.map((d) => (
              <option key={d} value={d}>
                {t(`reports.dim.${d}` as MessageKey)}
              </option>
            ))}
          </SelectField>
          <SelectField label={t("reports.groupBy2")} name="groupBy" defaultValue={definition.groupBy[1] ?? ""}>
            <option value="">{t("reports.none")}</option>
            {DIMENSIONS.map((d) => (
              <option key={d} value={d}>
                {t(`reports.dim.${d}` as MessageKey)}
              </option>
            ))}
          </SelectField>
          <fieldset className="field report-form__checks report-form__wide">
            <legend>{t("reports.columns")}</legend>
            {REPORT_COLUMNS.map((c) => (
              <label key={c} className="check">
                <input type="checkbox" name="columns" value={c} defaultChecked={definition.columns.includes(c)} /> {t(columnLabel(c))}
              </label>
            ))}
          </fieldset>
          <SelectField label={t("reports.sort")} name="sort" defaultValue={definition.sort}>
            {SORT_KEYS.map((s) => (
              <option key={s} value={s}>
                {t(columnLabel(s))}
              </option>
            ))}
          </SelectField>
          <SelectField label={`${t("reports.sort")} ↕`} name="dir" defaultValue={definition.dir}>
            <option value="asc">{t("reports.dir.asc")}</option>
            <option value="desc">{t("reports.dir.desc")}</option>
          </SelectField>
        </div>
        <button type="submit" className="button button--primary" data-testid="run-report">
          {t("reports.run")}
        </button>
      </Form>

      {data.formError ? (
        <p className="alert alert--error" role="alert">
          {translateError(t, data.formError)}
        </p>
      ) : null}

      {report ? (
        <section className="card" aria-labelledby="results-title" aria-busy={navigation.state === "loading"}>
          <h2 id="results-title">
            {t("reports.results")} · {name(report.root)} · {report.years[0]}
            {report.years.length > 1 ? `–${report.years[report.years.length - 1]}` : ""}
          </h2>
          <p className="muted">
            {t(report.source === "ledger" ? "reports.source.ledger" : "reports.source.summaries")}
            {report.years.length > 1 ? ` ${t("reports.personYears")}` : ""}
          </p>
          {report.rowCount === 0 ? (
            <p>{t("reports.empty")}</p>
          ) : (
            <div className="table-wrap">
              <table data-testid="report-table">
                <thead>
                  <tr>
                    {definition.groupBy.map((d) => (
                      <th key={d} scope="col">
                        {t(`reports.dim.${d}` as MessageKey)}
                      </th>
                    ))}
                    {definition.columns.map((c) => (
                      <th key={c} scope="col" className="num">
                        {t(columnLabel(c))}
                      </th>
                    ))}
                    <th scope="col" className="report-drill-col">
                      <span className="visually-hidden">{t("reports.drill")}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {report.rows.map((row) => (
                    <tr key={row.key}>
                      {row.parts.map((p, i) =>
                        i === 0 ? (
                          <th key={p.dim} scope="row">
                            {label(p.label)}
                          </th>
                        ) : (
                          <td key={p.dim}>{label(p.label)}</td>
                        ),
                      )}
                      {definition.columns.map((c) => (
                        <td key={c} className="num">
                          {figure(row, c)}
                        </td>
                      ))}
                      <td>
                        <Link to={drillHref(row.key)} aria-label={`${t("reports.drill")}: ${row.parts.map((p) => label(p.label)).join(" · ")}`}>
                          {t("reports.drill")}
                        </Link>
                      </td>
                    </tr>
                  ))}
                </tbody>
                <tfoot>
                  <tr>
                    <th scope="row" colSpan={definition.groupBy.length}>
                      {t("reports.total")}
                    </th>
                    {definition.columns.map((c) => (
                      <td key={c} className="num" data-testid={`total-${c}`}>
                        {figure(report.totals, c)}
                      </td>
                    ))}
                    <td>
                      <Link to={drillHref(formatGroupKey([]))}>{t("reports.drillAll")}</Link>
                    </td>
                  </tr>
                </tfoot>
              </table>
            </div>
          )}
          <Pagination page={report.page} pages={report.pages} params={Object.fromEntries(params)} />
          {chartData.length > 1 ? (
            <SeriesChart
              id="report"
              title={`${t(columnLabel(chartColumn))} · ${t(`reports.dim.${definition.groupBy[0]}` as MessageKey)}`}
              data={chartData}
              labelHeader={t(`reports.dim.${definition.groupBy[0]}` as MessageKey)}
              valueHeader={t(columnLabel(chartColumn))}
              format={chartFormat}
              kind={definition.groupBy[0] === "year" || definition.groupBy[0] === "month" ? "line" : "bar"}
            />
          ) : null}
          {data.matrix && data.matrix.rows.length > 0 ? (
            <ReportMatrixChart
              matrix={data.matrix}
              dims={definition.groupBy}
              title={t("reportBuilder.charts.two", { figure: t(columnLabel(chartColumn)), first: dimLabel(definition.groupBy[0]), second: dimLabel(definition.groupBy[1]) })}
              corner={`${dimLabel(definition.groupBy[0])} / ${dimLabel(definition.groupBy[1])}`}
              format={chartFormat}
              label={label}
            />
          ) : null}
        </section>
      ) : null}

      {data.definition && report ? (
        <>
          <ReportExportForm definition={data.definition} estimate={data.estimate} />
          <Form method="post" className="card report-save" aria-labelledby="save-title">
            <h2 id="save-title">{t("reports.saved.save")}</h2>
            <DefinitionInputs definition={data.definition} />
            <TextField label={t("reports.saved.name")} name="name" maxLength={80} required error={translateError(t, saveErrors.name)} />
            <label className="check">
              <input type="checkbox" name="shared" /> {t("reports.saved.shared")}
            </label>
            <button type="submit" name="intent" value="save" className="button">
              {t("reports.saved.save")}
            </button>
          </Form>
        </>
      ) : null}
      <p>
        <Link to="/hr">{t("nav.hr")}</Link>
      </p>
    </>
  );
}

/**
 * The chart by two groupings: grouped bars for a small cross, otherwise (and for unit ×
 * competency) the dashboard's heat-map table. The heat map shades a 0..1 share: it is given
 * each figure as a share of the largest and prints it back as the figure (negative points,
 * from adjustments, are left unshaded).
 */
function ReportMatrixChart({
  matrix,
  dims,
  title,
  corner,
  format,
  label,
}: {
  matrix: { column: ReportColumn; rows: { key: string; label: Labels }[]; series: { key: string; label: Labels }[]; values: Record<string, Record<string, number | null>> };
  dims: readonly string[];
  title: string;
  corner: string;
  format: (value: number) => string;
  label: (l: Labels) => string;
}) {
  const { t } = useT();
  const data = {
    rows: matrix.rows.map((r) => ({ key: r.key, label: label(r.label) })),
    series: matrix.series.map((s) => ({ key: s.key, label: label(s.label) })),
    values: matrix.values,
  };
  if (chooseMatrixChart(dims, data) === "bars") return <GroupedBarChart id="report" title={title} data={data} corner={corner} format={format} />;
  const figures = Object.values(matrix.values).flatMap((row) => Object.values(row)).filter((v): v is number => v !== null);
  const max = matrix.column === "metRate" ? 1 : Math.max(0, ...figures) || 1;
  const shares = Object.fromEntries(
    Object.entries(matrix.values).map(([row, cells]) => [row, Object.fromEntries(Object.entries(cells).map(([key, v]) => [key, v === null ? null : v / max]))]),
  );
  return (
    <CoverageHeatmap
      id="report"
      title={title}
      hint={t("reportBuilder.charts.heatHint")}
      corner={corner}
      format={(share) => format(share * max)}
      data={{ rows: data.rows, columns: data.series, values: shares }}
    />
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
