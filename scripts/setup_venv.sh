#!/usr/bin/env bash
# `make setup`: create VENV (default .venv) holding both packages (editable), their console scripts
# and the test and lint tools, torch pinned by constraints.txt.
#
#   bash scripts/setup_venv.sh [VENV]        (SETUP_WITH_PIP=1: install with pip alone)
#   bash scripts/setup_venv.sh --print-uv-args [VENV]   (what pip's configuration hands to uv)
#
# uv installs the ~170 packages about twice as fast as pip (85 s against 181 s on a clean clone here,
# most of uv's time spent compiling the bytecode, which pip compiles too). uv does not read pip's
# configuration, so the wheel folders, extra indexes and constraints pip is configured with (the
# folder holding torch's CPU build, a local mirror, a version cap) are handed to it. Where uv cannot
# install the venv, pip installs everything as before.
set -euo pipefail

print_only=
if [[ "${1:-}" == --print-uv-args ]]; then print_only=1; shift; fi
VENV="${1:-.venv}"
PY="$VENV/bin/python"
packages=(-c constraints.txt -e "./trainer[minilm,bench,baseline,container]" -e "./infra[pulumi]"
  -r requirements-dev.txt)

# Every value pip is configured with for the key $1 (its files and PIP_* variables), one per line,
# each once, in the order pip loads them: its files, then its variables.
pip_setting() {
  "$PY" -m pip config list 2>/dev/null | sed -n "s/^[^=]*\.$1='\(.*\)'\$/\1/p" | tr ' ' '\n' \
    | sed '/^$/d' | awk '!seen[$0]++'
}

uv_args() {
  local value
  while read -r value; do printf '%s\n' --find-links "$value"; done < <(pip_setting find-links)
  while read -r value; do printf '%s\n' --extra-index-url "$value"; done < <(pip_setting extra-index-url)
  while read -r value; do printf '%s\n' --constraint "$value"; done < <(pip_setting constraint)
  # Only one index-url is in force: the last loaded (a PIP_INDEX_URL variable overrides the files).
  value=$(pip_setting index-url | tail -n 1)
  if [[ -n "$value" ]]; then printf '%s\n' --index-url "$value"; fi
}

if [[ -n "$print_only" ]]; then uv_args; exit 0; fi

test -x "$PY" || python3 -m venv "$VENV"
"$PY" -m pip install -q --upgrade pip
# Called as an `if` condition, where `set -e` does not apply: each step's failure is returned.
install_with_uv() {
  local configured
  "$PY" -m pip install -q uv || return 1
  mapfile -t configured < <(uv_args)
  # unsafe-best-match: take the best version any index offers, as pip does (uv's default takes the
  # first index that has the package at all, which would pin a mirror's older releases).
  "$VENV/bin/uv" pip install --python "$PY" -q --compile-bytecode --index-strategy unsafe-best-match \
    "${configured[@]}" "${packages[@]}"
}

if [[ -n "${SETUP_WITH_PIP:-}" ]] || ! install_with_uv; then
  echo "installing with pip (slower): SETUP_WITH_PIP is set, or uv could not install the venv" >&2
  "$PY" -m pip install -q "${packages[@]}"
fi
