import { Form, NavLink, useLocation } from "@remix-run/react";
import type { Role } from "~/auth/roles";
import { useT } from "~/i18n/i18n";
import type { MessageKey } from "~/i18n/zh-CN";

type HeaderUser = { displayName: string; role: Role } | null;

// The header keeps to the few places each role visits daily; HR's other tools are grouped on
// the HR desk (app/hr/tools.ts), so the bar still fits a phone.
const NAV: Record<Role, { to: string; label: MessageKey }[]> = {
  learner: [
    { to: "/my", label: "nav.myLearning" },
    { to: "/catalogue", label: "nav.catalogue" },
    { to: "/my/check-in", label: "nav.checkIn" },
  ],
  trainer: [
    { to: "/trainer", label: "nav.trainer" },
    { to: "/catalogue", label: "nav.catalogue" },
  ],
  hr: [
    { to: "/hr", label: "nav.hr" },
    { to: "/hr/people", label: "nav.people" },
    { to: "/hr/classes", label: "nav.classes" },
    { to: "/catalogue", label: "nav.catalogue" },
  ],
  admin: [
    { to: "/admin", label: "nav.admin" },
    { to: "/admin/users", label: "nav.users" },
    { to: "/hr", label: "nav.hr" },
    { to: "/hr/people", label: "nav.people" },
    { to: "/catalogue", label: "nav.catalogue" },
  ],
};

export function AppHeader({ user }: { user: HeaderUser }) {
  const { t, locale } = useT();
  const location = useLocation();
  const back = location.pathname + location.search;
  return (
    <header className="app-header">
      <div className="app-header__bar">
        <a className="brand" href="/">
          {t("app.name")}
        </a>
        <Form method="post" action="/locale" className="locale-switch" aria-label={t("nav.language")}>
          <input type="hidden" name="redirectTo" value={back} />
          <button type="submit" name="locale" value="zh-CN" aria-pressed={locale === "zh-CN"} lang="zh-CN">
            中文
          </button>
          <button type="submit" name="locale" value="en" aria-pressed={locale === "en"} lang="en">
            English
          </button>
        </Form>
      </div>
      {user ? (
        <nav className="app-nav" aria-label={t("nav.main")}>
          <ul>
            {NAV[user.role].map((item) => (
              <li key={item.to}>
                {/* Home pages whose sub-pages have their own entry match exactly. */}
                <NavLink to={item.to} end={item.to === "/hr" || item.to === "/admin"}>
                  {t(item.label)}
                </NavLink>
              </li>
            ))}
            <li>
              <NavLink to="/account/password">{t("nav.account")}</NavLink>
            </li>
          </ul>
          <div className="app-nav__user">
            <span className="muted">{t("nav.signedInAs", { name: user.displayName, role: t(`roles.${user.role}`) })}</span>
            <Form method="post" action="/logout">
              <button type="submit" className="link-button">
                {t("nav.signOut")}
              </button>
            </Form>
          </div>
        </nav>
      ) : null}
    </header>
  );
}
