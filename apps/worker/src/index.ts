export { createRetentionSweeper, type RetentionSweeper } from "./retention";
export {
  createWorkerLogger,
  type RunningWorker,
  type StartWorkerOptions,
  startWorker,
} from "./start";
