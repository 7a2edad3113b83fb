/* stipple-thread-priority.h: a higher scheduling priority for the pen's threads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The real-time priority asked for (SCHED_RR): below the 20 rtkit grants
 * at most, and below the kernel's own threaded interrupts (50), so that
 * the USB controller's interrupts still come first. */
#define STIPPLE_THREAD_RT_PRIORITY 10

/* The nice level asked for where real-time is not allowed: high enough
 * that a CPU hog at the default level rarely delays a heartbeat, the level
 * rtkit grants by default. */
#define STIPPLE_THREAD_NICE (-11)

/* What the calling thread got. */
typedef enum
{
  STIPPLE_THREAD_PRIORITY_NORMAL,
  STIPPLE_THREAD_PRIORITY_NICE,
  STIPPLE_THREAD_PRIORITY_REALTIME,
} StippleThreadPriority;

/* The window's thread: above other programs, below the pen's threads. */
#define STIPPLE_UI_THREAD_NICE (-5)

StippleThreadPriority stipple_thread_raise_priority  (const char            *what);
gboolean              stipple_thread_raise_nice      (const char            *what,
                                                      int                    nice);
const char           *stipple_thread_priority_name   (StippleThreadPriority  priority);

G_END_DECLS
