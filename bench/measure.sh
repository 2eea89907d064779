# The figures bench/run and bench/province.sh both take, sourced after bench/lib.sh with a
# seeded database ($DB), a running server ($BASE) and $WORK, $RESULTS, $LOADGEN set.

# figure name, value, unit, budget text, pass (yes/no/-)
record() {
    printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" >>"$RESULTS"
    printf '%s: %s %s (budget: %s)%s\n' "$1" "$2" "$3" "$4" "$([[ $5 == no ]] && echo ' MISSED')"
}
le() { awk -v a="$1" -v b="$2" 'BEGIN { print (a <= b) ? "yes" : "no" }'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { print (a >= b) ? "yes" : "no" }'; }

# Waits until the outbox holds no due mail (the server's own catch-up), at most five minutes.
settle() {
    local pending
    for _ in $(seq 1 300); do
        pending=$(q "SELECT count(*) FROM outbox WHERE status = 'pending' AND next_attempt_at <= now()")
        [[ $pending == 0 ]] && return 0
        sleep 1
    done
    say "the outbox still has $pending due mail(s); measuring anyway"
}
settled() {
    local start
    start=$(date +%s)
    settle
    say "background work settled in $(($(date +%s) - start)) s"
}

# Filing through the API (8 residents, random villages, closed loop) against pgbench running
# the same SQL (bench/filing.sql); $WORK/tokens and $WORK/villages must be written.
filing_ratio() {
    "$LOADGEN" --base "$BASE" file --tokens "$WORK/tokens" --villages "$WORK/villages" \
        --concurrency 4 --seconds 1 >/dev/null # warm-up: connections, prepared statements
    "$LOADGEN" --base "$BASE" file --tokens "$WORK/tokens" --villages "$WORK/villages" \
        --concurrency "$CONCURRENCY" --seconds "$SECONDS_PER_RUN" >"$WORK/file.json"
    local api pg ratio
    api=$(jq .per_sec "$WORK/file.json")
    pgbench -n -M prepared -f bench/filing.sql -D counties="$COUNTIES" -D residents="$RESIDENTS" \
        -c "$CONCURRENCY" -j 2 -T "$SECONDS_PER_RUN" "$DB" >"$WORK/pgbench.txt" 2>&1 ||
        { cat "$WORK/pgbench.txt" >&2; exit 1; }
    pg=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$WORK/pgbench.txt")
    ratio=$(awk -v a="$api" -v b="$pg" 'BEGIN { printf "%.2f", a / b }')
    record filing_api "$(printf %.0f "$api")" "cases/s" "ratio to pgbench" -
    record filing_pgbench "$(printf %.0f "$pg")" "tx/s" "same SQL, -M prepared" -
    record filing_ratio "$ratio" "x" ">= 0.6" "$(ge "$ratio" 0.6)"
}

# The committee with the most open cases and its county (no server needed): sets COMMITTEE,
# COUNTY_CODE (6 digits), OPEN and the paths files.
busiest_committee() {
    read -r COMMITTEE COUNTY_CODE < <(q "SELECT c.committee_id, substr(d.code, 1, 6) FROM (
        SELECT committee_id, count(*) FROM cases WHERE status NOT IN $FINAL_STATUSES
        GROUP BY committee_id ORDER BY 2 DESC LIMIT 1) c
        JOIN committees m ON m.id = c.committee_id JOIN divisions d ON d.id = m.division_id" |
        tr '|' ' ')
    OPEN=$(q "SELECT count(*) FROM cases WHERE committee_id = '$COMMITTEE' AND status NOT IN $FINAL_STATUSES")
    echo "/api/v1/queue?limit=20" >"$WORK/queue.paths"
    q "SELECT '/api/v1/cases/' || id FROM cases WHERE committee_id = '$COMMITTEE' LIMIT 500" >"$WORK/case.paths"
    echo "/api/v1/cases?limit=20" >"$WORK/judge.paths"
}
# Signs in a mediator of $COMMITTEE and the judge of $COUNTY_CODE (the server must be running).
staff_tokens() {
    MEDIATOR=$(login "$(q "SELECT email FROM users WHERE committee_id = '$COMMITTEE' AND role = 'mediator' LIMIT 1")")
    JUDGE=$(login "judge.${COUNTY_CODE}000000@load.test")
}

reads() { # name token paths budget-ms [rate]: open loop at a steady rate
    local rate=${5:-200}
    "$LOADGEN" --base "$BASE" rate --token "$2" --paths "$3" --rate 50 --seconds 1 >/dev/null
    "$LOADGEN" --base "$BASE" rate --token "$2" --paths "$3" --rate "$rate" \
        --seconds "$SECONDS_PER_RUN" >"$WORK/$1.json"
    local p50 p99 bad
    p50=$(jq .p50_ms "$WORK/$1.json")
    p99=$(jq .p99_ms "$WORK/$1.json")
    bad=$(jq '[.statuses | to_entries[] | select(.key != "200") | .value] | add // 0' "$WORK/$1.json")
    record "${1}_p50" "$(printf %.1f "$p50")" ms "-" -
    record "${1}_p99" "$(printf %.1f "$p99")" ms "<= $4 ms at $rate req/s, $bad non-200" \
        "$( [[ $bad == 0 ]] && le "$p99" "$4" || echo no)"
}

# The queue, the case page and the judge's list at 200 req/s; the dashboard and the public
# figures over sixty different questions (every unit, twelve periods), so reports are built
# as well as served from the 30-second memory.
queue_page_judge_dashboard() {
    reads queue "$MEDIATOR" "$WORK/queue.paths" 25
    reads case_page "$MEDIATOR" "$WORK/case.paths" 25
    reads judge_list "$JUDGE" "$WORK/judge.paths" 25
    : >"$WORK/dashboard.paths"
    : >"$WORK/public.paths"
    local m unit
    for m in 01 02 03 04 05 06 07 08 09 10 11 12; do
        for unit in county township village committee mediator; do
            echo "/dashboard?unit=$unit&from=2025-$m&to=2026-$m" >>"$WORK/dashboard.paths"
        done
        echo "/stats/${COUNTY_CODE}000000?from=2025-$m&to=2026-$m" >>"$WORK/public.paths"
        echo "/api/v1/public/stats?county=${COUNTY_CODE}&from=2024-$m&to=2026-$m" >>"$WORK/public.paths"
    done
    reads dashboard "$JUDGE" "$WORK/dashboard.paths" 50
    reads public_stats "$JUDGE" "$WORK/public.paths" 50
}
