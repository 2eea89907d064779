# Drill: three `serve` nodes on one database behind the shipped nginx config (bench/lib.sh
# proxy_start), under a mixed load (filings, queue reads, uploads, actions) sent through the
# proxy over TLS, restarted one after another with SIGTERM as an upgrade restarts them. Counted
# afterwards, against the database:
#   - requests a client could not safely repeat that failed (the load generator's "lost"): 0;
#   - every filing acknowledged is in the database;
#   - every mail of the drill sent and received once (an SMTP sink logs each Message-ID);
#   - every webhook delivery of the drill received once, signed (the sink checks the signature);
#   - every clock made to run out during the drill swept exactly once, by whichever node.
# Sourced by bench/drills/run.sh after the single server is stopped; writes `drill` rows and
# the per-node table $WORK/nodes.md.
NODE_PORTS=(18181 18182 18183)
SMTP_PORT=18025
HOOK_PORT=18090
MN_SECONDS=${MN_SECONDS:-90}
MN_DUE=${MN_DUE:-1500}
# Four clients: each filing writes three mails, and at eight the drill's own mail took the
# nodes' workers longer to send than the drill waited.
MN_CONCURRENCY=${MN_CONCURRENCY:-4}
MN_DIR=$(mktemp -d /tmp/fq-nodes.XXXXXX)
trap 'mn_cleanup; pg_up; cleanup' EXIT
declare -A NODE_PID=()

say "multi-node drill: $MN_DUE clocks run out over the next minute, load for $MN_SECONDS s"
python3 bench/drills/sink.py "$SMTP_PORT" "$HOOK_PORT" "$MN_DIR/mail.log" "$MN_DIR/hooks.log" \
    "$MN_DIR/secret" >"$MN_DIR/sink.log" 2>&1 &
