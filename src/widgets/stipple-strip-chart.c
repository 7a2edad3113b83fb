/* stipple-strip-chart.c
 *
 * StippleStripChart, the live needle graphs and the zone figures beside
 * them: the object, its properties and the levels drawn (commanded
 * depth, zone limit, tolerance), the time across the graphs and its
 * zoom, pausing, and the toolbar. The live graphs fed from the ring are
 * in stipple-strip-chart-live.c, the replay of a stored session in
 * stipple-strip-chart-replay.c, the labels beside the graphs in
 * stipple-strip-chart-figures.c; stipple-strip-chart-private.h is what
 * they share. The drawing itself is StippleChartCanvas.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-chart"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-strip-chart-private.h"

G_DEFINE_FINAL_TYPE (StippleStripChart, stipple_strip_chart, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

/* Zoom steps of the time axis, seconds. */
static const double zoom_steps[] = { 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30 };

/**
 * stipple_strip_chart_new:
 *
 * Returns: (transfer full): new needle graphs, waiting for a ring or a
 *   replay
 */
GtkWidget *
stipple_strip_chart_new (void)
{
  return g_object_new (STIPPLE_TYPE_STRIP_CHART, NULL);
}

/* The trace on screen: the replay if one is set, the live trace otherwise. */
StippleChartTrace *
stipple_strip_chart_shown_trace (StippleStripChart *self)
{
  return self->replay != NULL ? self->replay : self->live;
}

void
stipple_strip_chart_notify (StippleStripChart *self,
                            guint              prop_id)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

/**
 * stipple_strip_chart_get_trace:
 * @self: a strip chart
 *
 * Returns: (transfer none): the trace on screen: the replay if one is
 *   set, the live trace otherwise
 */
StippleChartTrace *
stipple_strip_chart_get_trace (StippleStripChart *self)
{
  g_return_val_if_fail (STIPPLE_IS_STRIP_CHART (self), NULL);

  return stipple_strip_chart_shown_trace (self);
}

/**
 * stipple_strip_chart_get_canvas:
 * @self: a strip chart
 *
 * Returns: (transfer none): the drawn graphs
 */
GtkWidget *
stipple_strip_chart_get_canvas (StippleStripChart *self)
{
  g_return_val_if_fail (STIPPLE_IS_STRIP_CHART (self), NULL);

  return self->canvas;
}

/**
 * stipple_strip_chart_get_stats:
 * @self: a strip chart
 *
 * Returns: (transfer none): the zone figures shown beside the graphs
 */
const StippleStrokeStats *
stipple_strip_chart_get_stats (StippleStripChart *self)
{
  g_return_val_if_fail (STIPPLE_IS_STRIP_CHART (self), NULL);

  return stipple_chart_trace_get_stats (stipple_strip_chart_shown_trace (self));
}

static void
levels_changed (StippleStripChart *self)
{
  stipple_chart_trace_set_target (self->live, self->commanded_um, self->tolerance_um);
  if (self->replay != NULL)
    stipple_chart_trace_set_target (self->replay, self->commanded_um, self->tolerance_um);
  stipple_chart_canvas_set_levels (STIPPLE_CHART_CANVAS (self->canvas),
                                   self->commanded_um, self->limit_um, self->tolerance_um);
  stipple_strip_chart_update_figures (self);
}

/**
 * stipple_strip_chart_set_commanded_depth:
 * @self: a strip chart
 * @depth_um: the depth the pen is set to, micrometres (0: none)
 *
 * Drawn as a dashed line; strokes are checked against it from now on.
 */
void
stipple_strip_chart_set_commanded_depth (StippleStripChart *self,
                                         guint              depth_um)
{
  g_return_if_fail (STIPPLE_IS_STRIP_CHART (self));
  g_return_if_fail (depth_um <= G_MAXINT32);

  if (self->commanded_um == depth_um)
    return;

  self->commanded_um = depth_um;
  levels_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMMANDED_DEPTH]);
}

