export {
  createWorkerLogger,
  type RunningWorker,
  type StartWorkerOptions,
  startWorker,
} from "./start";
