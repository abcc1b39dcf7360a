# The image the chart runs (values.yaml image.repository):
#   docker build -t ghcr.io/inferplane/inferplane:0.1.0 .
# `npm test` builds the TypeScript from exactly the paths this file copies and runs the entrypoint
# (test/image/dockerfile.test.ts): a path the build or the server needs and that is not copied fails it.

# Build: every dependency, the TypeScript sources, the API types generated from crds/, `tsc`.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY scripts scripts
COPY crds crds
COPY src src
COPY webhooks webhooks
COPY scheduler-extender scheduler-extender
COPY certs certs
RUN npm run build

# Runtime: production dependencies only, the compiled code, the CLI's bin entry, and what the server
# reads at runtime: the CRD schemas (crds/) and the standalone mode's default manifests (examples/).
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist dist
COPY bin bin
COPY crds crds
COPY examples examples
# The chart's runAsUser; any non-root UID works, the files are world-readable.
USER 65532:65532
ENTRYPOINT ["node", "bin/inferplane.js"]
CMD ["serve"]
