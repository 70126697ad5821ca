// A NUL character in a URL (path or query, percent-encoded as %00) is never meaningful, and
// PostgreSQL cannot compare or store one ("invalid byte sequence for encoding UTF8: 0x00"): a
// page lookup or a search filter would fail with 500 on PostgreSQL and compare a stored control
// character on SQLite. Refused here, once, before any route sees it; form fields refuse it in
// app/utils/forms.ts. Found by the fuzz tests (tests/integration/fuzz-routes.db.test.ts).
export function hasNulInUrl(url: string): boolean {
  return url.includes("\u0000") || /%00/.test(url);
}

const MESSAGE = "请求地址无效 / Bad request: the address contains a NUL character";

/** The 400 for such a URL: the API's JSON error shape under /api/, plain text elsewhere. */
export function nulRefusal(path: string): { status: 400; contentType: string; body: string } {
  if (path.startsWith("/api/")) {
    return { status: 400, contentType: "application/json; charset=utf-8", body: JSON.stringify({ error: { code: "errors.badRequest", message: MESSAGE } }) };
  }
  return { status: 400, contentType: "text/plain; charset=utf-8", body: MESSAGE };
}
