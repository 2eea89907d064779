# Shared by bench/run and bench/drills/*: tools, database, server. Sourced, not run.
# Everything talks to 127.0.0.1 only.

: "${PGHOST:=127.0.0.1}" "${PGPORT:=5432}" "${PGUSER:=fengqiao}"
export PGHOST PGPORT PGUSER
: "${CARGO_TARGET_DIR:=$PWD/target}"
export CARGO_TARGET_DIR
BIN="$CARGO_TARGET_DIR/release/fengqiao"
LOADGEN="$CARGO_TARGET_DIR/release/examples/loadgen"
: "${PORT:=18080}"
BASE="http://127.0.0.1:$PORT"
LOAD_PASSWORD=load-pass-2026
FINAL_STATUSES="('closed','declined','referred','withdrawn')"

say() { printf '%s\n' "$*" >&2; }

# Installs what a fresh Debian machine lacks (only when missing).
need_tools() {
    local missing=()
    command -v curl >/dev/null || missing+=(curl)
    command -v jq >/dev/null || missing+=(jq)
    command -v psql >/dev/null || missing+=(postgresql-client)
    command -v pgbench >/dev/null || missing+=(postgresql-contrib)
    command -v lscpu >/dev/null || missing+=(util-linux)
    command -v wrk >/dev/null || missing+=(wrk)
    if ((${#missing[@]})); then
        say "installing ${missing[*]}"
        apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

build() {
    say "building the release binary and the load generator"
    cargo build --release --bin fengqiao --example loadgen >&2
}

q() { psql -X -qAt -d "$DB" -c "$1"; }

# Seconds since a start taken with `date +%s.%N`, to DIGITS decimals: secs_since START DIGITS.
secs_since() { printf "%.${2}f" "$(echo "$(date +%s.%N) - $1" | bc)"; }

# Marks every pending message sent without sending it (a seeded province's backlog, which is
# not what is measured); prints how many.
mark_backlog_sent() {
    q "WITH s AS (UPDATE outbox SET status = 'sent', sent_at = now() WHERE status = 'pending'
       RETURNING 1) SELECT count(*) FROM s"
}

# A private PostgreSQL cluster for the figures: the machine's own binaries, a fresh data
# directory, the settings of bench/postgresql.conf, 127.0.0.1 only. The machine's cluster is not
# touched (the drills, which kill and restart PostgreSQL, use that one).
PG_PRIVATE=
pg_private_start() {
    local bin port=${BENCH_PGPORT:-5439}
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    if [[ -z $bin || ! -x $bin/initdb ]]; then
        say "installing the PostgreSQL server binaries"
        apt-get update -qq && apt-get install -y -qq postgresql >/dev/null
        bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    fi
    PG_PRIVATE=$(mktemp -d /tmp/fq-bench-pg.XXXXXX)
    # PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user.
    local as=()
    if ((EUID == 0)); then
        chown postgres: "$PG_PRIVATE"
        as=(runuser -u postgres --)
    fi
    "${as[@]}" "$bin/initdb" -D "$PG_PRIVATE/data" -U "$PGUSER" --auth=trust -E UTF8 \
        --locale=C.UTF-8 >/dev/null
    cat bench/postgresql.conf >>"$PG_PRIVATE/data/postgresql.conf"
    "${as[@]}" "$bin/pg_ctl" -D "$PG_PRIVATE/data" -l "$PG_PRIVATE/server.log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_PRIVATE" start >/dev/null
    PG_CTL=("${as[@]}" "$bin/pg_ctl" -D "$PG_PRIVATE/data")
    PGHOST=127.0.0.1 PGPORT=$port
    export PGHOST PGPORT
    say "private PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on $PGHOST:$PGPORT"
}

pg_private_stop() {
    [[ -n $PG_PRIVATE ]] || return 0
    "${PG_CTL[@]}" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$PG_PRIVATE"
    PG_PRIVATE=
}

fresh_db() {
    DB="fq_bench_$(date +%s)_$$"
    export DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$DB"
    psql -X -q -d postgres -c "CREATE DATABASE \"$DB\"" >/dev/null
    "$BIN" migrate >/dev/null
}

drop_db() {
    [[ -n "${DB:-}" ]] && psql -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null 2>&1
    DB=
}

# serve_start [extra env...]: starts the server in the background, waits until it is ready.
# The load comes from one address and a few accounts at hundreds of requests a second, so the
# per-address and per-account request limits are off here (they are measured elsewhere: they
# cost no database work, a map lookup per request).
serve_start() {
    DATA_DIR=${DATA_DIR:-$(mktemp -d /tmp/fq-bench-data.XXXXXX)}
    export DATA_DIR
    env BIND="127.0.0.1:$PORT" WORKERS="$WORKERS" DB_POOL_SIZE="$DB_POOL_SIZE" \
        RATE_LIMIT_PER_ADDRESS=0 RATE_LIMIT_PER_ACCOUNT=0 \
        RUST_LOG="${RUST_LOG:-warn}" "$@" "$BIN" serve >>"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    ready "$BASE" || { say "the server did not become ready; see $WORK/server.log"; return 1; }
}

# ready BASE: waits up to 15 s for BASE/readyz to answer 200.
ready() {
    for _ in $(seq 1 150); do
        curl -fsS "$1/readyz" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    return 1
}

serve_stop() {
    if [[ -n "${SERVER_PID:-}" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID"
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=
}

login() {
    curl -fsS -X POST "$BASE/api/v1/auth/login" -H 'Content-Type: application/json' \
        -d "{\"email\":\"$1\",\"password\":\"$LOAD_PASSWORD\"}" | jq -r .token
}

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

machine() {
    local cpu mem
    cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
    mem=$(free -g | awk '/^Mem:/ {print $2}')
    printf '%s cores, %s GiB RAM, %s' "$(nproc)" "$mem" "$cpu"
}

pg_settings() {
    q "SELECT string_agg(name || '=' || current_setting(name), ', ' ORDER BY name)
       FROM pg_settings WHERE name IN ('shared_buffers', 'work_mem', 'synchronous_commit',
       'max_connections', 'effective_cache_size', 'fsync', 'wal_level', 'random_page_cost',
       'max_wal_size', 'checkpoint_timeout', 'wal_compression', 'full_page_writes')"
}

# --- nginx in front of the nodes, with the shipped deploy/nginx.conf ---------------------------
# proxy_start HTTPS_PORT HTTP_PORT NODE_PORT...: Debian's nginx (installed when missing) as an
# unprivileged-port copy of deploy/nginx.conf: a self-signed certificate for localhost, the
# upstream lines replaced by the given nodes, everything else as shipped. PROXY_DIR holds the
# certificates (PROXY_CA is the authority to trust: curl --cacert), logs and pid.
PROXY_DIR=
PROXY_CA=
proxy_start() {
    local https=$1 http=$2 node
    shift 2
    if ! command -v nginx >/dev/null && [[ ! -x /usr/sbin/nginx ]]; then
        say "installing nginx"
        apt-get update -qq && apt-get install -y -qq nginx-light >/dev/null 2>&1 \
            || apt-get install -y -qq nginx >/dev/null
    fi
    command -v openssl >/dev/null || { apt-get update -qq && apt-get install -y -qq openssl >/dev/null; }
    PROXY_DIR=$(mktemp -d /tmp/fq-proxy.XXXXXX)
    chmod 755 "$PROXY_DIR"  # nginx's workers run as another user
    mkdir -p "$PROXY_DIR/tls" "$PROXY_DIR/logs"
    # A certificate authority of the drill's own and a certificate for localhost signed by it
    # (TLS clients such as rustls refuse a self-signed certificate that is its own CA).
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Fengqiao drill CA" \
        -keyout "$PROXY_DIR/tls/ca.key" -out "$PROXY_DIR/tls/ca.pem" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj /CN=localhost \
        -keyout "$PROXY_DIR/tls/privkey.pem" -out "$PROXY_DIR/tls/site.csr" 2>/dev/null
    printf '%s\n' "subjectAltName=DNS:localhost,IP:127.0.0.1" "basicConstraints=CA:FALSE" \
        "keyUsage=digitalSignature,keyEncipherment" "extendedKeyUsage=serverAuth" \
        >"$PROXY_DIR/tls/site.ext"
    openssl x509 -req -in "$PROXY_DIR/tls/site.csr" -CA "$PROXY_DIR/tls/ca.pem" \
        -CAkey "$PROXY_DIR/tls/ca.key" -CAcreateserial -days 2 -extfile "$PROXY_DIR/tls/site.ext" \
        -out "$PROXY_DIR/tls/fullchain.pem" 2>/dev/null
    PROXY_CA="$PROXY_DIR/tls/ca.pem"
    local upstream=""
    for node in "$@"; do
        upstream+="    server 127.0.0.1:$node max_fails=1 fail_timeout=10s;\n"
    done
    # Only the addresses of this machine change; every directive of the site stays as shipped.
    awk -v up="$upstream" -v https="$https" -v http="$http" -v tls="$PROXY_DIR/tls" '
        /^upstream fengqiao/ { print; printf "%s", up; skip = 1; next }
        skip && /^ *server 127\.0\.0\.1:/ { next }
        skip && /^}/ { skip = 0 }
        /listen \[::\]/ { next }
        { gsub(/listen 443 /, "listen " https " ")
          gsub(/listen 80;/, "listen " http ";")
          gsub(/\/etc\/fengqiao\/tls/, tls)
          gsub(/tiaojie\.example\.gov\.cn/, "localhost")
          gsub(/return 301 https:\/\/\$host\$request_uri/, "return 301 https://$host:" https "$request_uri")
          print }' deploy/nginx.conf >"$PROXY_DIR/site.conf"
    # Debian's nginx.conf in miniature: what the site expects around it.
    cat >"$PROXY_DIR/nginx.conf" <<CONF
worker_processes 1;
pid $PROXY_DIR/nginx.pid;
error_log $PROXY_DIR/logs/error.log warn;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    # Which node answered each request: the multi-node drill counts them.
    log_format drill '\$remote_addr "\$request" \$status upstream=\$upstream_addr '
                     'upstream_status=\$upstream_status \$request_time';
    access_log $PROXY_DIR/logs/access.log drill;
    client_body_temp_path $PROXY_DIR/body;
    proxy_temp_path $PROXY_DIR/proxy;
    fastcgi_temp_path $PROXY_DIR/fastcgi;
    uwsgi_temp_path $PROXY_DIR/uwsgi;
    scgi_temp_path $PROXY_DIR/scgi;
    include $PROXY_DIR/site.conf;
}
CONF
    local nginx_bin
    nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
    "$nginx_bin" -t -q -p "$PROXY_DIR" -c "$PROXY_DIR/nginx.conf"
    "$nginx_bin" -p "$PROXY_DIR" -c "$PROXY_DIR/nginx.conf"
    PROXY="https://localhost:$https"
}

proxy_stop() {
    [[ -n $PROXY_DIR && -f $PROXY_DIR/nginx.pid ]] && kill -QUIT "$(cat "$PROXY_DIR/nginx.pid")" 2>/dev/null
    sleep 0.3
    [[ -n $PROXY_DIR ]] && rm -rf "$PROXY_DIR"
    PROXY_DIR=
}
