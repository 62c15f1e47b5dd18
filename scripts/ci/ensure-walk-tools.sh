#!/usr/bin/env bash
# The README-walk test runs the README's curl walks as written: they compute TOTP codes with
# oathtool and read JSON with jq. Installs whichever is missing.
set -euo pipefail
missing=()
command -v oathtool >/dev/null || missing+=(oathtool)
command -v jq >/dev/null || missing+=(jq)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}"
  bash "$(dirname "$0")/apt-install-no-start.sh" "${missing[@]}"
fi
echo "oathtool and jq are installed"
