#!/usr/bin/env bash
# Install the front-end packages from the npm registry and copy the files Rownaq serves.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi
dest=rownaq/core/static/vendor
rm -rf "$dest"
mkdir -p "$dest/bootstrap" "$dest/htmx" "$dest/echarts" "$dest/vazirmatn"
cp node_modules/bootstrap/dist/css/bootstrap.rtl.min.css node_modules/bootstrap/dist/css/bootstrap.rtl.min.css.map "$dest/bootstrap/"
cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map "$dest/bootstrap/"
cp node_modules/bootstrap/LICENSE "$dest/bootstrap/LICENSE"
cp node_modules/htmx.org/dist/htmx.min.js "$dest/htmx/"
cp node_modules/htmx.org/LICENSE "$dest/htmx/LICENSE"
cp node_modules/echarts/dist/echarts.min.js "$dest/echarts/"
cp node_modules/echarts/LICENSE "$dest/echarts/LICENSE"
for weight in Regular Medium Bold; do
  cp "node_modules/vazirmatn/fonts/webfonts/Vazirmatn-$weight.woff2" "$dest/vazirmatn/"
done
cp node_modules/vazirmatn/OFL.txt "$dest/vazirmatn/OFL.txt"
echo "front-end assets copied to $dest"
