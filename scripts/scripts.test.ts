// The operator commands, run as an operator would: as processes, against a scratch embedded
// database.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";

const dir = mkdtempSync(path.join(os.tmpdir(), "lane-scripts-"));
const file = path.join(dir, "lane.db");
const env = { ...process.env, DATABASE_URL: `file:${file}`, DATA_DIR: dir, BCRYPT_COST: "4", LOG_LEVEL: "silent" };

function run(script: string, args: string[] = [], extraEnv: Record<string, string> = {}) {
  return spawnSync("node", ["--import", "tsx", script, ...args], {
    env: { ...env, ...extraEnv },
    encoding: "utf8",
    timeout: 60_000,
  });
}

function query<T>(sql: string): T[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("npm run db:migrate", () => {
  it("migrates a new database, then reports it up to date", () => {
    const first = run("scripts/migrate.ts");
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/Applied 0001_init/);
    const second = run("scripts/migrate.ts");
    expect(second.stdout).toMatch(/up to date/);
  });
});

describe("npm run admin:create", () => {
  it("creates an administrator with a one-time password that must be changed, audited", () => {
    const result = run("scripts/admin-create.ts", ["--username", "ops", "--display-name", "运维管理员"]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/One-time password: \S{12}/);
    const [user] = query<{ role: string; mustChangePassword: number }>(
      `SELECT role, mustChangePassword FROM "User" WHERE username = 'ops'`,
    );
    expect(user).toEqual({ role: "admin", mustChangePassword: 1 });
    expect(query(`SELECT 1 FROM "AuditEvent" WHERE action = 'user.created'`)).toHaveLength(1);
  });

  it("takes ADMIN_PASSWORD when given, and refuses a taken name or a short password", () => {
    const given = run("scripts/admin-create.ts", ["--username", "ops2"], { ADMIN_PASSWORD: "a-long-enough-password" });
    expect(given.status, given.stderr).toBe(0);
    expect(given.stdout).not.toMatch(/One-time password/);
    const taken = run("scripts/admin-create.ts", ["--username", "ops"]);
    expect(taken.status).toBe(1);
    expect(taken.stderr).toMatch(/already exists/);
    const short = run("scripts/admin-create.ts", ["--username", "ops3"], { ADMIN_PASSWORD: "short" });
    expect(short.status).toBe(1);
    expect(query(`SELECT 1 FROM "User" WHERE username = 'ops3'`)).toHaveLength(0);
  });
});

describe("npm run seed", () => {
  it("leaves a database that already has accounts alone (admin:create ran: a real install)", () => {
    const result = run("scripts/seed.ts");
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/already has data/);
    expect(query(`SELECT 1 FROM "Unit"`)).toHaveLength(0);
  });
});

describe("the server's start", () => {
  it("stops with one line when the configuration is wrong", () => {
    const result = spawnSync("node", ["--import", "tsx", "server/index.ts"], {
      env: { ...env, DATABASE_URL: "mysql://db/lane" },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/^lane-academy: configuration error: DATABASE_URL/);
  });
});

