// `npm run admin:create -- --username ops --display-name "运维管理员" [--email ops@example.org]`
//
// Makes an administrator on a production install (which has no demo accounts). The password
// comes from ADMIN_PASSWORD if set (at least 10 characters); otherwise a one-time password is
// printed, which must be changed at first sign-in. The creation is audited.
import { parseArgs } from "node:util";
import { z } from "zod";
import { recordAudit } from "../app/audit/audit.server";
import { temporaryPassword } from "../app/auth/accounts.server";
import { hashPassword } from "../app/auth/password.server";
import { migrate } from "../app/db/migrate.server";
import { closeDb, db } from "../app/utils/db.server";
import { env } from "../app/utils/env.server";

const Args = z.object({
  username: z.string().regex(/^[a-z0-9._-]{3,64}$/, "--username: 3–64 characters a-z 0-9 . _ -"),
  "display-name": z.string().trim().min(1).max(100),
  email: z.email("--email is not an email address").optional(),
});

function fail(message: string): never {
  console.error(`admin:create: ${message}`);
  process.exit(1);
}

const { values } = parseArgs({
  options: {
    username: { type: "string", default: "admin" },
    "display-name": { type: "string", default: "系统管理员" },
    email: { type: "string" },
  },
});
const parsed = Args.safeParse(values);
if (!parsed.success) fail(parsed.error.issues[0].message);
const args = parsed.data;
const given = process.env.ADMIN_PASSWORD;
if (given !== undefined && given.length < 10) fail("ADMIN_PASSWORD must be at least 10 characters");

try {
  await migrate(env().database);
  if (await db.user.findUnique({ where: { username: args.username } })) {
    fail(`an account named "${args.username}" already exists; choose another --username`);
  }
  const password = given ?? temporaryPassword();
  const passwordHash = await hashPassword(password);
  await db.$transaction(async (tx) => {
    const user = await tx.user.create({
      data: {
        username: args.username,
        displayName: args["display-name"],
        email: args.email?.toLowerCase() ?? null,
        role: "admin",
        passwordHash,
        mustChangePassword: given === undefined,
      },
    });
    await recordAudit(tx, {
      actorId: null,
      action: "user.created",
      entityType: "User",
      entityId: user.id,
      after: { username: user.username, role: "admin" },
      reason: "npm run admin:create",
    });
  });
  console.log(`Administrator "${args.username}" created.`);
  if (given === undefined) console.log(`One-time password: ${password}  (must be changed at first sign-in)`);
} catch (error) {
  fail((error as Error).message.split("\n")[0]);
} finally {
  await closeDb();
}
