#!/usr/bin/env bash
# The forward-auth end-to-end test puts a real nginx (auth_request) in front of Gatehouse. The
# test starts its own nginx with a config in a temp dir, so only the binary is needed: installs
# nginx-light (the smallest Debian build with auth_request) when missing.
set -euo pipefail
if [ -x "${NGINX_PATH:-/usr/sbin/nginx}" ]; then echo "nginx is installed"; exit 0; fi
echo "installing nginx-light"
# Without this the package's postinst starts a system nginx on port 80 that nothing uses
# (policy-rc.d exit 101 = "action forbidden"); leave an existing policy alone.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy"
  trap 'rm -f "$policy"' EXIT
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null
echo "nginx is installed"
