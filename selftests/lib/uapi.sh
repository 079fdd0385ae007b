# SPDX-License-Identifier: GPL-2.0
#
# The uapi's hypercall numbers for the shell tests and benchmarks, read from
# include/uapi/linux/pvhook.h so that no script spells a number itself.

PVHOOK_UAPI_H=${PVHOOK_UAPI_H:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." &&
	pwd)/include/uapi/linux/pvhook.h}

# uapi_hc NAME: PVHOOK_HC_NAME in hex (0x70760002 for PING); fails, saying
# so, when the header does not define it as PVHOOK_HC_BASE + an offset.
uapi_hc() {
	local base off

	base=$(sed -n 's/^#define PVHOOK_HC_BASE[[:space:]]*_AC(\(0x[0-9a-fA-F]*\), UL).*/\1/p' \
		"$PVHOOK_UAPI_H")
	off=$(sed -n "s/^#define PVHOOK_HC_$1[[:space:]]*(PVHOOK_HC_BASE + \(0x[0-9a-fA-F]*\)).*/\1/p" \
		"$PVHOOK_UAPI_H")
	if [ -z "$base" ] || [ -z "$off" ]; then
		echo "uapi_hc: no PVHOOK_HC_$1 in $PVHOOK_UAPI_H" >&2
		return 1
	fi
	printf '0x%x\n' $((base + off))
}
