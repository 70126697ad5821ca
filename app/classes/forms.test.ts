import { describe, expect, it } from "vitest";
import { parseForm } from "~/utils/forms";
import { ClassFormSchema, SessionFormSchema } from "./forms";

const valid = {
  courseId: "3",
  hostUnitId: "4",
  venue: "  社区党群服务中心 ",
  capacity: "30",
  enrolOpensAt: "2026-02-01T09:00",
  enrolClosesAt: "2026-03-01T17:00",
  withdrawDeadline: "2026-03-05T17:00",
  startsAt: "2026-03-10T09:00",
  endsAt: "2026-03-12T17:00",
  status: "published",
  creditYear: "2026",
};

function form(fields: Record<string, string>) {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.append(k, v);
  return data;
}

function errorsOf(fields: Record<string, string>) {
  const result = parseForm(form(fields), ClassFormSchema);
  return result.ok ? {} : result.fieldErrors;
}

describe("the class form", () => {
  it("turns Shanghai wall-clock values into instants", () => {
    const result = parseForm(form({ ...valid, needsApproval: "on" }), ClassFormSchema);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.data.startsAt.toISOString()).toBe("2026-03-10T01:00:00.000Z");
    expect(result.data.venue).toBe("社区党群服务中心");
    expect(result.data.needsApproval).toBe(true);
    expect(result.data.code).toBeUndefined();
    expect(result.data.trainerId).toBeUndefined();
  });

  it("checks the order of the dates, each rule on its later field", () => {
    expect(errorsOf({ ...valid, enrolClosesAt: "2026-02-01T09:00" })).toEqual({ enrolClosesAt: "classes.errors.closesBeforeOpens" });
    expect(errorsOf({ ...valid, enrolClosesAt: "2026-03-10T09:01" })).toEqual({ enrolClosesAt: "classes.errors.closesAfterStart" });
    // Closing exactly at the start is allowed (≤), as is a withdrawal deadline at the start.
    expect(errorsOf({ ...valid, enrolClosesAt: "2026-03-10T09:00", withdrawDeadline: "2026-03-10T09:00" })).toEqual({});
    expect(errorsOf({ ...valid, withdrawDeadline: "2026-03-10T09:01" })).toEqual({ withdrawDeadline: "classes.errors.deadlineAfterStart" });
    expect(errorsOf({ ...valid, endsAt: "2026-03-10T09:00" })).toEqual({ endsAt: "classes.errors.endsBeforeStart" });
  });

  it("reports every mistake of one submission at once", () => {
    expect(errorsOf({ ...valid, capacity: "0", endsAt: "2026-03-09T09:00", code: "bad code", startsAt: valid.startsAt })).toEqual({
      capacity: 'classes.errors.capacityRange|{"min":1,"max":500}',
      endsAt: "classes.errors.endsBeforeStart",
      code: "classes.errors.code",
    });
    expect(errorsOf({ ...valid, capacity: "501", enrolOpensAt: "2026-02-30T09:00", withdrawDeadline: "" })).toEqual({
      capacity: 'classes.errors.capacityRange|{"min":1,"max":500}',
      enrolOpensAt: "classes.errors.dateTime",
      withdrawDeadline: "errors.required",
    });
  });

  it("allows only draft, published and cancelled", () => {
    expect(errorsOf({ ...valid, status: "closed" })).toEqual({ status: "errors.invalidChoice" });
  });
});

describe("the session form", () => {
  it("needs an end after the start", () => {
    const ok = parseForm(form({ date: "2026-03-10", startTime: "09:00", endTime: "12:00" }), SessionFormSchema);
    expect(ok.ok).toBe(true);
    const bad = parseForm(form({ date: "2026-03-10", startTime: "12:00", endTime: "09:00" }), SessionFormSchema);
    expect(bad.ok ? {} : bad.fieldErrors).toEqual({ endTime: "classes.errors.sessionEndBeforeStart" });
    const malformed = parseForm(form({ date: "2026-02-30", startTime: "25:00", endTime: "" }), SessionFormSchema);
    expect(malformed.ok ? {} : malformed.fieldErrors).toEqual({
      date: "classes.errors.date",
      startTime: "classes.errors.time",
      endTime: "errors.required",
    });
  });
});
