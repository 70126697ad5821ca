// The radar renders on the server (the page is server-rendered) without warnings: fixed
// size, no animation, one labelled axis per competency, hidden from screen readers.
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { CompetencyRadar } from "./competency-radar";

const TEN = ["政治引领", "群众工作", "组织协调", "矛盾调解", "依法治理", "社区服务", "应急处置", "沟通表达", "数字治理", "创新发展"];

describe("CompetencyRadar", () => {
  it("server-renders an SVG with ten axes and the learner's polygon, hidden from assistive technology", () => {
    const html = renderToString(
      <CompetencyRadar data={TEN.map((label, i) => ({ key: `c${i}`, label, value: i % 3 === 0 ? 0 : i * 1.5 }))} />,
    );
    expect(html).toContain('aria-hidden="true"');
    expect(html).toContain("<svg");
    for (const label of TEN) expect(html).toContain(label);
    expect(html).toMatch(/recharts-radar-polygon/);
  });

  it("wraps long English names and still renders when every value is zero", () => {
    const html = renderToString(
      <CompetencyRadar
        data={[
          { key: "a", label: "Communication (spoken and written)", value: 0 },
          { key: "b", label: "Organising and coordinating", value: 0 },
          { key: "c", label: "Digital tools", value: 0 },
        ]}
      />,
    );
    expect(html).toContain("Communication");
    expect(html).not.toContain("(spoken and written)");
    expect(html).toContain("Organising and");
    expect(html).toContain("coordinating");
  });
});
