#!/bin/sh
# A stand-in Kafka consumer for the optional `kafka` profile, until the KPI service consumes
# Kafka itself: reads shop events (one JSON event per message) from the topic as consumer group
# `shopmon-kpi` with Kafka's own console consumer, and posts them in NDJSON batches to the KPI
# service's POST /v1/events. Event ids make redelivery harmless (the service counts them once).
# Delivery is at most once across a crash of this bridge: the console consumer commits offsets
# on its own schedule, not after the POST. kafka_exporter reports the group's lag.
set -u
BROKER="${KAFKA_BOOTSTRAP_SERVERS:-kafka:9092}"
TOPIC="${SHOPMON_KAFKA_TOPIC:-shopmon.events}"
GROUP="${SHOPMON_KAFKA_GROUP:-shopmon-kpi}"
URL="${SHOPMON_URL:-http://kpi:8787}"
KEY="${SHOPMON_INGEST_KEY:-${SHOPMON_INGEST_KEYS%%,*}}"
BATCH="${BRIDGE_BATCH_EVENTS:-1000}"
FILE=/tmp/shopmon-batch.ndjson

post() {
  # busybox wget: -S prints the status line, which tells a retry (503, no answer) from a drop.
  out=$(busybox wget -q -S -O /dev/null --header="Authorization: Bearer $KEY" \
    --header='Content-Type: application/x-ndjson' --post-file="$FILE" "$URL/v1/events" 2>&1)
  echo "$out" | grep -o 'HTTP/1\.[01] [0-9][0-9][0-9]' | tail -n 1 | cut -d' ' -f2
}

echo "bridge: $TOPIC (group $GROUP) on $BROKER -> $URL/v1/events" >&2
/opt/kafka/bin/kafka-console-consumer.sh --bootstrap-server "$BROKER" --topic "$TOPIC" --group "$GROUP" |
while IFS= read -r line; do
  printf '%s\n' "$line" > "$FILE"
  n=1
  # Gather up to BATCH messages, as long as each arrives within a second of the last.
  while [ "$n" -lt "$BATCH" ] && IFS= read -r -t 1 line; do
    printf '%s\n' "$line" >> "$FILE"
    n=$((n + 1))
  done
  while :; do
    status=$(post)
    case "$status" in
      200) break ;;
      400 | 413 | 415) echo "bridge: KPI service answered $status; dropping a batch of $n events" >&2; break ;;
      *) echo "bridge: KPI service answered '${status:-nothing}'; retrying in 2 s" >&2; sleep 2 ;;
    esac
  done
done