/**
 * stipple_strip_chart_get_commanded_depth:
 * @self: a strip chart
 *
 * Returns: the commanded depth, micrometres
 */
guint
stipple_strip_chart_get_commanded_depth (StippleStripChart *self)
{
  g_return_val_if_fail (STIPPLE_IS_STRIP_CHART (self), 0);

  return self->commanded_um;
}

/**
 * stipple_strip_chart_set_depth_limit:
 * @self: a strip chart
 * @limit_um: the zone's depth limit, micrometres (0: none)
 *
 * Drawn as a dotted line.
 */
void
stipple_strip_chart_set_depth_limit (StippleStripChart *self,
                                     guint              limit_um)
{
  g_return_if_fail (STIPPLE_IS_STRIP_CHART (self));
  g_return_if_fail (limit_um <= G_MAXINT32);

  if (self->limit_um == limit_um)
    return;

  self->limit_um = limit_um;
  levels_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEPTH_LIMIT]);
}

/**
 * stipple_strip_chart_get_depth_limit:
 * @self: a strip chart
 *
 * Returns: the zone's depth limit, micrometres
 */
guint
stipple_strip_chart_get_depth_limit (StippleStripChart *self)
{
  g_return_val_if_fail (STIPPLE_IS_STRIP_CHART (self), 0);

  return self->limit_um;
}

/**
 * stipple_strip_chart_set_tolerance:
 * @self: a strip chart
 * @tolerance_um: how far from the commanded depth a stroke may end and
 *   still be in tolerance, micrometres
 */
void
stipple_strip_chart_set_tolerance (StippleStripChart *self,
                                   guint              tolerance_um)
{
  g_return_if_fail (STIPPLE_IS_STRIP_CHART (self));
  g_return_if_fail (tolerance_um <= G_MAXINT32);

  if (self->tolerance_um == tolerance_um)
    return;

  self->tolerance_um = tolerance_um;
  levels_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOLERANCE]);
}

/**
 * stipple_strip_chart_get_tolerance:
 * @self: a strip chart
 *
 * Returns: the depth tolerance, micrometres
 */
guint
stipple_strip_chart_get_tolerance (StippleStripChart *self)
{
  g_return_val_if_fail (STIPPLE_IS_STRIP_CHART (self), 0);

  return self->tolerance_um;
}

/**
 * stipple_strip_chart_reset_zone:
 * @self: a strip chart
 *
 * Starts the figures of a new zone. The graphs go on.
 */
void
stipple_strip_chart_reset_zone (StippleStripChart *self)
{
  g_return_if_fail (STIPPLE_IS_STRIP_CHART (self));

  stipple_chart_trace_reset_stats (self->live);
  stipple_strip_chart_update_figures (self);
}

static void
update_window_label (StippleStripChart *self)
{
  g_autofree char *text = NULL;
  g_autofree char *description = NULL;

  /* TRANSLATORS: the time across the graphs, seconds */
  text = g_strdup_printf (_("%g s"), self->window_s);
  gtk_label_set_text (GTK_LABEL (self->window_label), text);

  description = g_strdup_printf (_("Needle position, depth reached per stroke and stroke rate over %g seconds"),
                                 self->window_s);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->canvas),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
}

/**
 * stipple_strip_chart_set_window:
 * @self: a strip chart
 * @seconds: the time across the graphs; clamped to
 *   %STIPPLE_STRIP_CHART_MIN_WINDOW … %STIPPLE_STRIP_CHART_MAX_WINDOW
 */
void
stipple_strip_chart_set_window (StippleStripChart *self,
                                double             seconds)
{
  g_return_if_fail (STIPPLE_IS_STRIP_CHART (self));

  seconds = CLAMP (seconds, STIPPLE_STRIP_CHART_MIN_WINDOW, STIPPLE_STRIP_CHART_MAX_WINDOW);
  if (seconds == self->window_s)
    return;

  self->window_s = seconds;
  stipple_chart_canvas_set_window (STIPPLE_CHART_CANVAS (self->canvas),
                                   (guint64) (seconds * G_USEC_PER_SEC + 0.5));
  update_window_label (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WINDOW]);
}

