import { describe, expect, it } from "vitest";
import { isCrossSiteWrite } from "./same-origin";

const own = "http://localhost:3000";

describe("isCrossSiteWrite", () => {
  it("lets reads through from anywhere", () => {
    expect(isCrossSiteWrite({ method: "GET", ownOrigin: own, origin: "https://evil.example", secFetchSite: "cross-site" })).toBe(false);
  });

  it("refuses a write from another site, by Sec-Fetch-Site or by Origin", () => {
    expect(isCrossSiteWrite({ method: "POST", ownOrigin: own, secFetchSite: "cross-site" })).toBe(true);
    expect(isCrossSiteWrite({ method: "POST", ownOrigin: own, secFetchSite: "same-site" })).toBe(true);
    expect(isCrossSiteWrite({ method: "POST", ownOrigin: own, origin: "https://evil.example" })).toBe(true);
    expect(isCrossSiteWrite({ method: "DELETE", ownOrigin: own, origin: "null" })).toBe(true);
  });

  it("accepts our own pages' writes and non-browser clients", () => {
    expect(isCrossSiteWrite({ method: "POST", ownOrigin: own, secFetchSite: "same-origin", origin: own })).toBe(false);
    expect(isCrossSiteWrite({ method: "POST", ownOrigin: own, origin: own })).toBe(false);
    expect(isCrossSiteWrite({ method: "POST", ownOrigin: own })).toBe(false);
  });
});
