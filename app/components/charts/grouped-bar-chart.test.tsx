// The two-grouping chart renders on the server with its cross table (every figure, "–" for a
// missing group), the drawing hidden from screen readers, a legend without inline style
// attributes (the Content-Security-Policy forbids them); big crosses and unit × competency go to the heat map.
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { chooseMatrixChart, GroupedBarChart, type MatrixData } from "./grouped-bar-chart";

const data: MatrixData = {
  rows: [
    { key: "1", label: "东湖街道" },
    { key: "2", label: "西城街道" },
    { key: "3", label: "一个名字很长很长的街道" },
  ],
  series: [
    { key: "head", label: "书记" },
    { key: "staff", label: "社工" },
  ],
  values: { "1": { head: 12.5, staff: 40 }, "2": { staff: 7 }, "3": { head: 0, staff: 3.25 } },
};

describe("GroupedBarChart", () => {
  it("server-renders bars per series beside the cross table of the same figures", () => {
    const html = renderToString(<GroupedBarChart id="report" title="学分 · 单位 × 岗位" data={data} corner="单位" format={(v) => v.toFixed(2)} />);
    expect(html).toContain('data-testid="chart-report"');
    expect(html).toContain('aria-hidden="true"');
    expect(html).toMatch(/recharts-bar-rectangle/);
    // Table: the first grouping down, the second across, a dash where there is no group.
    const table = html.slice(html.indexOf("<table"));
    expect(table).toContain("<th scope=\"col\" class=\"num\">书记</th>");
    expect(table).toContain("一个名字很长很长的街道");
    for (const text of ["12.50", "40.00", "7.00", "0.00", "3.25", "–"]) expect(table).toContain(text);
    // Legend names each series; the axis label is shortened, the table keeps it whole.
    expect(html).toContain("chart-legend");
    expect(html).toContain("一个名字很长很…");
    const legend = html.slice(html.indexOf('<ul class="chart-legend"'), html.indexOf("</ul>"));
    expect(legend).toContain("书记");
    expect(legend).not.toContain("style=");
  });

  it("draws nothing but the table when there is no data", () => {
    const html = renderToString(<GroupedBarChart id="empty" title="t" data={{ rows: [], series: [], values: {} }} corner="c" format={String} />);
    expect(html).toContain("<table");
    expect(html).not.toContain("<svg");
  });

  it("chooses bars for small crosses, the heat map for large ones and unit × competency", () => {
    const cross = (rows: number, series: number) => ({
      rows: Array.from({ length: rows }, (_, i) => ({ key: String(i), label: String(i) })),
      series: Array.from({ length: series }, (_, i) => ({ key: String(i), label: String(i) })),
    });
    expect(chooseMatrixChart(["unit", "postType"], cross(8, 3))).toBe("bars");
    expect(chooseMatrixChart(["unit", "competency"], cross(3, 3))).toBe("heatmap");
    expect(chooseMatrixChart(["competency", "unit"], cross(3, 3))).toBe("heatmap");
    expect(chooseMatrixChart(["unit", "grade"], cross(8, 12))).toBe("heatmap");
    expect(chooseMatrixChart(["month", "postType"], cross(13, 3))).toBe("heatmap");
  });
});
