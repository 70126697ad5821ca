// Bar and line charts for reports and the HR dashboard, each drawn beside a plain data table
// with the same figures: the drawing is aria-hidden (screen readers read the table, people
// copy from it). Fixed size with a viewBox, like CompetencyRadar: no ResponsiveContainer (it
// measures the DOM and warns during server rendering); CSS scales the SVG to narrow screens.
// Colours are SVG attributes, not inline styles (the Content-Security-Policy forbids those).
import type { ReactNode } from "react";
import { Bar, BarChart, CartesianGrid, Line, LineChart, XAxis, YAxis } from "recharts";

export type SeriesDatum = { key: string; label: string; value: number };

const BAR_FILL = "#b3261e";
const GRID = "#d8dde3";

/** Long labels on the category axis are cut, the table beside the chart has them whole. */
function shortLabel(label: string) {
  return label.length > 10 ? `${label.slice(0, 9)}…` : label;
}

/** The frame of every figure: its caption and hint, then what it shows. */
function Figure({ id, title, hint, children }: { id: string; title: string; hint?: string; children: ReactNode }) {
  return (
    <figure className="chart-figure" aria-labelledby={`${id}-title`} data-testid={`chart-${id}`}>
      <figcaption id={`${id}-title`} className="chart-figure__title">
        {title}
      </figcaption>
      {hint ? <p className="muted chart-figure__hint">{hint}</p> : null}
      {children}
    </figure>
  );
}

/** A figure: caption, the (decorative) drawing, then the data table. */
export function ChartFigure({
  id,
  title,
  hint,
  chart,
  table,
}: {
  id: string;
  title: string;
  hint?: string;
  chart: ReactNode;
  table: ReactNode;
}) {
  return (
    <Figure id={id} title={title} hint={hint}>
      <div className="chart-figure__body">
        <div className="chart-figure__chart" aria-hidden="true">
          {chart}
        </div>
        <div className="table-wrap chart-figure__table">{table}</div>
      </div>
    </Figure>
  );
}

type FigureCell = { text: string; className?: string };

/**
 * The data table of a figure: a header row (the corner, then one heading a column), then one
 * row a category, headed by its label. A series is one column; the heat map one a competency.
 */
function FigureTable<Row extends { key: string; label: string }>({
  className,
  corner,
  columns,
  rows,
  cell,
}: {
  className: string;
  corner: string;
  columns: { key: string; label: string; className?: string }[];
  rows: Row[];
  cell: (row: Row, columnKey: string) => FigureCell;
}) {
  return (
    <table className={className}>
      <thead>
        <tr>
          <th scope="col">{corner}</th>
          {columns.map((c) => (
            <th key={c.key} scope="col" className={c.className}>
              {c.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            <th scope="row">{r.label}</th>
            {columns.map((c) => {
              const { text, className: cellClass } = cell(r, c.key);
              return (
                <td key={c.key} className={cellClass}>
                  {text}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The two-column data table of a one-series chart. */
export function SeriesTable({ data, labelHeader, valueHeader, format }: { data: SeriesDatum[]; labelHeader: string; valueHeader: string; format: (value: number) => string }) {
  return (
    <FigureTable
      className="chart-table"
      corner={labelHeader}
      columns={[{ key: "value", label: valueHeader, className: "num" }]}
      rows={data}
      cell={(d) => ({ text: format(d.value), className: "num" })}
    />
  );
}

type SeriesChartProps = {
  id: string;
  title: string;
  hint?: string;
  data: SeriesDatum[];
  labelHeader: string;
  valueHeader: string;
  format: (value: number) => string;
  /** Bars for categories (units, buckets), a line for time (years, months). */
  kind?: "bar" | "line";
  width?: number;
  height?: number;
};

/** One series as bars or a line, with its table. */
export function SeriesChart({ id, title, hint, data, labelHeader, valueHeader, format, kind = "bar", width = 520, height = 260 }: SeriesChartProps) {
  const chartData = data.map((d) => ({ name: shortLabel(d.label), value: d.value }));
  const axes = (
    <>
      <CartesianGrid stroke={GRID} vertical={false} />
      <XAxis dataKey="name" tick={{ fontSize: 11 }} interval={0} angle={data.length > 6 ? -35 : 0} textAnchor={data.length > 6 ? "end" : "middle"} height={data.length > 6 ? 60 : 30} />
      <YAxis tick={{ fontSize: 11 }} tickFormatter={(v: number) => format(v)} width={64} />
    </>
  );
  const chart =
    kind === "line" ? (
      <LineChart width={width} height={height} data={chartData} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
        {axes}
        <Line type="monotone" dataKey="value" stroke={BAR_FILL} strokeWidth={2} dot isAnimationActive={false} />
      </LineChart>
    ) : (
      <BarChart width={width} height={height} data={chartData} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
        {axes}
        <Bar dataKey="value" fill={BAR_FILL} isAnimationActive={false} />
      </BarChart>
    );
  return (
    <ChartFigure
      id={id}
      title={title}
      hint={hint}
      chart={data.length ? chart : null}
      table={<SeriesTable data={data} labelHeader={labelHeader} valueHeader={valueHeader} format={format} />}
    />
  );
}

export type HeatmapData = {
  rows: { key: string; label: string }[];
  columns: { key: string; label: string }[];
  /** rowKey → columnKey → share 0..1 (null: nobody in the row). */
  values: Record<string, Record<string, number | null>>;
};

/** Share → one of six shades (CSS classes; no inline styles under the CSP). */
function heatClass(value: number | null) {
  if (value === null) return "heat heat--none";
  return `heat heat--${Math.min(5, Math.floor(value * 6))}`;
}

/**
 * A unit × competency heat map drawn as a table: the coloured cells ARE the data table (each
 * holds its percentage as text), so nothing is hidden from screen readers or copying.
 */
export function CoverageHeatmap({
  id,
  title,
  hint,
  data,
  corner,
  format,
}: {
  id: string;
  title: string;
  hint?: string;
  data: HeatmapData;
  corner: string;
  format: (value: number) => string;
}) {
  return (
    <Figure id={id} title={title} hint={hint}>
      <div className="table-wrap">
        <FigureTable
          className="heatmap"
          corner={corner}
          columns={data.columns.map((c) => ({ ...c, className: "heatmap__col" }))}
          rows={data.rows}
          cell={(row, columnKey) => {
            const value = data.values[row.key]?.[columnKey] ?? null;
            return { text: value === null ? "–" : format(value), className: heatClass(value) };
          }}
        />
      </div>
    </Figure>
  );
}
