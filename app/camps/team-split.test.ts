import { describe, expect, it } from "vitest";
import { experienceBand, sameAreaPairs, splitIntoTeams, teamSizes, type SplitPerson } from "./team-split";

const AS_OF = new Date("2026-03-10T00:00:00Z");

// 24 people: 2 streets × 4 areas (areas 11–14 on street 1, 21–24 on street 2) of 3 each;
// post types and hiring years spread unevenly on purpose.
function fixedPeople(): SplitPerson[] {
  const people: SplitPerson[] = [];
  let id = 100;
  for (const [streetId, areas] of [
    [1, [11, 12, 13, 14]],
    [2, [21, 22, 23, 24]],
  ] as const) {
    for (const areaId of areas) {
      for (let k = 0; k < 3; k++) {
        id += 7;
        people.push({
          id,
          areaId,
          streetId,
          postTypeCode: k === 0 ? "head" : k === 1 ? "supervisor" : "staff",
          hiredOn: new Date(Date.UTC(2024 - ((id * 3) % 17), 2, 1)),
        });
      }
    }
  }
  return people;
}

function byId(people: SplitPerson[]) {
  return new Map(people.map((p) => [p.id, p]));
}

function spread(teams: number[][], of: (id: number) => string | number) {
  // For each value, the per-team counts' max − min.
  const values = new Set(teams.flat().map(of));
  return Math.max(
    ...[...values].map((value) => {
      const perTeam = teams.map((team) => team.filter((id) => of(id) === value).length);
      return Math.max(...perTeam) - Math.min(...perTeam);
    }),
  );
}

describe("team sizes", () => {
  it("differ by at most one and add up", () => {
    expect(teamSizes(24, 4)).toEqual([6, 6, 6, 6]);
    expect(teamSizes(23, 4)).toEqual([6, 6, 6, 5]);
    expect(teamSizes(3, 5)).toEqual([1, 1, 1, 0, 0]);
  });
});

describe("experience bands", () => {
  it("counts whole years since hiring", () => {
    expect(experienceBand("2023-03-10T00:00:00Z", AS_OF)).toBe(1);
    expect(experienceBand("2023-03-11T00:00:00Z", AS_OF)).toBe(0);
    expect(experienceBand("2016-03-10T00:00:00Z", AS_OF)).toBe(2);
  });
});

describe("splitIntoTeams", () => {
  it("balances sizes, keeps areas apart and spreads streets, posts and experience", () => {
    const people = fixedPeople();
    const p = byId(people);
    const teams = splitIntoTeams(people, 4, AS_OF);
    expect(teams.map((t) => t.length)).toEqual([6, 6, 6, 6]);
    expect(teams.flat().sort((a, b) => a - b)).toEqual(people.map((x) => x.id));
    // Each area has 3 people and there are 4 teams: no two may share a team.
    expect(sameAreaPairs(teams, (id) => p.get(id)!.areaId)).toBe(0);
    expect(spread(teams, (id) => p.get(id)!.streetId)).toBe(0);
    expect(spread(teams, (id) => p.get(id)!.postTypeCode)).toBeLessThanOrEqual(1);
    expect(spread(teams, (id) => experienceBand(p.get(id)!.hiredOn, AS_OF))).toBeLessThanOrEqual(1);
  });

  it("gives the same teams whatever the input order", () => {
    const people = fixedPeople();
    const first = splitIntoTeams(people, 4, AS_OF);
    expect(splitIntoTeams([...people].reverse(), 4, AS_OF)).toEqual(first);
    const shuffled = people.map((x, i) => ({ x, k: (i * 11) % people.length })).sort((a, b) => a.k - b.k).map((e) => e.x);
    expect(splitIntoTeams(shuffled, 4, AS_OF)).toEqual(first);
  });

  it("with an uneven count, sizes still differ by at most one", () => {
    const people = fixedPeople().slice(0, 23);
    const teams = splitIntoTeams(people, 5, AS_OF);
    const sizes = teams.map((t) => t.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(23);
    expect(sameAreaPairs(teams, (id) => byId(people).get(id)!.areaId)).toBe(0);
  });

  it("puts people of one area together only as often as unavoidable", () => {
    // 7 people from area 1 and 5 from elsewhere in 3 teams of 4: area 1 needs at least
    // 7 − 3 = 4 extra places, i.e. teams of 3+2+2 → 3 + 1 + 1 = 5 pairs at best.
    const people: SplitPerson[] = [];
    for (let i = 1; i <= 12; i++) {
      people.push({ id: i, areaId: i <= 7 ? 1 : 100 + i, streetId: 1, postTypeCode: "staff", hiredOn: "2020-01-01T00:00:00Z" });
    }
    const teams = splitIntoTeams(people, 3, AS_OF);
    expect(teams.map((t) => t.length)).toEqual([4, 4, 4]);
    expect(sameAreaPairs(teams, (id) => (id <= 7 ? 1 : 100 + id))).toBe(5);
  });

  it("refuses a team count below one", () => {
    expect(() => splitIntoTeams(fixedPeople(), 0, AS_OF)).toThrow(RangeError);
  });
});
