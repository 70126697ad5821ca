import { describe, expect, it } from "vitest";
import { Registry, routePattern } from "~/observability/metrics.server";

describe("the metrics registry", () => {
  it("renders histograms in the Prometheus text format with cumulative buckets", () => {
    const registry = new Registry();
    registry.requestDuration.observe({ method: "GET", route: "/my", status: "2xx" }, 0.02);
    registry.requestDuration.observe({ method: "GET", route: "/my", status: "2xx" }, 0.3);
    const text = registry.render();
    expect(text).toContain("# TYPE lane_http_request_duration_seconds histogram");
    expect(text).toContain('lane_http_request_duration_seconds_bucket{method="GET",route="/my",status="2xx",le="0.01"} 0');
    expect(text).toContain('lane_http_request_duration_seconds_bucket{method="GET",route="/my",status="2xx",le="0.025"} 1');
    expect(text).toContain('lane_http_request_duration_seconds_bucket{method="GET",route="/my",status="2xx",le="0.5"} 2');
    expect(text).toContain('lane_http_request_duration_seconds_count{method="GET",route="/my",status="2xx"} 2');
    expect(text).toMatch(/lane_http_request_duration_seconds_sum\{[^}]*\} 0\.32/);
  });

  it("reads gauges when scraped and escapes label values", () => {
    const registry = new Registry();
    let waiting = 1;
    registry.gauge({ name: "lane_db_pool_connections", help: "pool", read: () => [{ labels: { state: 'wait"ing' }, value: waiting }] });
    waiting = 3;
    expect(registry.render()).toContain('lane_db_pool_connections{state="wait\\"ing"} 3');
  });

  it("folds ids out of routes so each page is one series", () => {
    expect(routePattern("/hr/classes/42")).toBe("/hr/classes/:id");
    expect(routePattern("/trainer/sessions/7/sheet")).toBe("/trainer/sessions/:id/sheet");
    expect(routePattern("/build/_shared/chunk-ABC.js")).toBe("/build/*");
    expect(routePattern("/catalogue")).toBe("/catalogue");
  });
});
