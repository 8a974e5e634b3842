import { Writable } from "node:stream";
import { LOG_REDACTION } from "@imagegate/telemetry";
import pino from "pino";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { logger: pino({ redact: LOG_REDACTION }, stream), lines };
}

describe("LOG_REDACTION", () => {
  it("writes keys, bearer tokens, secrets and signatures as [redacted]", () => {
    const { logger, lines } = capture();
    logger.info(
      {
        requestId: "req_1",
        authorization: "Bearer sk-live",
        req: { headers: { authorization: "Bearer sk-live", "x-key": "bfl-key" } },
        provider: { apiKey: "fal-key", secret: "whsec_x", key: "k" },
        webhook: { headers: { "webhook-signature": "v1,abc" }, signature: "sig-value-9" },
        storage: { credentials: { secretAccessKey: "aws" } },
      },
      "line",
    );
    const text = JSON.stringify(lines[0]);
    for (const secret of [
      "sk-live",
      "bfl-key",
      "fal-key",
      "whsec_x",
      "v1,abc",
      "sig-value-9",
      "aws",
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(lines[0]).toMatchObject({ requestId: "req_1", authorization: "[redacted]" });
  });

  it("leaves everything else as it is", () => {
    const { logger, lines } = capture();
    logger.info({ jobId: "job_1", owner: "o", provider: "bfl", status: 200 }, "line");
    expect(lines[0]).toMatchObject({ jobId: "job_1", owner: "o", provider: "bfl", status: 200 });
  });
});
