#!/bin/sh
# SPDX-License-Identifier: AGPL-3.0-or-later
# Installs the Debian packages defis needs, only those that are missing.
# Usage: scripts/install-deps.sh [build|bench]
set -eu
pkgs="gcc make cmake pkg-config libsqlite3-dev libjansson-dev libglib2.0-dev
      libmicrohttpd-dev libcmocka-dev libstemmer-dev sqlite3 curl"
if [ "${1:-build}" = bench ]; then
    pkgs="$pkgs wrk nginx-light time"
fi
missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing
