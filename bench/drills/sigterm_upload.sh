# Drill: SIGTERM the server while uploads stream in. In-flight requests finish (actix drains
# for up to 30 s); afterwards no evidence row lacks its file and no stored file lacks its row.
q "SELECT id FROM cases WHERE committee_id = '$COMMITTEE' AND status = 'in_mediation' LIMIT 20" \
    >"$WORK/upload.cases"
"$LOADGEN" --base "$BASE" upload --token "$MEDIATOR" --cases "$WORK/upload.cases" --kib 2048 \
    --concurrency 4 --seconds 6 --ledger "$WORK/evidence.ledger" >"$WORK/upload.json" &
UPLOADER=$!
sleep 3
TERM_AT=$(date +%s.%N)
serve_stop
STOP_SECS=$(echo "$(date +%s.%N) - $TERM_AT" | bc)
wait "$UPLOADER" || true
ACKED=$(jq .acknowledged "$WORK/upload.json")
ROWS_WITHOUT_FILE=0
while read -r sha; do
    [[ -f "$DATA_DIR/evidence/${sha:0:2}/${sha:2:2}/$sha" ]] || ROWS_WITHOUT_FILE=$((ROWS_WITHOUT_FILE + 1))
done < <(q "SELECT DISTINCT sha256 FROM evidence")
FILES_WITHOUT_ROW=0
while read -r f; do
    sha=$(basename "$f")
    [[ $(q "SELECT count(*) FROM evidence WHERE sha256 = '$sha'") -gt 0 ]] || FILES_WITHOUT_ROW=$((FILES_WITHOUT_ROW + 1))
done < <(find "$DATA_DIR/evidence" -type f)
LOST=0
while read -r id _; do
    [[ -z $id ]] && continue
    [[ $(q "SELECT count(*) FROM evidence WHERE id = '$id'") == 1 ]] || LOST=$((LOST + 1))
done <"$WORK/evidence.ledger"
drill sigterm_during_uploads "SIGTERM during 4 concurrent 2 MB uploads" \
    "stopped in $(printf %.1f "$STOP_SECS") s; statuses $(jq -c .statuses "$WORK/upload.json"); $ACKED acknowledged, $LOST of them missing; $ROWS_WITHOUT_FILE row(s) without file, $FILES_WITHOUT_ROW file(s) without row" \
    "$( [[ $LOST == 0 && $ROWS_WITHOUT_FILE == 0 && $FILES_WITHOUT_ROW == 0 ]] && echo yes || echo no)"
serve_start EVIDENCE_MAX_FILE_MB=64
