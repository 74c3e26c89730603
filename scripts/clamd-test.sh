#!/bin/sh
# A private clamd for tests and CI. These machines have no internet, so freshclam cannot
# fetch ClamAV's signatures; this clamd loads one signature made here with sigtool, for the
# EICAR test file, which is enough to prove that infected files (alone or zipped) are caught.
#
#   scripts/clamd-test.sh          start it if needed, print the CLAMAV_URL to use
#   scripts/clamd-test.sh stop     stop the clamd this script started
#
# Idempotent and quick the second time: a clamd already answering on the port and already
# detecting EICAR is reused. Progress goes to stderr; stdout is only the URL, so
#   export CLAMAV_URL="$(scripts/clamd-test.sh)"
# works. Settings: CLAMD_TEST_PORT (default 3310), CLAMD_TEST_DIR (default var/clamav-test).
set -eu
cd "$(dirname "$0")/.."

DIR="${CLAMD_TEST_DIR:-$(pwd)/var/clamav-test}"
HOST=127.0.0.1
PORT="${CLAMD_TEST_PORT:-3310}"
URL="tcp://$HOST:$PORT"
CONF="$DIR/clamd.conf"
PIDFILE="$DIR/clamd.pid"

say() { echo "clamd-test: $*" >&2; }

# probe ping|eicar: does the clamd on HOST:PORT answer PONG / report EICAR as FOUND?
# probe write FILE: write the 68-byte EICAR test file (assembled here, so that this script
# is not itself flagged by a virus scanner).
probe() {
    python3 - "$HOST" "$PORT" "$@" <<'PY'
import socket
import struct
import sys

host, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
eicar = ("X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR" + "-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*").encode()
if mode == "write":
    with open(sys.argv[4], "wb") as handle:
        handle.write(eicar)
    sys.exit(0)


def ask(payload):
    with socket.create_connection((host, port), timeout=10) as connection:
        connection.sendall(payload)
        reply = b""
        while not reply.endswith(b"\0"):
            data = connection.recv(4096)
            if not data:
                break
            reply += data
    return reply.rstrip(b"\0").decode()


try:
    if mode == "ping":
        ok = ask(b"zPING\0") == "PONG"
    else:
        chunk = struct.pack(">I", len(eicar)) + eicar
        ok = ask(b"zINSTREAM\0" + chunk + struct.pack(">I", 0)).endswith(" FOUND")
except OSError:
    ok = False
sys.exit(0 if ok else 1)
PY
}

ours_running() {
    [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null
}

if [ "${1:-start}" = "stop" ]; then
    if ours_running; then
        kill "$(cat "$PIDFILE")"
        say "stopped clamd $(cat "$PIDFILE")"
    fi
    rm -f "$PIDFILE"
    exit 0
fi

if probe ping; then
    if probe eicar; then
        echo "$URL"
        exit 0
    fi
    if ! ours_running; then
        say "something on $HOST:$PORT answers PING but does not detect EICAR;" \
            "choose another port with CLAMD_TEST_PORT"
        exit 1
    fi
fi

CLAMD="$(command -v clamd || echo /usr/sbin/clamd)"
if [ ! -x "$CLAMD" ] || ! command -v sigtool >/dev/null 2>&1; then
    scripts/system-deps.sh
    CLAMD="$(command -v clamd || echo /usr/sbin/clamd)"
fi

mkdir -p "$DIR/db"
# The signature: EICAR's bytes, at offset 0, in any file type (.ndb body signature). clamd
# unpacks archives before matching, so it also catches EICAR inside a zip.
SIGNATURE="$DIR/db/qadportal-test.ndb"
if [ ! -s "$SIGNATURE" ]; then
    probe write "$DIR/eicar.tmp"
    echo "QADPortal.Test.EICAR:0:0:$(sigtool --hex-dump <"$DIR/eicar.tmp")" >"$SIGNATURE.tmp"
    rm -f "$DIR/eicar.tmp"
    mv "$SIGNATURE.tmp" "$SIGNATURE"
fi

# Limits are small on purpose so tests can exceed them quickly: a stream over 20 MB is cut
# off by clamd ("INSTREAM size limit exceeded"), a file over 10 MB is reported as
# Heuristics.Limits.Exceeded because AlertExceedsMax is on (off, clamd would call it OK).
cat >"$CONF" <<EOF
DatabaseDirectory $DIR/db
TCPAddr $HOST
TCPSocket $PORT
LocalSocket $DIR/clamd.sock
PidFile $PIDFILE
LogFile $DIR/clamd.log
LogTime yes
Foreground no
AlertExceedsMax yes
AlertEncryptedArchive yes
StreamMaxLength 20M
MaxFileSize 10M
MaxScanSize 40M
ConcurrentDatabaseReload no
EOF

if ours_running; then
    say "clamd $(cat "$PIDFILE") does not answer; restarting it"
    kill "$(cat "$PIDFILE")" 2>/dev/null || true
    sleep 1
fi
rm -f "$PIDFILE" "$DIR/clamd.sock"

say "starting clamd on $URL (database $DIR/db, log $DIR/clamd.log)"
"$CLAMD" --config-file="$CONF"
for _ in $(seq 1 60); do
    if probe ping; then
        if probe eicar; then
            echo "$URL"
            exit 0
        fi
        say "clamd answers but does not detect EICAR; see $DIR/clamd.log"
        exit 1
    fi
    sleep 0.5
done
say "clamd did not answer within 30 seconds; see $DIR/clamd.log"
exit 1
