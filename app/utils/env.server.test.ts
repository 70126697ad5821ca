import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EnvError, loadEnv } from "~/utils/env.server";

const dataDir = () => mkdtempSync(path.join(os.tmpdir(), "lane-env-"));

describe("loadEnv", () => {
  it("runs the embedded demo with no configuration, keeping a generated secret", () => {
    const dir = dataDir();
    const env = loadEnv({ DATA_DIR: dir });
    expect(env.database.dialect).toBe("sqlite");
    expect(env.PORT).toBe(3000);
    expect(env.BCRYPT_COST).toBe(12);
    expect(env.SESSION_SECRET).toBe(readFileSync(path.join(dir, "session-secret"), "utf8"));
    expect(loadEnv({ DATA_DIR: dir }).SESSION_SECRET).toBe(env.SESSION_SECRET);
  });

  it("requires a shared secret on PostgreSQL", () => {
    expect(() => loadEnv({ DATABASE_URL: "postgresql://db/lane", DATA_DIR: dataDir() })).toThrow(/SESSION_SECRET/);
  });

  it("stops on malformed values with the variable's name", () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ DATABASE_URL: "mysql://x/y" }, /DATABASE_URL/],
      [{ SESSION_SECRET: "short" }, /SESSION_SECRET/],
      [{ PORT: "http" }, /PORT/],
      [{ BCRYPT_COST: "40" }, /BCRYPT_COST/],
      [{ SESSION_SECRET_PREVIOUS: `${"a".repeat(32)},short` }, /SESSION_SECRET_PREVIOUS/],
    ];
    for (const [vars, message] of cases) {
      expect(() => loadEnv({ ...vars, DATA_DIR: dataDir() })).toThrow(EnvError);
      expect(() => loadEnv({ ...vars, DATA_DIR: dataDir() })).toThrow(message);
    }
  });

  it("reads the secrets being rotated out as a list", () => {
    const previous = ["p".repeat(32), "q".repeat(40)];
    expect(loadEnv({ SESSION_SECRET_PREVIOUS: ` ${previous[0]} ,${previous[1]},`, DATA_DIR: dataDir() }).SESSION_SECRET_PREVIOUS).toEqual(previous);
    expect(loadEnv({ DATA_DIR: dataDir() }).SESSION_SECRET_PREVIOUS).toEqual([]);
  });
});
