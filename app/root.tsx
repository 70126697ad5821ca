import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import {
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteLoaderData,
} from "@remix-run/react";
import type { ReactNode } from "react";
import { AppHeader } from "~/components/app-header";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { getOptionalUser } from "~/auth/guards.server";
import { DEFAULT_LOCALE, useT } from "~/i18n/i18n";
import { resolveLocale } from "~/i18n/i18n.server";
import { isDemoInstall } from "~/org/settings.server";
import { useNonce } from "~/utils/nonce";
import { requestContext } from "~/utils/request-context.server";
import appStyles from "~/styles/app.css";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: appStyles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [{ title: "小巷学院 Lane Academy" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getOptionalUser(request);
  const locale = await resolveLocale(request, user?.locale);
  return json({
    user: user && {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      role: user.role,
      mustChangePassword: user.mustChangePassword,
    },
    i18n: { locale },
    demo: await isDemoInstall(),
    requestId: requestContext()?.requestId ?? null,
  });
}

export type RootLoaderData = ReturnType<typeof useRootData>;

export function useRootData() {
  return useRouteLoaderData<typeof loader>("root");
}

export function Layout({ children }: { children: ReactNode }) {
  const data = useRootData();
  const { t } = useT();
  const nonce = useNonce();
  return (
    <html lang={data?.i18n.locale ?? DEFAULT_LOCALE}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <a className="skip-link" href="#main">
          {t("app.skipToContent")}
        </a>
        {data?.demo ? (
          <p className="demo-banner" role="note">
            {t("demo.banner")}
          </p>
        ) : null}
        <AppHeader user={data?.user ?? null} />
        <main id="main" className="page">
          {children}
        </main>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
