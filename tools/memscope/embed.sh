#!/bin/sh
# embed.sh WEBDIR > report-page.c
#
# The page (WEBDIR/index.html) made one self-contained file for "memscope
# report" (report.c): its style sheet inlined as one <style>, its scripts
# as one classic <script> (Chromium runs no module from file://), and a
# Content-Security-Policy in a <meta> that lets exactly these two run, by
# their SHA-256, so the report needs no 'unsafe-inline'.  The page is
# split where "<!-- report:data -->" stands: report.c puts the snapshots
# there.  Computed when memscope is built, so the program reads no file
# and links no hash library to write a report.
set -eu
web=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
die() { echo "embed.sh: $*" >&2; exit 1; }

# the files the page loads, in its order, each tag on a line of its own
scripts=$(sed -n 's|^ *<script src="\([a-z0-9/_-]*\.js\)" defer></script> *$|\1|p' "$web/index.html")
styles=$(sed -n 's|^ *<link rel="stylesheet" href="\([a-z0-9/_-]*\.css\)"> *$|\1|p' "$web/index.html")
[ -n "$scripts" ] && [ -n "$styles" ] || die "no script or style sheet in $web/index.html"
for f in $scripts; do cat "$web/$f"; done > "$tmp/script"
for f in $styles; do cat "$web/$f"; done > "$tmp/style"
# what would end the element early, or start a comment the parser honours
! grep -qi '</script\|<!--' "$tmp/script" || die "a script holds '</script' or '<!--'"
! grep -qi '</style' "$tmp/style" || die "the style sheet holds '</style'"

# base64 of the SHA-256 of a file, as CSP wants it
sha256() { sha256sum "$1" | cut -c1-64 | tr a-f A-F | basenc --base16 -d | base64; }
csp="default-src 'none'; script-src 'sha256-$(sha256 "$tmp/script")'; style-src 'sha256-$(sha256 "$tmp/style")'; img-src data:; connect-src 'none'; form-action 'none'; base-uri 'none'"

first=yes
while IFS= read -r line; do
	case $line in
	*'<!-- report:csp -->'*)
		printf '<meta http-equiv="Content-Security-Policy" content="%s">\n' "$csp" ;;
	*'<!-- report:data -->'*) echo '@@DATA@@' ;;
	*'<link rel="stylesheet" href="'*)
		printf '<style>'; cat "$tmp/style"; echo '</style>' ;;
	*'<script src="'*)
		[ $first = yes ] || continue
		first=no
		printf '<script>'; cat "$tmp/script"; echo '</script>' ;;
	*) printf '%s\n' "$line" ;;
	esac
done < "$web/index.html" > "$tmp/page"
[ "$(grep -c '^@@DATA@@$' "$tmp/page")" = 1 ] || die "index.html needs one '<!-- report:data -->' line"
grep -q 'http-equiv="Content-Security-Policy"' "$tmp/page" || die "index.html needs '<!-- report:csp -->'"

# C strings: backslash, quote and '?' (no trigraph) escaped, a line each
c_string() {
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/?/\\?/g' -e 's/^/"/' -e 's/$/\\n"/'
}
echo "/* made by tools/memscope/embed.sh from web/: do not edit */"
echo "const char report_head[] ="
sed '/^@@DATA@@$/,$d' "$tmp/page" | c_string
echo ";"
echo "const char report_tail[] ="
sed '1,/^@@DATA@@$/d' "$tmp/page" | c_string
echo ";"
