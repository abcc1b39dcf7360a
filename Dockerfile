# The image the chart runs (values.yaml image.repository). Build: docker build -t inferplane .
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src src
COPY webhooks webhooks
COPY certs certs
RUN npm ci --no-audit --no-fund && npm prune --omit=dev

FROM gcr.io/distroless/nodejs20-debian12:nonroot
WORKDIR /app
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY package.json ./
COPY examples examples
USER 65532:65532
ENTRYPOINT ["/nodejs/bin/node", "dist/src/cli.js"]
CMD ["serve"]
