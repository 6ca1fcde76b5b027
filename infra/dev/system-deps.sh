#!/usr/bin/env bash
# Installs the Debian packages Jamaa relies on, when they are missing.
#   system-deps.sh run    WeasyPrint's Pango and HarfBuzz; gettext to compile the Arabic and French catalogues
#   system-deps.sh test   the same, plus Debian's Chromium (browser tests) and poppler's pdftotext (PDF checks)
set -euo pipefail
need=()
dpkg -s libpango-1.0-0 >/dev/null 2>&1 || need+=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b)
command -v msgfmt >/dev/null 2>&1 || need+=(gettext)
if [ "${1:-run}" = "test" ]; then
  [ -x /usr/bin/chromium ] || need+=(chromium)
  command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
