import {
  allowsModel,
  CreateKeySchema,
  KeyLimitsInputSchema,
  mergeLimits,
  NO_LIMITS,
  UpdateKeySchema,
} from "@imagegate/jobs";

describe("KeyLimitsInputSchema", () => {
  it.each([
    [{}, true],
    [{ requests_per_minute: 3 }, true],
    [{ requests_per_minute: null, budget_usd: null, models: null }, true],
    [{ budget_usd: 0 }, true],
    [{ budget_usd: 0.3, models: ["flux.2-max", "flux.2-pro"] }, true],
    [{ requests_per_minute: 0 }, false],
    [{ requests_per_minute: 2.5 }, false],
    [{ budget_usd: -1 }, false],
    [{ models: [] }, false],
    [{ models: ["dall-e-9"] }, false],
    [{ rpm: 3 }, false],
  ])("%j valid: %p", (limits, valid) => {
    expect(KeyLimitsInputSchema.safeParse(limits).success).toBe(valid);
  });

  it("names the unknown model", () => {
    const parsed = KeyLimitsInputSchema.safeParse({ models: ["flux.2-max", "nope"] });
    expect(parsed.error?.issues[0]).toMatchObject({
      path: ["models", 1],
      message: "unknown model 'nope'",
    });
  });
});

describe("mergeLimits", () => {
  const current = { requests_per_minute: 10, budget_usd: 5, models: ["flux.2-max"] };
  it.each([
    ["nothing given keeps all", undefined, current],
    ["an empty patch keeps all", {}, current],
    ["a value replaces", { budget_usd: 7 }, { ...current, budget_usd: 7 }],
    ["null clears", { requests_per_minute: null }, { ...current, requests_per_minute: null }],
    [
      "several at once",
      { models: null, budget_usd: 0 },
      { requests_per_minute: 10, budget_usd: 0, models: null },
    ],
  ])("%s", (_name, patch, expected) => {
    expect(mergeLimits(current, patch)).toEqual(expected);
  });

  it("from no limits gives what was asked", () => {
    expect(mergeLimits(NO_LIMITS, { requests_per_minute: 3 })).toEqual({
      requests_per_minute: 3,
      budget_usd: null,
      models: null,
    });
  });
});

describe("CreateKeySchema / UpdateKeySchema", () => {
  it.each([
    [{ name: "team a" }, true],
    [{ name: "  " }, false],
    [{}, false],
    [{ name: "x", limits: { budget_usd: 1 } }, true],
    [{ name: "x", key: "sk-mine" }, false],
  ])("create %j valid: %p", (body, valid) => {
    expect(CreateKeySchema.safeParse(body).success).toBe(valid);
  });

  it.each([
    [{}, true],
    [{ disabled: true }, true],
    [{ disabled: "yes" }, false],
    [{ limits: { models: ["flux.2-flex"] } }, true],
    [{ id: "key_x" }, false],
  ])("update %j valid: %p", (body, valid) => {
    expect(UpdateKeySchema.safeParse(body).success).toBe(valid);
  });
});

describe("allowsModel", () => {
  it.each([
    [null, "flux.2-max", true],
    [["flux.2-max"], "flux.2-max", true],
    [["flux.2-max"], "flux.2-pro", false],
  ])("models %j, %s: %p", (models, model, allowed) => {
    expect(allowsModel({ ...NO_LIMITS, models }, model)).toBe(allowed);
  });
});
