// The class module's refusals: a message key, its parameters and, when one form field is at
// fault, that field's name (so the page can mark it). Client-safe.
import type { MessageKey } from "~/i18n/i18n";

export const CLASS_ERRORS = {
  notFound: "classes.errors.notFound",
  notEditable: "classes.errors.notEditable",
  hostUnitOutOfScope: "classes.errors.hostUnitOutOfScope",
  courseNotFound: "classes.errors.courseNotFound",
  courseLocked: "classes.errors.courseLocked",
  trainerInvalid: "classes.errors.trainerInvalid",
  codeTaken: "classes.errors.codeTaken",
  statusInvalid: "classes.errors.statusInvalid",
  capacityBelowTaken: "classes.errors.capacityBelowTaken",
  cancelReasonRequired: "classes.errors.cancelReasonRequired",
  unpublishWithEnrolments: "classes.errors.unpublishWithEnrolments",
  sessionsOutsideClass: "classes.errors.sessionsOutsideClass",
  sessionOutsideClass: "classes.errors.sessionOutsideClass",
  sessionNotFound: "classes.errors.sessionNotFound",
  sessionHasAttendance: "classes.errors.sessionHasAttendance",
  personNotFound: "classes.errors.personNotFound",
  enrolmentNotInClass: "classes.errors.enrolmentNotInClass",
  moveTargetInvalid: "classes.errors.moveTargetInvalid",
  levelInvalid: "classes.errors.levelInvalid",
  waiverNotFound: "classes.errors.waiverNotFound",
} as const satisfies Record<string, MessageKey>;

export type ClassErrorKey = (typeof CLASS_ERRORS)[keyof typeof CLASS_ERRORS];
export type ClassErrorParams = Record<string, string | number>;

export class ClassError extends Error {
  readonly code: ClassErrorKey;
  readonly params: ClassErrorParams;
  /** The form field at fault, if one is. */
  readonly field?: string;
  constructor(code: ClassErrorKey, params: ClassErrorParams = {}, field?: string) {
    super(`${code} ${JSON.stringify(params)}`);
    this.name = "ClassError";
    this.code = code;
    this.params = params;
    this.field = field;
  }
}

export function isClassError(error: unknown): error is ClassError {
  return error instanceof ClassError;
}
