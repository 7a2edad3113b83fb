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

typedef enum
{
  STIPPLE_SESSION_REPORT_RECORD,
  STIPPLE_SESSION_REPORT_PATIENT_COPY,
  STIPPLE_SESSION_REPORT_PRINT,
} StippleSessionReportAction;

StippleSessionSummary *stipple_session_summary_new         (const StipplePatientChart *chart,
                                                            gint64                     session_id);
void                   stipple_session_summary_load_replay (StippleSessionSummary     *self,
                                                            StippleStore              *store);
gboolean               stipple_session_summary_get_replay_loaded (StippleSessionSummary *self);
void                   stipple_session_summary_load_addenda (StippleSessionSummary *self,
                                                             StippleStore          *store,
                                                             const char * const    *staff);
guint                  stipple_session_summary_get_n_addenda (StippleSessionSummary *self);

G_END_DECLS
