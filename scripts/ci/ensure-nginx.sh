#!/usr/bin/env bash
# The forward-auth end-to-end test puts a real nginx (auth_request) in front of Gatehouse. The
# test starts its own nginx with a config in a temp dir, so only the binary is needed: installs
# nginx-light (the smallest Debian build with auth_request) when missing.
set -euo pipefail
if [ -x "${NGINX_PATH:-/usr/sbin/nginx}" ]; then echo "nginx is installed"; exit 0; fi
echo "installing nginx-light"
bash "$(dirname "$0")/apt-install-no-start.sh" nginx-light
echo "nginx is installed"
