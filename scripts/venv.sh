# Sourced by scripts/run and scripts/test: one definition of the project's virtualenv.

# Create .venv if missing and (re)install the project when pyproject.toml changed.
# $1: what to install, e.g. "." or ".[test]".
ensure_venv() {
    local target=$1 name=${1//[^a-z]/}
    local stamp=".venv/.installed-${name:-base}"
    ensure_pango
    if [ ! -x .venv/bin/python ]; then
        local python
        python=$(command -v python3.11 || command -v python3) || {
            echo "scripts: Python 3.11 is needed (python3.11 or python3 on PATH)" >&2
            exit 1
        }
        "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
            echo "scripts: $python is older than Python 3.11" >&2
            exit 1
        }
        echo "scripts: creating .venv with $python"
        if ! "$python" -m venv .venv; then
            rm -rf .venv
            # Debian's own Python ships venv's pip (ensurepip) in a separate package.
            if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
                echo "scripts: installing python3-venv with apt-get"
                DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv \
                    || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv; }
                "$python" -m venv .venv
            else
                echo "scripts: '$python -m venv' failed; install python3-venv (Debian/Ubuntu)" >&2
                exit 1
            fi
        fi
    fi
    if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
        echo "scripts: installing $target into .venv (pip, quiet)"
        .venv/bin/python -m pip install -q --disable-pip-version-check -e "$target"
        touch "$stamp"
    fi
}

# The case file's PDF (WeasyPrint) needs the Pango text library from the system.
ensure_pango() {
    if ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so.0' \
        && ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0'; then
        return
    fi
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "scripts: installing Pango with apt-get (for the case file's PDF)"
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -q libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
            || { apt-get update -q && apt-get install -y -q libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core; }
    else
        echo "scripts: Pango is missing: install it with: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0" >&2
        exit 1
    fi
}
