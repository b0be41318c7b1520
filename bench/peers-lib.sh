# Sourced by bench/peers.sh and bench/peers-follow.sh: installs the peers (the shippers an operator would install
# instead of log2kafka), writes their configurations, starts and stops them, and reads their CPU and memory.
# Needs WORK (the bench directory), JAR, BOOTSTRAP (after start_broker) and KAFKA_VERSION.
#
# rsyslog and syslog-ng are Debian's packages, unpacked under $WORK/peers/root instead of installed: both provide
# system-log-daemon and conflict with each other, so apt-get cannot install them side by side, and installing either
# would also set up the machine's own syslog service. The libraries they link against are installed with apt-get.
# Each runs as an instance of its own, in the foreground, with its own configuration, state and pid files.
# Kafka Connect (standalone, FileStreamSource) runs from Maven Central's jars, the Kafka version log2kafka uses.

PEERS_DIR=$(realpath -m "$WORK/peers")
ROOT=$PEERS_DIR/root
RSYSLOG_MODULES=$ROOT/usr/lib/x86_64-linux-gnu/rsyslog
SYSLOGNG_LIBS=$ROOT/usr/lib/syslog-ng
SYSLOGNG_MODULES=$(ls -d "$SYSLOGNG_LIBS"/3.* 2>/dev/null | head -1 || true)
CONNECT_LIB=$PEERS_DIR/connect/lib
# kafka-run-class.sh's defaults, as connect-standalone.sh runs the worker
CONNECT_JAVA_OPTS=${CONNECT_JAVA_OPTS:--Xms256M -Xmx2G -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20
  -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15
  -Djava.awt.headless=true}

apt_updated=no
apt_install() {  # PACKAGE...: installs those not installed yet
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return
  [ $apt_updated = yes ] || { apt-get update -qq; apt_updated=yes; }
  apt-get install -y -qq "${missing[@]}" > "$PEERS_DIR/apt.out" 2>&1 || { cat "$PEERS_DIR/apt.out"; return 1; }
}

install_peers() {
  mkdir -p "$PEERS_DIR/debs"
  local debs=(rsyslog rsyslog-kafka syslog-ng-core syslog-ng-mod-rdkafka) missing=() p f
  for p in "${debs[@]}"; do ls "$PEERS_DIR/debs/${p}_"*.deb > /dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    [ $apt_updated = yes ] || { apt-get update -qq; apt_updated=yes; }
    (cd "$PEERS_DIR/debs" && apt-get download -o APT::Sandbox::User=root "${missing[@]}" > /dev/null)
  fi
  if [ ! -x "$ROOT/usr/sbin/rsyslogd" ] || [ ! -x "$ROOT/usr/sbin/syslog-ng" ]; then
    for f in "$PEERS_DIR"/debs/*.deb; do dpkg-deb -x "$f" "$ROOT"; done
    SYSLOGNG_MODULES=$(ls -d "$SYSLOGNG_LIBS"/3.* | head -1)
  fi
  # the libraries the four packages depend on (first alternatives), less the packages themselves
  local deps
  deps=$(for f in "$PEERS_DIR"/debs/*.deb; do dpkg-deb -f "$f" Depends; done | tr ',' '\n' \
    | sed 's/|.*//; s/(.*)//; s/ //g' | grep -v -x -e rsyslog -e syslog-ng-core -e '' | sort -u)
  # shellcheck disable=SC2086
  apt_install $deps
  ldd "$RSYSLOG_MODULES/omkafka.so" "$ROOT/usr/sbin/rsyslogd" | grep 'not found' && return 1
  LD_LIBRARY_PATH=$SYSLOGNG_LIBS ldd "$ROOT/usr/sbin/syslog-ng" "$SYSLOGNG_MODULES/libkafka.so" \
    | grep 'not found' && return 1
  if [ ! -f "$CONNECT_LIB/connect-file-$KAFKA_VERSION.jar" ]; then
    mkdir -p "$PEERS_DIR/connect"
    # slf4j-simple: the worker's log (Kafka's own distribution binds log4j2 with a config file of its own)
    cat > "$PEERS_DIR/connect/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>bench</groupId><artifactId>connect-standalone</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>connect-runtime</artifactId>
      <version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>connect-file</artifactId>
      <version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-simple</artifactId><version>1.7.36</version></dependency>
  </dependencies>
</project>
EOF
    rm -rf "$CONNECT_LIB"
    mvn -B -q -f "$PEERS_DIR/connect/pom.xml" dependency:copy-dependencies -DoutputDirectory=lib \
      -DincludeScope=runtime
  fi
}

