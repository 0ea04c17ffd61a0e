# syntax=docker/dockerfile:1
# Multi-stage build: compile TypeScript, prune dev dependencies, run as the non-root `node` user.

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY config ./config
COPY connector ./connector
COPY adapters ./adapters
COPY mappings ./mappings
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/bin ./bin
COPY --from=build --chown=node:node /app/mappings ./mappings
COPY --from=build --chown=node:node /app/config ./config
COPY --chown=node:node package.json ./
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.HTTP_PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# node is PID 1's child through tini-less exec form: SIGTERM reaches the connector directly.
ENTRYPOINT ["node", "--max-semi-space-size=8", "--max-old-space-size=256", "bin/agency-connector.js"]
CMD ["start", "--config", "config/connector.example.yaml"]
