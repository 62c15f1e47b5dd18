#!/usr/bin/env bash
# The README's Caddy forward_auth recipe runs for real in an end-to-end test, which starts its own
# caddy with a config in a temp dir, so only the binary is needed: installs Debian's caddy (2.6,
# has forward_auth) when missing.
set -euo pipefail
if [ -x "${CADDY_PATH:-/usr/bin/caddy}" ]; then echo "caddy is installed"; exit 0; fi
echo "installing caddy"
bash "$(dirname "$0")/apt-install-no-start.sh" caddy
echo "caddy is installed"
