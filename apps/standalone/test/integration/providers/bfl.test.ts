import { startBflFake } from "@imagegate/testkit";
import { describeProviderContract } from "./contract";

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
});
