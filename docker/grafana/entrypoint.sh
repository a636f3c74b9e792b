#!/bin/sh
# The provisioned shopmon datasource reads its query key from $SHOPMON_QUERY_KEY; the stack's
# .env holds SHOPMON_QUERY_KEYS, which may be a comma-separated list: Grafana uses the first.
if [ -z "${SHOPMON_QUERY_KEY:-}" ] && [ -n "${SHOPMON_QUERY_KEYS:-}" ]; then
  SHOPMON_QUERY_KEY="${SHOPMON_QUERY_KEYS%%,*}"
  export SHOPMON_QUERY_KEY
fi
if [ -z "${SHOPMON_QUERY_KEY:-}" ]; then
  echo "shopmon: SHOPMON_QUERY_KEY(S) is not set; the shopmon datasource will answer 401 until it is" >&2
fi
exec /run.sh "$@"
