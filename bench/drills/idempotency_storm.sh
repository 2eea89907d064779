# Drill: 100 concurrent filings with one Idempotency-Key make one case.
TOKEN=$(head -1 "$WORK/tokens")
"$LOADGEN" --base "$BASE" idem --token "$TOKEN" --village "$(head -1 "$WORK/villages")" \
    --n 100 >"$WORK/idem.json"
KEY=$(jq -r .key "$WORK/idem.json")
IDS=$(jq '.distinct_ids | length' "$WORK/idem.json")
ROWS=$(q "SELECT count(*) FROM idempotency_keys WHERE key = '$KEY' AND case_id IS NOT NULL")
CASES_MADE=$(q "SELECT count(*) FROM cases c JOIN idempotency_keys k
    ON k.case_id = c.id AND k.key = '$KEY'")
drill idempotency_storm "100 concurrent POST /cases, one Idempotency-Key" \
    "statuses $(jq -c .statuses "$WORK/idem.json"), $IDS distinct case id(s), $CASES_MADE case(s) in the database" \
    "$( [[ $IDS == 1 && $ROWS == 1 && $CASES_MADE == 1 ]] && echo yes || echo no)"
