/* stipple-report-photos.h: the session's photographs in its report
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "stipple-report.h"

G_BEGIN_DECLS

/* One view's before and after, side by side on the page. */
typedef struct
{
  char                     *title;
  const StippleReportPhoto *before;
  const StippleReportPhoto *after;
  char                     *before_caption;
  char                     *after_caption;
} StippleReportPhotoPair;

GPtrArray *stipple_report_photo_pairs (const StippleReportData  *data,
                                       gboolean                  chart);
void       stipple_report_draw_photo  (cairo_t                  *cr,
                                       const StippleReportPhoto *photo,
                                       double                    x,
                                       double                    y,
                                       double                    width,
                                       double                    height);

G_END_DECLS
