/**
 * The OpenAPI 3.1 document of the gateway, generated from zod schemas with
 * @asteasolutions/zod-to-openapi (maintained, zod 4): every route's request
 * (the schema the route validates with) and every JSON answer (named
 * schemas in `responses.ts`), plus the error envelope on 4XX/5XX.
 * Schemas made before zod was extended (`responses.ts` does it) are
 * registered as clones, which have the extension's `.openapi()`.
 */
import {
  OpenAPIRegistry,
  OpenApiGeneratorV31,
  type ResponseConfig,
  type RouteConfig,
} from "@asteasolutions/zod-to-openapi";
import { CreateKeySchema, UpdateKeySchema } from "@imagegate/jobs";
import { GenerationRequestSchema } from "@imagegate/params";
import { z } from "zod";
import { CreateBatchSchema } from "../services/create-batch";
import {
  ApiKeyCreatedSchema,
  ApiKeyDeletedSchema,
  ApiKeyListSchema,
  ApiKeySchema,
  BatchSchema,
  ErrorEnvelopeSchema,
  FileDeletedSchema,
  FileSchema,
  HealthSchema,
  ImagesResponseSchema,
  JobSchema,
  listOf,
  ModelListSchema,
  ModelSchema,
  UsageSchema,
  WebhookSecretSchema,
} from "./responses";

