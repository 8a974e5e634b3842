import { startBflFake } from "@imagegate/testkit";
import { describeProviderContract } from "./contract";

describeProviderContract({
  id: "bfl",
  startFake: startBflFake,
  env: (fake, key) => ({ BFL_API_KEY: key, BFL_BASE_URL: fake.url }),
  input: (call) => call.body as Record<string, unknown>,
  expectNativeSize: (input) => expect([input.width, input.height]).toEqual([1008, 704]),
  submitsForTwo: 2,
});
