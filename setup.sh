#!/usr/bin/env bash
# Set graphkit up on a fresh machine: a virtual environment (.venv) with the package, its pinned
# dependencies and the tools for notebooks and tests. With --tests, also what the tests need from
# the system: headless Chromium and its driver (browser tests), a Java runtime (OWL reasoner) and
# Virtuoso 7 (the remote-store contract tests start it on loopback), installed with apt when
# missing (as root, or through sudo). Without apt it stops there, loudly: tests never skip.
set -euo pipefail
cd "$(dirname "$0")"

if [ "${1:-}" = "--tests" ]; then
  need=()
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
  command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
  command -v virtuoso-t >/dev/null 2>&1 || need+=(virtuoso-opensource)
  if [ "${#need[@]}" -gt 0 ]; then
    if ! command -v apt-get >/dev/null 2>&1; then
      echo "setup.sh --tests: ${need[*]} missing and no apt-get to install them" >&2
      exit 1
    fi
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    echo "installing ${need[*]} (apt)" >&2
    $SUDO apt-get update -q && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}"
  fi
elif [ $# -gt 0 ]; then
  echo "usage: ./setup.sh [--tests]" >&2
  exit 2
fi

python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -e ".[dev]"
