#!/usr/bin/env node
// The `imagegate` command: runs the compiled CLI (`pnpm build` first), or `pnpm imagegate …` from source.
require("../dist/main.js");
