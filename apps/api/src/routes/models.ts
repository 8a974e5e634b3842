/** `GET /v1/models` and `GET /v1/models/{id}`: the catalog with each provider's parameter handling. */
import { describeModel, MODELS, requireModel } from "@imagegate/params";
import { Router } from "express";
import type { ApiDeps } from "../deps";

/** The models router. */
export function modelsRouter(deps: ApiDeps): Router {
  const router = Router();
  router.get("/v1/models", (_req, res) => {
    res.json({ object: "list", data: MODELS.map((m) => describeModel(m, deps.enabled)) });
  });
  router.get("/v1/models/:id", (req, res) => {
    res.json(describeModel(requireModel(req.params.id), deps.enabled));
  });
  return router;
}
