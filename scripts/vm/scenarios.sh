#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The scenarios, run as root inside the test VM (busybox sh).  Each check
# prints one line, "KS-PASS <what>" or "KS-FAIL <what>", that
# scripts/run-vm-tests.sh counts; selftest output is shown indented.
#
# Usage: scenarios.sh plain|cmdline|badcmdline|fn|fncmdline|kunit|demo-copyfail|demo-dirtyfrag

SYS=/proc/sys/kernel/killswitch
# The switches of the catalogue, as the status file lists them.
SWITCHES="copyfail dirtyfrag unix_oob packet_userns vsock_unpriv netfilter_userns
	tc_userns ovl_userns splice_copy"
KS=/sys/kernel/security/killswitch
STATUS=$KS/status
# The selftests, installed by the kselftest Makefile with its runner.
KSELFTEST=/kselftest
ST=$KSELFTEST/killswitch

pass() { echo "KS-PASS $*"; }
fail() { echo "KS-FAIL $*"; }

check()	# check WHAT COMMAND...
{
	what=$1
	shift
	if "$@"; then pass "$what"; else fail "$what"; fi
}

selftest()	# selftest WHAT PROGRAM [ARGS...]: one result for a whole selftest
{
	what=$1
	shift
	out=$("$@" 2>&1)
	rc=$?
	echo "$out" | sed 's/^/    /'
	totals=$(echo "$out" | sed -n 's/^# Totals: //p' | tail -n 1)
	if [ "$rc" -eq 0 ]; then
		pass "$what ($totals)"
	else
		fail "$what (exit $rc; $totals)"
	fi
}

state() { cat "$SYS/$1"; }
is_state() { [ "$(state "$1")" = "$2" ]; }
# in_state SWITCH 0|1: the sysctl and the status file both say so.
in_state()
{
	word=disengaged
	[ "$2" = 1 ] && word=engaged
	is_state "$1" "$2" && grep -q "^$1  *$word " "$STATUS"
}
engage() { echo "$2" >"$SYS/$1"; }
loaded() { [ -d "/sys/module/$1" ]; }
logged() { dmesg | grep -q -e "$1"; }

