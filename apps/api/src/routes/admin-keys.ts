/**
 * Managed keys (docs/architecture.md#tenants), behind ADMIN_API_KEY: create
 * (the key is shown in this answer only), list, read, change (name, limits,
 * disabled) and delete, plus any key's usage. Static API_KEYS are listed too,
 * with no limits, so their ids (for usage) are at hand; they are changed in the
 * environment, not here. Without ADMIN_API_KEY the routes do not exist.
 */
import {
  CreateKeySchema,
  mergeLimits,
  NO_LIMITS,
  ownerOf,
  presentApiKey,
  redactKey,
  UpdateKeySchema,
} from "@imagegate/jobs";
import { fromZodError, GatewayError } from "@imagegate/params";
import { Router } from "express";
import type { ApiDeps } from "../deps";
import { adminAuth } from "../http/admin-auth";
import { jsonBody } from "../http/json-body";
import { keyUsage, parseUsageWindow } from "../services/key-usage";

/** The admin keys router; empty when no admin key is configured. */
export function adminKeysRouter(deps: ApiDeps): Router {
  const router = Router();
  const adminKey = deps.config.adminApiKey;
  if (!adminKey) return router;
  const statics = deps.config.apiKeys.map((key, i) => ({
    id: ownerOf(key),
    object: "api_key" as const,
    name: `API_KEYS[${i}]`,
    source: "static" as const,
    redacted_key: redactKey(key),
    limits: NO_LIMITS,
    disabled: false,
    created_at: null,
  }));
  const staticOf = (id: string) => statics.find((s) => s.id === id);
  const managed = async (id: string) => {
    const record = await deps.keys.get(id);
    if (!record) throw GatewayError.notFound("api key", id);
    return record;
  };
  const refuseStatic = (id: string) => {
    if (staticOf(id)) {
      throw GatewayError.invalidRequest(
        null,
        `Key ${id} comes from API_KEYS; change it in the gateway's environment.`,
        "invalid_request",
      );
    }
  };

  router.use("/admin/keys", adminAuth(adminKey));

  router.post("/admin/keys", ...jsonBody(), async (req, res) => {
    const parsed = CreateKeySchema.safeParse(req.body ?? {});
    if (!parsed.success) throw fromZodError(parsed.error);
    const limits = mergeLimits(NO_LIMITS, parsed.data.limits);
    const { record, key } = await deps.keys.create(parsed.data.name, limits);
    deps.logger.info({ keyId: record.id, name: record.name }, "api key created");
    res.status(201).json({ ...presentApiKey(record), key });
  });

  router.get("/admin/keys", async (_req, res) => {
    const data = [...statics, ...(await deps.keys.list()).map(presentApiKey)];
    res.json({ object: "list", data, has_more: false });
  });

  router.get("/admin/keys/:id", async (req, res) => {
    res.json(staticOf(req.params.id) ?? presentApiKey(await managed(req.params.id)));
  });

  router.patch("/admin/keys/:id", ...jsonBody(), async (req, res) => {
    const id = req.params.id as string;
    refuseStatic(id);
    const parsed = UpdateKeySchema.safeParse(req.body ?? {});
    if (!parsed.success) throw fromZodError(parsed.error);
    const record = await deps.keys.update(id, parsed.data);
    if (!record) throw GatewayError.notFound("api key", id);
    deps.logger.info({ keyId: record.id, change: parsed.data }, "api key changed");
    res.json(presentApiKey(record));
  });

  router.delete("/admin/keys/:id", async (req, res) => {
    refuseStatic(req.params.id);
    if (!(await deps.keys.delete(req.params.id))) {
      throw GatewayError.notFound("api key", req.params.id);
    }
    deps.logger.info({ keyId: req.params.id }, "api key deleted");
    res.json({ id: req.params.id, object: "api_key", deleted: true });
  });

  router.get("/admin/keys/:id/usage", async (req, res) => {
    const limits = staticOf(req.params.id)?.limits ?? (await managed(req.params.id)).limits;
    const window = parseUsageWindow(req.query, Math.floor(Date.now() / 1000));
    res.json(await keyUsage(deps, req.params.id, limits, window));
  });

  return router;
}
