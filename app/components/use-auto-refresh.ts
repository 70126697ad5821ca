import { useRevalidator } from "@remix-run/react";
import { useEffect } from "react";

/**
 * Reloads the route's data every `ms` while `enabled` and the tab is visible (a rotating
 * check-in code, an import's progress). Without JavaScript the pages use a meta refresh.
 */
export function useAutoRefresh(enabled: boolean, ms: number) {
  const revalidator = useRevalidator();
  useEffect(() => {
    if (!enabled) return;
    const timer = window.setInterval(() => {
      if (document.visibilityState === "visible" && revalidator.state === "idle") revalidator.revalidate();
    }, ms);
    return () => window.clearInterval(timer);
  }, [enabled, ms, revalidator]);
}
