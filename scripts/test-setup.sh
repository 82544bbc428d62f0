#!/usr/bin/env bash
# Set-up for the test suite, run by `npm test` before the type check and vitest.
# The integration tests start real ZooKeeper, Prometheus and headless Chromium; they come
# from Debian packages. Only the missing ones are installed, with
#   apt-get update && apt-get install -y --no-install-recommends <missing packages>
# run as root (directly when we are root, else through sudo). Nothing else runs as root.
# Set MESOS_AUTOSCALER_NO_INSTALL=1 to only check and print what is missing.
set -euo pipefail

PACKAGES=(zookeeper prometheus chromium openssl)
# What the tests call; a package can be "installed" and still lack one after a partial install.
NEEDED=(/usr/bin/java /usr/share/java/zookeeper.jar /usr/bin/prometheus /usr/bin/promtool /usr/bin/chromium /usr/bin/openssl)

log() { printf '==> %s\n' "$*" >&2; }

node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$node_major" -lt 20 ]; then
  echo "Node.js 20 or newer is required (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "${MESOS_AUTOSCALER_NO_INSTALL:-}" = 1 ]; then
    echo "missing Debian packages: ${missing[*]} (install them, or unset MESOS_AUTOSCALER_NO_INSTALL)" >&2
    exit 1
  fi
  command -v apt-get >/dev/null || { echo "missing ${missing[*]} and no apt-get here: install them by hand" >&2; exit 1; }
  SUDO=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "missing ${missing[*]}: not root and no sudo, so run as root: apt-get install -y ${missing[*]}" >&2; exit 1; }
    SUDO=(sudo)
  fi
  log "installing Debian packages as root: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -q
  "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

for bin in "${NEEDED[@]}"; do
  [ -e "$bin" ] || { echo "missing $bin after installing ${PACKAGES[*]}" >&2; exit 1; }
done
log "test services present: ${PACKAGES[*]}"
