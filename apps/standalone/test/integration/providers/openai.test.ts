import { startOpenAIFake } from "@imagegate/testkit";
import { describeProviderContract, imageOf } from "./contract";

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
  more: ({ generate, edit, lastInput }) => {
    it("sends size auto as auto and answers the size the upstream made", async () => {
      const res = await generate({ prompt: "a wide landscape at dawn", size: "auto" });
      expect(res.status).toBe(200);
      expect(lastInput().size).toBe("auto");
      // The fake picks 1536×1024 for a landscape, as GPT image does: nothing resizes it.
      expect(await imageOf(res.body)).toEqual({ format: "png", width: 1536, height: 1024 });
      expect(res.body.size).toBe("1536x1024");
      expect(res.body.applied.size).toMatchObject({
        source: "auto",
        chosen_by: "provider",
        width: null,
        height: null,
      });
      expect(res.body.applied.parameters.size).toEqual({ kind: "passthrough" });
    });

    it("sends size auto on an edit as a multipart field", async () => {
      const res = await edit({ size: "auto", prompt: "a tall portrait" });
      expect(res.status).toBe(200);
      expect((lastInput() as unknown as FormData).get("size")).toBe("auto");
      expect(await imageOf(res.body)).toMatchObject({ width: 1024, height: 1536 });
      expect(res.body.size).toBe("1024x1536");
    });
  },
});
