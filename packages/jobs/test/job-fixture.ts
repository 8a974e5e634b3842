/** A new job record for unit tests: a generation of "p" on flux.2-max, overridable field by field. */
import { normalizeImageRequest } from "@imagegate/params";
import { type NewJobInput, newJobRecord } from "../src/index";

export function testJob(input: Partial<NewJobInput> & { id: string }) {
  return newJobRecord({
    owner: "o",
    request: normalizeImageRequest({ prompt: "p" }),
    model: "flux.2-max",
    providerOrder: ["local"],
    requestId: null,
    ...input,
  });
}
