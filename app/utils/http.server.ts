import { json } from "@remix-run/node";

/** Throws a Response (caught by the error boundary) when the condition fails. */
export function invariantResponse(
  condition: unknown,
  message: string,
  init: ResponseInit = { status: 400 },
): asserts condition {
  if (!condition) {
    throw new Response(message, { ...init, headers: { "Content-Type": "text/plain; charset=utf-8", ...init.headers } });
  }
}

export function notFound(message = "Not found"): never {
  throw new Response(message, { status: 404 });
}

export function forbidden(message = "Forbidden"): never {
  throw new Response(message, { status: 403 });
}

export function isApiRequest(request: Request) {
  return new URL(request.url).pathname.startsWith("/api/");
}

/** Errors of the JSON API: a stable code plus a message in the caller's language. */
export function apiError(status: number, code: string, message: string, extra?: Record<string, unknown>) {
  return json({ error: { code, message, ...extra } }, { status });
}

/** Only same-site paths, so a crafted ?redirectTo= cannot send people elsewhere. */
export function safeRedirectPath(to: FormDataEntryValue | string | null | undefined, fallback: string): string {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) return fallback;
  return to;
}
