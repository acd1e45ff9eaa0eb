/* SPDX-License-Identifier: GPL-2.0 */
/* /dev/daudit: the misc device userspace reads records from. */
#ifndef _DAUDIT_DEVICE_H
#define _DAUDIT_DEVICE_H

#include <linux/types.h>

int daudit_device_init(void);
void daudit_device_exit(void);
u32 daudit_device_consumer(void);

#endif /* _DAUDIT_DEVICE_H */
