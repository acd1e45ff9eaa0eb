#!/bin/bash
# The demo scenario, run inside the VM by `make demo` (tests/vm/run.sh --demo).
set -euo pipefail
echo "== loading daudit.ko on $(uname -r)"
insmod /lib/modules/daudit.ko
echo "== daudit status"
daudit status
