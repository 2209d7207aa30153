#!/bin/sh
# The inspector's CPU a delivery, in one process: main's and a branch's `listen --json` pipeline with and without
# `--ui` (a page's stream open, read by a child process), alternating rounds. Not part of `npm run bench`.
# usage: bench/inproc-ui/run.sh <new worktree> [old worktree, default /work/main] [node flags, e.g. --cpu-prof]
# env: R rounds (21), M deliveries a round (5000), CHECK=0 skips the API byte comparison, NOPAGE=1 opens no page.
NEW=${1:?new worktree}; OLD=${2:-/work/main}; shift; [ $# -gt 0 ] && shift
H=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
# The payloads come from a third copy of the sources: generating them with OLD's modules made OLD's inspector look
# ~20% dearer in an A/A run (two copies of the same sources), whatever the order the pipelines were made in.
mkdir -p "$T/gen" && cp -r "$OLD/src" "$T/gen/" && ln -s "$NEW/node_modules" "$T/gen/node_modules"
sed -e "s#'OLD/#'$OLD/#g" -e "s#'NEW/#'$NEW/#g" -e "s#'GEN/#'$T/gen/#g" "$H/harness.ts" > "$T/h.ts"
cp "$H/reader.mjs" "$T/"
"$NEW/node_modules/.bin/esbuild" "$T/h.ts" --bundle --platform=node --format=esm --outfile="$T/h.mjs" --log-level=error --banner:js="import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);" && (cd "$T" && node "$@" "$T/h.mjs")
rm -rf "$T"
