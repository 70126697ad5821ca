// A camp team's feedback as a PDF (one per team): the camp, the team and its members, and for
// each of the team's projects the final mark, every rubric criterion with each marker's level,
// points and comment, the mentors' written feedback, and each member's individual mark and
// result with participation adjustments (memberOutcomes, the same computation as release).
//
// Who reads it: the camp's lead mentor and mentors, any team, released or not (unreleased
// projects say so on the page); a current member of the team, once a project is released, and
// then only the released projects. Markers are numbered, never named. Blind marking holds for
// staff as on the grading screen (canSeeOtherMarks): of an unreleased project a mentor or lead
// has not submitted their own mark of, the page shows no marker's levels, points, comments,
// mean or outcome, only that marking is blind.
import type { SessionUser } from "~/auth/guards.server";
import { campStaffRole, ORGANISER_ROLES } from "~/camps/camps.server";
import { loadCampRubric, memberOutcomes, type MemberOutcome } from "~/grading/grading.server";
import { canSeeOtherMarks, meanRoundHalfUp, ownMarkStatus } from "~/grading/marks";
import { criterionTitle, levelLabel } from "~/grading/rubric-text";
import { translator, type Locale } from "~/i18n/i18n";
import { db } from "~/utils/db.server";
import { forbidden, notFound } from "~/utils/http.server";
import { pdfStream, type PdfDocument, type PdfWriter } from "./document.server";

export type FeedbackView = "staff" | "member";

/**
 * The reader's view of the team, or a thrown 404/403: unknown team 404; a judge 403 (staff who
 * only mark); a member before any release, a member of another team or anyone else 404, so
 * the page does not tell who is in which team.
 */
export async function requireTeamFeedbackAccess(user: SessionUser, teamId: number): Promise<FeedbackView> {
  const team = await db.team.findUnique({ where: { id: teamId }, select: { campId: true } });
  if (!team) notFound();
  const role = await campStaffRole(user.id, team.campId);
  if (role && ORGANISER_ROLES.includes(role)) return "staff";
  if (role) forbidden();
  if (user.personId) {
    const member = await db.teamMember.count({ where: { teamId, personId: user.personId, leftAt: null } });
    const released = await db.project.count({ where: { teamId, finalMark: { releasedAt: { not: null } } } });
    if (member > 0 && released > 0) return "member";
  }
  notFound();
}

/** Teams of the given projects (for links from pages that list projects). */
export async function teamIdsOfProjects(projectIds: number[]): Promise<Record<number, number>> {
  if (projectIds.length === 0) return {};
  const rows = await db.project.findMany({ where: { id: { in: projectIds } }, select: { id: true, teamId: true } });
  return Object.fromEntries(rows.map((r) => [r.id, r.teamId]));
}

/** The team's feedback as `viewerId` may read it (blind marking applies to the staff view). */
export async function loadTeamFeedback(teamId: number, view: FeedbackView, viewerId: number) {
  const team = await db.team.findUniqueOrThrow({
    where: { id: teamId },
    select: {
      id: true,
      name: true,
      campId: true,
      camp: { select: { passMark: true, blindMarking: true, offering: { select: { code: true, course: { select: { titleZh: true, titleEn: true } } } } } },
      members: { where: { leftAt: null }, orderBy: { personId: "asc" }, select: { person: { select: { id: true, name: true, employeeNo: true } } } },
      projects: {
        orderBy: { id: "asc" },
        where: view === "member" ? { finalMark: { releasedAt: { not: null } } } : {},
        select: {
          id: true,
          title: true,
          brief: { select: { title: true } },
          finalMark: { select: { total: true, method: true, feedback: true, releasedAt: true } },
          marks: {
            orderBy: { markerId: "asc" },
            select: { markerId: true, status: true, total: true, scores: { select: { criterionId: true, comment: true, level: { select: { label: true, labelEn: true, points: true } } } } },
          },
        },
      },
    },
  });
  const rubric = await loadCampRubric(db, team.campId);
  const memberIds = team.members.map((m) => m.person.id);
  const adjustments = await db.participationAdjustment.findMany({
    where: { campId: team.campId, personId: { in: memberIds } },
    orderBy: { id: "asc" },
    select: { personId: true, delta: true, reason: true },
  });
  const projects = [];
  for (const project of team.projects) {
    const released = project.finalMark?.releasedAt ?? null;
    const blind =
      view === "staff" && !canSeeOtherMarks({ blindMarking: team.camp.blindMarking, released: !!released, own: ownMarkStatus(project.marks, viewerId) });
    // Only submitted marks are shown; none while blind (a blind viewer's own mark is unsubmitted).
    const marks = blind ? [] : project.marks.filter((m) => m.status === "submitted");
    const submittedTotals = marks.map((m) => m.total).filter((t): t is number => t !== null);
    // The mark that counts: as released; before release the lead's moderated mark or the mean so far.
    const total = blind ? null : released || project.finalMark?.method === "moderated" ? (project.finalMark?.total ?? null) : meanRoundHalfUp(submittedTotals);
    const outcomes: MemberOutcome[] = total === null ? [] : await memberOutcomes(db, { campId: team.campId, teamId: team.id, teamTotal: total });
    const criteria = (rubric?.criteria ?? []).map((criterion) => {
      const scores = marks.map((mark, i) => {
        const score = mark.scores.find((s) => s.criterionId === criterion.id);
        return { marker: i + 1, level: score ? { label: score.level.label, labelEn: score.level.labelEn } : null, levelPoints: score?.level.points ?? null, points: score ? criterion.weight * score.level.points : null, comment: score?.comment ?? "" };
      });
      const scored = scores.map((s) => s.points).filter((p): p is number => p !== null);
      return { title: criterion.title, titleEn: criterion.titleEn, competency: criterion.competency, weight: criterion.weight, scores, mean: meanRoundHalfUp(scored) };
    });
    projects.push({
      id: project.id,
      title: project.title,
      brief: project.brief.title,
      releasedAt: released,
      blind,
      method: project.finalMark && (released || project.finalMark.method === "moderated") ? project.finalMark.method : "mean",
      total,
      markersMean: meanRoundHalfUp(submittedTotals),
      feedback: released ? project.finalMark!.feedback : (project.finalMark?.feedback ?? ""),
      criteria,
      outcomes,
    });
  }
  return {
    team: { id: team.id, name: team.name },
    camp: { passMark: team.camp.passMark, code: team.camp.offering.code, course: team.camp.offering.course },
    members: team.members.map((m) => m.person),
    adjustments,
    projects,
    view,
  };
}

