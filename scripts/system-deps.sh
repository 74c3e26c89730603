#!/bin/sh
# Debian packages the portal needs: Pango for WeasyPrint, libmagic for file types,
# poppler-utils to read PDFs in tests, fonts for reports, Chromium for browser tests, and
# ClamAV (clamd and sigtool) for the malware scan and its test daemon (scripts/clamd-test.sh),
# wrk, the HTTP load generator `make bench` drives the server with, and nginx, in front of the
# portal in `make stack` (scripts/stack.sh) and its test.
# Installs only what is missing; needs root (or sudo) the first time.
set -eu

PACKAGES="chromium libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libmagic1 poppler-utils fonts-dejavu-core clamav clamav-daemon wrk nginx-light"

missing=""
for package in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $package"
    fi
done

if [ -z "$missing" ]; then
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "Missing Debian packages:$missing (install them as root)" >&2
    exit 1
fi

echo "Installing Debian packages:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
