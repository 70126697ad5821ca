import { Link } from "@remix-run/react";

/** The buttons under a GET filter form: apply, and (when something is set) clear back to `clearTo`. */
export function FilterActions({
  applyLabel,
  clearLabel,
  clearTo,
  showClear,
}: {
  applyLabel: string;
  clearLabel: string;
  clearTo: string;
  showClear: boolean;
}) {
  return (
    <div className="filter-panel__actions">
      <button type="submit" className="button button--primary">
        {applyLabel}
      </button>
      {showClear ? (
        <Link to={clearTo} className="button">
          {clearLabel}
        </Link>
      ) : null}
    </div>
  );
}
