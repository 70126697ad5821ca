// A figure by two groupings (e.g. unit × post type): grouped bars, one colour per value of the
// second grouping, beside the cross table of the same figures (rows: the first grouping,
// columns: the second) — the drawing is aria-hidden, the table is what screen readers read.
// Bars are readable only for a few series over a few categories: chooseMatrixChart sends
// larger crosses (and unit × competency) to the heat-map table (CoverageHeatmap) instead.
// Fixed size with a viewBox and no recharts Legend (its HTML carries inline styles, which the
// Content-Security-Policy forbids): the legend is a list with SVG swatches.
import { Bar, BarChart, CartesianGrid, XAxis, YAxis } from "recharts";
import { ChartFigure } from "./figure-charts";

export type MatrixData = {
  /** The first grouping: categories along the axis, rows of the table. */
  rows: { key: string; label: string }[];
  /** The second grouping: one bar series (colour) each, columns of the table. */
  series: { key: string; label: string }[];
  /** rowKey → seriesKey → figure (null or missing: no such group). */
  values: Record<string, Record<string, number | null>>;
};

/** Distinct hues, dark enough to read on white; the table and legend name them anyway. */
const PALETTE = ["#b3261e", "#0b6e99", "#c77c02", "#2e7d32", "#6a3d9a", "#5f6368"];
export const MAX_BAR_SERIES = PALETTE.length;
export const MAX_BAR_CATEGORIES = 12;
const GRID = "#d8dde3";

/**
 * Bars while a 375-px phone can still tell them apart (at most MAX_BAR_SERIES colours over
 * MAX_BAR_CATEGORIES categories); otherwise — and always for unit × competency, the
 * dashboard's coverage view — a heat-map table.
 */
export function chooseMatrixChart(dims: readonly string[], data: Pick<MatrixData, "rows" | "series">): "bars" | "heatmap" {
  if (dims.includes("unit") && dims.includes("competency")) return "heatmap";
  return data.series.length <= MAX_BAR_SERIES && data.rows.length <= MAX_BAR_CATEGORIES ? "bars" : "heatmap";
}

function shortLabel(label: string) {
  return label.length > 8 ? `${label.slice(0, 7)}…` : label;
}

/** The cross table: the first grouping down, the second across. */
export function MatrixTable({ data, corner, format }: { data: MatrixData; corner: string; format: (value: number) => string }) {
  return (
    <table className="chart-table">
      <thead>
        <tr>
          <th scope="col">{corner}</th>
          {data.series.map((s) => (
            <th key={s.key} scope="col" className="num">
              {s.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {data.rows.map((r) => (
          <tr key={r.key}>
            <th scope="row">{r.label}</th>
            {data.series.map((s) => {
              const value = data.values[r.key]?.[s.key] ?? null;
              return (
                <td key={s.key} className="num">
                  {value === null ? "–" : format(value)}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function GroupedBarChart({
  id,
  title,
  hint,
  data,
  corner,
  format,
  width = 520,
  height = 280,
}: {
  id: string;
  title: string;
  hint?: string;
  data: MatrixData;
  corner: string;
  format: (value: number) => string;
  width?: number;
  height?: number;
}) {
  const series = data.series.slice(0, MAX_BAR_SERIES);
  const chartData = data.rows.map((r) => ({
    name: shortLabel(r.label),
    ...Object.fromEntries(series.map((s, i) => [`s${i}`, data.values[r.key]?.[s.key] ?? 0])),
  }));
  const tilt = data.rows.length > 4;
  const chart = (
    <>
      <BarChart width={width} height={height} data={chartData} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
        <CartesianGrid stroke={GRID} vertical={false} />
        <XAxis dataKey="name" tick={{ fontSize: 12 }} interval={0} angle={tilt ? -35 : 0} textAnchor={tilt ? "end" : "middle"} height={tilt ? 60 : 30} />
        <YAxis tick={{ fontSize: 12 }} tickFormatter={(v: number) => format(v)} width={64} />
        {series.map((s, i) => (
          <Bar key={s.key} dataKey={`s${i}`} name={s.label} fill={PALETTE[i]} isAnimationActive={false} />
        ))}
      </BarChart>
      <ul className="chart-legend">
        {series.map((s, i) => (
          <li key={s.key}>
            <svg width="12" height="12" viewBox="0 0 12 12" className="chart-legend__swatch">
              <rect width="12" height="12" fill={PALETTE[i]} />
            </svg>
            {s.label}
          </li>
        ))}
      </ul>
    </>
  );
  return (
    <ChartFigure
      id={id}
      title={title}
      hint={hint}
      chart={data.rows.length && series.length ? chart : null}
      table={<MatrixTable data={data} corner={corner} format={format} />}
    />
  );
}
