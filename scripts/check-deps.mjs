#!/usr/bin/env node
// Enforces the dependency direction of STYLE 4.4: each package's
// `dependencies` and every `@imagegate/*` import in its src/ must be allowed
// by the table below. Tests may use anything (testkit is dev-only).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

const ALLOWED = {
  params: [],
  storage: [],
  net: [],
  inputs: ["params", "net", "storage"],
  jobs: ["params"],
  providers: ["params"],
  api: ["params", "jobs", "storage", "net", "inputs"],
  worker: ["params", "jobs", "storage", "providers", "net", "inputs"],
  cli: ["params", "jobs", "storage"],
  standalone: ["api", "worker", "jobs"],
  testkit: null,
  bench: null,
};

const root = new URL("..", import.meta.url).pathname;
const problems = [];
let count = 0;

function* tsFiles(dir) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* tsFiles(path);
    else if (path.endsWith(".ts")) yield path;
  }
}

for (const group of ["apps", "packages"]) {
  for (const name of readdirSync(join(root, group))) {
    const dir = join(root, group, name);
    let pkg;
    try {
      pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    } catch {
      continue;
    }
    count++;
    if (!(name in ALLOWED)) {
      problems.push(`${group}/${name}: not in the dependency table`);
      continue;
    }
    if (pkg.dependencies?.["@imagegate/testkit"]) {
      problems.push(`${group}/${name}: @imagegate/testkit must be a devDependency`);
    }
    const allowed = ALLOWED[name];
    if (allowed === null) continue;
    const ok = (dep) => dep === name || allowed.includes(dep);
    for (const dep of Object.keys(pkg.dependencies ?? {})) {
      if (dep.startsWith("@imagegate/") && !ok(dep.slice(11))) {
        problems.push(`${group}/${name}: depends on ${dep}`);
      }
    }
    let src;
    try {
      src = [...tsFiles(join(dir, "src"))];
    } catch {
      src = [];
    }
    for (const file of src) {
      for (const m of readFileSync(file, "utf8").matchAll(/from\s+"@imagegate\/([a-z-]+)"/g)) {
        if (!ok(m[1])) problems.push(`${file.slice(root.length)}: imports @imagegate/${m[1]}`);
      }
    }
  }
}

if (problems.length > 0) {
  for (const p of problems) console.error(`check-deps: ${p}`);
  process.exit(1);
}
console.log(`check-deps: ok (${count} packages)`);
