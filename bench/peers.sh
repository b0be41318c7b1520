#!/usr/bin/env bash
# Throughput against the shippers an operator would install instead of log2kafka, side by side on this machine: the
# same generated eduroam-like log (LINES lines of about 138 bytes), one local broker running as a separate process,
# each tool in turn:
#   log2kafka  one-shot, `java -jar target/log2kafka.jar --files LOG --topic T`
#   rsyslog    imfile + omkafka (Debian's rsyslog, rsyslog-kafka), `rsyslogd -n -f CONF -i PIDFILE`
#   syslog-ng  file() + kafka-c() (Debian's syslog-ng-core, syslog-ng-mod-rdkafka), `syslog-ng -F -f CONF -R ...`
#   connect    Kafka Connect standalone with the FileStreamSource connector (Maven Central, log2kafka's Kafka version)
# bench/peers-lib.sh installs them and writes each one's configuration (acks=all, idempotence, lz4, linger 5 ms
# where the option exists; each line sent raw as one record).
#
#   bench/peers.sh [LINES]        LINES defaults to 10000000 (about 1.4 GB)
#   RUNS=3 ...                    runs of each tool, in turn (default 1); the table shows medians
#   TOOLS="log2kafka rsyslog" ... only these
#   STALL=30 ...                  a tool is done when its topic holds LINES records, or has not grown for STALL s
#   CHECK=no ...                  without reading each topic back (by default every record is compared with the
#                                 log's lines: the same lines, none lost, none repeated, none altered)
#
# Each run gets a topic of its own (1 partition), created before and deleted after. The daemons do not exit when the
# file is done: a watcher (bench/PeerRecords.java) polls the topic's end offset every 100 ms, and the wall time is
# from the tool's start until the topic held its final count. CPU seconds are the tool's process tree's
# (utime+stime from /proc, read just before it is stopped; log2kafka's from /usr/bin/time, as it exits by itself),
# peak RSS the largest VmHWM in the tree (/usr/bin/time's figure for log2kafka). A tool that loses or repeats lines
# is shown with its count and marked, not failed.
set -euo pipefail
cd "$(dirname "$0")/.."

LINES=${1:-10000000}
RUNS=${RUNS:-1}
STALL=${STALL:-30}
CHECK=${CHECK:-yes}
TOOLS=${TOOLS:-log2kafka rsyslog syslog-ng connect}
WORK=${BENCH_DIR:-target/bench}
JAR=target/log2kafka.jar
KAFKA_VERSION=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' pom.xml)

[ -f "$JAR" ] || mvn -B -q package -DskipTests
mkdir -p "$WORK/classes"
javac -cp "$JAR" -d "$WORK/classes" bench/PlainProducer.java bench/Topics.java bench/PeerRecords.java \
  src/test/java/dev/log2kafka/EduroamLog.java
CP="$JAR:$WORK/classes"
LOG="$WORK/eduroam-$LINES.log"
[ -f "$LOG" ] || java -cp "$CP" dev.log2kafka.EduroamLog "$LINES" "$LOG"
BYTES=$(stat -c %s "$LOG")
SMALL="$WORK/eduroam-1000.log"
[ -f "$SMALL" ] || java -cp "$CP" dev.log2kafka.EduroamLog 1000 "$SMALL"
export XDG_CACHE_HOME
XDG_CACHE_HOME=$(realpath "$WORK")/cache

source bench/broker.sh
source bench/peers-lib.sh
install_peers
start_broker
trap stop_all EXIT

# One run of TOOL over LOG into a new topic; appends "TOOL wall_s records rss_kB cpu_s content" to results.
run_peer() {
  local tool=$1 topic dir started count done_ms cpu rss content wall
  topic="peers-$tool-$RANDOM$RANDOM"
  dir="$PEERS_DIR/run-$tool"
  rm -rf "$dir"; mkdir -p "$dir"
  java -cp "$CP" Topics create "$BOOTSTRAP" "$topic" 1
  case $tool in
    rsyslog) rsyslog_config "$dir" "$topic" "$LOG" ;;
    syslog-ng) syslogng_config "$dir" "$topic" "$LOG" ;;
    connect) connect_config "$dir" "$topic" "$LOG" ;;
  esac
  java -cp "$CP" PeerRecords await "$BOOTSTRAP" "$topic" "$LINES" "$STALL" 180 > "$dir/await.txt" 2> "$dir/await.err" &
  local await=$!
  BG_PIDS+=("$await")
  for _ in $(seq 1 300); do grep -q ready "$dir/await.txt" && break; sleep 0.1; done
  started=$(date +%s%3N)
  start_peer "$tool" "$dir" "$topic" "$LOG"
  # until the watcher is done, or the tool has exited (log2kafka when it is done, a daemon when it failed): then the
  # watcher gets 3 s for the last records and prints what it has
  while kill -0 "$await" 2>/dev/null && kill -0 "$TIME_PID" 2>/dev/null; do sleep 0.2; done
  for _ in $(seq 1 15); do kill -0 "$await" 2>/dev/null || break; sleep 0.2; done
  kill -TERM "$await" 2>/dev/null || true
  wait "$await" || true
  BG_PIDS=()
  read -r count done_ms < <(tail -1 "$dir/await.txt")
  if [ "$tool" = log2kafka ] || ! kill -0 "$TIME_PID" 2>/dev/null; then
    wait "$TIME_PID" || echo "  $tool exited with an error: $(tail -3 "$dir/out.txt")"
    PEER_PIDS=()
    read -r _ rss user sys < <(tail -1 "$dir/time.txt")
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.2f", u + s}')
  else
    cpu=$(tree_cpu "$PEER")
    rss=$(tree_hwm "$PEER")
    stop_peer
  fi
  content=-
  if [ "$CHECK" != no ]; then
    java -cp "$CP" PeerRecords check "$BOOTSTRAP" "$topic" "$LOG" > "$dir/check.txt" 2> "$dir/check.err"
    content=$(awk 'NR == 1 {print $2}' "$dir/check.txt")
    [ "$content" = same ] || sed -n '2,3p' "$dir/check.txt" | sed 's/^/    /'
  fi
  java -cp "$CP" Topics delete "$BOOTSTRAP" "$topic"
  wall=$(awk -v d="$done_ms" -v s="$started" 'BEGIN {printf "%.2f", (d - s) / 1000}')
  echo "$tool $wall $count $rss $cpu $content" >> "$WORK/peers-results.txt"
  printf '  run: %-10s %7.2f s, %d records%s\n' "$tool" "$wall" "$count" \
    "$([ "$count" = "$LINES" ] || echo " (of $LINES lines: $([ "$count" -lt "$LINES" ] && echo lost || echo repeated))")"
}

