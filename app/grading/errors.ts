// Grading's refusals, as message keys with parameters (client-safe: the pages render them).
export const GRADING_ERRORS = {
  projectNotFound: "grading.errors.projectNotFound",
  notStaff: "grading.errors.notStaff",
  notLead: "grading.errors.notLead",
  noRubric: "grading.errors.noRubric",
  foreignCriterion: "grading.errors.foreignCriterion",
  foreignLevel: "grading.errors.foreignLevel",
  incomplete: "grading.errors.incomplete",
  alreadySubmitted: "grading.errors.alreadySubmitted",
  released: "grading.errors.released",
  alreadyReleased: "grading.errors.alreadyReleased",
  notReleased: "grading.errors.notReleased",
  notEnoughMarks: "grading.errors.notEnoughMarks",
  needsModeration: "grading.errors.needsModeration",
  reasonRequired: "grading.errors.reasonRequired",
  totalOutOfRange: "grading.errors.totalOutOfRange",
  notMember: "grading.errors.notMember",
  rubricLocked: "grading.errors.rubricLocked",
  templateNotFound: "grading.errors.templateNotFound",
  unknownCompetency: "grading.errors.unknownCompetency",
} as const;

export type GradingErrorKey = (typeof GRADING_ERRORS)[keyof typeof GRADING_ERRORS];
export type MessageParams = Record<string, string | number>;

export class GradingError extends Error {
  readonly code: GradingErrorKey;
  readonly params: MessageParams;
  constructor(code: GradingErrorKey, params: MessageParams = {}) {
    super(`${code} ${JSON.stringify(params)}`);
    this.name = "GradingError";
    this.code = code;
    this.params = params;
  }
}

export function isGradingError(error: unknown): error is GradingError {
  return error instanceof GradingError;
}