# --- configurations: each writes into DIR, the peer's own directory ---

# rsyslog: imfile reads FILES (a file or a glob) with inotify, omkafka sends each line as it was read (%rawmsg%).
# Throughput, as rsyslog's docs advise: a ruleset queue of its own in memory (LinkedList) with large dequeue batches;
# action.resumeRetryCount=-1 so that a suspended action (librdkafka's queue full) retries instead of dropping.
# librdkafka's settings go in confParam: acks=all, idempotence, lz4, linger 5 ms.
rsyslog_config() {  # DIR TOPIC FILES
  mkdir -p "$1/work"
  cat > "$1/rsyslog.conf" <<EOF
global(workDirectory="$(realpath "$1")/work" maxMessageSize="64k")
module(load="imfile" mode="inotify")
module(load="omkafka")
template(name="raw" type="string" string="%rawmsg%")
input(type="imfile" file="$(realpath -m "$3")" tag="bench" ruleset="kafka" freshStartTail="off")
ruleset(name="kafka" queue.type="LinkedList" queue.size="200000" queue.dequeueBatchSize="4096") {
  action(type="omkafka" broker=["$BOOTSTRAP"] topic="$2" template="raw"
         confParam=["enable.idempotence=true", "compression.codec=lz4", "linger.ms=5"]
         topicConfParam=["acks=all"]
         action.resumeRetryCount="-1")
}
EOF
}

# syslog-ng: file() (one file) or wildcard-file() (a glob; max-files() above the 100 it follows by default) with
# flags(no-parse), so that $MSG is the line; kafka-c() sends message("\$MSG"), the librdkafka settings in config().
# Throughput, as syslog-ng's docs advise: flow control on the log path (without it a full destination queue drops
# messages), larger source windows and fetch limits, a larger destination queue, no DNS.
syslogng_config() {  # DIR TOPIC FILES
  local source dir pattern
  if [[ "$3" == *'*'* ]]; then
    dir=$(realpath -m "$(dirname "$3")"); pattern=$(basename "$3")
    source="wildcard-file(base-dir(\"$dir\") filename-pattern(\"$pattern\") max-files(10000) recursive(no)
    flags(no-parse) follow-freq(1) log-fetch-limit(1000) log-iw-size(100000))"
  else
    source="file(\"$(realpath -m "$3")\" flags(no-parse) follow-freq(1) log-fetch-limit(1000) log-iw-size(100000))"
  fi
  cat > "$1/syslog-ng.conf" <<EOF
@version: 3.38
options { use-dns(no); dns-cache(no); stats-freq(0); log-fifo-size(100000); };
source s_files { $source; };
destination d_kafka {
  kafka-c(bootstrap-servers("$BOOTSTRAP") topic("$2") message("\$MSG")
    config("enable.idempotence" => "true" "acks" => "all" "compression.codec" => "lz4" "linger.ms" => "5"));
};
log { source(s_files); destination(d_kafka); flags(flow-control); };
EOF
}

# Kafka Connect standalone: one FileStreamSource task over FILE (it follows one file: no glob), StringConverter for
# the values, the worker's producer with acks=all, idempotence, lz4, linger 5 ms and log2kafka's 256 KB batches.
# FileStreamSource's own batch.size (lines per poll) stays at its default, 2000; its docs give no throughput advice
# (Kafka calls the file connectors examples).
connect_config() {  # DIR TOPIC FILE
  cat > "$1/worker.properties" <<EOF
bootstrap.servers=$BOOTSTRAP
key.converter=org.apache.kafka.connect.storage.StringConverter
value.converter=org.apache.kafka.connect.storage.StringConverter
offset.storage.file.filename=$(realpath "$1")/offsets
offset.flush.interval.ms=10000
listeners=http://127.0.0.1:0
# the docs advise it for a faster start: plugins found from their ServiceLoader manifests, not a scan
plugin.discovery=service_load
producer.acks=all
producer.enable.idempotence=true
producer.compression.type=lz4
producer.linger.ms=5
producer.batch.size=262144
EOF
  cat > "$1/file-source.properties" <<EOF
name=bench-file-source
connector.class=org.apache.kafka.connect.file.FileStreamSourceConnector
tasks.max=1
file=$(realpath -m "$3")
topic=$2
EOF
}

# --- processes ---

