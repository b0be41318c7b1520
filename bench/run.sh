#!/usr/bin/env bash
# Throughput and start-up benchmark: log2kafka against kcat and a plain Java KafkaProducer loop, on the same
# generated eduroam-like log, against one local broker running as a separate process.
#
#   bench/run.sh [LINES]        LINES defaults to 10000000 (about 1.3 GB); RUNS=3 alternating runs
#   PARTITIONS=4 bench/run.sh   topics of 4 partitions (default 1)
#   BASELINE_JAR=other.jar bench/run.sh   also runs another build of log2kafka (`baseline`), side by side
#   TOOLS="log2kafka baseline" ...        only these tools
#   TOOLS="log2kafka exactly-once" ...    log2kafka at least once and with --exactly-once (its records counted as a
#                                         read_committed consumer sees them)
#   TOOLS="log2kafka one-jvm" ...         `java -jar` (a launcher JVM that starts the one that ships) against one JVM
#                                         started by hand with the options and class-data archive the launcher gives
#   STARTUP=no ...                        without the start-up runs
#
# Also java-batches (bench/JavaBatches.java): a Java process that builds the record batches itself, without the Java
# producer's send per record; not a shipper, the floor of what a Java process spends.
#
# Each tool sends every line as one record to a topic of its own, created before the run (PARTITIONS partitions;
# acks=all, idempotent, lz4, linger 5 ms) and deleted after it; the topic's record count must equal the line count.
# Prints for each tool the median of the runs: whole-process wall time, lines/s, MB/s, peak RSS, CPU seconds and CPU
# seconds per million lines. kcat runs twice: with log2kafka's settings, and tuned (larger batches). Then start-up: a
# 1,000-line file, log2kafka against the plain loop, and how long after exec log2kafka's first record was handed to
# its producer.
set -euo pipefail
cd "$(dirname "$0")/.."

LINES=${1:-10000000}
RUNS=${RUNS:-3}
PARTITIONS=${PARTITIONS:-1}
STARTUP_LINES=1000
WORK=${BENCH_DIR:-target/bench}
JAR=target/log2kafka.jar
L2K_OPTS=${L2K_OPTS:-}            # extra log2kafka options
L2K_JAVA_OPTS=${L2K_JAVA_OPTS:-}  # extra JVM options for log2kafka

[ -f "$JAR" ] || mvn -B -q package -DskipTests
mkdir -p "$WORK/classes"
# the test data generator lives with the tests
javac -cp "$JAR" -d "$WORK/classes" bench/PlainProducer.java bench/JavaBatches.java bench/CountRecords.java \
  bench/Topics.java src/test/java/dev/log2kafka/EduroamLog.java
CP="$JAR:$WORK/classes"
LOG="$WORK/eduroam-$LINES.log"
[ -f "$LOG" ] || java -cp "$CP" dev.log2kafka.EduroamLog "$LINES" "$LOG"
BYTES=$(stat -c %s "$LOG")
SMALL="$WORK/eduroam-$STARTUP_LINES.log"
[ -f "$SMALL" ] || java -cp "$CP" dev.log2kafka.EduroamLog "$STARTUP_LINES" "$SMALL"
# log2kafka keeps its class-data archive (made by its first run) in the user's cache; the bench has its own
export XDG_CACHE_HOME
XDG_CACHE_HOME=$(realpath "$WORK")/cache

source bench/broker.sh
start_broker

if [ -z "${TOOLS:-}" ]; then
  TOOLS="log2kafka plain java-batches"
  [ -n "${BASELINE_JAR:-}" ] && TOOLS="$TOOLS baseline"
  command -v kcat >/dev/null && TOOLS="$TOOLS kcat kcat-tuned" || echo "kcat is not installed: skipped"
fi

