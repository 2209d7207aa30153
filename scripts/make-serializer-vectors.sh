#!/bin/sh
# Re-serializes a shared corpus with each mainstream JSON serializer, the real ones, and signs each output
# with HMAC-SHA256 in the serializer's own language; writes fixtures/explain/serializers.json, which
# test/signing.explain.serializers.test.ts checks `--explain` against (the test suite needs none of these tools).
#
# Needs (Debian): apt-get install -y php-cli golang-go ruby default-jdk-headless libjackson2-databind-java \
#                 libgoogle-gson-java python3 nodejs
# .NET is not in Debian: its vectors come from scripts/serializers/dotnet_model.py, a model written from
# dotnet/runtime's source, and the fixture marks them "modelled".
#
# Usage: sh scripts/make-serializer-vectors.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dir="$here/serializers"
out="$here/../fixtures/explain/serializers.json"
secret='cg-hooks-serializer-vectors'
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 "$dir/corpus.py"
corpus="$dir/corpus.json"

node "$dir/node.mjs" "$corpus" "$secret" > "$tmp/node.tsv"
python3 "$dir/python.py" "$corpus" "$secret" > "$tmp/python.tsv"
php "$dir/php.php" "$corpus" "$secret" > "$tmp/php.tsv"
ruby "$dir/ruby.rb" "$corpus" "$secret" > "$tmp/ruby.tsv"
(cd "$dir/go" && GOFLAGS=-mod=mod GOCACHE="$tmp/gocache" go run . "$corpus" "$secret") > "$tmp/go.tsv"
cp="/usr/share/java/jackson-databind.jar:/usr/share/java/jackson-core.jar:/usr/share/java/jackson-annotations.jar:/usr/share/java/gson.jar"
javac -d "$tmp" -cp "$cp" "$dir/JavaSerializers.java"
java -cp "$cp:$tmp" JavaSerializers "$corpus" "$secret" > "$tmp/java.tsv"
python3 "$dir/dotnet_model.py" "$corpus" "$secret" > "$tmp/dotnet.tsv"

versions="node $(node --version)
python $(python3 -c 'import platform; print(platform.python_version())')
php $(php -r 'echo PHP_VERSION;')
ruby $(ruby -e 'print RUBY_VERSION, " json ", JSON::VERSION' -rjson)
go $(go env GOVERSION)
java $(java -version 2>&1 | head -1 | sed 's/.*"\(.*\)".*/\1/') jackson-databind $(ls /usr/share/java | sed -n 's/^jackson-databind-\(.*\)\.jar$/\1/p') gson $(ls /usr/share/java | sed -n 's/^gson-\(.*\)\.jar$/\1/p')"
python3 "$dir/assemble.py" "$corpus" "$secret" "$out" "$versions" "$tmp"/node.tsv "$tmp"/python.tsv "$tmp"/php.tsv "$tmp"/ruby.tsv "$tmp"/go.tsv "$tmp"/java.tsv "$tmp"/dotnet.tsv
echo "wrote $out"
