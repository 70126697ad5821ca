import { describe, expect, it } from "vitest";
import { mayReadMetrics } from "./metrics-endpoint";

describe("who may read /metrics", () => {
  it("the machine itself, and a caller with the token", () => {
    expect(mayReadMetrics("127.0.0.1", undefined, undefined)).toBe(true);
    expect(mayReadMetrics("::1", undefined, undefined)).toBe(true);
    expect(mayReadMetrics("10.0.0.5", "Bearer a-long-enough-token-123", "a-long-enough-token-123")).toBe(true);
  });

  it("nobody else, and never without a configured token", () => {
    expect(mayReadMetrics("10.0.0.5", undefined, "a-long-enough-token-123")).toBe(false);
    expect(mayReadMetrics("10.0.0.5", "Bearer wrong-token-wrong-token", "a-long-enough-token-123")).toBe(false);
    expect(mayReadMetrics("10.0.0.5", "Bearer anything", undefined)).toBe(false);
  });
});
