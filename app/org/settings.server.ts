import { db } from "~/utils/db.server";

/** Whether this install holds the generated demo data (then the UI says so on every page). */
export async function isDemoInstall(): Promise<boolean> {
  const setting = await db.setting.findUnique({ where: { key: "demo" }, select: { value: true } });
  return setting?.value === "true";
}
