#!/usr/bin/env bash
# The cluster tests (test/cluster/) start a private three-node MariaDB Galera cluster on loopback:
# they need mariadbd and mariadb-install-db (mariadb-server), the Galera provider (galera-4) and,
# for the optional rsync state transfer (GATEHOUSE_GALERA_SST=rsync), rsync. Installs what is
# missing (ensure-mariadb.sh, run first, has already installed and started the shared server);
# starts nothing: the tests run their own mariadbd processes in a temp dir.
set -euo pipefail
missing=()
[ -x "${MARIADBD_PATH:-/usr/sbin/mariadbd}" ] && command -v mariadb-install-db >/dev/null 2>&1 || missing+=(mariadb-server)
[ -e "${GALERA_PROVIDER:-/usr/lib/galera/libgalera_smm.so}" ] || missing+=(galera-4)
command -v rsync >/dev/null 2>&1 || missing+=(rsync)
if [ ${#missing[@]} -eq 0 ]; then echo "Galera (mariadb-server, galera-4, rsync) is installed"; exit 0; fi
echo "installing ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
echo "Galera (mariadb-server, galera-4, rsync) is installed"
