// Per-request facts (request id, client address) reachable from any server code without
// threading them through every call: log lines and audit events carry the request id.
import { AsyncLocalStorage } from "node:async_hooks";

export type RequestContext = { requestId: string; ip: string | null };

type Holder = { __laneRequestContext?: AsyncLocalStorage<RequestContext> };
const holder = globalThis as unknown as Holder;
// One storage per process, shared by the custom server and the Remix build.
const storage = (holder.__laneRequestContext ??= new AsyncLocalStorage<RequestContext>());

export function runWithRequestContext<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}

export function requestContext(): RequestContext | undefined {
  return storage.getStore();
}