# One run of TOOL over FILE of N lines into a new topic; appends "PHASE TOOL wall rss user sys first_record_ms".
run() {
  local phase=$1 tool=$2 file=$3 n=$4 topic jar once=() cmd
  topic="$tool-$phase-$RANDOM$RANDOM"
  java -cp "$CP" Topics create "$BOOTSTRAP" "$topic" "$PARTITIONS"
  case $tool in
    # run in $WORK, where there is no routes/ nor application.properties: each build runs its own copies
    log2kafka|baseline|exactly-once)
      jar=$JAR; [ "$tool" = baseline ] && jar=$BASELINE_JAR
      [ "$tool" = exactly-once ] && once=(--exactly-once)
      cmd=(env -C "$WORK" java $L2K_JAVA_OPTS -jar "$(realpath "$jar")" --files "$(realpath "$file")"
           --topic "$topic" --kafka-config client.properties --state-dir "state-$topic" "${once[@]}" $L2K_OPTS) ;;
    # what the launcher starts, started by hand: its JVM options (Launcher.DEFAULT_JAVA_OPTIONS) and the class-data
    # archive the warm-up run made; a JVM started with -Xmx runs log2kafka itself
    one-jvm)
      cmd=(env -C "$WORK" java -XX:+UseParallelGC -Xms256m -Xmx256m -XX:+AlwaysPreTouch
           -XX:Tier4InvocationThreshold=15000 -XX:Tier4CompileThreshold=45000 -XX:Tier4BackEdgeThreshold=120000
           -XX:SharedArchiveFile="$(ls "$XDG_CACHE_HOME"/log2kafka/*.jsa | head -1)" -Xshare:auto
           -jar "$(realpath "$JAR")" --files "$(realpath "$file")" --topic "$topic" --kafka-config client.properties
           --state-dir "state-$topic" $L2K_OPTS) ;;
    plain) cmd=(java -cp "$CP" PlainProducer "$BOOTSTRAP" "$topic" "$file") ;;
    java-batches) cmd=(java -cp "$CP" JavaBatches "$BOOTSTRAP" "$topic" "$file") ;;
    # log2kafka's settings
    kcat) cmd=(kcat -P -b "$BOOTSTRAP" -t "$topic" -l -X acks=all -X enable.idempotence=true
               -X compression.codec=lz4 -X linger.ms=5 "$file") ;;
    # the same, with librdkafka's batches and queue as large as it takes
    kcat-tuned) cmd=(kcat -P -b "$BOOTSTRAP" -t "$topic" -l -X acks=all -X enable.idempotence=true
               -X compression.codec=lz4 -X linger.ms=50 -X batch.size=1000000 -X batch.num.messages=100000
               -X queue.buffering.max.kbytes=1048576 -X queue.buffering.max.messages=2000000 "$file") ;;
  esac
  local started; started=$(date +%s%3N)
  /usr/bin/time -f "%e %M %U %S" -o "$WORK/time.txt" "${cmd[@]}" > "$WORK/$tool.out" 2>&1 \
    || { echo "$tool failed:"; tail -5 "$WORK/$tool.out"; exit 1; }
  local count first=0
  # the consumer's log (a warning per topic as it closes) is shown only if the count is wrong
  count=$(java -cp "$CP" CountRecords "$BOOTSTRAP" "$topic" $([ "$tool" = exactly-once ] && echo committed) \
    2> "$WORK/count.err")
  [ "$count" = "$n" ] || { echo "$tool: topic $topic holds $count records, not $n"; cat "$WORK/count.err"; exit 1; }
  if [ "$phase" = startup ]; then
    first=$(( $(java -cp "$CP" CountRecords "$BOOTSTRAP" "$topic" first-timestamp 2> "$WORK/count.err") - started ))
  fi
  java -cp "$CP" Topics delete "$BOOTSTRAP" "$topic"
  read -r wall rss user sys < "$WORK/time.txt"
  echo "$phase $tool $wall $rss $user $sys $first" | tee -a "$WORK/results.txt" \
    | awk '{printf "  %s run: %-10s %6.2f s\n", $1, $2, $3}'
}

# Warm-up, untimed: the broker's JIT (a fresh broker is slow until it has warmed up), and log2kafka's first run,
# which makes its class-data archive as a user's first run does.
head -n 1000000 "$LOG" > "$WORK/warm-up.log"
java -cp "$CP" PlainProducer "$BOOTSTRAP" warm-up "$WORK/warm-up.log" > /dev/null 2>&1
: > "$WORK/results.txt"
for tool in $TOOLS; do
  case $tool in log2kafka|baseline) run warm-up "$tool" "$SMALL" "$STARTUP_LINES" > /dev/null ;; esac
