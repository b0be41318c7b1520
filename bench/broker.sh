# Sourced by the bench scripts: starts the project's Kafka broker as a separate process and sets
# BOOTSTRAP and $WORK/client.properties; the broker stops when the script exits. The broker runs from
# a copy of the jar, so that rebuilding the project during a benchmark does not pull classes from
# under it.
start_broker() {
  cp "$JAR" "$WORK/broker.jar"
  java -Xmx1g -cp "$WORK/broker.jar" dev.log2kafka.kafka.EmbeddedKafka > "$WORK/broker.out" 2>&1 &
  BROKER_PID=$!
  trap 'kill $BROKER_PID 2>/dev/null; wait $BROKER_PID 2>/dev/null || true' EXIT
  for _ in $(seq 1 60); do grep -q "listening on" "$WORK/broker.out" && break; sleep 1; done
  BOOTSTRAP=$(grep -o '127.0.0.1:[0-9]*' "$WORK/broker.out")
  printf 'bootstrap.servers=%s\n' "$BOOTSTRAP" > "$WORK/client.properties"
}
