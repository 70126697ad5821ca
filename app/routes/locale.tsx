import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { getOptionalUser } from "~/auth/guards.server";
import { isLocale } from "~/i18n/i18n";
import { localeCookie } from "~/i18n/i18n.server";
import { db } from "~/utils/db.server";
import { safeRedirectPath } from "~/utils/http.server";
import { readFormData } from "~/utils/form-data.server";

export async function loader() {
  throw redirect("/");
}

/** The language switch: remembered in a cookie, and on the account when signed in. */
export async function action({ request }: ActionFunctionArgs) {
  const form = await readFormData(request);
  const locale = form.get("locale");
  const back = safeRedirectPath(form.get("redirectTo"), "/");
  if (!isLocale(locale)) throw new Response("Unknown language", { status: 400 });
  const user = await getOptionalUser(request);
  if (user) await db.user.update({ where: { id: user.id }, data: { locale } });
  return redirect(back, { headers: { "Set-Cookie": await localeCookie.serialize(locale) } });
}