done

echo "$LINES lines, $BYTES bytes, $PARTITIONS partition(s), broker $BOOTSTRAP, $(nproc) cores"
for _ in $(seq 1 "$RUNS"); do
  for tool in $TOOLS; do
    run lines "$tool" "$LOG" "$LINES"
  done
done
STARTUP_TOOLS=""
if [ "${STARTUP:-yes}" != no ]; then
  for tool in log2kafka one-jvm plain; do [[ " $TOOLS " == *" $tool "* ]] && STARTUP_TOOLS="$STARTUP_TOOLS $tool"; done
  for _ in $(seq 1 "$RUNS"); do
    for tool in $STARTUP_TOOLS; do
      run startup "$tool" "$SMALL" "$STARTUP_LINES"
    done
  done
fi

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# median of column $3 of phase $1, tool $2
figure() { awk -v p="$1" -v t="$2" -v c="$3" '$1==p && $2==t {print $c}' "$WORK/results.txt" | median; }
echo
printf '%-12s %9s %12s %8s %10s %8s %12s\n' tool wall_s lines/s MB/s peakRSS_MB cpu_s cpu_s/Mlines
for tool in $TOOLS; do
  wall=$(figure lines "$tool" 3)
  rss=$(figure lines "$tool" 4)
  cpu=$(awk -v t="$tool" '$1=="lines" && $2==t {print $5+$6}' "$WORK/results.txt" | median)
  eval "wall_${tool//-/_}=$wall"
  awk -v t="$tool" -v w="$wall" -v r="$rss" -v c="$cpu" -v n="$LINES" -v b="$BYTES" \
    'BEGIN {printf "%-12s %9.2f %12d %8.1f %10d %8.2f %12.2f\n", t, w, n/w, b/w/1e6, r/1024, c, c/(n/1e6)}'
done
echo
ratio() {
  [ -n "$2" ] && [ -n "$3" ] && awk -v label="$1" -v a="$2" -v b="$3" 'BEGIN {printf "%-30s %.2f x\n", label, b/a}'
  true
}
ratio "log2kafka / plain Java loop:" "${wall_log2kafka:-}" "${wall_plain:-}"
ratio "log2kafka / Java batches:" "${wall_log2kafka:-}" "${wall_java_batches:-}"
ratio "Java batches / kcat:" "${wall_java_batches:-}" "${wall_kcat:-}"
ratio "log2kafka / baseline:" "${wall_log2kafka:-}" "${wall_baseline:-}"
ratio "java -jar / one JVM:" "${wall_log2kafka:-}" "${wall_one_jvm:-}"
ratio "log2kafka / kcat:" "${wall_log2kafka:-}" "${wall_kcat:-}"
ratio "log2kafka / kcat tuned:" "${wall_log2kafka:-}" "${wall_kcat_tuned:-}"
[ -n "${wall_exactly_once:-}" ] && awk -v a="$wall_exactly_once" -v b="$wall_log2kafka" \
  'BEGIN {printf "exactly once / at least once:  %.2f x the time\n", a/b}'
if [[ "$STARTUP_TOOLS" == *log2kafka* ]]; then
  echo
  l2k=$(figure startup log2kafka 3)
  first=$(figure startup log2kafka 7)
  printf 'start-up, %d lines: log2kafka %.2f s, its first record handed to the producer %d ms after exec\n' \
    "$STARTUP_LINES" "$l2k" "$first"
  if [[ "$STARTUP_TOOLS" == *one-jvm* ]]; then
    printf 'start-up, one JVM started by hand: %.2f s, its first record %d ms after exec\n' \
      "$(figure startup one-jvm 3)" "$(figure startup one-jvm 7)"
  fi
  if [[ "$STARTUP_TOOLS" == *plain* ]]; then
    plain=$(figure startup plain 3)
    awk -v a="$l2k" -v b="$plain" \
      'BEGIN {printf "start-up: plain Java loop %.2f s; log2kafka takes %.2f x its time\n", b, a/b}'
  fi
fi
true
