#!/usr/bin/env bash
# Writes services/src/test/resources/fixtures/data-dir-format1.zip: a data directory made by the
# release before collections (commit 1b9a99b, index format 1 under <data-dir>/lucene), which the
# upgrade test opens with today's code. Run once when the fixture must be remade; needs the Maven
# repository the build uses (offline).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
release=${1:-1b9a99b}
work=$(mktemp -d)
trap 'git -C "$here" worktree remove --force "$work/src" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git -C "$here" worktree add --detach "$work/src" "$release" >/dev/null
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
# One invocation, so retrieval's classpath resolves tokenizers from the reactor (the last module writes cp.txt).
(cd "$work/src" && mvn -B -q -o -pl retrieval -am compile dependency:build-classpath -Dmdep.outputFile="$work/cp.txt")
cp="$work/src/retrieval/target/classes:$work/src/tokenizers/target/classes:$(cat "$work/cp.txt")"
"$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -cp "$cp" \
  "$here/scripts/upgrade-fixture/MakeFormat1DataDir.java" "$work/data"
out="$here/services/src/test/resources/fixtures/data-dir-format1.zip"
mkdir -p "$(dirname "$out")"
rm -f "$out"
(cd "$work/data" && zip -q -r -X "$out" lucene)
echo "wrote $out from release $release"
