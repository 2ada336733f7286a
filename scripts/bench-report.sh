#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Write Documentation/benchmarks.md from the raw numbers bench.sh keeps in
# Documentation/benchmarks.tsv: medians, spreads, ratios and whether each
# target is met.  Every number in the document comes from the file.
#
# Usage: bench-report.sh BENCHMARKS.TSV >BENCHMARKS.MD
set -euo pipefail

[ $# -eq 1 ] && [ -f "$1" ] || { echo "usage: $0 BENCHMARKS.TSV" >&2; exit 2; }

awk -F '\t' '
function sort(a, n,    i, j, t) {
	for (i = 2; i <= n; i++) {
		t = a[i]
		for (j = i - 1; j >= 1 && a[j] > t; j--)
			a[j + 1] = a[j]
		a[j + 1] = t
	}
}
# The median of a[1..n], or "" if n is 0; sorts a and sets its range,
# amin and amax.
function median(a, n) {
	if (!n)
		return ""
	sort(a, n)
	amin = a[1]
	amax = a[n]
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
# Median, minimum and maximum of the values of VARIANT GROUP NAME in the
# current session S, in run RUN only if RUN is not empty; sets lo, hi, nv.
function stat(v, g, n, run,    k, i, a, m) {
	k = S SUBSEP g SUBSEP n SUBSEP v
	nv = 0
	for (i = 1; i <= cnt[k]; i++)
		if (run == "" || vrun[k, i] == run)
			a[++nv] = val[k, i] + 0
	m = median(a, nv)
	lo = amin
	hi = amax
	return m
}
# Median, minimum and maximum (rlo, rhi, rn) of the ratios of the Nth
# value of NAME2 to the Nth value of NAME1: pairs taken one after the
# other in the same boot.
function pairs(v, g, n1, n2,    k1, k2, i, a) {
	k1 = S SUBSEP g SUBSEP n1 SUBSEP v
	k2 = S SUBSEP g SUBSEP n2 SUBSEP v
	rn = cnt[k1] < cnt[k2] ? cnt[k1] : cnt[k2]
	for (i = 1; i <= rn; i++)
		a[i] = val[k2, i] / val[k1, i]
	return rmedian(a)
}
# median(a, rn), setting rlo and rhi
function rmedian(a,    m) {
	m = median(a, rn)
	rlo = amin
	rhi = amax
	return m
}
# The same over runs: the ratio of patched to unpatched of each run'"'"'s
# medians of loop NAME.
function runratios(n,    run, a, pu, pp) {
	rn = 0
	for (run in runs) {
		pu = stat("unpatched", "loop", n, run)
		pp = stat("patched", "loop", n, run)
		if (pu != "" && pp != "")
			a[++rn] = pp / pu
	}
	return rmedian(a)
}
function t(ns) {
	if (ns >= 1e9)
		return sprintf("%.2f s", ns / 1e9)
	if (ns >= 1e6)
		return sprintf("%.2f ms", ns / 1e6)
	if (ns >= 1e3)
		return sprintf("%.1f µs", ns / 1e3)
	return sprintf("%.1f ns", ns)
}
function spread(m) {
	if (m == "")
		return "not measured"
	return sprintf("%s (%s – %s, n=%d)", t(m), t(lo), t(hi), nv)
}
function rspread(m) {
	return m == "" ? "not measured" : sprintf("%.4f (%.4f – %.4f, n=%d)", m, rlo, rhi, rn)
}
# A ratio within the target as printed, to four decimals.
function within(r, target) {
	return r != "" && sprintf("%.4f", r) + 0 <= target
}
function verdict(ok) {
	return ok ? "**met**" : "**not met**"
}
# A table'"'"'s header: th("A|B") prints "| A | B |" and its rule.
function th(cols,    c, n, i, line, rule) {
	n = split(cols, c, "|")
	for (i = 1; i <= n; i++) {
		line = line "| " c[i] " "
		rule = rule "|---"
	}
	print line "|"
	print rule "|"
}
function kib(b) {
	return sprintf("%.1f KiB", b / 1024)
}
# The one value of a number the host measured on the builds.
function first(v, g, n) {
	return val["-" SUBSEP g SUBSEP n SUBSEP v, 1]
}

# Rows of the engaged table: loop group G with switch SW off, then on;
# BYTES per operation give the throughput.
function engaged_rows(g, sw, what, bytes,    i, m) {
	for (i = 0; i <= 1; i++) {
		m = stat("patched", g, sw "=" i)
		printf "| %s, %s %s | %s | %s |\n", what, sw,
			i ? "engaged" : "disengaged", spread(m),
			m == "" ? "—" : sprintf("%.2f MB/s", bytes * 1e3 / m)
	}
}

# The measurements of the current session S; sets the results in res[S, ...].
function timings(    i, l, nl, m, how, a, b, c, ok, bp, bq) {
	printf "### Disengaged: in-kernel microbenchmark\n\n"
	print "`ks_bench_micro` times 10,000,000 direct calls of two functions that differ"
	print "only by a `KILLSWITCH_POINT(copyfail, -EPERM)`; each body is a single store,"
	print "so the ratio is the worst case for the function holding the point."
	print "Measurements alternate between the two in the same boot; the ratio is the"
	print "median of the ratios of each pair."
	print ""
	th("Function|ns per call")
	printf "| without the point | %s |\n", spread(stat("patched", "micro", "plain")); bp = lo
	printf "| with the point, disengaged | %s |\n", spread(stat("patched", "micro", "point")); bq = lo
	res[S, "micro"] = pairs("patched", "micro", "plain", "point")
	printf "\nRatio with / without: **%s**; fastest with / fastest without: %.4f.\n\n",
		rspread(res[S, "micro"]), bp ? bq / bp : 0

	printf "### Disengaged: syscall loops through the patched paths\n\n"
	printf "`ksbench loop` runs each operation for %s s after a warm-up, %s time(s)\n", meta[S, "seconds"], meta[S, "reps"]
	print "per boot.  The ratio is patched / unpatched of each run'"'"'s medians: the"
	print "median over the runs and the range."
	print ""
	th("Loop|Unpatched|Patched, switches off|Ratio")
	nl = split(names["loop"], l, SUBSEP)
	ok = nl > 0
	for (i = 1; i <= nl; i++) {
		a = spread(stat("unpatched", "loop", l[i]))
		b = spread(stat("patched", "loop", l[i]))
		m = runratios(l[i])
		if (!within(m, 1.01))
			ok = 0
		if (l[i] == "udp-lo")
			res[S, "noise"] = rspread(m)
		if (m != "" && (m > 1 ? m - 1 : 1 - m) > res[S, "loopdev"])
			res[S, "loopdev"] = m > 1 ? m - 1 : 1 - m
		printf "| %s | %s | %s | %s |\n", l[i], a, b, rspread(m)
	}
	res[S, "loops"] = ok
	printf "\n`udp-lo` passes no kill-switch site: its ratio is what this session gives\n"
	printf "two boots whose loop runs the same code.\n\n"

	printf "### Time to mitigate\n\n"
	th("Way|To the first refusal|The closing call|Racing loop period")
	split("sysctl override livepatch reboot", how, " ")
	for (i = 1; i <= 4; i++) {
		m = stat("patched", "mitigate", how[i] "-refused")
		res[S, how[i]] = m
		a = spread(m)
		b = i < 4 ? spread(stat("patched", "mitigate", how[i] "-call")) : "—"
		c = i < 4 ? spread(stat("patched", "mitigate", how[i] "-racer")) : "—"
		printf "| %s | %s | %s | %s |\n", how[i], a, b, c
	}
	print ""
	printf "The same sysctl write when it changes nothing (`0` while the switch is\n"
	printf "off: the same system calls, no code patched) takes %s; the\n", spread(stat("patched", "write", "sysctl-unchanged"))
	print "rest of the closing call is the jump-label update: patching the call sites"
	print "and synchronising the other CPU with them."
	print ""

	printf "### Engaged\n\n"
	th("|Time|Throughput")
	engaged_rows("esp", "dirtyfrag", "ESP in UDP, spliced 1 KiB", 1024)
	engaged_rows("tcp", "splice_copy", "TCP, sendfile() of 64 KiB", 65536)
	printf "| refused by the curated point | %s | — |\n", spread(stat("patched", "engaged", "point"))
	printf "| refused by a kprobe override | %s | — |\n", spread(stat("patched", "engaged", "kprobe"))
	m = pairs("patched", "esp", "dirtyfrag=0", "dirtyfrag=1")
	printf "\nESP time per datagram engaged / disengaged: **%s**.\n", rspread(m)
	res[S, "esp"] = m == "" ? "not measured" : sprintf("%.4f", m)
	m = pairs("patched", "tcp", "splice_copy=0", "splice_copy=1")
	printf "TCP sendfile() time engaged / disengaged: **%s**.\n", rspread(m)
	res[S, "tcp"] = m == "" ? "not measured" : sprintf("%.4f", m)
	m = pairs("patched", "engaged", "point", "kprobe")
	printf "Per refused call, kprobe override / curated point: **%s**.\n\n", rspread(m)
	res[S, "kprobe"] = m == "" ? "not measured" : sprintf("%.2f", m)
	res[S, "micro-text"] = sprintf("%.4f", res[S, "micro"])
}

/^#/ { next }
$4 == "meta" { meta[$1, $5] = $6; next }
{
	if (!(($4, $5) in seen)) {
		seen[$4, $5] = 1
		names[$4] = names[$4] (names[$4] == "" ? "" : SUBSEP) $5
	}
	k = $1 SUBSEP $4 SUBSEP $5 SUBSEP $2
	cnt[k]++
	val[k, cnt[k]] = $6
	vrun[k, cnt[k]] = $3
	if ($3 != "-")
		runs[$3] = 1
}

END {
	print "<!-- Generated by scripts/bench-report.sh from benchmarks.tsv; do not edit: run make bench. -->"
	print "# Benchmarks"
	print ""
	print "What a kill switch costs while disengaged, how fast engaging one closes a"
	print "path compared with the alternatives, how much kernel it adds, and what it"
	print "costs while engaged.  `make bench` (scripts/bench.sh) builds the kernels,"
	print "boots them, measures, and writes this page and the raw numbers beside it,"
	print "[benchmarks.tsv](benchmarks.tsv) (one row per measurement).  The targets"
	print "and the headline numbers are in the [summary](#summary) at the end."
	print ""

	# The host measured the builds; the sessions measured the rest.
	nsites = split(names["site"], s, SUBSEP)
	sites_ok = nsites > 0
	for (i = 1; i <= nsites; i++)
		# x86 NOPs: nop, nopw, nopl, and 66 90 (xchg %ax,%ax)
		if (first("patched", "site-insn", s[i]) !~ /^[0-9a-f]+ (nop|xchg +%ax,%ax$)/)
			sites_ok = 0
	nobj = split(names["callsites-jumps"], o, SUBSEP)
	for (i = 1; i <= nobj; i++)
		if (first("patched", "callsites-source", o[i]) != first("patched", "callsites-jumps", o[i]))
			sites_ok = 0
	nob = split(names["object"], ob, SUBSEP)
	core = 0
	for (i = 1; i <= nob; i++)
		if (ob[i] !~ /killswitch_fn(_[a-z]+)?\.o$/)
			core += first("patched", "object", ob[i])

	print "## Method"
	print ""
	print "Three kernels are built from one configuration: tinyconfig, the test VM'"'"'s"
	print "fragments (`configs/qemu-x86_64.config`, the selftests'"'"' `config`) and"
	print "`configs/bench.config` (two CPUs, livepatch, no debug info):"
	print ""
	print "- **patched**: the series applied, every switch off unless a benchmark"
	print "  engages one;"
	print "- **unpatched**: the Debian base the series applies to;"
	print "- **nokillswitch**: the series applied with `CONFIG_KILLSWITCH=n` (its"
	print "  `vmlinux` is measured, not booted)."
	print ""
	printf "The host disassembles and measures the built objects.  Then each of %s\n", meta["-", "runs"]
	print "runs boots the patched and the unpatched kernel with the syscall loops"
	print "(alternating which boots first), the patched kernel with the switch"
	print "benchmarks, and the patched kernel with `disable_copyfail`.  Every boot is"
	print "the same QEMU machine (TCG, 2 vCPUs, 512 MiB, an initramfs with busybox,"
	print "`bench/ksbench.c`, the module `bench/ks_bench_micro.c` and the live"
	print "patch `livepatch/killswitch_copyfail.c`), in two sessions that each"
	print "measure everything:"
	print ""
	print "- **icount**: QEMU runs with `-icount shift=0,sleep=off`, so the guest'"'"'s"
	print "  clock advances one nanosecond per instruction executed.  The times are"
	print "  instruction counts: deterministic, free of the host'"'"'s noise, and blind"
	print "  to what an instruction costs on hardware (a `rep movs` copy counts as"
	print "  one instruction, a NOP as much as a division)."
	print "- **wall**: plain TCG; the guest'"'"'s clock follows the host'"'"'s.  The times"
	print "  are an emulated machine'"'"'s on a shared host, noisy from boot to boot."
	print ""
	print "Every comparison is a ratio within one session, given as the median with"
	print "its range (lowest – highest) and the number of samples."
	print ""
	th("|")
	printf "| Kernel | %s, `%s` |\n", meta["-", "base"], meta["-", "release"]
	printf "| Host CPU | %s, %s cores |\n", meta["-", "cpu"], meta["-", "cores"]
	printf "| QEMU | %s |\n", meta["-", "qemu"]
	printf "| Guest TSC, wall session | %s, calibrated in a boot of its own and given to every boot (`tsc_early_khz=`, `tsc=reliable`) |\n", meta["-", "tsc"]
	printf "| Compiler | %s |\n", meta["-", "gcc"]
	printf "| Date | %s |\n", meta["-", "date"]
	print ""

	print "## Call sites"
	print ""
	print "Every entry of `__jump_table` whose key is one of `killswitch_keys`, in the"
	print "patched build'"'"'s objects, disassembled at its site (objtool turns the jump"
	print "into a NOP at build time; engaging the switch patches it into a jump):"
	print ""
	th("Site|Switch|Bytes|Instruction")
	for (i = 1; i <= nsites; i++)
		printf "| `%s` | %s | %s | `%s` |\n", s[i], first("patched", "site-switch", s[i]),
			first("patched", "site", s[i]), first("patched", "site-insn", s[i])
	print ""
	th("Object|Call sites in the source|Jump entries|Function|Size unpatched|Size patched")
	nfn = split(names["fnsize"], f, SUBSEP)
	for (i = 1; i <= nobj; i++)
		for (j = 1; j <= nfn; j++)
			if (index(f[j], o[i] ":") == 1)
				printf "| `%s` | %s | %s | `%s` | %s | %s |\n", o[i],
					first("patched", "callsites-source", o[i]),
					first("patched", "callsites-jumps", o[i]), substr(f[j], length(o[i]) + 2),
					first("unpatched", "fnsize", f[j]), first("patched", "fnsize", f[j])
	print ""

	print "## Footprint"
	print ""
	print "`size vmlinux` (text counts code and read-only data):"
	print ""
	th("|unpatched|`CONFIG_KILLSWITCH=n`|`CONFIG_KILLSWITCH=y`|y − n")
	split("text data bss", sec, " ")
	shrinks = 0
	for (i = 1; i <= 3; i++) {
		u = first("unpatched", "vmlinux", sec[i])
		n = first("nokillswitch", "vmlinux", sec[i])
		y = first("patched", "vmlinux", sec[i])
		printf "| %s | %d | %d | %d | %+d |\n", sec[i], u, n, y, y - n
		if (y < n)
			shrinks = 1
	}
	print ""
	if (shrinks) {
		print "These columns include the padding the kernel'"'"'s linker script puts"
		print "between sections, which moves with the layout: one column even shrinks"
		print "while the kernel grows.  The objects below measure the series'"'"' own size."
		print ""
	}
	print "The series'"'"' objects in the core kernel:"
	print ""
	th("Object|Text|Data + bss")
	for (i = 1; i <= nob; i++) {
		k = "-" SUBSEP "object" SUBSEP ob[i] SUBSEP "patched"
		printf "| `%s` | %d | %d |\n", ob[i], val[k, 1], val[k, 2]
	}
	printf "\nThe core, every object above but the function overrides\n"
	printf "(`killswitch_fn*.o`), has %d bytes (%s) of text.\n\n", core, kib(core)
	print "Modules the series changes, and with them what each switch adds beyond"
	print "its entry in the core'"'"'s catalogue:"
	print ""
	th("Module|Switch|Text unpatched|Text patched|Δ text|Δ data")
	nm = split(names["module"], mo, SUBSEP)
	for (i = 1; i <= nm; i++) {
		sw = ""
		for (j = 1; j <= nsites; j++)
			if (index(s[j], mo[i] ":") == 1)
				sw = first("patched", "site-switch", s[j])
		ku = "-" SUBSEP "module" SUBSEP mo[i] SUBSEP "unpatched"
		kp = "-" SUBSEP "module" SUBSEP mo[i] SUBSEP "patched"
		printf "| `%s` | %s | %d | %d | %+d | %+d |\n", mo[i], sw == "" ? "—" : sw,
			val[ku, 1], val[kp, 1], val[kp, 1] - val[ku, 1], val[kp, 2] - val[ku, 2]
	}
	print ""

	print "## Timings"
	print ""
	print "**Time to mitigate.** `ksbench mitigate`: a child pinned to the second CPU"
	print "runs the Copy Fail sequence (an AEAD encryption of 64 bytes spliced from"
	print "the page cache) in a loop; the parent, on the first CPU, closes the path"
	print "and the child notes the time of its first refused call.  The time runs"
	print "from the start of the closing call to that refusal, so it includes up to"
	print "one iteration of the racing loop (its period is given).  The ways:"
	print ""
	print "- **sysctl**: write `1` to `/proc/sys/kernel/killswitch/copyfail`, what"
	print "  `sysctl -w kernel.killswitch.copyfail=1` does;"
	print "- **override**: `engage algif_aead:aead_sendmsg -1` to the function"
	print "  override control file (a kprobe);"
	print "- **livepatch**: load `killswitch_copyfail.ko`, the live patch for"
	print "  kernels without the series (`livepatch/`), which replaces"
	print "  `aead_sendmsg()` and `aead_sendmsg_nokey()` with ones refusing"
	print "  spliced pages;"
	print "- **reboot**: boot the VM with `disable_copyfail`, host time from starting"
	print "  QEMU to user space seeing the splice refused (a real server adds its"
	print "  firmware and the shutdown to this)."
	print ""
	print "**Syscall loops.** AF_ALG `sha256` hashing of 4 KiB; AF_ALG `gcm(aes)`"
	print "encryption of 4 KiB copied in and spliced in (the copyfail site is on the"
	print "spliced path); a 1 KiB UDP datagram over loopback (no site on its path);"
	print "ESP in UDP between two network namespaces over veth, the 1 KiB payload"
	print "copied or spliced from the page cache (the dirtyfrag site is in"
	print "`esp_input()`); a 64 KiB file sent over TCP on loopback with `sendfile()`"
	print "and read on the other end (the splice_copy site is in"
	print "`splice_to_socket()`).  Each operation is a send and the matching receive."
	print ""
	print "**Engaged.** ESP in UDP with spliced payloads, `dirtyfrag` disengaged and"
	print "engaged in turn in the same boot: engaged, `esp_input()` copies the"
	print "fragments before decrypting (one datagram in flight).  The TCP"
	print "`sendfile()` loop, `splice_copy` disengaged and engaged in turn: engaged,"
	print "the file'"'"'s pages are copied into the socket'"'"'s own memory instead of"
	print "being referenced.  And a refused call"
	print "of `ks_bench_micro`'"'"'s functions: the curated point engaged (copyfail)"
	print "against a kprobe function override of the function without a point"
	print "(`engage ks_bench_micro:ksb_plain -1`)."
	print ""
	for (si = 1; si <= 2; si++) {
		S = si == 1 ? "icount" : "wall"
		printf "## Timings, %s session\n\n", S
		timings()
	}

	print "## Summary"
	print ""
	th("Target|icount|wall")
	printf "| One patchable jump per call site, a NOP while disengaged | %s | |\n", verdict(sites_ok)
	printf "| Microbenchmark ratio ≤ 1.01 | %s (%s) | %s (%s) |\n",
		verdict(within(res["icount", "micro"], 1.01)), res["icount", "micro-text"],
		verdict(within(res["wall", "micro"], 1.01)), res["wall", "micro-text"]
	printf "| Every syscall loop ratio ≤ 1.01 | %s | %s |\n",
		verdict(res["icount", "loops"]), verdict(res["wall", "loops"])
	printf "| sysctl path refused within 1 ms | %s (%s) | %s (%s) |\n",
		verdict(res["icount", "sysctl"] != "" && res["icount", "sysctl"] < 1e6), t(res["icount", "sysctl"]),
		verdict(res["wall", "sysctl"] != "" && res["wall", "sysctl"] < 1e6), t(res["wall", "sysctl"])
	printf "| Core under 8 KiB of text | %s (%s) | |\n", verdict(nob > 0 && core < 8192), kib(core)
	print ""
	th("Headline|icount|wall")
	printf "| Noise floor, `udp-lo` patched / unpatched | %s | %s |\n", res["icount", "noise"], res["wall", "noise"]
	split("sysctl override livepatch reboot", how, " ")
	for (i = 1; i <= 4; i++)
		printf "| Time to refusal, %s | %s | %s |\n", how[i], t(res["icount", how[i]]), t(res["wall", how[i]])
	printf "| ESP time engaged / disengaged | %s | %s |\n", res["icount", "esp"], res["wall", "esp"]
	printf "| TCP sendfile() time, splice_copy engaged / disengaged | %s | %s |\n", res["icount", "tcp"], res["wall", "tcp"]
	printf "| Refused call, kprobe override / curated point | %s | %s |\n", res["icount", "kprobe"], res["wall", "kprobe"]
	print ""

	print "### Reading the numbers"
	print ""
	S = "icount"
	extra = stat("patched", "micro", "point") - stat("patched", "micro", "plain")
	printf "- **Disengaged, per pass.** In the icount session the point adds %.2f\n", extra
	print "  instructions per call: the NOP, counted like any instruction, on a"
	print "  function that is hardly more than a call and a return.  The wall session"
	print "  times the same code as TCG runs it, and its ratio is within its noise."
	print "  Neither is a measurement on hardware."
	print "- **Disengaged, on the real paths.** The icount session resolves every"
	printf "  syscall loop: the patched kernel'"'"'s median is within %.2f%% of the\n", 100 * res["icount", "loopdev"]
	print "  unpatched kernel'"'"'s on each.  The wall session cannot resolve 1%: its"
	print "  `udp-lo` ratio, a loop through no site at all, is its noise floor."
	for (si = 1; si <= 2; si++) {
		S = si == 1 ? "icount" : "wall"
		after[S] = (stat("patched", "mitigate", "sysctl-refused") - stat("patched", "mitigate", "sysctl-call")) / stat("patched", "mitigate", "sysctl-racer")
		unchanged[S] = stat("patched", "write", "sysctl-unchanged")
	}
	print "- **Time to mitigate.** After the sysctl write returns, the racing caller"
	printf "  is refused within %.1f (icount) and %.1f (wall) periods of its loop\n", after["icount"], after["wall"]
	print "  (from the medians).  A kprobe override and a livepatch take milliseconds; where"
	print "  their time goes was not broken down here.  Under TCG every system call"
	printf "  is slow: the sysctl write that changes nothing takes %s of wall time\n", t(unchanged["wall"])
	printf "  for what the icount session counts as %.0f instructions.\n", unchanged["icount"]
	printf "- **Engaged.** The dirtyfrag copy of a 1 KiB fragment (ratios %s and\n", res["icount", "esp"]
	printf "  %s) is below what either session can show: icount counts a `rep movs`\n", res["wall", "esp"]
	print "  copy as one instruction, and the wall session'"'"'s spread is larger than"
	print "  the copy.  With splice_copy engaged, a 64 KiB `sendfile()` over TCP"
	printf "  takes %s (icount) and %s (wall) times as long.\n", res["icount", "tcp"], res["wall", "tcp"]
	print "  A refused call costs the curated point an out-of-line counter"
	print "  increment; a kprobe override costs an ftrace trampoline and the"
	print "  kprobe handler on every call."
}' "$1"
