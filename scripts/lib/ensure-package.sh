# Sourced by the data scripts: ensure_package PKG installs a Debian package when dpkg does not list
# it as installed (sudo when not root); messages are prefixed with $SCRIPT_NAME. Exits on failure.
ensure_package() {
  local pkg="$1" who="${SCRIPT_NAME:-tessera}"
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" && return 0
  local sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then sudo=(sudo); else
      echo "$who: package $pkg is missing and neither root nor sudo is available;" >&2
      echo "  install it yourself: apt-get install $pkg" >&2
      exit 1
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "$who: package $pkg is missing and apt-get is not available (Debian/Ubuntu only)." >&2
    exit 1
  fi
  echo "$who: installing $pkg..." >&2
  if ! { "${sudo[@]}" apt-get update -q && "${sudo[@]}" apt-get install -y --no-install-recommends "$pkg"; } >&2; then
    echo "$who: could not install $pkg (apt-get failed; see above)." >&2
    exit 1
  fi
}
