#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make lint: checkpatch --strict and kernel-doc (from the installed
# linux-source package) over our sources, docutils over the documentation,
# and sparse over the kernel modules (against the 6.12 headers). Fails on
# any finding.
set -uo pipefail
. "$(dirname "$0")/lib/config.sh"
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

status=0
checkpatch="$KSRC_EXTRACT/scripts/checkpatch.pl"
[ -x "$checkpatch" ] || [ -f "$checkpatch" ] ||
	{ echo "lint: no $checkpatch; run scripts/setup.sh" >&2; exit 1; }

mapfile -t files < <(git ls-files --cached --others --exclude-standard '*.c' '*.h' '*.S')
echo "lint: checkpatch --strict on ${#files[@]} files"
for f in "${files[@]}"; do
	if ! out=$(perl "$checkpatch" --no-tree --strict --terse --show-types -f "$f"); then
		echo "$out"
		status=1
	fi
done

# kernel-doc: every comment that claims to be kernel-doc parses, and every
# exported function and uapi structure has one.
echo "lint: kernel-doc"
mapfile -t kdoc < <(git ls-files --cached --others --exclude-standard \
	'src/*.[ch]' 'guest/*.[ch]' 'include/*.h')
out=$(perl "$KSRC_EXTRACT/scripts/kernel-doc" -none -Wall "${kdoc[@]}" 2>&1)
if [ -n "$out" ]; then
	echo "$out"
	status=1
fi
for sym in $(git grep -h -o 'EXPORT_SYMBOL_GPL([a-z_0-9]*)' -- src guest | sed 's/.*(\(.*\))/\1/'); do
	if ! perl "$KSRC_EXTRACT/scripts/kernel-doc" -rst -function "$sym" src/*.c guest/*.c 2>/dev/null |
		grep -q "$sym"; then
		echo "lint: exported $sym has no kernel-doc"
		status=1
	fi
done

# The documentation parses: tables, references and lists as docutils reads
# them (the same parser Sphinx uses).
echo "lint: reStructuredText"
mapfile -t rst < <(git ls-files --cached --others --exclude-standard '*.rst')
/usr/bin/python3 scripts/lib/rst_check.py "${rst[@]}" || status=1

# sparse against the 6.12 headers: rebuild every object with C=2 and fail on
# any line it prints. Not against 7.x: Debian's sparse (0.6.4, also in
# trixie) cannot parse the 7.x headers (__typeof_unqual__), which is why
# those kernels' Makefile refuses C=2; the 7.x-only code in src/kvm_hook_regs.c
# is small and built with W=1 there.
echo "lint: sparse against $KVER_612"
if scripts/build-modules.sh "$KVER_612" >/dev/null; then
	out=$(for m in "$top/build/$KVER_612" "$top/build/$KVER_612/guest"; do
		make -s -C "/usr/src/linux-headers-$KVER_612" M="$m" C=2 W=1 \
			modules 2>&1 | grep -v 'Skipping BTF generation'
	done)
	if [ -n "$out" ]; then
		echo "$out"
		status=1
	fi
else
	status=1
fi

[ "$status" = 0 ] && echo "lint: clean"
exit "$status"
