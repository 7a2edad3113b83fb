/* stipple-session-summary.h: one past session, read only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "stipple-store.h"

G_BEGIN_DECLS

#define STIPPLE_TYPE_SESSION_SUMMARY (stipple_session_summary_get_type ())

G_DECLARE_FINAL_TYPE (StippleSessionSummary, stipple_session_summary, STIPPLE, SESSION_SUMMARY, AdwWindow)

StippleSessionSummary *stipple_session_summary_new (const StipplePatientChart *chart,
                                                    gint64                     session_id);

G_END_DECLS