export type TeamFeedback = Awaited<ReturnType<typeof loadTeamFeedback>>;

const signed = (pdf: PdfWriter, centipoints: number) => (centipoints > 0 ? "+" : "") + pdf.points(centipoints);

export function writeTeamFeedback(pdf: PdfWriter, data: TeamFeedback) {
  const { t } = pdf;
  const course = pdf.locale === "en" ? data.camp.course.titleEn || data.camp.course.titleZh : data.camp.course.titleZh;
  pdf.facts([
    [t("documents.feedback.camp"), `${course}（${data.camp.code}）`],
    [t("documents.feedback.team"), data.team.name],
    [t("documents.feedback.members"), data.members.map((m) => `${m.name}（${m.employeeNo}）`).join("、")],
    [t("documents.feedback.passMark"), pdf.points(data.camp.passMark)],
  ]);
  if (data.projects.length === 0) pdf.text(t("documents.feedback.noProjects"), { muted: true });
  for (const project of data.projects) {
    pdf.heading(t("documents.feedback.project", { title: project.title }));
    pdf.facts([
      [t("documents.feedback.brief"), project.brief],
      [t("documents.feedback.status"), project.releasedAt ? t("documents.feedback.releasedOn", { date: pdf.date(project.releasedAt) }) : t("documents.feedback.notReleased")],
      [
        t("documents.feedback.finalTotal"),
        project.total === null
          ? t("documents.feedback.noMark")
          : t(project.method === "moderated" ? "documents.feedback.method.moderated" : "documents.feedback.method.mean", { total: pdf.points(project.total) }),
      ],
    ]);
    pdf.label(t("documents.feedback.criteria"));
    if (project.blind) pdf.text(t("grading.screen.blind"), { muted: true });
    const marker = (n: number) => t("documents.feedback.marker", { n });
    const rows = project.criteria.map((c) => [
      `${criterionTitle(pdf.locale, c)}\n${pdf.locale === "en" ? c.competency.nameEn || c.competency.nameZh : c.competency.nameZh}`,
      `${pdf.number(c.weight)}%`,
      c.scores.map((s) => `${marker(s.marker)}：${s.level ? levelLabel(pdf.locale, s.level) : "—"}${s.levelPoints === null ? "" : `（${s.levelPoints}%）`}`).join("\n"),
      c.mean === null ? "—" : pdf.points(c.mean),
      c.scores
        .filter((s) => s.comment.trim())
        .map((s) => `${marker(s.marker)}：${s.comment.trim()}`)
        .join("\n"),
    ]);
    if (rows.length > 0 && project.markersMean !== null) rows.push([t("documents.feedback.criterionTotal"), "100%", "", pdf.points(project.markersMean), ""]);
    pdf.table(
      [
        { header: t("documents.feedback.col.criterion"), width: 2.2 },
        { header: t("documents.feedback.col.weight"), width: 0.8, align: "right" },
        { header: t("documents.feedback.col.levels"), width: 2.2 },
        { header: t("documents.feedback.col.points"), width: 0.9, align: "right" },
        { header: t("documents.feedback.col.comments"), width: 3 },
      ],
      rows,
    );
    pdf.label(t("documents.feedback.feedback"));
    pdf.text(project.feedback.trim() || t("documents.feedback.noFeedback"), { muted: !project.feedback.trim() });
    pdf.label(t("documents.feedback.outcomes"));
    pdf.table(
      [
        { header: t("documents.feedback.col.member"), width: 1.4 },
        { header: t("documents.feedback.col.employeeNo"), width: 1 },
        { header: t("documents.feedback.col.adjustment"), width: 2.6 },
        { header: t("documents.feedback.col.total"), width: 1, align: "right" },
        { header: t("documents.feedback.col.result"), width: 2 },
      ],
      project.outcomes.map((o) => [
        o.name,
        o.employeeNo,
        data.adjustments
          .filter((a) => a.personId === o.personId)
          .map((a) => `${signed(pdf, a.delta)}（${a.reason}）`)
          .join("\n") || "—",
        pdf.points(o.total),
        o.passed ? t("grading.result.passed") : o.failure === "absence" ? t("grading.result.failedAbsence") : t("grading.result.failedBelow"),
      ]),
      { empty: t("documents.feedback.noMark") },
    );
  }
}

export function teamFeedbackPdf(locale: Locale, data: TeamFeedback): PdfDocument {
  const t = translator(locale);
  const course = locale === "en" ? data.camp.course.titleEn || data.camp.course.titleZh : data.camp.course.titleZh;
  return pdfStream(
    { locale, title: t("documents.feedback.title"), subtitle: t("documents.feedback.subtitle", { course, code: data.camp.code, team: data.team.name }) },
    (pdf) => writeTeamFeedback(pdf, data),
  );
}
