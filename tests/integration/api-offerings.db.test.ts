import { beforeAll, describe, expect, it } from "vitest";
import { loader } from "~/routes/api.v1.offerings";
import { db } from "~/utils/db.server";
import { makeUnitTree } from "../support/factories";
import { makeCatalogue, makeCourse, makeLearner, makeOffering } from "../support/enrolment-fixtures";
import { BASE, sessionCookieFor, settle } from "../support/requests";

const DAY = 86_400_000;
let cookie: string;
let personId: number;
const offeringIds: number[] = [];

async function get(query: string) {
  const request = new Request(`${BASE}/api/v1/offerings${query}`, { headers: { Cookie: cookie } });
  const response = await settle(() => loader({ request, params: {}, context: {} }));
  return { status: response.status, body: await response.json() };
}

beforeAll(async () => {
  const tree = await makeUnitTree();
  const catalogue = await makeCatalogue();
  const now = Date.now();
  const inPerson = await makeCourse(catalogue, { rank: 1, creditPoints: 650 });
  const online = await makeCourse(catalogue, { rank: 1, mode: "online" });
  for (let i = 0; i < 5; i++) {
    const course = i % 2 === 0 ? inPerson : online;
    const starts = new Date(now + (10 + i) * DAY);
    const offering = await makeOffering(course.id, tree.streets[i % 2].id, {
      capacity: i === 4 ? 1 : 10,
      opens: new Date(now - DAY),
      closes: new Date(now + 5 * DAY),
      withdrawDeadline: new Date(now + 6 * DAY),
      starts,
      ends: new Date(starts.getTime() + 3600_000),
    });
    offeringIds.push(offering.id);
  }
  // A finished class never appears.
  await makeOffering(inPerson.id, tree.streets[0].id, { starts: new Date(now - 3 * DAY), ends: new Date(now - 2 * DAY) });
  const learner = await makeLearner(tree.streets[0].areaId);
  personId = learner.person.id;
  cookie = await sessionCookieFor(learner.user!.id);
  // The last class is full, and this learner holds its seat.
  await db.enrolment.create({ data: { offeringId: offeringIds[4], personId, status: "enrolled" } });
  await db.offering.update({ where: { id: offeringIds[4] }, data: { seatsTaken: 1 } });
});

describe("GET /api/v1/offerings", () => {
  it("lists upcoming classes by start time, with points as decimals and the caller's own state", async () => {
    const { status, body } = await get("");
    expect(status).toBe(200);
    expect(body.data.map((o: { id: number }) => o.id)).toEqual(offeringIds);
    expect(body.data[0].course.creditPoints).toBe(6.5);
    expect(body.data[4]).toMatchObject({ seatsLeft: 0, myEnrolment: "enrolled" });
    expect(body.data[0].myEnrolment).toBeNull();
    expect(body.nextCursor).toBeNull();
  });

  it("pages with a cursor without repeating or skipping", async () => {
    const first = await get("?limit=2");
    expect(first.body.data).toHaveLength(2);
    const second = await get(`?limit=2&cursor=${first.body.nextCursor}`);
    const third = await get(`?limit=2&cursor=${second.body.nextCursor}`);
    const ids = [...first.body.data, ...second.body.data, ...third.body.data].map((o: { id: number }) => o.id);
    expect(ids).toEqual(offeringIds);
    expect(third.body.nextCursor).toBeNull();
  });

  it("applies the catalogue's filters", async () => {
    const online = await get("?mode=online");
    expect(online.body.data.map((o: { id: number }) => o.id)).toEqual([offeringIds[1], offeringIds[3]]);
    const seats = await get("?seats=1");
    expect(seats.body.data.map((o: { id: number }) => o.id)).not.toContain(offeringIds[4]);
  });

  it("needs a signed-in user", async () => {
    const request = new Request(`${BASE}/api/v1/offerings`);
    expect((await settle(() => loader({ request, params: {}, context: {} }))).status).toBe(401);
    expect(personId).toBeGreaterThan(0);
  });
});
