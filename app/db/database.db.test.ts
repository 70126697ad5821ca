import { describe, expect, it } from "vitest";
import { db, dialect } from "~/utils/db.server";

describe("the database connection", () => {
  it("enforces foreign keys", async () => {
    await expect(
      db.person.create({
        data: {
          employeeNo: "FK-1",
          name: "外键",
          unitId: 999_999,
          postTypeCode: "nope",
          grade: 1,
          hiredOn: new Date(),
          education: "bachelor",
        },
      }),
    ).rejects.toThrow();
    expect(await db.person.count()).toBe(0);
  });

  it("runs with the durability settings the docs promise", async () => {
    if (dialect() !== "sqlite") return;
    const [{ foreign_keys }] = await db.$queryRawUnsafe<{ foreign_keys: bigint }[]>("PRAGMA foreign_keys");
    const [{ synchronous }] = await db.$queryRawUnsafe<{ synchronous: bigint }[]>("PRAGMA synchronous");
    const [{ journal_mode }] = await db.$queryRawUnsafe<{ journal_mode: string }[]>("PRAGMA journal_mode");
    expect(Number(foreign_keys)).toBe(1);
    expect(Number(synchronous)).toBe(2); // FULL
    expect(journal_mode).toBe("wal");
  });
});
