// /my/calendar.ics: the learner's upcoming sessions as a calendar file (a resource route, so
// a plain link downloads it and a phone offers to add the events).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireRole } from "~/auth/guards.server";
import { resolveLocale } from "~/i18n/i18n.server";
import { sessionsCalendar, upcomingSessionsOf } from "~/learning/calendar.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "learner");
  const locale = await resolveLocale(request, user.locale);
  const sessions = user.personId ? await upcomingSessionsOf(user.personId) : [];
  return new Response(sessionsCalendar(sessions, locale), {
    headers: {
      "Content-Type": "text/calendar; charset=utf-8",
      "Content-Disposition": 'attachment; filename="lane-academy.ics"',
      "Cache-Control": "private, no-store",
    },
  });
}
