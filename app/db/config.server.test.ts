import { describe, expect, it } from "vitest";
import { DatabaseUrlError, parseDatabaseUrl, redactDatabaseUrl } from "~/db/config.server";

describe("parseDatabaseUrl", () => {
  it("defaults to the embedded database under data/", () => {
    expect(parseDatabaseUrl(undefined, "/srv/lane")).toEqual({
      dialect: "sqlite",
      file: "/srv/lane/data/lane.db",
      url: "file:/srv/lane/data/lane.db",
    });
  });

  it("reads file: and postgresql:// URLs", () => {
    expect(parseDatabaseUrl("file:/tmp/x.db").dialect).toBe("sqlite");
    expect(parseDatabaseUrl("postgresql://lane:pw@db:5432/lane").dialect).toBe("postgresql");
    expect(parseDatabaseUrl("postgres://db/lane").dialect).toBe("postgresql");
  });

  it("refuses anything else with a one-line reason", () => {
    for (const bad of ["mysql://db/lane", "lane.db", "postgresql://db", "file:"]) {
      expect(() => parseDatabaseUrl(bad), bad).toThrow(DatabaseUrlError);
    }
  });

  it("never shows a password", () => {
    expect(redactDatabaseUrl(parseDatabaseUrl("postgresql://lane:secret@db:5432/lane"))).not.toContain("secret");
  });
});
