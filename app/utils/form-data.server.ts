// Reading a form body without turning a malformed request into a server error.

/**
 * The request's form fields. A body that is not a form — JSON, plain text, no body at all, a
 * cut-off multipart — makes `request.formData()` throw a TypeError, which Remix would answer
 * with 500 and log as a crash. A client sent something we cannot read: that is a 400, shown by
 * the shared error page as "the request could not be understood". Found by the fuzz tests
 * (tests/integration/fuzz-routes.db.test.ts).
 */
export async function readFormData(request: Request): Promise<FormData> {
  try {
    return await request.formData();
  } catch (error) {
    if (error instanceof TypeError) {
      throw new Response("The request body is not a form.", { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    }
    throw error;
  }
}
