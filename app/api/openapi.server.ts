// The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json. Written by hand as a
// typed object next to the code it describes; tests/integration/api-openapi.db.test.ts fails
// when a route file under app/routes/api.v1.* has no path here (or a path has no route), when
// a documented method has no handler, or when a $ref points nowhere.
import { API_PAGE_DEFAULT, API_PAGE_MAX } from "~/api/api.server";
import { API_RATE_LIMITS } from "~/api/rate-limit.server";
import { CREDIT_CATEGORIES } from "~/credits/status";
import { DIMENSIONS, LEAVER_POLICIES, MET_FILTERS } from "~/reports/definition";

type Schema = { [key: string]: unknown };
type Parameter = { name: string; in: "query" | "path" | "header"; required?: boolean; description: string; schema: Schema };
type Operation = {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security?: Security;
  parameters?: (Parameter | { $ref: string })[];
  responses: Record<string, { description: string; content?: Record<string, { schema: Schema }>; headers?: Record<string, unknown> } | { $ref: string }>;
};
type PathItem = Partial<Record<"get" | "post" | "delete", Operation>>;
export type OpenApiDocument = {
  openapi: "3.1.0";
  info: { title: string; version: string; description: string };
  servers: { url: string }[];
  tags: { name: string; description: string }[];
  paths: Record<string, PathItem>;
  components: { securitySchemes: Record<string, Schema>; parameters: Record<string, Parameter>; responses: Record<string, Schema>; schemas: Record<string, Schema> };
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Schema) => ({ "application/json": { schema } });
const page = (item: string) => ({
  type: "object",
  required: ["data", "nextCursor"],
  properties: { data: { type: "array", items: ref(item) }, nextCursor: { type: ["string", "null"], description: "Pass as `cursor` for the next page; null at the end." } },
});
const points = { type: "number", description: "Points (stored as hundredths)." };
const byCategory = { type: "object", properties: Object.fromEntries(CREDIT_CATEGORIES.map((c) => [c, points])), required: [...CREDIT_CATEGORIES] };
const RATE_HEADERS = {
  "X-RateLimit-Limit": { schema: { type: "integer" }, description: "Requests allowed per window." },
  "X-RateLimit-Remaining": { schema: { type: "integer" } },
  "X-RateLimit-Reset": { schema: { type: "integer" }, description: "Unix time when the window ends." },
};
type Security = Record<string, string[]>[];
const HR_SECURITY: Security = [{ apiToken: [] }, { session: [] }];
const SESSION_ONLY: Security = [{ session: [] }];
const errors = (...codes: string[]) => Object.fromEntries(codes.map((code) => [code, { $ref: `#/components/responses/E${code}` }]));
const HR_ERRORS = errors("400", "401", "403", "429");

