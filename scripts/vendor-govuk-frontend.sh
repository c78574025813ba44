#!/usr/bin/env bash
# Vendor a pinned, precompiled GOV.UK Frontend into static/ (served at /assets).
#
#   scripts/vendor-govuk-frontend.sh [VERSION]     # default 6.3.0, the release govuk-frontend-jinja 4.1.0 pairs with
#
# Uses `npm pack` in a temporary directory: no node_modules, no build step. Copies the compiled CSS and ES module,
# and dist/govuk/assets/ (images, manifest.json and anything else shipped there) so that the url(...) references
# inside the CSS (made relative) resolve against the static folder. Source maps are left out to keep the repo small,
# so their sourceMappingURL comments are removed too (they would only produce 404s in browser dev tools).
#
# This service is not on GOV.UK, and the GDS Transport typeface is licensed "for exclusive use on gov.uk". So by
# default the font files are not copied, their @font-face rules are removed and the font stack falls back to
# "arial, sans-serif" — the compiled equivalent of `$govuk-font-family: arial, sans-serif` plus
# `$govuk-include-default-font-face: false`. Set KEEP_GDS_TRANSPORT=1 to vendor the CSS and fonts unchanged.
set -euo pipefail

version="${1:-6.3.0}"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
static_dir="${repo_root}/static"
keep_font="${KEEP_GDS_TRANSPORT:-0}"

work_dir="$(mktemp -d)"
trap 'rm -rf "${work_dir}"' EXIT

(cd "${work_dir}" && npm pack --silent "govuk-frontend@${version}" >/dev/null)
tar -xzf "${work_dir}/govuk-frontend-${version}.tgz" -C "${work_dir}"
dist="${work_dir}/package/dist/govuk"

for required in govuk-frontend.min.css govuk-frontend.min.js assets; do
  if [[ ! -e "${dist}/${required}" ]]; then
    echo "govuk-frontend@${version} has no dist/govuk/${required}; is this a 5.x or later release?" >&2
    exit 1
  fi
done

# Remove what a previous version vendored, leaving any of our own files in static/ alone.
rm -rf "${static_dir}/fonts" "${static_dir}/images" "${static_dir}/rebrand" "${static_dir}/manifest.json" \
  "${static_dir}/govuk-frontend.min.css" "${static_dir}/govuk-frontend.min.js"
mkdir -p "${static_dir}"

cp -R "${dist}/assets/." "${static_dir}/"
cp "${dist}/govuk-frontend.min.js" "${dist}/govuk-frontend.min.css" "${static_dir}/"

perl -0pi -e 's{\s*//# sourceMappingURL=\S+\s*$}{\n}' "${static_dir}/govuk-frontend.min.js"
perl -0pi -e 's{\s*/\*# sourceMappingURL=\S+ \*/\s*$}{\n}' "${static_dir}/govuk-frontend.min.css"

if [[ "${keep_font}" != "1" ]]; then
  rm -rf "${static_dir}/fonts"
  perl -0pi -e '
    s#/\*!\s*Copyright \(c\) 2011 by Margaret Calvert[^*]*\*/##g;
    s#\@font-face\{font-family:GDS Transport;[^\}]*\}##g;
    s#GDS Transport,##g;
  ' "${static_dir}/govuk-frontend.min.css"
  if grep -q 'GDS Transport' "${static_dir}/govuk-frontend.min.css"; then
    echo "GDS Transport is still referenced in the CSS of ${version}: update this script." >&2
    exit 1
  fi
fi

# Relative URLs resolve against the stylesheet's own, versioned path (/assets/<hash>/: alerts/web/static_files.py).
perl -pi -e 's{url\(/assets/}{url(}g' "${static_dir}/govuk-frontend.min.css"

echo "${version}" >"${static_dir}/GOVUK-FRONTEND-VERSION"

# The Brotli and gzip copies WhiteNoise serves (only where compression pays; a test checks they match).
find "${static_dir}" \( -name '*.gz' -o -name '*.br' \) -delete
"${repo_root}/.venv/bin/python" -m whitenoise.compress --quiet "${static_dir}"
echo "Vendored govuk-frontend ${version} into ${static_dir#"${repo_root}"/}/"
