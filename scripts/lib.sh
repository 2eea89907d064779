# Shared by scripts/run and scripts/test: make sure PostgreSQL is installed and running, and that
# the fengqiao role and database exist. Idempotent; says what it does and stops on the first failure.
# shellcheck shell=bash

set -euo pipefail

say()  { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
fail() { printf '\033[1;31mFAILED: %s\033[0m\n' "$*" >&2; exit 1; }

# Run a command as root: directly when we are root, else through sudo.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Run a command as the postgres system user (peer authentication on the local socket).
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

PG_HOST=127.0.0.1
PG_PORT=${PG_PORT:-5432}
DB_ROLE=fengqiao
DB_PASSWORD=${FENGQIAO_DB_PASSWORD:-fengqiao-local}
DB_NAME=${FENGQIAO_DB_NAME:-fengqiao}

ensure_rust() {
  if ! command -v cargo >/dev/null 2>&1; then
    [ -x "$HOME/.cargo/bin/cargo" ] && export PATH="$HOME/.cargo/bin:$PATH"
  fi
  command -v cargo >/dev/null 2>&1 || fail "Rust is not installed. Install it with rustup (https://rustup.rs), then run this again."
  local have
  have=$(rustc --version | awk '{print $2}')
  say "Rust $have"
}

ensure_postgres_installed() {
  if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    say "PostgreSQL is not installed: installing it with apt-get"
    as_root apt-get update -qq || fail "apt-get update"
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql postgresql-contrib >/dev/null \
      || fail "apt-get install postgresql"
  fi
  command -v psql >/dev/null 2>&1 || fail "psql is missing although PostgreSQL is installed"
}

ensure_postgres_running() {
  if pg_isready -q -h "$PG_HOST" -p "$PG_PORT"; then
    return
  fi
  local version
  version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
  if ! pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -q "^$version main$"; then
    say "Creating the PostgreSQL $version cluster"
    as_root pg_createcluster "$version" main >/dev/null || fail "pg_createcluster $version main"
  fi
  say "Starting PostgreSQL $version"
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || fail "starting PostgreSQL (see /var/log/postgresql/)"
  for _ in $(seq 1 30); do
    pg_isready -q -h "$PG_HOST" -p "$PG_PORT" && return
    sleep 1
  done
  fail "PostgreSQL did not start listening on $PG_HOST:$PG_PORT"
}

ensure_role_and_database() {
  say "Making sure the role '$DB_ROLE' and the database '$DB_NAME' exist"
  as_postgres psql -v ON_ERROR_STOP=1 -q -d postgres <<SQL >/dev/null || fail "creating the role $DB_ROLE"
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$DB_ROLE') THEN
    CREATE ROLE $DB_ROLE LOGIN CREATEDB PASSWORD '$DB_PASSWORD';
  ELSE
    ALTER ROLE $DB_ROLE LOGIN CREATEDB PASSWORD '$DB_PASSWORD';
  END IF;
END
\$\$;
SQL
  if ! as_postgres psql -tAq -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'" | grep -q 1; then
    as_postgres createdb -O "$DB_ROLE" "$DB_NAME" || fail "creating the database $DB_NAME"
  fi
}

# Sets DATABASE_URL. A DATABASE_URL given by the caller is used as it is (nothing is installed).
prepare_database() {
  if [ -n "${DATABASE_URL:-}" ]; then
    say "Using the DATABASE_URL you set"
    return
  fi
  ensure_postgres_installed
  ensure_postgres_running
  ensure_role_and_database
  export DATABASE_URL="postgres://$DB_ROLE:$DB_PASSWORD@$PG_HOST:$PG_PORT/$DB_NAME"
}

# The documents' PDFs embed a CJK TrueType font (src/documents/font.rs looks for this
# package's file); the tests read the PDFs back with poppler's pdftotext.
ensure_documents() {
  local missing=()
  [ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || [ -n "${DOCUMENT_FONT:-}" ] \
    || missing+=(fonts-wqy-microhei)
  if [ "${1:-}" = "--with-poppler" ]; then
    command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    say "Installing ${missing[*]} for the documents"
    as_root apt-get update -qq || fail "apt-get update"
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null \
      || fail "apt-get install ${missing[*]}"
  fi
}

# The browser tests drive Debian's Chromium through chromedriver; a CJK font makes the kept
# screenshots readable.
ensure_browser() {
  local missing=()
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
  fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk" || missing+=(fonts-wqy-microhei)
  if [ ${#missing[@]} -gt 0 ]; then
    say "Installing ${missing[*]} for the browser tests"
    as_root apt-get update -qq || fail "apt-get update"
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null \
      || fail "apt-get install ${missing[*]}"
  fi
}
