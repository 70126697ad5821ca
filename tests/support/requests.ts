// Calling loaders and actions directly, as Remix would, with a real session cookie.
import { createSession } from "../../app/auth/session.server";

export const BASE = "http://localhost:3000";

export function formRequest(path: string, fields: Record<string, string>, cookie?: string) {
  return new Request(BASE + path, {
    method: "POST",
    body: new URLSearchParams(fields),
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      ...(cookie ? { Cookie: cookie } : {}),
    },
  });
}

export function getRequest(path: string, cookie?: string) {
  return new Request(BASE + path, { headers: cookie ? { Cookie: cookie } : {} });
}

/** A Cookie header for a fresh session of the user. */
export async function sessionCookieFor(userId: number) {
  const setCookie = await createSession(new Request(BASE + "/login"), userId);
  return setCookie.split(";")[0];
}

/** Runs a loader/action and returns the Response whether it was returned or thrown. */
export async function settle(work: () => Promise<unknown>): Promise<Response> {
  try {
    const result = await work();
    if (result instanceof Response) return result;
    return new Response(JSON.stringify(result), { status: 200 });
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}
