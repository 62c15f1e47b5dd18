#!/usr/bin/env bash
# The browser tests drive Debian's Chromium through playwright-core (playwright cannot download
# its own browsers here). Installs it when missing.
set -euo pipefail
if [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then echo "Chromium is installed"; exit 0; fi
echo "installing chromium"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
echo "Chromium is installed"