unload()	# unload MODULE: retry while it is busy (netns teardown is async)
{
	for _ in $(seq 50); do
		rmmod "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# Runners for a shell command: as root, as uid 1000 (user "nobody" of the
# initramfs), and as root of a child user namespace (uid 0 maps to global
# uid 0, so the file mode lets it in and only the capability check stops it).
as_root() { sh -c "$1"; }
as_nobody() { su -s /bin/sh -c "$1" nobody; }
in_userns() { unshare -U -r sh -c "$1"; }

refused()	# refused SWITCH VALUE RUNNER: a write that must fail
{
	before=$(state "$1")
	if $3 "printf '%b' '$2' >$SYS/$1" 2>/dev/null; then
		return 1
	fi
	[ "$(state "$1")" = "$before" ]
}

core_checks()
{
	for sw in $SWITCHES; do
		check "$sw: sysctl present, disengaged, listed in the status file" \
			sh -c "[ \"\$(cat $SYS/$sw)\" = 0 ] && grep -q '^$sw  *disengaged ' $STATUS"
	done
	check "status file: each switch says what it closes and its CVEs" sh -c \
		"grep -q '^copyfail .*  AF_ALG AEAD input passed by page reference (splice, sendfile, vmsplice); CVE-2026-31431\$' $STATUS &&
		 grep -q '^dirtyfrag .*  in-place decryption of shared paged fragments in ESP input; CVE-2026-43284 CVE-2026-43500 CVE-2026-46300\$' $STATUS &&
		 grep -q '^unix_oob .*  MSG_OOB on AF_UNIX stream sockets, as without CONFIG_AF_UNIX_OOB; CVE-2025-38236\$' $STATUS &&
		 grep -q '^packet_userns .*  AF_PACKET sockets without CAP_NET_RAW in the initial user namespace; CVE-2016-8655 CVE-2017-7308 CVE-2020-14386 CVE-2021-22600\$' $STATUS &&
		 grep -q '^vsock_unpriv .*  vsock sockets without CAP_NET_ADMIN in the initial user namespace; CVE-2021-26708 CVE-2024-50264 CVE-2025-21756\$' $STATUS &&
		 grep -q '^netfilter_userns .*  netfilter configuration without CAP_NET_ADMIN in the initial user namespace; CVE-2021-22555 CVE-2022-1015 CVE-2022-32250 CVE-2023-32233 CVE-2024-1086\$' $STATUS &&
		 grep -q '^tc_userns .*  traffic-control changes without CAP_NET_ADMIN in the initial user namespace; CVE-2022-2588 CVE-2023-1829 CVE-2023-3609 CVE-2023-3776 CVE-2023-4623\$' $STATUS &&
		 grep -q '^ovl_userns .*  overlayfs mounts from a user namespace other than the initial one; CVE-2021-3493 CVE-2023-0386\$' $STATUS"
	for val in 2 -1 abc '\n' ' 1' 11 '1 1' yes 0x1; do
		check "sysctl: writing '$val' is refused and changes nothing" \
			refused copyfail "$val" as_root
	done
	check "sysctl: uid 1000 cannot engage a switch" refused copyfail 1 as_nobody
	check "sysctl: root of a child user namespace cannot engage a switch" \
		refused copyfail 1 in_userns
	check "sysctl: uid 1000 can read a switch" \
		sh -c "[ \"\$(su -s /bin/sh -c 'cat $SYS/copyfail' nobody)\" = 0 ]"
	check "status file is readable by root only" \
		sh -c "[ \"\$(stat -c %a $STATUS)\" = 400 ] && ! su -s /bin/sh -c 'cat $STATUS' nobody 2>/dev/null"
	engage copyfail 1
	check "sysctl: engaging is logged with pid, uid, auid, ses and comm" \
		logged 'copyfail engaged by sysctl: pid=[0-9]* uid=0 auid=[0-9]* ses=[0-9]* comm="[^"]*"'
	engage copyfail 0
	check "sysctl: disengaging is logged" logged 'copyfail disengaged by sysctl: pid='
}

# copyfail_test and dirtyfrag_test check what their switch's state calls
# for, and count its hits themselves; the scenario checks the state first.
copyfail_checks()
{
	check "copyfail: algif_aead is not loaded yet" sh -c '! [ -d /sys/module/algif_aead ]'
	engage copyfail 1
	check "copyfail: engaged before algif_aead loads" in_state copyfail 1
	selftest "copyfail: pre-armed before algif_aead loads" copyfail_test
	check "copyfail: algif_aead was loaded by the test" loaded algif_aead
	check "copyfail: algif_aead unloads" unload algif_aead
	check "copyfail: still engaged with algif_aead unloaded" in_state copyfail 1
	selftest "copyfail: still engaged after algif_aead reloads" copyfail_test
	check "copyfail: algif_aead was reloaded" loaded algif_aead
	engage copyfail 0
	check "copyfail: disengaged at run time" in_state copyfail 0
	selftest "copyfail: disengaged, the zero-copy path is open" copyfail_test
	engage copyfail 1
	check "copyfail: engaged at run time, algif_aead loaded" in_state copyfail 1
	selftest "copyfail: engaged at run time, the path is shut" copyfail_test
	engage copyfail 0
}

# A switch's hit count, from the status file.
hits() { sed -n "s/^$1  *[a-z]*  *\([0-9]*\)  .*/\1/p" "$STATUS"; }

# refused_to_nobody SWITCH N WHAT: the switch's selftest as uid 1000,
# with the switch engaged (WHAT says what it shows), refuses exactly N
# calls, and each counts as a hit.
refused_to_nobody()
{
	before=$(hits "$1")
	selftest "$1: $3" as_nobody "$ST/$1_test"
	check "$1: the $2 refused calls counted as hits" \
		[ "$(hits "$1")" -eq $((before + $2)) ]
}

# unix_oob_test checks what the switch's state calls for; the attacker
# is any user who can make a socket pair: uid 1000.
unix_oob_checks()
{
	selftest "unix_oob: disengaged, MSG_OOB works; a byte queued before engaging stays" \
		unix_oob_test
	selftest "unix_oob: disengaged, MSG_OOB works for uid 1000" as_nobody $ST/unix_oob_test
	engage unix_oob 1
	refused_to_nobody unix_oob 2 "engaged, MSG_OOB refused for uid 1000, plain data flows"
	engage unix_oob 0
	selftest "unix_oob: disengaged again, MSG_OOB works" as_nobody $ST/unix_oob_test
}

# packet_userns_test checks what the switch's state calls for; the
# attacker is uid 1000 in a user and network namespace of its own, where
# it holds CAP_NET_RAW.
packet_userns_checks()
{
	selftest "packet_userns: disengaged, packet sockets in a user namespace; a socket made before engaging stays" \
		packet_userns_test
	selftest "packet_userns: disengaged, uid 1000 makes packet sockets in a user namespace" \
		as_nobody $ST/packet_userns_test
	engage packet_userns 1
	refused_to_nobody packet_userns 3 \
		"engaged, refused to uid 1000 in a user namespace, raw IP sockets stay"
	selftest "packet_userns: engaged, root's packet sockets see loopback frames" \
		packet_userns_test
	engage packet_userns 0
	selftest "packet_userns: disengaged again" as_nobody $ST/packet_userns_test
}

# socket(AF_VSOCK) loads vsock with its transports (the modules of
# the alias net-pf-40), which hold it.
unload_vsock() { for m in vsock_loopback vmw_vsock_virtio_transport_common vsock; do
	! loaded "$m" || unload "$m" || return 1; done; }

# vsock_unpriv_test checks what the switch's state calls for; the
# attacker is uid 1000, and root of a child user namespace.
vsock_unpriv_checks()
{
	check "vsock_unpriv: vsock is not loaded yet" sh -c '! [ -d /sys/module/vsock ]'
	engage vsock_unpriv 1
	refused_to_nobody vsock_unpriv 4 "pre-armed before vsock loads, refused to uid 1000"
	check "vsock_unpriv: vsock was loaded by the test" loaded vsock
	check "vsock_unpriv: vsock unloads" unload_vsock
	check "vsock_unpriv: still engaged with vsock unloaded" is_state vsock_unpriv 1
	refused_to_nobody vsock_unpriv 4 "still refused to uid 1000 after vsock reloads"
	check "vsock_unpriv: vsock was reloaded" loaded vsock
	check "vsock_unpriv: the loopback transport loads" modprobe vsock_loopback
	selftest "vsock_unpriv: engaged, root connects over the loopback transport" \
		vsock_unpriv_test
	engage vsock_unpriv 0
	selftest "vsock_unpriv: disengaged, uid 1000 connects over the loopback transport" \
		as_nobody $ST/vsock_unpriv_test
}

# The x_tables socket options exist once their modules are loaded, which
# iptables and its siblings do themselves (a table then loads on demand).
load_xtables() { for m in ip_tables ip6_tables arp_tables ebtables; do
	modprobe "$m" || return 1; done; }
unload_netfilter() { for m in nfnetlink ebtables arp_tables ip6_tables ip_tables; do
	unload "$m" || return 1; done; }

# netfilter_userns_test checks what the switch's state calls for; the
# attacker is uid 1000 in a user and network namespace of its own, the
# host's firewall is root in a network namespace.
netfilter_userns_checks()
{
	check "netfilter_userns: the x_tables of every family load" load_xtables
	check "netfilter_userns: nf_tables is not loaded yet" sh -c '! [ -d /sys/module/nf_tables ]'
	engage netfilter_userns 1
	refused_to_nobody netfilter_userns 5 \
		"engaged, nf_tables and x_tables refused to uid 1000 in a user namespace"
	check "netfilter_userns: nfnetlink and the x_tables modules unload" unload_netfilter
	check "netfilter_userns: still engaged with them unloaded" is_state netfilter_userns 1
	check "netfilter_userns: the x_tables of every family load again" load_xtables
	refused_to_nobody netfilter_userns 5 "still refused to uid 1000 after the modules reload"
	check "netfilter_userns: refused batches did not load nf_tables" \
		sh -c '! [ -d /sys/module/nf_tables ]'
	selftest "netfilter_userns: engaged, root configures netfilter in a network namespace" \
		netfilter_userns_test
	check "netfilter_userns: root's batch loaded nf_tables" loaded nf_tables
	engage netfilter_userns 0
	selftest "netfilter_userns: disengaged, uid 1000 configures netfilter in a user namespace" \
		as_nobody $ST/netfilter_userns_test
}

# tc_userns_test checks what the switch's state calls for; the attacker
# is uid 1000 in a user and network namespace of its own, the host's
# traffic control is root in a network namespace.
tc_userns_checks()
{
	check "tc_userns: sch_drr and cls_matchall are not loaded yet" \
		sh -c '! [ -d /sys/module/sch_drr ] && ! [ -d /sys/module/cls_matchall ]'
	engage tc_userns 1
	refused_to_nobody tc_userns 5 \
		"engaged, qdisc, class, filter and chain changes refused to uid 1000 in a user namespace, reads work"
	check "tc_userns: refused requests loaded no qdisc or classifier" \
		sh -c '! [ -d /sys/module/sch_drr ] && ! [ -d /sys/module/cls_matchall ]'
	selftest "tc_userns: engaged, root changes traffic control in a network namespace" \
		tc_userns_test
	engage tc_userns 0
	selftest "tc_userns: disengaged, uid 1000 changes traffic control in a user namespace" \
		as_nobody $ST/tc_userns_test
}

# ovl_userns_test checks what the switch's state calls for; the attacker
# is uid 1000 as root of a user namespace of its own, the host's
# container engine is root in a mount namespace.
ovl_userns_checks()
{
	check "ovl_userns: overlay is not loaded yet" sh -c '! [ -d /sys/module/overlay ]'
	engage ovl_userns 1
	refused_to_nobody ovl_userns 2 \
		"pre-armed before overlay loads, overlayfs refused to uid 1000 in a user namespace"
	check "ovl_userns: overlay was loaded by the test" loaded overlay
	check "ovl_userns: overlay unloads" unload overlay
	check "ovl_userns: still engaged with overlay unloaded" is_state ovl_userns 1
	refused_to_nobody ovl_userns 2 "still refused to uid 1000 after overlay reloads"
	selftest "ovl_userns: engaged, root mounts overlayfs in a mount namespace" \
		ovl_userns_test
	engage ovl_userns 0
	selftest "ovl_userns: disengaged, uid 1000 mounts overlayfs in a user namespace" \
		as_nobody $ST/ovl_userns_test
}

# splice_copy_test checks what the switch's state calls for: disengaged,
# every route hands the socket the pages by reference; engaged, each one
# copies them, and the data arrives.  The attacker is any user: uid 1000.
# Its vsock pair needs the loopback transport.
splice_copy_checks()
{
	check "splice_copy: the loopback vsock transport loads" modprobe vsock_loopback
	selftest "splice_copy: disengaged, uid 1000 hands sockets pages by reference" \
		as_nobody $ST/splice_copy_test
	# One hit per route and socket type, 27 (io_uring's zero-copy send
	# among them, on TCP and UDP); 6.1's vsock has no MSG_ZEROCOPY.
	case $(uname -r) in 6.1.*) copied=26 ;; *) copied=27 ;; esac
	engage splice_copy 1
	before=$(hits splice_copy)
	selftest "splice_copy: engaged, every route copies for uid 1000, every byte arrives" \
		as_nobody $ST/splice_copy_test
	check "splice_copy: the $copied copied sends counted as hits" \
		[ "$(hits splice_copy)" -eq $((before + copied)) ]
	engage splice_copy 0
	selftest "splice_copy: disengaged again, pages by reference" as_nobody $ST/splice_copy_test
	check "splice_copy: vsock unloads" unload_vsock
}

