// GET /metrics in Prometheus text format. Metrics reveal traffic patterns, so they are served
// to the machine itself (a scraper or sidecar on loopback) and to whoever presents
// METRICS_TOKEN; everyone else gets 404, as if there were nothing here.
import { timingSafeEqual } from "node:crypto";
import type { Request, Response } from "express";
import { metrics } from "../app/observability/metrics.server";

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

function tokenMatches(given: string | undefined, expected: string | undefined): boolean {
  if (!given || !expected) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function mayReadMetrics(remoteAddress: string | undefined, authorization: string | undefined, token: string | undefined) {
  if (remoteAddress && LOOPBACK.has(remoteAddress)) return true;
  const bearer = authorization?.startsWith("Bearer ") ? authorization.slice("Bearer ".length) : undefined;
  return tokenMatches(bearer, token);
}

export function metricsHandler(token: string | undefined) {
  return (req: Request, res: Response) => {
    // The socket's address, not req.ip: a proxy's X-Forwarded-For must not open the door.
    if (!mayReadMetrics(req.socket.remoteAddress, req.get("authorization"), token)) {
      res.status(404).type("text/plain").send("Not found");
      return;
    }
    res.setHeader("Cache-Control", "no-store");
    res.type("text/plain; version=0.0.4; charset=utf-8").send(metrics.render());
  };
}
