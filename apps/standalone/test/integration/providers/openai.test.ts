import { startOpenAIFake } from "@imagegate/testkit";
import { describeProviderContract } from "./contract";

describeProviderContract({
  id: "openai",
  startFake: startOpenAIFake,
  env: (fake, key) => ({ OPENAI_API_KEY: key, OPENAI_BASE_URL: fake.url }),
  input: (call) => call.body as Record<string, unknown>,
  expectNativeSize: (input) => expect(input.size).toBe("1000x700"),
  expectEdit: (call) => {
    expect(call.path).toBe("/v1/images/edits");
    const form = call.body as FormData;
    expect(form.getAll("image[]")).toHaveLength(2);
    expect(form.get("prompt")).toBe("edit me");
  },
  submitsForTwo: 1,
  tasks: false,
});
