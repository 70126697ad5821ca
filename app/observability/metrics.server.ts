// A small Prometheus registry (text exposition format 0.0.4), kept on globalThis so the custom
// server and the Remix build share it. Enough for request durations by route, database timings
// and pool usage, without another dependency.
type Labels = Record<string, string>;

const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`);
  return parts.length ? `{${parts.join(",")}}` : "";
}

class Histogram {
  readonly series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets = DEFAULT_BUCKETS,
  ) {}

  observe(labels: Labels, seconds: number) {
    const key = JSON.stringify(labels);
    let entry = this.series.get(key);
    if (!entry) this.series.set(key, (entry = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 }));
    this.buckets.forEach((bound, i) => {
      if (seconds <= bound) entry!.counts[i]++;
    });
    entry.sum += seconds;
    entry.count++;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const { labels, counts, sum, count } of this.series.values()) {
      this.buckets.forEach((bound, i) => lines.push(`${this.name}_bucket${labelText({ ...labels, le: String(bound) })} ${counts[i]}`));
      lines.push(`${this.name}_bucket${labelText({ ...labels, le: "+Inf" })} ${count}`);
      lines.push(`${this.name}_sum${labelText(labels)} ${sum}`);
      lines.push(`${this.name}_count${labelText(labels)} ${count}`);
    }
    return lines.join("\n");
  }
}

class Counter {
  readonly series = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Labels, by = 1) {
    const key = JSON.stringify(labels);
    const entry = this.series.get(key);
    if (entry) entry.value += by;
    else this.series.set(key, { labels, value: by });
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const { labels, value } of this.series.values()) lines.push(`${this.name}${labelText(labels)} ${value}`);
    return lines.join("\n");
  }
}

/** Gauges are read when scraped (e.g. the connection pool's current counts). */
type GaugeSource = { name: string; help: string; read: () => { labels: Labels; value: number }[] };

export class Registry {
  readonly requestDuration = new Histogram("lane_http_request_duration_seconds", "HTTP request duration by method, route and status class");
  readonly dbQueryDuration = new Histogram("lane_db_query_duration_seconds", "Database statement duration by dialect and kind");
  readonly slowQueries = new Counter("lane_db_slow_queries_total", "Statements slower than SLOW_QUERY_MS");
  readonly gauges = new Map<string, GaugeSource>();

  gauge(source: GaugeSource) {
    this.gauges.set(source.name, source);
  }

  render(): string {
    const parts = [this.requestDuration.render(), this.dbQueryDuration.render(), this.slowQueries.render()];
    for (const gauge of this.gauges.values()) {
      const lines = [`# HELP ${gauge.name} ${gauge.help}`, `# TYPE ${gauge.name} gauge`];
      for (const { labels, value } of gauge.read()) lines.push(`${gauge.name}${labelText(labels)} ${value}`);
      parts.push(lines.join("\n"));
    }
    parts.push(`# HELP lane_process_uptime_seconds Process uptime\n# TYPE lane_process_uptime_seconds gauge\nlane_process_uptime_seconds ${Math.round(process.uptime())}`);
    return parts.join("\n") + "\n";
  }
}

const holder = globalThis as unknown as { __laneMetrics?: Registry };
export const metrics: Registry = (holder.__laneMetrics ??= new Registry());

/**
 * A request path as a route pattern, so ids don't make a series each: numbers and long
 * codes become ":id"; fingerprinted assets are one series.
 */
export function routePattern(path: string): string {
  if (path.startsWith("/build/")) return "/build/*";
  return (
    path
      .split("/")
      .map((segment) => (/^\d+$/.test(segment) || /^[A-Za-z0-9-]{16,}$/.test(segment) ? ":id" : segment))
      .join("/") || "/"
  );
}
