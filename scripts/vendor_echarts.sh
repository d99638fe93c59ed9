#!/bin/sh
# Vendor Apache ECharts into static/vendor/echarts/ from the npm registry (build time only:
# the platform serves the file itself and needs no network at run time).
#   scripts/vendor_echarts.sh            # the version in static/vendor/echarts/VERSION
#   scripts/vendor_echarts.sh 6.2.0      # another version; then run the tests and look at
#                                        # the home page and the assessment dashboard
set -eu
HERE=$(cd "$(dirname "$0")/.." && pwd)
DEST="$HERE/static/vendor/echarts"
VERSION=${1:-$(cat "$DEST/VERSION")}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
npm pack --silent "echarts@$VERSION" >/dev/null
tar xzf "echarts-$VERSION.tgz"
test "$(node -p "require('./package/package.json').version")" = "$VERSION"
cp package/dist/echarts.min.js package/LICENSE package/NOTICE "$DEST/"
cp package/licenses/LICENSE-d3 "$DEST/LICENSE-d3"
printf '%s\n' "$VERSION" > "$DEST/VERSION"
cd "$DEST"
sha256sum echarts.min.js > SHA256SUMS
echo "echarts $VERSION vendored into $DEST"
cat SHA256SUMS