# The admin guide's chapter of existing knobs: Debian's own sysctl that
# takes user namespaces from unprivileged users altogether.
USERNS_CLONE=/proc/sys/kernel/unprivileged_userns_clone
unshare_refused_to_nobody() { ! as_nobody "unshare -U true 2>/dev/null"; }
existing_knob_checks()
{
	check "knobs: unprivileged_userns_clone is 1 by default" [ "$(cat $USERNS_CLONE)" = 1 ]
	check "knobs: unshare -U works for uid 1000" as_nobody "unshare -U true"
	echo 0 >$USERNS_CLONE
	check "knobs: unprivileged_userns_clone=0 refuses unshare -U to uid 1000" \
		unshare_refused_to_nobody
	check "knobs: unprivileged_userns_clone=0, root's unshare -U works" unshare -U true
	echo 1 >$USERNS_CLONE
	check "knobs: unprivileged_userns_clone=1 again, unshare -U works for uid 1000" \
		as_nobody "unshare -U true"
}

dirtyfrag_checks()
{
	check "dirtyfrag: esp4 and esp6 are not loaded yet" \
		sh -c '! [ -d /sys/module/esp4 ] && ! [ -d /sys/module/esp6 ]'
	engage dirtyfrag 1
	check "dirtyfrag: engaged before esp4/esp6 load" in_state dirtyfrag 1
	selftest "dirtyfrag: pre-armed before esp4/esp6 load" dirtyfrag_test
	check "dirtyfrag: esp4 and esp6 were loaded by the test" \
		sh -c '[ -d /sys/module/esp4 ] && [ -d /sys/module/esp6 ]'
	check "dirtyfrag: esp4 and esp6 unload" sh -c 'rmmod esp4 esp6 2>/dev/null ||
		{ sleep 2; rmmod esp4 esp6; }'
	check "dirtyfrag: still engaged with esp4/esp6 unloaded" in_state dirtyfrag 1
	selftest "dirtyfrag: still engaged after esp4/esp6 reload" dirtyfrag_test
	engage dirtyfrag 0
	check "dirtyfrag: disengaged at run time" in_state dirtyfrag 0
	selftest "dirtyfrag: disengaged, ESP decrypts in place" dirtyfrag_test
	engage dirtyfrag 1
	check "dirtyfrag: engaged at run time" in_state dirtyfrag 1
	selftest "dirtyfrag: engaged at run time, ESP copies first" dirtyfrag_test
	selftest "dirtyfrag: rxkad-encrypted rxrpc works while engaged" rxrpc_test
	engage dirtyfrag 0
	selftest "dirtyfrag: rxkad-encrypted rxrpc works while disengaged" rxrpc_test
}

cmdline_checks()
{
	for sw in $SWITCHES; do
		check "$sw: engaged by disable_$sw before user space" is_state "$sw" 1
		check "$sw: logged as engaged by the kernel command line" \
			logged "$sw engaged by the kernel command line"
	done
	selftest "splice_copy: engaged from the command line, every route copies" \
		as_nobody $ST/splice_copy_test
	# What copyfail and dirtyfrag close is reached by pages handed in by
	# reference, which splice_copy leaves none of: their tests need it off.
	engage splice_copy 0
	selftest "copyfail: engaged from the command line" copyfail_test
	selftest "dirtyfrag: engaged from the command line" dirtyfrag_test
	selftest "dirtyfrag: rxrpc works, engaged from the command line" rxrpc_test
	selftest "unix_oob: engaged from the command line, MSG_OOB refused for uid 1000" \
		as_nobody $ST/unix_oob_test
	selftest "packet_userns: engaged from the command line, refused in a user namespace" \
		as_nobody $ST/packet_userns_test
	selftest "vsock_unpriv: engaged from the command line, refused to uid 1000" \
		as_nobody $ST/vsock_unpriv_test
	check "netfilter_userns: the x_tables of every family load" load_xtables
	selftest "netfilter_userns: engaged from the command line, refused in a user namespace" \
		as_nobody $ST/netfilter_userns_test
	selftest "tc_userns: engaged from the command line, refused in a user namespace" \
		as_nobody $ST/tc_userns_test
	selftest "ovl_userns: engaged from the command line, refused in a user namespace" \
		as_nobody $ST/ovl_userns_test
	engage copyfail 0
	check "copyfail: disengaged at run time after boot" in_state copyfail 0
	selftest "copyfail: disengaged at run time after boot, the path is open" copyfail_test
}

# The kselftest runner, as a kernel developer runs the selftests, with
# every switch disengaged: one check per test of its list.  A test the
# runner skipped or did not reach fails.
runner_passed() { echo "$runner_out" | grep -q -x "ok [0-9]* selftests: killswitch: $1"; }
kselftest_runner_checks()
{
	check "kselftest runner: its list holds the killswitch selftests" \
		grep -q -x killswitch:copyfail_test "$KSELFTEST/kselftest-list.txt"
	runner_out=$("$KSELFTEST/run_kselftest.sh" -c killswitch 2>&1)
	echo "$runner_out" | sed 's/^/    /'
	for t in $(sed -n 's/^killswitch://p' "$KSELFTEST/kselftest-list.txt"); do
		check "kselftest runner: killswitch:$t passes, every switch disengaged" \
			runner_passed "$t"
	done
}

# Function overrides (CONFIG_KILLSWITCH_DYNAMIC), on af_alg_sendmsg(): the
# function every AF_ALG skcipher and AEAD sendmsg() goes through, while
# hashing (hash_sendmsg()) does not.
control() { echo "$1" >"$KS/control"; }
# The engaged file without the hit counts, which the checks compare apart.
engaged_now() { sed 's/ hits=[0-9]*//' "$KS/engaged"; }
engaged_is() { [ "$(engaged_now)" = "$1" ]; }
engaged_has() { engaged_now | grep -q -x -F "$1"; }
fn_file() { cat "$KS/fn/$1/$2"; }
probe_ended()	# probe_ended FUNCTION: wait up to 5 s for its tryengage to end
{
	for _ in $(seq 50); do
		[ "$(fn_file "$1" state 2>/dev/null)" = probing ] || return 0
		sleep 0.1
	done
	return 1
}
# Taint 'H' (bit 20) as /proc/sys/kernel/tainted and the taint file say.
taint_is() { [ "$(($(cat /proc/sys/kernel/tainted) >> 20 & 1)) $(cat "$KS/taint")" = "$1" ]; }
unload_af_alg() { for m in algif_aead algif_skcipher algif_hash af_alg; do
	! loaded "$m" || unload "$m" || return 1; done; }

