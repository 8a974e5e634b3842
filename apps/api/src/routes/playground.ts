/**
 * `GET /playground` (docs/architecture.md#routes): a page to try the API, and `/`
 * redirecting there. Mounted before auth so the page itself loads; its API
 * calls carry the key the user types. The assets are plain files shipped in
 * this package (`apps/api/playground`), so the page works offline, and its
 * Content-Security-Policy lets it talk to this origin only.
 */
import { join, resolve } from "node:path";
import { GatewayError } from "@imagegate/params";
import express, { type Response, Router } from "express";

/** Where the page's files are, from `src/routes` and `dist/routes` alike. */
const PLAYGROUND_DIR = resolve(__dirname, "../../playground");

/**
 * The page's Content-Security-Policy: scripts, styles and calls to this
 * origin only; images also from http(s), because with STORAGE=s3 result
 * links point at the bucket.
 */
const PLAYGROUND_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob: http: https:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

function pageHeaders(res: Response): void {
  res.setHeader("content-security-policy", PLAYGROUND_CSP);
  res.setHeader("x-content-type-options", "nosniff");
  res.setHeader("referrer-policy", "no-referrer");
  // Small files, changed by deploys: revalidate instead of serving a stale page.
  res.setHeader("cache-control", "no-cache");
}

/** The playground router. */
export function playgroundRouter(dir: string = PLAYGROUND_DIR): Router {
  const router = Router();
  router.get("/", (_req, res) => {
    res.redirect(302, "/playground");
  });
  router.get("/playground", (_req, res) => {
    pageHeaders(res);
    res.sendFile(join(dir, "index.html"));
  });
  router.use(
    "/playground/assets",
    express.static(join(dir, "assets"), {
      index: false,
      redirect: false,
      dotfiles: "ignore",
      setHeaders: (res) => pageHeaders(res as Response),
    }),
  );
  // An unknown asset is a 404 envelope here, not a 401 from the auth that follows.
  router.use("/playground/assets", (req) => {
    throw new GatewayError(
      "not_found",
      `Unknown request URL: ${req.method} ${req.originalUrl}.`,
      null,
    );
  });
  return router;
}
