#!/usr/bin/env bash
# Installs what the browser test and the map page need, and nothing when it is all there:
# - Debian packages chromium, chromium-driver and fonts-noto-cjk (headless browser test,
#   Japanese glyphs in screenshots) when `chromium`, `chromedriver` or the fonts are missing;
# - web/node_modules from web/package-lock.json (Leaflet and leaflet.markercluster, which
#   the server embeds; axe-core, which the browser test runs; ESLint, which lints the
#   page), redone only when the lockfile changed since the last install.
# Idempotent; safe to call from scripts/test.sh and scripts/run.sh.
# `setup.sh web` installs only the npm packages (what running the product needs).
set -euo pipefail
cd "$(dirname "$0")/.."
only_web=false
[ "${1:-}" = web ] && only_web=true

say() { printf 'setup: %s\n' "$*"; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        say "need root for: $*" >&2
        return 1
    fi
}

# --- Debian packages -------------------------------------------------------------------
missing=()
if [ "$only_web" = false ]; then
    command -v chromium >/dev/null 2>&1 || missing+=(chromium)
    command -v chromedriver >/dev/null 2>&1 || missing+=(chromedriver)
    if command -v dpkg-query >/dev/null 2>&1 \
        && ! dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q 'ok installed'; then
        missing+=(fonts-noto-cjk)
    fi
    if [ ${#missing[@]} -eq 0 ]; then
        say "chromium, chromedriver and CJK fonts present ($(chromium --version 2>/dev/null | head -n1))"
    else
        say "missing: ${missing[*]}; installing chromium, chromium-driver, fonts-noto-cjk (apt-get)"
        export DEBIAN_FRONTEND=noninteractive
        as_root apt-get update
        as_root apt-get install -y --no-install-recommends chromium chromium-driver fonts-noto-cjk
    fi
fi

# --- npm packages for web/ -------------------------------------------------------------
if ! command -v npm >/dev/null 2>&1; then
    say "npm is missing; installing nodejs and npm (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update
    as_root apt-get install -y --no-install-recommends nodejs npm
fi

lock=web/package-lock.json
stamp=web/node_modules/.setup-stamp
want="$(sha256sum "$lock" | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] \
    && [ -f web/node_modules/leaflet/dist/leaflet.js ] \
    && [ -f web/node_modules/leaflet.markercluster/dist/leaflet.markercluster.js ] \
    && [ -f web/node_modules/axe-core/axe.min.js ] \
    && [ -f web/node_modules/eslint/package.json ]; then
    say "web/node_modules up to date with $lock"
else
    say "npm ci --prefix web"
    npm ci --prefix web --no-audit --no-fund
    printf '%s\n' "$want" >"$stamp"
fi
say "done"
