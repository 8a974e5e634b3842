#!/usr/bin/env node
// Keeps the design inside the repository (docs/style.md#comments):
// - every `docs/<page>.md#<anchor>` cited in code, tests, config or docs names
//   a page that exists and a heading it has (GitHub's slug rules);
// - a Markdown page's own `(#anchor)` links name one of its headings;
// - no relative path climbs out of the repository, and nothing cites a
//   numbered section (`§`) of a document: the design is cited by page and
//   heading, from docs/ (docs/style.md#comments);
// - every repository path docs/architecture.md names in backticks exists, so
//   its request traces follow files that are there.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const SKIP = new Set(["node_modules", "dist", "data", ".git", "coverage"]);
const TEXT = /\.(c|m)?(ts|js)x?$|\.(md|json|ya?ml|sh|html|css)$|^(Dockerfile|\.env\.example|run)$/;
const ROOTS = ["apps", "packages", "scripts", "bench", "docs", ".ci"];
const ROOT_FILES = ["README.md", ".env.example", "docker-compose.yml", "Dockerfile"];

// A root-relative link to a docs page and, optionally, one of its headings: bare in
// prose, with a leading slash in Markdown.
const CITATION = /(?<![\w.-])\/?(docs\/[\w./-]+?\.md)(?:#([\w-]+))?/g;
// A relative path of one or more parent steps, resolved against the citing file.
const RELATIVE = /(?:\.\.\/)+[\w.-]+/g;
// A numbered-section citation (the section sign, then a number).
const SECTION = /\u00a7\s?\d/;

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
  const text = readFileSync(path, "utf8");
  text.split("\n").forEach((line, index) => {
    const at = `${where}:${index + 1}`;
    for (const [climb] of line.matchAll(RELATIVE)) {
      if (relative(root, resolve(dirname(path), climb)).startsWith("..")) {
        problems.push(`${at}: ${climb} is outside the repository; cite docs/ instead`);
      }
    }
    if (SECTION.test(line)) {
      problems.push(`${at}: cites a numbered section; cite a docs/ page and heading instead`);
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
