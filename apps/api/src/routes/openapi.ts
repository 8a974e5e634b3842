/**
 * `GET /openapi.json` (OpenAPI 3.1, request bodies generated from the zod
 * schemas the API validates with) and `GET /docs` (a viewer page for it).
 * Built once when the app is created.
 */
import { BATCH_ENDPOINTS, CreateKeySchema, UpdateKeySchema } from "@imagegate/jobs";
import { GenerationRequestSchema, MetadataSchema } from "@imagegate/params";
import { Router } from "express";
import { z } from "zod";

const schema = (s: z.ZodType) => {
  const { $schema: _omit, ...rest } = z.toJSONSchema(s, {
    io: "input",
    unrepresentable: "any",
  }) as Record<string, unknown>;
  return rest;
};

const ok = (description: string) => ({ description, content: { "application/json": {} } });
const errors = {
  "4XX": { description: "OpenAI error envelope {error: {message, type, param, code}}" },
};
const idParam = [{ name: "id", in: "path", required: true, schema: { type: "string" } }];
const usageWindow = ["start_time", "end_time"].map((name) => ({
  name,
  in: "query",
  required: false,
  schema: { type: "integer", description: "unix seconds; counted in whole UTC days" },
}));

/** The OpenAPI document of the gateway. */
export function buildOpenApi(): Record<string, unknown> {
  const generation = schema(GenerationRequestSchema);
  const batch = schema(
    z.object({
      input_file_id: z.string(),
      endpoint: z.enum(BATCH_ENDPOINTS),
      completion_window: z.literal("24h"),
      metadata: MetadataSchema.optional(),
      webhook_url: z.string().url().optional(),
    }),
  );
  return {
    openapi: "3.1.0",
    info: {
      title: "imagegate",
      version: "0.1.0",
      description: "OpenAI-compatible image generation and editing gateway",
    },
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      schemas: {
        ImageGenerationRequest: generation,
        BatchCreateRequest: batch,
        ApiKeyCreateRequest: schema(CreateKeySchema),
        ApiKeyUpdateRequest: schema(UpdateKeySchema),
      },
    },
    security: [{ bearer: [] }],
    paths: {
      "/v1/images/generations": {
        post: {
          summary: "Generate images (sync; `Prefer: respond-async` for 202 + job)",
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: { $ref: "#/components/schemas/ImageGenerationRequest" },
              },
            },
          },
          responses: { 200: ok("Images response"), 202: ok("Job object"), ...errors },
        },
      },
      "/v1/images/edits": {
        post: {
          summary: "Edit images: multipart (image, image[], mask) or JSON (image URLs / data URIs)",
          requestBody: {
            required: true,
            content: { "multipart/form-data": {}, "application/json": {} },
          },
          responses: { 200: ok("Images response"), 202: ok("Job object"), ...errors },
        },
      },
      "/v1/jobs": {
        get: {
          summary: "List the caller's jobs (status, limit, after)",
          responses: { 200: ok("List of jobs"), ...errors },
        },
      },
      "/v1/jobs/{id}": {
        get: {
          summary: "A job (?wait=N long-poll, N ≤ 60)",
          parameters: idParam,
          responses: { 200: ok("Job object"), ...errors },
        },
      },
      "/v1/jobs/{id}/cancel": {
        post: {
          summary: "Cancel a job",
          parameters: idParam,
          responses: { 200: ok("Job object"), ...errors },
        },
      },
      "/v1/jobs/{id}/events": {
        get: {
          summary: "Server-Sent Events until final",
          parameters: idParam,
          responses: { 200: { description: "text/event-stream" } },
        },
      },
      "/v1/jobs/{id}/webhook/redeliver": {
        post: {
          summary: "Send the job's webhook again",
          parameters: idParam,
          responses: { 202: ok("Job object"), ...errors },
        },
      },
      "/v1/webhooks/secret": {
        get: {
          summary: "The calling key's whsec_ signing secret",
          responses: { 200: ok("Webhook secret") },
        },
      },
      "/v1/webhooks/secret/rotate": {
        post: {
          summary: "A new signing secret; the previous one keeps signing for 24 h",
          responses: { 200: ok("Webhook secret"), ...errors },
        },
      },
      "/v1/usage": {
        get: {
          summary: "The calling key's images, jobs, spend, holds and budget",
          parameters: usageWindow,
          responses: { 200: ok("Usage"), ...errors },
        },
      },
      "/admin/keys": {
        post: {
          summary: "Create a managed key (ADMIN_API_KEY); the key is shown only here",
          requestBody: {
            required: true,
            content: {
              "application/json": { schema: { $ref: "#/components/schemas/ApiKeyCreateRequest" } },
            },
          },
          responses: { 201: ok("API key with its key"), ...errors },
        },
        get: { summary: "Static and managed keys (ADMIN_API_KEY)", responses: { 200: ok("List") } },
      },
      "/admin/keys/{id}": {
        get: {
          summary: "A key",
          parameters: idParam,
          responses: { 200: ok("API key"), ...errors },
        },
        patch: {
          summary: "Change a managed key's name, limits or disabled flag",
          parameters: idParam,
          requestBody: {
            required: true,
            content: {
              "application/json": { schema: { $ref: "#/components/schemas/ApiKeyUpdateRequest" } },
            },
          },
          responses: { 200: ok("API key"), ...errors },
        },
        delete: {
          summary: "Delete a managed key (refused at once)",
          parameters: idParam,
          responses: { 200: ok("Deletion status"), ...errors },
        },
      },
      "/admin/keys/{id}/usage": {
        get: {
          summary: "Any key's usage (ADMIN_API_KEY)",
          parameters: [...idParam, ...usageWindow],
          responses: { 200: ok("Usage"), ...errors },
        },
      },
      "/v1/files": {
        post: {
          summary: "Upload a batch JSONL file",
          requestBody: { content: { "multipart/form-data": {} } },
          responses: { 200: ok("File object"), ...errors },
        },
        get: { summary: "List files", responses: { 200: ok("List of files") } },
      },
      "/v1/files/{id}": {
        get: {
          summary: "File metadata",
          parameters: idParam,
          responses: { 200: ok("File object"), ...errors },
        },
        delete: {
          summary: "Delete a file",
          parameters: idParam,
          responses: { 200: ok("Deletion status"), ...errors },
        },
      },
      "/v1/files/{id}/content": {
        get: {
          summary: "File bytes",
          parameters: idParam,
          responses: { 200: { description: "application/jsonl" } },
        },
      },
      "/v1/batches": {
        post: {
          summary: "Create a batch",
          requestBody: {
            required: true,
            content: {
              "application/json": { schema: { $ref: "#/components/schemas/BatchCreateRequest" } },
            },
          },
          responses: { 200: ok("Batch object"), ...errors },
        },
        get: { summary: "List batches (limit, after)", responses: { 200: ok("List of batches") } },
      },
      "/v1/batches/{id}": {
        get: {
          summary: "A batch",
          parameters: idParam,
          responses: { 200: ok("Batch object"), ...errors },
        },
      },
      "/v1/batches/{id}/cancel": {
        post: {
          summary: "Cancel a batch",
          parameters: idParam,
          responses: { 200: ok("Batch object"), ...errors },
        },
      },
      "/v1/models": {
        get: { summary: "The model catalog", responses: { 200: ok("List of models") } },
      },
      "/v1/models/{id}": {
        get: {
          summary: "A model: sizes, providers, parameter handling",
          parameters: idParam,
          responses: { 200: ok("Model"), ...errors },
        },
      },
    },
  };
}

const DOCS_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>imagegate API</title></head>
<body><redoc spec-url="/openapi.json"></redoc>
<script src="https://cdn.redoc.ly/redoc/latest/bundles/redoc.standalone.js"></script></body></html>`;

/** The OpenAPI router (mounted before auth: the contract is public). */
export function openApiRouter(): Router {
  const router = Router();
  const document = buildOpenApi();
  router.get("/openapi.json", (_req, res) => {
    res.json(document);
  });
  router.get("/docs", (_req, res) => {
    res.type("html").send(DOCS_HTML);
  });
  return router;
}
