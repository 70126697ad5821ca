// The data behind the HR endpoints of /api/v1, always read through the caller's unit scope.
// Lists are keyset-paginated on the row id (stable under inserts: a new row gets a higher id
// and shows up on a later page, never shifts a page already read).
import { subtreeWhere } from "~/auth/guards.server";
import { toPoints } from "~/api/api.server";
import { callerSeesUnit, callerUnitWhere, hrApiError, type ApiCaller } from "~/api/hr-api.server";
import { db } from "~/utils/db.server";

type Page = { after: number; limit: number };

/** The unit with this code, inside the caller's scope; else a thrown 404 or 403. */
export async function requireUnitInScope(request: Request, caller: ApiCaller, code: string) {
  const unit = await db.unit.findUnique({ where: { code }, select: { id: true, code: true, path: true } });
  if (!unit) throw await hrApiError(request, 404, "api.errors.unitNotFound", { code }, { headers: caller.headers });
  if (!callerSeesUnit(caller, unit)) throw await hrApiError(request, 403, "api.errors.outOfScope", undefined, { headers: caller.headers });
  return unit;
}

/** The person with this employee number, inside the caller's scope; else a thrown 404 or 403. */
export async function requirePersonInScope(request: Request, caller: ApiCaller, employeeNo: string) {
  const person = await db.person.findUnique({
    where: { employeeNo },
    select: { id: true, employeeNo: true, name: true, unit: { select: { path: true } } },
  });
  if (!person) throw await hrApiError(request, 404, "api.errors.personNotFound", { employeeNo }, { headers: caller.headers });
  if (!callerSeesUnit(caller, person.unit)) throw await hrApiError(request, 403, "api.errors.outOfScope", undefined, { headers: caller.headers });
  return person;
}

/** The units to read: the chosen unit's subtree (already checked to be in scope), else the scope. */
function unitFilter(caller: ApiCaller, unit: { path: string } | null) {
  return unit ? subtreeWhere(unit.path) : callerUnitWhere(caller);
}

const unitSelect = { code: true, nameZh: true, nameEn: true, kind: true } as const;

export async function listPeople(caller: ApiCaller, options: Page & { unit: { path: string } | null; active?: boolean }) {
  return db.person.findMany({
    where: {
      id: { gt: options.after },
      unit: unitFilter(caller, options.unit),
      ...(options.active === undefined ? {} : { active: options.active }),
    },
    orderBy: { id: "asc" },
    take: options.limit + 1,
    select: {
      id: true,
      employeeNo: true,
      name: true,
      gender: true,
      birthYear: true,
      unit: { select: unitSelect },
      postTypeCode: true,
      grade: true,
      education: true,
      socialWorkCert: true,
      hiredOn: true,
      secretarySince: true,
      active: true,
    },
  });
}

export function personJson({ id: _id, postTypeCode, ...person }: Awaited<ReturnType<typeof listPeople>>[number]) {
  return { ...person, postType: postTypeCode };
}

export async function listLedger(caller: ApiCaller, options: Page & { personId: number | null; year?: number }) {
  const rows = await db.ledgerEntry.findMany({
    where: {
      id: { gt: options.after },
      ...(options.personId ? { personId: options.personId } : { person: { unit: callerUnitWhere(caller) } }),
      ...(options.year === undefined ? {} : { creditYear: options.year }),
    },
    orderBy: { id: "asc" },
    take: options.limit + 1,
    select: {
      id: true,
      creditYear: true,
      amount: true,
      category: true,
      sourceType: true,
      reversesEntryId: true,
      offeringId: true,
      campId: true,
      adjustmentId: true,
      note: true,
      createdAt: true,
      person: { select: { employeeNo: true } },
      competencies: { orderBy: { competencyId: "asc" }, select: { amount: true, competency: { select: { code: true } } } },
    },
  });
  return rows.map(({ person, amount, competencies, ...entry }) => ({
    ...entry,
    employeeNo: person.employeeNo,
    points: toPoints(amount),
    competencies: competencies.map((c) => ({ code: c.competency.code, points: toPoints(c.amount) })),
  }));
}

export async function listAppraisals(caller: ApiCaller, options: Page & { unit: { path: string } | null; year?: number }) {
  const rows = await db.appraisal.findMany({
    where: {
      id: { gt: options.after },
      person: { unit: unitFilter(caller, options.unit) },
      ...(options.year === undefined ? {} : { year: options.year }),
    },
    orderBy: { id: "asc" },
    take: options.limit + 1,
    select: {
      id: true,
      year: true,
      rating: true,
      note: true,
      updatedAt: true,
      person: { select: { employeeNo: true, name: true, unit: { select: { code: true } } } },
    },
  });
  return rows.map(({ person, ...appraisal }) => ({
    ...appraisal,
    employeeNo: person.employeeNo,
    name: person.name,
    unitCode: person.unit.code,
  }));
}
