// The database side of the enrolment burst, run as its own process with DATABASE_URL and
// SESSION_SECRET in its environment (the app's client and env() read them once):
//   setup <out.json> <learners> <capacity>  migrate, build the class and the learners,
//                                           mint one session cookie per learner
//   verify <offeringId> <out.json>          read back what the burst left behind
import { writeFileSync } from "node:fs";
import { migrate } from "../app/db/migrate.server";
import { createSession } from "../app/auth/session.server";
import { closeDb, db } from "../app/utils/db.server";
import { env } from "../app/utils/env.server";
import { makeCatalogue, makeCourse, makeOffering, makePeople } from "../tests/support/enrolment-fixtures";
import { makeUnitTree, testPasswordHash } from "../tests/support/factories";

const DAY = 24 * 3600_000;

export type SetupResult = { offeringId: number; capacity: number; cookies: string[]; personIds: number[]; setupMs: number };

async function setup(out: string, learners: number, capacity: number) {
  const started = performance.now();
  await migrate(env().database);
  const tree = await makeUnitTree();
  const course = await makeCourse(await makeCatalogue(), { rank: 1 });
  const now = Date.now();
  const offering = await makeOffering(course.id, tree.district.id, {
    capacity,
    // The window is open now, whatever day the bench runs.
    opens: new Date(now - DAY),
    closes: new Date(now + 30 * DAY),
    withdrawDeadline: new Date(now + 31 * DAY),
    starts: new Date(now + 40 * DAY),
    ends: new Date(now + 42 * DAY),
    creditYear: new Date(now).getUTCFullYear(),
  });
  const personIds = await makePeople(tree.streets[0].areaId, learners);
  const passwordHash = testPasswordHash();
  await db.user.createMany({
    data: personIds.map((personId, i) => ({
      username: `bench-learner-${i}`,
      displayName: `学员 ${i}`,
      role: "learner",
      personId,
      passwordHash,
    })),
  });
  const users = await db.user.findMany({
    where: { personId: { in: personIds } },
    select: { id: true, personId: true },
  });
  const userByPerson = new Map(users.map((u) => [u.personId, u.id]));
  // createSession is what /login calls: a session row and a signed cookie.
  const request = new Request("http://127.0.0.1/login", { method: "POST" });
  const cookies: string[] = [];
  for (const personId of personIds) {
    const setCookie = await createSession(request, userByPerson.get(personId)!);
    cookies.push(setCookie.split(";")[0]);
  }
  const result: SetupResult = {
    offeringId: offering.id,
    capacity,
    cookies,
    personIds,
    setupMs: Math.round(performance.now() - started),
  };
  writeFileSync(out, JSON.stringify(result));
}

export type VerifyResult = {
  offering: { capacity: number; seatsTaken: number; waitlistSeq: number };
  rows: { id: number; personId: number; status: string; waitlistNo: number | null; requestedAt: string }[];
  notifications: number;
};

async function verify(offeringId: number, out: string) {
  const offering = await db.offering.findUniqueOrThrow({
    where: { id: offeringId },
    select: { capacity: true, seatsTaken: true, waitlistSeq: true },
  });
  const rows = await db.enrolment.findMany({
    where: { offeringId },
    orderBy: { id: "asc" },
    select: { id: true, personId: true, status: true, waitlistNo: true, requestedAt: true },
  });
  const notifications = await db.notification.count({ where: { kind: { startsWith: "enrolment." } } });
  const result: VerifyResult = {
    offering,
    rows: rows.map((r) => ({ ...r, requestedAt: r.requestedAt.toISOString() })),
    notifications,
  };
  writeFileSync(out, JSON.stringify(result));
}

const [command, ...args] = process.argv.slice(2);
try {
  if (command === "setup") await setup(args[0], Number(args[1]), Number(args[2]));
  else if (command === "verify") await verify(Number(args[0]), args[1]);
  else throw new Error(`usage: enrolment-db.ts setup <out> <learners> <capacity> | verify <offeringId> <out>`);
} finally {
  await closeDb();
}
