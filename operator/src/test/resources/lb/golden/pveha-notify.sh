#!/bin/sh
# Managed by pve-ha-operator. keepalived runs this on every VRRP state change
# (arguments: INSTANCE|GROUP NAME STATE PRIORITY). It records the state with a UTC
# timestamp, which the operator reads, and appends it to a bounded history.
state_file='/run/pveha/vrrp.state'
history_file='/run/pveha/vrrp.history'
case "${3:-}" in
    MASTER|BACKUP|FAULT|STOP) state="$3" ;;
    *) state=UNKNOWN ;;
esac
now=$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)
printf '%s %s\n' "$state" "$now" > "$state_file.tmp" && mv -f "$state_file.tmp" "$state_file"
printf '%s %s priority=%s\n' "$now" "$state" "${4:-?}" >> "$history_file"
if [ "$(wc -l < "$history_file")" -gt 1000 ]; then
    tail -n 500 "$history_file" > "$history_file.tmp" && mv -f "$history_file.tmp" "$history_file"
fi
exit 0
