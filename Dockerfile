# syntax=docker/dockerfile:1
# imagegate production image: one image, two roles. The api and worker
# services run the same image with a different command, so a deploy ships one
# build and the roles can never drift apart.

# ---- build: install everything, compile TypeScript, deploy each app's prod tree
FROM node:24-bookworm-slim AS build
# Corepack is not used: pnpm comes from npm, pinned to major 10.
RUN npm install -g pnpm@10
WORKDIR /src
# Manifests first, so dependency layers are reused while only sources change.
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json ./
COPY apps/api/package.json apps/api/
COPY apps/worker/package.json apps/worker/
COPY apps/standalone/package.json apps/standalone/
COPY apps/cli/package.json apps/cli/
COPY packages/params/package.json packages/params/
COPY packages/jobs/package.json packages/jobs/
COPY packages/storage/package.json packages/storage/
COPY packages/net/package.json packages/net/
COPY packages/inputs/package.json packages/inputs/
COPY packages/providers/package.json packages/providers/
COPY packages/testkit/package.json packages/testkit/
COPY bench/package.json bench/
RUN pnpm install --frozen-lockfile
COPY tsconfig.base.json tsconfig.json ./
COPY apps apps
COPY packages packages
RUN pnpm build
# `pnpm deploy` copies an app with its production dependencies (workspace
# packages included, with their dist/) into a self-contained folder.
RUN pnpm --filter @imagegate/api deploy --prod --legacy /out/api \
 && pnpm --filter @imagegate/worker deploy --prod --legacy /out/worker

# ---- runtime: Node 24 LTS, non-root, only the deployed trees
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=node:node /out/api /app/api
COPY --from=build --chown=node:node /out/worker /app/worker
RUN mkdir -p /app/data && chown node:node /app/data
USER node
ENV STORAGE_DIR=/app/data/files
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# The api role by default; the worker service overrides the command.
CMD ["node", "api/dist/main.js"]
