// Roles are a column on the account, plus a unit scope for HR (docs/decisions/005-auth.md).
export const ROLES = ["learner", "trainer", "hr", "admin"] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

const HOME: Record<Role, string> = { learner: "/my", trainer: "/trainer", hr: "/hr", admin: "/admin" };

export function homePathFor(role: Role): string {
  return HOME[role];
}
