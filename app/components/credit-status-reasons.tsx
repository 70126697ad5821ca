import type { CreditStatus } from "~/credits/status";
import { useT, type MessageKey } from "~/i18n/i18n";

/** The conditions explained count differently: points are centipoints, competencies a count. */
const POINT_PARAMS = new Set(["counted", "required", "short", "inPerson", "minInPerson", "online", "cap", "excluded", "rolloverIn"]);

/**
 * Why a year's requirement is (not) met, in the reader's language, with the figures — the
 * same reasons on every page that shows a status.
 */
export function CreditStatusReasons({ status }: { status: Pick<CreditStatus, "reasons" | "notes"> }) {
  const { t, points } = useT();
  const lines = [...status.reasons, ...status.notes];
  if (lines.length === 0) return null;
  const isCountOfCompetencies = (key: string) => key === "credits.status.competenciesShort";
  return (
    <ul className="reasons">
      {lines.map((line) => {
        const params = Object.fromEntries(
          Object.entries(line.params).map(([name, value]) => [
            name,
            POINT_PARAMS.has(name) && !isCountOfCompetencies(line.key) ? points(value) : String(value),
          ]),
        );
        return <li key={line.key}>{t(line.key as MessageKey, params)}</li>;
      })}
    </ul>
  );
}
