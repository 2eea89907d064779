#!/usr/bin/env bash
# Follows docs/deploy.md on this machine, without systemd: the environment file is
# deploy/fengqiao.env with this machine's database and fresh keys, the node is started with
# the command, working directory and environment file of deploy/fengqiao.service (read from
# the unit, not repeated here), and nginx runs deploy/nginx.conf on unprivileged ports with a
# self-signed certificate. Then, as a county's operator would check it: the service answers
# through the proxy over TLS with HSTS, plain HTTP redirects, /metrics stays inside, an
# oversize body is refused at the proxy, the admin commands run the way the guide writes them,
# and SIGTERM stops the node within the unit's TimeoutStopSec.
#
#   bench/drills/deploy_check.sh         (also run by bench/run --drills)
#
# Prints one line per check and exits non-zero if any failed.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib.sh
need_tools
[[ -x $BIN ]] || build
fc-list 2>/dev/null | grep -qi 'wqy\|noto.*cjk' || {
    say "installing fonts-wqy-microhei (production refuses to start without a CJK font)"
    apt-get update -qq && apt-get install -y -qq fontconfig fonts-wqy-microhei >/dev/null
}

ROOT=$(mktemp -d /tmp/fq-deploy.XXXXXX)
NODE_PID=
DB=
FAILED=0
finish() {
    [[ -n $NODE_PID ]] && kill -TERM "$NODE_PID" 2>/dev/null && wait "$NODE_PID" 2>/dev/null
    proxy_stop
    drop_db
    rm -rf "$ROOT"
}
trap finish EXIT
check() { # name, command...
    local name=$1
    shift
    if "$@"; then
        printf 'deploy_check %s: ok\n' "$name"
    else
        printf 'deploy_check %s: FAILED\n' "$name"
        FAILED=$((FAILED + 1))
    fi
}

NODE_PORT=${DEPLOY_NODE_PORT:-18181}
HTTPS_PORT=${DEPLOY_HTTPS_PORT:-18443}
HTTP_PORT=${DEPLOY_HTTP_PORT:-18088}
fresh_db

# The unit's own lines: what it starts, where, with which environment file.
unit() { sed -n "s/^$1=//p" deploy/fengqiao.service | head -1; }
EXEC=$(unit ExecStart)
WORKDIR=$(unit WorkingDirectory)
ENVFILE=$(unit EnvironmentFile)
STOP_SECS=$(unit TimeoutStopSec)
[[ $EXEC == /usr/local/bin/fengqiao\ * && -n $WORKDIR && -n $ENVFILE && -n $STOP_SECS ]] || {
    say "deploy/fengqiao.service no longer has the lines this check reads"
    exit 1
}
# The installed paths, under $ROOT: the binary, the working directory, the environment file.
mkdir -p "$ROOT/usr/local/bin" "$ROOT$WORKDIR/data" "$(dirname "$ROOT$ENVFILE")"
ln -s "$BIN" "$ROOT/usr/local/bin/fengqiao"

# The shipped environment file with this machine's values for what says CHANGE-ME or names
# the example host; every other line as shipped.
key() { openssl rand -hex 32; }
BUNDLE=$("$BIN" bundle-key --new | sed -n 's/^BUNDLE_SIGNING_KEY=//p')
sed -e "s|^BIND=.*|BIND=127.0.0.1:$NODE_PORT|" \
    -e "s|^PUBLIC_URL=.*|PUBLIC_URL=https://localhost:$HTTPS_PORT|" \
    -e "s|^DATABASE_URL=.*|DATABASE_URL=$DATABASE_URL|" \
    -e "s|^DATA_DIR=.*|DATA_DIR=$ROOT$WORKDIR/data|" \
    -e "s|^JWT_SECRET=.*|JWT_SECRET=$(key)|" \
    -e "s|^DATA_KEY=.*|DATA_KEY=$(key)|" \
    -e "s|^HISTORY_KEY=.*|HISTORY_KEY=$(key)|" \
    -e "s|^BUNDLE_SIGNING_KEY=.*|BUNDLE_SIGNING_KEY=$BUNDLE|" \
    -e "s|^SMTP_URL=.*|SMTP_URL=\"smtp://127.0.0.1:9\"|" \
    -e "s|^SMS_URL=.*|SMS_URL=\"https://127.0.0.1:9/send\"|" \
    -e "s|^SMS_SECRET=.*|SMS_SECRET=deploy-check-secret-0123456789|" \
    -e "s|^RATE_LIMIT_NODES=.*|RATE_LIMIT_NODES=1|" \
    deploy/fengqiao.env >"$ROOT$ENVFILE"
