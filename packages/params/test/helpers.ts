/** Helpers for params tests: catch a GatewayError and read its fields. */
import { GatewayError } from "@imagegate/params";

/** The GatewayError `fn` throws (fails the test when it does not throw one). */
export function gatewayErrorOf(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error("expected a GatewayError");
}
