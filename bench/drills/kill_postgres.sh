# Drill: kill -9 PostgreSQL during a filing load, restart it. Every filing answered 201 must
# exist afterwards (the load generator keeps a ledger of acknowledged ids); while the database
# is down the service answers 503 within 3 s; it recovers without being restarted.
# This stops the machine's shared cluster for a few seconds: it runs once, and PostgreSQL is
# started again whatever happens (trap).
PG_CLUSTER_VERSION=${PG_CLUSTER_VERSION:-15}
PG_CLUSTER_NAME=${PG_CLUSTER_NAME:-main}
PG_PIDFILE=/var/lib/postgresql/$PG_CLUSTER_VERSION/$PG_CLUSTER_NAME/postmaster.pid
pg_up() {
    pg_isready -q -h "$PGHOST" -p "$PGPORT" && return 0
    pg_ctlcluster --skip-systemctl-redirect "$PG_CLUSTER_VERSION" "$PG_CLUSTER_NAME" start ||
        true
    for _ in $(seq 1 100); do pg_isready -q -h "$PGHOST" -p "$PGPORT" && return 0; sleep 0.2; done
    return 1
}
trap 'pg_up; cleanup' EXIT

"$LOADGEN" --base "$BASE" file --tokens "$WORK/tokens" --villages "$WORK/villages" \
    --concurrency 4 --seconds 16 --ledger "$WORK/ledger" >"$WORK/crash.json" &
FILER=$!
sleep 4
POSTMASTER=$(head -1 "$PG_PIDFILE")
CHILDREN=$(ps -o pid= --ppid "$POSTMASTER" | tr '\n' ' ')
say "kill -9 PostgreSQL (postmaster $POSTMASTER and its children)"
# shellcheck disable=SC2086
kill -9 "$POSTMASTER" $CHILDREN 2>/dev/null || true
sleep 1
# While it is down: how long does the service take to answer, and with what?
PROBE=$(curl -sS -o /dev/null -m 10 -w '%{http_code} %{time_total}' \
    -H "Authorization: Bearer $MEDIATOR" "$BASE/api/v1/queue?limit=5" || echo "000 10")
READY=$(curl -sS -o /dev/null -m 10 -w '%{http_code} %{time_total}' "$BASE/readyz" || echo "000 10")
sleep 2
pg_up
RESTARTED=$(date +%s.%N)
wait "$FILER" || true
# Recovered without a restart: the same server process answers a filing again.
AFTER=$(curl -sS -o /dev/null -m 10 -w '%{http_code}' -X POST "$BASE/api/v1/cases" \
    -H "Authorization: Bearer $(head -1 "$WORK/tokens")" -H 'Content-Type: application/json' \
    -d "{\"category\":\"other\",\"narrative\":\"恢复检查\",\"request\":\"调解\",\"village_code\":\"$(head -1 "$WORK/villages")\",\"respondents\":[{\"name\":\"李\"}]}")
ACKED=$(grep -c . "$WORK/ledger" || true)
psql -X -q -d "$DB" -c "CREATE TEMP TABLE ledger (id uuid, at float8)" \
    -c "\\copy ledger FROM '$WORK/ledger'" \
    -c "\\o $WORK/missing.txt" \
    -c "SELECT count(*) FROM ledger l WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = l.id)"
MISSING=$(grep -Eo '[0-9]+' "$WORK/missing.txt" | head -1)
read -r PCODE PTIME <<<"$PROBE"
read -r RCODE RTIME <<<"$READY"
kill -0 "$SERVER_PID" 2>/dev/null && ALIVE=yes || ALIVE=no
drill kill9_postgres_durability "kill -9 PostgreSQL during 4 concurrent filers" \
    "$ACKED filings acknowledged 201, $MISSING missing afterwards; statuses $(jq -c .statuses "$WORK/crash.json")" \
    "$( [[ $MISSING == 0 && $ACKED -gt 0 ]] && echo yes || echo no)"
drill kill9_postgres_503 "GET /queue and /readyz while the database is down" \
    "queue $PCODE in ${PTIME}s, readyz $RCODE in ${RTIME}s" \
    "$(awk -v c="$PCODE" -v t="$PTIME" -v r="$RCODE" -v u="$RTIME" 'BEGIN { print (c == 503 && t <= 3 && r == 503 && u <= 3) ? "yes" : "no" }')"
drill kill9_postgres_recovery "a filing after the restart, same server process" \
    "HTTP $AFTER; server process alive: $ALIVE" \
    "$( [[ $AFTER == 201 && $ALIVE == yes ]] && echo yes || echo no)"
