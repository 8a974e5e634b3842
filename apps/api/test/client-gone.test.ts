import { once } from "node:events";
import { request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express, { type Response } from "express";
import { clientGone } from "../src/services/wait-for-job";

const servers: Server[] = [];

afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** A server whose one route hands its response to `handle`; resolves with its port. */
async function serve(handle: (res: Response) => void): Promise<number> {
  const app = express();
  app.post("/", (_req, res) => handle(res));
  const server = app.listen(0, "127.0.0.1");
  servers.push(server);
  await once(server, "listening");
  return (server.address() as AddressInfo).port;
}

/** Sends a request and drops the connection after `afterMs`, unanswered. */
function leave(port: number, afterMs: number): void {
  const req = request({ port, host: "127.0.0.1", method: "POST", path: "/" });
  req.on("error", () => {});
  req.write("x");
  setTimeout(() => req.destroy(), afterMs);
}

describe("clientGone", () => {
  it("is aborted at once for a client that left before the wait began", async () => {
    let resolveSignal: (signal: AbortSignal) => void = () => {};
    const got = new Promise<AbortSignal>((resolve) => {
      resolveSignal = resolve;
    });
    const port = await serve((res) => {
      // The wait begins only after the client has gone (a job being made meanwhile).
      res.once("close", () => setImmediate(() => resolveSignal(clientGone(res))));
    });
    leave(port, 20);
    expect((await got).aborted).toBe(true);
  });

  it("aborts when the client leaves during the wait", async () => {
    let resolveSignal: (signal: AbortSignal) => void = () => {};
    const got = new Promise<AbortSignal>((resolve) => {
      resolveSignal = resolve;
    });
    const port = await serve((res) => resolveSignal(clientGone(res)));
    leave(port, 50);
    const signal = await got;
    expect(signal.aborted).toBe(false);
    await once(signal, "abort");
    expect(signal.aborted).toBe(true);
  });

  it("stays quiet for a client that got its answer", async () => {
    let resolveClosed: (aborted: boolean) => void = () => {};
    const closed = new Promise<boolean>((resolve) => {
      resolveClosed = resolve;
    });
    const port = await serve((res) => {
      const signal = clientGone(res);
      // Heard after clientGone's own listener: what the signal says once the response closed.
      res.once("close", () => resolveClosed(signal.aborted));
      res.json({ ok: true });
    });
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ port, host: "127.0.0.1", method: "POST", path: "/" }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.on("error", reject);
      req.end();
    });
    expect(status).toBe(200);
    expect(await closed).toBe(false);
  });
});
