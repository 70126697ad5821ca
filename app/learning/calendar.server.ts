// The learner's calendar feed (/my/calendar.ics): every session still to come of the classes
// they are enrolled in, as an iCalendar file a phone's calendar app can import. Times are
// written in UTC; the UID is stable per session, so importing again updates instead of
// duplicating.
import { createEvents, type EventAttributes } from "ics";
import { translator, type Locale } from "~/i18n/i18n";
import { db, type DbTx } from "~/utils/db.server";

export type CalendarSession = {
  id: number;
  title: string;
  startsAt: Date;
  endsAt: Date;
  venue: string;
  offering: {
    code: string;
    venue: string;
    course: { titleZh: string; titleEn: string };
    trainer: { displayName: string } | null;
  };
};

export async function upcomingSessionsOf(personId: number, now = new Date(), client: DbTx = db): Promise<CalendarSession[]> {
  return client.classSession.findMany({
    where: {
      endsAt: { gt: now },
      offering: { status: { not: "cancelled" }, enrolments: { some: { personId, status: "enrolled" } } },
    },
    orderBy: [{ startsAt: "asc" }, { id: "asc" }],
    select: {
      id: true,
      title: true,
      startsAt: true,
      endsAt: true,
      venue: true,
      offering: {
        select: {
          code: true,
          venue: true,
          course: { select: { titleZh: true, titleEn: true } },
          trainer: { select: { displayName: true } },
        },
      },
    },
  });
}

export const sessionUid = (sessionId: number) => `session-${sessionId}@lane-academy`;

/** The iCalendar text for these sessions, in the reader's language. */
export function sessionsCalendar(sessions: CalendarSession[], locale: Locale, stamp = new Date()): string {
  const t = translator(locale);
  const events: EventAttributes[] = sessions.map((s) => {
    const course = locale === "en" ? s.offering.course.titleEn || s.offering.course.titleZh : s.offering.course.titleZh;
    const description = [
      t("learning.calendar.classCode", { code: s.offering.code }),
      s.offering.trainer ? t("learning.calendar.trainer", { name: s.offering.trainer.displayName }) : null,
    ]
      .filter(Boolean)
      .join("\n");
    const venue = s.venue || s.offering.venue;
    return {
      uid: sessionUid(s.id),
      title: s.title ? `${course} · ${s.title}` : course,
      start: s.startsAt.getTime(),
      end: s.endsAt.getTime(),
      startInputType: "utc",
      startOutputType: "utc",
      endInputType: "utc",
      endOutputType: "utc",
      description,
      ...(venue ? { location: venue } : {}),
      status: "CONFIRMED",
      busyStatus: "BUSY",
      created: stamp.getTime(),
    };
  });
  const { error, value } = createEvents(events, { productId: "-//Lane Academy//My learning//ZH", calName: t("learning.calendar.name") });
  if (error || value === null) throw error ?? new Error("calendar: no output");
  return value;
}
