import { coreEn } from "./messages/core.en";
import { creditsEn } from "./messages/credits.en";
import { catalogueEn } from "./messages/catalogue.en";
import { enrolmentEn } from "./messages/enrolment.en";
import { attendanceEn } from "./messages/attendance.en";
import { learningEn } from "./messages/learning.en";
import { hrEn } from "./messages/hr.en";
import { auditEn } from "./messages/audit.en";
import { classesEn } from "./messages/classes.en";
import { manageEn } from "./messages/manage.en";
import { campsEn } from "./messages/camps.en";
import { eligibilityEn } from "./messages/eligibility.en";
import { careerEn } from "./messages/career.en";
import { gradingEn } from "./messages/grading.en";
import { creditsAdminEn } from "./messages/credits-admin.en";
import { apiEn } from "./messages/api.en";
import type { MessageKey } from "./zh-CN";

export const en: Record<MessageKey, string> = { ...coreEn, ...creditsEn, ...catalogueEn, ...enrolmentEn, ...attendanceEn, ...learningEn, ...hrEn, ...auditEn, ...classesEn, ...manageEn, ...careerEn, ...gradingEn, ...creditsAdminEn, ...campsEn, ...eligibilityEn, ...apiEn };
