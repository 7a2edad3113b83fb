/* stipple-report-session.h: a session's report data, from the patient file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "stipple-report.h"
#include "stipple-store.h"
#include "stipple-zone-limits.h"

G_BEGIN_DECLS

StippleReportData *stipple_report_data_from_session (StippleStore             *store,
                                                     gint64                    session_id,
                                                     const char               *clinic_name,
                                                     const char               *clinic_address,
                                                     const StippleZoneLimits  *limits,
                                                     GError                  **error);
gboolean           stipple_report_count_passes_done (GPtrArray                *audit,
                                                     guint                     passes_done[STIPPLE_N_ZONES]);
char              *stipple_report_file_name         (const char               *family_name,
                                                     GDateTime                *session_start,
                                                     StippleReportKind         kind);

G_END_DECLS
