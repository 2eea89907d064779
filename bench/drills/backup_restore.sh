# Drill: a backup taken while filings and uploads run, restored into a fresh cluster, the way
# docs/deploy.md ("Backups and restore") writes it: `pg_basebackup -Ft -z -Xs` of the database,
# then the evidence store copied after it. The restored installation must pass `verify-audit`
# and `verify-evidence`, and hold every filing and upload acknowledged before the backup began.
#
# It runs on two private clusters of its own (the machine's PostgreSQL binaries, the settings of
# bench/postgresql.conf but small buffers): the source, seeded with a small province, and the
# restore. The machine's cluster is not touched. Sourced by bench/drills/run.sh; writes `drill`
# rows.
BR_DIR=$(mktemp -d /tmp/fq-backup.XXXXXX)
trap 'br_cleanup; pg_up; cleanup' EXIT
BR_SRC_PORT=${BR_SRC_PORT:-5441}
BR_DST_PORT=${BR_DST_PORT:-5442}
BR_PORT=18280
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
BR_AS=()
((EUID == 0)) && BR_AS=(runuser -u postgres --)
command -v rsync >/dev/null || { apt-get update -qq && apt-get install -y -qq rsync >/dev/null; }
chmod 755 "$BR_DIR"
[[ ${#BR_AS[@]} -gt 0 ]] && chown postgres: "$BR_DIR"

br_cluster() { # dir port: initdb and start
    "${BR_AS[@]}" "$PGBIN/initdb" -D "$1" -U "$PGUSER" --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    grep -v '^shared_buffers\|^effective_cache_size' bench/postgresql.conf >>"$1/postgresql.conf"
    "${BR_AS[@]}" "$PGBIN/pg_ctl" -D "$1" -l "$1.log" -w -o "-c listen_addresses=127.0.0.1 -p $2 -k $BR_DIR" start >/dev/null
}
br_stop() { "${BR_AS[@]}" "$PGBIN/pg_ctl" -D "$1" -m fast stop >/dev/null 2>&1 || true; }
br_cleanup() {
    [[ -n ${BR_NODE:-} ]] && kill -TERM "$BR_NODE" 2>/dev/null && wait "$BR_NODE" 2>/dev/null
    br_stop "$BR_DIR/src"
    br_stop "$BR_DIR/restored"
    rm -rf "$BR_DIR"
}

br_cluster "$BR_DIR/src" "$BR_SRC_PORT"
SRC_URL="postgres://$PGUSER@127.0.0.1:$BR_SRC_PORT/fengqiao"
psql -X -q -h 127.0.0.1 -p "$BR_SRC_PORT" -d postgres -c "CREATE DATABASE fengqiao" >/dev/null
DATABASE_URL=$SRC_URL "$BIN" migrate >/dev/null
DATABASE_URL=$SRC_URL "$BIN" seed-load --cases 20000 --counties 2 >/dev/null
mkdir -p "$BR_DIR/data"
env DATABASE_URL="$SRC_URL" BIND="127.0.0.1:$BR_PORT" DATA_DIR="$BR_DIR/data" WORKERS=1 \
    RATE_LIMIT_PER_ADDRESS=0 RATE_LIMIT_PER_ACCOUNT=0 RUST_LOG=warn \
    "$BIN" serve >"$BR_DIR/node.log" 2>&1 &
BR_NODE=$!
BR_BASE="http://127.0.0.1:$BR_PORT"
ready "$BR_BASE"
brq() { psql -X -qAt -h 127.0.0.1 -p "$BR_SRC_PORT" -d fengqiao -c "$1"; }
for i in 0 1 2 3; do
    curl -fsS -X POST "$BR_BASE/api/v1/auth/login" -H 'Content-Type: application/json' \
        -d "{\"email\":\"resident$i@load.test\",\"password\":\"$LOAD_PASSWORD\"}" | jq -r .token
done >"$BR_DIR/tokens"
brq "SELECT code FROM divisions WHERE level = 'village' AND code LIKE '99%'" >"$BR_DIR/villages"
BR_COMMITTEE=$(brq "SELECT committee_id FROM cases WHERE status = 'in_mediation' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
BR_MEDIATOR=$(curl -fsS -X POST "$BR_BASE/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$(brq "SELECT email FROM users WHERE committee_id = '$BR_COMMITTEE' AND role = 'mediator' LIMIT 1")\",\"password\":\"$LOAD_PASSWORD\"}" | jq -r .token)
brq "SELECT id FROM cases WHERE committee_id = '$BR_COMMITTEE' AND status = 'in_mediation' LIMIT 20" >"$BR_DIR/cases"

# Filings and uploads for 30 s, each acknowledgement written down with its time.
"$LOADGEN" --base "$BR_BASE" file --tokens "$BR_DIR/tokens" --villages "$BR_DIR/villages" \
    --concurrency 3 --seconds 30 --ledger "$BR_DIR/filed" >"$BR_DIR/file.json" &
FILER=$!
"$LOADGEN" --base "$BR_BASE" upload --token "$BR_MEDIATOR" --cases "$BR_DIR/cases" --kib 256 \
    --concurrency 2 --seconds 30 --ledger "$BR_DIR/uploaded" >"$BR_DIR/upload.json" &
UPLOADER=$!
sleep 10
# The backup, as docs/deploy.md runs it nightly: the database, then the evidence store.
BACKUP_BEGAN=$(date -u +%s.%N)
BACKUP_START=$(date +%s.%N)
"${BR_AS[@]}" pg_basebackup -h 127.0.0.1 -p "$BR_SRC_PORT" -U "$PGUSER" -D "$BR_DIR/backup/pg" \
    -Ft -z -Xs -c fast 2>"$BR_DIR/basebackup.log"
DB_SECS=$(echo "$(date +%s.%N) - $BACKUP_START" | bc)
rsync -a "$BR_DIR/data/evidence/" "$BR_DIR/backup/evidence/"
BACKUP_SECS=$(echo "$(date +%s.%N) - $BACKUP_START" | bc)
BACKUP_MB=$(du -sm "$BR_DIR/backup" | cut -f1)
wait "$FILER" "$UPLOADER" || true
kill -TERM "$BR_NODE"; wait "$BR_NODE" 2>/dev/null || true
BR_NODE=

# The restore, into a fresh data directory and a fresh evidence directory.
"${BR_AS[@]}" install -d -m 0700 "$BR_DIR/restored"
"${BR_AS[@]}" tar -xzf "$BR_DIR/backup/pg/base.tar.gz" -C "$BR_DIR/restored"
"${BR_AS[@]}" tar -xzf "$BR_DIR/backup/pg/pg_wal.tar.gz" -C "$BR_DIR/restored/pg_wal"
"${BR_AS[@]}" "$PGBIN/pg_ctl" -D "$BR_DIR/restored" -l "$BR_DIR/restored.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $BR_DST_PORT -k $BR_DIR" start >/dev/null
mkdir -p "$BR_DIR/restored-data"
rsync -a "$BR_DIR/backup/evidence/" "$BR_DIR/restored-data/evidence/"
DST_URL="postgres://$PGUSER@127.0.0.1:$BR_DST_PORT/fengqiao"
AUDIT=$(DATABASE_URL=$DST_URL "$BIN" verify-audit 2>&1 | tail -1) && AUDIT_OK=yes || AUDIT_OK=no
EVIDENCE=$(DATABASE_URL=$DST_URL DATA_DIR="$BR_DIR/restored-data" "$BIN" verify-evidence 2>&1 | tail -1) &&
    EVIDENCE_OK=yes || EVIDENCE_OK=no
drill backup_restore_verifies "pg_basebackup + evidence copy during filings and uploads, restored into a fresh cluster" \
    "backup $(printf %.1f "$DB_SECS") s database, $(printf %.1f "$BACKUP_SECS") s with evidence, $BACKUP_MB MB; verify-audit: $AUDIT; verify-evidence: $EVIDENCE" \
    "$( [[ $AUDIT_OK == yes && $EVIDENCE_OK == yes ]] && echo yes || echo no)"

# Every acknowledgement before the backup began is in the restored database.
missing_in() { # ledger table column
    awk -v t="$BACKUP_BEGAN" '$2 < t { print $1 }' "$1" >"$BR_DIR/before"
    psql -X -qAt -h 127.0.0.1 -p "$BR_DST_PORT" -d fengqiao -c "CREATE TEMP TABLE l (id uuid)" \
        -c "\\copy l FROM '$BR_DIR/before'" \
        -c "SELECT count(*), count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM $2 x WHERE x.id = l.id)) FROM l" |
        tail -1 | tr '|' ' '
}
read -r CASES_BEFORE CASES_MISSING < <(missing_in "$BR_DIR/filed" cases)
read -r FILES_BEFORE FILES_MISSING < <(missing_in "$BR_DIR/uploaded" evidence)
FILED_ALL=$(grep -c . "$BR_DIR/filed" || true)
RESTORED_OF_ALL=$(awk '{ print $1 }' "$BR_DIR/filed" | psql -X -qAt -h 127.0.0.1 -p "$BR_DST_PORT" -d fengqiao \
    -c "CREATE TEMP TABLE a (id uuid)" -c "\\copy a FROM STDIN" \
    -c "SELECT count(*) FROM a JOIN cases c USING (id)" | tail -1)
drill backup_restore_complete "acknowledged before the backup began: all restored" \
    "$CASES_BEFORE filings and $FILES_BEFORE uploads acknowledged before it, $CASES_MISSING and $FILES_MISSING missing; of all $FILED_ALL filings of the run $RESTORED_OF_ALL are in the backup" \
    "$( [[ $CASES_MISSING == 0 && $FILES_MISSING == 0 && $CASES_BEFORE -gt 0 && $FILES_BEFORE -gt 0 ]] && echo yes || echo no)"
br_cleanup