check "environment file keeps every shipped setting" \
    test "$(grep -c '^[A-Z_]*=' "$ROOT$ENVFILE")" = "$(grep -c '^[A-Z_]*=' deploy/fengqiao.env)"
check "no CHANGE-ME left" bash -c "! grep -q CHANGE-ME '$ROOT$ENVFILE'"

# As systemd starts it: in the working directory, with only the environment file's variables.
(
    cd "$ROOT$WORKDIR"
    exec env -i PATH=/usr/bin:/bin sh -c \
        "set -a; . '$ROOT$ENVFILE'; exec $ROOT$EXEC" >"$ROOT/node.log" 2>&1
) &
NODE_PID=$!
NODE="http://127.0.0.1:$NODE_PORT"
ready=no
for _ in $(seq 1 150); do
    curl -fsS "$NODE/readyz" >/dev/null 2>&1 && { ready=yes; break; }
    kill -0 "$NODE_PID" 2>/dev/null || break
    sleep 0.2
done
check "the node starts in production mode from the unit's command" test "$ready" = yes
if [[ $ready != yes ]]; then
    tail -20 "$ROOT/node.log" >&2
    exit 1
fi
check "it says so in its log" grep -q 'env: Production' "$ROOT/node.log"

proxy_start "$HTTPS_PORT" "$HTTP_PORT" "$NODE_PORT"
CURL=(curl -sS --cacert "$PROXY_CA" --max-time 20)
headers=$("${CURL[@]}" -D - -o /dev/null "$PROXY/readyz")
check "ready through the proxy over TLS" grep -q '^HTTP/[0-9.]* 200' <<<"$headers"
check "HSTS on every answer" grep -qi '^strict-transport-security: max-age=31536000' <<<"$headers"
home=$("${CURL[@]}" "$PROXY/")
check "the home page in Chinese through the proxy" grep -q '枫桥' <<<"$home"
redirect=$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' "http://127.0.0.1:$HTTP_PORT/cases")
check "plain HTTP redirects to https" test "$redirect" = "301 https://127.0.0.1:$HTTPS_PORT/cases"
check "/metrics answers 404 through the proxy" \
    test "$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$PROXY/metrics")" = 404
inside=$(curl -fsS "$NODE/metrics")
check "/metrics answers on the node's own address" grep -q '^fengqiao_queue_due{channel="email"}' <<<"$inside"
oversize=$(head -c 120M /dev/zero | "${CURL[@]}" -o /dev/null -w '%{http_code}' \
    -H 'Content-Type: application/octet-stream' --data-binary @- "$PROXY/api/v1/cases/x/evidence" || true)
check "a body over client_max_body_size is refused at the proxy" test "$oversize" = 413
login=$("${CURL[@]}" -o /dev/null -w '%{http_code}' -X POST "$PROXY/api/v1/auth/login" \
    -H 'Content-Type: application/json' -d '{"email":"nobody@example.gov.cn","password":"wrong-password"}')
check "the API answers through the proxy (a wrong login is 401)" test "$login" = 401

# The admin commands the way docs/deploy.md runs them: the environment file read by a shell.
fq() { env -i PATH=/usr/bin:/bin sh -c "set -a; . '$ROOT$ENVFILE'; exec $BIN \"\$@\"" fq "$@"; }
audit=$(fq verify-audit 2>&1 || true)
check "fq verify-audit" grep -q 'every case history verifies' <<<"$audit"
evidence=$(fq verify-evidence 2>&1 || true)
check "fq verify-evidence" grep -q 'evidence file(s) verify' <<<"$evidence"
migrated=$(fq migrate 2>&1 || true)
check "fq migrate finds nothing to do" grep -q 'applied 0 migration' <<<"$migrated"

# SIGTERM, as systemctl stop sends it: gone within the unit's TimeoutStopSec.
started=$(date +%s)
kill -TERM "$NODE_PID"
wait "$NODE_PID" 2>/dev/null || true
NODE_PID=
took=$(($(date +%s) - started))
check "SIGTERM stops the node in ${took} s (TimeoutStopSec=$STOP_SECS)" test "$took" -lt "${STOP_SECS%s}"

if ((FAILED)); then
    say "$FAILED check(s) failed; the node's log:"
    tail -20 "$ROOT/node.log" >&2
    exit 1
fi
say "deploy_check: every check passed"
