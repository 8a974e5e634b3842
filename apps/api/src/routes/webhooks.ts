/**
 * `GET /v1/webhooks/secret`: the calling key's `whsec_…` secret, which
 * verifies the webhooks of its jobs and batches (and only those).
 * `POST /v1/webhooks/secret/rotate` issues a new one; the old one keeps
 * signing beside it for 24 h, so receivers can switch without losing events.
 */
import type { SigningSecrets } from "@imagegate/jobs";
import { GatewayError } from "@imagegate/params";
import { Router } from "express";
import type { ApiDeps } from "../deps";
import { callerOf } from "../http/caller";

function present(secrets: SigningSecrets) {
  return {
    object: "webhook_secret" as const,
    secret: secrets.current,
    previous_secret_expires_at:
      secrets.previousExpiresAtMs === null ? null : Math.floor(secrets.previousExpiresAtMs / 1000),
  };
}

/** The webhooks router. */
export function webhooksRouter(deps: ApiDeps): Router {
  const router = Router();
  router.get("/v1/webhooks/secret", async (_req, res) => {
    res.json(present(await deps.secrets.signing(callerOf(res).owner)));
  });
  router.post("/v1/webhooks/secret/rotate", async (_req, res) => {
    const owner = callerOf(res).owner;
    if (deps.secrets.isConfigured(owner)) {
      throw GatewayError.invalidRequest(
        null,
        "This key's webhooks are signed with WEBHOOK_SECRET; change it in the gateway's environment.",
        "invalid_request",
      );
    }
    res.json(present(await deps.secrets.rotate(owner)));
  });
  return router;
}
