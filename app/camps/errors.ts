// The camp's refusals, as message keys with parameters (client-safe: the pages render them).

export const CAMP_ERRORS = {
  campNotFound: "camps.errors.campNotFound",
  campClosed: "camps.errors.campClosed",
  campNotClosed: "camps.errors.campNotClosed",
  statusReasonRequired: "camps.errors.statusReasonRequired",
  markingStarted: "camps.errors.markingStarted",
  marksReleased: "camps.errors.marksReleased",
  staffNotTrainer: "camps.errors.staffNotTrainer",
  alreadyStaff: "camps.errors.alreadyStaff",
  notStaff: "camps.errors.notStaff",
  staffInUse: "camps.errors.staffInUse",
  teamNotFound: "camps.errors.teamNotFound",
  teamNameTaken: "camps.errors.teamNameTaken",
  teamsHaveProjects: "camps.errors.teamsHaveProjects",
  noParticipants: "camps.errors.noParticipants",
  tooManyTeams: "camps.errors.tooManyTeams",
  notParticipant: "camps.errors.notParticipant",
  alreadyInTeam: "camps.errors.alreadyInTeam",
  reasonRequired: "camps.errors.reasonRequired",
  mentorNotStaff: "camps.errors.mentorNotStaff",
  notTeamMember: "camps.errors.notTeamMember",
  briefNotFound: "camps.errors.briefNotFound",
  notAllowed: "camps.errors.notAllowed",
  fileTooLarge: "camps.errors.fileTooLarge",
  fileType: "camps.errors.fileType",
  tooManyFiles: "camps.errors.tooManyFiles",
  emptyFile: "camps.errors.emptyFile",
  busy: "camps.errors.busy",
} as const;

export type CampErrorKey = (typeof CAMP_ERRORS)[keyof typeof CAMP_ERRORS];
export type CampMessageParams = Record<string, string | number>;

/** A refused camp action; `code` is a message key, `params` its figures. */
export class CampError extends Error {
  readonly code: CampErrorKey;
  readonly params: CampMessageParams;
  constructor(code: CampErrorKey, params: CampMessageParams = {}) {
    super(`${code} ${JSON.stringify(params)}`);
    this.name = "CampError";
    this.code = code;
    this.params = params;
  }
}

export function isCampError(error: unknown): error is CampError {
  return error instanceof CampError;
}
