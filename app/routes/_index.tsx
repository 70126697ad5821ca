import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { getOptionalUser } from "~/auth/guards.server";
import { homePathFor } from "~/auth/roles";

/** "/" sends everyone to their own home page: the learner's, the trainer's, HR's or admin's. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getOptionalUser(request);
  if (!user) throw redirect("/login");
  throw redirect(user.mustChangePassword ? "/account/password" : homePathFor(user.role));
}
