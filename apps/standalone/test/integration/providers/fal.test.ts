import { startFalFake } from "@imagegate/testkit";
import { describeProviderContract, imageOf } from "./contract";

describeProviderContract({
  id: "fal",
  startFake: startFalFake,
  env: (fake, key) => ({ FAL_KEY: key, FAL_BASE_URL: fake.url }),
  input: (call) => call.body as Record<string, unknown>,
  expectNativeSize: (input) => expect(input.image_size).toEqual({ width: 1008, height: 704 }),
  expectEdit: (call, input) => {
    expect(call.path).toBe("/fal-ai/flux-2-max/edit");
    expect(input.image_urls).toEqual([
      expect.stringMatching(/^data:image\/png;base64,/),
      expect.any(String),
    ]);
  },
  submitsForTwo: 2,
  tasks: true,
  more: ({ generate, edit, lastInput }) => {
    it("sends image_size auto on an edit and answers the size fal made", async () => {
      const res = await edit({ size: "auto" });
      expect(res.status).toBe(200);
      expect(lastInput().image_size).toBe("auto");
      // fal follows the input (48×32); the gateway's own guess would have been 1254×836.
      expect(await imageOf(res.body)).toMatchObject({ width: 48, height: 32 });
      expect(res.body.size).toBe("48x32");
      expect(res.body.applied.size.chosen_by).toBe("provider");
    });

    it("reports an image_size extra the gateway overwrote, and refuses it when strict", async () => {
      const res = await generate({ size: "256x256", image_size: "square_hd" });
      expect(res.status).toBe(200);
      expect(lastInput().image_size).toEqual({ width: 256, height: 256 });
      expect(res.body.applied.coerced).toEqual([
        expect.objectContaining({ param: "image_size", requested: "square_hd" }),
      ]);
      const strict = await generate({ size: "256x256", image_size: "square_hd", strict: true });
      expect(strict.status).toBe(400);
      expect(strict.body.error).toMatchObject({ param: "image_size", code: "parameter_coerced" });
    });
  },
});
