#!/usr/bin/env bash
# Installs every build, test and run dependency from Debian 12 packages. Idempotent: packages
# already installed are not touched, and apt is not called at all when nothing is missing.
set -euo pipefail

packages=(
  build-essential g++ cmake ninja-build pkg-config git
  libsqlite3-dev sqlite3 libsodium-dev libicu-dev libfmt-dev nlohmann-json3-dev
  libboost-dev libcli11-dev libgtest-dev libgmock-dev libbenchmark-dev
  clang-format-14 wrk curl
  gpsd-clients libeigen3-dev libgeographiclib-dev libtomlplusplus-dev
  libxerces-c-dev
  # the peer of bench/pnr_parse_bench (Perl EDIFACT tokeniser)
  libbusiness-edifact-interchange-perl
  python3-jsonschema
  libssl-dev
  libhyperscan-dev
  libsimdjson-dev
  libjemalloc-dev
  chromium chromium-driver
)
# The web console (web/): Node.js and npm. A Node.js already installed from elsewhere (it ships
# its own npm) is kept; otherwise Debian's packages are installed.
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "installing: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