refused_cmd()	# refused_cmd COMMAND RUNNER: must fail and change nothing
{
	before=$(engaged_now)
	if $2 "echo '$1' >$KS/control" 2>/dev/null; then
		return 1
	fi
	engaged_is "$before"
}

# kunit_suite MODULE: load a KUnit suite and report its tests as checks,
# from its KTAP lines in the kernel log: each case, or each parameter of
# a parameterised case (the case's own line then only sums them up), as
# kunit.py counts them, each failure after the lines the test logged.  A
# skipped test is reported, not counted.  The suite's plan (its "1..N"
# line) must match the cases reported: a suite that stops half way fails.
kunit_suite()
{
	modprobe "$1" || { fail "kunit $1: the module loads"; return; }
	dmesg | sed 's/^\[[^]]*\] //' | awk -v mod="$1" '
		function report(line, name,    res) {
			res = line ~ /^ *ok / ? "KS-PASS" : "KS-FAIL"
			if (res == "KS-FAIL")
				printf "%s", logged_now
			if (line ~ / # SKIP/) {
				res = "KS-SKIP"
				sub(/^.* # SKIP */, "", line)
				name = name " (skipped: " line ")"
			}
			print res " kunit: " name
		}
		/^ *(not )?ok [0-9]+ / { logged_now = logged; logged = "" }
		!/^ *(not )?ok [0-9]+ / { logged = logged "    " $0 "\n" }
		/^    1\.\.[0-9]+$/ { last_plan = substr($0, 8); next }
		/^        # Subtest: / { param_case = $0; sub(/^ *# Subtest: /, "", param_case); params = 0; next }
		/^        (not )?ok [0-9]+ / && index(param_case, mod "_") == 1 {
			desc = $0
			sub(/^ *(not )?ok [0-9]+ /, "", desc)
			sub(/ # SKIP.*/, "", desc)
			report($0, param_case ": " desc)
			params++
			next
		}
		/^    (not )?ok [0-9]+ / {
			name = $0
			sub(/^ *(not )?ok [0-9]+ /, "", name)
			sub(/ # .*/, "", name)
			if (index(name, mod "_") != 1)
				next
			if (!cases++)
				plan = last_plan
			if (name != param_case || params == 0)
				report($0, name)
			param_case = ""
		}
		END {
			if (plan == "" || cases != plan)
				print "KS-FAIL kunit " mod ": every case of the plan reported (" \
					cases + 0 " of " (plan == "" ? "?" : plan) ")"
		}'
}

# The override suite, loaded again with an operator's override engaged,
# leaves it alone: it skips the two cases that write disengage_all and
# disengages only what it made.
kunit_fn_leaves_overrides()
{
	op=ks_operator_mod:ks_operator_fn
	rmmod killswitch_fn_test
	control "engage $op -1"
	dmesg -c >/dev/null
	check "kunit: the override suite runs again beside an operator's override" \
		modprobe killswitch_fn_test
	check "kunit: the operator's override is still there" \
		engaged_is "$op retval=-1 state=pending"
	for case in disengage_all tryengage_cancel; do
		check "kunit: killswitch_fn_test_$case skipped, as it writes disengage_all" \
			logged "ok [0-9]* killswitch_fn_test_$case # SKIP 1 overrides the suite did not make"
	done
	control "disengage $op"
	rmmod killswitch_fn_test
}

fn_checks()
{
	check "fn: control, engaged, denied and taint files, modes 200, 400, 444, 444" sh -c \
		"[ \"\$(stat -c %a $KS/control $KS/engaged $KS/denied $KS/taint | tr -d '\\n')\" = 200400444444 ]"
	check "fn: nothing engaged at boot" engaged_is ""
	check "fn: no H taint, the taint file reads 0" taint_is "0 0"
	check "fn: fn/ is root's alone, mode 700" sh -c \
		"[ \"\$(stat -c %a $KS/fn)\" = 700 ] && ! su -s /bin/sh -c 'ls $KS/fn' nobody 2>/dev/null"
	selftest "fn: AF_ALG works before any override" fn_override_test --expect-normal

	check "fn: 'engage af_alg_sendmsg -1' accepted" control "engage af_alg_sendmsg -1"
	selftest "fn: skcipher sendmsg() gets EPERM, hashing works" fn_override_test --expect-ret -1
	check "fn: hits counted" sh -c "[ \$(cat $KS/fn/af_alg_sendmsg/hits) -ge 1 ]"
	check "fn: engaged reads 'af_alg_sendmsg retval=-1 hits=<the hits file>'" sh -c \
		"[ \"\$(cat $KS/engaged)\" = \"af_alg_sendmsg retval=-1 hits=\$(cat $KS/fn/af_alg_sendmsg/hits)\" ]"
	check "fn: fn/af_alg_sendmsg/state reads engaged, timeout_left 0" sh -c \
		"[ \"\$(cat $KS/fn/af_alg_sendmsg/state) \$(cat $KS/fn/af_alg_sendmsg/timeout_left)\" = 'engaged 0' ]"
	check "fn: files of fn/af_alg_sendmsg/, modes 600, 400, 400, 400, 400" sh -c \
		"cd $KS/fn/af_alg_sendmsg && [ \"\$(stat -c %a retval hits spared state timeout_left | tr -d '\\n')\" = 600400400400400 ]"
	check "fn: the kernel is tainted H, the taint file reads 1" taint_is "1 1"
	check "fn: engaging is logged with pid, uid, auid, ses and comm" \
		logged 'function af_alg_sendmsg engaged (retval -1) by pid=[0-9]* uid=0 auid=[0-9]* ses=[0-9]* comm='
	check "fn: the retval file changes the value" sh -c "echo -22 >$KS/fn/af_alg_sendmsg/retval"
	selftest "fn: skcipher sendmsg() now gets EINVAL" fn_override_test --expect-ret -22
	check "fn: retval 5 is refused without force" sh -c "! echo 5 >$KS/fn/af_alg_sendmsg/retval"
	check "fn: retval 5 is accepted with force" sh -c "echo '5 force' >$KS/fn/af_alg_sendmsg/retval"
	selftest "fn: skcipher sendmsg() now returns 5" fn_override_test --expect-ret 5

	for cmd in "engage capable 0" "engage ns_capable 1" "engage security_file_open 0" \
		   "engage cap_capable 0" "engage audit_log_start 0" "engage __kmalloc_noprof 0" \
		   "engage schedule 0" "engage commit_creds 0" "engage __secure_computing 0" \
		   "engage register_kprobe 0" "engage proc_sys_call_handler 0" \
		   "engage strcmp 0" "engage glob_match 0 force" \
		   "engage udp_sendmsg 2" "engage udp_sendmsg 0x7fffffff" \
		   "engage no_such_function_xyz 0" "engage af_alg_sendmsg" "frobnicate af_alg_sendmsg 1" \
		   "tryengage udp_sendmsg -1 86401" "tryengage udp_sendmsg -1 -1" \
		   "engagebpf udp_sendmsg filter.bpf.o" "engage ../x 0"; do
		check "fn: '$cmd' is refused and changes nothing" refused_cmd "$cmd" as_root
	done
	check "fn: a denied function is logged with the reason" \
		logged 'function capable refused: a capability check must not be overridden'
	check "fn: engagebpf is refused with the reason and the native form" \
		logged 'engagebpf refused: no BPF program decides an override here; "engage <fn> <retval> unless=CAP_NET_ADMIN" spares'
	# One function's entry, or nothing: not a fragment the compiler split
	# off a function, not a name that several functions have.  Both VM
	# kernels have several s_show() (seq_file callbacks of different
	# files), and vmlinux, esp4 and esp6 each an out-of-line copy of the
	# inline xfrm_offload().
	check "fn: 'engage vfs_kern_mount.part.0 -12' is refused, a fragment" \
		refused_cmd "engage vfs_kern_mount.part.0 -12" as_root
	check "fn: the refusal names the function to override" \
		logged 'function vfs_kern_mount.part.0 refused: a .part fragment of vfs_kern_mount, not a function.s entry; override vfs_kern_mount'
	check "fn: 'engage s_show -5' is refused, the kernel has several" \
		refused_cmd "engage s_show -5" as_root
	check "fn: the refusal counts them and says no name tells them apart" \
		logged 'function s_show refused: [0-9]* functions have this name (vmlinux [0-9]*); no name tells them apart'
	modprobe esp4 && modprobe esp6
	check "fn: 'engage xfrm_offload 0' is refused beside esp4 and esp6" \
		refused_cmd "engage xfrm_offload 0" as_root
	check "fn: the refusal names the modules' forms" \
		logged 'function xfrm_offload refused: 3 functions have this name (vmlinux 1, esp[46] 1, esp[46] 1); name one as esp[46]:xfrm_offload or esp[46]:xfrm_offload'
	check "fn: 'engage esp4:xfrm_offload 0' accepted" control "engage esp4:xfrm_offload 0"
	check "fn: listed under esp4's name" engaged_has "esp4:xfrm_offload retval=0"
	control "disengage esp4:xfrm_offload"
	check "fn: esp6 unloads" unload esp6
	check "fn: esp4 unloads" unload esp4
	# A security decision may be made to refuse, never to allow, with or
	# without "force"; restrictions a task puts on itself, lock
	# primitives and functions that do not return, never.
	for cmd in "engage __ptrace_may_access 0" "engage __ptrace_may_access 0 force" \
		   "engage ptrace_may_access 1" "engage in_group_p 1" \
		   "engage has_ns_capability 1" "engage __x64_sys_capset 0" \
		   "engage __x64_sys_landlock_restrict_self 0" "engage __crypto_memneq 0" \
		   "engage _raw_read_lock 0" "engage queued_write_lock_slowpath 0" \
		   "engage make_task_dead 0"; do
		check "fn: '$cmd' is refused and changes nothing" refused_cmd "$cmd" as_root
	done
	check "fn: the refusal says the decision may only be made to refuse" \
		logged 'function ptrace_may_access refused: a ptrace access check may only be made to refuse, with 0; force does not change that'
	check "fn: 'engage __ptrace_may_access -1' accepted: it refuses" \
		control "engage __ptrace_may_access -1"
	check "fn: root cannot read /proc/1/environ meanwhile" \
		sh -c '! cat /proc/1/environ >/dev/null 2>&1'
	check "fn: a change of its value to allow is refused, forced or not" sh -c \
		"! echo 0 >$KS/fn/__ptrace_may_access/retval 2>/dev/null &&
		 ! echo '0 force' >$KS/fn/__ptrace_may_access/retval 2>/dev/null &&
		 [ \"\$(cat $KS/fn/__ptrace_may_access/retval)\" = -1 ]"
	check "fn: 'disengage __ptrace_may_access' accepted" \
		control "disengage __ptrace_may_access"
	check "fn: root reads /proc/1/environ again" sh -c 'cat /proc/1/environ >/dev/null'
	# An override of what the way to the control file or a disengage
	# runs could stop its own disengage: refused, after a check through
	# that way and a rehearsed disengage.
	check "fn: 'engage do_truncate -1' is refused: opening control truncates it" \
		refused_cmd "engage do_truncate -1" as_root
	check "fn: the refusal says why" \
		logged 'function do_truncate refused: the way to the control file or a disengage calls it ([0-9]* calls), so the override could stop its own disengage'
	check "fn: 'engage simple_recursive_removal 0' is refused: a disengage removes files" \
		refused_cmd "engage simple_recursive_removal 0" as_root
	check "fn: the refusal says a disengage calls it" \
		logged 'function simple_recursive_removal refused: the way to the control file or a disengage calls it'
	check "fn: the rehearsed disengage is logged as one" \
		logged 'function killswitch_fn_placeholder disengaged (retval 0) by'
	check "fn: and leaves nothing listed" sh -c \
		"! grep -q placeholder $KS/engaged && [ ! -e $KS/fn/killswitch_fn_placeholder ]"
	# lib/ is built without ftrace: its functions are probed through a
	# breakpoint, whose calls the check counts too.
	check "fn: 'engage _copy_from_iter 0 force' (lib/, no ftrace) is refused" \
		refused_cmd "engage _copy_from_iter 0 force" as_root
	check "fn: the refusal says the way calls it" \
		logged 'function _copy_from_iter refused: the way to the control file or a disengage calls it'
	check "fn: unless= on a function outside ftrace is refused" \
		refused_cmd "engage _copy_from_user -14 unless=CAP_SYS_ADMIN" as_root
	check "fn: the refusal says why" \
		logged "function _copy_from_user refused: unless= needs a function that ftrace traces"
	check "fn: 'engage memdup_user_nul -12' accepted: control does not need it" \
		control "engage memdup_user_nul -12"
	check "fn: 'disengage memdup_user_nul' accepted" control "disengage memdup_user_nul"
	# The kernel has BTF: a value must fit the function's return type.
	check "fn: 'engage crypto_alloc_skcipher 1' is refused, it returns a pointer" \
		refused_cmd "engage crypto_alloc_skcipher 1" as_root
	check "fn: the refusal names the pointer rule" \
		logged 'function crypto_alloc_skcipher refused: retval 1 is neither 0 (NULL) nor a negative errno (ERR_PTR), for a pointer'
	check "fn: 'engage crypto_alloc_skcipher -2' (an ERR_PTR) accepted" \
		control "engage crypto_alloc_skcipher -2"
	check "fn: 'disengage crypto_alloc_skcipher' accepted" \
		control "disengage crypto_alloc_skcipher"
	check "fn: uid 1000 cannot engage" refused_cmd "engage udp_sendmsg -1" as_nobody
	check "fn: root of a child user namespace cannot engage" \
		refused_cmd "engage udp_sendmsg -1" in_userns
	check "fn: the denied file lists the LSM hooks" grep -q '^security_\*' "$KS/denied"

	# A descriptor opened on one override's retval does not act on a later
	# override of the same function, nor keeps it from being made.
	exec 3<>"$KS/fn/af_alg_sendmsg/retval"
	check "fn: 'disengage af_alg_sendmsg' accepted" control "disengage af_alg_sendmsg"
	check "fn: nothing engaged, fn/af_alg_sendmsg gone" sh -c \
		"[ -z \"\$(cat $KS/engaged)\" ] && [ ! -e $KS/fn/af_alg_sendmsg ]"
	selftest "fn: AF_ALG works again" fn_override_test --expect-normal
	check "fn: engaged again while the old retval file is open" \
		control "engage af_alg_sendmsg -1"
	check "fn: a write on the old override's retval fails" sh -c "! echo -22 >&3"
	check "fn: and leaves the new override's value" sh -c \
		"[ \"\$(cat $KS/fn/af_alg_sendmsg/retval)\" = -1 ]"
	control "disengage af_alg_sendmsg"
	exec 3<&-

	# A conditional override, the native form of upstream's engagebpf
	# scripts: callers with CAP_NET_ADMIN in the initial user namespace
	# keep the function; uid 1000 and root of a child user namespace (all
	# capabilities there, none in the initial one) are refused.  Each
	# selftest run calls af_alg_sendmsg() once.
	check "fn: 'engage af_alg_sendmsg -1 unless=CAP_NET_ADMIN' accepted" \
		control "engage af_alg_sendmsg -1 unless=CAP_NET_ADMIN"
	check "fn: engaging is logged with the condition" \
		logged 'function af_alg_sendmsg engaged (retval -1, unless CAP_NET_ADMIN) by pid='
	selftest "fn: unless=: root keeps AF_ALG" fn_override_test --expect-normal
	selftest "fn: unless=: uid 1000 gets EPERM, hashing works" \
		as_nobody "$ST/fn_override_test --expect-ret -1"
	selftest "fn: unless=: root of a user namespace gets EPERM, hashing works" \
		in_userns "$ST/fn_override_test --expect-ret -1"
	check "fn: unless=: engaged reads 2 hits, 1 spared" \
		[ "$(cat "$KS/engaged")" = 'af_alg_sendmsg retval=-1 hits=2 unless=CAP_NET_ADMIN spared=1' ]
	check "fn: unless=: so do the hits and spared files" \
		[ "$(fn_file af_alg_sendmsg hits) $(fn_file af_alg_sendmsg spared)" = "2 1" ]
	check "fn: the status file lists the override beside the switches" \
		grep -q -x 'af_alg_sendmsg   engaged               2  function override (retval -1, unless CAP_NET_ADMIN)' "$STATUS"
	for cmd in "engage af_alg_sendmsg -1 unless=CAP_BOGUS" \
		   "engage af_alg_sendmsg -1 unless=net_admin" \
		   "engage af_alg_sendmsg -1 unless=CAP_NET_ADMIN unless=CAP_SYS_ADMIN" \
		   "disengage af_alg_sendmsg unless=CAP_NET_ADMIN"; do
		check "fn: '$cmd' is refused and changes nothing" refused_cmd "$cmd" as_root
	done
	check "fn: 'engage af_alg_sendmsg -1' again: every caller" \
		control "engage af_alg_sendmsg -1"
	selftest "fn: root now gets EPERM too" fn_override_test --expect-ret -1
	control "disengage af_alg_sendmsg"
	# tryengage counts only the calls it would override: root busy with
	# the function does not stop it.
	fn_override_test --busy 3 &
	busy=$!
	sleep 0.5
	check "fn: 'tryengage af_alg_sendmsg -1 1 unless=CAP_NET_ADMIN' accepted" \
		control "tryengage af_alg_sendmsg -1 1 unless=CAP_NET_ADMIN"
	probe_ended af_alg_sendmsg
	check "fn: engaged though root called it meanwhile" \
		[ "$(fn_file af_alg_sendmsg state)" = engaged ]
	check "fn: root's calls were spared" [ "$(fn_file af_alg_sendmsg spared)" -gt 0 ]
	wait $busy
	selftest "fn: uid 1000 gets EPERM" as_nobody "$ST/fn_override_test --expect-ret -1"
	control "disengage af_alg_sendmsg"

	# tryengage: the write returns at once; the function is probed (its
	# calls counted, not overridden) and engaged if it was not called.
	check "fn: 'tryengage af_alg_sendmsg -1 300' returns at once" \
		timeout 5 sh -c "echo 'tryengage af_alg_sendmsg -1 300' >$KS/control"
	check "fn: probing: the state file, engaged lists it as probing" sh -c \
		"[ \"\$(cat $KS/fn/af_alg_sendmsg/state)\" = probing ] &&
		 [ \"\$(cat $KS/engaged)\" = 'af_alg_sendmsg retval=-1 hits=0 state=probing' ]"
	check "fn: timeout_left counts down from 300" sh -c \
		"t=\$(cat $KS/fn/af_alg_sendmsg/timeout_left) && [ \$t -gt 280 ] && [ \$t -le 300 ]"
	check "fn: the probe is logged with who started it" \
		logged 'function af_alg_sendmsg probing: engaged (retval -1) after 300 s without calls, by pid=[0-9]* uid=0'
	selftest "fn: AF_ALG works while probing" fn_override_test --expect-normal
	check "fn: 'engage af_alg_sendmsg -1' refused while probing" \
		refused_cmd "engage af_alg_sendmsg -1" as_root
	check "fn: 'disengage af_alg_sendmsg' cancels the probe" control "disengage af_alg_sendmsg"
	check "fn: the cancelled probe left nothing" sh -c \
		"[ -z \"\$(cat $KS/engaged)\" ] && [ ! -e $KS/fn/af_alg_sendmsg ]"
	check "fn: the cancel is logged" logged 'function af_alg_sendmsg cancelled while probing'

	check "fn: 'tryengage af_alg_sendmsg -1 1' on an idle function" \
		control "tryengage af_alg_sendmsg -1 1"
	check "fn: the probe ends" probe_ended af_alg_sendmsg
	check "fn: committed: engaged" engaged_is "af_alg_sendmsg retval=-1"
	check "fn: the commit is logged" \
		logged 'function af_alg_sendmsg tryengage committed: no calls in 1 s, engaged (retval -1)'
	selftest "fn: engaged by tryengage" fn_override_test --expect-ret -1
	control "disengage af_alg_sendmsg"

	fn_override_test --busy 4 &
	sleep 1
	check "fn: 'tryengage af_alg_sendmsg -1 1' on a busy function" \
		control "tryengage af_alg_sendmsg -1 1"
	wait
	check "fn: the probe ends" probe_ended af_alg_sendmsg
	check "fn: aborted: nothing engaged" engaged_is ""
	check "fn: the abort is logged with the call count" \
		logged 'function af_alg_sendmsg tryengage aborted: [0-9]* calls in 1 s'
	selftest "fn: AF_ALG works after the aborted tryengage" fn_override_test --expect-normal

	check "fn: two probes of 300 s" sh -c \
		"echo 'tryengage af_alg_sendmsg -1 300' >$KS/control &&
		 echo 'tryengage udp_sendmsg -1 300' >$KS/control"
	check "fn: disengage_all cancels both" sh -c \
		"echo disengage_all >$KS/control && [ -z \"\$(cat $KS/engaged)\" ]"
	selftest "fn: AF_ALG works, nothing engaged" fn_override_test --expect-normal

	check "fn: af_alg unloads" unload_af_alg
	check "fn: af_alg:af_alg_sendmsg engaged while af_alg is not loaded" \
		control "engage af_alg:af_alg_sendmsg -1"
	check "fn: engaged lists it as pending" engaged_is "af_alg:af_alg_sendmsg retval=-1 state=pending"
	selftest "fn: in effect as af_alg loads" fn_override_test --expect-ret -1
	check "fn: engaged lists it as engaged" engaged_is "af_alg:af_alg_sendmsg retval=-1"
	check "fn: af_alg unloads again" unload_af_alg
	check "fn: pending again while af_alg is unloaded" engaged_is "af_alg:af_alg_sendmsg retval=-1 state=pending"
	selftest "fn: in effect again after af_alg reloads" fn_override_test --expect-ret -1
	control "disengage af_alg:af_alg_sendmsg"

	# A module name written with '-', as modprobe takes it.  On load, a
	# symbol the module lacks and, where the series reads modules' BTF,
	# a value the function's return type does not take (a pointer function
	# made to return 1) leave the override failed, not armed.  The 6.1
	# backport reads only the kernel's own BTF (its admin guide says so).
	case $(uname -r) in 6.1.*) module_btf= ;; *) module_btf=1 ;; esac
	check "fn: af_alg unloads a third time" unload_af_alg
	check "fn: 'engage af-alg:af_alg_no_such_fn -1' accepted" \
		control "engage af-alg:af_alg_no_such_fn -1"
	check "fn: pending under the module's own name" \
		engaged_is "af_alg:af_alg_no_such_fn retval=-1 state=pending"
	[ -z "$module_btf" ] ||
		check "fn: 'engage af_alg:af_alg_alloc_areq 1' pending: no BTF yet" \
			control "engage af_alg:af_alg_alloc_areq 1"
	selftest "fn: af_alg loads and works" fn_override_test --expect-normal
	check "fn: a symbol af_alg lacks: listed as failed" \
		engaged_has "af_alg:af_alg_no_such_fn retval=-1 state=failed"
	check "fn: the failure is logged" \
		logged 'function af_alg:af_alg_no_such_fn failed: not armed on load of af_alg (-2)'
	if [ "$module_btf" ]; then
		check "fn: retval 1 for a pointer, checked with af_alg's BTF: failed" \
			engaged_has "af_alg:af_alg_alloc_areq retval=1 state=failed"
		check "fn: the failure names the pointer rule" \
			logged 'function af_alg:af_alg_alloc_areq failed: not armed on load of af_alg: retval 1 is neither 0 (NULL) nor a negative errno'
		control "disengage af_alg:af_alg_alloc_areq"
	fi
	check "fn: af_alg unloads once more" unload_af_alg
	check "fn: pending again" engaged_is "af_alg:af_alg_no_such_fn retval=-1 state=pending"
	check "fn: 'disengage af-alg:af_alg_no_such_fn' accepted" \
		control "disengage af-alg:af_alg_no_such_fn"
	selftest "fn: AF_ALG works with nothing engaged" fn_override_test --expect-normal

	mount -t tracefs tracefs /sys/kernel/tracing
	echo af_alg_sendmsg >/sys/kernel/tracing/set_ftrace_filter
	echo function >/sys/kernel/tracing/current_tracer
	check "fn: engaged on a function the function tracer traces" \
		control "engage af_alg_sendmsg -1"
	selftest "fn: override and tracer on one function, override works" \
		fn_override_test --expect-ret -1
	check "fn: the tracer saw the overridden calls" \
		grep -q 'af_alg_sendmsg' /sys/kernel/tracing/trace
	control "disengage af_alg_sendmsg"
	selftest "fn: disengaged, traced function works" fn_override_test --expect-normal
	echo nop >/sys/kernel/tracing/current_tracer

	check "fn: a script in the upstream grammar runs unchanged" \
		upstream-script.sh af_alg_sendmsg -1

	# What both of two traces show: not what the kernel did in the task
	# now and then (queue a work, restore the FPU after a switch).
	control_path_traced >/tmp/control-path.1
	control_path_traced >/tmp/control-path.2
	grep -x -F -f /tmp/control-path.1 /tmp/control-path.2 >/tmp/control-path
	check "fn: the control path traced (open, write disengage and disengage_all, read engaged)" \
		grep -q -x killswitch_fn_control_write /tmp/control-path
	for fn in $(cat /tmp/control-path); do
		echo "$(rule_of "$fn") $fn"
	done >/tmp/control-path-rules
	# What no rule keeps out entirely is refused by the check of the way
	# to the control file and the rehearsed disengage, even with a value
	# its rule allows: a refusing one for a security decision, any other
	# with force.  tryengage: were one accepted, it would only count calls
	# until the disengage that follows.  The tracing machinery's own
	# writes that start and stop the trace are left out.
	grep -v '^never ' /tmp/control-path-rules |
		grep -v -E ' (.*trac|ring_buffer|rb_)' >/tmp/control-path-open
	while read -r may fn; do
		case $may in
		errno) value="-1 300" ;;
		false) value="0 300" ;;
		*) value="-1 300 force" ;;
		esac
		if echo "tryengage $fn $value" >"$KS/control" 2>/dev/null; then
			echo "$fn"
			control "disengage $fn"
		fi
	done </tmp/control-path-open >/tmp/control-path-accepted
	check "fn: the $(wc -l </tmp/control-path-open) other functions it runs are refused" \
		sh -c '! grep . /tmp/control-path-accepted'
	sed 's/^/accepted: /' /tmp/control-path-accepted
}