SINK_PID=$!
touch "$MN_DIR/mail.log" "$MN_DIR/hooks.log"
for _ in $(seq 1 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$SMTP_PORT") 2>/dev/null && break
    sleep 0.1
done
mn_cleanup() {
    local port
    for port in "${!NODE_PID[@]}"; do
        kill -TERM "${NODE_PID[$port]}" 2>/dev/null && wait "${NODE_PID[$port]}" 2>/dev/null
    done
    NODE_PID=()
    kill "$SINK_PID" 2>/dev/null || true
    proxy_stop
}

node_start() { # port
    env BIND="127.0.0.1:$1" WORKERS=1 DB_POOL_SIZE=6 DATA_DIR="$DATA_DIR" \
        SMTP_URL="smtp://127.0.0.1:$SMTP_PORT" RATE_LIMIT_NODES=3 TRUSTED_PROXIES=127.0.0.1 \
        RATE_LIMIT_PER_ADDRESS=0 RATE_LIMIT_PER_ACCOUNT=0 EVIDENCE_MAX_FILE_MB=64 \
        RUST_LOG="${RUST_LOG:-warn}" "$BIN" serve >>"$MN_DIR/node-$1.log" 2>&1 &
    NODE_PID[$1]=$!
    ready "http://127.0.0.1:$1" || { say "node $1 did not become ready"; return 1; }
}

# What a node's jobs did (its /metrics) is added up before each restart and at the end.
declare -A JOB_ITEMS=()
node_tally() { # port
    local line
    while read -r line; do
        local job=${line%% *} n=${line##* }
        JOB_ITEMS["$1 $job"]=$(( ${JOB_ITEMS["$1 $job"]:-0} + ${n%.*} ))
    done < <(curl -fsS "http://127.0.0.1:$1/metrics" |
        sed -n 's/^fengqiao_job_items_total{job="\([a-z]*\)"} \([0-9.e+]*\)$/\1 \2/p')
}

# The seeded province's own backlog first (the clocks that ran out at seeding, their notices
# and reminders, the indicators), so that what is counted below is the drill's own work.
# That backlog's mail (some 25 000 at 100 000 cases) is marked sent rather than sent: none of it
# is counted, and sending it took a quarter of an hour.
"$BIN" sweep >/dev/null
"$BIN" rollup >/dev/null
mark_backlog_sent >/dev/null
: >"$MN_DIR/mail.log"

for port in "${NODE_PORTS[@]}"; do node_start "$port"; done
proxy_start 18443 18088 "${NODE_PORTS[@]}"
CACERT="$PROXY_CA"

# The mediator's county: an admin registers a webhook for every event, to the sink.
COUNTY12=$(q "SELECT d.code FROM committees c JOIN divisions d ON d.id = c.county_id
              WHERE c.id = '$COMMITTEE'")
ADMIN=$(curl -fsS --cacert "$CACERT" -X POST "$PROXY/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"email\":\"admin.$COUNTY12@load.test\",\"password\":\"$LOAD_PASSWORD\"}" | jq -r .token)
curl -fsS --cacert "$CACERT" -X POST "$PROXY/api/v1/webhooks" -H "Authorization: Bearer $ADMIN" \
    -H 'Content-Type: application/json' \
    -d "{\"url\":\"http://127.0.0.1:$HOOK_PORT/hook\",\"events\":[\"*\"]}" | jq -r .secret \
    >"$MN_DIR/secret"
ENDPOINT=$(q "SELECT id FROM webhook_endpoints WHERE url = 'http://127.0.0.1:$HOOK_PORT/hook'")

# Clocks that run out while the nodes restart: open cases of the county at village level, due
# at random moments of the next minute. The sweepers of all nodes race for them.
START=$(q "SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")
q "CREATE TABLE drill_due AS SELECT county_id, id FROM cases
   WHERE county_id = (SELECT county_id FROM committees WHERE id = '$COMMITTEE')
     AND level = 'village' AND status IN ('submitted', 'in_mediation', 'awaiting_respondent')
     AND committee_id <> '$COMMITTEE'
   LIMIT $MN_DUE" >/dev/null
q "UPDATE cases c SET deadline_at = now() + interval '5 seconds' + random() * interval '55 seconds'
   FROM drill_due d WHERE c.county_id = d.county_id AND c.id = d.id" >/dev/null
DUE=$(q "SELECT count(*) FROM drill_due")

q "SELECT id FROM cases WHERE committee_id = '$COMMITTEE' AND status = 'in_mediation' LIMIT 200" \
    >"$MN_DIR/cases"
"$LOADGEN" --base "$PROXY" --cacert "$CACERT" mixed --tokens "$WORK/tokens" \
    --villages "$WORK/villages" --mediator "$MEDIATOR" --cases "$MN_DIR/cases" \
    --concurrency "$MN_CONCURRENCY" --seconds "$MN_SECONDS" --ledger "$MN_DIR/ledger" >"$MN_DIR/load.json" &
LOAD=$!

# The rolling restart: each node in turn, while the load runs.
sleep 15
RESTARTS=""
for port in "${NODE_PORTS[@]}"; do
    node_tally "$port"
    started=$(date +%s.%N)
    kill -TERM "${NODE_PID[$port]}"
    wait "${NODE_PID[$port]}" 2>/dev/null || true
    stopped=$(date +%s.%N)
    node_start "$port"
    ready=$(date +%s.%N)
    RESTARTS+="$port stopped in $(printf %.1f "$(echo "$stopped - $started" | bc)") s, ready again $(printf %.1f "$(echo "$ready - $stopped" | bc)") s later; "
    sleep 12
done
wait "$LOAD" || true

# Let the background work finish: every clock swept, every mail and delivery done. Waited for
# as long as it moves on (at most 20 minutes); a minute without progress ends the wait.
best= still=0
for _ in $(seq 1 1200); do
    left=$(q "SELECT (SELECT count(*) FROM cases c JOIN drill_due d USING (county_id, id)
                       WHERE c.deadline_at <= now() AND c.status NOT IN $FINAL_STATUSES)
                   + (SELECT count(*) FROM outbox WHERE status = 'pending' AND created_at >= '$START')
                   + (SELECT count(*) FROM notice_queue)
                   + (SELECT count(*) FROM webhook_deliveries WHERE status = 'pending'
                         AND endpoint_id = '$ENDPOINT')")
    [[ $left == 0 ]] && break
    if [[ -z $best || $left -lt $best ]]; then best=$left still=0; else still=$((still + 1)); fi
    ((still >= 60)) && break
    sleep 1
done
for port in "${NODE_PORTS[@]}"; do node_tally "$port"; done

# --- Counting ---------------------------------------------------------------------------------
LOST=$(jq .lost "$MN_DIR/load.json")
SENT=$(jq .outcomes "$MN_DIR/load.json" | jq -c .)
ACKED=$(grep -c . "$MN_DIR/ledger" || true)
psql -X -q -d "$DB" -c "CREATE TEMP TABLE ledger (id uuid, at float8)" -c "\\copy ledger FROM '$MN_DIR/ledger'" \
    -c "\\o $MN_DIR/missing.txt" \
    -c "SELECT count(*) FROM ledger l WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = l.id)"
MISSING=$(grep -Eo '[0-9]+' "$MN_DIR/missing.txt" | head -1)
drill multi_node_requests "3 nodes behind nginx, each restarted (SIGTERM) under a mixed load of $MN_SECONDS s" \
    "${RESTARTS}outcomes $SENT; $LOST lost; $ACKED filings acknowledged, $MISSING missing" \
    "$( [[ $LOST == 0 && $MISSING == 0 && $ACKED -gt 0 ]] && echo yes || echo no)"

# Mail: the rows of the drill against what the sink received.
q "SELECT '<' || id || '@fengqiao>' FROM outbox WHERE channel = 'email' AND created_at >= '$START'
     AND status = 'sent'" | sort >"$MN_DIR/mail.sent"
MAIL_ROWS=$(q "SELECT count(*) FROM outbox WHERE channel = 'email' AND created_at >= '$START'")
MAIL_SENT=$(grep -c . "$MN_DIR/mail.sent" || true)
sort "$MN_DIR/mail.log" >"$MN_DIR/mail.got"
MAIL_TWICE=$(uniq -d "$MN_DIR/mail.got" | grep -c . || true)
MAIL_MISSING=$(comm -23 "$MN_DIR/mail.sent" <(uniq "$MN_DIR/mail.got") | grep -c . || true)
drill multi_node_mail "every mail of the drill sent once (SMTP sink counts Message-IDs)" \
    "$MAIL_ROWS mail(s) written, $MAIL_SENT sent, $MAIL_MISSING sent but not received, $MAIL_TWICE received twice" \
    "$( [[ $MAIL_ROWS == "$MAIL_SENT" && $MAIL_MISSING == 0 && $MAIL_TWICE == 0 && $MAIL_ROWS -gt 0 ]] && echo yes || echo no)"

# Webhooks: every delivery of the endpoint against what the sink received.
HOOK_ROWS=$(q "SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = '$ENDPOINT'")
HOOK_DONE=$(q "SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = '$ENDPOINT' AND status = 'delivered'")
HOOK_GOT=$(grep -c . "$MN_DIR/hooks.log" || true)
HOOK_TWICE=$(cut -d' ' -f1,2 "$MN_DIR/hooks.log" | sort | uniq -d | grep -c . || true)
HOOK_BAD=$(grep -vc ' verified$' "$MN_DIR/hooks.log" || true)
drill multi_node_webhooks "every webhook delivery of the drill received once, signed" \
    "$HOOK_ROWS queued, $HOOK_DONE delivered, $HOOK_GOT received, $HOOK_TWICE twice, $HOOK_BAD badly signed" \
    "$( [[ $HOOK_ROWS == "$HOOK_DONE" && $HOOK_DONE == "$HOOK_GOT" && $HOOK_TWICE == 0 && $HOOK_BAD == 0 && $HOOK_ROWS -gt 0 ]] && echo yes || echo no)"

# Sweeps: each clock that ran out was acted on by exactly one sweep (one change of the case by
# the system, whatever node made it).
read -r SWEPT ONCE TWICE < <(q "SELECT count(*), count(*) FILTER (WHERE n = 1), count(*) FILTER (WHERE n > 1)
    FROM (SELECT d.id, count(DISTINCT e.at) AS n FROM drill_due d
          JOIN case_events e ON e.county_id = d.county_id AND e.case_id = d.id
           AND e.actor_role = 'system' AND e.at >= '$START'
          GROUP BY d.id) x" | tr '|' ' ')
drill multi_node_sweeps "$DUE clocks running out during the restarts, 3 sweepers" \
    "$SWEPT swept: $ONCE once, $TWICE more than once" \
    "$( [[ $SWEPT == "$DUE" && $ONCE == "$DUE" && $TWICE == 0 ]] && echo yes || echo no)"

# Per node: requests nginx sent it, what its jobs did (summed over its restarts).
{
    echo "| Node | Requests through nginx | Sweep (cases) | Mail (sent) | Webhooks (delivered) | Rollup (cases) |"
    echo "|---|---|---|---|---|---|"
    for port in "${NODE_PORTS[@]}"; do
        served=$(grep -c "upstream=127.0.0.1:$port " "$PROXY_DIR/logs/access.log" || true)
        echo "| 127.0.0.1:$port | $served | ${JOB_ITEMS["$port sweep"]:-0} | ${JOB_ITEMS["$port mail"]:-0} | ${JOB_ITEMS["$port webhooks"]:-0} | ${JOB_ITEMS["$port rollup"]:-0} |"
    done
} >"$WORK/nodes.md"
cat "$WORK/nodes.md" >&2
q "DROP TABLE drill_due" >/dev/null
mn_cleanup
