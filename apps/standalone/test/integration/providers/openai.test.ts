import { startOpenAIFake } from "@imagegate/testkit";
import { describeProviderContract } from "./contract";

describeProviderContract({
  id: "openai",
  startFake: startOpenAIFake,
  env: (fake, key) => ({ OPENAI_API_KEY: key, OPENAI_BASE_URL: fake.url }),
  input: (call) => call.body as Record<string, unknown>,
  expectNativeSize: (input) => expect(input.size).toBe("1000x700"),
  submitsForTwo: 1,
});
