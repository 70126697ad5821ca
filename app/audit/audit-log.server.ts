// Reading the audit log: HR and administrators filter by person, actor, kind and date and see
// before, after and reason. Administrators see everything. HR sees events about people in its
// unit subtree; events about no one in particular (catalogue, policies, accounts) only when its
// scope is a whole district (a root unit), which sees the whole log.
import { z } from "zod";
import { subtreeWhere, type SessionUser } from "~/auth/guards.server";
import { db } from "~/utils/db.server";

export const AUDIT_PAGE_SIZE = 50;
/** Exports are bounded: a year of a district's changes fits; more is a sign of a wrong filter. */
export const AUDIT_EXPORT_MAX = 50_000;

const optionalText = z.string().trim().max(100).optional().transform((v) => v || undefined).catch(undefined);
const optionalDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .optional()
  .catch(undefined);

export const AuditQuerySchema = z.object({
  person: optionalText, // employee number or name
  actor: optionalText, // account name
  action: optionalText, // e.g. "user.role_changed" or a prefix "user."
  from: optionalDate,
  to: optionalDate,
  page: z.coerce.number().int().min(1).max(100_000).optional().catch(undefined),
});
export type AuditQuery = z.infer<typeof AuditQuerySchema>;

/** Shanghai calendar days (UTC+8 all year) as UTC instants. */
function shanghaiDayStart(day: string): Date {
  return new Date(`${day}T00:00:00+08:00`);
}

async function scopeWhere(viewer: SessionUser) {
  if (viewer.role === "admin") return {};
  if (viewer.role !== "hr" || !viewer.scopeUnitId || !viewer.scopeUnitPath) return { id: -1 };
  const scope = await db.unit.findUnique({ where: { id: viewer.scopeUnitId }, select: { parentId: true } });
  // A whole district's HR sees its district's whole log (one district per install).
  if (scope?.parentId === null) return {};
  return { personId: { in: await peopleIdsIn(viewer.scopeUnitPath) } };
}

async function peopleIdsIn(path: string): Promise<number[]> {
  const rows = await db.person.findMany({ where: { unit: subtreeWhere(path) }, select: { id: true } });
  return rows.map((r) => r.id);
}

async function filterWhere(viewer: SessionUser, query: AuditQuery) {
  const and: object[] = [await scopeWhere(viewer)];
  if (query.person) {
    const people = await db.person.findMany({
      where: { OR: [{ employeeNo: query.person.toUpperCase() }, { name: { contains: query.person } }] },
      select: { id: true },
      take: 500,
    });
    and.push({ personId: { in: people.map((p) => p.id) } });
  }
  if (query.actor) and.push({ actor: { username: query.actor.toLowerCase() } });
  if (query.action) and.push({ action: query.action.endsWith(".") ? { startsWith: query.action } : query.action });
  if (query.from) and.push({ createdAt: { gte: shanghaiDayStart(query.from) } });
  if (query.to) and.push({ createdAt: { lt: new Date(shanghaiDayStart(query.to).getTime() + 86_400_000) } });
  return { AND: and };
}

const eventSelect = {
  id: true,
  createdAt: true,
  action: true,
  entityType: true,
  entityId: true,
  personId: true,
  before: true,
  after: true,
  reason: true,
  requestId: true,
  actor: { select: { username: true, displayName: true } },
} as const;

export async function searchAuditLog(viewer: SessionUser, query: AuditQuery) {
  const where = await filterWhere(viewer, query);
  const page = query.page ?? 1;
  const [total, events, actions] = await Promise.all([
    db.auditEvent.count({ where }),
    db.auditEvent.findMany({
      where,
      orderBy: { id: "desc" },
      skip: (page - 1) * AUDIT_PAGE_SIZE,
      take: AUDIT_PAGE_SIZE,
      select: eventSelect,
    }),
    db.auditEvent.groupBy({ by: ["action"], orderBy: { action: "asc" } }),
  ]);
  const people = await namesOf(events.map((e) => e.personId));
  return {
    total,
    page,
    pages: Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE)),
    actions: actions.map((a) => a.action),
    events: events.map((e) => ({ ...e, person: e.personId ? (people.get(e.personId) ?? null) : null })),
  };
}

export async function exportAuditLog(viewer: SessionUser, query: AuditQuery) {
  const where = await filterWhere(viewer, query);
  const events = await db.auditEvent.findMany({ where, orderBy: { id: "asc" }, take: AUDIT_EXPORT_MAX, select: eventSelect });
  const people = await namesOf(events.map((e) => e.personId));
  return events.map((e) => ({ ...e, person: e.personId ? (people.get(e.personId) ?? null) : null }));
}

async function namesOf(ids: (number | null)[]) {
  const unique = [...new Set(ids.filter((id): id is number => id !== null))];
  if (unique.length === 0) return new Map<number, { name: string; employeeNo: string }>();
  const rows = await db.person.findMany({ where: { id: { in: unique } }, select: { id: true, name: true, employeeNo: true } });
  return new Map(rows.map((r) => [r.id, { name: r.name, employeeNo: r.employeeNo }]));
}

/** Field-by-field differences of two JSON snapshots, for a readable "what changed". */
export function diffSnapshots(before: string | null, after: string | null): { field: string; before: string; after: string }[] {
  const parse = (text: string | null): Record<string, unknown> => {
    if (!text) return {};
    try {
      const value = JSON.parse(text);
      return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
    } catch {
      return { value: text };
    }
  };
  const a = parse(before);
  const b = parse(after);
  const show = (v: unknown) => (v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v));
  return [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .filter((field) => JSON.stringify(a[field]) !== JSON.stringify(b[field]))
    .map((field) => ({ field, before: show(a[field]), after: show(b[field]) }));
}
