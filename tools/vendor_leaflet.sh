#!/usr/bin/env bash
# Copies Leaflet (the version package-lock.json pins) from node_modules into the site's static
# files, with its licence. Run after `npm ci` when package.json changes Leaflet's version.
set -euo pipefail
cd "$(dirname "$0")/.."
source=node_modules/leaflet
target=relay/web/static/leaflet
rm -rf "$target"
mkdir -p "$target/images"
cp "$source/dist/leaflet.js" "$source/dist/leaflet.css" "$source/LICENSE" "$target/"
cp "$source"/dist/images/*.png "$target/images/"
echo "Leaflet $(node -p "require('./$source/package.json').version") copied to $target"
