import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { ImportError } from "./errors";
import { decodeText, parseImportFile } from "./parse.server";

const fixtures = path.resolve(__dirname, "../../tests/fixtures/imports");
const fixture = (name: string) => path.join(fixtures, name);
const dir = mkdtempSync(path.join(tmpdir(), "lane-import-parse-"));
let n = 0;
function temp(bytes: Buffer | string): string {
  const p = path.join(dir, `f${++n}`);
  writeFileSync(p, bytes);
  return p;
}

async function refusal(filePath: string) {
  try {
    await parseImportFile(filePath);
  } catch (error) {
    if (error instanceof ImportError) return { key: error.messageKey, params: error.params };
    throw error;
  }
  throw new Error("expected the file to be refused");
}

describe("parseImportFile", () => {
  it("reads a UTF-8 CSV: headers, trimmed cells, spreadsheet row numbers", async () => {
    const table = await parseImportFile(fixture("people-ok.csv"));
    expect(table.encoding).toBe("utf-8");
    expect(table.headers.slice(0, 3)).toEqual(["工号", "姓名", "单位"]);
    expect(table.rows.map((r) => r.row)).toEqual([2, 3, 4]);
    expect(table.rows[1].cells[1]).toBe("李二");
    expect(table.issues).toEqual([]);
  });

  it("detects a GBK file and converts it to the same text as the UTF-8 one", async () => {
    const utf8 = await parseImportFile(fixture("people-ok.csv"));
    const gbk = await parseImportFile(fixture("people-gbk.csv"));
    expect(gbk.encoding).toBe("gbk");
    expect(gbk.headers).toEqual(utf8.headers);
    expect(gbk.rows.map((r) => r.cells)).toEqual(utf8.rows.map((r) => r.cells));
  });

  it("strips a UTF-8 byte-order mark from the first header", async () => {
    const table = await parseImportFile(fixture("people-bom.csv"));
    expect(table.encoding).toBe("utf-8");
    expect(table.headers[0]).toBe("工号");
  });

  it("reads UTF-16 with a BOM (Excel's 'Unicode text') and tab separators", async () => {
    const body = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode("工号\t姓名\nA1\t张三\n", "utf-16le")]);
    const table = await parseImportFile(temp(body));
    expect(table.encoding).toBe("utf-16");
    expect(table.rows[0].cells).toEqual(["A1", "张三"]);
  });

  it("refuses a Latin-1 file, naming the encoding it looks like", async () => {
    const refused = await refusal(fixture("people-latin1.csv"));
    expect(refused.key).toBe("imports.errors.encoding");
    expect(String(refused.params.guess)).toMatch(/ISO-8859|windows-125/i);
  });

  it("refuses binary files, legacy .xls and damaged workbooks", async () => {
    expect((await refusal(fixture("binary.csv"))).key).toBe("imports.errors.notText");
    expect((await refusal(temp(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 1, 2])))).key).toBe("imports.errors.legacyXls");
    expect((await refusal(temp(Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5])))).key).toBe("imports.errors.malformed");
  });

  it("refuses empty files and header-only files", async () => {
    expect((await refusal(temp(""))).key).toBe("imports.errors.empty");
    expect((await refusal(temp("\n\n"))).key).toBe("imports.errors.empty");
    expect((await refusal(temp("工号,姓名\n"))).key).toBe("imports.errors.noRows");
    // Blank rows above the header are skipped, so this header has no data under it.
    expect((await refusal(temp(",,\nA1,B,C\n"))).key).toBe("imports.errors.noRows");
  });

  it("names a row with unpaired quotes", async () => {
    const table = await parseImportFile(fixture("malformed-quotes.csv"));
    expect(table.issues.some((i) => i.key === "imports.errors.badQuotes")).toBe(true);
  });

  it("names a row with more filled cells than headers, but not trailing empty ones", async () => {
    const table = await parseImportFile(temp("工号,姓名\nA1,张三,,\nA2,李四,多余\n"));
    expect(table.issues).toEqual([{ row: 3, key: "imports.errors.extraCells", params: { count: 3, columns: 2 } }]);
  });

  it("refuses more rows than one import takes", async () => {
    const rows = Array.from({ length: 20_001 }, (_, i) => `A${i},x`).join("\n");
    const refused = await refusal(temp(`工号,姓名\n${rows}\n`));
    expect(refused).toEqual({ key: "imports.errors.tooManyRows", params: { rows: 20_001, max: 20_000 } });
  });

  it("reads the first worksheet of an XLSX: text, numbers, dates and rich text as strings", async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("人员");
    sheet.addRow(["工号", "姓名", "等级", "入职日期"]);
    sheet.addRow(["X1", { richText: [{ text: "张" }, { text: "三" }] }, 7, new Date(Date.UTC(2019, 2, 1))]);
    sheet.addRow([]);
    sheet.addRow(["X2", "李四", 5, "2020-01-02"]);
    const p = path.join(dir, "people.xlsx");
    await workbook.xlsx.writeFile(p);
    const table = await parseImportFile(p);
    expect(table.encoding).toBe("xlsx");
    expect(table.headers).toEqual(["工号", "姓名", "等级", "入职日期"]);
    expect(table.rows).toEqual([
      { row: 2, cells: ["X1", "张三", "7", "2019-03-01"] },
      { row: 4, cells: ["X2", "李四", "5", "2020-01-02"] },
    ]);
  });
});

describe("decodeText", () => {
  it("keeps valid UTF-8 as UTF-8 even when GBK would also decode it", () => {
    expect(decodeText(Buffer.from("工号,姓名\n", "utf8")).encoding).toBe("utf-8");
  });
  it("decodes GB18030-only characters", () => {
    const bytes = iconv.encode("姓名\n𠀀字\n", "gb18030");
    expect(decodeText(bytes)).toEqual({ text: "姓名\n𠀀字\n", encoding: "gbk" });
  });
});
