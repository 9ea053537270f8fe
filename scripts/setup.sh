#!/usr/bin/env bash
# Installs what the product and its tests need, and nothing when it is all there:
# - Debian packages, each only when missing: fonts-ipafont-gothic (the referral sheet's
#   PDF font; also with `web`), chromium, chromium-driver and fonts-noto-cjk (headless
#   browser test, Japanese glyphs in screenshots), poppler-utils (the PDF tests), nginx-light
#   and curl (the replicas test), unicode-data and python3 (the 異体字 table is checked
#   against Unihan by scripts/kanji_variants.py);
# - web/node_modules from web/package-lock.json (Leaflet and leaflet.markercluster, which
#   the server embeds; axe-core, which the browser test runs; ESLint, which lints the
#   page), redone only when the lockfile changed since the last install.
# Idempotent; safe to call from scripts/test.sh and scripts/run.sh.
# `setup.sh web` installs only what running the product needs (the PDF font, npm packages).
set -euo pipefail
cd "$(dirname "$0")/.."
only_web=false
[ "${1:-}" = web ] && only_web=true

say() { printf 'setup: %s\n' "$*"; }

source scripts/lib.sh

# --- Debian packages -------------------------------------------------------------------
installed() {
    command -v dpkg-query >/dev/null 2>&1 || return 0
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'
}
missing=()
# The product: IPAゴシック, embedded (as a subset) in the referral sheet's PDF.
installed fonts-ipafont-gothic || missing+=(fonts-ipafont-gothic)
if [ "$only_web" = false ]; then
    # The tests: the browser, CJK glyphs in screenshots, pdftotext/pdfinfo for the PDF.
    command -v chromium >/dev/null 2>&1 || missing+=(chromium)
    command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
    installed fonts-noto-cjk || missing+=(fonts-noto-cjk)
    command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
    # The replicas test: nginx in front of two servers, curl from several source addresses.
    [ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || missing+=(nginx-light)
    command -v curl >/dev/null 2>&1 || missing+=(curl)
    # The 異体字 table's check: Unihan (unicode-data) read by scripts/kanji_variants.py.
    [ -e /usr/share/unicode/Unihan_Variants.txt.bz2 ] || missing+=(unicode-data)
    command -v python3 >/dev/null 2>&1 || missing+=(python3)
fi
if [ ${#missing[@]} -eq 0 ]; then
    say "Debian packages present"
else
    apt_install "${missing[@]}"
fi

# --- npm packages for web/ -------------------------------------------------------------
if ! command -v npm >/dev/null 2>&1; then
    apt_install nodejs npm
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
