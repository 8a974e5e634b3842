import { createHash, createHmac, generateKeyPairSync, randomUUID, sign } from "node:crypto";
import {
  CallbackRejectedError,
  falKeys,
  falSignedMessage,
  verifyBflCallback,
  verifyFalCallback,
  verifyReplicateCallback,
} from "@imagegate/callbacks";
import { Webhook } from "standardwebhooks";

const reject = (fn: () => unknown, reason: RegExp) => {
  expect(fn).toThrow(CallbackRejectedError);
  expect(fn).toThrow(reason);
};

describe("verifyFalCallback", () => {
  const pair = generateKeyPairSync("ed25519");
  const other = generateKeyPairSync("ed25519");
  const keys = falKeys({ keys: [pair.publicKey.export({ format: "jwk" }) as never] });
  const now = 1_764_000_000;
  const body = Buffer.from(JSON.stringify({ request_id: "req-1", status: "OK" }));
  const headersFor = (
    opts: { key?: typeof pair.privateKey; ts?: number; id?: string; body?: Buffer } = {},
  ) => {
    const ts = String(opts.ts ?? now);
    const message = falSignedMessage(opts.id ?? "req-1", "user-1", ts, opts.body ?? body);
    return {
      "x-fal-webhook-request-id": opts.id ?? "req-1",
      "x-fal-webhook-user-id": "user-1",
      "x-fal-webhook-timestamp": ts,
      "x-fal-webhook-signature": sign(null, message, opts.key ?? pair.privateKey).toString("hex"),
    };
  };

  it("accepts a callback signed with a key of the JWKS, within 5 minutes", () => {
    expect(verifyFalCallback({ headers: headersFor(), body, keys, nowS: now })).toEqual({
      taskId: "req-1",
      messageId: `req-1:${now}`,
    });
    expect(
      verifyFalCallback({ headers: headersFor({ ts: now - 299 }), body, keys, nowS: now }),
    ).toMatchObject({ taskId: "req-1" });
  });

  it.each([
    ["another key", headersFor({ key: other.privateKey }), body, /signature/],
    [
      "a changed body",
      headersFor(),
      Buffer.from('{"request_id":"req-1","status":"ERROR"}'),
      /signature/,
    ],
    ["a stale timestamp", headersFor({ ts: now - 301 }), body, /tolerance/],
    ["a future timestamp", headersFor({ ts: now + 301 }), body, /tolerance/],
    ["no signature", { "x-fal-webhook-request-id": "req-1" }, body, /missing/],
    ["a body naming another request", headersFor({ id: "req-2", body }), body, /differs/],
  ])("refuses %s", (_label, headers, payload, reason) => {
    reject(() => verifyFalCallback({ headers, body: payload as Buffer, keys, nowS: now }), reason);
  });

  it("keeps only Ed25519 keys of a JWKS", () => {
    const jwk = pair.publicKey.export({ format: "jwk" }) as { kty: string; crv: string; x: string };
    expect(falKeys({ keys: [jwk, { kty: "RSA", crv: "", x: "" }] })).toHaveLength(1);
    expect(falKeys({})).toEqual([]);
  });
});

describe("verifyReplicateCallback", () => {
  const secret = `whsec_${Buffer.from("0123456789abcdef0123456789abcdef").toString("base64")}`;
  const body = JSON.stringify({ id: "pred-1", status: "succeeded" });
  const signed = (at = new Date(), key = secret, payload = body) => {
    const id = `msg_${randomUUID()}`;
    return {
      "webhook-id": id,
      "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
      "webhook-signature": new Webhook(key).sign(id, at, payload),
    };
  };

  it("accepts a Standard Webhooks signature with the account secret", () => {
    const headers = signed();
    expect(verifyReplicateCallback({ headers, body: Buffer.from(body), secret })).toEqual({
      taskId: "pred-1",
      messageId: headers["webhook-id"],
    });
  });

  it.each([
    [
      "another secret",
      () => signed(new Date(), `whsec_${Buffer.from("x".repeat(32)).toString("base64")}`),
      body,
    ],
    ["a changed body", () => signed(), JSON.stringify({ id: "pred-2", status: "succeeded" })],
    ["a timestamp 10 minutes old", () => signed(new Date(Date.now() - 600_000)), body],
    ["no headers", () => ({}), body],
  ])("refuses %s", (_label, headers, payload) => {
    reject(
      () => verifyReplicateCallback({ headers: headers(), body: Buffer.from(payload), secret }),
      /replicate callback refused/,
    );
  });
});

describe("verifyBflCallback", () => {
  const secret = "s3cret";
  const body = Buffer.from(JSON.stringify({ id: "task-1", status: "Ready" }));
  const hmac = createHmac("sha256", secret).update(body).digest("hex");
  const digest = createHash("sha256").update(body).digest("hex");

  it.each([
    ["the secret echoed in X-Webhook-Secret", { "x-webhook-secret": secret }],
    ["an X-BFL-Signature HMAC of the body", { "x-bfl-signature": `sha256=${hmac}` }],
  ])("accepts %s", (_label, headers) => {
    expect(verifyBflCallback({ headers, body, secret })).toEqual({
      taskId: "task-1",
      messageId: digest,
    });
  });

  it.each([
    ["a wrong secret", { "x-webhook-secret": "guess" }, body],
    [
      "an HMAC of another body",
      { "x-bfl-signature": `sha256=${hmac}` },
      Buffer.from('{"id":"t2"}'),
    ],
    ["no proof", {}, body],
    ["a body without an id", { "x-webhook-secret": secret }, Buffer.from('{"status":"Ready"}')],
  ])("refuses %s", (_label, headers, payload) => {
    reject(() => verifyBflCallback({ headers, body: payload, secret }), /bfl callback refused/);
  });
});
