#!/usr/bin/env bash
# Installs Debian's Chromium and its WebDriver for the dashboard's browser test, when missing.
# Run by the services module's build (process-test-resources) and by the test itself as a fallback.
# It never fails: when nothing can be installed it says why and the browser test skips itself.
set -uo pipefail

if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
  exit 0
fi

say() { echo "install-browser: $*" >&2; }

if ! command -v apt-get >/dev/null 2>&1; then
  say "chromium/chromedriver missing and no apt-get here; the browser test will be skipped."
  exit 0
fi
if [[ "$(id -u)" -eq 0 ]]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO=(sudo -n)
else
  say "chromium/chromedriver missing and not root (no password-less sudo); the browser test will be skipped."
  exit 0
fi

say "installing chromium and chromium-driver (apt-get)..."
export DEBIAN_FRONTEND=noninteractive
# Another build may hold the dpkg lock: wait for it rather than fail.
apt_opts=(-o DPkg::Lock::Timeout=300 -q)
log="${TMPDIR:-/tmp}/tessera-install-browser.log"
if "${SUDO[@]}" apt-get "${apt_opts[@]}" update >"$log" 2>&1 \
   && "${SUDO[@]}" apt-get "${apt_opts[@]}" install -y --no-install-recommends chromium chromium-driver \
        >>"$log" 2>&1; then
  say "installed $(chromium --version 2>/dev/null || echo chromium)"
else
  say "apt-get failed (log: $log); the browser test will be skipped."
  tail -n 5 "$log" >&2 || true
fi
exit 0
