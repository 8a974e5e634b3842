/**
 * A webhook receiver for tests: a loopback HTTP server that verifies every
 * delivery with `standardwebhooks`' `Webhook.verify` — as a real consumer
 * would — and records it. It can be told to fail the next deliveries.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

/** One delivery received. */
export type Delivery = {
  id: string;
  timestamp: string;
  /** True when the signature verified with the secret. */
  verified: boolean;
  /** The parsed payload (when it verified). */
  payload: { type: string; timestamp: string; data: Record<string, unknown> } | null;
  status: number;
  at: number;
  /** The body and signature headers as sent, to verify with another secret. */
  raw: { body: string; headers: Record<string, string> };
};

/** A running receiver. */
export type WebhookReceiver = {
  url: string;
  deliveries: Delivery[];
  /** Answer the next `times` deliveries with `status` (and headers such as retry-after). */
  failNext(status: number, times?: number, headers?: Record<string, string>): void;
  close(): Promise<void>;
};

/** True when a delivery as sent (`Delivery.raw`) verifies with `secret`. */
export function verifiesWith(secret: string, raw: Delivery["raw"]): boolean {
  try {
    new Webhook(secret).verify(raw.body, raw.headers);
    return true;
  } catch {
    return false;
  }
}

/** Starts a receiver verifying with `secret` (`whsec_…`). */
export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  const verifier = new Webhook(secret);
  const deliveries: Delivery[] = [];
  const failures: { status: number; headers: Record<string, string> }[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const headers = {
      "webhook-id": String(req.headers["webhook-id"] ?? ""),
      "webhook-timestamp": String(req.headers["webhook-timestamp"] ?? ""),
      "webhook-signature": String(req.headers["webhook-signature"] ?? ""),
    };
    let payload: Delivery["payload"] = null;
    try {
      payload = verifier.verify(body, headers) as Delivery["payload"];
    } catch {
      payload = null;
    }
    const failure = payload ? failures.shift() : undefined;
    const status = payload ? (failure?.status ?? 200) : 400;
    deliveries.push({
      id: headers["webhook-id"],
      timestamp: headers["webhook-timestamp"],
      verified: payload !== null,
      payload,
      status,
      at: Date.now(),
      raw: { body, headers },
    });
    res.writeHead(status, failure?.headers ?? {});
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    deliveries,
    failNext(status, times = 1, headers = {}) {
      for (let i = 0; i < times; i++) failures.push({ status, headers });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
