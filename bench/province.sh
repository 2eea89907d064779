# A province's worth (`bench/run --province`): sourced by bench/run once the synthetic province
# of $CASES cases (default 10 000 000) in $COUNTIES counties is seeded on the private cluster.
# Records the disk it takes, the fresh server's catch-up (the clocks that ran out while it was
# seeded), the nightly history anchors, the indicators of the measured county, then the filing
# ratio and the reads of the normal run, into the `province` section of docs/benchmarks.md.
RESULTS="$WORK/results.tsv"
source bench/measure.sh
record "seed_load_${CASES}_cases" "$(printf %.1f "$SEED_SECS")" s "- (1M in <= 120 s is the budget)" -
DB_BYTES=$(q "SELECT pg_database_size(current_database())")
CLUSTER_BYTES=$(du -sb "$PG_PRIVATE/data" | cut -f1)
WAL_BYTES=$(du -sb "$PG_PRIVATE/data/pg_wal" | cut -f1)
gib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1073741824 }'; }
record database_size "$(gib "$DB_BYTES")" GiB "- ($(gib "$CLUSTER_BYTES") GiB the whole cluster directory, of which $(gib "$WAL_BYTES") GiB write-ahead log)" -
q "SELECT relname, pg_total_relation_size(c.oid) FROM pg_class c
   JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
   WHERE c.relkind = 'r' ORDER BY 2 DESC LIMIT 8" |
    while IFS='|' read -r table bytes; do printf '%s %s GiB; ' "$table" "$(gib "$bytes")"; done \
    >"$WORK/largest.txt"
record largest_tables "-" "" "$(cat "$WORK/largest.txt")" -

# What a fresh server would do first: every clock that ran out while the province was seeded.
CATCH_START=$(date +%s.%N)
"$BIN" sweep >"$WORK/catch-up.txt"
record catch_up_sweep "$(secs_since "$CATCH_START" 0)" s \
    "- ($(tr '\n' ' ' <"$WORK/catch-up.txt" | cut -c1-200))" -
# Sent messages and in-app notices stay until their case is purged: what they take per row.
for table in outbox notifications; do
    read -r rows bytes < <(q "SELECT count(*), pg_total_relation_size('$table') FROM $table" | tr '|' ' ')
    record "${table}_after_catch_up" "$rows" rows \
        "- ($(gib "$bytes") GiB with indexes, $((bytes / (rows > 0 ? rows : 1))) bytes a row)" -
done
# That catch-up leaves ten years' worth of reminders in the outbox (about 1.7 million messages at 10M
# cases; the mail worker sends some 22 a second per node). A real province never holds such a
# backlog, and draining it under the measured load would measure the drain: it is counted and
# marked sent, as the multi-node drill does.
BACKLOG=$(mark_backlog_sent)
record seeded_backlog "$BACKLOG" "messages" "- (written by the catch-up, marked sent, not sent)" -
q "VACUUM (ANALYZE) outbox" >/dev/null # what autovacuum does after such an update, done now
busiest_committee
# The indicators of the measured county. The whole province's first run takes hours; the
# server's job would do it county by county in the background, so while the figures are taken
# the harness holds that job's lock (jobs/rollup.rs LOCK_KEY) and the server does its regular
# work only, as in the normal run.
ROLLUP_START=$(date +%s.%N)
"$BIN" rollup --county "$COUNTY_CODE" >"$WORK/rollup.txt"
record rollup_one_county "$(secs_since "$ROLLUP_START" 1)" s \
    "- ($(cat "$WORK/rollup.txt"))" -
# The history anchors of the day that ended: a running province writes them just after midnight,
# each county's from its whole history, and a fresh server writes the missing ones at once.
# Written here, just before the server starts, as the nightly run would have; what it takes is
# recorded.
ANCHOR_START=$(date +%s.%N)
"$BIN" anchor >"$WORK/anchor.txt"
record anchors_all_counties "$(secs_since "$ANCHOR_START" 0)" s \
    "- ($(cat "$WORK/anchor.txt"); the nightly job)" -
# The lock is taken by a psql that then waits idle on a pipe, so it holds no snapshot and
# vacuum goes on during the measurement as it would on a real server. Closing the pipe ends
# the session and frees the lock.
ROLLUP_LOCK=$(printf '%d' "0x$(sed -n 's/^const LOCK_KEY: i64 = 0x\([0-9a-f_]*\);$/\1/p' src/jobs/rollup.rs | tr -d _)")
mkfifo "$WORK/hold"
PGAPPNAME="bench: indicators held" psql -X -q -d "$DB" <"$WORK/hold" >/dev/null 2>&1 &
HOLD_PID=$!
exec 9>"$WORK/hold"
echo "SELECT pg_advisory_lock($ROLLUP_LOCK);" >&9
until [[ $(q "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid)
              WHERE l.locktype = 'advisory' AND l.granted
                AND a.application_name = 'bench: indicators held'") == 1 ]]; do sleep 0.1; done
serve_start
# What the database runs while the figures are taken, sampled once a second: the statements
# seen running longest are recorded with the figures, since on a database larger than memory
# they are what explains a slow one (the loop ends when the database is dropped).
sample_activity() {
    while q "SELECT round(extract(epoch FROM now() - query_start)::numeric, 1), coalesce(wait_event_type, 'CPU'),
                    left(regexp_replace(replace(replace(query, '\"', ''), '|', '/'), '\s+', ' ', 'g'), 70)
             FROM pg_stat_activity WHERE datname = current_database() AND state = 'active'
               AND backend_type = 'client backend' AND pid <> pg_backend_pid()" \
        >>"$WORK/activity.txt" 2>/dev/null; do sleep 1; done
}
sample_activity &
SAMPLER_PID=$!
settled
for i in $(seq 0 7); do login "resident$i@load.test"; done >"$WORK/tokens"
q "SELECT code FROM divisions WHERE level = 'village' AND code LIKE '99%'" >"$WORK/villages"
filing_ratio
settled
staff_tokens
queue_page_judge_dashboard
serve_stop
kill "$SAMPLER_PID" 2>/dev/null || true
exec 9>&-
wait "$HOLD_PID"
# Each statement once, at the longest it was seen running; those over a second.
sort -t'|' -k1,1 -rn "$WORK/activity.txt" | awk -F'|' '$1 >= 1 && !seen[$3]++ { printf "%s s (%s) %s; ", $1, $2, $3 }' |
    head -c 900 >"$WORK/longest.txt" || true
record statements_over_1s "-" "" "- ($(cat "$WORK/longest.txt"))" -

{
    echo "<!-- province:begin -->"
    echo "Run of $(date -u '+%Y-%m-%d %H:%M UTC'), \`bench/run --province\`"
    echo "on $(machine); PostgreSQL $(q 'SHOW server_version') ($(pg_settings))."
    echo "Server: WORKERS=$WORKERS, DB_POOL_SIZE=$DB_POOL_SIZE; $CASES seeded cases in $COUNTIES"
    echo "counties; the queue is that of the committee with the most open cases ($OPEN)."
    echo
    echo "| Figure | Value | Budget | Pass |"
    echo "|---|---|---|---|"
    while IFS=$'\t' read -r name value unit budget pass; do
        echo "| $name | $value $unit | $budget | $pass |"
    done <"$RESULTS"
    echo "<!-- province:end -->"
} >"$WORK/province.md"
bench/report.sh province "$WORK/province.md"
say "province results written to docs/benchmarks.md"