/** Builds the document (once per app). */
export function buildOpenApi(): Record<string, unknown> {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
  });
  const schemas = {
    Error: registry.register("Error", ErrorEnvelopeSchema),
    ImagesResponse: registry.register("ImagesResponse", ImagesResponseSchema),
    Job: registry.register("Job", JobSchema),
    File: registry.register("File", FileSchema),
    Batch: registry.register("Batch", BatchSchema),
    Model: registry.register("Model", ModelSchema),
  };
  const generation = registry.register("ImageGenerationRequest", GenerationRequestSchema.clone());
  const editJson = registry.register(
    "ImageEditJsonRequest",
    z.looseObject({
      prompt: z.string(),
      image: z.union([z.string(), z.array(z.string())]).optional(),
      images: z.array(z.object({ image_url: z.string() })).optional(),
    }),
  );
  const json = (schema: z.ZodType, description: string): ResponseConfig => ({
    description,
    content: { "application/json": { schema } },
  });
  const errors = {
    "4XX": json(schemas.Error, "OpenAI error envelope"),
    "5XX": json(schemas.Error, "OpenAI error envelope"),
  };
  const id = z.object({ id: z.string() });
  const paging = z.object({
    limit: z.coerce.number().int().optional(),
    after: z.string().optional(),
  });
  const route = (config: RouteConfig) =>
    registry.registerPath({
      security: [{ [bearer.name]: [] }],
      ...config,
      responses: { ...config.responses, ...errors },
    });

  route({
    method: "post",
    path: "/v1/images/generations",
    summary: "Generate images (sync; `Prefer: respond-async` for 202 and a job)",
    request: { body: { required: true, content: { "application/json": { schema: generation } } } },
    responses: {
      200: json(schemas.ImagesResponse, "Images response"),
      202: json(schemas.Job, "Job object (Prefer: respond-async)"),
    },
  });
  route({
    method: "post",
    path: "/v1/images/edits",
    summary: "Edit images: multipart (image, image[], mask) or JSON (image URLs / data URIs)",
    request: {
      body: {
        required: true,
        content: {
          "multipart/form-data": {
            schema: z.looseObject({
              prompt: z.string(),
              image: z.string().meta({ format: "binary" }).optional(),
              "image[]": z.array(z.string().meta({ format: "binary" })).optional(),
              mask: z.string().meta({ format: "binary" }).optional(),
            }),
          },
          "application/json": { schema: editJson },
        },
      },
    },
    responses: {
      200: json(schemas.ImagesResponse, "Images response"),
      202: json(schemas.Job, "Job object (Prefer: respond-async)"),
    },
  });
  route({
    method: "get",
    path: "/v1/jobs",
    summary: "List the caller's jobs",
    request: {
      query: paging.extend({
        status: z.enum(["queued", "in_progress", "succeeded", "failed", "canceled"]).optional(),
      }),
    },
    responses: { 200: json(listOf(schemas.Job), "A page of jobs") },
  });
  route({
    method: "get",
    path: "/v1/jobs/{id}",
    summary: "A job (`?wait=N` long-polls up to N ≤ 60 s for a final state)",
    request: { params: id, query: z.object({ wait: z.coerce.number().int().max(60).optional() }) },
    responses: { 200: json(schemas.Job, "Job object") },
  });
  route({
    method: "post",
    path: "/v1/jobs/{id}/cancel",
    summary: "Cancel a job",
    request: { params: id },
    responses: { 200: json(schemas.Job, "Job object") },
  });
  route({
    method: "get",
    path: "/v1/jobs/{id}/events",
    summary: "State changes as Server-Sent Events until the job is final",
    request: { params: id },
    responses: {
      200: {
        description: "Event stream",
        content: { "text/event-stream": { schema: z.string() } },
      },
    },
  });
  route({
    method: "post",
    path: "/v1/jobs/{id}/webhook/redeliver",
    summary: "Send the job's webhook again",
    request: { params: id },
    responses: { 202: json(schemas.Job, "Job object") },
  });
  const secret = registry.register("WebhookSecret", WebhookSecretSchema);
  route({
    method: "get",
    path: "/v1/webhooks/secret",
    summary: "The calling key's whsec_ signing secret",
    responses: { 200: json(secret, "Secret") },
  });
  route({
    method: "post",
    path: "/v1/webhooks/secret/rotate",
    summary: "A new signing secret; the previous one keeps signing for 24 h",
    responses: { 200: json(secret, "The new secret") },
  });
  const usage = registry.register("Usage", UsageSchema);
  const usageWindow = z.object({
    start_time: z.coerce.number().int().optional(),
    end_time: z.coerce.number().int().optional(),
  });
  route({
    method: "get",
    path: "/v1/usage",
    summary: "The calling key's images, jobs, spend, holds and budget (whole UTC days)",
    request: { query: usageWindow },
    responses: { 200: json(usage, "Usage") },
  });
  const apiKey = registry.register("ApiKey", ApiKeySchema);
  route({
    method: "post",
    path: "/admin/keys",
    summary: "Create a managed key (ADMIN_API_KEY); the key is shown only here",
    request: {
      body: {
        required: true,
        content: {
          "application/json": {
            schema: registry.register("ApiKeyCreateRequest", CreateKeySchema.clone()),
          },
        },
      },
    },
    responses: {
      201: json(registry.register("ApiKeyCreated", ApiKeyCreatedSchema), "The new key"),
    },
  });
  route({
    method: "get",
    path: "/admin/keys",
    summary: "Static and managed keys (ADMIN_API_KEY)",
    responses: { 200: json(registry.register("ApiKeyList", ApiKeyListSchema), "Keys") },
  });
  route({
    method: "get",
    path: "/admin/keys/{id}",
    summary: "A key",
    request: { params: id },
    responses: { 200: json(apiKey, "Key") },
  });
  route({
    method: "patch",
    path: "/admin/keys/{id}",
    summary: "Change a managed key's name, limits or disabled flag",
    request: {
      params: id,
      body: {
        required: true,
        content: {
          "application/json": {
            schema: registry.register("ApiKeyUpdateRequest", UpdateKeySchema.clone()),
          },
        },
      },
    },
    responses: { 200: json(apiKey, "Key") },
  });
  route({
    method: "delete",
    path: "/admin/keys/{id}",
    summary: "Delete a managed key (refused at once)",
    request: { params: id },
    responses: { 200: json(registry.register("ApiKeyDeleted", ApiKeyDeletedSchema), "Deleted") },
  });
  route({
    method: "get",
    path: "/admin/keys/{id}/usage",
    summary: "Any key's usage (ADMIN_API_KEY)",
    request: { params: id, query: usageWindow },
    responses: { 200: json(usage, "Usage") },
  });
  route({
    method: "post",
    path: "/v1/files",
    summary: "Upload a batch JSONL file",
    request: {
      body: {
        required: true,
        content: {
          "multipart/form-data": {
            schema: z.object({
              file: z.string().meta({ format: "binary" }),
              purpose: z.literal("batch"),
            }),
          },
        },
      },
    },
    responses: { 200: json(schemas.File, "File object") },
  });
  route({
    method: "get",
    path: "/v1/files",
    summary: "List files",
    request: {
      query: paging.extend({
        order: z.enum(["asc", "desc"]).optional(),
        purpose: z.string().optional(),
      }),
    },
    responses: { 200: json(listOf(schemas.File), "A page of files") },
  });
  route({
    method: "get",
    path: "/v1/files/{id}",
    summary: "File metadata",
    request: { params: id },
    responses: { 200: json(schemas.File, "File object") },
  });
  route({
    method: "delete",
    path: "/v1/files/{id}",
    summary: "Delete a file",
    request: { params: id },
    responses: { 200: json(registry.register("FileDeleted", FileDeletedSchema), "Deleted") },
  });
  route({
    method: "get",
    path: "/v1/files/{id}/content",
    summary: "File bytes (JSONL)",
    request: { params: id },
    responses: {
      200: { description: "The file", content: { "application/jsonl": { schema: z.string() } } },
    },
  });
  route({
    method: "post",
    path: "/v1/batches",
    summary: "Create a batch",
    request: {
      body: {
        required: true,
        content: {
          "application/json": {
            schema: registry.register("BatchCreateRequest", CreateBatchSchema.clone()),
          },
        },
      },
    },
    responses: { 200: json(schemas.Batch, "Batch object") },
  });
  route({
    method: "get",
    path: "/v1/batches",
    summary: "List batches",
    request: { query: paging },
    responses: { 200: json(listOf(schemas.Batch), "A page of batches") },
  });
  route({
    method: "get",
    path: "/v1/batches/{id}",
    summary: "A batch",
    request: { params: id },
    responses: { 200: json(schemas.Batch, "Batch object") },
  });
  route({
    method: "post",
    path: "/v1/batches/{id}/cancel",
    summary: "Cancel a batch",
    request: { params: id },
    responses: { 200: json(schemas.Batch, "Batch object") },
  });
  route({
    method: "get",
    path: "/v1/models",
    summary: "The model catalog",
    responses: { 200: json(registry.register("ModelList", ModelListSchema), "Models") },
  });
  route({
    method: "get",
    path: "/v1/models/{id}",
    summary: "A model: sizes, providers, parameter handling",
    request: { params: id },
    responses: { 200: json(schemas.Model, "Model") },
  });
  const health = registry.register("Health", HealthSchema);
  for (const [path, summary] of [
    ["/healthz", "The process answers"],
    ["/readyz", "Redis and storage are reachable (503 otherwise)"],
  ] as const) {
    registry.registerPath({
      method: "get",
      path,
      summary,
      security: [],
      responses: { 200: json(health, "Healthy"), 503: json(health, "Not ready") },
    });
  }

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "imagegate",
      version: "0.1.0",
      description: "OpenAI-compatible image generation and editing gateway",
    },
    security: [{ bearer: [] }],
  }) as unknown as Record<string, unknown>;
}
