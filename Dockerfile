# Duet: one image, one process (web app, /ws signaling, /healthz, /readyz, /metrics on one port).
# CI lints this file (tools/containers); it does not build it: these machines run no Docker engine.

# --- build: the whole workspace, then the server's own package.json and lockfile (Nx prune) ---
FROM node:24.22.3-bookworm-slim AS build
# better-sqlite3 is a native module: when no prebuilt binary matches, npm compiles it.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund
COPY . .
ENV NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
RUN npx nx run-many -t build -p server web && npx nx run server:prune

# --- runtime: production dependencies of the server only, as the unprivileged node user ---
FROM node:24.22.3-bookworm-slim AS runtime
# DATA_DIR: the SQLite file of push subscriptions and call history (AUTH_MODE=jwt or oidc, without
# DATABASE_URL); a volume, so it outlives the container.
ENV NODE_ENV=production PORT=3000 DATA_DIR=/data
WORKDIR /app
COPY --from=build /src/dist/apps/server/package.json /src/dist/apps/server/package-lock.json ./
# The compiler is only there while better-sqlite3 may need it, and gone from the final layer.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
  && npm install --omit=dev --no-audit --no-fund && npm cache clean --force \
  && apt-get purge -y python3 make g++ && apt-get autoremove -y && rm -rf /var/lib/apt/lists/* \
  && mkdir -p /data && chown node:node /data
VOLUME /data
COPY --from=build /src/dist/apps/server ./dist/apps/server
COPY --from=build /src/dist/apps/web ./dist/apps/web
USER node
EXPOSE 3000
# Liveness from inside the container; orchestrators should use /readyz for traffic.
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "dist/apps/server/main.js"]
