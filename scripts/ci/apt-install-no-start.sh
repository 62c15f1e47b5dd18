#!/usr/bin/env bash
# Installs Debian packages whose postinst would start a system service (nginx, caddy on port 80)
# that nothing uses: the tests run their own processes with configs in temp dirs.
# policy-rc.d exit 101 = "action forbidden"; an existing policy is left alone.
set -euo pipefail
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy"
  trap 'rm -f "$policy"' EXIT
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
