#!/usr/bin/env bash
# docs/check-links.sh (make docs-check): every relative link of README.md and docs/*.md must
# name a file that exists, and a #fragment a heading of that file (GitHub's anchors: lower
# case, punctuation dropped, spaces to hyphens). Links inside code are not links.
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C.UTF-8

# the text of a markdown file without its fenced code blocks
prose() { awk '/^[[:space:]]*```/ { fence = !fence; next } !fence' "$1"; }

# the anchors of a file's headings, one per line
anchors() {
	prose "$1" | sed -n 's/^#\{1,6\}[[:space:]]\{1,\}//p' |
		sed -e 's/[[:upper:]]/\L&/g' -e 's/[^[:alnum:] _-]//g' -e 's/ /-/g'
}

bad=0
for f in README.md docs/*.md; do
	dir=$(dirname "$f")
	while IFS= read -r link; do
		case "$link" in
		http://* | https://* | mailto:*) continue ;;
		esac
		path=${link%%#*}
		frag=
		[[ "$link" == *"#"* ]] && frag=${link#*#}
		target=$f
		if [ -n "$path" ]; then
			target=$dir/$path
			if [ ! -e "$target" ]; then
				echo "$f: $link: no such file $target"
				bad=1
				continue
			fi
		fi
		if [ -n "$frag" ]; then
			case "$target" in
			*.md)
				if ! anchors "$target" | grep -qxF -- "$frag"; then
					echo "$f: $link: no heading #$frag in $target"
					bad=1
				fi
				;;
			esac
		fi
	done < <(prose "$f" | sed 's/`[^`]*`//g' | grep -o '\]([^)[:space:]]*)' | sed 's/^](//; s/)$//')
done
if [ "$bad" = 0 ]; then echo "docs-check: every relative link resolves"; fi
exit "$bad"
