// Account lifecycle: creation, password changes and resets, disabling, roles. Each change
// that matters for trust (role, scope, disabled state, a reset) is audited in the same
// transaction, and anything that should end a session revokes it.
import { randomBytes } from "node:crypto";
import { recordAudit } from "~/audit/audit.server";
import { hashPassword, verifyPassword } from "~/auth/password.server";
import { revokeUserSessions } from "~/auth/session.server";
import type { Role } from "~/auth/roles";
import { db, type DbTx } from "~/utils/db.server";
import type { MessageKey } from "~/i18n/i18n";

/**
 * The account if it is an enabled trainer — who may teach a class, lead a camp or join its
 * staff — else null. One rule for the class form, camp set-up and camp staff.
 */
export async function findEnabledTrainer(tx: DbTx, userId: number) {
  const user = await tx.user.findUnique({ where: { id: userId }, select: { id: true, role: true, disabledAt: true, displayName: true } });
  return user && user.role === "trainer" && !user.disabledAt ? user : null;
}

export class AccountError extends Error {
  constructor(
    readonly messageKey: MessageKey,
    readonly field?: string,
  ) {
    super(messageKey);
  }
}

/** A readable one-time password: 12 characters without look-alikes (0/O, 1/l/I). */
export function temporaryPassword(): string {
  const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  const bytes = randomBytes(12);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
}

export async function changeOwnPassword(input: {
  userId: number;
  sessionId: string;
  currentPassword: string;
  newPassword: string;
}) {
  const user = await db.user.findUniqueOrThrow({
    where: { id: input.userId },
    select: { username: true, passwordHash: true },
  });
  if (!(await verifyPassword(input.currentPassword, user.passwordHash))) {
    throw new AccountError("password.wrongCurrent", "currentPassword");
  }
  if (input.newPassword === input.currentPassword) throw new AccountError("password.sameAsOld", "newPassword");
  if (input.newPassword.toLowerCase() === user.username.toLowerCase()) {
    throw new AccountError("password.tooWeak", "newPassword");
  }
  const passwordHash = await hashPassword(input.newPassword);
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: input.userId }, data: { passwordHash, mustChangePassword: false } });
    await revokeUserSessions(tx, input.userId, input.sessionId);
    await recordAudit(tx, {
      actorId: input.userId,
      action: "user.password_changed",
      entityType: "User",
      entityId: input.userId,
    });
  });
}

type AccountFields = {
  username: string;
  displayName: string;
  email?: string;
  role: Role;
  scopeUnitId?: number;
  employeeNo?: string;
};

async function resolvePerson(employeeNo: string | undefined, exceptUserId?: number) {
  if (!employeeNo) return null;
  const person = await db.person.findUnique({
    where: { employeeNo },
    select: { id: true, user: { select: { id: true } } },
  });
  if (!person) throw new AccountError("users.personNotFound", "employeeNo");
  if (person.user && person.user.id !== exceptUserId) throw new AccountError("users.personTaken", "employeeNo");
  return person.id;
}

/** Creates an account with a one-time password that must be changed at first sign-in. */
export async function createAccount(actorId: number, fields: AccountFields, reason: string) {
  if (fields.role === "hr" && !fields.scopeUnitId) throw new AccountError("users.scopeRequired", "scopeUnitId");
  const username = fields.username.toLowerCase();
  if (await db.user.findUnique({ where: { username }, select: { id: true } })) {
    throw new AccountError("users.usernameTaken", "username");
  }
  const email = fields.email?.toLowerCase();
  if (email && (await db.user.findUnique({ where: { email }, select: { id: true } }))) {
    throw new AccountError("users.emailTaken", "email");
  }
  const personId = await resolvePerson(fields.employeeNo);
  const password = temporaryPassword();
  const passwordHash = await hashPassword(password);
  const user = await db.$transaction(async (tx) => {
    const created = await tx.user.create({
      data: {
        username,
        displayName: fields.displayName,
        email: email ?? null,
        role: fields.role,
        scopeUnitId: fields.role === "hr" || fields.role === "trainer" ? (fields.scopeUnitId ?? null) : null,
        personId,
        passwordHash,
        mustChangePassword: true,
      },
      select: { id: true, username: true, role: true, scopeUnitId: true, personId: true },
    });
    await recordAudit(tx, {
      actorId,
      action: "user.created",
      entityType: "User",
      entityId: created.id,
      personId,
      after: { username: created.username, role: created.role, scopeUnitId: created.scopeUnitId },
      reason,
    });
    return created;
  });
  return { user, password };
}

export async function resetPassword(actorId: number, userId: number, reason: string) {
  const password = temporaryPassword();
  const passwordHash = await hashPassword(password);
  const user = await db.$transaction(async (tx) => {
    const updated = await tx.user.update({
      where: { id: userId },
      data: { passwordHash, mustChangePassword: true },
      select: { id: true, username: true, personId: true },
    });
    await revokeUserSessions(tx, userId);
    await recordAudit(tx, {
      actorId,
      action: "user.password_reset",
      entityType: "User",
      entityId: userId,
      personId: updated.personId,
      reason,
    });
    return updated;
  });
  return { username: user.username, password };
}

export async function setAccountDisabled(actorId: number, userId: number, disabled: boolean, reason: string) {
  if (actorId === userId) throw new AccountError("users.cannotChangeSelf");
  return db.$transaction(async (tx) => {
    const before = await tx.user.findUniqueOrThrow({
      where: { id: userId },
      select: { username: true, disabledAt: true, personId: true },
    });
    const disabledAt = disabled ? (before.disabledAt ?? new Date()) : null;
    await tx.user.update({ where: { id: userId }, data: { disabledAt } });
    if (disabled) await revokeUserSessions(tx, userId);
    await recordAudit(tx, {
      actorId,
      action: disabled ? "user.disabled" : "user.enabled",
      entityType: "User",
      entityId: userId,
      personId: before.personId,
      before: { disabled: Boolean(before.disabledAt) },
      after: { disabled },
      reason,
    });
    return before.username;
  });
}

export async function changeRole(
  actorId: number,
  userId: number,
  change: { role: Role; scopeUnitId?: number },
  reason: string,
) {
  if (actorId === userId) throw new AccountError("users.cannotChangeSelf");
  if (change.role === "hr" && !change.scopeUnitId) throw new AccountError("users.scopeRequired", "scopeUnitId");
  return db.$transaction(async (tx) => {
    const before = await tx.user.findUniqueOrThrow({
      where: { id: userId },
      select: { username: true, role: true, scopeUnitId: true, personId: true },
    });
    const scopeUnitId = change.role === "hr" || change.role === "trainer" ? (change.scopeUnitId ?? null) : null;
    await tx.user.update({ where: { id: userId }, data: { role: change.role, scopeUnitId } });
    // A new role means new permissions: make the person sign in again under them.
    await revokeUserSessions(tx, userId);
    await recordAudit(tx, {
      actorId,
      action: "user.role_changed",
      entityType: "User",
      entityId: userId,
      personId: before.personId,
      before: { role: before.role, scopeUnitId: before.scopeUnitId },
      after: { role: change.role, scopeUnitId },
      reason,
    });
    return before.username;
  });
}
