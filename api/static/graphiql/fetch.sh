#!/bin/sh
# Re-fetch the vendored GraphiQL assets from the npm registry (see README.md here).
#   api/static/graphiql/fetch.sh            the versions below
#   GRAPHIQL=3.8.3 REACT=18.2.0 api/static/graphiql/fetch.sh
# Needs npm and tar. Writes only into this folder; the page that loads these files is
# api/graphiql.py, and tests/api/test_graphiql.py checks that everything it names is served.
set -eu

GRAPHIQL="${GRAPHIQL:-3.8.3}"
REACT="${REACT:-18.2.0}"
HERE="$(cd "$(dirname "$0")" && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cd "$WORK"
npm pack --silent "graphiql@$GRAPHIQL" "react@$REACT" "react-dom@$REACT" >/dev/null
unpack() { mkdir "$1" && tar -xzf "$1-$2.tgz" -C "$1" --strip-components=1; }
unpack graphiql "$GRAPHIQL"
unpack react "$REACT"
unpack react-dom "$REACT"

# The source maps are not vendored: drop the comments that point at them, so that a
# browser's developer tools do not ask the server for files it does not have.
strip_map() { grep -v '^//# sourceMappingURL=\|^/\*# sourceMappingURL=' "$1" >"$2"; }

strip_map graphiql/graphiql.min.js "$HERE/graphiql.min.js"
strip_map graphiql/graphiql.min.css "$HERE/graphiql.min.css"
cp react/umd/react.production.min.js "$HERE/react.production.min.js"
cp react-dom/umd/react-dom.production.min.js "$HERE/react-dom.production.min.js"
cp graphiql/LICENSE "$HERE/LICENSE.graphiql"
cp react/LICENSE "$HERE/LICENSE.react"
cp react-dom/LICENSE "$HERE/LICENSE.react-dom"

cd "$HERE"
sha256sum graphiql.min.js graphiql.min.css react.production.min.js react-dom.production.min.js
echo "graphiql $GRAPHIQL, react $REACT, react-dom $REACT: update README.md if these changed"
