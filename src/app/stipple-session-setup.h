/* stipple-session-setup.h: starting a session, step by step
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "stipple-session-rules.h"
#include "stipple-store.h"

G_BEGIN_DECLS

#define STIPPLE_TYPE_SESSION_SETUP (stipple_session_setup_get_type ())

G_DECLARE_FINAL_TYPE (StippleSessionSetup, stipple_session_setup, STIPPLE, SESSION_SETUP, AdwBin)

StippleSessionSetup *stipple_session_setup_new           (GSettings                 *settings,
                                                          const StipplePatientChart *chart);
StippleSession      *stipple_session_setup_dup_session   (StippleSessionSetup       *self);
GPtrArray           *stipple_session_setup_dup_screening (StippleSessionSetup       *self);
GPtrArray           *stipple_session_setup_dup_consents  (StippleSessionSetup       *self);
gboolean             stipple_session_setup_get_ready     (StippleSessionSetup       *self);
void                 stipple_session_setup_save_async    (StippleSessionSetup       *self,
                                                          StippleStore              *store,
                                                          GCancellable              *cancellable,
                                                          GAsyncReadyCallback        callback,
                                                          gpointer                   user_data);
gint64               stipple_session_setup_save_finish   (StippleSessionSetup       *self,
                                                          GAsyncResult              *result,
                                                          GError                   **error);

G_END_DECLS
