import { PolarAngleAxis, PolarGrid, PolarRadiusAxis, Radar, RadarChart } from "recharts";

export type RadarDatum = { key: string; label: string; value: number };

/** Axis labels longer than this (English names) wrap onto a second line, then get an ellipsis. */
const LINE_CHARS = 14;
const FONT_SIZE = 12;
const CJK = /[\u3400-\u9fff]/;

function wrapLabel(label: string): string[] {
  // Chinese names are four characters: one line. Latin names wrap at word boundaries.
  if (CJK.test(label) || label.length <= LINE_CHARS) return [label];
  const words = label.replace(/\s*\(.*\)$/, "").split(/\s+/);
  const lines: string[] = [];
  let line = "";
  for (const word of words) {
    if (line && (line + " " + word).length > LINE_CHARS) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  if (lines.length <= 2) return lines;
  return [lines[0], `${lines[1]}…`];
}

/** Roughly how wide a label is drawn: a CJK character is one em, a Latin one a bit over half. */
function labelWidth(label: string): number {
  return Math.max(
    ...wrapLabel(label).map((line) => [...line].reduce((sum, ch) => sum + (CJK.test(ch) ? FONT_SIZE : FONT_SIZE * 0.58), 0)),
  );
}

type TickProps = {
  x: number;
  y: number;
  cx: number;
  cy: number;
  textAnchor: "start" | "middle" | "end" | "inherit";
  payload: { value: string };
};

function AxisLabel({ x, y, cy, textAnchor, payload }: TickProps) {
  const lines = wrapLabel(String(payload.value));
  // Labels above the centre grow upwards, those below grow downwards, so none covers the web.
  const above = y < cy - 1;
  const firstDy = above ? -(lines.length - 1) * 14 : y > cy + 1 ? 10 : -((lines.length - 1) * 14) / 2 + 4;
  // A little air between the web and the side labels.
  const nudge = textAnchor === "start" ? 4 : textAnchor === "end" ? -4 : 0;
  return (
    <text x={x + nudge} y={y} textAnchor={textAnchor} fontSize={FONT_SIZE} fill="#3d4450" className="radar__label">
      {lines.map((line, i) => (
        <tspan key={i} x={x + nudge} dy={i === 0 ? firstDy : 14}>
          {line}
        </tspan>
      ))}
    </text>
  );
}

/**
 * A competency profile as a radar: one axis per competency, in the framework's order.
 * Decorative for assistive technology (aria-hidden): the page shows the same figures in a
 * table. Fixed size (no ResponsiveContainer, which measures the DOM and warns during server
 * rendering); CSS scales the SVG down on narrow screens through its viewBox.
 */
export function CompetencyRadar({ data, width = 340, height = 300 }: { data: RadarDatum[]; width?: number; height?: number }) {
  const max = Math.max(0, ...data.map((d) => d.value));
  // Leave room for the widest label beside the web, so side labels are never clipped.
  const widest = Math.max(0, ...data.map((d) => labelWidth(d.label)));
  const radius = Math.max(40, Math.min(height / 2 - 40, width / 2 - widest - 14));
  // Long (English) labels shrink the web; shrink the drawing's height with it.
  const drawnHeight = Math.min(height, Math.round(2 * radius + 96));
  return (
    <div className="radar__chart" aria-hidden="true">
      <RadarChart
        width={width}
        height={drawnHeight}
        data={data}
        outerRadius={radius}
        margin={{ top: 8, right: 8, bottom: 8, left: 8 }}
      >
        <PolarGrid stroke="#d8dde3" />
        <PolarAngleAxis dataKey="label" tick={(props: TickProps) => <AxisLabel {...props} />} />
        <PolarRadiusAxis domain={[0, max > 0 ? max : 1]} tick={false} axisLine={false} />
        <Radar dataKey="value" stroke="#b3261e" strokeWidth={2} fill="#b3261e" fillOpacity={0.25} isAnimationActive={false} dot />
      </RadarChart>
    </div>
  );
}

export type CompetencyProfileRow = { id: number; code: string; label: string; points: number };

/**
 * A person's competency points as the radar (from three competencies up: fewer make no shape)
 * beside its data table, which is always there for screen readers and copying. Points are
 * centipoints; `formatPoints` is the page's locale formatter.
 */
export function CompetencyProfileFigure({
  rows,
  headers,
  formatPoints,
}: {
  rows: CompetencyProfileRow[];
  headers: { competency: string; points: string };
  formatPoints: (centipoints: number) => string;
}) {
  return (
    <div className="radar">
      {rows.length >= 3 ? <CompetencyRadar data={rows.map((c) => ({ key: c.code, label: c.label, value: c.points / 100 }))} /> : null}
      <table className="radar__table">
        <thead>
          <tr>
            <th scope="col">{headers.competency}</th>
            <th scope="col" className="num">
              {headers.points}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((c) => (
            <tr key={c.id}>
              <th scope="row">{c.label}</th>
              <td className="num">{formatPoints(c.points)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
