// A separate app instance for the cross-process enrolment test: its own Node process and its
// own Prisma client on process.env.DATABASE_URL, like one of several servers in front of one
// PostgreSQL. Started as
//   node --import tsx tests/support/enrol-worker.ts '<job JSON>'
// it connects, prints "ready", waits for "go" on stdin (so that every worker starts at
// once), enrols its people concurrently and prints one "result <JSON>" line.
import readline from "node:readline";

type Job = { offeringId: number; personIds: number[]; actorId: number; now: string };

const job = JSON.parse(process.argv[2] ?? "") as Job;
const { enrol } = await import("../../app/enrolment/enrolment.server");
const { db, closeDb } = await import("../../app/utils/db.server");

// Open the pool before the start signal, so connecting isn't part of the race.
await Promise.all(Array.from({ length: 4 }, () => db.$queryRaw`SELECT 1`));
process.stdout.write("ready\n");

const lines = readline.createInterface({ input: process.stdin });
await new Promise<void>((resolve) => lines.on("line", (line) => line.trim() === "go" && resolve()));
lines.close();

const outcomes = await Promise.all(
  job.personIds.map((personId) =>
    enrol({ offeringId: job.offeringId, personId, actorId: job.actorId, now: new Date(job.now) }).then(
      (result) => ({ personId, ...result }),
      (error: unknown) => ({ personId, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }),
    ),
  ),
);
process.stdout.write(`result ${JSON.stringify(outcomes)}\n`);
await closeDb();
