/**
 * One socket write per event-loop turn for a single-node connection: the
 * first command of a turn corks the socket and the turn's check phase
 * (`setImmediate`) uncorks it, so every command sent meanwhile leaves in one
 * `writev`. What ioredis auto-pipelining was used for, without its costs:
 * it keeps one pipeline in flight per connection (the next turn's commands
 * wait for the whole previous batch's replies), builds a Pipeline with a
 * copy of every script per batch, and its batches outlived young-generation
 * collections (~10 KB promoted a sync job, a full GC every ~0.8 s). Measured
 * in docs/decisions/0015-lean-hot-path.md. A Cluster keeps auto-pipelining:
 * its commands go to a socket per node.
 */
import type { Redis } from "ioredis";

/** Makes `client` send the commands of each event-loop turn in one socket write. */
export function writePerTurn(client: Redis): void {
  const send = client.sendCommand.bind(client);
  // The socket corked this turn, if any (a reconnect brings a new socket).
  let corked: Redis["stream"] | null = null;
  const uncork = () => {
    const socket = corked;
    corked = null;
    socket?.uncork();
  };
  client.sendCommand = ((...args: Parameters<Redis["sendCommand"]>) => {
    const socket = client.stream;
    // Before "ready" ioredis queues commands offline (and writes them itself once connected).
    if (corked === null && client.status === "ready" && socket?.writable) {
      corked = socket;
      socket.cork();
      setImmediate(uncork);
    }
    return send(...args);
  }) as Redis["sendCommand"];
}
