// End-to-end tests: Debian's Chromium (never a downloaded browser) against the built app,
// served on a fresh embedded database by scripts/e2e-server.mjs. Run with `npx playwright test`
// or as part of `npm test` (scripts/test.mjs reads the JSON report for its summary).
//
// Environment: E2E_PORT (default 3100), CHROMIUM_PATH (default /usr/bin/chromium),
// PLAYWRIGHT_JSON_OUTPUT_FILE (default tests/.tmp/e2e-report.json), CI (retries once and
// forbids test.only).
import { defineConfig } from "@playwright/test";

const port = Number(process.env.E2E_PORT || 3100);
const baseURL = `http://127.0.0.1:${port}`;
const inCI = Boolean(process.env.CI) && process.env.CI !== "false" && process.env.CI !== "0";

export default defineConfig({
  testDir: "tests/e2e",
  outputDir: "tests/.tmp/e2e-results",
  forbidOnly: inCI,
  // A retry hides nothing: scripts/test.mjs lists every test that passed only on retry.
  retries: inCI ? 1 : 0,
  // Two cores, one of them busy serving the app.
  workers: 2,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [
    ["list"],
    ["json", { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_FILE || "tests/.tmp/e2e-report.json" }],
  ],
  use: {
    baseURL,
    browserName: "chromium",
    // The people this app is for read Chinese in Shanghai; English is one click away.
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
      // The machine's network is closed: without the background-networking flags Chromium
      // keeps opening connections that are refused.
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [
    {
      name: "phone",
      use: { viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
    },
    {
      name: "desktop",
      use: { viewport: { width: 1280, height: 800 } },
    },
  ],
  webServer: {
    command: "node scripts/e2e-server.mjs",
    url: `${baseURL}/healthz`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "ignore",
    stderr: "pipe",
    env: { E2E_PORT: String(port) },
  },
});
