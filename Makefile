# SPDX-License-Identifier: GPL-2.0
# Entry points; the scripts in scripts/ do the work.  BASE selects the
# vendor kernel (6.12 or 6.1) for every target but test, stress, drift,
# catalogue and fleet, which walk the bases listed in BASES (default:
# every base scripts/lib.sh knows; catalogue and fleet always take every
# base).

BASE ?= 6.12
BASES ?=
export KS_BASE := $(BASE)

ABI ?=
OUT ?=

.PHONY: help demo test tree export apply kunit vm gates bench stress drift livepatch livepatch-vm catalogue fleet

help:
	@echo "make demo          build the patched kernel, boot it in QEMU, show the switches at work"
	@echo "make test          for each base: prepare the tree, apply the series, run every check and test"
	@echo "make tree          prepare kernel-tree/linux-\$$BASE and apply the series"
	@echo "make export        export the tree's commits back into patches/"
	@echo "make apply TREE=…  apply the series to your own kernel git tree"
	@echo "make kunit         build the VM kernel and run the KUnit suites in it (after make tree)"
	@echo "make vm            build the VM kernel and run the QEMU scenarios (after make tree)"
	@echo "make gates         run the review gates patch by patch (after make tree)"
	@echo "make bench         build the benchmark kernels, measure, write Documentation/benchmarks.md"
	@echo "make stress        the reliability suite's long run on a kernel with sanitizers, write Documentation/reliability.md"
	@echo "make drift         apply each series to Debian's two newest releases of its line, report per patch"
	@echo "make livepatch     build the live patches against Debian's headers for \$$BASE's stock kernel (or ABI=…)"
	@echo "make livepatch-vm  boot Debian's stock kernel and test the live patches in it (after make vm)"
	@echo "make catalogue     write the catalogue for machines (JSON, CSAF VEX per CVE) to OUT (default: the cache)"
	@echo "make fleet         the Ansible role (fleet/) on three Debian VMs: patched 6.12 and 6.1, stock 6.12"

demo:
	scripts/demo.sh

test:
	scripts/run-tests.sh $(BASES)

tree:
	scripts/prepare-tree.sh

export:
	scripts/export-series.sh

apply:
	@test -n "$(TREE)" || { echo "usage: make apply TREE=/path/to/linux" >&2; exit 2; }
	scripts/apply-series.sh "$(TREE)"

kunit:
	scripts/run-vm-tests.sh kunit

vm:
	scripts/run-vm-tests.sh

gates:
	scripts/review-gates.sh

bench:
	scripts/bench.sh

stress:
	scripts/stress.sh $(BASES)

drift:
	scripts/drift.sh $(BASES)

livepatch:
	scripts/build-livepatch.sh $(ABI)

livepatch-vm:
	scripts/run-livepatch-tests.sh $(ABI)

catalogue:
	scripts/catalogue.sh $(OUT)

fleet:
	scripts/fleet.sh
