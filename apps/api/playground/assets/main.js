// @ts-check
/**
 * The playground page: reads the form, submits asynchronously, follows the
 * job's events, shows images, the applied report, errors and the history, and
 * keeps the curl / OpenAI SDK versions of the request in view.
 */
import { createApi, GatewayError } from "./api.js";
import { buildRequest, sizeChoices, valuesOfJob } from "./request.js";
import { curlSnippet, sdkSnippet } from "./snippets.js";
import { describeStatus } from "./status.js";
import { el, renderApplied, renderFiles, renderHistory, renderImages } from "./view.js";

const KEY_STORAGE = "imagegate.apiKey";
const JOBS_STORAGE = "imagegate.playground.jobs";
const MAX_REMEMBERED = 100;

/**
 * @template {HTMLElement} T
 * @param {string} id
 * @returns {T}
 */
const $ = (id) => /** @type {T} */ (document.getElementById(id));

const form = /** @type {HTMLFormElement} */ ($("form"));
const keyInput = /** @type {HTMLInputElement} */ ($("api-key"));
const prompt = /** @type {HTMLTextAreaElement} */ ($("prompt"));
const model = /** @type {HTMLSelectElement} */ ($("model"));
const size = /** @type {HTMLInputElement} */ ($("size"));
const resolution = /** @type {HTMLSelectElement} */ ($("resolution"));
const outputFormat = /** @type {HTMLSelectElement} */ ($("output-format"));
const n = /** @type {HTMLInputElement} */ ($("n"));
const seed = /** @type {HTMLInputElement} */ ($("seed"));
const fileInput = /** @type {HTMLInputElement} */ ($("images"));
const drop = $("drop");
const generate = /** @type {HTMLButtonElement} */ ($("generate"));
const errorBox = $("error");
const statusLine = $("status");
const progress = /** @type {HTMLProgressElement} */ ($("progress"));

const api = createApi(() => keyInput.value);
/** @type {File[]} */
let files = [];
/** @type {import("./api.js").Json[]} */
let models = [];

/** @param {unknown} err */
function showError(err) {
  errorBox.textContent = err instanceof Error ? err.message : String(err);
  errorBox.hidden = false;
}

function clearError() {
  errorBox.hidden = true;
  errorBox.textContent = "";
}

function currentValues() {
  return {
    model: model.value,
    prompt: prompt.value,
    size: size.value,
    resolution: resolution.value,
    outputFormat: outputFormat.value,
    n: n.value,
    seed: seed.value,
  };
}

function updateSnippets() {
  const body = buildRequest(currentValues());
  const options = { files, withKey: keyInput.value.trim() !== "" };
  $("code-curl").textContent = curlSnippet(location.origin, body, options);
  $("code-sdk").textContent = sdkSnippet(location.origin, body, options);
}

/** Fills the size hints and resolutions of the chosen model. */
function applyModel() {
  const chosen = models.find((m) => m.id === model.value);
  if (!chosen) return;
  $("size-options").replaceChildren(
    ...sizeChoices(chosen).map((c) => el("option", { value: c.value, label: c.label })),
  );
  const tiers = /** @type {string[]} */ (chosen.resolutions ?? []);
  const keep = resolution.value;
  resolution.replaceChildren(
    el("option", { value: "" }, ["auto"]),
    ...tiers.map((t) => el("option", {}, [t])),
  );
  if (tiers.includes(keep)) resolution.value = keep;
}

/** Bumped per key change: an answer for an older key must not overwrite a newer one. */
let generation = 0;

async function loadModels() {
  const mine = ++generation;
  try {
    const list = await api.models();
    if (mine !== generation) return;
    models = list.data ?? [];
    const keep = model.value;
    model.replaceChildren(
      ...models.map((m) => el("option", { value: m.id, title: m.name ?? m.id }, [m.id])),
    );
    if (models.some((m) => m.id === keep)) model.value = keep;
    applyModel();
    clearError();
  } catch (err) {
    if (mine === generation) showError(err);
  }
}

/** @returns {string[]} */
function rememberedJobs() {
  try {
    const ids = JSON.parse(localStorage.getItem(JOBS_STORAGE) ?? "[]");
    return Array.isArray(ids) ? ids.filter((id) => typeof id === "string") : [];
  } catch {
    return [];
  }
}

