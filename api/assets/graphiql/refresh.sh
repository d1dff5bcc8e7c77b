#!/usr/bin/env bash
# Refreshes the GraphiQL page's assets from the npm packages at the pinned versions below, so
# the page works on a machine with no route to a CDN. Run from anywhere; needs npm. Review the
# printed checksums in the commit that changes a version.
set -euo pipefail
cd "$(dirname "$0")"
GRAPHIQL=4.1.2
REACT=18.3.1
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "graphiql@$GRAPHIQL" "react@$REACT" "react-dom@$REACT" >/dev/null)
for package in graphiql-$GRAPHIQL react-$REACT react-dom-$REACT; do
  mkdir -p "$work/$package" && tar xzf "$work/$package.tgz" -C "$work/$package" --strip-components 1
done
cp "$work/graphiql-$GRAPHIQL/graphiql.min.js" "$work/graphiql-$GRAPHIQL/graphiql.min.css" .
cp "$work/react-$REACT/umd/react.production.min.js" .
cp "$work/react-dom-$REACT/umd/react-dom.production.min.js" .
{
  echo "graphiql $GRAPHIQL, react $REACT, react-dom $REACT (npm), each under the MIT licence:"
  for package in graphiql-$GRAPHIQL react-$REACT react-dom-$REACT; do
    echo; echo "== $package"; cat "$work/$package/LICENSE"
  done
} > LICENSES.txt
sha256sum graphiql.min.js graphiql.min.css react.production.min.js react-dom.production.min.js
