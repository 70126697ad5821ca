// Several app instances enrolling into one class at once: child Node processes, each with its
// own Prisma client and connection pool on this file's PostgreSQL database (the PostgreSQL
// project only; SQLite mode is one process by design, ADR 003). The same invariants as
// app/enrolment/concurrency.db.test.ts must hold across processes.
import { spawn } from "node:child_process";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../../app/utils/db.server";
import { makeUnitTree, makeUser } from "../support/factories";
import { DURING_WINDOW, makeCatalogue, makeCourse, makeOffering, makePeople } from "../support/enrolment-fixtures";

/** People enrolling, counting the one who submits from every instance. */
const TOTAL = 121;
const ROOT = path.resolve(__dirname, "..", "..");
const WORKER = path.join(ROOT, "tests/support/enrol-worker.ts");

type Outcome = { personId: number; state?: string; alreadyEnrolled?: boolean; enrolmentId?: number; error?: string };

type Worker = { ready: Promise<void>; done: Promise<Outcome[]>; go: () => void };

function startWorker(job: { offeringId: number; personIds: number[]; actorId: number; now: string }): Worker {
  const child = spawn(process.execPath, ["--import", "tsx", WORKER, JSON.stringify(job)], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_POOL_SIZE: "6", LOG_LEVEL: "silent" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.includes("ready\n")) markReady();
  });
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<Outcome[]>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code) => {
      const line = stdout.split("\n").find((l) => l.startsWith("result "));
      if (code !== 0 || !line) reject(new Error(`worker exited with ${code}: ${stderr.slice(0, 2000)}`));
      else resolve(JSON.parse(line.slice("result ".length)) as Outcome[]);
    });
  });
  // A worker that dies before "ready" must not leave the test waiting.
  done.catch(() => markReady());
  return { ready, done, go: () => child.stdin.end("go\n") };
}

let tree: Awaited<ReturnType<typeof makeUnitTree>>;
let courseId: number;
let actorId: number;

beforeAll(async () => {
  tree = await makeUnitTree();
  courseId = (await makeCourse(await makeCatalogue(), { rank: 1 })).id;
  actorId = (await makeUser("learner")).id;
});

describe("enrolment across processes on one PostgreSQL", () => {
  it("three instances, 120 people, 25 seats, one person submitting from every instance", async () => {
    const capacity = 25;
    const offering = await makeOffering(courseId, tree.district.id, { capacity });
    const people = await makePeople(tree.streets[0].areaId, TOTAL);
    const [twice, ...everyone] = people;
    const slices = [0, 1, 2].map((w) => everyone.filter((_, i) => i % 3 === w));

    const workers = slices.map((slice) =>
      // The same person also submits five times from each instance.
      startWorker({ offeringId: offering.id, personIds: [...slice, ...Array(5).fill(twice)], actorId, now: DURING_WINDOW.toISOString() }),
    );
    await Promise.all(workers.map((w) => w.ready));
    for (const w of workers) w.go();
    const outcomes = (await Promise.all(workers.map((w) => w.done))).flat();

    expect(outcomes.filter((o) => o.error)).toEqual([]);
    // What the callers were told agrees with the database: `capacity` people got a seat.
    expect(new Set(outcomes.filter((o) => o.state === "enrolled").map((o) => o.personId)).size).toBe(capacity);
    const forTwice = outcomes.filter((o) => o.personId === twice);
    expect(forTwice).toHaveLength(15);
    expect(forTwice.filter((o) => !o.alreadyEnrolled)).toHaveLength(1);
    expect(new Set(forTwice.map((o) => o.enrolmentId)).size).toBe(1);

    const after = await db.offering.findUniqueOrThrow({ where: { id: offering.id }, select: { seatsTaken: true, waitlistSeq: true } });
    const rows = await db.enrolment.findMany({ where: { offeringId: offering.id }, orderBy: { id: "asc" }, select: { personId: true, status: true, waitlistNo: true } });
    expect(rows).toHaveLength(TOTAL);
    expect(new Set(rows.map((r) => r.personId)).size).toBe(TOTAL);
    expect(rows.filter((r) => r.status === "enrolled")).toHaveLength(capacity);
    expect(after).toEqual({ seatsTaken: capacity, waitlistSeq: TOTAL - capacity });
    const waiting = rows.filter((r) => r.status === "waitlisted");
    const numbers = waiting.map((r) => r.waitlistNo!);
    expect([...numbers].sort((a, b) => a - b)).toEqual(Array.from({ length: TOTAL - capacity }, (_, i) => i + 1));
    // Arrival order at the database: numbers rise with the order the rows were inserted.
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
  });
});
