#!/usr/bin/env node
// Enforces the dependency direction in docs/architecture.md#the-dependency-rule.
// For each package in apps/ and packages/ (bench/ is dev-only):
// - every `@imagegate/*` entry in `dependencies` is allowed by the table;
// - every `@imagegate/*` import in src/ is allowed, is declared in
//   `dependencies` (a devDependency is missing after `pnpm deploy --prod`),
//   and names the package's index, never a path inside it;
// - `@imagegate/testkit` is never in `dependencies`;
// - tsconfig.build.json references exactly the `@imagegate/*` dependencies, so
//   `tsc -b` builds what a package imports and nothing it no longer does.
// Unused dependencies and exports are knip's (knip.jsonc, also in `pnpm lint`).
// devDependencies are free: tests may use anything (a src import of one is
// caught by the rules above).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

/** Folder name → the @imagegate packages its src may import; null = anything. */
const ALLOWED = {
  params: [],
  storage: [],
  net: [],
  telemetry: [],
  inputs: ["params", "net", "storage"],
  jobs: ["params"],
  providers: ["params"],
  callbacks: [],
  api: ["params", "jobs", "storage", "net", "inputs", "callbacks", "telemetry"],
  worker: ["params", "jobs", "storage", "providers", "net", "inputs", "telemetry"],
  cli: ["params", "jobs", "storage"],
  // jobs for loadConfig and the Redis probe; otherwise only the apps' start().
  standalone: ["api", "worker", "jobs", "storage", "telemetry"],
  testkit: null,
};

/**
 * The only subpaths a package may import instead of an index: the config
 * alone, without BullMQ and ioredis, for the entry files that must start
 * OpenTelemetry before those load (instrumentation patches modules on load).
 */
const ENTRY_SUBPATHS = { jobs: ["/config"] };

const SCOPE = "@imagegate/";
// `from "…"`, `import "…"`, `import("…")`, `require("…")`; group 1 the name, 2 a subpath.
const IMPORT =
  /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["']@imagegate\/([a-z0-9-]+)(\/[^"']*)?["']/g;

const root = fileURLToPath(new URL("..", import.meta.url));
const problems = [];

function* tsFiles(dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir)) {
    if (entry === "node_modules") continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* tsFiles(path);
    else if (/\.(c|m)?tsx?$/.test(entry)) yield path;
  }
}

function workspaceDirs() {
  const dirs = [];
  for (const group of ["apps", "packages"]) {
    for (const name of readdirSync(join(root, group)).sort()) dirs.push(join(group, name));
  }
  return dirs.filter((dir) => existsSync(join(root, dir, "package.json")));
}

function checkReferences(dir, deps) {
  const tsconfig = join(root, dir, "tsconfig.build.json");
  if (!existsSync(tsconfig)) return;
  const { references = [] } = JSON.parse(readFileSync(tsconfig, "utf8"));
  const referenced = references.map((r) => basename(dirname(join(root, dir, r.path))));
  const declared = Object.keys(deps)
    .filter((dep) => dep.startsWith(SCOPE))
    .map((dep) => dep.slice(SCOPE.length));
  for (const name of declared.filter((n) => !referenced.includes(n))) {
    problems.push(`${dir}/tsconfig.build.json: no reference to ${name}, a dependency`);
  }
  for (const name of referenced.filter((n) => !declared.includes(n))) {
    problems.push(`${dir}/tsconfig.build.json: references ${name}, not a dependency`);
  }
}

function checkPackage(dir) {
  const name = dir.split("/").pop();
  const pkg = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8"));
  if (!(name in ALLOWED)) {
    problems.push(`${dir}: not in the dependency table (scripts/check-deps.mjs)`);
    return;
  }
  const deps = pkg.dependencies ?? {};
  if (`${SCOPE}testkit` in deps) {
    problems.push(`${dir}: @imagegate/testkit must be a devDependency`);
  }
  const allowed = ALLOWED[name];
  const ok = (dep) => allowed === null || dep === name || allowed.includes(dep);
  for (const dep of Object.keys(deps)) {
    if (dep.startsWith(SCOPE) && !ok(dep.slice(SCOPE.length))) {
      problems.push(`${dir}: dependencies has ${dep}, which ${name} may not import`);
    }
  }
  checkReferences(dir, deps);
  for (const file of tsFiles(join(root, dir, "src"))) {
    const where = relative(root, file);
    for (const [, dep, subpath] of readFileSync(file, "utf8").matchAll(IMPORT)) {
      if (dep === name) continue;
      if (!ok(dep)) problems.push(`${where}: imports @imagegate/${dep}, which ${name} may not`);
      else if (!(`${SCOPE}${dep}` in deps)) {
        problems.push(`${where}: imports @imagegate/${dep}, missing from ${dir} dependencies`);
      }
      if (subpath && !(ENTRY_SUBPATHS[dep] ?? []).includes(subpath))
        problems.push(`${where}: imports @imagegate/${dep}${subpath}; use its index`);
    }
  }
}

const dirs = workspaceDirs();
for (const dir of dirs) checkPackage(dir);

if (problems.length > 0) {
  for (const p of problems) console.error(`check-deps: ${p}`);
  process.exit(1);
}
console.log(`check-deps: ok (${dirs.length} packages)`);
