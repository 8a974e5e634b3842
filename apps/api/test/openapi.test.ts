/**
 * /openapi.json is a valid OpenAPI 3.1 document (checked by swagger-parser's
 * validator) that documents every route's request and names the schema of
 * every JSON answer.
 */
import SwaggerParser from "@apidevtools/swagger-parser";
import { buildOpenApi } from "../src/openapi/document";

type Operation = {
  requestBody?: { content: Record<string, { schema?: unknown }> };
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
};

const document = buildOpenApi();
const paths = document.paths as Record<string, Record<string, Operation>>;
const operations = Object.entries(paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, op]) => ({ path, method, op })),
);

describe("buildOpenApi", () => {
  it("passes an OpenAPI 3.1 validator", async () => {
    // validate() dereferences in place: give it a copy.
    const api = await SwaggerParser.validate(structuredClone(document) as never);
    expect((api as { openapi: string }).openapi).toBe("3.1.0");
  });

  it("is checked for real: the validator refuses a broken copy", async () => {
    const broken = structuredClone(document) as { paths: Record<string, Record<string, unknown>> };
    (broken.paths["/v1/jobs"] as Record<string, unknown>).get = { responses: "none" };
    await expect(SwaggerParser.validate(broken as never)).rejects.toThrow();
  });

  it("documents every route of the API", () => {
    expect(Object.keys(paths).sort()).toEqual(
      [
        "/admin/keys",
        "/admin/keys/{id}",
        "/admin/keys/{id}/usage",
        "/healthz",
        "/readyz",
        "/v1/batches",
        "/v1/batches/{id}",
        "/v1/batches/{id}/cancel",
        "/v1/files",
        "/v1/files/{id}",
        "/v1/files/{id}/content",
        "/v1/images/edits",
        "/v1/images/generations",
        "/v1/jobs",
        "/v1/jobs/{id}",
        "/v1/jobs/{id}/cancel",
        "/v1/jobs/{id}/events",
        "/v1/jobs/{id}/webhook/redeliver",
        "/v1/models",
        "/v1/models/{id}",
        "/v1/usage",
        "/v1/webhooks/secret",
        "/v1/webhooks/secret/rotate",
      ].sort(),
    );
  });

  it("gives every POST a request body schema", () => {
    // Actions on an id, and a secret's rotation, take no body.
    const posts = operations.filter(
      (o) => o.method === "post" && !o.path.includes("{id}") && !o.path.endsWith("/rotate"),
    );
    expect(posts.length).toBeGreaterThanOrEqual(4);
    for (const { op } of posts) {
      const bodies = Object.values(op.requestBody?.content ?? {});
      expect(bodies.length).toBeGreaterThan(0);
      for (const body of bodies) expect(body.schema).toBeDefined();
    }
  });

  it("names the schema of every JSON answer, errors included", () => {
    const schemas = Object.keys((document.components as { schemas: object }).schemas);
    for (const name of ["ImagesResponse", "Job", "Batch", "File", "Model", "Error"]) {
      expect(schemas).toContain(name);
    }
    for (const { path, method, op } of operations) {
      for (const [status, answer] of Object.entries(op.responses)) {
        const json = answer.content?.["application/json"]?.schema;
        if (!json) continue;
        const named =
          json.$ref ??
          (json as { properties?: { data?: { items?: { $ref?: string } } } }).properties?.data
            ?.items?.$ref;
        expect([`${method} ${path} ${status}`, named]).toEqual([
          `${method} ${path} ${status}`,
          expect.stringMatching(/^#\/components\/schemas\/[A-Z]\w+$/),
        ]);
      }
      expect(op.responses["4XX"]?.content?.["application/json"]?.schema?.$ref).toBe(
        /^\/(v1|admin)\//.test(path) ? "#/components/schemas/Error" : undefined,
      );
    }
  });
});
