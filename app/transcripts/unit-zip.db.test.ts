// The unit export holds back when the client does: with nobody reading, it stops after the PDF
// in hand instead of writing the whole unit into memory; once read, every person is there.
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { db } from "~/utils/db.server";
import { makePeople } from "../../tests/support/enrolment-fixtures";
import { makeUnitTree, makeUser } from "../../tests/support/factories";
import { readAll, zipEntries } from "../../tests/support/pdf";
import { unitTranscriptsZip } from "./unit-zip.server";

describe("unitTranscriptsZip", () => {
  it("writes no further than the client reads (memory stays bounded), then delivers one PDF per person", async () => {
    const tree = await makeUnitTree();
    const street = await db.unit.findUniqueOrThrow({ where: { id: tree.streets[0].id }, select: { id: true, path: true, code: true } });
    const ids = await makePeople(tree.streets[0].areaId, 120);
    const hr = await makeUser("hr", { scopeUnitId: street.id });
    let done = 0;
    const zip = unitTranscriptsZip({ user: hr, unit: street, range: { fromYear: 2026, toYear: 2026 }, locale: "zh-CN", origin: "http://localhost:3000", onPerson: (n) => (done = n) });

    await sleep(1500);
    // Nobody has read a byte: at most the PDF in the pipe is finished.
    expect(done).toBeLessThanOrEqual(2);
    expect(await db.transcriptIssue.count({ where: { personId: { in: ids } } })).toBeLessThanOrEqual(50);

    const entries = await zipEntries(await readAll(zip));
    expect(done).toBe(ids.length);
    expect(entries).toHaveLength(ids.length);
    expect(await db.transcriptIssue.count({ where: { personId: { in: ids } } })).toBe(ids.length);
  }, 120_000);
});
