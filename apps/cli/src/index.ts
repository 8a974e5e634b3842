export { type BatchItem, readBatchItems, splitCsv } from "./batch-items";
export { ApiError, createClient } from "./client";
export {
  type BatchRunOptions,
  type BatchRunSummary,
  batchRunCommand,
  itemKey,
  type ResultLine,
} from "./commands/batch";
export { editCommand } from "./commands/edit";
export { generateCommand } from "./commands/generate";
export { createProgram, runCli } from "./program";
export { loadSettings } from "./settings";
