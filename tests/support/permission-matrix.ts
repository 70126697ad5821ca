// Helpers for the permission matrix (tests/integration/permission-matrix.db.test.ts): the route
// files as Remix's flat routes see them, and how a response reads as "allowed" or "denied".
import { readdirSync } from "node:fs";
import path from "node:path";

export const ROUTES_DIR = path.resolve(__dirname, "../../app/routes");

/** Every route module in app/routes (flat routes: one file per route, .ts or .tsx). */
export function routeFiles(dir = ROUTES_DIR): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) && !e.name.endsWith(".d.ts"))
    .map((e) => e.name)
    .sort();
}

/**
 * The URL pattern of a flat-routes file name, as Remix 2 derives it: dots separate segments
 * (not inside [] escapes), `_index` is the index, a leading `_` is a pathless layout, a trailing
 * `_` opts out of nesting, `$name` is a parameter and `[...]` is literal text.
 */
export function routePattern(file: string): string {
  const base = file.replace(/\.(tsx?|jsx?)$/, "");
  const segments: string[] = [];
  let current = "";
  let depth = 0;
  for (const ch of base) {
    if (ch === "[") depth++;
    else if (ch === "]") depth--;
    else if (ch === "." && depth === 0) {
      segments.push(current);
      current = "";
      continue;
    }
    current += ch;
  }
  segments.push(current);
  const parts = segments
    .filter((s) => s !== "_index" && !s.startsWith("_"))
    .map((s) => s.replace(/_$/, ""))
    .map((s) => (s.startsWith("$") ? `:${s.slice(1)}` : s.replace(/\[([^\]]*)\]/g, "$1")));
  return "/" + parts.join("/");
}

/** The pattern with its parameters filled in. Throws when one is missing. */
export function fillPattern(pattern: string, params: Record<string, string>): string {
  return pattern.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${pattern}: no value for :${name}`);
    return encodeURIComponent(value);
  });
}

export type Verdict = "allowed" | "denied";

/**
 * Denied: a redirect to /login (anonymous on a page), 401 (anonymous on the API), 403 or 404.
 * Anything else is allowed (200, a redirect elsewhere, 400 for an empty form, 405, 409…).
 */
export function verdictOf(response: Response): Verdict {
  if ([401, 403, 404].includes(response.status)) return "denied";
  if (response.status >= 300 && response.status < 400) {
    const location = response.headers.get("Location") ?? "";
    if (location === "/login" || location.startsWith("/login?")) return "denied";
  }
  return "allowed";
}

/** What a denial must look like for the anonymous visitor: the login page, or 401 on the API. */
export function anonymousDenialOk(pattern: string, response: Response): boolean {
  if (pattern.startsWith("/api/")) return response.status === 401;
  const location = response.headers.get("Location") ?? "";
  return response.status === 302 && (location === "/login" || location.startsWith("/login?"));
}
