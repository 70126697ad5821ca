// CSV that Excel opens correctly and cannot be turned against the person who opens it:
// UTF-8 with a byte-order mark (Excel reads Chinese right), CRLF line ends, every field
// quoted, and a cell that starts like a formula (=, +, -, @, tab, carriage return) prefixed
// with an apostrophe so the spreadsheet shows it as text instead of evaluating it.
// Numbers are written as numbers.
export const CSV_BOM = "\uFEFF";

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '""';
  // Numbers stay numbers (a reversal's -5 must remain summable); only text is neutralised.
  if (typeof value === "number") return Number.isFinite(value) ? `"${value}"` : '""';
  let text = value instanceof Date ? value.toISOString() : String(value);
  if (FORMULA_START.test(text)) text = "'" + text;
  return `"${text.replace(/"/g, '""')}"`;
}

export function csvLine(values: unknown[]): string {
  return values.map(csvCell).join(",") + "\r\n";
}

export function csvDocument(header: string[], rows: unknown[][]): string {
  return CSV_BOM + csvLine(header) + rows.map(csvLine).join("");
}
