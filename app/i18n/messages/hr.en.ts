import type { hrZh } from "./hr.zh-CN";

export const hrEn: Record<keyof typeof hrZh, string> = {
  "approvals.title": "Enrolment approvals",
  "approvals.intro": "These learners asked to join classes that need their street's approval. Approved learners take a seat, or join the waiting list when the class is full.",
  "approvals.none": "No enrolments are waiting for approval.",
  "approvals.requestedAt": "Requested {date}",
  "approvals.seats": "Seats {taken} / {capacity}",
  "approvals.approve": "Approve",
  "approvals.decline": "Decline",
  "approvals.reason": "Reason",
  "approvals.reasonHint": "Required when declining; the learner sees it",
  "approvals.approved": "Approved: {name} ({state})",
  "approvals.declined": "Declined: {name}",
  "nav.approvals": "Approvals",
  "hrTools.title": "Tools",
  "hrTools.classes": "Classes and courses",
  "hrTools.credits": "Credits",
  "hrTools.career": "Appraisal and promotion",
  "hrTools.records": "People and records",
  "hrTools.eligibility": "Honours, establishment and recruitment",
};
