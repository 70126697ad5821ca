import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, securityHeaders } from "./security-headers";

describe("security headers", () => {
  it("allow scripts only with this response's nonce, and forbid plugins, <base> and framing", () => {
    const policy = contentSecurityPolicy("abc123");
    expect(policy).toContain("script-src 'nonce-abc123' 'strict-dynamic'");
    expect(policy).toContain("object-src 'none'");
    expect(policy).toContain("base-uri 'none'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toMatch(/script-src[^;]*unsafe-inline/);
  });

  it("give every response a fresh nonce, and HSTS only to HTTPS in production", () => {
    const run = (production: boolean, secure: boolean) => {
      const headers: Record<string, string> = {};
      const res = { locals: {} as Record<string, unknown>, setHeader: (k: string, v: string) => (headers[k] = v) };
      securityHeaders({ production })({ secure } as never, res as never, () => {});
      return { headers, nonce: res.locals.cspNonce as string };
    };
    const a = run(true, true);
    const b = run(true, true);
    expect(a.nonce).not.toBe(b.nonce);
    expect(a.headers["Content-Security-Policy"]).toContain(`'nonce-${a.nonce}'`);
    expect(a.headers["Strict-Transport-Security"]).toMatch(/max-age=31536000/);
    expect(run(true, false).headers["Strict-Transport-Security"]).toBeUndefined();
    expect(run(false, true).headers["Strict-Transport-Security"]).toBeUndefined();
    expect(a.headers["Referrer-Policy"]).toBe("same-origin");
  });
});