# The functions that a shell's open, write and close of the control file
# (a disengage of an engaged override, then disengage_all) and read of the
# engaged file run, as the function graph tracer sees them (with those of
# the tracefs writes that start and stop the trace); not those of
# interrupts meanwhile, of the scheduler switching away or waking a task
# up, nor of the shell's page faults.  (__schedule() is notrace on 6.1.)
control_path_traced()
{
	t=/sys/kernel/tracing
	echo >$t/set_ftrace_filter
	for fn in __schedule schedule __cond_resched preempt_schedule_common \
		  try_to_wake_up; do
		echo $fn >>$t/set_graph_notrace 2>/dev/null
	done
	echo 0 >$t/options/funcgraph-irqs
	echo function_graph >$t/current_tracer
	echo 0 >$t/tracing_on
	: >$t/trace
	control "engage udp_sendmsg -1"
	# Stopped by the traced shell itself, before its exit path.
	sh -c "echo \$\$ >$t/set_ftrace_pid && echo 1 >$t/tracing_on &&
	       echo 'disengage udp_sendmsg' >$KS/control &&
	       echo disengage_all >$KS/control && read -r _ <$KS/engaged;
	       echo 0 >$t/tracing_on"
	# Read before the tracer changes: that empties the buffer.  Not the
	# groups at the top that a page fault of the shell's own memory opens,
	# nor, at any depth, the restore of the FPU after the shell was
	# switched out, or softirqs run on the way (timers): with other VMs
	# beside this one, these can fall in both traces.
	awk -F'|' '
		$2 ~ /^  [^ ]/ {
			fault = $2 ~ /^  (fault_in_kernel_space|lock_mm_and_find_vma|handle_mm_fault|up_read)\(/
		}
		!async && $2 ~ /(switch_fpu_return|handle_softirqs|__do_softirq)\(\) \{/ {
			async = $2
			sub(/[^ ].*/, "}", async)
			next
		}
		async { if ($2 ~ "^" async " *$") async = ""; next }
		!fault' $t/trace |
		sed -n 's/^[^|]*| *\([A-Za-z_][A-Za-z0-9_.]*\)().*$/\1/p' | sort -u
	echo nop >$t/current_tracer
	echo >$t/set_ftrace_pid
	echo >$t/set_graph_notrace
	echo 1 >$t/options/funcgraph-irqs
}

# The rule of the file denied that decides SYMBOL: never, errno or false,
# or none.
rule_of()
{
	while read -r pattern may _; do
		case $1 in $pattern) echo "$may"; return ;; esac
		case ${1%%.*} in $pattern) echo "$may"; return ;; esac
	done <"$KS/denied"
	echo none
}

