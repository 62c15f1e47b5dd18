#!/bin/sh
# Test-only Galera state transfer (wsrep_sst_method=loopback_copy) between nodes on one machine:
# the joiner announces its data directory, the donor copies its own into it under the server's
# FLUSH TABLES WITH READ LOCK (as the rsync method does), or only hands over its position when an
# incremental transfer (IST) suffices. It exists because Debian's wsrep_sst_rsync spends 10-20 s per
# join in shell start-up on a loaded machine; the cluster tests set GATEHOUSE_GALERA_SST=rsync to
# use the real one. Protocol: sql/wsrep_sst.cc (joiner prints "ready <address>" then
# "<uuid>:<seqno> <domain>"; donor prints "flush tables", "continue", "done <uuid>:<seqno>").
set -eu
role=; addr=; datadir=; gtid=; domain=0; bypass=0; parent=
while [ $# -gt 0 ]; do
  case "$1" in
    --role) role=$2; shift ;;
    --address) addr=$2; shift ;;
    --datadir) datadir=${2%/}; shift ;;
    --gtid) gtid=$2; shift ;;
    --gtid-domain-id) domain=$2; shift ;;
    --parent) parent=$2; shift ;;
    --bypass) bypass=1 ;;
    --mysqld-args) break ;;
  esac
  shift
done
marker=loopback_sst_complete
# Files that belong to the node itself (Galera state, cache, SST hand-shake), never copied over.
own() {
  case "$1" in grastate.dat | gvwstate.dat | galera.cache | $marker | $marker.tmp | sst_in_progress | wsrep_sst_started | tables_flushed | sst_error) return 0 ;; esac
  return 1
}

if [ "$role" = joiner ]; then
  rm -f "$datadir/$marker"
  echo "ready ${addr%%/*}/$datadir"
  while [ ! -f "$datadir/$marker" ]; do
    if [ -n "$parent" ] && ! kill -0 "$parent" 2>/dev/null; then exit 32; fi
    sleep 0.1
  done
  head -n 1 "$datadir/$marker"
  rm -f "$datadir/$marker"
  exit 0
fi

joiner=${addr#*/}
if [ "$bypass" -eq 0 ]; then
  rm -f "$datadir/tables_flushed" "$datadir/sst_error"
  echo 'flush tables'
  until [ -f "$datadir/tables_flushed" ] && grep -q : "$datadir/tables_flushed"; do
    if [ -f "$datadir/sst_error" ]; then exit 255; fi
    sleep 0.1
  done
  state=$(cat "$datadir/tables_flushed")
  rm -f "$datadir/tables_flushed"
  for f in "$joiner"/* "$joiner"/.[!.]*; do
    if [ -e "$f" ] && ! own "${f##*/}"; then rm -rf "$f"; fi
  done
  for f in "$datadir"/*; do
    if [ -e "$f" ] && ! own "${f##*/}"; then cp -a "$f" "$joiner/"; fi
  done
else
  state="$gtid $domain"
fi
echo continue
printf '%s\n' "$state" > "$joiner/$marker.tmp"
mv "$joiner/$marker.tmp" "$joiner/$marker"
echo "done $state"
