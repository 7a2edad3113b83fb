/* stipple-chart-trace.h: what the needle graphs show, live or replayed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "stipple-decimator.h"
#include "stipple-proto-sample.h"
#include "stipple-stroke-analyser.h"

G_BEGIN_DECLS

#define STIPPLE_CHART_ERROR (stipple_chart_error_quark ())

typedef enum
{
  /* Stored telemetry without a single sample. */
  STIPPLE_CHART_ERROR_NO_SAMPLES,
  /* Stored telemetry that is not a whole number of samples. */
  STIPPLE_CHART_ERROR_DAMAGED,
} StippleChartError;

typedef enum
{
  /* Needle position, micrometres. */
  STIPPLE_CHART_STRIP_POSITION,
  /* Depth reached by each stroke into skin, micrometres. */
  STIPPLE_CHART_STRIP_DEPTH,
  /* Stroke rate, strokes per 1000 s (millihertz). */
  STIPPLE_CHART_STRIP_RATE,
  STIPPLE_CHART_N_STRIPS
} StippleChartStrip;

typedef struct _StippleChartTrace StippleChartTrace;

GQuark                    stipple_chart_error_quark            (void);

StippleChartTrace        *stipple_chart_trace_new_live         (guint                     history_samples);
StippleChartTrace        *stipple_chart_trace_new_replay       (GBytes                   *samples,
                                                                GError                  **error);
void                      stipple_chart_trace_free             (StippleChartTrace        *self);

gboolean                  stipple_chart_trace_is_replay        (StippleChartTrace        *self);
void                      stipple_chart_trace_set_target       (StippleChartTrace        *self,
                                                                gint32                    commanded_um,
                                                                gint32                    tolerance_um);
void                      stipple_chart_trace_reset_stats      (StippleChartTrace        *self);
void                      stipple_chart_trace_set_geometry     (StippleChartTrace        *self,
                                                                guint                     n_columns,
                                                                guint64                   window_us);
guint                     stipple_chart_trace_get_n_columns    (StippleChartTrace        *self);

void                      stipple_chart_trace_ingest           (StippleChartTrace        *self,
                                                                const StippleProtoSample *samples,
                                                                gsize                     n_samples);
void                      stipple_chart_trace_set_frozen       (StippleChartTrace        *self,
                                                                gboolean                  frozen);

guint64                   stipple_chart_trace_get_duration     (StippleChartTrace        *self);
void                      stipple_chart_trace_seek             (StippleChartTrace        *self,
                                                                guint64                   position_us);
guint64                   stipple_chart_trace_get_position     (StippleChartTrace        *self);

gboolean                  stipple_chart_trace_has_samples      (StippleChartTrace        *self);
guint64                   stipple_chart_trace_get_n_ingested   (StippleChartTrace        *self);
gboolean                  stipple_chart_trace_get_newest       (StippleChartTrace        *self,
                                                                StippleProtoSample       *sample);
gint64                    stipple_chart_trace_get_end_column   (StippleChartTrace        *self);
const StippleDecimator   *stipple_chart_trace_get_strip        (StippleChartTrace        *self,
                                                                StippleChartStrip         strip);
const StippleStrokeStats *stipple_chart_trace_get_stats        (StippleChartTrace        *self);
guint32                   stipple_chart_trace_get_rate_mhz     (StippleChartTrace        *self);

G_END_DECLS