# Warm-up, untimed: the broker's JIT, the log in the page cache, and log2kafka's first run, which makes its class-data
# archive as a user's first run does.
head -n 1000000 "$LOG" > "$WORK/warm-up.log"
java -cp "$CP" PlainProducer "$BOOTSTRAP" warm-up "$WORK/warm-up.log" > /dev/null 2>&1
cat "$LOG" > /dev/null
mkdir -p "$PEERS_DIR/warm-up"
java -cp "$CP" Topics create "$BOOTSTRAP" peers-warm-up 1
(env -C "$WORK" java -jar "$(realpath "$JAR")" --files "$(realpath "$SMALL")" --topic peers-warm-up \
  --kafka-config client.properties --state-dir "$(realpath "$PEERS_DIR/warm-up")/state" > /dev/null 2>&1)
: > "$WORK/peers-results.txt"

echo "$LINES lines, $BYTES bytes, 1 partition, broker $BOOTSTRAP, $(nproc) cores"
for _ in $(seq 1 "$RUNS"); do
  for tool in $TOOLS; do
    run_peer "$tool"
  done
done

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
figure() { awk -v t="$1" -v c="$2" '$1==t {print $c}' "$WORK/peers-results.txt" | median; }
echo
printf '%-10s %8s %10s %7s %10s %8s %12s %10s %s\n' tool wall_s lines/s MB/s peakRSS_MB cpu_s cpu_s/Mlines records \
  content
for tool in $TOOLS; do
  wall=$(figure "$tool" 2); count=$(figure "$tool" 3); rss=$(figure "$tool" 4); cpu=$(figure "$tool" 5)
  content=$(awk -v t="$tool" '$1==t {print $6}' "$WORK/peers-results.txt" | sort -u | paste -sd/)
  mark=""
  [ "$count" = "$LINES" ] || mark="  <- $count of $LINES lines"
  [ "$content" = same ] || [ "$content" = - ] || mark="$mark  <- content $content"
  eval "wall_${tool//-/_}=$wall cpu_${tool//-/_}=$cpu"
  awk -v t="$tool" -v w="$wall" -v r="$rss" -v c="$cpu" -v n="$count" -v b="$BYTES" -v l="$LINES" -v k="$content" \
    -v m="$mark" 'BEGIN {if (n == 0) {n = 1e-9; w = w > 0 ? w : 1}
      printf "%-10s %8.2f %10d %7.1f %10d %8.2f %12.2f %10d %s%s\n",
      t, w, n/w, b*(n/l)/w/1e6, r/1024, c, c/(n/1e6), n, k, m}'
done
echo
if [ -n "${wall_log2kafka:-}" ]; then
  for tool in $TOOLS; do
    [ "$tool" = log2kafka ] && continue
    w="wall_${tool//-/_}"; c="cpu_${tool//-/_}"
    awk -v t="$tool" -v lw="$wall_log2kafka" -v pw="${!w}" -v lc="$cpu_log2kafka" -v pc="${!c}" \
      -v pn="$(figure "$tool" 3)" -v ln="$(figure log2kafka 3)" \
      'BEGIN {if (pn == 0 || pc == 0) printf "log2kafka / %-10s no figure (no record shipped)\n", t ":"
        else printf "log2kafka / %-10s lines/s %6.2f x   CPU per line %6.2f x\n", t ":",
          (ln/lw) / (pn/pw), (lc/ln) / (pc/pn)}'
  done
  echo "(lines/s above 1: log2kafka ships faster; CPU per line below 1: log2kafka spends less)"
fi