/**
 * stipple_strip_chart_get_window:
 * @self: a strip chart
 *
 * Returns: the time across the graphs, seconds
 */
double
stipple_strip_chart_get_window (StippleStripChart *self)
{
  g_return_val_if_fail (STIPPLE_IS_STRIP_CHART (self), 0);

  return self->window_s;
}

static void
zoom (StippleStripChart *self,
      int                direction)
{
  guint i;

  /* The next step out (direction > 0) or in from the current window. */
  if (direction > 0)
    {
      for (i = 0; i < G_N_ELEMENTS (zoom_steps) - 1 && zoom_steps[i] <= self->window_s; i++)
        ;
    }
  else
    {
      for (i = G_N_ELEMENTS (zoom_steps) - 1; i > 0 && zoom_steps[i] >= self->window_s; i--)
        ;
    }
  stipple_strip_chart_set_window (self, zoom_steps[i]);
}

void
stipple_strip_chart_update_pause_button (StippleStripChart *self)
{
  const char *label;

  if (self->replay != NULL)
    label = self->paused ? _("Play Replay") : _("Pause Replay");
  else
    label = self->paused ? _("Resume Graphs") : _("Pause Graphs");

  gtk_button_set_icon_name (GTK_BUTTON (self->pause_button),
                            self->paused ? "media-playback-start-symbolic"
                                         : "media-playback-pause-symbolic");
  gtk_widget_set_tooltip_text (self->pause_button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->pause_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

/**
 * stipple_strip_chart_set_paused:
 * @self: a strip chart
 * @paused: whether the graphs stand still
 *
 * Live, paused graphs stay as they are while the figures go on counting;
 * resuming jumps to the newest samples. In a replay, this stops and
 * starts playback.
 */
void
stipple_strip_chart_set_paused (StippleStripChart *self,
                                gboolean           paused)
{
  g_return_if_fail (STIPPLE_IS_STRIP_CHART (self));

  paused = !!paused;
  if (self->paused == paused)
    return;

  self->paused = paused;
  if (self->replay == NULL)
    stipple_chart_trace_set_frozen (self->live, paused);
  else if (!paused && stipple_chart_trace_get_position (self->replay)
                      >= stipple_chart_trace_get_duration (self->replay))
    /* Playing from the end starts over. */
    stipple_strip_chart_set_replay_position (self, 0);
  self->replay_last_frame_us = 0;

  stipple_strip_chart_update_pause_button (self);
  stipple_strip_chart_update_sources (self);
  gtk_widget_queue_draw (self->canvas);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED]);
}

/**
 * stipple_strip_chart_get_paused:
 * @self: a strip chart
 *
 * Returns: whether the graphs are paused
 */
gboolean
stipple_strip_chart_get_paused (StippleStripChart *self)
{
  g_return_val_if_fail (STIPPLE_IS_STRIP_CHART (self), FALSE);

  return self->paused;
}

static void
pause_clicked_cb (GtkButton         *button,
                  StippleStripChart *self)
{
  stipple_strip_chart_set_paused (self, !self->paused);
}

static void
zoom_in_clicked_cb (GtkButton         *button,
                    StippleStripChart *self)
{
  zoom (self, -1);
}

static void
zoom_out_clicked_cb (GtkButton         *button,
                     StippleStripChart *self)
{
  zoom (self, 1);
}

static gboolean
scroll_cb (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           StippleStripChart        *self)
{
  if (dy == 0)
    return FALSE;

  zoom (self, dy > 0 ? 1 : -1);
  return TRUE;
}

static GtkWidget *
icon_button (const char *icon_name,
             const char *label,
             GCallback   callback,
             gpointer    data)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  g_signal_connect (button, "clicked", callback, data);

  return button;
}

static void
stipple_strip_chart_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (stipple_strip_chart_parent_class)->map (widget);
  stipple_strip_chart_update_sources (STIPPLE_STRIP_CHART (widget));
}

