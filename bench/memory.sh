#!/usr/bin/env bash
# Memory stays flat: peak RSS of log2kafka shipping a 100 MB file and a 10 GB file, same settings,
# against one local broker running as a separate process. The 10 GB file is the 100 MB one repeated.
#
#   bench/memory.sh [REPEAT]     REPEAT defaults to 100 (100 x 100 MB = 10 GB)
set -euo pipefail
cd "$(dirname "$0")/.."

REPEAT=${1:-100}
WORK=${BENCH_DIR:-target/bench}
JAR=target/log2kafka.jar
L2K_OPTS=${L2K_OPTS:-}            # extra log2kafka options
L2K_JAVA_OPTS=${L2K_JAVA_OPTS:-}  # extra JVM options for log2kafka

[ -f "$JAR" ] || mvn -B -q package -DskipTests
mkdir -p "$WORK/classes"
# the test data generator lives with the tests
javac -cp "$JAR" -d "$WORK/classes" bench/CountRecords.java src/test/java/dev/log2kafka/EduroamLog.java
CP="$JAR:$WORK/classes"
SMALL="$WORK/eduroam-100mb.log"
BIG="$WORK/eduroam-x$REPEAT.log"
[ -f "$SMALL" ] || java -cp "$CP" dev.log2kafka.EduroamLog 770000 "$SMALL"
if [ ! -f "$BIG" ]; then
  for _ in $(seq 1 "$REPEAT"); do cat "$SMALL"; done > "$BIG.tmp" && mv "$BIG.tmp" "$BIG"
fi

source bench/broker.sh
start_broker

for file in "$SMALL" "$BIG"; do
  topic="memory-$RANDOM"
  lines=$(wc -l < "$file")
  /usr/bin/time -v -o "$WORK/time-v.txt" java $L2K_JAVA_OPTS -jar "$JAR" --files "$file" --topic "$topic" \
      --kafka-config "$WORK/client.properties" --state-dir "$WORK/state-$topic" $L2K_OPTS > "$WORK/memory.out" 2>&1 \
    || { echo "log2kafka failed:"; tail -5 "$WORK/memory.out"; exit 1; }
  count=$(java -cp "$CP" CountRecords "$BOOTSTRAP" "$topic")
  [ "$count" = "$lines" ] || { echo "topic $topic holds $count records, not $lines"; exit 1; }
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time-v.txt")
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$WORK/time-v.txt")
  printf '%-40s %14s bytes %12s lines  peak RSS %6d MB  wall %s\n' "$(basename "$file")" \
    "$(stat -c %s "$file")" "$lines" $((rss / 1024)) "$wall"
  echo "$rss" >> "$WORK/rss.txt.$$"
done
awk 'NR==1 {small=$1} NR==2 {big=$1} END {printf "peak RSS 10 GB / 100 MB: %.2f\n", big/small}' "$WORK/rss.txt.$$"
rm -f "$WORK/rss.txt.$$"
