import { describe, expect, it } from "vitest";
import { isMessageKey } from "~/i18n/i18n";
import {
  catalogueQueryParams,
  COURSE_MODES,
  filtersClasses,
  parseCatalogueQuery,
  seatsLeft,
  shanghaiMonthOf,
  shanghaiMonthRange,
  upcomingMonths,
} from "./filters.server";

describe("Shanghai months", () => {
  it("gives a month's bounds in UTC, eight hours before local midnight", () => {
    expect(shanghaiMonthRange("2026-04")).toEqual({
      start: new Date("2026-03-31T16:00:00Z"),
      end: new Date("2026-04-30T16:00:00Z"),
    });
    expect(shanghaiMonthRange("2026-12")).toEqual({
      start: new Date("2026-11-30T16:00:00Z"),
      end: new Date("2026-12-31T16:00:00Z"),
    });
    expect(shanghaiMonthRange("2026-13")).toBeNull();
    expect(shanghaiMonthRange("2026-4")).toBeNull();
  });

  it("puts an instant in the Shanghai month, not the UTC one", () => {
    expect(shanghaiMonthOf(new Date("2026-03-31T17:00:00Z"))).toBe("2026-04");
    expect(shanghaiMonthOf(new Date("2026-03-31T15:59:59Z"))).toBe("2026-03");
    expect(shanghaiMonthOf(new Date("2026-12-31T16:00:00Z"))).toBe("2027-01");
    const range = shanghaiMonthRange("2026-04")!;
    expect(shanghaiMonthOf(range.start)).toBe("2026-04");
    expect(shanghaiMonthOf(new Date(range.end.getTime() - 1))).toBe("2026-04");
    expect(shanghaiMonthOf(range.end)).toBe("2026-05");
  });

  it("lists this Shanghai month and the following ones across a year end", () => {
    expect(upcomingMonths(new Date("2026-11-30T16:30:00Z"), 3)).toEqual(["2026-12", "2027-01", "2027-02"]);
    expect(upcomingMonths(new Date("2026-01-10T00:00:00Z"))).toHaveLength(12);
  });
});

describe("the catalogue query", () => {
  it("reads every filter from the URL", () => {
    const filters = parseCatalogueQuery(
      new URLSearchParams("q=+调解+&competency=3&level=2&mode=online&street=7&venue=学校&month=2026-04&seats=1&page=2"),
    );
    expect(filters).toEqual({
      q: "调解",
      competencyId: 3,
      levelId: 2,
      mode: "online",
      streetId: 7,
      venue: "学校",
      month: "2026-04",
      seatsLeft: true,
      page: 2,
    });
    expect(catalogueQueryParams(filters)).toEqual({
      q: "调解",
      competency: "3",
      level: "2",
      mode: "online",
      street: "7",
      venue: "学校",
      month: "2026-04",
      seats: "1",
    });
  });

  it("drops empty and malformed values instead of failing", () => {
    const filters = parseCatalogueQuery(
      new URLSearchParams("q=&competency=&level=abc&mode=boat&street=-1&month=2026-13&seats=yes&page=0&extra=1"),
    );
    expect(filters).toEqual({
      q: undefined,
      competencyId: undefined,
      levelId: undefined,
      mode: undefined,
      streetId: undefined,
      venue: undefined,
      month: undefined,
      seatsLeft: false,
      page: undefined,
    });
    expect(parseCatalogueQuery(new URLSearchParams(`q=${"x".repeat(101)}`)).q).toBeUndefined();
    expect(filtersClasses(filters)).toBe(false);
    expect(filtersClasses({ month: "2026-04" })).toBe(true);
  });

  it("never counts negative seats", () => {
    expect(seatsLeft({ capacity: 20, seatsTaken: 5 })).toBe(15);
    expect(seatsLeft({ capacity: 20, seatsTaken: 20 })).toBe(0);
    expect(seatsLeft({ capacity: 10, seatsTaken: 12 })).toBe(0);
  });
});

describe("dictionary keys the catalogue pages build at run time", () => {
  it("exist in the dictionaries", () => {
    const statuses = ["pending_approval", "enrolled", "waitlisted", "withdrawn", "declined", "completed", "not_completed"];
    const keys = [
      ...COURSE_MODES.map((m) => `catalogue.modes.${m}`),
      ...["not_open", "open", "closed"].map((w) => `class.window.${w}`),
      ...statuses.map((s) => `class.state.${s}`),
      ...["enrolled", "waitlisted", "pending_approval"].flatMap((s) => [`class.withdraw.${s}`, `class.notice.${s}`]),
    ];
    for (const key of keys) expect(isMessageKey(key), key).toBe(true);
  });
});
