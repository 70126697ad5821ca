import { json } from "@remix-run/node";
import { db, dialect } from "~/utils/db.server";

/** For load balancers and uptime checks: answers 200 only when the database answers. */
export async function loader() {
  const started = performance.now();
  try {
    await db.$queryRawUnsafe("SELECT 1");
    const databaseMs = Math.round((performance.now() - started) * 10) / 10;
    return json(
      { status: "ok", database: dialect(), databaseMs, uptimeSeconds: Math.round(process.uptime()) },
      { headers: { "Cache-Control": "no-store" } },
    );
  } catch {
    return json({ status: "error", database: dialect() }, { status: 503, headers: { "Cache-Control": "no-store" } });
  }
}
