// `npm run backup` / `npm run restore` on PostgreSQL (the PostgreSQL project only): a backup
// of this file's database taken while another process writes, restored into a second
// database, then checked against the manifest. pg_dump / pg_restore run as the operator's
// commands would run them.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/databases";

const ROOT = path.resolve(__dirname, "..", "..");
const dir = mkdtempSync(path.join(os.tmpdir(), "lane-backup-pg-"));
let source: string;
let restored: TestDatabase;

beforeAll(async () => {
  source = process.env.DATABASE_URL!;
  restored = await createTestDatabase("postgresql", inject("pgTemplate"));
});

afterAll(async () => {
  await restored?.drop();
  rmSync(dir, { recursive: true, force: true });
});

function run(script: string, args: string[], url: string, dataDir: string, extra: Record<string, string> = {}) {
  return spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, script), ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url, DATA_DIR: dataDir, LOG_LEVEL: "silent", ...extra },
    encoding: "utf8",
    timeout: 60_000,
  });
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

const auditCount = async (url: string) =>
  Number((await query<{ n: string }>(url, `SELECT count(*) AS n FROM "AuditEvent"`))[0].n);

const WRITER = `
const pg = require("pg");
(async () => {
  const client = new pg.Client({ connectionString: process.env.LANE_URL });
  await client.connect();
  const until = Date.now() + Number(process.env.LANE_MS);
  let i = 0;
  while (Date.now() < until) {
    await client.query('INSERT INTO "AuditEvent" ("action", "entityType", "entityId") VALUES ($1, $2, $3)', ["test.write", "Writer", String(i++)]);
    if (i === 50) process.stdout.write("writing\\n");
  }
  await client.end();
})().catch((e) => { console.error(e); process.exit(1); });
`;

describe("npm run backup / npm run restore (PostgreSQL)", () => {
  const liveData = path.join(dir, "live");
  const backupDir = path.join(dir, "backup");

  it("dumps the live database while another process writes and restores it whole into another database", async () => {
    mkdirSync(path.join(liveData, "attachments"), { recursive: true });
    writeFileSync(path.join(liveData, "attachments", "brief.pdf"), "%PDF-1.4 brief");
    const writer = spawn(process.execPath, ["-e", WRITER], { cwd: ROOT, env: { ...process.env, LANE_URL: source, LANE_MS: "8000" } });
    const exited = new Promise<number | null>((resolve) => writer.on("exit", resolve));
    await new Promise<void>((resolve, reject) => {
      writer.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("writing") && resolve());
      writer.on("exit", (code) => reject(new Error(`writer exited early (${code})`)));
    });
    const before = await auditCount(source);
    const backup = run("scripts/backup.ts", ["--out", backupDir], source, liveData);
    const after = await auditCount(source);
    expect(backup.status, backup.stderr).toBe(0);
    expect(writer.exitCode, "the writer was still writing when the backup finished").toBeNull();
    expect(after).toBeGreaterThan(before);
    expect(await exited).toBe(0);

    const manifest = JSON.parse(readFileSync(path.join(backupDir, "manifest.json"), "utf8"));
    expect(manifest.dialect).toBe("postgresql");
    expect(manifest.migrations).toContain("0001_init");
    expect(manifest.files.map((f: { path: string }) => f.path)).toEqual(["lane.dump", "attachments/brief.pdf"]);

    const restoredData = path.join(dir, "restored");
    const restore = run("scripts/restore.ts", [backupDir], restored.url, restoredData);
    expect(restore.status, restore.stderr).toBe(0);
    expect(restore.stdout).toMatch(/rows match the manifest, 1 uploaded file/);
    const count = await auditCount(restored.url);
    expect(count).toBe(manifest.rowCounts.AuditEvent);
    expect(count).toBeGreaterThanOrEqual(before);
    expect(count).toBeLessThanOrEqual(after);
    const triggers = (
      await query<{ tgname: string }>(restored.url, `SELECT tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY tgname`)
    ).map((t) => t.tgname);
    expect(triggers).toEqual(
      expect.arrayContaining(["AuditEvent_append_only", "LedgerEntry_append_only", "LedgerCompetency_append_only"]),
    );
    await expect(query(restored.url, `DELETE FROM "AuditEvent"`)).rejects.toThrow();
    expect(readFileSync(path.join(restoredData, "attachments", "brief.pdf"), "utf8")).toBe("%PDF-1.4 brief");
  });

  it("refuses a database with rows unless --force", async () => {
    const refused = run("scripts/restore.ts", [backupDir], restored.url, path.join(dir, "other"));
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^restore: the target is not empty \(\d+ rows in .*--force/);
    const forced = run("scripts/restore.ts", [backupDir, "--force"], restored.url, path.join(dir, "other"));
    expect(forced.status, forced.stderr).toBe(0);
  });

  it("refuses clearly when pg_dump is missing", () => {
    const out = path.join(dir, "no-tool");
    const result = run("scripts/backup.ts", ["--out", out], source, liveData, { PG_DUMP: "/nonexistent/pg_dump" });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^backup: pg_dump not found .*install the PostgreSQL client tools/);
  });
});
