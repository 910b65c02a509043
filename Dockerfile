# Duet: one image, one process (web app, /ws signaling, /healthz, /readyz, /metrics on one port).
# CI lints this file (tools/containers); it does not build it: these machines run no Docker engine.

# --- build: the whole workspace, then the server's own package.json and lockfile (Nx prune) ---
FROM node:24.22.3-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund
COPY . .
ENV NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
RUN npx nx run-many -t build -p server web && npx nx run server:prune

# --- runtime: production dependencies of the server only, as the unprivileged node user ---
FROM node:24.22.3-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=3000
WORKDIR /app
COPY --from=build /src/dist/apps/server/package.json /src/dist/apps/server/package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /src/dist/apps/server ./dist/apps/server
COPY --from=build /src/dist/apps/web ./dist/apps/web
USER node
EXPOSE 3000
# Liveness from inside the container; orchestrators should use /readyz for traffic.
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "dist/apps/server/main.js"]