# A livepatch and an override of the same function exclude each other,
# whichever comes first: the kernel's livepatch sample (samples/livepatch/)
# replaces cmdline_proc_show(), which /proc/cmdline runs.
cmdline_empty() { [ -z "$(cat /proc/cmdline)" ]; }
cmdline_patched() { [ "$(cat /proc/cmdline)" = "this has been live patched" ]; }

fn_livepatch_checks()
{
	lp=/sys/kernel/livepatch/livepatch_sample

	check "fn: 'engage cmdline_proc_show 0' accepted" control "engage cmdline_proc_show 0"
	check "fn: /proc/cmdline is empty: the override holds" cmdline_empty
	check "fn: a livepatch of the overridden function is refused" \
		sh -c '! modprobe livepatch-sample 2>/dev/null'
	check "fn: livepatch logs the refusal" \
		logged "failed to register ftrace handler for function 'cmdline_proc_show'"
	check "fn: the override still holds" cmdline_empty
	control "disengage cmdline_proc_show"
	check "fn: disengaged, the livepatch loads" modprobe livepatch-sample
	check "fn: /proc/cmdline is live patched" cmdline_patched
	check "fn: an override of the live-patched function is refused" \
		refused_cmd "engage cmdline_proc_show 0" as_root
	check "fn: the refusal names the livepatch" \
		logged 'function cmdline_proc_show refused: a livepatch'
	check "fn: the livepatch still holds" cmdline_patched
	echo 0 >"$lp/enabled"
	for _ in $(seq 100); do [ -d "$lp" ] || break; sleep 0.1; done
	check "fn: the livepatch is disabled and unloads" rmmod livepatch_sample
	check "fn: /proc/cmdline is the kernel's again" grep -q 'ks.scenario=fn' /proc/cmdline
}

