# syntax=docker/dockerfile:1
# imagegate production images. One build stage compiles the workspace once;
# two final targets ship one role each:
#   docker build --target api    -t imagegate-api .     (also the default: last stage)
#   docker build --target worker -t imagegate-worker .
# Separate targets rather than one image with a per-service command, so each
# image holds only its own deployed tree, both run `node dist/main.js`, and
# each checks its own port: the api's /healthz on PORT, the worker's on
# WORKER_PORT (its own small HTTP server: event loop and Redis).
# Debian slim, not Alpine: sharp's prebuilt libvips binaries need glibc.

# ---- build: install everything, compile TypeScript, deploy each app's prod tree
FROM node:24-bookworm-slim AS build
# pnpm comes from npm, the version package.json's packageManager names
# (Corepack is not used; .npmrc keeps pnpm from switching versions itself).
RUN npm install -g pnpm@10.34.9
WORKDIR /src
# Manifests first, so the install layer is reused while only sources change.
# Every workspace package is listed: a frozen install needs all the lockfile's importers.
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json .npmrc ./
COPY apps/api/package.json apps/api/
COPY apps/worker/package.json apps/worker/
COPY apps/standalone/package.json apps/standalone/
COPY apps/cli/package.json apps/cli/
COPY packages/params/package.json packages/params/
COPY packages/jobs/package.json packages/jobs/
COPY packages/storage/package.json packages/storage/
COPY packages/net/package.json packages/net/
COPY packages/inputs/package.json packages/inputs/
COPY packages/callbacks/package.json packages/callbacks/
COPY packages/providers/package.json packages/providers/
COPY packages/telemetry/package.json packages/telemetry/
COPY packages/testkit/package.json packages/testkit/
COPY bench/package.json bench/
# The store is a BuildKit cache shared by the install and the deploys below
# (a legacy deploy installs the app's prod dependencies again, from the store).
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store \
    pnpm install --frozen-lockfile --store-dir /pnpm/store
COPY tsconfig.base.json tsconfig.json ./
COPY apps apps
COPY packages packages
RUN pnpm build
# `pnpm deploy` copies one app with its production dependencies, workspace
# packages included (with their dist/), into a self-contained folder.
# `--legacy`: pnpm 10's default deploy needs `inject-workspace-packages=true`,
# which would change how the whole workspace links its packages in development.
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store \
    pnpm --filter @imagegate/api deploy --prod --legacy --store-dir /pnpm/store /out/api \
 && pnpm --filter @imagegate/worker deploy --prod --legacy --store-dir /pnpm/store /out/worker

# ---- runtime base: Node 24 LTS, production mode, non-root
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
# A 32 MB young generation: as fast as Node 24's larger default with less
# memory (docs/decisions/0015-lean-hot-path.md); V8 takes it only at start.
ENV NODE_OPTIONS=--max-semi-space-size=32
WORKDIR /app
# Writable by `node` for STORAGE=fs (docker compose uses S3 instead).
RUN mkdir -p /app/data/files && chown -R node:node /app/data
ENV STORAGE_DIR=/app/data/files

# ---- worker: BullMQ workers; stops on SIGTERM after finishing active jobs
FROM runtime AS worker
COPY --from=build --chown=node:node /out/worker /app
USER node
# /healthz and /metrics of the worker process (not the API's PORT).
ENV WORKER_PORT=8081
EXPOSE 8081
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.WORKER_PORT||8081)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/main.js"]

# ---- api: the HTTP API on $PORT (default 8080); last, so the default target
FROM runtime AS api
COPY --from=build --chown=node:node /out/api /app
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/main.js"]
