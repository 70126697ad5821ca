import { clockTime } from "~/attendance/format";
import { useT } from "~/i18n/i18n";

type ScheduleDay = {
  day: string;
  number: number;
  sessions: { id: number; title: string; number: number; startsAt: string; endsAt: string; venue: string | null }[];
};

/** A camp's day-by-day schedule, as staff and participants both see it. */
export function CampSchedule({ days, defaultVenue }: { days: ScheduleDay[]; defaultVenue: string | null }) {
  const { t, locale, date } = useT();
  return (
    <section className="card" aria-labelledby="schedule-title">
      <h2 id="schedule-title">{t("camps.schedule.title")}</h2>
      {days.length === 0 ? (
        <p className="muted">{t("camps.schedule.none")}</p>
      ) : (
        <ol className="camp-days">
          {days.map((day) => (
            <li key={day.day} className="camp-day">
              <h3 className="camp-day__title">
                {t("camps.schedule.day", { n: day.number })} <span className="muted small">{date(day.sessions[0].startsAt, { dateStyle: "full" })}</span>
              </h3>
              <ul className="camp-day__sessions">
                {day.sessions.map((s) => (
                  <li key={s.id}>
                    <strong>{s.title || t("attendance.sessionNumber", { n: s.number })}</strong>
                    <span className="muted small camp-day__when">
                      {clockTime(locale, s.startsAt)}–{clockTime(locale, s.endsAt)}
                      {s.venue && s.venue !== defaultVenue ? ` · ${s.venue}` : ""}
                    </span>
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
