// Splitting a camp's participants into teams (pure, deterministic; client-safe).
//
// What a good split looks like, in order of importance:
// 1. team sizes differ by at most one (fixed by construction: sizes are decided first and
//    only swaps are made afterwards);
// 2. no two people from the same residential area in one team, where avoidable — colleagues
//    from one area would fall back on their own way of working instead of learning from
//    others;
// 3. streets, post types and experience (years since hiredOn) spread evenly over the teams.
// A greedy placement (hardest-to-place people first) followed by pairwise swaps that lower
// the cost gets there. Same input, same teams: people are ordered by id before anything.

export type SplitPerson = {
  id: number;
  areaId: number;
  streetId: number;
  postTypeCode: string;
  hiredOn: Date | string;
};

/** Experience bands in whole years since hiredOn: under 3, 3 to 9, 10 and more. */
export function experienceBand(hiredOn: Date | string, asOf: Date): number {
  const years = yearsBetween(new Date(hiredOn), asOf);
  if (years < 3) return 0;
  if (years < 10) return 1;
  return 2;
}

function yearsBetween(from: Date, to: Date): number {
  let years = to.getUTCFullYear() - from.getUTCFullYear();
  const beforeAnniversary =
    to.getUTCMonth() < from.getUTCMonth() || (to.getUTCMonth() === from.getUTCMonth() && to.getUTCDate() < from.getUTCDate());
  if (beforeAnniversary) years -= 1;
  return years;
}

/** Sizes of `teamCount` teams for `people` people, larger teams first (differ by ≤ 1). */
export function teamSizes(people: number, teamCount: number): number[] {
  const base = Math.floor(people / teamCount);
  const extra = people % teamCount;
  return Array.from({ length: teamCount }, (_, i) => base + (i < extra ? 1 : 0));
}

type Keyed = { id: number; keys: string[] };

// Weights: one shared area costs more than any number of street, post or experience
// clashes could in a team of realistic size.
const AREA_WEIGHT = 10_000;
const STREET_WEIGHT = 10;
const POST_WEIGHT = 4;
const EXPERIENCE_WEIGHT = 3;

function keysOf(person: SplitPerson, asOf: Date): string[] {
  return [`a${person.areaId}`, `s${person.streetId}`, `p${person.postTypeCode}`, `e${experienceBand(person.hiredOn, asOf)}`];
}

function weightOf(key: string): number {
  switch (key[0]) {
    case "a":
      return AREA_WEIGHT;
    case "s":
      return STREET_WEIGHT;
    case "p":
      return POST_WEIGHT;
    default:
      return EXPERIENCE_WEIGHT;
  }
}

/** Cost of a team: for each shared attribute, the number of pairs sharing it, weighted. */
function teamCost(counts: Map<string, number>): number {
  let cost = 0;
  for (const [key, n] of counts) cost += (weightOf(key) * n * (n - 1)) / 2;
  return cost;
}

function countKeys(members: Keyed[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of members) for (const k of m.keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  return counts;
}

/** What adding `person` to a team with these counts costs. */
function addCost(counts: Map<string, number>, person: Keyed): number {
  let cost = 0;
  for (const k of person.keys) cost += weightOf(k) * (counts.get(k) ?? 0);
  return cost;
}

/**
 * Splits people into `teamCount` teams; returns each team's person ids (ascending). Throws
 * on a team count below 1; more teams than people gives some empty teams.
 */
export function splitIntoTeams(people: readonly SplitPerson[], teamCount: number, asOf: Date): number[][] {
  if (!Number.isInteger(teamCount) || teamCount < 1) throw new RangeError("teamCount must be a positive integer");
  const sorted = [...people].sort((a, b) => a.id - b.id);
  const keyed: Keyed[] = sorted.map((p) => ({ id: p.id, keys: keysOf(p, asOf) }));
  const sizes = teamSizes(keyed.length, teamCount);

  // Greedy placement and swaps find a good split, not always the best one: a few
  // deterministic variants of the placement order are tried and the cheapest wins.
  let best: Keyed[][] | null = null;
  let bestCost = Infinity;
  for (let variant = 0; variant < VARIANTS; variant++) {
    const teams = greedy(keyed, sizes, variant);
    improveBySwaps(teams);
    const cost = teams.reduce((sum, team) => sum + teamCost(countKeys(team)), 0);
    if (cost < bestCost) {
      bestCost = cost;
      best = teams;
    }
  }
  return best!.map((team) => team.map((m) => m.id).sort((a, b) => a - b));
}

const VARIANTS = 8;

/** A fixed scramble of ids for the placement order of variant `variant` (0 = by id). */
function scramble(id: number, variant: number): number {
  return variant === 0 ? id : (Math.imul(id ^ Math.imul(variant, 0x9e3779b9), 0x85ebca6b) ^ variant) >>> 0;
}

function greedy(keyed: Keyed[], sizes: number[], variant: number): Keyed[][] {
  // People of large areas are the hardest to keep apart: place them first, then big streets.
  const groupSize = countKeys(keyed);
  const order = [...keyed].sort(
    (a, b) =>
      groupSize.get(b.keys[0])! - groupSize.get(a.keys[0])! ||
      groupSize.get(b.keys[1])! - groupSize.get(a.keys[1])! ||
      scramble(a.id, variant) - scramble(b.id, variant) ||
      a.id - b.id,
  );
  const teams: Keyed[][] = sizes.map(() => []);
  const counts: Map<string, number>[] = sizes.map(() => new Map());
  for (const person of order) {
    let best = -1;
    let bestCost = Infinity;
    for (let t = 0; t < teams.length; t++) {
      if (teams[t].length >= sizes[t]) continue;
      // Ties go to the emptier team (relative to its size), then the lower index.
      const cost = addCost(counts[t], person) + teams[t].length / (sizes[t] + 1);
      if (cost < bestCost) {
        bestCost = cost;
        best = t;
      }
    }
    teams[best].push(person);
    for (const k of person.keys) counts[best].set(k, (counts[best].get(k) ?? 0) + 1);
  }
  return teams;
}

/** Swaps pairs between teams while some swap lowers the total cost (first improvement). */
function improveBySwaps(teams: Keyed[][]) {
  const maxRounds = 50;
  for (let round = 0; round < maxRounds; round++) {
    let improved = false;
    for (let a = 0; a < teams.length; a++) {
      for (let b = a + 1; b < teams.length; b++) {
        for (let i = 0; i < teams[a].length; i++) {
          for (let j = 0; j < teams[b].length; j++) {
            const before = teamCost(countKeys(teams[a])) + teamCost(countKeys(teams[b]));
            const x = teams[a][i];
            const y = teams[b][j];
            teams[a][i] = y;
            teams[b][j] = x;
            const after = teamCost(countKeys(teams[a])) + teamCost(countKeys(teams[b]));
            if (after < before) {
              improved = true;
            } else {
              teams[a][i] = x;
              teams[b][j] = y;
            }
          }
        }
      }
    }
    if (!improved) return;
  }
}

/** Pairs of people in one team who share a residential area (what a split should avoid). */
export function sameAreaPairs(teams: readonly (readonly number[])[], areaOf: (id: number) => number): number {
  let pairs = 0;
  for (const team of teams) {
    const byArea = new Map<number, number>();
    for (const id of team) byArea.set(areaOf(id), (byArea.get(areaOf(id)) ?? 0) + 1);
    for (const n of byArea.values()) pairs += (n * (n - 1)) / 2;
  }
  return pairs;
}