static void
stipple_strip_chart_unmap (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (stipple_strip_chart_parent_class)->unmap (widget);
  stipple_strip_chart_update_sources (STIPPLE_STRIP_CHART (widget));
}

static void
stipple_strip_chart_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  StippleStripChart *self = STIPPLE_STRIP_CHART (object);

  switch (prop_id)
    {
    case PROP_COMMANDED_DEPTH:
      g_value_set_uint (value, self->commanded_um);
      break;

    case PROP_DEPTH_LIMIT:
      g_value_set_uint (value, self->limit_um);
      break;

    case PROP_TOLERANCE:
      g_value_set_uint (value, self->tolerance_um);
      break;

    case PROP_WINDOW:
      g_value_set_double (value, self->window_s);
      break;

    case PROP_PAUSED:
      g_value_set_boolean (value, self->paused);
      break;

    case PROP_REPLAYING:
      g_value_set_boolean (value, self->replay != NULL);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stipple_strip_chart_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  StippleStripChart *self = STIPPLE_STRIP_CHART (object);

  switch (prop_id)
    {
    case PROP_COMMANDED_DEPTH:
      stipple_strip_chart_set_commanded_depth (self, g_value_get_uint (value));
      break;

    case PROP_DEPTH_LIMIT:
      stipple_strip_chart_set_depth_limit (self, g_value_get_uint (value));
      break;

    case PROP_TOLERANCE:
      stipple_strip_chart_set_tolerance (self, g_value_get_uint (value));
      break;

    case PROP_WINDOW:
      stipple_strip_chart_set_window (self, g_value_get_double (value));
      break;

    case PROP_PAUSED:
      stipple_strip_chart_set_paused (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stipple_strip_chart_dispose (GObject *object)
{
  StippleStripChart *self = STIPPLE_STRIP_CHART (object);

  g_clear_handle_id (&self->drain_id, g_source_remove);
  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
  self->ring = NULL;
  g_clear_pointer (&self->box, gtk_widget_unparent);

  G_OBJECT_CLASS (stipple_strip_chart_parent_class)->dispose (object);
}

static void
stipple_strip_chart_finalize (GObject *object)
{
  StippleStripChart *self = STIPPLE_STRIP_CHART (object);

  stipple_chart_trace_free (self->replay);
  stipple_chart_trace_free (self->live);

  G_OBJECT_CLASS (stipple_strip_chart_parent_class)->finalize (object);
}

static void
stipple_strip_chart_class_init (StippleStripChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = stipple_strip_chart_dispose;
  object_class->finalize = stipple_strip_chart_finalize;
  object_class->get_property = stipple_strip_chart_get_property;
  object_class->set_property = stipple_strip_chart_set_property;

  widget_class->map = stipple_strip_chart_map;
  widget_class->unmap = stipple_strip_chart_unmap;

  /**
   * StippleStripChart:commanded-depth:
   *
   * The depth the pen is set to, micrometres; 0 for none.
   */
  properties[PROP_COMMANDED_DEPTH] =
    g_param_spec_uint ("commanded-depth", NULL, NULL, 0, G_MAXINT32, 0,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * StippleStripChart:depth-limit:
   *
   * The zone's depth limit, micrometres; 0 for none.
   */
  properties[PROP_DEPTH_LIMIT] =
    g_param_spec_uint ("depth-limit", NULL, NULL, 0, G_MAXINT32, 0,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * StippleStripChart:tolerance:
   *
   * How far from the commanded depth a stroke may end and still be in
   * tolerance, micrometres.
   */
  properties[PROP_TOLERANCE] =
    g_param_spec_uint ("tolerance", NULL, NULL, 0, G_MAXINT32, 100,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * StippleStripChart:window:
   *
   * The time across the graphs, seconds.
   */
  properties[PROP_WINDOW] =
    g_param_spec_double ("window", NULL, NULL,
                         STIPPLE_STRIP_CHART_MIN_WINDOW, STIPPLE_STRIP_CHART_MAX_WINDOW, 10,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * StippleStripChart:paused:
   *
   * Whether the graphs stand still (live) or playback is stopped (replay).
   */
  properties[PROP_PAUSED] =
    g_param_spec_boolean ("paused", NULL, NULL, FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * StippleStripChart:replaying:
   *
   * Whether a past session is on screen.
   */
  properties[PROP_REPLAYING] =
    g_param_spec_boolean ("replaying", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "strip-chart");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
stipple_strip_chart_init (StippleStripChart *self)
{
  GtkWidget *toolbar, *content, *spacer;
  GtkEventController *scroll;

  self->tolerance_um = 100;
  self->window_s = 10;
  self->live = stipple_chart_trace_new_live (HISTORY_SAMPLES);
  stipple_chart_trace_set_target (self->live, 0, self->tolerance_um);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Needle Graphs"),
                                  -1);

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  toolbar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  gtk_box_append (GTK_BOX (self->box), toolbar);

  self->pause_button = icon_button ("media-playback-pause-symbolic", _("Pause Graphs"),
                                    G_CALLBACK (pause_clicked_cb), self);
  gtk_box_append (GTK_BOX (toolbar), self->pause_button);
  gtk_box_append (GTK_BOX (toolbar),
                  icon_button ("zoom-out-symbolic", _("Show More Time"),
                               G_CALLBACK (zoom_out_clicked_cb), self));
  self->window_label = gtk_label_new (NULL);
  gtk_label_set_width_chars (GTK_LABEL (self->window_label), 6);
  gtk_widget_add_css_class (self->window_label, "numeric");
  gtk_box_append (GTK_BOX (toolbar), self->window_label);
  gtk_box_append (GTK_BOX (toolbar),
                  icon_button ("zoom-in-symbolic", _("Show Less Time"),
                               G_CALLBACK (zoom_in_clicked_cb), self));
  spacer = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_set_hexpand (spacer, TRUE);
  gtk_box_append (GTK_BOX (toolbar), spacer);
  self->behind_label = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->behind_label, "warning");
  gtk_widget_set_visible (self->behind_label, FALSE);
  gtk_box_append (GTK_BOX (toolbar), self->behind_label);

  content = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 18);
  gtk_widget_set_vexpand (content, TRUE);
  gtk_box_append (GTK_BOX (self->box), content);

  self->canvas = stipple_chart_canvas_new ();
  stipple_chart_canvas_set_prepare_func (STIPPLE_CHART_CANVAS (self->canvas),
                                         stipple_strip_chart_prepare_cb, self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->canvas),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Needle Graphs"),
                                  -1);
  stipple_chart_canvas_set_trace (STIPPLE_CHART_CANVAS (self->canvas), self->live);
  gtk_box_append (GTK_BOX (content), self->canvas);
  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL
                                            | GTK_EVENT_CONTROLLER_SCROLL_DISCRETE);
  g_signal_connect (scroll, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (self->canvas, scroll);

  gtk_box_append (GTK_BOX (content), stipple_strip_chart_build_figures (self));

  self->scrubber = gtk_scale_new_with_range (GTK_ORIENTATION_HORIZONTAL, 0, 1, 0.1);
  gtk_scale_set_draw_value (GTK_SCALE (self->scrubber), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->scrubber),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Replay Position"),
                                  -1);
  gtk_widget_set_visible (self->scrubber, FALSE);
  self->scrubber_handler = g_signal_connect (self->scrubber, "value-changed",
                                             G_CALLBACK (stipple_strip_chart_scrubber_value_changed_cb), self);
  gtk_box_append (GTK_BOX (self->box), self->scrubber);

  stipple_chart_canvas_set_levels (STIPPLE_CHART_CANVAS (self->canvas), 0, 0, self->tolerance_um);
  stipple_chart_canvas_set_window (STIPPLE_CHART_CANVAS (self->canvas), 10 * G_USEC_PER_SEC);
  update_window_label (self);
  stipple_strip_chart_update_pause_button (self);
  stipple_strip_chart_update_figures (self);
}
