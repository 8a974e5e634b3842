/**
 * The admin guard (ADMIN_API_KEY, docs/architecture.md#tenants): `/admin/keys`
 * and the queue board take the admin key as a Bearer token, or as the password
 * of HTTP Basic auth so a browser can open the board. Tenant keys are refused.
 */
import { GatewayError } from "@imagegate/params";
import type { RequestHandler } from "express";
import { basicPassword, bearerToken, sameSecret } from "./credentials";

/** Accepts `Bearer <adminKey>` or Basic auth whose password is `adminKey`; else 401. */
export function adminAuth(adminKey: string): RequestHandler {
  return (req, _res, next) => {
    const header = req.get("authorization");
    const bearer = bearerToken(header);
    const password = basicPassword(header);
    if ((bearer && sameSecret(bearer, adminKey)) || (password && sameSecret(password, adminKey))) {
      return next();
    }
    throw new GatewayError("invalid_api_key", "This route needs the ADMIN_API_KEY.", null, {
      headers: { "www-authenticate": 'Basic realm="imagegate admin"' },
    });
  };
}
