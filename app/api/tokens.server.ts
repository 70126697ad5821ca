// API tokens for HR systems: created and revoked by administrators, read-only, limited to one
// unit's subtree. The token itself is shown once; the database keeps its SHA-256 (as for
// sessions), so a copy of the database cannot be replayed as tokens, plus a short prefix so
// that an administrator can tell tokens apart in the list.
import { randomBytes } from "node:crypto";
import { recordAudit } from "~/audit/audit.server";
import { hashToken } from "~/auth/session.server";
import type { MessageKey } from "~/i18n/i18n";
import { db } from "~/utils/db.server";

/** Recognisable in logs and by secret scanners: "lat_" + 43 base64url characters (256 bits). */
export const TOKEN_PREFIX = "lat_";
const SHOWN_PREFIX_LENGTH = TOKEN_PREFIX.length + 8;
/** lastUsedAt is written at most this often, so a busy client does not write on every read. */
export const LAST_USED_EVERY_MS = 60_000;

export class ApiTokenError extends Error {
  constructor(
    readonly messageKey: MessageKey,
    readonly field?: string,
  ) {
    super(messageKey);
  }
}

export function generateApiToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString("base64url");
}

/**
 * Creates a token scoped to a unit and returns it in clear text, the only time it exists
 * outside the caller's hands. Audited without the token or its hash.
 */
export async function createApiToken(actorId: number, input: { name: string; scopeUnitId: number; reason: string }) {
  const token = generateApiToken();
  const row = await db.$transaction(async (tx) => {
    const unit = await tx.unit.findFirst({ where: { id: input.scopeUnitId, archivedAt: null }, select: { id: true, code: true } });
    if (!unit) throw new ApiTokenError("api.tokens.unitNotFound", "scopeUnitId");
    const created = await tx.apiToken.create({
      data: {
        name: input.name,
        tokenHash: hashToken(token),
        prefix: token.slice(0, SHOWN_PREFIX_LENGTH),
        scopeUnitId: unit.id,
        createdById: actorId,
      },
      select: { id: true, name: true, prefix: true, scopeUnitId: true, createdAt: true },
    });
    await recordAudit(tx, {
      actorId,
      action: "api_token.created",
      entityType: "ApiToken",
      entityId: created.id,
      after: { name: created.name, prefix: created.prefix, scopeUnitId: unit.id, scopeUnitCode: unit.code },
      reason: input.reason,
    });
    return created;
  });
  return { token, row };
}

/** Revokes a token at once (its next request gets 401). Revoking twice is refused. */
export async function revokeApiToken(actorId: number, tokenId: number, reason: string) {
  return db.$transaction(async (tx) => {
    const existing = await tx.apiToken.findUnique({
      where: { id: tokenId },
      select: { id: true, name: true, prefix: true, scopeUnitId: true, revokedAt: true, lastUsedAt: true },
    });
    if (!existing) throw new ApiTokenError("api.tokens.notFound");
    const now = new Date();
    // Conditional update: two administrators revoking at once record one revocation.
    const { count } = await tx.apiToken.updateMany({
      where: { id: tokenId, revokedAt: null },
      data: { revokedAt: now, revokedById: actorId },
    });
    if (count === 0) throw new ApiTokenError("api.tokens.alreadyRevoked");
    await recordAudit(tx, {
      actorId,
      action: "api_token.revoked",
      entityType: "ApiToken",
      entityId: tokenId,
      before: { name: existing.name, prefix: existing.prefix, revokedAt: null },
      after: { name: existing.name, prefix: existing.prefix, revokedAt: now.toISOString() },
      reason,
    });
    return { name: existing.name };
  });
}

export type TokenCaller = { tokenId: number; name: string; scopeUnitId: number; scopePath: string };

/** Why a token was not accepted: unknown or revoked, or its creator no longer vouches for it. */
export type TokenRefusal = "invalid" | "ownerInactive";

type TokenCreator = { role: string; disabledAt: Date | null; scopeUnit: { path: string } | null };

/**
 * A token reads with the authority of the administrator who created it, so it works only while
 * that account could still read the token's units itself: enabled, and an administrator (every
 * unit) or an HR officer whose scope covers the token's unit (an administrator moved to HR keeps
 * the tokens within their new scope). Disabling the account or taking the role away suspends
 * its tokens at once; restoring the account brings back those not revoked meanwhile — the
 * token's own state is never changed, so nothing needs undoing and revocation stays final.
 */
export function creatorStillCovers(creator: TokenCreator | null, scopePath: string): boolean {
  if (!creator || creator.disabledAt) return false;
  if (creator.role === "admin") return true;
  return creator.role === "hr" && creator.scopeUnit !== null && scopePath.startsWith(creator.scopeUnit.path);
}

const creatorSelect = { role: true, disabledAt: true, scopeUnit: { select: { path: true } } } as const;

/**
 * The token's caller, or why it is refused. Marks an accepted token as used (at most once a
 * minute; the condition makes concurrent requests write once); a refused one is not marked.
 */
export async function checkApiToken(token: string, now = new Date()): Promise<{ caller: TokenCaller } | { refused: TokenRefusal }> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return { refused: "invalid" };
  const row = await db.apiToken.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { id: true, name: true, revokedAt: true, lastUsedAt: true, createdById: true, scopeUnit: { select: { id: true, path: true } } },
  });
  if (!row || row.revokedAt) return { refused: "invalid" };
  const creator = await db.user.findUnique({ where: { id: row.createdById }, select: creatorSelect });
  if (!creatorStillCovers(creator, row.scopeUnit.path)) return { refused: "ownerInactive" };
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_EVERY_MS) {
    await db.apiToken.updateMany({
      where: { id: row.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lte: new Date(now.getTime() - LAST_USED_EVERY_MS) } }] },
      data: { lastUsedAt: now },
    });
  }
  return { caller: { tokenId: row.id, name: row.name, scopeUnitId: row.scopeUnit.id, scopePath: row.scopeUnit.path } };
}

/** The token's scope, or null for a token that is refused for any reason (checkApiToken says why). */
export async function authenticateApiToken(token: string, now = new Date()): Promise<TokenCaller | null> {
  const result = await checkApiToken(token, now);
  return "caller" in result ? result.caller : null;
}

/** Every token, newest first, with its scope and the accounts that created and revoked it. */
export async function listApiTokens() {
  const tokens = await db.apiToken.findMany({
    orderBy: { id: "desc" },
    select: {
      id: true,
      name: true,
      prefix: true,
      createdAt: true,
      lastUsedAt: true,
      revokedAt: true,
      createdById: true,
      revokedById: true,
      scopeUnit: { select: { code: true, nameZh: true, nameEn: true, path: true } },
    },
  });
  const userIds = [...new Set(tokens.flatMap((t) => [t.createdById, t.revokedById]).filter((id): id is number => id !== null))];
  const users = await db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, username: true, ...creatorSelect } });
  const byId = new Map(users.map((u) => [u.id, u]));
  return tokens.map(({ createdById, revokedById, scopeUnit: { path, ...scopeUnit }, ...t }) => ({
    ...t,
    scopeUnit,
    createdBy: byId.get(createdById)?.username ?? null,
    revokedBy: revokedById ? (byId.get(revokedById)?.username ?? null) : null,
    /** False while the creator is disabled or lost the authority: the token is refused (401). */
    ownerActive: creatorStillCovers(byId.get(createdById) ?? null, path),
  }));
}