/** @param {string} id */
function remember(id) {
  const ids = [id, ...rememberedJobs().filter((x) => x !== id)].slice(0, MAX_REMEMBERED);
  localStorage.setItem(JOBS_STORAGE, JSON.stringify(ids));
}

async function loadHistory() {
  const mine = new Set(rememberedJobs());
  if (mine.size === 0) return renderHistory($("history"), [], showJob);
  try {
    const list = await api.jobs(100);
    renderHistory(
      $("history"),
      (list.data ?? []).filter((/** @type {any} */ j) => mine.has(j.id)),
      (job) => {
        const values = valuesOfJob(job);
        prompt.value = values.prompt;
        model.value = values.model;
        applyModel();
        size.value = values.size;
        resolution.value = values.resolution;
        outputFormat.value = values.outputFormat;
        n.value = values.n;
        seed.value = values.seed;
        updateSnippets();
        showJob(job);
      },
    );
  } catch {
    // The key may be wrong; the error is already shown by the models call.
  }
}

/** @param {import("./api.js").Json} job */
function showStatus(job) {
  const status = describeStatus(job);
  statusLine.textContent = status.text;
  progress.hidden = status.final || status.progress === null;
  if (status.progress !== null) progress.value = status.progress;
}

/** @param {import("./api.js").Json} job */
function showJob(job) {
  showStatus(job);
  renderImages($("images-out"), job);
  renderApplied($("applied-box"), job.applied ?? job.result?.applied);
  if (job.status === "failed" && job.error?.message) showError(job.error.message);
  else clearError();
}

async function submit() {
  if (!prompt.value.trim()) {
    prompt.reportValidity();
    return;
  }
  clearError();
  generate.disabled = true;
  $("images-out").replaceChildren();
  renderApplied($("applied-box"), null);
  statusLine.textContent = "Submitting…";
  try {
    const job = await api.submit(buildRequest(currentValues()), files);
    remember(job.id);
    showStatus(job);
    const final = await api.follow(job.id, showStatus);
    showJob(final);
    await loadHistory();
  } catch (err) {
    statusLine.textContent =
      err instanceof GatewayError ? `Refused (HTTP ${err.status})` : "Failed";
    showError(err);
  } finally {
    generate.disabled = false;
  }
}

/** @param {FileList | File[]} list */
function addFiles(list) {
  files = [...files, ...Array.from(list).filter((f) => /^image\/(png|jpeg|webp)$/.test(f.type))];
  renderFiles($("image-list"), files, (index) => {
    files = files.filter((_, i) => i !== index);
    addFiles([]);
  });
  generate.textContent = files.length ? "Generate (edit)" : "Generate";
  updateSnippets();
}

/**
 * Copies a snippet; falls back to selecting it where the Clipboard API is absent (plain http on another host).
 * @param {string} id
 * @param {string} what
 */
async function copy(id, what) {
  const node = $(id);
  try {
    await navigator.clipboard.writeText(node.textContent ?? "");
    $("copy-note").textContent = `Copied ${what}.`;
  } catch {
    getSelection()?.selectAllChildren(node);
    $("copy-note").textContent = `Selected ${what}: press Ctrl+C to copy.`;
  }
}

keyInput.value = localStorage.getItem(KEY_STORAGE) ?? "";
keyInput.addEventListener("change", () => {
  const key = keyInput.value.trim();
  if (key) localStorage.setItem(KEY_STORAGE, key);
  else localStorage.removeItem(KEY_STORAGE);
  updateSnippets();
  void loadModels().then(loadHistory);
});
model.addEventListener("change", applyModel);
form.addEventListener("input", updateSnippets);
form.addEventListener("change", updateSnippets);
form.addEventListener("submit", (event) => {
  event.preventDefault();
  void submit();
});
prompt.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    if (!generate.disabled) void submit();
  }
});
fileInput.addEventListener("change", () => {
  if (fileInput.files) addFiles(fileInput.files);
  fileInput.value = "";
});
drop.addEventListener("dragover", (event) => {
  event.preventDefault();
  drop.classList.add("over");
});
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (event) => {
  event.preventDefault();
  drop.classList.remove("over");
  if (event.dataTransfer?.files) addFiles(event.dataTransfer.files);
});
$("copy-curl").addEventListener("click", () => void copy("code-curl", "the curl command"));
$("copy-sdk").addEventListener("click", () => void copy("code-sdk", "the OpenAI SDK code"));

updateSnippets();
void loadModels().then(loadHistory);
