import { startFalFake } from "@imagegate/testkit";
import { describeProviderContract } from "./contract";

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
});
