/**
 * `batchWrites` on one node (`turn-writes.ts`): the commands of an event-loop
 * turn leave in one socket write, in order, through reconnects, offline
 * queueing, MULTI and pipelines. The socket's writes are counted by wrapping
 * its own `_write`/`_writev`, which still do the writing.
 */
import { randomUUID } from "node:crypto";
import type { Socket } from "node:net";
import { createRedis, type RedisClient } from "@imagegate/jobs";
import { waitFor } from "@imagegate/testkit";
import type { Redis } from "ioredis";

const url = process.env.REDIS_URL as string;
const key = `test-${randomUUID()}:n`;
const clients: RedisClient[] = [];
let admin: Redis;

function connect(batchWrites: boolean): Redis {
  const client = createRedis({ url, batchWrites }) as Redis;
  clients.push(client);
  return client;
}

/** Counts the socket writes the client's current socket makes from now on. */
function countWrites(client: Redis): { count: number } {
  const socket = client.stream as Socket & {
    _write: (...args: unknown[]) => void;
    _writev?: (...args: unknown[]) => void;
  };
  const seen = { count: 0 };
  const write = socket._write;
  const writev = socket._writev;
  socket._write = function (this: unknown, ...args: unknown[]) {
    seen.count++;
    return write.apply(this, args);
  };
  if (writev) {
    socket._writev = function (this: unknown, ...args: unknown[]) {
      seen.count++;
      return writev.apply(this, args);
    };
  }
  return seen;
}

const incrTimes = (client: Redis, n: number) =>
  Promise.all(Array.from({ length: n }, () => client.incr(key)));

beforeAll(() => {
  admin = connect(false);
});

beforeEach(async () => {
  await admin.del(key);
});

afterAll(async () => {
  await admin.del(key);
  for (const client of clients) client.disconnect();
});

describe("batchWrites on one node", () => {
  it("sends the commands of one turn in one socket write, in order", async () => {
    const client = connect(true);
    await client.ping();
    const writes = countWrites(client);
    expect(await incrTimes(client, 20)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(writes.count).toBe(1);
  });

  it("without it, each command is a socket write of its own", async () => {
    const client = connect(false);
    await client.ping();
    const writes = countWrites(client);
    await incrTimes(client, 20);
    expect(writes.count).toBe(20);
  });

  it("writes each turn's commands in that turn: commands awaited one by one all answer", async () => {
    const client = connect(true);
    await client.ping();
    const writes = countWrites(client);
    for (let i = 1; i <= 5; i++) expect(await client.incr(key)).toBe(i);
    expect(writes.count).toBe(5);
  });

  it("runs MULTI and pipelines through the corked socket", async () => {
    const client = connect(true);
    await client.ping();
    const [multi, pipeline] = await Promise.all([
      client.multi().incr(key).incr(key).exec(),
      client.pipeline().incr(key).get(key).exec(),
    ]);
    expect(multi).toEqual([
      [null, 1],
      [null, 2],
    ]);
    expect(pipeline).toEqual([
      [null, 3],
      [null, "3"],
    ]);
  });

  it("sends commands given before the connection is ready once it is", async () => {
    const client = connect(true);
    expect(client.status).not.toBe("ready");
    const answers = incrTimes(client, 10);
    expect(await answers).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
  });

  it("batches on the new socket after a reconnect", async () => {
    const client = connect(true);
    await client.ping();
    const id = await client.client("ID");
    await admin.client("KILL", "ID", String(id));
    await waitFor(async () => (await client.client("ID")) !== id, {
      timeoutMs: 5000,
      message: "the client to reconnect",
    });
    const writes = countWrites(client);
    expect(await incrTimes(client, 10)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    expect(writes.count).toBe(1);
  });
});
