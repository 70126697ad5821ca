// Throwing guards: every loader and action starts with one of these, so a permission check
// can't be forgotten halfway down a branch.
import { redirect } from "@remix-run/node";
import { apiErrorResponse } from "~/api/api.server";
import { getSessionUser, type SessionUser } from "~/auth/session.server";
import type { Role } from "~/auth/roles";
import { forbidden, isApiRequest } from "~/utils/http.server";

export type { SessionUser };

export async function getOptionalUser(request: Request): Promise<SessionUser | null> {
  return getSessionUser(request);
}

/**
 * The signed-in user, or a redirect to /login (a 401 for the API). An account whose password
 * was reset must change it before doing anything else. API requests get the API's JSON errors
 * (code = message key, message in the caller's language), like the HR endpoints'.
 */
export async function requireUser(
  request: Request,
  options: { allowPendingPasswordChange?: boolean } = {},
): Promise<SessionUser> {
  const user = await getSessionUser(request);
  const url = new URL(request.url);
  if (!user) {
    if (isApiRequest(request)) throw await apiErrorResponse(request, 401, "api.errors.sessionRequired");
    const back = url.pathname + url.search;
    throw redirect(`/login?redirectTo=${encodeURIComponent(back)}`);
  }
  if (user.mustChangePassword && !options.allowPendingPasswordChange) {
    if (isApiRequest(request)) throw await apiErrorResponse(request, 403, "api.errors.passwordChangeRequired", undefined, { accountLocale: user.locale });
    throw redirect("/account/password");
  }
  return user;
}

export async function requireRole(request: Request, ...roles: Role[]): Promise<SessionUser> {
  const user = await requireUser(request);
  if (!roles.includes(user.role)) {
    if (isApiRequest(request)) throw await apiErrorResponse(request, 403, "api.errors.forbidden", undefined, { accountLocale: user.locale });
    forbidden();
  }
  return user;
}

/** Administrators see every unit; HR sees its scope's subtree; nobody else sees units. */
export function canAccessUnit(user: SessionUser, unit: { path: string }): boolean {
  if (user.role === "admin") return true;
  if (user.role !== "hr" || !user.scopeUnitPath) return false;
  return unit.path.startsWith(user.scopeUnitPath);
}

export function requireUnitAccess(user: SessionUser, unit: { path: string } | null | undefined): void {
  if (!unit || !canAccessUnit(user, unit)) forbidden();
}

/**
 * The Prisma `where` for "this unit path and everything below it". Written as a range rather
 * than `startsWith`, because Prisma turns startsWith into LIKE, which neither SQLite nor
 * PostgreSQL (non-C collation) answers from the index on Unit.path. Paths are digits and
 * "/", and "0" sorts right after "/", so "/1/4/" ≤ path < "/1/40" is exactly the subtree.
 */
export function subtreeWhere(path: string): { path: { gte: string; lt: string } } {
  return { path: { gte: path, lt: path.slice(0, -1) + "0" } };
}

/** Limits HR to its scope's subtree; administrators see everything; others see no units. */
export function unitScopeWhere(user: SessionUser): { path?: { gte: string; lt: string } } {
  if (user.role === "admin") return {};
  if (user.role === "hr" && user.scopeUnitPath) return subtreeWhere(user.scopeUnitPath);
  // Anyone else: an empty range.
  return { path: { gte: "~", lt: "~" } };
}
