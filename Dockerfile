# syntax=docker/dockerfile:1
# chatmem-bot: `docker compose up -d` builds this next to Redis (see docker-compose.yml).

# --- build: compile TypeScript to dist/ (with the Lua scripts copied to dist/memory/scripts) ---
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# All dependencies, dev ones included (TypeScript). The install scripts allowed in package.json's
# allowScripts run: the registry `node` package puts its own Node 24 in node_modules/.bin, which
# `npm run build` uses; none of it reaches the runtime image.
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# --- runtime: production dependencies, the compiled program, the image's own Node 24 ---
FROM node:24-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# No production dependency has an install script (only the dev ones `node` and esbuild do), so
# none runs here.
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts --no-audit --no-fund
COPY --from=build /app/dist ./dist

# The HTTP server (Telegram webhook, /healthz, /readyz, /metrics) runs only when HTTP_PORT is set.
ENV HTTP_PORT=8080
EXPOSE 8080

# Files stay owned by root, read-only for the process. Without Redis (MEMORY_STORE=sqlite, the
# default when no Redis is configured) the bot writes only its SQLite file under /app/data: mount a
# volume there to keep memory across containers.
RUN mkdir -p /app/data && chown node:node /app/data
VOLUME ["/app/data"]
USER node

# No curl in the slim image: Node's fetch asks /healthz. The shell expands HTTP_PORT at run time,
# so an HTTP_PORT set in compose or `docker run -e` is followed.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:${HTTP_PORT}/healthz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"

# SIGTERM: stop taking updates, let answers in flight finish (up to 10 s), exit 0.
STOPSIGNAL SIGTERM
# Not `npm start`: its prestart build needs the dev dependencies, and npm would sit between the
# signal and the bot. /usr/local/bin/node is the image's Node 24, started as npm start starts it
# (a test keeps the two the same; the README's "Memory" section has flags that trade CPU for RAM).
CMD ["node", "dist/main.js"]
