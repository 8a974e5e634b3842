import { bflUpsampledPrompt, startBflFake } from "@imagegate/testkit";
import { describeProviderContract, imageOf } from "./contract";

describeProviderContract({
  id: "bfl",
  startFake: startBflFake,
  env: (fake, key) => ({ BFL_API_KEY: key, BFL_BASE_URL: fake.url }),
  input: (call) => call.body as Record<string, unknown>,
  expectNativeSize: (input) => expect([input.width, input.height]).toEqual([1008, 704]),
  expectEdit: (_call, input) => {
    // Local links are not reachable from BFL, so references go inline as base64.
    expect(typeof input.input_image).toBe("string");
    expect(
      Buffer.from(input.input_image as string, "base64")
        .subarray(1, 4)
        .toString(),
    ).toBe("PNG");
    expect(input.input_image_2).toBe(input.input_image);
    expect(input.input_image_3).toBeUndefined();
  },
  submitsForTwo: 2,
  tasks: true,
  more: ({ generate, lastInput }) => {
    it("answers BFL's result.prompt as revised_prompt, upsampled when asked", async () => {
      const plain = await generate({ prompt: "a fox", size: "256x256" });
      expect(plain.body.data[0].revised_prompt).toBe("a fox");
      const upsampled = await generate({
        prompt: "a fox",
        size: "256x256",
        prompt_upsampling: true,
      });
      expect(lastInput().prompt_upsampling).toBe(true);
      expect(upsampled.body.data[0].revised_prompt).toBe(bflUpsampledPrompt("a fox"));
    });

    it("reports the gateway's choice for size auto, which BFL cannot make itself", async () => {
      const res = await generate({ size: "auto" });
      expect(res.status).toBe(200);
      expect([lastInput().width, lastInput().height]).toEqual([1024, 1024]);
      expect(res.body.size).toBe("1024x1024");
      expect(res.body.applied.size).toMatchObject({ chosen_by: "gateway", width: 1024 });
      expect(res.body.applied.parameters.size.kind).toBe("emulated");
    });

    it("reports width beside size as overridden, and refuses it when strict", async () => {
      const res = await generate({ size: "64x64", width: 800 });
      expect(res.status).toBe(200);
      expect([lastInput().width, lastInput().height]).toEqual([64, 64]);
      expect(await imageOf(res.body)).toMatchObject({ width: 64, height: 64 });
      expect(res.body.applied.parameters.width.kind).toBe("overridden");
      expect(res.body.applied.coerced).toEqual([
        expect.objectContaining({ param: "width", requested: "800", applied: "64" }),
      ]);
      const strict = await generate({ size: "64x64", width: 800, strict: true });
      expect(strict.status).toBe(400);
      expect(strict.body.error).toMatchObject({ param: "width", code: "parameter_coerced" });
    });
  },
});
