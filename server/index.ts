// The production server: validates configuration, applies pending migrations, seeds the
// demo on a fresh database, then serves the Remix build behind Express with request ids
// and structured logs. Run by `npm start` (after `remix build`) or `npm run serve`.
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express from "express";
import { migrate } from "../app/db/migrate.server";
import { redactDatabaseUrl } from "../app/db/config.server";
import { env, EnvError } from "../app/utils/env.server";
import { closeDb, getDb } from "../app/utils/db.server";
import { logger } from "../app/utils/logger.server";
import { runWithRequestContext } from "../app/utils/request-context.server";
import { metrics, routePattern } from "../app/observability/metrics.server";
import { metricsHandler } from "./metrics-endpoint";
import { hasNulInUrl, nulRefusal } from "./nul-in-url";
import { isCrossSiteWrite } from "./same-origin";
import { securityHeaders } from "./security-headers";
import { withStartupLock } from "./startup-lock";
import { seedDemoIfEmpty } from "./seed-on-start";

function fail(message: string): never {
  // One line, no stack: configuration problems are the operator's to fix, not a crash.
  process.stderr.write(`lane-academy: ${message}\n`);
  process.exit(1);
}

async function main() {
  let config: ReturnType<typeof env>;
  try {
    config = env();
  } catch (error) {
    if (error instanceof EnvError) fail(`configuration error: ${error.message}`);
    throw error;
  }
  const where = redactDatabaseUrl(config.database);

  try {
    await withStartupLock(config.database, async () => {
      const result = await migrate(config.database);
      if (result.applied.length) logger.info({ applied: result.applied }, "migrations applied");
      await seedDemoIfEmpty(getDb(), config);
    });
  } catch (error) {
    fail(`cannot prepare the database at ${where}: ${(error as Error).message.split("\n")[0]}`);
  }

  const buildPath = path.resolve("build/index.js");
  if (!existsSync(buildPath)) fail("no build found: run `npm run build` first (or use `npm start`)");
  const build = (await import(pathToFileURL(buildPath).href)) as ServerBuild;

  const app = express();
  app.disable("x-powered-by");
  if (config.TRUST_PROXY === "true") app.set("trust proxy", true);

  app.use((req, res, next) => {
    const given = req.get("x-request-id");
    const requestId = given && /^[\w.-]{8,64}$/.test(given) && config.TRUST_PROXY === "true" ? given : randomUUID();
    res.setHeader("X-Request-Id", requestId);
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      metrics.requestDuration.observe(
        { method: req.method, route: routePattern(req.path), status: `${Math.floor(res.statusCode / 100)}xx` },
        ms / 1000,
      );
      runWithRequestContext({ requestId, ip: req.ip ?? null }, () =>
        logger.info(
          { method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms * 10) / 10 },
          "request",
        ),
      );
    });
    runWithRequestContext({ requestId, ip: req.ip ?? null }, () => next());
  });

  app.use((req, res, next) => {
    const ownOrigin = `${req.protocol}://${req.get("host")}`;
    if (isCrossSiteWrite({ method: req.method, ownOrigin, origin: req.get("origin"), secFetchSite: req.get("sec-fetch-site") })) {
      logger.warn({ method: req.method, path: req.path, origin: req.get("origin") }, "cross-site write refused");
      res.status(403).type("text/plain; charset=utf-8").send("跨站请求已被拒绝 / Cross-site request refused");
      return;
    }
    next();
  });

  app.use((req, res, next) => {
    if (hasNulInUrl(req.originalUrl)) {
      const refusal = nulRefusal(req.path);
      res.status(refusal.status).type(refusal.contentType).send(refusal.body);
      return;
    }
    next();
  });

  app.get("/metrics", metricsHandler(config.METRICS_TOKEN));
  app.use(securityHeaders({ production: config.NODE_ENV === "production" }));

  // Fingerprinted assets never change; everything else in public/ may.
  app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y" }));
  app.use(express.static("public", { maxAge: "1h" }));

  app.all(
    "*",
    createRequestHandler({
      build,
      mode: config.NODE_ENV,
      getLoadContext: (_req, res) => ({ cspNonce: String(res.locals.cspNonce ?? "") }),
    }),
  );

  const server = app.listen(config.PORT, config.HOST, () => {
    logger.info({ port: config.PORT, database: config.database.dialect, at: where }, "Lane Academy is listening");
    process.stdout.write(`Lane Academy: http://localhost:${config.PORT} (${config.database.dialect})\n`);
  });

  const shutdown = (signal: string) => {
    logger.info({ signal }, "shutting down");
    server.close(() => {
      void closeDb().finally(() => process.exit(0));
    });
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main().catch((error) => {
  logger.fatal({ err: error }, "failed to start");
  fail(`failed to start: ${(error as Error).message}`);
});
