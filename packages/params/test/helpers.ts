/** Helpers for params tests: catch a GatewayError and read its fields; plan a body on a provider. */
import {
  FLUX2_MAX,
  GatewayError,
  type InputImage,
  normalizeImageRequest,
  type ProviderId,
  type ProviderPlan,
  planRequest,
} from "@imagegate/params";

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

/** A stored input image of an edit, `width`×`height` PNG. */
function inputImage(width = 48, height = 32): InputImage {
  return { key: `inputs/${width}x${height}.png`, mime: "image/png", width, height, bytes: 100 };
}

/** Normalizes `body` (an edit when `edit` is set, with two input images) and plans it on `provider` of FLUX.2 [max]. */
export function planOn(
  provider: ProviderId,
  body: Record<string, unknown>,
  options: { edit?: boolean; seeds?: number[] } = {},
): ProviderPlan {
  const route = FLUX2_MAX.routes.find((r) => r.provider === provider);
  if (!route) throw new Error(provider);
  const seeds = options.seeds ?? [42];
  let i = 0;
  const req = normalizeImageRequest(
    { prompt: "p", ...body },
    options.edit ? { operation: "edit", images: [inputImage(), inputImage()] } : {},
  );
  return planRequest(req, FLUX2_MAX, route, {
    randomSeed: () => seeds[i++ % seeds.length] as number,
  });
}
