#!/usr/bin/env bash
# Builds web/dist: the pages (web/src), the libraries' dist files from the npm
# registry (Leaflet, Leaflet.markercluster, uPlot; axe-core for the tests) and
# the city's boundaries. No bundler: the pages are plain ES modules and the
# libraries are served as the files their authors ship.
#
# Idempotent and fast when nothing changed: `npm ci` runs only when the lock
# changed, and dist is rebuilt only when a source is newer than its stamp.
# Also installs Debian's chromium for the browser tests when it is missing
# (`--no-browser` skips that, e.g. on a production image).
set -euo pipefail
cd "$(dirname "$0")"
WEB=$PWD
ROOT=$(cd .. && pwd)
DIST=$WEB/dist
AREAS=$ROOT/services/dashboard-api/data
CATALOGUE=$ROOT/services/intake/data/categories.json

want_browser=1
for arg in "$@"; do
  case $arg in
    --no-browser) want_browser=0 ;;
    *) echo "usage: web/build.sh [--no-browser]" >&2; exit 2 ;;
  esac
done

if [ "$want_browser" = 1 ] && [ ! -x /usr/bin/chromium ]; then
  echo "installing Debian's chromium (browser tests)"
  if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
fi

lock_hash=$(sha256sum package.json package-lock.json | sha256sum | cut -c1-16)
if [ ! -f "node_modules/.tanggap-$lock_hash" ]; then
  npm ci --no-audit --no-fund --loglevel=error
  touch "node_modules/.tanggap-$lock_hash"
fi

stamp=$DIST/.built
inputs=(src build.sh package-lock.json "$AREAS/kelurahan.geojson" "$AREAS/kecamatan.geojson" "$CATALOGUE")
# The list of source files too: a file deleted from src/ must leave dist/.
listing=$(find src -type f | sort | sha256sum | cut -c1-16)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$listing" ] \
  && [ -z "$(find "${inputs[@]}" -newer "$stamp" -print -quit)" ]; then
  exit 0
fi

# Build next to dist and swap it in, so a running service never serves half a build.
next=$(mktemp -d "$WEB/.dist-next.XXXXXX")
trap 'rm -rf "$next"' EXIT
cp -R src/. "$next/"
vendor=$next/vendor
mkdir -p "$vendor/leaflet" "$vendor/markercluster" "$vendor/uplot" "$vendor/axe" "$next/data"
cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css "$vendor/leaflet/"
cp -R node_modules/leaflet/dist/images "$vendor/leaflet/"
cp node_modules/leaflet.markercluster/dist/leaflet.markercluster.js \
   node_modules/leaflet.markercluster/dist/MarkerCluster.css "$vendor/markercluster/"
cp node_modules/uplot/dist/uPlot.iife.min.js node_modules/uplot/dist/uPlot.min.css "$vendor/uplot/"
cp node_modules/axe-core/axe.min.js "$vendor/axe/"
cp node_modules/leaflet/LICENSE "$vendor/leaflet/"
cp node_modules/leaflet.markercluster/MIT-LICENCE.txt "$vendor/markercluster/"
cp node_modules/uplot/LICENSE "$vendor/uplot/"
cp node_modules/axe-core/LICENSE "$vendor/axe/"
cp "$AREAS/kelurahan.geojson" "$AREAS/kecamatan.geojson" "$next/data/"
# Category names for the pages on dashboard-api's origin (the command center,
# the transparency page), which show codes from the read model.
node -e '
const catalogue = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const names = Object.fromEntries(catalogue.categories.map((c) => [c.code, {
  name_id: c.name_id, name_en: c.name_en, group: c.group, emergency: c.emergency }]));
process.stdout.write(JSON.stringify(names));
' "$CATALOGUE" > "$next/data/categories.json"
echo "$listing" > "$next/.built"
rm -rf "$DIST.old"
[ -d "$DIST" ] && mv "$DIST" "$DIST.old"
mv "$next" "$DIST"
rm -rf "$DIST.old"
trap - EXIT
echo "web built: $DIST"
