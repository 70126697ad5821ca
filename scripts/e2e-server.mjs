// Playwright's web server (playwright.config.ts): the production build of the app on a fresh
// embedded database, migrated and seeded with the demo accounts at start.
//
//   node scripts/e2e-server.mjs     removes tests/.tmp/e2e, runs `npm run build` once, then
//                                   serves on 127.0.0.1:$E2E_PORT (default 3100)
//
// E2E_SKIP_BUILD=1 serves the existing build (for a quick rerun after changing only tests).
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dataDir = path.join(root, "tests/.tmp/e2e");
const port = process.env.E2E_PORT || "3100";

rmSync(dataDir, { recursive: true, force: true });
mkdirSync(dataDir, { recursive: true });

if (process.env.E2E_SKIP_BUILD !== "1") {
  const started = Date.now();
  // Playwright shows only our stderr: the build's output goes there when it fails.
  const build = spawnSync("npm", ["run", "build"], { cwd: root, encoding: "utf8" });
  if (build.status !== 0) {
    process.stderr.write(build.stdout ?? "");
    process.stderr.write(build.stderr ?? "");
    process.stderr.write(`e2e-server: npm run build failed (exit ${build.status ?? build.signal})\n`);
    process.exit(1);
  }
  process.stderr.write(`e2e-server: built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

const server = spawn(process.execPath, ["--import", "tsx", "server/index.ts"], {
  cwd: root,
  stdio: "inherit",
  env: {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: "file:./tests/.tmp/e2e/lane.db",
    DATA_DIR: "./tests/.tmp/e2e",
    PORT: port,
    HOST: "127.0.0.1",
    SEED_DEMO: "auto",
    LOG_LEVEL: process.env.LOG_LEVEL || "warn",
  },
});

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => server.kill(signal));
}
server.on("exit", (code, signal) => {
  if (code !== 0) process.stderr.write(`e2e-server: server exited (${signal ?? `code ${code}`})\n`);
  process.exit(code ?? 1);
});
