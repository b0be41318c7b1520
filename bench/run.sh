#!/usr/bin/env bash
# Throughput benchmark: log2kafka against kcat and a plain Java KafkaProducer loop, on the same
# generated eduroam-like log, against one local broker running as a separate process.
#
#   bench/run.sh [LINES]        LINES defaults to 10000000 (about 1.3 GB); RUNS=3 alternating runs
#   BASELINE_JAR=other.jar bench/run.sh   also runs another build of log2kafka (`baseline`), side by side
#   TOOLS="log2kafka baseline" ...        only these tools
#   TOOLS="log2kafka exactly-once" ...    log2kafka at least once and with --exactly-once (its records counted as a
#                                         read_committed consumer sees them)
#
# Each tool sends every line as one record to a topic of its own (one partition, acks=all,
# idempotent, lz4, linger 5 ms); the topic's record count must equal the line count. Prints for
# each tool the median of the runs: whole-process wall time, lines/s, MB/s, peak RSS, CPU seconds and
# CPU seconds per million lines. kcat runs twice: with log2kafka's settings, and tuned (larger batches).
set -euo pipefail
cd "$(dirname "$0")/.."

LINES=${1:-10000000}
RUNS=${RUNS:-3}
WORK=${BENCH_DIR:-target/bench}
JAR=target/log2kafka.jar
L2K_OPTS=${L2K_OPTS:-}            # extra log2kafka options
L2K_JAVA_OPTS=${L2K_JAVA_OPTS:-}  # extra JVM options for log2kafka

[ -f "$JAR" ] || mvn -B -q package -DskipTests
mkdir -p "$WORK/classes"
# the test data generator lives with the tests
javac -cp "$JAR" -d "$WORK/classes" bench/PlainProducer.java bench/CountRecords.java \
  src/test/java/dev/log2kafka/EduroamLog.java
CP="$JAR:$WORK/classes"
LOG="$WORK/eduroam-$LINES.log"
[ -f "$LOG" ] || java -cp "$CP" dev.log2kafka.EduroamLog "$LINES" "$LOG"
BYTES=$(stat -c %s "$LOG")

source bench/broker.sh
start_broker

if [ -z "${TOOLS:-}" ]; then
  TOOLS="log2kafka plain"
  [ -n "${BASELINE_JAR:-}" ] && TOOLS="$TOOLS baseline"
  command -v kcat >/dev/null && TOOLS="$TOOLS kcat kcat-tuned" || echo "kcat is not installed: skipped"
fi
# A fresh broker is slow until its JIT has warmed up: warm it with one untimed run first.
java -cp "$CP" PlainProducer "$BOOTSTRAP" warm-up "$LOG" > /dev/null 2>&1
: > "$WORK/results.txt"
echo "$LINES lines, $BYTES bytes, broker $BOOTSTRAP, $(nproc) cores"
for run in $(seq 1 "$RUNS"); do
  for tool in $TOOLS; do
    topic="$tool-$run-$RANDOM"
    case $tool in
      # run in $WORK, where there is no routes/ nor application.properties: each build runs its own copies
      log2kafka|baseline|exactly-once)
        jar=$JAR; [ "$tool" = baseline ] && jar=$BASELINE_JAR
        once=(); [ "$tool" = exactly-once ] && once=(--exactly-once)
        cmd=(env -C "$WORK" java $L2K_JAVA_OPTS -jar "$(realpath "$jar")" --files "$(realpath "$LOG")"
             --topic "$topic" --kafka-config client.properties --state-dir "state-$topic" "${once[@]}" $L2K_OPTS) ;;
      plain) cmd=(java -cp "$CP" PlainProducer "$BOOTSTRAP" "$topic" "$LOG") ;;
      # log2kafka's settings
      kcat) cmd=(kcat -P -b "$BOOTSTRAP" -t "$topic" -l -X acks=all -X enable.idempotence=true
                 -X compression.codec=lz4 -X linger.ms=5 "$LOG") ;;
      # the same, with librdkafka's batches and queue as large as it takes
      kcat-tuned) cmd=(kcat -P -b "$BOOTSTRAP" -t "$topic" -l -X acks=all -X enable.idempotence=true
                 -X compression.codec=lz4 -X linger.ms=50 -X batch.size=1000000 -X batch.num.messages=100000
                 -X queue.buffering.max.kbytes=1048576 -X queue.buffering.max.messages=2000000 "$LOG") ;;
    esac
    /usr/bin/time -f "%e %M %U %S" -o "$WORK/time.txt" "${cmd[@]}" > "$WORK/$tool.out" 2>&1 \
      || { echo "$tool failed:"; tail -5 "$WORK/$tool.out"; exit 1; }
    count=$(java -cp "$CP" CountRecords "$BOOTSTRAP" "$topic" $([ "$tool" = exactly-once ] && echo committed))
    [ "$count" = "$LINES" ] || { echo "$tool: topic $topic holds $count records, not $LINES"; exit 1; }
    read -r wall rss user sys < "$WORK/time.txt"
    echo "$tool $wall $rss $user $sys" | tee -a "$WORK/results.txt" | awk '{printf "  run: %-9s %6.2f s\n", $1, $2}'
  done
done

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo
printf '%-12s %9s %12s %8s %10s %8s %12s\n' tool wall_s lines/s MB/s peakRSS_MB cpu_s cpu_s/Mlines
for tool in $TOOLS; do
  wall=$(awk -v t=$tool '$1==t {print $2}' "$WORK/results.txt" | median)
  rss=$(awk -v t=$tool '$1==t {print $3}' "$WORK/results.txt" | median)
  cpu=$(awk -v t=$tool '$1==t {print $4+$5}' "$WORK/results.txt" | median)
  eval "wall_${tool//-/_}=$wall"
  awk -v t=$tool -v w="$wall" -v r="$rss" -v c="$cpu" -v n="$LINES" -v b="$BYTES" \
    'BEGIN {printf "%-12s %9.2f %12d %8.1f %10d %8.2f %12.2f\n", t, w, n/w, b/w/1e6, r/1024, c, c/(n/1e6)}'
done
echo
[ -n "${wall_plain:-}" ] && awk -v a="$wall_log2kafka" -v b="$wall_plain" \
  'BEGIN {printf "log2kafka / plain Java loop: %.2f x\n", b/a}'
[ -n "${wall_exactly_once:-}" ] && awk -v a="$wall_exactly_once" -v b="$wall_log2kafka" \
  'BEGIN {printf "exactly once / at least once: %.2f x the time\n", a/b}'
[ -n "${wall_baseline:-}" ] && awk -v a="$wall_log2kafka" -v b="$wall_baseline" \
  'BEGIN {printf "log2kafka / baseline:        %.2f x\n", b/a}'
[ -n "${wall_kcat:-}" ] && awk -v a="$wall_log2kafka" -v b="$wall_kcat" 'BEGIN {printf "log2kafka / kcat:            %.2f x\n", b/a}'
[ -n "${wall_kcat_tuned:-}" ] && awk -v a="$wall_log2kafka" -v b="$wall_kcat_tuned" \
  'BEGIN {printf "log2kafka / kcat tuned:      %.2f x\n", b/a}'
true
