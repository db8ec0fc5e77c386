#!/usr/bin/env bash
# Installs what Wirelab needs from Debian's packages, only what is missing.
# Usage: scripts/setup.sh [core|ui|bench|fuzz|interop]...   (default: core ui interop)
set -euo pipefail
groups=("$@")
[ ${#groups[@]} -gt 0 ] || groups=(core ui interop)

core=(build-essential cmake ninja-build pkg-config catch2 libssl-dev zlib1g-dev
      libtomlplusplus-dev nlohmann-json3-dev libpcap-dev libcli11-dev tshark)
ui=(libglfw3-dev python3-glad libimgui-dev libstb-dev xvfb xauth libgl1-mesa-dri fonts-dejavu-core)
interop=(python3-websockets)
bench=(libbenchmark-dev libwslay-dev libboost-dev libns3-dev)
fuzz=(clang libclang-rt-14-dev)

want=()
for g in "${groups[@]}"; do
  declare -n list="$g"
  want+=("${list[@]}")
done
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js and npm run the Socket.IO reference oracle; the machine may have them already
# from elsewhere than Debian, so ask for Debian's only when there is no npm at all.
if [[ " ${groups[*]} " == *" interop "* ]] && ! command -v npm >/dev/null; then
  missing+=(nodejs npm)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
