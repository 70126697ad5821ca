// Structured JSON logs (pino). Every line written while serving a request carries its
// request id, taken from the request context.
import pino from "pino";
import { requestContext } from "~/utils/request-context.server";

type Holder = { __laneLogger?: pino.Logger };
const holder = globalThis as unknown as Holder;

function createLogger() {
  return pino({
    level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "silent" : "info"),
    base: { app: "lane-academy", pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin() {
      const context = requestContext();
      return context ? { requestId: context.requestId } : {};
    },
    redact: { paths: ["password", "*.password", "passwordHash", "*.passwordHash", "token", "*.token"], remove: true },
  });
}

export const logger: pino.Logger = (holder.__laneLogger ??= createLogger());
