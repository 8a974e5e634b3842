export { type DirectRunner, type DirectRunnerOptions, startDirectRunner } from "./direct-runner";
export { createLocalSlots, type LocalSlots } from "./local-slots";
export { createOutboxRelay, type OutboxRelay } from "./outbox-relay";
export { createRetentionSweeper, type RetentionSweeper } from "./retention";
export {
  createWorkerLogger,
  type RunningWorker,
  type StartWorkerOptions,
  startWorker,
} from "./start";
