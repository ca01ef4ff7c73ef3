#!/bin/sh
# Container entry point.
#   (no arguments) / serve [...]  run `crossdock migrate` (unless CROSSDOCK_MIGRATE_ON_START=0),
#                                 then `crossdock serve --host 0.0.0.0 --port 8000 [...]`
#   COMMAND ... / crossdock COMMAND ...
#                                 any other CLI command, e.g. `provider create Acme`, `worker`
#   anything else                 executed as given (e.g. `alembic -c /app/alembic.ini current`)
# Everything is exec'ed so that SIGTERM reaches uvicorn directly.
set -eu

if [ "$#" -eq 0 ]; then
    set -- serve
fi

case "$1" in
    serve)
        shift
        if [ "${CROSSDOCK_MIGRATE_ON_START:-1}" != "0" ]; then
            crossdock migrate
        fi
        exec crossdock serve --host 0.0.0.0 --port 8000 "$@"
        ;;
    migrate | worker | relay | scheduler | provider | key | user | schema | audit | secrets | outbox)
        exec crossdock "$@"
        ;;
    crossdock)
        shift
        exec crossdock "$@"
        ;;
    *)
        exec "$@"
        ;;
esac