PEER_PIDS=()
BG_PIDS=()  # other background processes of the script (topic watchers), ended on exit
# Starts TOOL (rsyslog, syslog-ng, connect, log2kafka-follow; log2kafka-oneshot) with DIR's configuration under
# /usr/bin/time; sets TIME_PID and PEER (the tool's own process).
start_peer() {  # TOOL DIR [TOPIC FILES]: TOPIC and FILES for log2kafka only
  local cmd
  case $1 in
    rsyslog) cmd=("$ROOT/usr/sbin/rsyslogd" -n -f "$2/rsyslog.conf" -i "$2/rsyslogd.pid" -M "$RSYSLOG_MODULES") ;;
    syslog-ng) cmd=(env LD_LIBRARY_PATH="$SYSLOGNG_LIBS" "$ROOT/usr/sbin/syslog-ng" -F -e -f "$2/syslog-ng.conf"
                    -R "$2/syslog-ng.persist" -c "$2/syslog-ng.ctl" -p "$2/syslog-ng.pid"
                    --module-path="$SYSLOGNG_MODULES" --no-caps) ;;
    # shellcheck disable=SC2206
    connect) cmd=(java $CONNECT_JAVA_OPTS -Dorg.slf4j.simpleLogger.showDateTime=true -cp "$CONNECT_LIB/*"
                  org.apache.kafka.connect.cli.ConnectStandalone "$2/worker.properties" "$2/file-source.properties") ;;
    log2kafka-follow) cmd=(java -jar "$(realpath "$JAR")" --follow --files "$4" --topic "$3"
                           --kafka-config "$(realpath "$WORK/client.properties")" --state-dir "$2/state") ;;
    log2kafka) cmd=(env -C "$WORK" java -jar "$(realpath "$JAR")" --files "$(realpath "$4")" --topic "$3"
                    --kafka-config client.properties --state-dir "$(realpath "$2")/state") ;;
  esac
  /usr/bin/time -f "%e %M %U %S" -o "$2/time.txt" "${cmd[@]}" > "$2/out.txt" 2>&1 &
  TIME_PID=$!
  PEER_PIDS+=("$TIME_PID")
  PEER=""
  for _ in $(seq 1 50); do PEER=$(pgrep -P "$TIME_PID" || true); [ -n "$PEER" ] && break; sleep 0.1; done
  # env execs the tool: the same process
}

descendants() { local p; for p in $(pgrep -P "$1" || true); do echo "$p"; descendants "$p"; done; }
# CPU seconds of a process and its descendants (utime+stime, and those of their waited-for children), from /proc
tree_cpu() {
  local ticks=0 p t
  [ -n "$1" ] && [ -d "/proc/$1" ] || { echo 0; return; }
  for p in "$1" $(descendants "$1"); do
    t=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | awk '{print $12 + $13 + $14 + $15}') || true
    ticks=$((ticks + ${t:-0}))
  done
  awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f\n", t / hz}'
}
# the largest peak RSS (VmHWM) of a process and its descendants, in kB, as /usr/bin/time reports it
tree_hwm() {
  local max=0 p k
  [ -n "$1" ] && [ -d "/proc/$1" ] || { echo 0; return; }
  for p in "$1" $(descendants "$1"); do
    k=$(awk '/VmHWM/ {print $2}' "/proc/$p/status" 2>/dev/null) || true
    [ "${k:-0}" -gt "$max" ] && max=$k
  done
  echo "$max"
}
# stops the peer started last: TERM, then KILL after 30 s
stop_peer() {
  [ -n "$PEER" ] || { wait "$TIME_PID" 2>/dev/null || true; PEER_PIDS=(); return; }
  kill -TERM "$PEER" 2>/dev/null || true
  for _ in $(seq 1 300); do kill -0 "$PEER" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$PEER" 2>/dev/null || true
  wait "$TIME_PID" 2>/dev/null || true
  PEER_PIDS=()  # waited for: its number may be another process's from now on
}
# on exit: the background processes and every peer still running (TERM to /usr/bin/time's child and its descendants), then the broker
stop_all() {
  local t p
  for p in "${BG_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for t in "${PEER_PIDS[@]}"; do
    kill -0 "$t" 2>/dev/null || continue
    for p in $(descendants "$t"); do kill -TERM "$p" 2>/dev/null || true; done
    sleep 1
    for p in $(descendants "$t"); do kill -KILL "$p" 2>/dev/null || true; done
    wait "$t" 2>/dev/null || true
  done
  kill "$BROKER_PID" 2>/dev/null; wait "$BROKER_PID" 2>/dev/null || true
}
