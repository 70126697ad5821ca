// The hand-written XLSX writer (ADR 010) read back with exceljs: what Excel users rely on —
// sheets in order, a bold frozen header row, number formats on the cells and the columns, text
// that stays text, empty cells, many rows — and that it neither hangs nor buffers when the
// download is slow or abandoned.
import { PassThrough, Writable } from "node:stream";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { XlsxStreamWriter, xmlText, type XlsxColumn } from "./xlsx-writer.server";

const COLUMNS: XlsxColumn[] = [
  { header: "工号", width: 12 },
  { header: "学分", width: 10, format: "points" },
  { header: "达标率", width: 8, format: "rate" },
  { header: "等级", width: 6, format: "integer" },
];

/** Collects what the writer sends into a buffer (optionally slowly, a few bytes at a time). */
function sink(options: { slow?: boolean } = {}) {
  const chunks: Buffer[] = [];
  const out = new Writable({
    highWaterMark: options.slow ? 1024 : 16384,
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      if (options.slow) setImmediate(done);
      else done();
    },
  });
  const finished = new Promise<Buffer>((resolve, reject) => {
    out.on("finish", () => resolve(Buffer.concat(chunks)));
    out.on("error", reject);
  });
  return { out, finished };
}

async function read(buffer: Buffer) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
  return workbook;
}

describe("XlsxStreamWriter", () => {
  it("writes sheets with a bold frozen header, widths and number formats that exceljs reads back", async () => {
    const { out, finished } = sink();
    const book = new XlsxStreamWriter(out, { creator: "小巷学院 Lane Academy", created: new Date("2026-03-01T08:00:00Z") });
    await book.addSheet("新华路街道", COLUMNS);
    book.addRow(["CN0001", 12.5, 0.25, 7]);
    book.addRow(['=HYPERLINK("http://evil","x")', -3, null, undefined]);
    book.addRow([" a < b & c > d \u0001\uFFFF ", Number.NaN, Number.POSITIVE_INFINITY, 0]);
    await book.addSheet("Second", COLUMNS);
    book.addRow(["CN0002", 0.01, 1, 18]);
    await book.finish();
    const workbook = await read(await finished);

    expect(workbook.creator).toBe("小巷学院 Lane Academy");
    expect(workbook.worksheets.map((s) => s.name)).toEqual(["新华路街道", "Second"]);
    const [first, second] = workbook.worksheets;
    for (const sheet of [first, second]) {
      expect(sheet.views[0]).toMatchObject({ state: "frozen", xSplit: 0, ySplit: 1, topLeftCell: "A2" });
      expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(["工号", "学分", "达标率", "等级"]);
      expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);
      expect(sheet.getColumn(1).width).toBe(12);
      // Column formats (for cells typed in later) and each written cell's own format.
      expect([2, 3, 4].map((c) => sheet.getColumn(c).numFmt)).toEqual(["0.00", "0.0%", "0"]);
      expect([2, 3, 4].map((c) => sheet.getRow(2).getCell(c).numFmt)).toEqual(["0.00", "0.0%", "0"]);
    }
    expect((first.getRow(2).values as unknown[]).slice(1)).toEqual(["CN0001", 12.5, 0.25, 7]);
    // Formula-looking text is a string cell, never a formula.
    const formulaLike = first.getRow(3).getCell(1);
    expect(formulaLike.type).toBe(ExcelJS.ValueType.String);
    expect(formulaLike.value).toBe('=HYPERLINK("http://evil","x")');
    expect(first.getRow(3).getCell(2).value).toBe(-3);
    expect(first.getRow(3).getCell(3).value).toBeNull();
    // XML-special characters survive; characters XML cannot carry are dropped; spaces kept.
    expect(first.getRow(4).getCell(1).value).toBe(" a < b & c > d  ");
    expect(first.getRow(4).getCell(2).value).toBeNull();
    expect(first.getRow(4).getCell(4).value).toBe(0);
    expect(first.rowCount).toBe(4);
    expect((second.getRow(2).values as unknown[]).slice(1)).toEqual(["CN0002", 0.01, 1, 18]);
  });

  it("streams many rows through a slow download without losing or reordering any", async () => {
    const { out, finished } = sink({ slow: true });
    const book = new XlsxStreamWriter(out);
    let maxPending = 0;
    out.on("drain", () => undefined);
    await book.addSheet("Rows", COLUMNS);
    for (let i = 0; i < 5000; i++) {
      book.addRow([`人员${i}`, i / 100, null, i % 18]);
      if (book.needsFlush) await book.flush();
      maxPending = Math.max(maxPending, out.writableLength);
    }
    await book.finish();
    const sheet = (await read(await finished)).worksheets[0];
    expect(sheet.rowCount).toBe(5001);
    expect(sheet.getRow(2).getCell(1).value).toBe("人员0");
    expect(sheet.getRow(5001).getCell(1).value).toBe("人员4999");
    expect(sheet.getRow(5001).getCell(2).value).toBe(49.99);
    // The writer waited for the slow consumer instead of queueing the whole file.
    expect(maxPending).toBeLessThan(256 * 1024);
  });

  it("gives a workbook with one empty sheet when nothing was written", async () => {
    const { out, finished } = sink();
    await new XlsxStreamWriter(out).finish();
    const workbook = await read(await finished);
    expect(workbook.worksheets).toHaveLength(1);
  });

  it("fails instead of hanging when the download is abandoned", async () => {
    const out = new PassThrough({ highWaterMark: 1024 });
    const book = new XlsxStreamWriter(out);
    await book.addSheet("Rows", COLUMNS);
    const writing = (async () => {
      for (let i = 0; i < 50_000; i++) {
        book.addRow([`人员${i}-${Math.random()}`, Math.random(), Math.random(), i]);
        if (book.needsFlush) await book.flush();
      }
      await book.finish();
    })();
    setTimeout(() => out.destroy(), 20);
    await expect(writing).rejects.toThrow();
  });

  it("escapes text for XML", () => {
    expect(xmlText("plain 文本")).toBe("plain 文本");
    expect(xmlText('<a href="x">&</a>')).toBe("&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;");
    expect(xmlText("a\u0000b\u001Fc\td\ne")).toBe("abc\td\ne");
    // A lone surrogate is dropped, a pair (an emoji) kept.
    expect(xmlText("x\uD800y😀")).toBe("xy😀");
  });
});
