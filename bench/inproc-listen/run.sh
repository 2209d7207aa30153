#!/bin/sh
# The listener's synchronous work per delivery, in one process: an old and a new source tree's pipelines (header map,
# inspectDelivery, the duplicate memory, buildReport, the answer, the NDJSON line) in alternating rounds over the
# bench's deliveries, after checking that both write the same line bytes. Not part of `npm run bench`.
# usage: bench/inproc-listen/run.sh <new worktree> [old worktree, default: this checkout]   env: R rounds, M a round
H=$(cd "$(dirname "$0")" && pwd)
NEW=${1:?new worktree}; OLD=${2:-$(cd "$H/../.." && pwd)}
T=$(mktemp -d)
mkdir -p "$T/gen" && cp -r "$OLD/src" "$T/gen/" && ln -s "$NEW/node_modules" "$T/gen/node_modules"
sed -e "s#'OLD/#'$OLD/#g" -e "s#'NEW/#'$NEW/#g" -e "s#'GEN/#'$T/gen/#g" "$H/harness.ts" > "$T/h.ts"
"$NEW/node_modules/.bin/esbuild" "$T/h.ts" --bundle --platform=node --format=esm --outfile="$T/h.mjs" --log-level=error --banner:js="import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);" && node "$T/h.mjs"
rm -rf "$T"
