#!/bin/sh
# Managed by pve-ha-operator. keepalived's track script: the local haproxy answers on its
# stats socket and reports at least one server UP.
stats=$(echo 'show stat -1 4 -1' | socat -t 1 -T 1 stdio 'UNIX-CONNECT:/run/pveha/haproxy.sock' 2>/dev/null) || exit 1
printf '%s\n' "$stats" | awk -F, '$18 ~ /^UP/ { up = 1 } END { exit up ? 0 : 1 }'
