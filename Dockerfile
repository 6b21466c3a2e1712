# syntax=docker/dockerfile:1
# Node 24 LTS, the same major the tests run on (the `node` devDependency).
FROM node:24.21.0-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY scripts/build-release.sh ./scripts/
COPY src ./src
RUN scripts/build-release.sh

FROM node:24.21.0-bookworm-slim
ENV NODE_ENV=production
# Young generation capped at 16 MB semi-spaces: on a large host V8 grows it to 64 MB, and hits then
# paid 15-27 ms scavenges (README: Runtime and platform choices). scripts/start.sh and bench/ read
# this line.
ENV NODE_OPTIONS="--max-semi-space-size=16"
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
CMD ["node", "dist/main.js"]
