#!/usr/bin/env bash
# Gives each principal of access.properties (kafka-broker's; mounted at $ACCESS) its SCRAM password,
# its topics and its ACLs (topics, group, transactional ids), on a broker that requires login: the
# compose stack's kafka-setup service runs it once the broker is healthy, with the Kafka image's own
# tools. Safe to run again.
#
#   KAFKA_BOOTSTRAP        the broker, e.g. kafka:9092
#   KAFKA_ADMIN_PASSWORD   the broker's admin (PLAIN) password
#   KAFKA_PASSWORD_<NAME>  each principal's password, NAME in capitals with '-' as '_'
#                          (KAFKA_PASSWORD_ORDER_SERVICE, KAFKA_PASSWORD_PAYMENT_SERVICE, KAFKA_PASSWORD_OBSERVER)
# Standalone, without scripts/lib.sh: compose mounts this file alone into the kafka-setup container.
set -euo pipefail -f
bin="${KAFKA_BIN:-/opt/kafka/bin}"
access="${ACCESS:-/access.properties}"
partitions="${PARTITIONS:-6}"
# Passwords go to the tools in files readable by this user alone (mktemp makes them so), removed on
# exit: never as arguments, which anyone on the machine reads (ps -ef, /proc/PID/cmdline).
admin="$(mktemp)"
scram="$(mktemp)"
trap 'rm -f "$admin" "$scram"' EXIT
cat > "$admin" <<PROPS
security.protocol=SASL_PLAINTEXT
sasl.mechanism=PLAIN
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="${KAFKA_ADMIN_PASSWORD:?the broker admin password}";
PROPS
server=(--bootstrap-server "${KAFKA_BOOTSTRAP:?the broker}" --command-config "$admin")

trim() { sed -E 's/^[[:space:]]+|[[:space:]]+$//g'; }

# A value as a Java properties file holds it (kafka-configs.sh reads the file as ISO-8859-1): a
# backslash doubled, a character outside printable ASCII as \uXXXX (a surrogate pair above U+FFFF).
properties_value() (
  export LC_ALL=C.UTF-8 2> /dev/null # one character at a time, not one byte
  local value="$1" out="" c code i
  for ((i = 0; i < ${#value}; i++)); do
    c="${value:i:1}"
    printf -v code '%d' "'$c"
    if [[ "$c" == '\' ]]; then
      out+='\\'
    elif ((code >= 32 && code < 127)); then
      out+="$c"
    elif ((code < 0x10000)); then
      out+="$(printf '\\u%04x' "$code")"
    else
      out+="$(printf '\\u%04x\\u%04x' $((0xD800 + ((code - 0x10000) >> 10))) $((0xDC00 + ((code - 0x10000) & 0x3FF))))"
    fi
  done
  printf '%s' "$out"
)
while IFS= read -r line; do
  [[ -z "${line//[[:space:]]/}" || "$line" =~ ^[[:space:]]*# ]] && continue
  principal="$(cut -d= -f1 <<<"$line" | trim)"
  rights="$(cut -d= -f2- <<<"$line")"
  # writes | reads | group, and optionally | transactional ids
  bars="${rights//[^|]/}"
  if [[ "$line" != *=* || ( ${#bars} != 2 && ${#bars} != 3 ) ]]; then
    echo "expected 'principal = writes | reads | group [| transactional ids]', got: $line" >&2
    exit 1
  fi
  writes="$(cut -d'|' -f1 <<<"$rights" | tr -d '[:space:]')"
  reads="$(cut -d'|' -f2 <<<"$rights" | tr -d '[:space:]')"
  group="$(cut -d'|' -f3 <<<"$rights" | tr -d '[:space:]')"
  txids="$(cut -d'|' -f4 <<<"$rights" | tr -d '[:space:]')"
  var="KAFKA_PASSWORD_$(tr 'a-z-' 'A-Z_' <<<"$principal")"
  password="${!var:?$var: the password of $principal}"
  echo "== $principal: writes [$writes], reads [$reads], group [${group:-none}], transactional ids [${txids:-none}]"
  printf 'SCRAM-SHA-512=iterations=8192,password=%s\n' "$(properties_value "$password")" > "$scram"
  "$bin/kafka-configs.sh" "${server[@]}" --alter --entity-type users --entity-name "$principal" --add-config-file "$scram" > /dev/null
  for topic in ${writes//,/ }; do
    [[ "$topic" == "*" ]] && continue
    "$bin/kafka-topics.sh" "${server[@]}" --create --if-not-exists --topic "$topic" --partitions "$partitions" --replication-factor 1 > /dev/null
    "$bin/kafka-acls.sh" "${server[@]}" --add --allow-principal "User:$principal" --operation Write --operation Describe --topic "$topic" > /dev/null
  done
  for topic in ${reads//,/ }; do
    "$bin/kafka-acls.sh" "${server[@]}" --add --allow-principal "User:$principal" --operation Read --operation Describe --topic "$topic" > /dev/null
  done
  if [[ -n "$group" ]]; then
    "$bin/kafka-acls.sh" "${server[@]}" --add --allow-principal "User:$principal" --operation Read --group "$group" > /dev/null
  fi
  for id in ${txids//,/ }; do
    "$bin/kafka-acls.sh" "${server[@]}" --add --allow-principal "User:$principal" --operation Write --operation Describe --transactional-id "$id" > /dev/null
  done
done < "$access"
echo "access granted"
