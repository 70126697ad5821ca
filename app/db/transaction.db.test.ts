// The shared retry wrapper: what it retries, how often, and what it gives up with.
import { describe, expect, it } from "vitest";
import { db } from "~/utils/db.server";
import { ConcurrentChange, inTransaction, TransactionBusyError } from "./transaction.server";

/** A unique violation as the database reports it: the same setting key inserted twice. */
async function duplicateKey(tx: Parameters<Parameters<typeof inTransaction>[0]>[0], key: string) {
  await tx.setting.create({ data: { key, value: "1" } });
  await tx.setting.create({ data: { key, value: "2" } });
}

describe("inTransaction", () => {
  it("runs the work again after a lost race and rolls back the losing attempts", async () => {
    let attempts = 0;
    const result = await inTransaction(async (tx) => {
      attempts += 1;
      await tx.setting.create({ data: { key: `retry-${attempts}`, value: "x" } });
      if (attempts < 3) throw new ConcurrentChange("test");
      return "done";
    });
    expect(result).toBe("done");
    expect(attempts).toBe(3);
    const kept = await db.setting.findMany({ where: { key: { startsWith: "retry-" } }, select: { key: true } });
    expect(kept.map((s) => s.key)).toEqual(["retry-3"]);
  });

  it("gives up with TransactionBusyError after six conflicting attempts", async () => {
    let attempts = 0;
    const failing = inTransaction(async () => {
      attempts += 1;
      throw new ConcurrentChange("always");
    });
    await expect(failing).rejects.toBeInstanceOf(TransactionBusyError);
    expect(attempts).toBe(6);
  });

  it("retries a unique violation by default, and not when told to refuse duplicates", async () => {
    let attempts = 0;
    await expect(
      inTransaction(async (tx) => {
        attempts += 1;
        await duplicateKey(tx, "dup-a");
      }),
    ).rejects.toMatchObject({ code: "P2002" });
    expect(attempts).toBe(6);

    attempts = 0;
    await expect(
      inTransaction(
        async (tx) => {
          attempts += 1;
          await duplicateKey(tx, "dup-b");
        },
        { retryUniqueViolations: false },
      ),
    ).rejects.toMatchObject({ code: "P2002" });
    expect(attempts).toBe(1);
    expect(await db.setting.count({ where: { key: { startsWith: "dup-" } } })).toBe(0);
  });

  it("throws any other error at once", async () => {
    let attempts = 0;
    await expect(
      inTransaction(async () => {
        attempts += 1;
        throw new Error("a rule said no");
      }),
    ).rejects.toThrow("a rule said no");
    expect(attempts).toBe(1);
  });
});
