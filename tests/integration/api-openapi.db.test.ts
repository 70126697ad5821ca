// The OpenAPI document lists exactly the /api/v1 route files, with their methods and the query
// parameters the endpoints accept.
import { describe, expect, it } from "vitest";
import { OPENAPI_DOCUMENT } from "~/api/openapi.server";
import { loader } from "~/routes/api.v1.openapi[.json]";
import { routeFiles, routePattern } from "../support/permission-matrix";

/** "/api/v1/people/:employeeNo/credits" → "/api/v1/people/{employeeNo}/credits" */
const openApiPath = (pattern: string) => pattern.replace(/:(\w+)/g, "{$1}");
const apiFiles = () => routeFiles().filter((f) => f.startsWith("api.v1."));

describe("GET /api/v1/openapi.json", () => {
  it("is an OpenAPI 3.1 document served as JSON to anyone", async () => {
    const response = await loader();
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.openapi).toBe("3.1.0");
    expect(body.paths["/api/v1/people"]?.get?.operationId).toBe("listPeople");
  });

  it("has a path for every /api/v1 route file and no path without one", async () => {
    const files = apiFiles();
    expect(files.length).toBeGreaterThanOrEqual(8);
    const fromFiles = files.map((f) => openApiPath(routePattern(f))).sort();
    expect(Object.keys(OPENAPI_DOCUMENT.paths).sort()).toEqual(fromFiles);
  });

  it("documents the methods each route answers", async () => {
    for (const file of apiFiles()) {
      const mod = (await import(`../../app/routes/${file}`)) as { loader?: unknown; action?: unknown };
      const item = OPENAPI_DOCUMENT.paths[openApiPath(routePattern(file))];
      const documented = Object.keys(item ?? {});
      expect(item, file).toBeDefined();
      // A loader that only answers 405 (enrolments) is not a GET worth documenting; an action
      // that only answers 405 (read-only endpoints) is not a write.
      if (documented.includes("post") || documented.includes("delete")) expect(mod.action, file).toBeTypeOf("function");
      if (documented.includes("get")) expect(mod.loader, file).toBeTypeOf("function");
    }
  });

  it("every $ref points at a component that exists", () => {
    const text = JSON.stringify(OPENAPI_DOCUMENT);
    const refs = [...text.matchAll(/"\$ref":"#\/components\/(\w+)\/(\w+)"/g)];
    expect(refs.length).toBeGreaterThan(10);
    const components = OPENAPI_DOCUMENT.components as Record<string, Record<string, unknown>>;
    for (const [, kind, name] of refs) expect(components[kind]?.[name], `${kind}/${name}`).toBeDefined();
  });
});
