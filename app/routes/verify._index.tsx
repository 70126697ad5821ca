// GET /verify — public: type the verification code printed on a transcript; ?code=… goes to
// /verify/<code> (the QR code on the paper links there directly).
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { useT } from "~/i18n/i18n";
import { normaliseCode } from "~/transcripts/code";
import { VerifyCodeForm } from "~/transcripts/verify-form";

export const meta: MetaFunction = () => [{ title: "学分证明核验 · 小巷学院 Lane Academy" }, { name: "robots", content: "noindex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const typed = new URL(request.url).searchParams.get("code");
  if (typed === null) return json({ typed: "", invalid: false });
  const code = normaliseCode(typed);
  if (code) throw redirect(`/verify/${code}`);
  return json({ typed: typed.slice(0, 64), invalid: true }, { status: 400 });
}

export default function VerifyIndex() {
  const { typed, invalid } = useLoaderData<typeof loader>();
  const { t } = useT();
  return (
    <div className="verify">
      <h1 data-testid="page-title">{t("documents.verify.title")}</h1>
      <VerifyCodeForm typed={typed} invalid={invalid} />
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
