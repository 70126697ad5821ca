// `npm run db:migrate`: applies pending migrations to the database named by DATABASE_URL.
// The server does the same at start; this is for deployments that migrate as a step.
import { migrate } from "../app/db/migrate.server";
import { redactDatabaseUrl } from "../app/db/config.server";
import { env } from "../app/utils/env.server";

try {
  const config = env();
  const result = await migrate(config.database);
  const where = redactDatabaseUrl(config.database);
  if (result.applied.length) console.log(`Applied ${result.applied.join(", ")} to ${where}`);
  else console.log(`${where} is up to date (${result.alreadyApplied} migrations applied earlier)`);
} catch (error) {
  console.error(`db:migrate: ${(error as Error).message.split("\n")[0]}`);
  process.exit(1);
}
