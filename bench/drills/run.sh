# The reliability drills (SPEC §8), sourced by `bench/run --drills` after the database is
# seeded: each drill appends a row to the table that goes into docs/benchmarks.md.
DRILLS_OUT="$WORK/drills.tsv"
: >"$DRILLS_OUT"
drill() { # name, what was checked, result, pass
    printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$DRILLS_OUT"
    printf 'drill %s: %s -> %s (%s)\n' "$1" "$2" "$3" "$4"
}

serve_start EVIDENCE_MAX_FILE_MB=64
for i in $(seq 0 7); do login "resident$i@load.test"; done >"$WORK/tokens"
q "SELECT code FROM divisions WHERE level = 'village' AND code LIKE '99%'" >"$WORK/villages"
read -r COMMITTEE < <(q "SELECT committee_id FROM cases WHERE status = 'in_mediation'
    AND level = 'village' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
MEDIATOR=$(login "$(q "SELECT email FROM users WHERE committee_id = '$COMMITTEE' AND role = 'mediator' LIMIT 1")")

source bench/drills/idempotency_storm.sh
source bench/drills/sigterm_upload.sh
source bench/drills/kill_postgres.sh
serve_stop
source bench/drills/multi_node.sh
source bench/drills/backup_restore.sh
# The deployment guide followed on this machine (its own database, node and proxy).
if bash bench/drills/deploy_check.sh >"$WORK/deploy_check.txt" 2>&1; then DEPLOY_OK=yes; else DEPLOY_OK=no; fi
drill deploy_check "docs/deploy.md followed: the unit's command, environment file and nginx config" \
    "$(grep -c ': ok$' "$WORK/deploy_check.txt") checks passed, $(grep -c ': FAILED$' "$WORK/deploy_check.txt") failed" \
    "$DEPLOY_OK"

{
    echo "<!-- drills:begin -->"
    echo "Run of $(date -u '+%Y-%m-%d %H:%M UTC'), \`bench/run --drills\`, on $(machine);"
    echo "PostgreSQL $(q 'SHOW server_version'); WORKERS=$WORKERS, DB_POOL_SIZE=$DB_POOL_SIZE."
    echo
    echo "| Drill | Checked | Result | Pass |"
    echo "|---|---|---|---|"
    while IFS=$'\t' read -r name what result pass; do
        echo "| $name | $what | $result | $pass |"
    done <"$DRILLS_OUT"
    echo
    echo "The multi-node drill, per node (its jobs' items summed over its restart):"
    echo
    cat "$WORK/nodes.md"
    echo "<!-- drills:end -->"
} >"$WORK/drills.md"
bench/report.sh drills "$WORK/drills.md"
say "drill results written to docs/benchmarks.md"
