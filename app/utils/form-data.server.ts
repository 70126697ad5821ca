// Reading a form body without turning a malformed request into a server error.

/**
 * Whether reading a body failed because the client sent something that is not a readable form:
 * undici's `formData()` throws a TypeError (JSON, plain text, no body, a cut-off multipart),
 * Remix's multipart parser a plain Error ("malformed multipart-form data…", "malformed
 * content-disposition header…" for a part without a field name).
 */
export function isUnreadableBody(error: unknown): boolean {
  return error instanceof TypeError || (error instanceof Error && /^malformed (multipart-form|content-disposition)/.test(error.message));
}

/** The answer to an unreadable body: 400, which the shared error page explains. */
export function unreadableBody(): Response {
  return new Response("The request body is not a form.", { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

/**
 * The request's form fields. A body that is not a form would make `request.formData()` throw,
 * which Remix answers with 500 and logs as a crash; the client sent something we cannot read, so
 * it is a 400 instead. Found by the fuzz tests (tests/integration/fuzz-routes.db.test.ts).
 */
export async function readFormData(request: Request): Promise<FormData> {
  try {
    return await request.formData();
  } catch (error) {
    if (isUnreadableBody(error)) throw unreadableBody();
    throw error;
  }
}
