// @ts-check
/**
 * DOM rendering of the playground's output: images with their captions, the
 * applied report, the history and the chosen files. Text always goes in as
 * textContent, never as HTML, so a prompt can hold anything.
 */
import { appliedRows, appliedSummary } from "./applied.js";

/**
 * An element with text or children.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, string>} [attrs]
 * @param {(Node | string)[]} [children]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

/**
 * The caption of image `index`: pixel size, format, seed, provider.
 * @param {string} size
 * @param {import("./api.js").Json} job
 * @param {number} index
 */
function caption(size, job, index) {
  const result = job.result ?? {};
  const seed = job.applied?.seeds?.[index];
  return [
    size,
    result.output_format ?? job.request?.output_format ?? "",
    `seed ${seed ?? "random"}`,
    `served by ${job.provider ?? result.provider ?? "?"}`,
  ].join(" · ");
}

/**
 * Shows a finished job's images; each caption gives the natural pixel size once the image has loaded.
 * @param {HTMLElement} container
 * @param {import("./api.js").Json} job
 */
export function renderImages(container, job) {
  container.replaceChildren();
  const data = /** @type {{ url?: string; b64_json?: string }[]} */ (job.result?.data ?? []);
  data.forEach((item, index) => {
    const src =
      item.url ?? `data:image/${job.result?.output_format ?? "png"};base64,${item.b64_json}`;
    const prompt = job.request?.prompt ?? "";
    const img = el("img", { src, alt: `Image ${index + 1} of ${data.length}: ${prompt}` });
    const text = el("figcaption", {}, [caption(job.result?.size ?? "", job, index)]);
    img.addEventListener("load", () => {
      text.textContent = caption(`${img.naturalWidth}x${img.naturalHeight}`, job, index);
    });
    container.append(
      el("figure", {}, [el("a", { href: src, target: "_blank", rel: "noopener" }, [img]), text]),
    );
  });
}

/**
 * Shows the applied report (or hides its box when the job has none).
 * @param {HTMLElement} box
 * @param {import("./applied.js").Applied | null | undefined} applied
 */
export function renderApplied(box, applied) {
  box.hidden = !applied;
  if (!applied) return;
  const summary = /** @type {HTMLElement} */ (box.querySelector("dl"));
  summary.replaceChildren(
    ...appliedSummary(applied).flatMap(([label, value]) => [
      el("dt", {}, [label]),
      el("dd", {}, [value]),
    ]),
  );
  const body = /** @type {HTMLElement} */ (box.querySelector("tbody"));
  body.replaceChildren(
    ...appliedRows(applied).map((row) =>
      el("tr", {}, [
        el("th", { scope: "row" }, [row.parameter]),
        el("td", { class: "kind" }, [row.handling]),
        el("td", {}, [row.detail]),
      ]),
    ),
  );
}

/**
 * The history: one button per job, newest first.
 * @param {HTMLElement} list
 * @param {import("./api.js").Json[]} jobs
 * @param {(job: import("./api.js").Json) => void} onPick
 */
export function renderHistory(list, jobs, onPick) {
  if (jobs.length === 0) {
    list.replaceChildren(el("li", { class: "hint" }, ["No jobs from this page yet."]));
    return;
  }
  list.replaceChildren(
    ...jobs.map((job) => {
      const when = new Date((job.created_at ?? 0) * 1000).toLocaleTimeString();
      const button = el("button", { type: "button", "data-job-id": job.id }, [
        el("span", { class: "when" }, [when]),
        el("span", {}, [job.status]),
        el("span", {}, [
          `${job.request?.prompt ?? ""} (${job.result?.size ?? job.operation ?? ""})`,
        ]),
      ]);
      button.addEventListener("click", () => onPick(job));
      return el("li", {}, [button]);
    }),
  );
}

/**
 * The chosen images, each with a remove button.
 * @param {HTMLElement} list
 * @param {File[]} files
 * @param {(index: number) => void} onRemove
 */
export function renderFiles(list, files, onRemove) {
  list.replaceChildren(
    ...files.map((file, index) => {
      const remove = el(
        "button",
        { type: "button", class: "link-button", "aria-label": `Remove ${file.name}` },
        ["Remove"],
      );
      remove.addEventListener("click", () => onRemove(index));
      return el("li", {}, [`${file.name} (${Math.ceil(file.size / 1024)} KB)`, remove]);
    }),
  );
}
