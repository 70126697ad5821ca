// Who is calling the HR endpoints of /api/v1, what they may see, and how often they may ask.
//
// Two ways in: an API token (`Authorization: Bearer lat_…`, created by an administrator,
// read-only, scoped to one unit's subtree) or the session cookie of an HR officer (scoped to
// their unit's subtree) or an administrator (everything). Both lead to the same ApiCaller, so
// every endpoint applies one scope rule whichever way the caller came in. Every caller is
// counted against the shared rate limit before any data is read.
import type { ActionFunctionArgs } from "@remix-run/node";
import { getSessionUser, type SessionUser } from "~/auth/session.server";
import { subtreeWhere } from "~/auth/guards.server";
import type { MessageKey, Params } from "~/i18n/i18n";
import { requestContext } from "~/utils/request-context.server";
import { apiErrorResponse } from "./api.server";
import { API_RATE_LIMITS, hitRateLimit, pruneRateLimitBuckets, rateLimitHeaders, type RateLimitResult, type RateLimitRule } from "./rate-limit.server";
import { checkApiToken, type TokenCaller } from "./tokens.server";

export type ApiCaller = {
  kind: "token" | "session";
  /** Unit path whose subtree the caller sees; null = every unit (administrators). */
  scopePath: string | null;
  token: TokenCaller | null;
  user: SessionUser | null;
  /** Rate-limit headers for the answer. */
  headers: Record<string, string>;
};

/** A JSON error in the caller's language; the code is the message key (docs/api.md). */
export async function hrApiError(
  request: Request,
  status: number,
  key: MessageKey,
  params?: Params,
  options: { headers?: Record<string, string>; extra?: Record<string, unknown> } = {},
): Promise<Response> {
  return apiErrorResponse(request, status, key, params, options);
}

/**
 * One count against the caller's bucket. A caller's first request of a window also clears
 * buckets that ended windows ago (a window back of margin for instances whose clocks differ),
 * so addresses that failed to authenticate once do not pile up: at most one small delete per
 * caller and minute.
 */
async function countRequest(key: string, rule: RateLimitRule): Promise<RateLimitResult> {
  const result = await hitRateLimit(key, rule);
  if (result.count === 1) await pruneRateLimitBuckets(new Date(result.resetAt.getTime() - 3 * rule.windowMs));
  return result;
}

async function refuseWhenLimited(request: Request, result: RateLimitResult): Promise<void> {
  if (result.allowed) return;
  throw await hrApiError(request, 429, "api.errors.rateLimited", { seconds: result.retryAfterSeconds }, { headers: rateLimitHeaders(result) });
}

/** Failed authentication is counted per client address, so guessing tokens costs time. */
async function refuseAuthentication(request: Request, key: MessageKey): Promise<never> {
  const ip = requestContext()?.ip;
  if (ip) await refuseWhenLimited(request, await countRequest(`api:ip:${ip}`, API_RATE_LIMITS.failedAuth));
  throw await hrApiError(request, 401, key, undefined, { headers: { "WWW-Authenticate": 'Bearer realm="lane-academy"' } });
}

const READ_METHODS = new Set(["GET", "HEAD"]);

/**
 * The caller of an HR endpoint, or a thrown JSON error: 401 (no or bad credentials), 403
 * (a role other than HR or administrator), 405 (a token trying anything but GET) or 429.
 */
export async function requireHrApiCaller(request: Request): Promise<ApiCaller> {
  const authorization = request.headers.get("Authorization");
  if (authorization !== null) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) return refuseAuthentication(request, "api.errors.badAuthorization");
    const checked = await checkApiToken(match[1]);
    if ("refused" in checked) return refuseAuthentication(request, checked.refused === "ownerInactive" ? "api.errors.tokenOwnerInactive" : "api.errors.tokenInvalid");
    const token = checked.caller;
    // Tokens are read-only whatever the endpoint.
    if (!READ_METHODS.has(request.method.toUpperCase())) {
      throw await hrApiError(request, 405, "api.errors.readOnly", undefined, { headers: { Allow: "GET, HEAD" } });
    }
    const rate = await countRequest(`api:token:${token.tokenId}`, API_RATE_LIMITS.caller);
    await refuseWhenLimited(request, rate);
    return { kind: "token", scopePath: token.scopePath, token, user: null, headers: rateLimitHeaders(rate) };
  }
  const user = await getSessionUser(request);
  if (!user) throw await hrApiError(request, 401, "api.errors.unauthenticated");
  if (user.mustChangePassword) throw await hrApiError(request, 403, "api.errors.passwordChangeRequired");
  const scopePath = user.role === "admin" ? null : user.role === "hr" ? user.scopeUnitPath : undefined;
  // HR without a scope unit sees nothing, like the pages (unitScopeWhere).
  if (scopePath === undefined || (user.role === "hr" && !scopePath)) throw await hrApiError(request, 403, "api.errors.forbidden");
  const rate = await countRequest(`api:user:${user.id}`, API_RATE_LIMITS.caller);
  await refuseWhenLimited(request, rate);
  return { kind: "session", scopePath, token: null, user, headers: rateLimitHeaders(rate) };
}

/** The rate limit for the learner-facing endpoints, which use the session guards. */
export async function limitSessionCaller(request: Request, user: SessionUser): Promise<Record<string, string>> {
  const rate = await countRequest(`api:user:${user.id}`, API_RATE_LIMITS.caller);
  await refuseWhenLimited(request, rate);
  return rateLimitHeaders(rate);
}

/** Prisma `where` on Unit for the caller's scope. */
export function callerUnitWhere(caller: ApiCaller): { path?: { gte: string; lt: string } } {
  return caller.scopePath === null ? {} : subtreeWhere(caller.scopePath);
}

export function callerSeesUnit(caller: ApiCaller, unit: { path: string }): boolean {
  return caller.scopePath === null || unit.path.startsWith(caller.scopePath);
}

/** Answer for a read-only endpoint's non-GET requests (Remix calls `action` for them). */
export async function readOnlyAction({ request }: ActionFunctionArgs): Promise<Response> {
  return hrApiError(request, 405, "api.errors.readOnly", undefined, { headers: { Allow: "GET, HEAD" } });
}
