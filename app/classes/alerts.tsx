import { useEffect, useRef } from "react";
import type { ClassActionData } from "./action-data";

/**
 * What an action answered, where the person is looking: a notice at the top of its section
 * (the row it was about may have moved to another list), a refusal of one row's form in
 * that row. Brought into view, since forms far down the page keep their scroll position.
 */
export function Alerts({ data, notice, error }: { data: ClassActionData | undefined; notice: boolean; error: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  const text = (notice && data?.notice) || null;
  const problem = (error && data?.formError) || null;
  useEffect(() => {
    if (text || problem) ref.current?.scrollIntoView({ block: "nearest" });
  }, [data, text, problem]);
  if (!text && !problem) return null;
  return (
    <div ref={ref}>
      {text ? (
        <p className="alert alert--success" role="status">
          {text}
        </p>
      ) : null}
      {problem ? (
        <p className="alert alert--error" role="alert">
          {problem}
        </p>
      ) : null}
    </div>
  );
}
