// `npm run backup` / `npm run restore` on the embedded database, run as an operator would: as
// processes, against scratch databases, with another process writing during the backup.
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { migrateSqlite } from "../app/db/migrate.server";

const root = process.cwd();
const dir = mkdtempSync(path.join(os.tmpdir(), "lane-backup-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Target = { file: string; dataDir: string };

function target(name: string): Target {
  const dataDir = path.join(dir, name);
  return { file: path.join(dataDir, "lane.db"), dataDir };
}

function run(script: string, args: string[], where: Target, options: { cwd?: string } = {}) {
  // tsx by path: the process may run in another folder (backups/ lands in the working folder).
  const tsx = pathToFileURL(path.join(root, "node_modules", "tsx", "dist", "loader.mjs")).href;
  return spawnSync("node", ["--import", tsx, path.join(root, script), ...args], {
    cwd: options.cwd ?? root,
    env: { ...process.env, DATABASE_URL: `file:${where.file}`, DATA_DIR: where.dataDir, LOG_LEVEL: "silent" },
    encoding: "utf8",
    timeout: 60_000,
  });
}

function withDb<T>(file: string, fn: (db: Database.Database) => T): T {
  const db = new Database(file, { fileMustExist: true });
  try {
    db.pragma("busy_timeout = 10000");
    return fn(db);
  } finally {
    db.close();
  }
}

const auditCount = (file: string) =>
  withDb(file, (db) => (db.prepare(`SELECT count(*) AS n FROM "AuditEvent"`).get() as { n: number }).n);

function uploads(where: Target) {
  mkdirSync(path.join(where.dataDir, "attachments", "camp-1"), { recursive: true });
  mkdirSync(path.join(where.dataDir, "evidence"), { recursive: true });
  writeFileSync(path.join(where.dataDir, "attachments", "camp-1", "report.pdf"), "%PDF-1.4 项目报告");
  writeFileSync(path.join(where.dataDir, "evidence", "certificate.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
}

// A second process with its own connection, inserting audit rows one transaction at a time.
const WRITER = `
const Database = require("better-sqlite3");
const db = new Database(process.env.LANE_FILE);
db.pragma("journal_mode = WAL"); db.pragma("synchronous = FULL"); db.pragma("busy_timeout = 10000");
const insert = db.prepare('INSERT INTO "AuditEvent" ("action", "entityType", "entityId") VALUES (?, ?, ?)');
const until = Date.now() + Number(process.env.LANE_MS);
let i = 0;
while (Date.now() < until) {
  insert.run("test.write", "Writer", String(i++));
  if (i === 50) process.stdout.write("writing\\n");
}
db.close();
process.stdout.write("wrote " + i + "\\n");
`;

function startWriter(file: string, ms: number) {
  const child = spawn("node", ["-e", WRITER], { cwd: root, env: { ...process.env, LANE_FILE: file, LANE_MS: String(ms) } });
  let output = "";
  const started = new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("writing")) resolve();
    });
    child.on("exit", (code) => reject(new Error(`writer exited early (${code}): ${output}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  return { child, started, exited };
}

describe("npm run backup / npm run restore (SQLite)", () => {
  const live = target("live");
  const backupDir = path.join(dir, "backup-1");

  it("backs up the live database while another process writes; the restore is whole and consistent", async () => {
    migrateSqlite(live.file);
    uploads(live);
    const writer = startWriter(live.file, 8_000);
    await writer.started;
    const before = auditCount(live.file);

    const backup = run("scripts/backup.ts", ["--out", backupDir], live);
    const after = auditCount(live.file);
    expect(backup.status, backup.stderr).toBe(0);
    expect(backup.stdout).toContain(backupDir);
    expect(writer.child.exitCode, "the writer was still writing when the backup finished").toBeNull();
    expect(after).toBeGreaterThan(before);
    expect(await writer.exited).toBe(0);

    const manifest = JSON.parse(readFileSync(path.join(backupDir, "manifest.json"), "utf8"));
    expect(manifest.dialect).toBe("sqlite");
    const migrationNames = readdirSync(path.join(root, "prisma", "migrations"), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    expect(migrationNames.slice(0, 2)).toEqual(["0001_init", "0002_catalogue_indexes"]);
    expect(manifest.migrations).toEqual(migrationNames);
    expect(manifest.files.map((f: { path: string }) => f.path)).toEqual([
      "lane.db",
      "attachments/camp-1/report.pdf",
      "evidence/certificate.png",
    ]);
    expect(manifest.files.every((f: { sha256: string }) => /^[0-9a-f]{64}$/.test(f.sha256))).toBe(true);

    const fresh = target("fresh");
    const restore = run("scripts/restore.ts", [backupDir], fresh);
    expect(restore.status, restore.stderr).toBe(0);
    expect(restore.stdout).toMatch(/rows match the manifest, 2 uploaded file/);

    withDb(fresh.file, (db) => {
      expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
      const triggers = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name`).all() as { name: string }[]).map(
        (t) => t.name,
      );
      expect(triggers).toEqual(
        expect.arrayContaining([
          "AuditEvent_append_only_delete",
          "AuditEvent_append_only_update",
          "LedgerEntry_append_only_delete",
          "LedgerEntry_append_only_update",
          "LedgerCompetency_append_only_delete",
          "LedgerCompetency_append_only_update",
        ]),
      );
      expect(() => db.prepare(`DELETE FROM "AuditEvent"`).run()).toThrow();
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    });
    const restored = auditCount(fresh.file);
    expect(restored).toBe(manifest.rowCounts.AuditEvent);
    expect(restored).toBeGreaterThanOrEqual(before);
    expect(restored).toBeLessThanOrEqual(after);
    expect(readFileSync(path.join(fresh.dataDir, "attachments", "camp-1", "report.pdf"), "utf8")).toBe("%PDF-1.4 项目报告");
    expect(readFileSync(path.join(fresh.dataDir, "evidence", "certificate.png"))).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]),
    );
  });

  it("refuses a target that holds data unless --force, and then replaces it whole", () => {
    const busy = target("fresh");
    withDb(busy.file, (db) => db.prepare(`INSERT INTO "AuditEvent" ("action", "entityType", "entityId") VALUES ('x', 'y', 'z')`).run());
    writeFileSync(path.join(busy.dataDir, "attachments", "camp-1", "report.pdf"), "changed");
    const expected = auditCount(busy.file) - 1;

    const refused = run("scripts/restore.ts", [backupDir], busy);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^restore: the target is not empty .*--force/);
    expect(auditCount(busy.file)).toBe(expected + 1);

    const forced = run("scripts/restore.ts", [backupDir, "--force"], busy);
    expect(forced.status, forced.stderr).toBe(0);
    expect(forced.stderr).toMatch(/server must be stopped/);
    expect(auditCount(busy.file)).toBe(expected);
    expect(readFileSync(path.join(busy.dataDir, "attachments", "camp-1", "report.pdf"), "utf8")).toBe("%PDF-1.4 项目报告");
    expect(readdirSync(busy.dataDir).filter((f) => /restore|old-/.test(f))).toEqual([]);
  });

  it("refuses a damaged backup and leaves the target untouched", () => {
    const damaged = path.join(dir, "backup-damaged");
    cpSync(backupDir, damaged, { recursive: true });
    writeFileSync(path.join(damaged, "evidence", "certificate.png"), "not the original");
    const empty = target("untouched");
    const result = run("scripts/restore.ts", [damaged], empty);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/evidence\/certificate\.png does not match its sha256/);
    expect(existsSync(empty.file)).toBe(false);
  });

  it("upgrades a backup taken by an older version (fewer migrations) when restoring it", () => {
    const oldMigrations = path.join(dir, "migrations-0001");
    cpSync(path.join(root, "prisma", "migrations", "0001_init"), path.join(oldMigrations, "0001_init"), { recursive: true });
    const old = target("old");
    migrateSqlite(old.file, oldMigrations);
    const backup = run("scripts/backup.ts", [], old, { cwd: dir });
    expect(backup.status, backup.stderr).toBe(0);
    const [folder] = readdirSync(path.join(dir, "backups"));
    expect(folder).toMatch(/^lane-\d{8}T\d{6}Z$/);
    const restore = run("scripts/restore.ts", [path.join(dir, "backups", folder)], target("upgraded"));
    expect(restore.status, restore.stderr).toBe(0);
    expect(restore.stdout).toMatch(/Upgraded with migrations 0002_catalogue_indexes/);
  });

  it("refuses a missing database and a backup of the other dialect", () => {
    const missing = run("scripts/backup.ts", ["--out", path.join(dir, "nothing")], target("missing"));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^backup: no database at /);
    expect(existsSync(path.join(dir, "nothing"))).toBe(false);
    const other = spawnSync("node", ["--import", "tsx", "scripts/restore.ts", backupDir], {
      env: { ...process.env, DATABASE_URL: "postgresql://nobody@localhost:1/lane", DATA_DIR: dir },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(other.status).toBe(1);
    expect(other.stderr).toMatch(/backup is of a sqlite database, but DATABASE_URL names postgresql/);
  });
});
