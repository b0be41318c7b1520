#!/usr/bin/env bash
# Many small files: the same 200,000 eduroam-like lines shipped as one file and as 20,000 files of 10
# lines, against one local broker running as a separate process; prints the wall time of each and
# their ratio. Record counts are checked.
#
#   bench/small-files.sh [FILES]     FILES defaults to 20000 (of 10 lines each)
set -euo pipefail
cd "$(dirname "$0")/.."

FILES=${1:-20000}
LINES=$((FILES * 10))
WORK=${BENCH_DIR:-target/bench}
JAR=target/log2kafka.jar
L2K_OPTS=${L2K_OPTS:-}            # extra log2kafka options

[ -f "$JAR" ] || mvn -B -q package -DskipTests
mkdir -p "$WORK/classes"
# the test data generator lives with the tests
javac -cp "$JAR" -d "$WORK/classes" bench/CountRecords.java src/test/java/dev/log2kafka/EduroamLog.java
CP="$JAR:$WORK/classes"
ONE="$WORK/small-files/one"
MANY="$WORK/small-files/many-$FILES"
if [ ! -d "$MANY" ]; then
  mkdir -p "$ONE" "$MANY"
  java -cp "$CP" dev.log2kafka.EduroamLog "$LINES" "$ONE/eduroam.log"
  split -l 10 -a 6 -d --additional-suffix=.log "$ONE/eduroam.log" "$MANY/part-"
fi

source bench/broker.sh
start_broker

for input in "$ONE" "$MANY"; do
  topic="small-files-$RANDOM"
  start=$(date +%s.%N)
  java -jar "$JAR" --files "$input/*.log" --topic "$topic" --kafka-config "$WORK/client.properties" \
      --state-dir "$WORK/state-$topic" $L2K_OPTS > "$WORK/small-files.out" 2>&1 \
    || { echo "log2kafka failed:"; tail -5 "$WORK/small-files.out"; exit 1; }
  end=$(date +%s.%N)
  count=$(java -cp "$CP" CountRecords "$BOOTSTRAP" "$topic")
  [ "$count" = "$LINES" ] || { echo "topic $topic holds $count records, not $LINES"; exit 1; }
  wall=$(echo "$end - $start" | bc)
  printf '%-24s %6d file(s) %8d lines  wall %7.2f s\n' "$(basename "$input")" "$(ls "$input" | wc -l)" "$LINES" \
    "$wall"
  echo "$wall" >> "$WORK/small-files.txt.$$"
done
awk 'NR==1 {one=$1} NR==2 {many=$1} END {printf "many files / one file: %.1f x\n", many/one}' \
  "$WORK/small-files.txt.$$"
rm -f "$WORK/small-files.txt.$$"
