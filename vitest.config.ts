// Three projects: pure unit tests, and the database tests run twice, once on SQLite and once
// on PostgreSQL. A test that touches the database is named *.db.test.ts; each such file
// gets its own freshly migrated database (see tests/support/).
import path from "node:path";
import { defineConfig } from "vitest/config";

const alias = { "~": path.resolve(__dirname, "app") };
const common = {
  pool: "forks" as const,
  testTimeout: 30_000,
  hookTimeout: 60_000,
  setupFiles: ["tests/support/setup-console.ts"],
};

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          ...common,
          name: "unit",
          include: ["app/**/*.test.{ts,tsx}", "server/**/*.test.ts", "scripts/**/*.test.ts"],
          exclude: ["**/*.db.test.ts", "**/node_modules/**"],
          env: { NODE_ENV: "test", BCRYPT_COST: "4", SESSION_SECRET: "test-secret-test-secret-test-secret!" },
        },
      },
      {
        resolve: { alias },
        test: {
          ...common,
          name: "sqlite",
          include: ["app/**/*.db.test.ts", "tests/integration/**/*.db.test.ts"],
          globalSetup: ["tests/support/global-setup-sqlite.ts"],
          setupFiles: [...common.setupFiles, "tests/support/setup-db.ts"],
          env: {
            NODE_ENV: "test",
            BCRYPT_COST: "4",
            SESSION_SECRET: "test-secret-test-secret-test-secret!",
            TEST_DIALECT: "sqlite",
          },
        },
      },
      {
        resolve: { alias },
        test: {
          ...common,
          name: "postgresql",
          include: ["app/**/*.db.test.ts", "tests/integration/**/*.db.test.ts", "tests/integration/**/*.pg.test.ts"],
          globalSetup: ["tests/support/global-setup-postgresql.ts"],
          setupFiles: [...common.setupFiles, "tests/support/setup-db.ts"],
          env: {
            NODE_ENV: "test",
            BCRYPT_COST: "4",
            SESSION_SECRET: "test-secret-test-secret-test-secret!",
            TEST_DIALECT: "postgresql",
          },
        },
      },
    ],
  },
});
