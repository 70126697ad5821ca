// Whose documents an HR officer may produce: people whose unit is in their subtree
// (administrators: everyone). Outside it the person does not exist (404), as on the career page,
// so employee numbers of other streets cannot be probed.
import { canAccessUnit, type SessionUser } from "~/auth/guards.server";
import { db } from "~/utils/db.server";
import { notFound } from "~/utils/http.server";

export type ScopedPerson = { id: number; name: string; employeeNo: string };

export async function requirePersonInScope(user: SessionUser, employeeNo: string | undefined): Promise<ScopedPerson> {
  const person = employeeNo
    ? await db.person.findUnique({ where: { employeeNo }, select: { id: true, name: true, employeeNo: true, unit: { select: { path: true } } } })
    : null;
  if (!person || !canAccessUnit(user, person.unit)) notFound();
  return { id: person.id, name: person.name, employeeNo: person.employeeNo };
}