# Booted with: lockdown=integrity (or confidentiality)
# killswitch=copyfail,af_alg:af_alg_sendmsg=-1,capable=0,no_such_fn=1,
# esp4:esp_input=7,esp4:esp_input=,af_alg:af_alg_sendmsg=-2,
# version_proc_show=0,do_truncate=-1
fncmdline_checks()
{
	level=$(sed -n 's/.*lockdown=\([a-z]*\).*/\1/p' /proc/cmdline)
	pass "fn: bad function overrides on the command line: the boot reached user space"
	check "fn: the kernel is locked down ($level)" grep -q "\[$level\]" "$KS/../lockdown"
	check "fn: killswitch=copyfail applied" is_state copyfail 1
	check "fn: af_alg:af_alg_sendmsg=-1 pending until af_alg loads" \
		engaged_has "af_alg:af_alg_sendmsg retval=-1 state=pending"
	check "fn: logged as from the kernel command line" \
		logged 'function af_alg:af_alg_sendmsg pending until its module loads (retval -1) by the kernel command line'
	for item in capable=0 no_such_fn=1 esp4:esp_input=7 esp4:esp_input= af_alg:af_alg_sendmsg=-2 \
		    do_truncate=-1; do
		check "fn: bad item '$item' warned and skipped" \
			logged "function override '$item' ignored"
	done
	# Items are checked against the way to the control file too, walked
	# from the root of securityfs: opening control truncates it.
	check "fn: do_truncate=-1 refused: the way to the control file calls it" \
		logged 'function do_truncate refused: the way to the control file or a disengage calls it'
	check "fn: version_proc_show=0 passed the check, engaged" \
		logged 'function version_proc_show engaged (retval 0) by the kernel command line'
	check "fn: /proc/version reads empty" sh -c '[ -z "$(cat /proc/version)" ]'
	check "fn: engaged lists it with its hit" sh -c \
		"cat '$KS/engaged' | grep -q -x 'version_proc_show retval=0 hits=[1-9][0-9]*'"
	selftest "fn: in effect as af_alg loads, under lockdown" fn_override_test --expect-ret -1
	for cmd in "engage udp_sendmsg -1" "disengage af_alg:af_alg_sendmsg" "disengage_all" \
		   "tryengage udp_sendmsg -1 1"; do
		check "fn: lockdown refuses '$cmd'" refused_cmd "$cmd" as_root
	done
	check "fn: lockdown refuses a retval change" \
		sh -c "! echo -22 >'$KS/fn/af_alg:af_alg_sendmsg/retval'"
	check "fn: the refusal is logged" logged 'refused: the kernel is locked down'
	selftest "fn: the boot-time override still works" fn_override_test --expect-ret -1
	engage dirtyfrag 1
	check "fn: a curated switch still engages at run time under lockdown" is_state dirtyfrag 1
	engage dirtyfrag 0
	check "fn: and disengages" is_state dirtyfrag 0
}

