#!/usr/bin/env bash
# bench/report.sh SECTION FILE: replaces the lines between <!-- SECTION:begin --> and
# <!-- SECTION:end --> of docs/benchmarks.md with FILE (which carries the markers itself), so
# the hand-written analysis around the generated tables survives every run.
set -euo pipefail
section=$1 file=$2 doc=docs/benchmarks.md
if ! grep -q "<!-- $section:begin -->" "$doc" 2>/dev/null; then
    { cat "$doc" 2>/dev/null || true; echo; cat "$file"; } >"$doc.new"
else
    awk -v s="$section" -v f="$file" '
        $0 == "<!-- " s ":begin -->" { while ((getline line < f) > 0) print line; skip = 1; next }
        $0 == "<!-- " s ":end -->" { skip = 0; next }
        !skip { print }' "$doc" >"$doc.new"
fi
mv "$doc.new" "$doc"
