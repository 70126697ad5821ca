import bcrypt from "bcryptjs";
import type { Db } from "../app/utils/db.server";
import type { Env } from "../app/utils/env.server";
import { logger } from "../app/utils/logger.server";
import { ensureDemoSeeded } from "../app/seed/demo.server";

/** A fresh database gets the demo (SEED_DEMO=auto, the default); SEED_DEMO=never skips it. */
export async function seedDemoIfEmpty(db: Db, config: Env) {
  if (config.SEED_DEMO === "never") return;
  await ensureDemoSeeded(db, {
    passwordHash: () => bcrypt.hash("lane-demo", config.BCRYPT_COST),
    log: (message) => logger.info(message),
  });
}
