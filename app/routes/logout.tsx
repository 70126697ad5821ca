import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { destroySession } from "~/auth/session.server";

// Sign-out is a POST only: a GET must never change state (a prefetch or a link could).
export async function loader() {
  throw redirect("/");
}

export async function action({ request }: ActionFunctionArgs) {
  const cookie = await destroySession(request);
  return redirect("/login", { headers: { "Set-Cookie": cookie } });
}
