// The HR desk's tools, grouped by what the officer is doing. One list, used by the HR home
// page; each entry says which roles see it (the routes check again on the server).
import type { Role } from "~/auth/roles";
import type { MessageKey } from "~/i18n/zh-CN";

export type Tool = { to: string; label: MessageKey; roles: Role[] };
export type ToolGroup = { title: MessageKey; tools: Tool[] };

const HR_AND_ADMIN: Role[] = ["hr", "admin"];

export const HR_TOOLS: ToolGroup[] = [
  {
    title: "hrTools.classes",
    tools: [
      { to: "/hr/approvals", label: "nav.approvals", roles: HR_AND_ADMIN },
      { to: "/hr/classes", label: "nav.classes", roles: HR_AND_ADMIN },
      { to: "/hr/waivers", label: "nav.waivers", roles: HR_AND_ADMIN },
      { to: "/manage", label: "nav.manage", roles: HR_AND_ADMIN },
    ],
  },
  {
    title: "hrTools.credits",
    tools: [
      { to: "/hr/adjustments", label: "creditsAdmin.adjustments.title", roles: HR_AND_ADMIN },
      { to: "/hr/policy", label: "creditsAdmin.policy.title", roles: HR_AND_ADMIN },
      { to: "/hr/years", label: "creditsAdmin.years.title", roles: HR_AND_ADMIN },
    ],
  },
  {
    title: "hrTools.career",
    tools: [
      { to: "/hr/appraisals", label: "career.nav.appraisals", roles: HR_AND_ADMIN },
      { to: "/hr/promotions", label: "career.nav.promotions", roles: HR_AND_ADMIN },
      { to: "/hr/eligibility", label: "hrTools.eligibility", roles: HR_AND_ADMIN },
      { to: "/admin/ladder", label: "career.nav.ladder", roles: ["admin"] },
    ],
  },
  {
    title: "hrTools.records",
    tools: [
      { to: "/hr/people", label: "nav.people", roles: HR_AND_ADMIN },
      { to: "/hr/reports", label: "reports.title", roles: HR_AND_ADMIN },
      { to: "/hr/imports", label: "imports.title", roles: HR_AND_ADMIN },
      { to: "/hr/audit", label: "nav.audit", roles: HR_AND_ADMIN },
      { to: "/hr/transcripts", label: "documents.zip.nav", roles: HR_AND_ADMIN },
    ],
  },
];

export function toolsFor(role: Role): ToolGroup[] {
  return HR_TOOLS.map((group) => ({ ...group, tools: group.tools.filter((tool) => tool.roles.includes(role)) })).filter(
    (group) => group.tools.length > 0,
  );
}
