import type { ParamHandling } from "@imagegate/params";
import { findOverrides, landingField, quote, stripRoot } from "../../src/plan/overrides";

describe("landingField", () => {
  it.each<[string, ParamHandling, string | undefined, string | null]>([
    ["guidance", { kind: "passthrough" }, undefined, "guidance"],
    ["seed", { kind: "renamed", to: "input.seed" }, "input", "seed"],
    [
      "output_quality",
      { kind: "renamed", to: "output_compression" },
      undefined,
      "output_compression",
    ],
    ["style", { kind: "dropped", note: "x" }, undefined, null],
    [
      "safety_tolerance",
      { kind: "converted", to: ["safety_tolerance"], note: "x" },
      undefined,
      null,
    ],
    ["n", { kind: "emulated", note: "x" }, undefined, null],
  ])("sends %s with %j (root %s) to %s", (name, handling, root, field) => {
    expect(landingField(name, handling, root)).toBe(field);
  });

  it("strips only the provider's own root", () => {
    expect([
      stripRoot("input.x", "input"),
      stripRoot("inputs.x", "input"),
      stripRoot("a", undefined),
    ]).toEqual(["x", "inputs.x", "a"]);
  });
});

describe("quote", () => {
  it.each([
    ["text", "text"],
    [4, "4"],
    [true, "true"],
    [{ b: 1, a: [2, { d: 3, c: 4 }] }, '{"a":[2,{"c":4,"d":3}],"b":1}'],
  ])("quotes %j as %s, object keys sorted", (value, quoted) => {
    expect(quote(value)).toBe(quoted);
  });
});

describe("findOverrides", () => {
  const gateway = { width: 1008, height: 704, output_format: "png", absent: undefined };

  it("reports a sent field the gateway writes with another value", () => {
    expect(
      findOverrides([{ param: "w", field: "width", value: 5 }], gateway, new Set(), undefined),
    ).toEqual([
      {
        param: "w",
        requested: "5",
        applied: "1008",
        reason: "the gateway writes width itself",
        kind: "overridden",
      },
    ]);
  });

  it("ignores equal values, fields the gateway leaves unset and fields it never writes", () => {
    const sent = [
      { param: "a", field: "output_format", value: "png" },
      { param: "b", field: "absent", value: 1 },
      { param: "c", field: "guidance", value: 2 },
    ];
    expect(findOverrides(sent, gateway, new Set(), undefined)).toEqual([]);
  });

  it("names the body root and fields the adapter writes later", () => {
    const [c] = findOverrides(
      [{ param: "input_images", field: "input_images", value: ["u"] }],
      {},
      new Set(["input_images"]),
      "input",
    );
    expect(c).toMatchObject({
      applied: "(the edit's input images)",
      reason: "the gateway writes input.input_images itself",
    });
  });
});
