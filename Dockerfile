# Crossdock API image.
#   docker build -t crossdock .
#   docker run -p 8000:8000 \
#     -e CROSSDOCK_DATABASE_URL=postgresql://crossdock:...@db:5432/crossdock \
#     -e CROSSDOCK_MIGRATION_DATABASE_URL=postgresql://crossdock_owner:...@db:5432/crossdock \
#     crossdock
# See docs/operations.md.

# --- web: the console and portals (web/), built with the committed GraphQL schema ------
FROM node:20-bookworm-slim AS web

WORKDIR /src/web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web/ ./
COPY api/schema.graphql /src/api/schema.graphql
# writes /src/api/static/app (vite.config.ts), which the Python package serves at /
RUN npm run build

# --- builder: the hash-locked dependencies and the project, in /opt/venv -------------
FROM python:3.11-slim AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src
COPY requirements.runtime.lock ./
# The runtime half of the lock (no developer tools), every hash checked.
RUN pip install --require-hashes -r requirements.runtime.lock

COPY . .
COPY --from=web /src/api/static/app ./api/static/app
RUN pip install --no-deps . \
 && python -c "import crossdock.cli, migrations" \
 && rm -rf build ./*.egg-info \
 && chmod 0755 docker-entrypoint.sh

# --- runtime ----------------------------------------------------------------------------
FROM python:3.11-slim AS runtime

LABEL org.opencontainers.image.title="crossdock" \
      org.opencontainers.image.description="Multi-tenant fulfillment platform API"

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    CROSSDOCK_LOG_FORMAT=json \
    CROSSDOCK_HOST=0.0.0.0

RUN groupadd --system --gid 10001 crossdock \
 && useradd --system --uid 10001 --gid crossdock --no-create-home \
        --home-dir /var/lib/crossdock --shell /usr/sbin/nologin crossdock \
 && install -d -o crossdock -g crossdock -m 0750 /var/lib/crossdock

COPY --from=builder /opt/venv /opt/venv
# The source (read-only, owned by root) for alembic.ini and reference:
#   docker run --rm crossdock alembic -c /app/alembic.ini current
COPY --from=builder /src /app
COPY --from=builder /src/docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh

# Without CROSSDOCK_DATABASE_URL the app uses SQLite in the working directory.
WORKDIR /var/lib/crossdock
USER 10001:10001

EXPOSE 8000 9191
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]

ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["serve"]
