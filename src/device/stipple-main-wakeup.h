/* stipple-main-wakeup.h: waking the main thread from a real-time thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _StippleMainWakeup StippleMainWakeup;

StippleMainWakeup *stipple_main_wakeup_new    (GMainContext      *context,
                                               int                priority,
                                               GSourceFunc        func,
                                               gpointer           user_data);
void               stipple_main_wakeup_signal (StippleMainWakeup *self);
void               stipple_main_wakeup_free   (StippleMainWakeup *self);

G_END_DECLS
