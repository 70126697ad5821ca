// The source dictionary: every user-facing string of the app, in Simplified Chinese (the
// default language), gathered from one file per area under messages/ so that people working
// on different areas don't edit the same file. en.ts must have exactly the same keys (the
// type checker enforces it). Parameters are written {name}.
import { coreZh } from "./messages/core.zh-CN";
import { creditsZh } from "./messages/credits.zh-CN";
import { catalogueZh } from "./messages/catalogue.zh-CN";
import { enrolmentZh } from "./messages/enrolment.zh-CN";
import { attendanceZh } from "./messages/attendance.zh-CN";
import { learningZh } from "./messages/learning.zh-CN";
import { hrZh } from "./messages/hr.zh-CN";
import { auditZh } from "./messages/audit.zh-CN";
import { classesZh } from "./messages/classes.zh-CN";
import { manageZh } from "./messages/manage.zh-CN";
import { campsZh } from "./messages/camps.zh-CN";
import { eligibilityZh } from "./messages/eligibility.zh-CN";
import { importsZh } from "./messages/imports.zh-CN";
import { careerZh } from "./messages/career.zh-CN";
import { gradingZh } from "./messages/grading.zh-CN";
import { creditsAdminZh } from "./messages/credits-admin.zh-CN";
import { apiZh } from "./messages/api.zh-CN";
import { documentsZh } from "./messages/documents.zh-CN";
import { reportsZh } from "./messages/reports.zh-CN";
import { campSetupZh } from "./messages/camp-setup.zh-CN";
import { reportBuilderZh } from "./messages/report-builder.zh-CN";

export const zhCN = { ...coreZh, ...creditsZh, ...catalogueZh, ...enrolmentZh, ...attendanceZh, ...learningZh, ...hrZh, ...auditZh, ...classesZh, ...manageZh, ...careerZh, ...gradingZh, ...creditsAdminZh, ...campsZh, ...eligibilityZh, ...importsZh, ...apiZh, ...documentsZh, ...reportsZh, ...campSetupZh, ...reportBuilderZh } as const;

export type MessageKey = keyof typeof zhCN;
