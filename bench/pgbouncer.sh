# Connection pooling (`bench/run --pgbouncer`): the same server measured with its connections
# straight to PostgreSQL, then through Debian's pgbouncer (installed when missing) in session
# mode, then in transaction mode. Sourced by bench/run once the database is seeded on the private
# cluster; writes the `pgbouncer` section of docs/benchmarks.md.
#
# Each setting: a filing load (8 residents, closed loop) and the judge's case view at 32
# connections (wrk), with the errors each answered.
RESULTS="$WORK/results.tsv"
source bench/measure.sh
command -v pgbouncer >/dev/null || [[ -x /usr/sbin/pgbouncer ]] || {
    say "installing pgbouncer"
    apt-get update -qq && apt-get install -y -qq pgbouncer >/dev/null
}
PGB=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)
PGB_PORT=${PGB_PORT:-6439}
PGB_DIR=$(mktemp -d /tmp/fq-pgbouncer.XXXXXX)
chmod 755 "$PGB_DIR"
PGB_PID=
pgb_stop() {
    if [[ -n $PGB_PID ]]; then
        kill "$PGB_PID" 2>/dev/null || true
        wait "$PGB_PID" 2>/dev/null || true
    fi
    PGB_PID=
}
trap 'pgb_stop; rm -rf "$PGB_DIR"; cleanup' EXIT

pgb_start() { # pool mode
    cat >"$PGB_DIR/pgbouncer.ini" <<INI
[databases]
$DB = host=$PGHOST port=$PGPORT dbname=$DB user=$PGUSER
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PGB_PORT
unix_socket_dir =
auth_type = trust
auth_file = $PGB_DIR/users.txt
pool_mode = $1
max_client_conn = 200
default_pool_size = 20
logfile = $PGB_DIR/pgbouncer.log
pidfile = $PGB_DIR/pgbouncer.pid
INI
    echo "\"$PGUSER\" \"\"" >"$PGB_DIR/users.txt"
    local as=()
    ((EUID == 0)) && { chown -R postgres: "$PGB_DIR"; as=(runuser -u postgres --); }
    "${as[@]}" "$PGB" "$PGB_DIR/pgbouncer.ini" >/dev/null 2>&1 &
    PGB_PID=$!
    for _ in $(seq 1 50); do
        pg_isready -q -h 127.0.0.1 -p "$PGB_PORT" && return 0
        sleep 0.1
    done
    say "pgbouncer did not start; see $PGB_DIR/pgbouncer.log"
    return 1
}

measure_through() { # label, DATABASE_URL for the server
    local label=$1 url=$2
    if ! DATABASE_URL=$url serve_start; then
        record "filing_$label" 0 "cases/s" "- (the server did not become ready)" -
        serve_stop
        return 0
    fi
    for i in $(seq 0 7); do login "resident$i@load.test"; done >"$WORK/tokens"
    q "SELECT code FROM divisions WHERE level = 'village' AND code LIKE '99%'" >"$WORK/villages"
    busiest_committee
    staff_tokens
    q "SELECT '/api/v1/cases/' || id FROM cases WHERE county_id = (SELECT id FROM divisions
       WHERE code = '${COUNTY_CODE}000000') AND level = 'county' ORDER BY id LIMIT 500" \
        >"$WORK/judge_case.paths"
    echo "$JUDGE" >"$WORK/judge.token"
    "$LOADGEN" --base "$BASE" file --tokens "$WORK/tokens" --villages "$WORK/villages" \
        --concurrency "$CONCURRENCY" --seconds "$SECONDS_PER_RUN" >"$WORK/file-$label.json"
    wrk -t2 -c32 -d"${SECONDS_PER_RUN}s" --timeout 10s -s bench/closed_loop.lua "$BASE" \
        >"$WORK/view-$label.wrk" 2>&1 < /dev/null || true
    serve_stop
    local filed statuses view
    filed=$(jq .per_sec "$WORK/file-$label.json")
    statuses=$(jq -c .statuses "$WORK/file-$label.json")
    view=$(sed -n 's/^WRK //p' "$WORK/view-$label.wrk")
    record "filing_$label" "$(printf %.0f "$filed")" "cases/s" "- (statuses $statuses)" -
    record "case_view_$label" "$(echo "$view" | jq '.requests / .seconds | floor')" "req/s" \
        "- (32 connections, p99 $(echo "$view" | jq .p99_ms) ms, $(echo "$view" | jq '.errors + .non2xx') not 2xx)" -
}
export WRK_TOKENS="$WORK/judge.token" WRK_PATHS="$WORK/judge_case.paths"
measure_through direct "$DATABASE_URL"
PGB_URL="postgres://$PGUSER@127.0.0.1:$PGB_PORT/$DB"
pgb_start session
measure_through session "$PGB_URL"
pgb_stop
pgb_start transaction
measure_through transaction "$PGB_URL"
grep -m1 -o 'prepared statement "[^"]*" does not exist' "$WORK/server.log" >"$WORK/pgb-error.txt" || true
record transaction_mode_error "$(grep -c . "$WORK/pgb-error.txt")" "" \
    "- (the server's log: $(cat "$WORK/pgb-error.txt"))" -
pgb_stop

{
    echo "<!-- pgbouncer:begin -->"
    echo "Run of $(date -u '+%Y-%m-%d %H:%M UTC'), \`bench/run --quick --pgbouncer\`"
    echo "on $(machine); PostgreSQL $(q 'SHOW server_version'), pgbouncer $("$PGB" --version | head -1 | awk '{print $2}')."
    echo "Server: WORKERS=$WORKERS, DB_POOL_SIZE=$DB_POOL_SIZE; $CASES seeded cases; pgbouncer's pool"
    echo "20 server connections, the server's own pool $DB_POOL_SIZE; $SECONDS_PER_RUN s each."
    echo
    echo "| Figure | Value | Note |"
    echo "|---|---|---|"
    while IFS=$'\t' read -r name value unit budget _; do
        echo "| $name | $value $unit | $budget |"
    done <"$RESULTS"
    echo "<!-- pgbouncer:end -->"
} >"$WORK/pgbouncer.md"
bench/report.sh pgbouncer "$WORK/pgbouncer.md"
say "pgbouncer results written to docs/benchmarks.md"
