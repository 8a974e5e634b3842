import { startFalFake } from "@imagegate/testkit";
import { describeProviderContract } from "./contract";

describeProviderContract({
  id: "fal",
  startFake: startFalFake,
  env: (fake, key) => ({ FAL_KEY: key, FAL_BASE_URL: fake.url }),
  input: (call) => call.body as Record<string, unknown>,
  expectNativeSize: (input) => expect(input.image_size).toEqual({ width: 1008, height: 704 }),
  submitsForTwo: 2,
});
