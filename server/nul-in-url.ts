// A NUL character in a URL (path or query, percent-encoded as %00) is never meaningful, and
// PostgreSQL cannot compare or store one ("invalid byte sequence for encoding UTF8: 0x00"): a
// page lookup or a search filter would fail with 500 on PostgreSQL and compare a stored control
// character on SQLite. Refused here, once, before any route sees it; form fields refuse it in
// app/utils/forms.ts. Found by the fuzz tests (tests/integration/fuzz-routes.db.test.ts).
export function hasNulInUrl(url: string): boolean {
  return url.includes("\u0000") || /%00/.test(url);
}
