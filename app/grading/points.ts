// Points typed by a person ("72.5", "-5") as integer centipoints, and back. Client-safe.
const POINTS = /^-?\d{1,3}(\.\d{1,2})?$/;

/** "72.5" → 7250; null when it is not a number of points with at most two decimals. */
export function parsePoints(input: string): number | null {
  const text = input.trim().replace(",", ".");
  if (!POINTS.test(text)) return null;
  const negative = text.startsWith("-");
  const [whole, fraction = ""] = text.replace("-", "").split(".");
  const value = Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
  return negative ? -value : value;
}