# Booted with: killswitch=copyfail,,nosuch,copyfail disable_dirtyfrag=1
badcmdline_checks()
{
	pass "bad kill-switch parameters: the boot reached user space"
	check "killswitch=: the good item applied" is_state copyfail 1
	check "disable_dirtyfrag=1: ignored (takes no value)" is_state dirtyfrag 0
	check "killswitch=: empty item warned" logged "killswitch=.*: empty item ignored"
	check "killswitch=: unknown name warned" logged "unknown switch 'nosuch' ignored"
	check "killswitch=: duplicate warned" logged "'copyfail' requested twice"
	check "disable_dirtyfrag=1: warned" logged "disable_dirtyfrag=1: takes no value"
	check "copyfail: engaged despite the bad items" in_state copyfail 1
	selftest "copyfail: the path is shut despite the bad items" copyfail_test
}

case "$1" in
plain)
	core_checks
	copyfail_checks
	dirtyfrag_checks
	unix_oob_checks
	packet_userns_checks
	vsock_unpriv_checks
	netfilter_userns_checks
	tc_userns_checks
	ovl_userns_checks
	splice_copy_checks
	existing_knob_checks
	kselftest_runner_checks
	;;
cmdline)
	cmdline_checks
	;;
badcmdline)
	badcmdline_checks
	;;
fn)
	fn_checks
	fn_livepatch_checks
	;;
fncmdline*)
	fncmdline_checks
	;;
kunit)
	# The suites of the series the kernel has (the core's, and where the
	# series has function overrides, theirs).
	for suite in killswitch_test killswitch_fn_test; do
		! grep -q "/$suite\.ko" "/lib/modules/$(uname -r)/modules.dep" ||
			kunit_suite "$suite"
	done
	! loaded killswitch_fn_test || kunit_fn_leaves_overrides
	;;
demo-copyfail|demo-dirtyfrag)
	/ks/demo.sh "${1#demo-}"
	;;
*)
	fail "unknown scenario '$1'"
	exit 1
	;;
esac
