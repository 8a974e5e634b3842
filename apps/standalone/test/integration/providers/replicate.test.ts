import { startReplicateFake } from "@imagegate/testkit";
import { describeProviderContract } from "./contract";

describeProviderContract({
  id: "replicate",
  startFake: startReplicateFake,
  env: (fake, key) => ({ REPLICATE_API_TOKEN: key, REPLICATE_BASE_URL: fake.url }),
  input: (call) => (call.body as { input: Record<string, unknown> }).input,
  expectNativeSize: (input) =>
    expect([input.aspect_ratio, input.width, input.height]).toEqual(["custom", 1024, 704]),
  expectEdit: (_call, input) => {
    expect(input.input_images).toEqual([
      expect.stringMatching(/^data:image\/png;base64,/),
      expect.any(String),
    ]);
  },
  submitsForTwo: 2,
  tasks: true,
});
