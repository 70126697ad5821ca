// Cross-site request forgery guard, on top of SameSite=Lax session cookies: a request that
// changes state must come from our own pages. Browsers say where a request comes from in
// Sec-Fetch-Site (modern) or Origin; a request with neither is not from a browser form on
// another site (curl, API clients), and carries no ambient cookie risk.
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export type OriginCheck = {
  method: string;
  /** The origin this server is reached at, e.g. "https://lane.example.gov.cn". */
  ownOrigin: string;
  origin?: string | null;
  secFetchSite?: string | null;
};

export function isCrossSiteWrite({ method, ownOrigin, origin, secFetchSite }: OriginCheck): boolean {
  if (SAFE_METHODS.has(method.toUpperCase())) return false;
  if (secFetchSite) return secFetchSite !== "same-origin" && secFetchSite !== "none";
  if (origin) return origin !== ownOrigin;
  return false;
}
