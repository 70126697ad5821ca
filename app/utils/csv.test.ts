import { describe, expect, it } from "vitest";
import { CSV_BOM, csvCell, csvDocument } from "~/utils/csv";

describe("CSV", () => {
  it("starts with a BOM and quotes every field", () => {
    const doc = csvDocument(["姓名", "分数"], [["王芳", 56.5]]);
    expect(doc.startsWith(CSV_BOM)).toBe(true);
    expect(doc.slice(1)).toBe('"姓名","分数"\r\n"王芳","56.5"\r\n');
  });

  it("neutralises cells that a spreadsheet would run as formulas", () => {
    for (const evil of ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]) {
      expect(csvCell(evil).startsWith(`"'`), JSON.stringify(evil)).toBe(true);
    }
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("-5")).toBe(`"'-5"`);
    expect(csvCell(-5)).toBe('"-5"');
  });
});
