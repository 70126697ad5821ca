import { describe, expect, it } from "vitest";
import { hasNulInUrl, nulRefusal } from "./nul-in-url";

describe("hasNulInUrl", () => {
  it("finds a NUL in the path or the query, encoded or not", () => {
    expect(hasNulInUrl("/catalogue/a%00b")).toBe(true);
    expect(hasNulInUrl("/hr/people?q=%00")).toBe(true);
    expect(hasNulInUrl("/x?q=a\u0000b")).toBe(true);
  });
  it("leaves ordinary URLs alone, an encoded percent sign followed by 00 included", () => {
    expect(hasNulInUrl("/catalogue/CN-L1-01?page=100")).toBe(false);
    expect(hasNulInUrl("/hr/people?q=%2500")).toBe(false);
    expect(hasNulInUrl("/hr/people?q=%E5%B7%B7")).toBe(false);
  });
  it("answers the API in its JSON error shape, pages in plain text", () => {
    const api = nulRefusal("/api/v1/people");
    expect(api.status).toBe(400);
    expect(JSON.parse(api.body).error).toMatchObject({ code: "errors.badRequest", message: expect.stringContaining("NUL") });
    expect(nulRefusal("/catalogue/x").contentType).toMatch(/^text\/plain/);
  });
});
