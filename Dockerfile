# syntax=docker/dockerfile:1
# Node 24 LTS, the same major the tests run on (the `node` devDependency).
FROM node:24.21.0-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY scripts/build-release.sh ./scripts/
COPY src ./src
RUN scripts/build-release.sh

FROM node:24.21.0-bookworm-slim
# OCI annotations; the build command in docs/production-setup.md passes the values that vary.
ARG VERSION
ARG REVISION
ARG CREATED
ARG SOURCE
LABEL org.opencontainers.image.title="schedule-cache"
LABEL org.opencontainers.image.description="Cache-first front for the legacy dr-schedule API: pre-generated per-company documents in Azure Blob Storage."
LABEL org.opencontainers.image.licenses="UNLICENSED"
LABEL org.opencontainers.image.version="${VERSION}"
LABEL org.opencontainers.image.revision="${REVISION}"
LABEL org.opencontainers.image.created="${CREATED}"
LABEL org.opencontainers.image.source="${SOURCE}"
ENV NODE_ENV=production
# glibc malloc: two arenas, and blocks of 128 KB or more mapped apart and unmapped when freed. By
# default the threshold rises to the largest block freed (MBs: upstream answers, uploads), and
# such blocks then stay in arenas that rarely shrink (docs/decisions/steady-memory.md).
ENV GLIBC_TUNABLES=glibc.malloc.arena_max=2:glibc.malloc.mmap_threshold=131072
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
# Young generation fixed at 16 MB semi-spaces: V8's own sizing hurts hits' tail latency both when
# it grows and when it shrinks (docs/decisions/young-generation-flags.md). On the command line
# because NODE_OPTIONS refuses --min-semi-space-size; scripts/start.sh, `npm start`, the container
# test and bench/ use this line and the ENV lines above.
CMD ["node", "--min-semi-space-size=16", "--max-semi-space-size=16", "dist/main.js"]
