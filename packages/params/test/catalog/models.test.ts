import { describeModel, FLUX2_MAX, findModel, MODELS, PROVIDER_IDS } from "@imagegate/params";

describe("the model catalog", () => {
  it("has FLUX.2 [max], [pro] and [flex], found by id", () => {
    expect(MODELS.map((m) => m.id)).toEqual(["flux.2-max", "flux.2-pro", "flux.2-flex"]);
    expect(findModel("flux.2-max")).toBe(FLUX2_MAX);
    expect(findModel("flux.9")).toBeUndefined();
  });

  it.each(MODELS.map((m) => [m.id, m] as const))(
    "%s is served by every provider, local last",
    (_id, model) => {
      expect(model.routes.map((r) => r.provider)).toEqual([
        "bfl",
        "fal",
        "replicate",
        "openai",
        "local",
      ]);
    },
  );

  it.each(MODELS.flatMap((m) => m.routes.map((r) => [m.id, r.provider, r] as const)))(
    "%s on %s declares handling for every public parameter",
    (_id, _provider, route) => {
      for (const param of [
        "prompt",
        "n",
        "size",
        "aspect_ratio",
        "resolution",
        "seed",
        "response_format",
        "output_format",
        "output_compression",
        "output_quality",
        "width",
        "height",
        "image",
      ]) {
        expect(route.params[param]).toBeDefined();
      }
      expect(route.nativeFormats.length).toBeGreaterThan(0);
    },
  );

  it("spells the providers' own model ids", () => {
    const ids = Object.fromEntries(FLUX2_MAX.routes.map((r) => [r.provider, r.nativeModel]));
    expect(ids).toMatchObject({
      bfl: "flux-2-max",
      fal: "fal-ai/flux-2-max",
      replicate: "black-forest-labs/flux-2-max",
    });
    expect(FLUX2_MAX.routes.find((r) => r.provider === "fal")?.nativeEditModel).toBe(
      "fal-ai/flux-2-max/edit",
    );
  });
});

describe("describeModel", () => {
  const view = describeModel(FLUX2_MAX, new Set(["local", "bfl"]));

  it("lists the nine 1K sizes as WxH strings and the default", () => {
    expect(view.sizes["1K"]).toMatchObject({
      "4:3": "1183x887",
      "3:4": "887x1182",
      "16:9": "1365x768",
    });
    expect(Object.keys(view.sizes["1K"] ?? {})).toHaveLength(9);
    expect(view.default_size).toBe("1024x1024");
    expect(view).toMatchObject({
      id: "flux.2-max",
      object: "model",
      owned_by: "black-forest-labs",
      pixel_budget: 4194304,
    });
  });

  it("marks enabled providers and shows each one's parameter table", () => {
    expect(view.providers.map((p) => [p.provider, p.enabled])).toEqual(
      PROVIDER_IDS.map((p) => [p, p === "local" || p === "bfl"]),
    );
    const fal = view.providers.find((p) => p.provider === "fal");
    expect(fal?.parameters.safety_tolerance).toMatchObject({ kind: "converted" });
    expect(fal?.parameters.n).toMatchObject({ kind: "emulated" });
  });

  it("shows each rule's fallback, unknown fields and where size auto reaches the provider", () => {
    const by = Object.fromEntries(view.providers.map((p) => [p.provider, p]));
    expect(by.bfl?.parameters.output_format).toMatchObject({
      kind: "passthrough",
      fallback: { kind: "emulated", when: expect.stringContaining("webp, avif or gif") },
    });
    expect(by.bfl?.parameters.size).toMatchObject({
      kind: "converted",
      to: ["width", "height"],
      fallback: { kind: "emulated" },
    });
    expect(by.replicate?.parameters.prompt).toEqual({ kind: "renamed", to: "input.prompt" });
    expect(by.replicate?.unknown_parameters).toEqual({ kind: "renamed", to: "input.<name>" });
    expect(by.local?.unknown_parameters.kind).toBe("dropped");
    expect(by.openai?.auto_size).toEqual(["generation", "edit"]);
    expect(by.fal?.auto_size).toEqual(["edit"]);
    expect(by.bfl?.auto_size).toEqual([]);
  });

  it.each(MODELS.flatMap((m) => m.routes.map((r) => [m.id, r.provider, r] as const)))(
    "%s on %s uses only the seed's four kinds and dropped in its table",
    (_id, _provider, route) => {
      for (const rule of Object.values(route.params)) {
        expect(["passthrough", "renamed", "converted", "emulated", "dropped"]).toContain(rule.kind);
      }
    },
  );
});
