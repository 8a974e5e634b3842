import { providerOrderFor } from "@imagegate/jobs";
import { FLUX2_MAX, type ProviderId } from "@imagegate/params";

const enabled = (...ids: ProviderId[]) => new Set<ProviderId>(["local", ...ids]);

describe("providerOrderFor", () => {
  it("serves everything locally when no provider is enabled", () => {
    expect(providerOrderFor(FLUX2_MAX, enabled(), {})).toEqual(["local"]);
  });

  it("uses the catalog order of enabled providers, without local", () => {
    expect(providerOrderFor(FLUX2_MAX, enabled("replicate", "bfl"), {})).toEqual([
      "bfl",
      "replicate",
    ]);
  });

  it("follows a configured provider order, skipping disabled providers", () => {
    expect(
      providerOrderFor(FLUX2_MAX, enabled("bfl", "fal"), {
        "flux.2-max": ["fal", "replicate", "bfl"],
      }),
    ).toEqual(["fal", "bfl"]);
    expect(providerOrderFor(FLUX2_MAX, enabled("bfl"), { "flux.2-max": ["bfl", "local"] })).toEqual(
      ["bfl", "local"],
    );
  });

  it("falls back to the catalog when the configured order has no enabled provider", () => {
    expect(providerOrderFor(FLUX2_MAX, enabled("bfl"), { "flux.2-max": ["fal"] })).toEqual(["bfl"]);
  });
});