export const OPENAPI_DOCUMENT: OpenApiDocument = {
  openapi: "3.1.0",
  info: {
    title: "Lane Academy API",
    version: "1",
    description:
      "JSON API of Lane Academy (小巷学院). HR endpoints accept an API token (`Authorization: Bearer lat_…`, created by an administrator at /admin/tokens: read-only, limited to one unit's subtree) or the session cookie of an HR officer (their unit's subtree) or administrator. Errors are `{\"error\": {\"code\", \"message\", …}}` with `message` in the language of `Accept-Language` (zh-CN or en). See docs/api.md.",
  },
  servers: [{ url: "/" }],
  tags: [
    { name: "hr", description: "For HR systems: people, credits, ledger, appraisals, reports." },
    { name: "learner", description: "For the signed-in learner's app." },
    { name: "meta", description: "This description." },
  ],
  paths: {
    "/api/v1/people": {
      get: {
        operationId: "listPeople",
        summary: "People in a unit's subtree",
        tags: ["hr"],
        security: HR_SECURITY,
        parameters: [
          { name: "unit", in: "query", description: "Unit code; default: the caller's whole scope. 403 outside the scope, 404 unknown.", schema: { type: "string" } },
          { name: "active", in: "query", description: "Only active (true) or inactive (false) people.", schema: { type: "string", enum: ["true", "false"] } },
          { $ref: "#/components/parameters/limit" },
          { $ref: "#/components/parameters/cursor" },
        ],
        responses: { "200": { description: "A page of people, by internal id.", headers: RATE_HEADERS, content: json(page("Person")) }, ...HR_ERRORS, ...errors("404") },
      },
    },
    "/api/v1/people/{employeeNo}/credits": {
      get: {
        operationId: "personCredits",
        summary: "A person's credit status for a year",
        description: "From the same computation as every page, report and export (creditStatusForYear).",
        tags: ["hr"],
        security: HR_SECURITY,
        parameters: [
          { name: "employeeNo", in: "path", required: true, description: "Employee number.", schema: { type: "string" } },
          { $ref: "#/components/parameters/year" },
        ],
        responses: {
          "200": { description: "The status.", headers: RATE_HEADERS, content: json({ allOf: [{ type: "object", properties: { employeeNo: { type: "string" }, name: { type: "string" } } }, ref("CreditStatus")] }) },
          ...HR_ERRORS,
          ...errors("404"),
        },
      },
    },
    "/api/v1/ledger": {
      get: {
        operationId: "listLedger",
        summary: "Credit ledger entries",
        description: "Append-only: a correction is a reversal entry with negative points (`reversesEntryId`).",
        tags: ["hr"],
        security: HR_SECURITY,
        parameters: [
          { name: "person", in: "query", description: "Employee number; default: everyone in scope.", schema: { type: "string" } },
          { $ref: "#/components/parameters/yearFilter" },
          { $ref: "#/components/parameters/limit" },
          { $ref: "#/components/parameters/cursor" },
        ],
        responses: { "200": { description: "A page of entries, oldest first.", headers: RATE_HEADERS, content: json(page("LedgerEntry")) }, ...HR_ERRORS, ...errors("404") },
      },
    },
    "/api/v1/appraisals": {
      get: {
        operationId: "listAppraisals",
        summary: "Annual appraisal ratings",
        tags: ["hr"],
        security: HR_SECURITY,
        parameters: [
          { $ref: "#/components/parameters/yearFilter" },
          { name: "unit", in: "query", description: "Unit code; default: the caller's whole scope.", schema: { type: "string" } },
          { $ref: "#/components/parameters/limit" },
          { $ref: "#/components/parameters/cursor" },
        ],
        responses: { "200": { description: "A page of appraisals.", headers: RATE_HEADERS, content: json(page("Appraisal")) }, ...HR_ERRORS, ...errors("404") },
      },
    },
    "/api/v1/reports/credits": {
      get: {
        operationId: "creditReport",
        summary: "The credit report of a unit and year",
        description: "JSON: the group table (rows=groups, default) or person-years a page at a time (rows=people). CSV/XLSX: streamed downloads, one row per person-year by default, headers in the language of Accept-Language.",
        tags: ["hr"],
        security: HR_SECURITY,
        parameters: [
          { $ref: "#/components/parameters/year" },
          { name: "unit", in: "query", description: "Unit code; default: the caller's scope unit.", schema: { type: "string" } },
          { name: "format", in: "query", description: "Answer format.", schema: { type: "string", enum: ["json", "csv", "xlsx"], default: "json" } },
          { name: "rows", in: "query", description: "groups (the table) or people (person-years). Default: groups for json, people for files.", schema: { type: "string", enum: ["groups", "people"] } },
          { name: "groupBy", in: "query", description: "One or two dimensions, comma-separated.", schema: { type: "string", default: "unit", examples: ["unit", "unit,postType"] } },
          { name: "met", in: "query", description: "Only person-years that met (or did not meet) the requirement.", schema: { type: "string", enum: [...MET_FILTERS] } },
          {
            name: "leavers",
            in: "query",
            description: "People who have left: counted in years before the current one (past), in every year (all) or never (none); in their last unit, in years with ledger entries.",
            schema: { type: "string", enum: [...LEAVER_POLICIES], default: "past" },
          },
          { $ref: "#/components/parameters/limit" },
          { $ref: "#/components/parameters/cursor" },
        ],
        responses: {
          "200": {
            description: "The report.",
            headers: RATE_HEADERS,
            content: {
              "application/json": { schema: { oneOf: [ref("CreditReport"), page("ReportPersonYear")] } },
              "text/csv": { schema: { type: "string" } },
              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": { schema: { type: "string", format: "binary" } },
            },
          },
          ...HR_ERRORS,
          ...errors("404"),
        },
      },
    },
    "/api/v1/me/credits": {
      get: {
        operationId: "myCredits",
        summary: "The signed-in learner's credit status",
        tags: ["learner"],
        security: SESSION_ONLY,
        parameters: [{ $ref: "#/components/parameters/year" }],
        responses: { "200": { description: "The status.", headers: RATE_HEADERS, content: json(ref("CreditStatus")) }, ...errors("400", "401", "403", "404", "429") },
      },
    },
    "/api/v1/offerings": {
      get: {
        operationId: "listOfferings",
        summary: "Upcoming classes",
        tags: ["learner"],
        security: SESSION_ONLY,
        parameters: [
          ...(["q", "competency", "level", "street", "mode", "venue", "month", "seats"] as const).map(
            (name): Parameter => ({ name, in: "query", description: "Catalogue filter (docs/api.md).", schema: { type: "string" } }),
          ),
          { name: "limit", in: "query", description: "1–100, default 20.", schema: { type: "integer", minimum: 1, maximum: 100, default: 20 } },
          { $ref: "#/components/parameters/cursor" },
        ],
        responses: { "200": { description: "A page of classes.", headers: RATE_HEADERS, content: json(page("Offering")) }, ...errors("401", "429") },
      },
    },
    "/api/v1/offerings/{offeringId}/enrolments": {
      post: {
        operationId: "enrol",
        summary: "Enrol (or join the waiting list, or ask for approval)",
        tags: ["learner"],
        security: SESSION_ONLY,
        parameters: [{ name: "offeringId", in: "path", required: true, description: "Class id.", schema: { type: "integer" } }],
        responses: {
          "201": { description: "Enrolled, waitlisted or pending approval.", content: json(ref("EnrolmentResult")) },
          "200": { description: "Already enrolled: nothing changed.", content: json(ref("EnrolmentResult")) },
          ...errors("401", "403", "404"),
          "409": { $ref: "#/components/responses/E409" },
          "422": { $ref: "#/components/responses/E422" },
        },
      },
      delete: {
        operationId: "withdraw",
        summary: "Withdraw before the deadline",
        tags: ["learner"],
        security: SESSION_ONLY,
        parameters: [{ name: "offeringId", in: "path", required: true, description: "Class id.", schema: { type: "integer" } }],
        responses: { "200": { description: "Withdrawn.", content: json({ type: "object" }) }, ...errors("401", "403", "404"), "409": { $ref: "#/components/responses/E409" } },
      },
    },
    "/api/v1/openapi.json": {
      get: {
        operationId: "openapi",
        summary: "This document",
        tags: ["meta"],
        security: [],
        responses: { "200": { description: "OpenAPI 3.1.", content: json({ type: "object" }) } },
      },
    },
  },
  components: {
    securitySchemes: {
      apiToken: { type: "http", scheme: "bearer", description: "An API token (lat_…) from /admin/tokens. Read-only: any other method than GET is 405." },
      session: { type: "apiKey", in: "cookie", name: "lane_session", description: "The session cookie from POST /login." },
    },
    parameters: {
      year: { name: "year", in: "query", description: "Credit year, 2000–2100; default: this year in Shanghai.", schema: { type: "integer", minimum: 2000, maximum: 2100 } },
      yearFilter: { name: "year", in: "query", description: "Only this credit year (2000–2100).", schema: { type: "integer", minimum: 2000, maximum: 2100 } },
      limit: { name: "limit", in: "query", description: `Page size, 1–${API_PAGE_MAX}.`, schema: { type: "integer", minimum: 1, maximum: API_PAGE_MAX, default: API_PAGE_DEFAULT } },
      cursor: { name: "cursor", in: "query", description: "Opaque: the previous page's nextCursor.", schema: { type: "string" } },
    },
    responses: {
      E400: { description: "A bad parameter: `fields` names each with a translated message.", content: json(ref("Error")) },
      E401: { description: "No, an unknown or a revoked credential, or a token whose creator is disabled or lost the role (api.errors.tokenOwnerInactive).", content: json(ref("Error")) },
      E403: { description: "The role may not, or the record is outside the caller's unit scope.", content: json(ref("Error")) },
      E404: { description: "No such unit, person or class.", content: json(ref("Error")) },
      E409: { description: "A rule says no (see `code`).", content: json(ref("Error")) },
      E422: { description: "Not eligible (see `missing`).", content: json(ref("Error")) },
      E429: {
        description: `Rate limit: ${API_RATE_LIMITS.caller.limit} requests per ${API_RATE_LIMITS.caller.windowMs / 1000} s per token or account, counted across all instances.`,
        headers: { "Retry-After": { schema: { type: "integer" }, description: "Seconds until the window ends." } },
        content: json(ref("Error")),
      },
    },
    schemas: {
      Error: {
        type: "object",
        required: ["error"],
        properties: {
          error: {
            type: "object",
            required: ["code", "message"],
            properties: {
              code: { type: "string", description: "Stable: the message key, e.g. api.errors.outOfScope." },
              message: { type: "string", description: "In the caller's language." },
              parameter: { type: "string" },
              fields: { type: "object", additionalProperties: { type: "string" } },
              params: { type: "object" },
            },
          },
        },
      },
      Unit: { type: "object", properties: { code: { type: "string" }, nameZh: { type: "string" }, nameEn: { type: "string" }, kind: { type: "string", enum: ["district", "street", "area"] } } },
      Person: {
        type: "object",
        properties: {
          employeeNo: { type: "string" },
          name: { type: "string" },
          gender: { type: ["string", "null"], enum: ["female", "male", null] },
          birthYear: { type: ["integer", "null"] },
          unit: ref("Unit"),
          postType: { type: "string", description: "head | supervisor | staff" },
          grade: { type: "integer" },
          education: { type: "string" },
          socialWorkCert: { type: "string" },
          hiredOn: { type: "string", format: "date-time" },
          secretarySince: { type: ["string", "null"], format: "date-time" },
          active: { type: "boolean" },
        },
      },
      Explanation: { type: "object", properties: { code: { type: "string" }, params: { type: "object" }, message: { type: "string" } } },
      CreditStatus: {
        type: "object",
        properties: {
          year: { type: "integer" },
          earned: points,
          counted: points,
          required: points,
          met: { type: "boolean" },
          rolloverIn: points,
          byCategory,
          byCompetency: { type: "array", items: { type: "object", properties: { code: { type: "string" }, nameZh: { type: "string" }, nameEn: { type: "string" }, points } } },
          reasons: { type: "array", items: ref("Explanation") },
          notes: { type: "array", items: ref("Explanation") },
        },
      },
      LedgerEntry: {
        type: "object",
        properties: {
          id: { type: "integer" },
          employeeNo: { type: "string" },
          creditYear: { type: "integer" },
          points,
          category: { type: "string", enum: [...CREDIT_CATEGORIES] },
          sourceType: { type: "string", enum: ["completion", "camp_release", "adjustment", "import", "reversal"] },
          reversesEntryId: { type: ["integer", "null"] },
          offeringId: { type: ["integer", "null"] },
          campId: { type: ["integer", "null"] },
          adjustmentId: { type: ["integer", "null"] },
          note: { type: "string" },
          createdAt: { type: "string", format: "date-time" },
          competencies: { type: "array", items: { type: "object", properties: { code: { type: "string" }, points } } },
        },
      },
      Appraisal: {
        type: "object",
        properties: {
          id: { type: "integer" },
          employeeNo: { type: "string" },
          name: { type: "string" },
          unitCode: { type: "string" },
          year: { type: "integer" },
          rating: { type: "string", enum: ["excellent", "pass", "basic", "fail"] },
          note: { type: "string" },
          updatedAt: { type: "string", format: "date-time" },
        },
      },
      ReportGroup: { type: "object", properties: { dim: { type: "string", enum: [...DIMENSIONS] }, value: { type: "string" }, nameZh: { type: "string" }, nameEn: { type: "string" } } },
      ReportRow: {
        type: "object",
        properties: {
          key: { type: "string" },
          groups: { type: "array", items: ref("ReportGroup") },
          headcount: { type: "integer" },
          met: { type: "integer" },
          unmet: { type: "integer" },
          metRate: { type: ["number", "null"] },
          points,
          avgPoints: { type: ["number", "null"] },
          counted: { type: ["number", "null"] },
          byCategory,
        },
      },
      CreditReport: {
        type: "object",
        properties: { year: { type: "integer" }, unit: ref("Unit"), groupBy: { type: "array", items: { type: "string" } }, rows: { type: "array", items: ref("ReportRow") }, totals: ref("ReportRow") },
      },
      ReportPersonYear: {
        type: "object",
        properties: {
          employeeNo: { type: "string" },
          name: { type: "string" },
          unit: ref("Unit"),
          postType: { type: "string" },
          grade: { type: "integer" },
          year: { type: "integer" },
          groups: { type: "array", items: ref("ReportGroup") },
          points,
          byCategory,
          earned: points,
          counted: points,
          required: points,
          met: { type: "boolean" },
          left: { type: "boolean", description: "The person has left (see the leavers parameter)." },
        },
      },
      Offering: { type: "object", description: "A class (docs/api.md)." },
      EnrolmentResult: {
        type: "object",
        properties: {
          enrolmentId: { type: "integer" },
          state: { type: "string", enum: ["enrolled", "waitlisted", "pending_approval"] },
          waitlistPosition: { type: ["integer", "null"] },
          alreadyEnrolled: { type: "boolean" },
        },
      },
    },
  },
};
