/* stipple-thread-priority.h: a higher scheduling priority for the pen's threads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The nice level asked for: high enough that a CPU hog at the default
 * level cannot delay a heartbeat, the level rtkit grants by default. */
#define STIPPLE_THREAD_NICE (-11)

gboolean stipple_thread_raise_priority (const char *what);

G_END_DECLS
