#!/usr/bin/env bash
# Install Debian's PostgreSQL server when it is missing, so the storage and API
# tests also run against a real PostgreSQL (they start a throwaway cluster
# themselves). Best effort: without root or apt-get the PostgreSQL tests skip.
set -u
if compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null || command -v initdb > /dev/null; then
  exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get > /dev/null; then
  echo "PostgreSQL not installed and no root/apt-get: PostgreSQL tests will be skipped" >&2
  exit 0
fi
echo "installing PostgreSQL from Debian's packages for the storage tests" >&2
export DEBIAN_FRONTEND=noninteractive
timeout 600 apt-get update -qq > /dev/null 2>&1 \
  && timeout 900 apt-get install -y -qq --no-install-recommends postgresql > /dev/null 2>&1 \
  || echo "could not install PostgreSQL: PostgreSQL tests will be skipped" >&2
exit 0
