// Server-side sessions: the cookie holds a random token; the database holds its SHA-256,
// the user, expiry and revocation. Revoking a row (sign-out, password change, disabling an
// account) ends that session at its next request on every instance.
import { createHash, randomBytes } from "node:crypto";
import { createCookie } from "@remix-run/node";
import { db, type DbTx } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { isRole, type Role } from "~/auth/roles";
import { requestContext } from "~/utils/request-context.server";

const SESSION_IDLE_MS = 14 * 24 * 60 * 60 * 1000;
const SESSION_ABSOLUTE_MS = 30 * 24 * 60 * 60 * 1000;
/** lastSeenAt/expiresAt are refreshed at most this often, so reads stay reads. */
const TOUCH_EVERY_MS = 60 * 60 * 1000;

export const SESSION_COOKIE = "lane_session";

function sessionCookie() {
  return createCookie(SESSION_COOKIE, {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    // The first secret signs; every one verifies (rotation: docs/operations.md).
    secrets: [env().SESSION_SECRET, ...env().SESSION_SECRET_PREVIOUS],
    maxAge: SESSION_IDLE_MS / 1000,
  });
}

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

/**
 * Secure cookies in production: always over HTTPS, and on plain HTTP everywhere except the
 * local demo (http://localhost). COOKIE_SECURE=always|never overrides.
 */
export function cookieSecure(request: Request): boolean {
  const setting = env().COOKIE_SECURE;
  if (setting !== "auto") return setting === "always";
  const url = new URL(request.url);
  if (url.protocol === "https:") return true;
  return env().NODE_ENV === "production" && !LOCAL_HOSTS.has(url.hostname);
}

export function hashToken(token: string) {
  return createHash("sha256").update(token).digest("hex");
}

export type SessionUser = {
  id: number;
  sessionId: string;
  username: string;
  displayName: string;
  role: Role;
  scopeUnitId: number | null;
  scopeUnitPath: string | null;
  personId: number | null;
  mustChangePassword: boolean;
  locale: string | null;
};

function clientMeta(request: Request) {
  return {
    ip: requestContext()?.ip ?? null,
    userAgent: request.headers.get("user-agent")?.slice(0, 300) ?? null,
  };
}

/** Starts a new session (always a new id, so a fixated id is useless) and returns Set-Cookie. */
export async function createSession(request: Request, userId: number): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  const now = Date.now();
  await db.session.create({
    data: {
      id: hashToken(token),
      userId,
      expiresAt: new Date(now + SESSION_IDLE_MS),
      ...clientMeta(request),
    },
  });
  return sessionCookie().serialize(token, { secure: cookieSecure(request) });
}

async function readToken(request: Request): Promise<string | null> {
  const value = await sessionCookie().parse(request.headers.get("Cookie"));
  return typeof value === "string" && value.length > 0 ? value : null;
}

export async function getSessionUser(request: Request): Promise<SessionUser | null> {
  const token = await readToken(request);
  if (!token) return null;
  const id = hashToken(token);
  const session = await db.session.findUnique({
    where: { id },
    select: {
      id: true,
      createdAt: true,
      expiresAt: true,
      lastSeenAt: true,
      revokedAt: true,
      user: {
        select: {
          id: true,
          username: true,
          displayName: true,
          role: true,
          scopeUnitId: true,
          scopeUnit: { select: { path: true } },
          personId: true,
          mustChangePassword: true,
          disabledAt: true,
          locale: true,
        },
      },
    },
  });
  const now = Date.now();
  if (!session || session.revokedAt || session.expiresAt.getTime() <= now) return null;
  if (session.createdAt.getTime() + SESSION_ABSOLUTE_MS <= now) return null;
  const user = session.user;
  if (user.disabledAt || !isRole(user.role)) return null;
  if (now - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await db.session.update({
      where: { id },
      data: { lastSeenAt: new Date(now), expiresAt: new Date(now + SESSION_IDLE_MS) },
    });
  }
  return {
    id: user.id,
    sessionId: id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    scopeUnitId: user.scopeUnitId,
    scopeUnitPath: user.scopeUnit?.path ?? null,
    personId: user.personId,
    mustChangePassword: user.mustChangePassword,
    locale: user.locale,
  };
}

/** Ends the session of this request and returns the Set-Cookie that clears it. */
export async function destroySession(request: Request): Promise<string> {
  const token = await readToken(request);
  if (token) {
    await db.session.updateMany({
      where: { id: hashToken(token), revokedAt: null },
      data: { revokedAt: new Date() },
    });
  }
  return sessionCookie().serialize("", { maxAge: 0, secure: cookieSecure(request) });
}

/** Ends every session of a user, except optionally the one still in use. */
export async function revokeUserSessions(tx: DbTx, userId: number, exceptSessionId?: string) {
  await tx.session.updateMany({
    where: { userId, revokedAt: null, ...(exceptSessionId ? { id: { not: exceptSessionId } } : {}) },
    data: { revokedAt: new Date() },
  });
}
