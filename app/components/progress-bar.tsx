import { useId } from "react";

/**
 * A labelled progress bar: the native <progress> element, so it needs no inline style
 * (the Content-Security-Policy forbids those) and screen readers announce it.
 */
export function ProgressBar({ value, max, label }: { value: number; max: number; label: string }) {
  const id = useId();
  const percent = max > 0 ? Math.max(0, Math.min(100, Math.round((value / max) * 100))) : 100;
  return (
    <div className="progress">
      <progress id={id} value={percent} max={100} aria-describedby={`${id}-label`} />
      <p id={`${id}-label`} className="progress__label">
        {label} <span className="muted">({percent}%)</span>
      </p>
    </div>
  );
}
