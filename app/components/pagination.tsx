import { Link } from "@remix-run/react";
import { useT } from "~/i18n/i18n";

/** Previous/next links that keep the current filters; plain links, so they work without JS. */
export function Pagination({ page, pages, params }: { page: number; pages: number; params: Record<string, string> }) {
  const { t } = useT();
  if (pages <= 1) return null;
  const href = (p: number) => {
    const search = new URLSearchParams({ ...Object.fromEntries(Object.entries(params).filter(([, v]) => v)), page: String(p) });
    return `?${search.toString()}`;
  };
  return (
    <nav className="pagination" aria-label={t("common.page", { page, pages })}>
      {page > 1 ? <Link to={href(page - 1)}>{t("common.previous")}</Link> : <span />}
      <span className="muted">{t("common.page", { page, pages })}</span>
      {page < pages ? <Link to={href(page + 1)}>{t("common.next")}</Link> : <span />}
    </nav>
  );
}
