// Enrolment's refusals, as message keys with parameters (client-safe: the pages import the
// types to render them). Dates in params are ISO strings and names come as xZh/xEn pairs:
// run params through localizeParams (app/notifications/payload.ts) and format dates before
// translating.

export const ENROLMENT_ERRORS = {
  offeringNotFound: "enrolment.errors.offeringNotFound",
  offeringNotPublished: "enrolment.errors.offeringNotPublished",
  offeringCancelled: "enrolment.errors.offeringCancelled",
  offeringClosed: "enrolment.errors.offeringClosed",
  notOpenYet: "enrolment.errors.notOpenYet",
  windowClosed: "enrolment.errors.windowClosed",
  notEligible: "enrolment.errors.notEligible",
  declined: "enrolment.errors.declined",
  alreadyFinished: "enrolment.errors.alreadyFinished",
  personNotFound: "enrolment.errors.personNotFound",
  personInactive: "enrolment.errors.personInactive",
  levelNotFound: "enrolment.errors.levelNotFound",
  waiverNotFound: "enrolment.errors.waiverNotFound",
  enrolmentNotFound: "enrolment.errors.enrolmentNotFound",
  forbidden: "enrolment.errors.forbidden",
  reasonRequired: "enrolment.errors.reasonRequired",
  notPending: "enrolment.errors.notPending",
  withdrawDeadlinePassed: "enrolment.errors.withdrawDeadlinePassed",
  notWithdrawable: "enrolment.errors.notWithdrawable",
  full: "enrolment.errors.full",
  differentCourse: "enrolment.errors.differentCourse",
  sameOffering: "enrolment.errors.sameOffering",
  notMovable: "enrolment.errors.notMovable",
  alreadyInOffering: "enrolment.errors.alreadyInOffering",
  offeringNotEnded: "enrolment.errors.offeringNotEnded",
  courseHasNoCompetencies: "enrolment.errors.courseHasNoCompetencies",
  busy: "enrolment.errors.busy",
} as const;

export type EnrolmentErrorKey = (typeof ENROLMENT_ERRORS)[keyof typeof ENROLMENT_ERRORS];

export type MessageParams = Record<string, string | number>;

/** One unmet entry requirement; `params` carries ids, codes and both languages' names. */
export type MissingRequirement =
  | {
      key: "enrolment.missing.level";
      /** level / levelZh / levelEn: the level below, whose completion is required. */
      params: { levelId: number; levelCode: string; levelRank: number; levelZh: string; levelEn: string };
    }
  | {
      key: "enrolment.missing.course";
      params: { courseId: number; courseCode: string; courseZh: string; courseEn: string };
    };

/** A refused enrolment action; `code` is a message key, `params` its figures. */
export class EnrolmentError extends Error {
  readonly code: EnrolmentErrorKey;
  readonly params: MessageParams;
  /** Set with enrolment.errors.notEligible: what the learner still lacks. */
  readonly missing: MissingRequirement[];
  constructor(code: EnrolmentErrorKey, params: MessageParams = {}, missing: MissingRequirement[] = []) {
    super(`${code} ${JSON.stringify(params)}`);
    this.name = "EnrolmentError";
    this.code = code;
    this.params = params;
    this.missing = missing;
  }
}

export function isEnrolmentError(error: unknown): error is EnrolmentError {
  return error instanceof EnrolmentError;
}
