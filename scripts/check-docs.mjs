#!/usr/bin/env node
// Keeps the design inside the repository (docs/style.md#comments):
// - every `docs/<page>.md#<anchor>` cited in code, tests, config or docs names
//   a page that exists and a heading it has (GitHub's slug rules);
// - a Markdown page's own `(#anchor)` links name one of its headings;
// - nothing cites a file outside the repository (`../shared/…`) or the old
//   out-of-tree sections (`DESIGN §…`, `STYLE 4.x`);
// - every repository path docs/architecture.md names in backticks exists, so
//   its request traces follow files that are there.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const SKIP = new Set(["node_modules", "dist", "data", ".git", "coverage"]);
const TEXT = /\.(c|m)?(ts|js)x?$|\.(md|json|ya?ml|sh|html|css)$|^(Dockerfile|\.env\.example|run)$/;
const ROOTS = ["apps", "packages", "scripts", "bench", "docs", ".ci"];
const ROOT_FILES = ["README.md", ".env.example", "docker-compose.yml", "Dockerfile"];

// A root-relative page link: `docs/x.md#y` in prose, `/docs/x.md#y` in Markdown.
const CITATION = /(?<![\w.-])\/?(docs\/[\w./-]+?\.md)(?:#([\w-]+))?/g;
const OUTSIDE = /\.\.\/shared\/|\bDESIGN §|\bSTYLE [0-9]/;

const problems = [];
const anchorsByPage = new Map();

function* files(dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir)) {
    if (SKIP.has(entry)) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (TEXT.test(entry)) yield path;
  }
}

/** GitHub's heading slug: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading) {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

function anchorsOf(page) {
  let anchors = anchorsByPage.get(page);
  if (anchors) return anchors;
  anchors = new Set();
  const seen = new Map();
  let fenced = false;
  for (const line of readFileSync(join(root, page), "utf8").split("\n")) {
    if (line.startsWith("```")) fenced = !fenced;
    const heading = !fenced && /^#{1,6}\s+(.*)$/.exec(line);
    if (!heading) continue;
    const base = slug(heading[1] ?? "");
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  anchorsByPage.set(page, anchors);
  return anchors;
}

function checkCitations(path) {
  const where = relative(root, path);
  // This file spells the patterns it looks for.
  if (where === "scripts/check-docs.mjs") return;
  const text = readFileSync(path, "utf8");
  text.split("\n").forEach((line, index) => {
    const at = `${where}:${index + 1}`;
    if (OUTSIDE.test(line)) {
      problems.push(`${at}: cites a design outside the repository; point into docs/`);
    }
    for (const [, page, anchor] of line.matchAll(CITATION)) {
      if (!page || !existsSync(join(root, page))) {
        problems.push(`${at}: ${page} does not exist`);
      } else if (anchor && !anchorsOf(page).has(anchor)) {
        problems.push(`${at}: ${page} has no heading #${anchor}`);
      }
    }
    if (where.endsWith(".md")) {
      for (const [, anchor] of line.matchAll(/\]\(#([\w-]+)\)/g)) {
        if (anchor && !anchorsOf(where).has(anchor)) {
          problems.push(`${at}: no heading #${anchor} on this page`);
        }
      }
    }
  });
}

// Paths in backticks that start at a top-level folder of the repository.
const REPO_PATH = /`((?:apps|packages|scripts|bench|docs)\/[\w./*{}-]+)`/g;

function checkArchitecturePaths() {
  const page = "docs/architecture.md";
  let fenced = false;
  readFileSync(join(root, page), "utf8")
    .split("\n")
    .forEach((line, index) => {
      if (line.startsWith("```")) fenced = !fenced;
      if (fenced) return;
      for (const [, path] of line.matchAll(REPO_PATH)) {
        // Globs and placeholders (`fakes/<provider>.ts`) name a family, not a file.
        if (!path || /[*{}<]/.test(path)) continue;
        if (!existsSync(join(root, path.replace(/\/$/, "")))) {
          problems.push(`${page}:${index + 1}: \`${path}\` does not exist`);
        }
      }
    });
}

let count = 0;
for (const dir of ROOTS) {
  for (const path of files(join(root, dir))) {
    checkCitations(path);
    count += 1;
  }
}
for (const file of ROOT_FILES) {
  if (existsSync(join(root, file))) {
    checkCitations(join(root, file));
    count += 1;
  }
}
checkArchitecturePaths();

if (problems.length > 0) {
  for (const p of problems) console.error(`check-docs: ${p}`);
  process.exit(1);
}
console.log(`check-docs: ok (${count} files)`);
