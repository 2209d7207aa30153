#!/bin/sh
# The inspector's store alone (store.ts), main's and a branch's sources in turn, each in its own process, N times
# (default 4): ns of CPU a delivery. Not part of `npm run bench`.
# usage: bench/inproc-ui/store.sh <new worktree> [old worktree, default /work/main]
NEW=${1:?new worktree}; OLD=${2:-/work/main}
H=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
for v in old new; do
  if [ $v = old ]; then S=$OLD; else S=$NEW; fi
  sed -e "s#'SRC/#'$S/src/#g" "$H/store.ts" > "$T/$v.ts"
  "$NEW/node_modules/.bin/esbuild" "$T/$v.ts" --bundle --platform=node --format=cjs --outfile="$T/$v.cjs" --log-level=error || exit 1
done
for n in $(seq "${N:-4}"); do
  for v in old new; do printf '%s %s\n' "$v" "$(node "$T/$v.cjs")"; done
done
rm -rf "$T"
