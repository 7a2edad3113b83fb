/* stipple-strip-chart-figures.c
 *
 * What the needle graphs say in words beside them: the zone figures
 * (strokes, time in zone, mean depth, strokes out of tolerance, stroke
 * rate), as real labels a screen reader reads, and the warning that the
 * graphs fell behind the pen.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-chart"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "stipple-strip-chart-private.h"

static void
set_figure (StippleStripChart *self,
            Figure             figure,
            const char        *text)
{
  if (g_strcmp0 (gtk_label_get_text (GTK_LABEL (self->figures[figure])), text) != 0)
    gtk_label_set_text (GTK_LABEL (self->figures[figure]), text);
}

/**
 * stipple_strip_chart_format_duration:
 * @us: a time, microseconds
 *
 * Returns: (transfer full): "1:05" from a minute on, "0.4 s" under one: a
 *   zone treated for a few strokes never reads "0:00"
 */
char *
stipple_strip_chart_format_duration (guint64 us)
{
  guint64 seconds = us / G_USEC_PER_SEC;

  if (us > 0 && us < 60 * G_USEC_PER_SEC)
    /* Translators: a time under a minute, seconds */
    return g_strdup_printf (_("%.1f s"), us / 1e6);
  return g_strdup_printf ("%" G_GUINT64_FORMAT ":%02u", seconds / 60, (guint) (seconds % 60));
}

/**
 * stipple_strip_chart_set_zone_totals:
 * @self: a strip chart
 * @strokes: strokes delivered in the zone this session
 * @time_in_zone_us: time on the skin in the zone this session
 *
 * Makes the zone figures show the session's own count for the zone (the
 * pen's stroke counter), the number the zone list and the report show,
 * rather than the strokes this widget saw drawn since the zone was chosen.
 */
void
stipple_strip_chart_set_zone_totals (StippleStripChart *self,
                                     guint64            strokes,
                                     guint64            time_in_zone_us)
{
  g_return_if_fail (STIPPLE_IS_STRIP_CHART (self));

  self->have_zone_totals = TRUE;
  self->zone_strokes = strokes;
  self->zone_time_us = time_in_zone_us;
  stipple_strip_chart_update_figures (self);
}

/**
 * stipple_strip_chart_update_figures:
 * @self: a strip chart
 *
 * Brings the zone figures beside the graphs up to date now. The widget
 * does this by itself a few times a second.
 */
void
stipple_strip_chart_update_figures (StippleStripChart *self)
{
  StippleChartTrace *trace;
  const StippleStrokeStats *stats;
  g_autofree char *strokes = NULL;
  g_autofree char *time = NULL;
  g_autofree char *depth = NULL;
  g_autofree char *out = NULL;
  g_autofree char *rate = NULL;

  g_return_if_fail (STIPPLE_IS_STRIP_CHART (self));

  trace = stipple_strip_chart_shown_trace (self);
  stats = stipple_chart_trace_get_stats (trace);
  if (self->have_zone_totals && self->replay == NULL)
    {
      strokes = g_strdup_printf ("%" G_GUINT64_FORMAT, self->zone_strokes);
      time = stipple_strip_chart_format_duration (self->zone_time_us);
    }
  else
    {
      strokes = g_strdup_printf ("%" G_GUINT64_FORMAT, stats->strokes);
      time = stipple_strip_chart_format_duration (stats->time_in_zone_us);
    }
  if (stats->strokes == 0)
    depth = g_strdup (C_("no mean depth", "—"));
  else
    /* TRANSLATORS: mean depth ± standard deviation, millimetres */
    depth = g_strdup_printf (_("%.2f ± %.2f mm"), stipple_stroke_stats_get_mean_um (stats) / 1000,
                             stipple_stroke_stats_get_sd_um (stats) / 1000);
  out = g_strdup_printf ("%" G_GUINT64_FORMAT, stats->out_of_tolerance);
  /* TRANSLATORS: strokes per second */
  rate = g_strdup_printf (_("%.0f/s"), stipple_chart_trace_get_rate_mhz (trace) / 1000.0);

  set_figure (self, FIGURE_STROKES, strokes);
  set_figure (self, FIGURE_TIME, time);
  set_figure (self, FIGURE_DEPTH, depth);
  set_figure (self, FIGURE_OUT_OF_TOLERANCE, out);
  set_figure (self, FIGURE_RATE, rate);

  if (stats->out_of_tolerance > 0)
    gtk_widget_add_css_class (self->figures[FIGURE_OUT_OF_TOLERANCE], "warning");
  else
    gtk_widget_remove_css_class (self->figures[FIGURE_OUT_OF_TOLERANCE], "warning");

  self->figures_updated_us = g_get_monotonic_time ();
}

void
stipple_strip_chart_update_behind_label (StippleStripChart *self)
{
  g_autofree char *text = NULL;

  gtk_widget_set_visible (self->behind_label, self->not_drawn > 0 && self->replay == NULL);
  if (self->not_drawn == 0)
    return;

  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Graph fell behind: %" PRIu64 " sample not drawn",
                                       "Graph fell behind: %" PRIu64 " samples not drawn",
                                       self->not_drawn),
                          self->not_drawn);
  gtk_label_set_text (GTK_LABEL (self->behind_label), text);
}

GtkWidget *
stipple_strip_chart_build_figures (StippleStripChart *self)
{
  static const char *captions[N_FIGURES] = {
    N_("Strokes"),
    N_("Time in zone"),
    N_("Mean depth"),
    N_("Out of tolerance"),
    N_("Stroke rate"),
  };
  GtkWidget *grid = gtk_grid_new ();

  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_widget_set_valign (grid, GTK_ALIGN_START);
  gtk_widget_set_margin_top (grid, 24);

  self->figures_title = gtk_label_new (_("This Zone"));
  gtk_widget_add_css_class (self->figures_title, "heading");
  gtk_label_set_xalign (GTK_LABEL (self->figures_title), 0);
  gtk_grid_attach (GTK_GRID (grid), self->figures_title, 0, 0, 2, 1);

  for (guint i = 0; i < N_FIGURES; i++)
    {
      GtkWidget *caption = gtk_label_new (_(captions[i]));
      GtkWidget *value = gtk_label_new (NULL);

      gtk_label_set_xalign (GTK_LABEL (caption), 0);
      gtk_widget_add_css_class (caption, "dim-label");
      gtk_label_set_xalign (GTK_LABEL (value), 1);
      gtk_label_set_width_chars (GTK_LABEL (value), 14);
      gtk_label_set_selectable (GTK_LABEL (value), FALSE);
      gtk_widget_add_css_class (value, "numeric");
      /* A screen reader says which figure a number is. */
      gtk_accessible_update_relation (GTK_ACCESSIBLE (value),
                                      GTK_ACCESSIBLE_RELATION_LABELLED_BY, caption, NULL,
                                      -1);
      gtk_grid_attach (GTK_GRID (grid), caption, 0, i + 1, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), value, 1, i + 1, 1, 1);
      self->figures[i] = value;
    }

  return grid;
}
