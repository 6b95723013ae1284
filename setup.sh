#!/usr/bin/env bash
# Set graphkit up on a fresh machine: a virtual environment (.venv) with the package, its pinned
# dependencies and the tools for notebooks and tests. With --tests, also what the tests need from
# the system: headless Chromium and its driver (browser tests) and a Java runtime (OWL reasoner),
# installed with apt when missing (as root, or through sudo).
set -euo pipefail
cd "$(dirname "$0")"

if [ "${1:-}" = "--tests" ]; then
  need=()
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
  command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
  if [ "${#need[@]}" -gt 0 ]; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    echo "installing ${need[*]} (apt)" >&2
    $SUDO apt-get update -q && $SUDO apt-get install -y -q "${need[@]}"
  fi
elif [ $# -gt 0 ]; then
  echo "usage: ./setup.sh [--tests]" >&2
  exit 2
fi

python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -e ".[dev]"
