/**
 * `/links/...`: links that live as long as the image (`stable-link.ts`).
 * Verified like `/files/…` links (the signature is the capability, no API
 * key), then answered with a 302 to a freshly signed short-lived link, so a
 * batch output line or a webhook payload read a week later still works while
 * the image is kept. A swept image is a 404.
 */
import { GatewayError } from "@imagegate/params";
import { verifyStableLink } from "@imagegate/storage";
import { Router } from "express";
import type { ApiDeps } from "../deps";

/** The stable links router (mounted before auth). */
export function stableLinksRouter(deps: ApiDeps): Router {
  const router = Router();
  router.get("/links/*key", async (req, res) => {
    const key = (req.params as { key: string[] }).key.join("/");
    const verdict = verifyStableLink({
      key,
      expires: String(req.query.expires ?? ""),
      signature: String(req.query.signature ?? ""),
      secret: deps.signingSecret,
      nowMs: Date.now(),
    });
    if (verdict !== "ok") {
      throw new GatewayError(
        "not_found",
        verdict === "expired" ? "This link has expired." : "Invalid link.",
      );
    }
    if (!(await deps.blobs.head(key))) throw GatewayError.notFound("file", key);
    res.setHeader("cache-control", "no-store");
    res.redirect(302, await deps.blobs.signedUrl(key, { ttlSeconds: deps.config.urlTtlSeconds }));
  });
  return router;
}
