// Fires a list of HTTP requests all at once (every one is started in the same tick) and
// records each one's status, latency and body. One keep-alive agent per target origin, so
// requests alternating between two instances behave like a round-robin load balancer in
// front of them.
import http from "node:http";

export type BurstRequest = { url: string; method: string; headers?: Record<string, string> };
export type BurstResult = { status: number; ms: number; body: string; error?: string; index: number };

export async function burst(
  requests: BurstRequest[],
  options: { maxSocketsPerOrigin?: number; timeoutMs?: number } = {},
): Promise<{ results: BurstResult[]; wallMs: number }> {
  const agents = new Map<string, http.Agent>();
  const agentFor = (origin: string) => {
    let agent = agents.get(origin);
    if (!agent) {
      agent = new http.Agent({ keepAlive: true, maxSockets: options.maxSocketsPerOrigin ?? Infinity });
      agents.set(origin, agent);
    }
    return agent;
  };
  const timeoutMs = options.timeoutMs ?? 120_000;
  const started = performance.now();
  const pending = requests.map(
    (spec, index) =>
      new Promise<BurstResult>((resolve) => {
        const t0 = performance.now();
        const url = new URL(spec.url);
        const done = (status: number, body: string, error?: string) =>
          resolve({ status, ms: performance.now() - t0, body, error, index });
        const req = http.request(
          url,
          {
            method: spec.method,
            agent: agentFor(url.origin),
            headers: { "content-length": "0", ...spec.headers },
            timeout: timeoutMs,
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (chunk: Buffer) => chunks.push(chunk));
            res.on("end", () => done(res.statusCode ?? 0, Buffer.concat(chunks).toString("utf8")));
            res.on("error", (error) => done(0, "", error.message));
          },
        );
        req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
        req.on("error", (error) => done(0, "", error.message));
        req.end();
      }),
  );
  const results = await Promise.all(pending);
  const wallMs = performance.now() - started;
  for (const agent of agents.values()) agent.destroy();
  return { results, wallMs };
}
