export { ApiError, describeNonJson, excerpt, readAnswer } from "./answer";
export {
  type BatchItem,
  formatOfPath,
  type InputFormat,
  readBatchItems,
  readPrompt,
  sniffFormat,
} from "./batch-items";
export { type Client, createClient } from "./client";
export {
  type BatchRunOptions,
  type BatchRunSummary,
  batchRunCommand,
  itemKey,
} from "./commands/batch";
export { downloadBatch, lineError, type OutputLine } from "./commands/batch-download";
export { batchInput, batchLine, submitBatch, waitForBatch } from "./commands/batch-submit";
export { editCommand } from "./commands/edit";
export { generateCommand } from "./commands/generate";
export { cancelJob, getJob, jobLine, listJobs, listQuery } from "./commands/jobs";
export { cellValue, csvItem } from "./csv-items";
export type { Io } from "./io";
export { createProgram, errorMessage, runCli } from "./program";
export { type ResultLine, succeededIds } from "./results-file";
export {
  type AttemptOutcome,
  DEFAULT_RETRY_POLICY,
  isRetryable,
  parseRetryAfter,
  retryDelayMs,
} from "./retry";
export { loadSettings } from "./settings";
export { cliVersion } from "./version";
