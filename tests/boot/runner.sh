#!/bin/sh
# The packaged-boot test's stage runner, baked into the image as
# /usr/local/sbin/daudit-boot-stage (tests/boot/image.sh): mount the second
# disk, run its stage.sh for the stage the kernel command line names, copy
# its TAP lines to the second serial port (the host reads them) and to the
# disk, then power off.  Everything else goes to the console.
stage=$(sed -n 's/.*daudit_boot_stage=\([^ ]*\).*/\1/p' /proc/cmdline)
out=/dev/ttyS1
mkdir -p /mnt/boottest
if ! mount /dev/vdb /mnt/boottest; then
	echo "not ok - stage $stage: cannot mount the test disk /dev/vdb" >"$out"
else
	echo "DAUDIT-STAGE-BEGIN $stage" >"$out"
	bash /mnt/boottest/stage.sh "$stage" | tee -a "/mnt/boottest/results-$stage.tap" >"$out"
	echo "DAUDIT-STAGE-END $stage" >"$out"
	sync
	umount /mnt/boottest
fi
systemctl poweroff --no-block
