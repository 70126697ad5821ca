// The file name ends the parent layout at `$sessionId_` (Remix flat routes), so the printable
// sheet renders alone at /trainer/sessions/:sessionId/sheet instead of inside the session page.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useEffect, useState } from "react";
import { requireSessionStaff } from "~/attendance/access.server";
import { loadSessionAttendance } from "~/attendance/attendance.server";
import { timeRange } from "~/attendance/format";
import { requireUser } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { useT } from "~/i18n/i18n";
import { fields } from "~/utils/forms";
import { notFound } from "~/utils/http.server";

/** A few blank rows for walk-ins the trainer adds by hand. */
const BLANK_ROWS = 3;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = fields.id().safeParse(params.sessionId);
  if (!id.success) notFound();
  await requireSessionStaff(user, id.data);
  // Only what the sheet prints: no check-in code, no marks.
  const { session, offering, learners } = await loadSessionAttendance(id.data);
  return json(
    {
      session,
      offering,
      learners: learners.map((l) => ({ enrolmentId: l.enrolmentId, ...l.person })),
    },
    { headers: { "Cache-Control": "no-store" } },
  );
}

export default function SignInSheet() {
  const { session, offering, learners } = useLoaderData<typeof loader>();
  const { t, locale } = useT();
  // The print button needs JavaScript; without it the hint to use the browser's print stays.
  const [canPrint, setCanPrint] = useState(false);
  useEffect(() => setCanPrint(true), []);
  const title = locale === "en" ? offering.course.titleEn : offering.course.titleZh;
  const unitName = (u: { nameZh: string; nameEn: string }) => (locale === "en" ? u.nameEn : u.nameZh);
  const label = session.title || t("attendance.sessionNumber", { n: session.number });
  return (
    <article className="sign-sheet">
      <div className="sign-sheet__actions">
        <p className="back-link">
          <Link to={`/trainer/sessions/${session.id}`}>{t("attendance.sheet.back")}</Link>
        </p>
        {canPrint ? (
          <button type="button" className="button button--primary" onClick={() => window.print()}>
            {t("attendance.sheet.print")}
          </button>
        ) : (
          <p className="muted small">{t("attendance.sheet.printHint")}</p>
        )}
      </div>
      <h1 data-testid="page-title">{t("attendance.sheet.title")}</h1>
      <dl className="sign-sheet__facts">
        <div>
          <dt>{t("attendance.sheet.class")}</dt>
          <dd>
            {title} ({offering.code})
          </dd>
        </div>
        <div>
          <dt>{t("attendance.sheet.session")}</dt>
          <dd>{label}</dd>
        </div>
        <div>
          <dt>{t("attendance.sheet.when")}</dt>
          <dd>{timeRange(locale, session.startsAt, session.endsAt)}</dd>
        </div>
        <div>
          <dt>{t("attendance.sheet.venue")}</dt>
          <dd>{session.venue || "—"}</dd>
        </div>
        <div>
          <dt>{t("attendance.sheet.trainer")}</dt>
          <dd>{offering.trainer?.displayName ?? "—"}</dd>
        </div>
        <div>
          <dt>{t("attendance.sheet.count")}</dt>
          <dd>{learners.length}</dd>
        </div>
      </dl>
      <div className="table-wrap">
        <table className="sign-sheet__table">
          <thead>
            <tr>
              <th scope="col" className="num">
                {t("attendance.sheet.no")}
              </th>
              <th scope="col">{t("attendance.col.name")}</th>
              <th scope="col">{t("attendance.col.employeeNo")}</th>
              <th scope="col">{t("attendance.col.unit")}</th>
              <th scope="col" className="sign-sheet__signature">
                {t("attendance.col.signature")}
              </th>
            </tr>
          </thead>
          <tbody>
            {learners.map((l, i) => (
              <tr key={l.enrolmentId}>
                <td className="num">{i + 1}</td>
                <td>{l.name}</td>
                <td>{l.employeeNo}</td>
                <td className="sign-sheet__unit">{unitName(l.unit)}</td>
                <td className="sign-sheet__signature" />
              </tr>
            ))}
            {Array.from({ length: BLANK_ROWS }, (_, i) => (
              <tr key={`blank-${i}`} className="sign-sheet__blank">
                <td className="num">{learners.length + i + 1}</td>
                <td />
                <td />
                <td />
                <td className="sign-sheet__signature" />
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="sign-sheet__footer small">{t("attendance.sheet.footer")}</p>
    </article>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
