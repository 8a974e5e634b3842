/**
 * `GET /openapi.json` (OpenAPI 3.1, generated from the zod schemas: see
 * `openapi/document.ts`) and `GET /docs`, Swagger UI served from the
 * `swagger-ui-dist` package in the dependency tree: no CDN, no font, no
 * request to any other origin, so the page works offline. Its CSP allows
 * this origin only; the validator badge (which calls swagger.io) is off.
 */
import express, { Router } from "express";
import { getAbsoluteFSPath } from "swagger-ui-dist";
import { buildOpenApi } from "../openapi/document";

const CSP = [
  "default-src 'self'",
  "img-src 'self' data:",
  // Swagger UI sets inline styles from script.
  "style-src 'self' 'unsafe-inline'",
  "script-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
].join("; ");

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>imagegate API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="docs"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script></body></html>`;

const INIT = `window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#docs",
  deepLinking: true,
  validatorUrl: null,
});`;

/** The OpenAPI router (mounted before auth: the contract is public). */
export function openApiRouter(): Router {
  const router = Router();
  const document = buildOpenApi();
  router.get("/openapi.json", (_req, res) => {
    res.json(document);
  });
  router.get("/docs", (_req, res) => {
    res.setHeader("content-security-policy", CSP);
    res.type("html").send(PAGE);
  });
  router.get("/docs/init.js", (_req, res) => {
    res.type("js").send(INIT);
  });
  router.use(
    "/docs/assets",
    express.static(getAbsoluteFSPath(), { index: false, maxAge: "1d", fallthrough: false }),
  );
  return router;
}
