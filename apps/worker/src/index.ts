export { type DirectRunner, type DirectRunnerOptions, startDirectRunner } from "./direct-runner";
export { createLocalSlots, type LocalSlots } from "./local-slots";
export { createRetentionSweeper, type RetentionSweeper } from "./retention";
export {
  createWorkerLogger,
  type RunningWorker,
  type StartWorkerOptions,
  startWorker,
} from "./start";
