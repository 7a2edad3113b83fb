/* stipple-report-private.h: what the report's files share
 *
 * The page geometry and fonts, the renderer that flows the report over
 * its pages, and the text helpers the sections draw with.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <pango/pangocairo.h>

#include "stipple-report.h"

G_BEGIN_DECLS

#define MM_TO_PT(mm) ((mm) * 72.0 / 25.4)

#define MARGIN        MM_TO_PT (18)
#define HEADER_SPACE  28.0
#define FOOTER_SPACE  24.0
#define BODY_FONT     "Sans 9.5"
#define SMALL_FONT    "Sans 8"
#define HEADING_FONT  "Sans Bold 12"
#define TITLE_FONT    "Sans Bold 17"
#define GAP           8.0

typedef struct
{
  const StippleReportData *data;
  StippleReportKind        kind;
  StipplePageSize          size;

  PangoContext            *pango;
  cairo_surface_t         *scratch_surface;
  cairo_t                 *scratch;
  /* Where wanted pages are drawn; every page when all_pages is set. */
  cairo_t                 *target;
  gboolean                 all_pages;
  guint                    wanted_page;

  cairo_t                 *cr;
  guint                    page;
  guint                    n_pages;
  double                   y;
  double                   left;
  double                   right;
  double                   top;
  double                   bottom;
} Renderer;

/* stipple-report-layout.c */
void         stipple_report_renderer_init    (Renderer                *r,
                                              const StippleReportData *data,
                                              StippleReportKind        kind,
                                              StipplePageSize          size);
void         stipple_report_renderer_clear   (Renderer                *r);
PangoLayout *stipple_report_make_layout      (Renderer                *r,
                                              const char              *font,
                                              double                   width);
void         stipple_report_draw_text_at     (Renderer                *r,
                                              const char              *font,
                                              const char              *text,
                                              double                   x,
                                              double                   y,
                                              double                   width,
                                              PangoAlignment           alignment);
char        *stipple_report_format_date      (GDateTime               *dt);
char        *stipple_report_format_time      (GDateTime               *dt);
void         stipple_report_begin_page       (Renderer                *r);
void         stipple_report_next_page        (Renderer                *r);
void         stipple_report_ensure_space     (Renderer                *r,
                                              double                   height);
void         stipple_report_flow_text        (Renderer                *r,
                                              const char              *font,
                                              const char              *text,
                                              double                   indent);
void         stipple_report_heading          (Renderer                *r,
                                              const char              *text);
void         stipple_report_field            (Renderer                *r,
                                              const char              *label,
                                              const char              *value);
char        *stipple_report_format_depth     (guint                    um);
char        *stipple_report_format_duration  (gint64                   us);

/* stipple-report-sections.c */
void         stipple_report_render           (Renderer                *r);

G_END_DECLS
