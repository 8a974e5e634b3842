/**
 * `GET /v1/jobs/{id}/events`: Server-Sent Events of a job's state changes and
 * progress until it is final. The current state is sent first, so a client
 * that connects late still sees where the job is; a comment line every 15 s
 * keeps proxies from closing an idle stream. Each open stream takes one of
 * its key's MAX_STREAMS_PER_KEY slots until it ends.
 */
import { isFinal, type JobEvent, type JobRecord } from "@imagegate/jobs";
import { Router } from "express";
import type { ApiDeps } from "../deps";
import { callerOf } from "../http/caller";
import { jobView } from "../services/job-view";
import { ownedJob } from "../services/owned";
import { openStreamSlot } from "../services/stream-slot";

const HEARTBEAT_MS = 15_000;
/** A stream's slot lapses this long after its last heartbeat (a replica that died frees it). */
const SLOT_LEASE_MS = 4 * HEARTBEAT_MS;

/** The job events router. */
export function jobEventsRouter(deps: ApiDeps): Router {
  const router = Router();
  router.get("/v1/jobs/:id/events", async (req, res) => {
    const record = await ownedJob(deps, req.params.id, callerOf(res).owner);
    const slot = await openStreamSlot(deps, record.owner, SLOT_LEASE_MS);
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    let closed = false;
    let last = "";
    const send = async (current: JobRecord) => {
      const view = await jobView(deps, current);
      const line = `event: ${isFinal(current.status) ? "done" : "job"}\ndata: ${JSON.stringify(view)}\n\n`;
      if (line !== last && !closed) res.write(line);
      last = line;
      if (isFinal(current.status) && !closed) finish();
    };
    // Events are serialized so the stream never goes backwards.
    let chain = Promise.resolve();
    const onEvent = (_event: JobEvent) => {
      chain = chain.then(async () => {
        const current = await deps.store.get(record.id);
        if (current) await send(current);
      });
    };
    const stop = await deps.events.listen(record.id, onEvent);
    const heartbeat = setInterval(() => {
      res.write(": ping\n\n");
      slot.renew(SLOT_LEASE_MS).catch(() => {});
    }, HEARTBEAT_MS);
    const finish = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      void stop();
      slot.release().catch(() => {});
      res.end();
    };
    res.on("close", finish);
    const fresh = await deps.store.get(record.id);
    chain = chain.then(() => send(fresh ?? record));
  });
  return router;
}
