/* stipple-face-map.c
 *
 * The face map widget. The face is drawn in one piece by
 * stipple_face_draw(); each zone is also a small child widget laid over
 * it, with its own accessible name and description, focus and hit
 * testing that follows the zone's outline, because GTK 4.8 offers
 * accessible objects only as widgets. Clicks, touch, Enter and Space act
 * on the zone under them; Tab walks the zones top to bottom; the arrow
 * keys move to the nearest zone in that direction.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-face-map"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <math.h>

#include "stipple-face-map.h"

/* ------------------------------------------------------------------------
 * One zone, as a screen reader and the pointer see it
 * ------------------------------------------------------------------------ */

#define STIPPLE_TYPE_FACE_ZONE (stipple_face_zone_get_type ())

G_DECLARE_FINAL_TYPE (StippleFaceZone, stipple_face_zone, STIPPLE, FACE_ZONE, GtkWidget)

struct _StippleFaceZone
{
  GtkWidget    parent_instance;

  StippleZone  zone;
};

G_DEFINE_FINAL_TYPE (StippleFaceZone, stipple_face_zone, GTK_TYPE_WIDGET)

enum {
  ZONE_SIGNAL_ACTIVATE,
  ZONE_N_SIGNALS
};

static guint zone_signals[ZONE_N_SIGNALS];

static gboolean stipple_face_map_zone_contains (StippleFaceMap *self,
                                                StippleZone     zone,
                                                double          x,
                                                double          y);

static gboolean
stipple_face_zone_contains (GtkWidget *widget,
                            double     x,
                            double     y)
{
  StippleFaceZone *self = STIPPLE_FACE_ZONE (widget);
  GtkWidget *map = gtk_widget_get_parent (widget);
  graphene_point_t in_map;

  if (map == NULL ||
      !gtk_widget_compute_point (widget, map, &GRAPHENE_POINT_INIT (x, y), &in_map))
    return FALSE;

  return stipple_face_map_zone_contains (STIPPLE_FACE_MAP (map), self->zone, in_map.x, in_map.y);
}

static void
zone_pressed_cb (GtkGestureClick *gesture,
                 int              n_press,
                 double           x,
                 double           y,
                 StippleFaceZone *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self));
  gtk_widget_activate (GTK_WIDGET (self));
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
stipple_face_zone_class_init (StippleFaceZoneClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->contains = stipple_face_zone_contains;

  zone_signals[ZONE_SIGNAL_ACTIVATE] =
    g_signal_new ("activate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  gtk_widget_class_set_activate_signal (widget_class, zone_signals[ZONE_SIGNAL_ACTIVATE]);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_BUTTON);
  gtk_widget_class_set_css_name (widget_class, "facezone");
}

static void
stipple_face_zone_init (StippleFaceZone *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "pointer");
  g_signal_connect (click, "pressed", G_CALLBACK (zone_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
}

/* ------------------------------------------------------------------------
 * The map
 * ------------------------------------------------------------------------ */

struct _StippleFaceMap
{
  GtkWidget                  parent_instance;

  const StippleFaceGeometry *geometry;
  StippleFaceDrawing         drawing;
  guint                      passes[STIPPLE_N_ZONES];
  guint                      rate_hz[STIPPLE_N_ZONES];
  guint64                    strokes[STIPPLE_N_ZONES];
  GtkWidget                 *zones[STIPPLE_N_ZONES];
  StippleFaceRect            layout;
};

G_DEFINE_FINAL_TYPE (StippleFaceMap, stipple_face_map, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SELECTED_ZONE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_ZONE_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
stipple_face_map_zone_contains (StippleFaceMap *self,
                                StippleZone     zone,
                                double          x,
                                double          y)
{
  if (self->layout.width <= 0 || self->layout.height <= 0)
    return FALSE;

  return stipple_face_geometry_zone_contains (self->geometry, zone,
                                              (x - self->layout.x) / self->layout.width,
                                              (y - self->layout.y) / self->layout.height);
}

static void
update_zone_description (StippleFaceMap *self,
                         StippleZone     zone)
{
  g_autofree char *text = NULL;

  if (self->drawing.depth_um[zone] == 0)
    text = g_strdup (_("No plan"));
  else
    {
      g_autoptr(GString) plan = g_string_new (NULL);

      g_string_append_printf (plan, _("%.2f mm"), self->drawing.depth_um[zone] / 1000.0);
      g_string_append (plan, ", ");
      g_string_append_printf (plan, g_dngettext (GETTEXT_PACKAGE, "%u pass", "%u passes",
                                                 self->passes[zone]), self->passes[zone]);
      g_string_append (plan, ", ");
      g_string_append_printf (plan, _("%u strokes/s"), self->rate_hz[zone]);
      if (self->drawing.limit_um[zone] > 0 &&
          self->drawing.depth_um[zone] > self->drawing.limit_um[zone])
        {
          g_string_append (plan, ", ");
          g_string_append_printf (plan, _("above its limit of %.2f mm"),
                                  self->drawing.limit_um[zone] / 1000.0);
        }
      text = g_string_free (g_steal_pointer (&plan), FALSE);
    }

  if (self->strokes[zone] > 0)
    {
      g_autofree char *with_strokes =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s; %" PRIu64 " stroke so far",
                                      "%s; %" PRIu64 " strokes so far", self->strokes[zone]),
                         text, self->strokes[zone]);
      g_free (text);
      text = g_steal_pointer (&with_strokes);
    }

  /* The tooltip first: GTK makes it the description, which is the plan alone. */
  {
    g_autofree char *tooltip = g_strdup_printf ("%s\n%s", stipple_zone_get_name (zone), text);
    gtk_widget_set_tooltip_text (self->zones[zone], tooltip);
  }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->zones[zone]),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
}

/**
 * stipple_face_map_set_zone_plan:
 * @self: a #StippleFaceMap
 * @zone: a zone
 * @depth_um: its deepest planned depth, 0 for no plan
 * @passes: its passes
 * @rate_hz: its stroke rate
 */
void
stipple_face_map_set_zone_plan (StippleFaceMap *self,
                                StippleZone     zone,
                                guint           depth_um,
                                guint           passes,
                                guint           rate_hz)
{
  g_return_if_fail (STIPPLE_IS_FACE_MAP (self));
  g_return_if_fail (stipple_zone_get_info (zone) != NULL);

  self->drawing.depth_um[zone] = depth_um;
  self->passes[zone] = passes;
  self->rate_hz[zone] = rate_hz;
  update_zone_description (self, zone);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * stipple_face_map_set_zone_limit:
 * @self: a #StippleFaceMap
 * @zone: a zone
 * @limit_um: its clinical limit
 */
void
stipple_face_map_set_zone_limit (StippleFaceMap *self,
                                 StippleZone     zone,
                                 guint           limit_um)
{
  g_return_if_fail (STIPPLE_IS_FACE_MAP (self));
  g_return_if_fail (stipple_zone_get_info (zone) != NULL);

  self->drawing.limit_um[zone] = limit_um;
  update_zone_description (self, zone);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * stipple_face_map_set_zone_strokes:
 * @self: a #StippleFaceMap
 * @zone: a zone
 * @strokes: strokes delivered so far
 */
void
stipple_face_map_set_zone_strokes (StippleFaceMap *self,
                                   StippleZone     zone,
                                   guint64         strokes)
{
  g_return_if_fail (STIPPLE_IS_FACE_MAP (self));
  g_return_if_fail (stipple_zone_get_info (zone) != NULL);

  self->strokes[zone] = strokes;
  update_zone_description (self, zone);
}

/**
 * stipple_face_map_set_selected_zone:
 * @self: a #StippleFaceMap
 * @zone: the zone to outline, or %STIPPLE_ZONE_NONE
 */
void
stipple_face_map_set_selected_zone (StippleFaceMap *self,
                                    StippleZone     zone)
{
  g_return_if_fail (STIPPLE_IS_FACE_MAP (self));

  if (stipple_zone_get_info (zone) == NULL)
    zone = STIPPLE_ZONE_NONE;
  if (self->drawing.selected == zone)
    return;

  if (self->drawing.selected != STIPPLE_ZONE_NONE)
    gtk_accessible_update_state (GTK_ACCESSIBLE (self->zones[self->drawing.selected]),
                                 GTK_ACCESSIBLE_STATE_PRESSED, GTK_ACCESSIBLE_TRISTATE_FALSE, -1);
  self->drawing.selected = zone;
  if (zone != STIPPLE_ZONE_NONE)
    gtk_accessible_update_state (GTK_ACCESSIBLE (self->zones[zone]),
                                 GTK_ACCESSIBLE_STATE_PRESSED, GTK_ACCESSIBLE_TRISTATE_TRUE, -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_ZONE]);
}

/**
 * stipple_face_map_get_selected_zone:
 * @self: a #StippleFaceMap
 *
 * Returns: the outlined zone
 */
StippleZone
stipple_face_map_get_selected_zone (StippleFaceMap *self)
{
  g_return_val_if_fail (STIPPLE_IS_FACE_MAP (self), STIPPLE_ZONE_NONE);

  return self->drawing.selected;
}

/**
 * stipple_face_map_get_zone_widget:
 * @self: a #StippleFaceMap
 * @zone: a zone
 *
 * Returns: (transfer none) (nullable): the widget standing for @zone
 */
GtkWidget *
stipple_face_map_get_zone_widget (StippleFaceMap *self,
                                  StippleZone     zone)
{
  g_return_val_if_fail (STIPPLE_IS_FACE_MAP (self), NULL);

  return stipple_zone_get_info (zone) != NULL ? self->zones[zone] : NULL;
}

static void
zone_activate_cb (StippleFaceZone *zone,
                  StippleFaceMap  *self)
{
  stipple_face_map_set_selected_zone (self, zone->zone);
  g_signal_emit (self, signals[SIGNAL_ZONE_ACTIVATED], 0, (guint) zone->zone);
}

static void
zone_focus_cb (StippleFaceZone *zone,
               GParamSpec      *pspec,
               StippleFaceMap  *self)
{
  if (gtk_widget_has_focus (GTK_WIDGET (zone)))
    self->drawing.focused = zone->zone;
  else if (self->drawing.focused == zone->zone)
    self->drawing.focused = STIPPLE_ZONE_NONE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
zone_centre (StippleFaceMap *self,
             StippleZone     zone,
             double         *x,
             double         *y)
{
  StippleFaceRect b;

  stipple_face_geometry_get_bounds (self->geometry, zone, &b);
  *x = (b.x + b.width / 2) * stipple_face_geometry_get_aspect (self->geometry);
  *y = b.y + b.height / 2;
}

/* The nearest zone in the arrow's direction, favouring the straight line. */
static StippleZone
zone_towards (StippleFaceMap *self,
              StippleZone     from,
              double          dx,
              double          dy)
{
  StippleZone best = STIPPLE_ZONE_NONE;
  double best_score = G_MAXDOUBLE, fx, fy;

  zone_centre (self, from, &fx, &fy);
  for (StippleZone z = 1; z < STIPPLE_N_ZONES; z++)
    {
      double x, y, along, across;

      if (z == from)
        continue;
      zone_centre (self, z, &x, &y);
      along = (x - fx) * dx + (y - fy) * dy;
      across = fabs ((x - fx) * dy - (y - fy) * dx);
      if (along <= 0.005)
        continue;
      if (along + 2 * across < best_score)
        {
          best_score = along + 2 * across;
          best = z;
        }
    }

  return best;
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                StippleFaceMap        *self)
{
  StippleZone from = self->drawing.focused, to;
  double dx = 0, dy = 0;

  switch (keyval)
    {
    case GDK_KEY_Left: case GDK_KEY_KP_Left: dx = -1; break;
    case GDK_KEY_Right: case GDK_KEY_KP_Right: dx = 1; break;
    case GDK_KEY_Up: case GDK_KEY_KP_Up: dy = -1; break;
    case GDK_KEY_Down: case GDK_KEY_KP_Down: dy = 1; break;
    default: return FALSE;
    }

  if (from == STIPPLE_ZONE_NONE)
    return FALSE;
  to = zone_towards (self, from, dx, dy);
  if (to != STIPPLE_ZONE_NONE)
    gtk_widget_grab_focus (self->zones[to]);

  return TRUE;
}

static void
stipple_face_map_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  for (guint z = 1; z < STIPPLE_N_ZONES; z++)
    {
      int child_min, child_nat;

      gtk_widget_measure (STIPPLE_FACE_MAP (widget)->zones[z], orientation, -1,
                          &child_min, &child_nat, NULL, NULL);
    }

  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 260 : 300;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 520 : 600;
}

static void
stipple_face_map_size_allocate (GtkWidget *widget,
                                int        width,
                                int        height,
                                int        baseline)
{
  StippleFaceMap *self = STIPPLE_FACE_MAP (widget);

  self->layout = stipple_face_layout (self->geometry, width, height, TRUE);
  for (guint z = 1; z < STIPPLE_N_ZONES; z++)
    {
      StippleFaceRect b;
      GtkAllocation a;

      stipple_face_geometry_get_bounds (self->geometry, z, &b);
      a.x = (int) floor (self->layout.x + b.x * self->layout.width);
      a.y = (int) floor (self->layout.y + b.y * self->layout.height);
      a.width = MAX (1, (int) ceil (b.width * self->layout.width) + 1);
      a.height = MAX (1, (int) ceil (b.height * self->layout.height) + 1);
      gtk_widget_size_allocate (self->zones[z], &a, -1);
    }
}

static void
stipple_face_map_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  StippleFaceMap *self = STIPPLE_FACE_MAP (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GdkRGBA fg;
  double luminance;
  cairo_t *cr;

  /* Ink from the style, paper its opposite: the map follows dark mode. */
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  self->drawing.fg[0] = fg.red;
  self->drawing.fg[1] = fg.green;
  self->drawing.fg[2] = fg.blue;
  luminance = 0.299 * fg.red + 0.587 * fg.green + 0.114 * fg.blue;
  self->drawing.bg[0] = self->drawing.bg[1] = self->drawing.bg[2] = luminance > 0.5 ? 0.14 : 0.98;
  self->drawing.legend = TRUE;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  stipple_face_draw (self->geometry, cr, width, height, &self->drawing);
  cairo_destroy (cr);
}

/**
 * stipple_face_map_new:
 * @geometry: (nullable): the face map to show; %NULL for the built-in one
 *
 * Returns: (transfer full): a new face map
 */
GtkWidget *
stipple_face_map_new (const StippleFaceGeometry *geometry)
{
  StippleFaceMap *self = g_object_new (STIPPLE_TYPE_FACE_MAP, NULL);
  StippleZone order[STIPPLE_N_ZONES - 1];

  self->geometry = geometry ? geometry : stipple_face_geometry_get_default ();

  /* Tab walks the zones as the eye reads the face: top to bottom, then
   * the viewer's left to right. */
  for (guint z = 1; z < STIPPLE_N_ZONES; z++)
    order[z - 1] = z;
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    for (guint j = i + 1; j < G_N_ELEMENTS (order); j++)
      {
        StippleFaceRect a, b;

        stipple_face_geometry_get_bounds (self->geometry, order[i], &a);
        stipple_face_geometry_get_bounds (self->geometry, order[j], &b);
        if (b.y + b.height / 2 < a.y + a.height / 2 - 0.02 ||
            (fabs ((b.y + b.height / 2) - (a.y + a.height / 2)) <= 0.02 && b.x < a.x))
          {
            StippleZone t = order[i];
            order[i] = order[j];
            order[j] = t;
          }
      }

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      StippleZone z = order[i];
      StippleFaceZone *zone = g_object_new (STIPPLE_TYPE_FACE_ZONE, NULL);

      zone->zone = z;
      self->zones[z] = GTK_WIDGET (zone);
      gtk_widget_set_parent (GTK_WIDGET (zone), GTK_WIDGET (self));
      gtk_accessible_update_property (GTK_ACCESSIBLE (zone), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      stipple_zone_get_name (z), -1);
      g_signal_connect (zone, "activate", G_CALLBACK (zone_activate_cb), self);
      g_signal_connect (zone, "notify::has-focus", G_CALLBACK (zone_focus_cb), self);
      update_zone_description (self, z);
    }

  return GTK_WIDGET (self);
}

static void
stipple_face_map_dispose (GObject *object)
{
  StippleFaceMap *self = STIPPLE_FACE_MAP (object);

  for (guint z = 1; z < STIPPLE_N_ZONES; z++)
    g_clear_pointer (&self->zones[z], gtk_widget_unparent);

  G_OBJECT_CLASS (stipple_face_map_parent_class)->dispose (object);
}

static void
stipple_face_map_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  StippleFaceMap *self = STIPPLE_FACE_MAP (object);

  switch (prop_id)
    {
    case PROP_SELECTED_ZONE:
      g_value_set_uint (value, self->drawing.selected);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stipple_face_map_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  StippleFaceMap *self = STIPPLE_FACE_MAP (object);

  switch (prop_id)
    {
    case PROP_SELECTED_ZONE:
      stipple_face_map_set_selected_zone (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stipple_face_map_class_init (StippleFaceMapClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = stipple_face_map_dispose;
  object_class->get_property = stipple_face_map_get_property;
  object_class->set_property = stipple_face_map_set_property;

  widget_class->measure = stipple_face_map_measure;
  widget_class->size_allocate = stipple_face_map_size_allocate;
  widget_class->snapshot = stipple_face_map_snapshot;

  /**
   * StippleFaceMap:selected-zone:
   *
   * The zone outlined on the map.
   */
  properties[PROP_SELECTED_ZONE] =
    g_param_spec_uint ("selected-zone", NULL, NULL, 0, STIPPLE_N_ZONES - 1, 0,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * StippleFaceMap::zone-activated:
   * @zone: the zone clicked, touched, or chosen with Enter or Space
   */
  signals[SIGNAL_ZONE_ACTIVATED] =
    g_signal_new ("zone-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
  gtk_widget_class_set_css_name (widget_class, "facemap");
}

static void
stipple_face_map_init (StippleFaceMap *self)
{
  GtkEventController *keys = gtk_event_controller_key_new ();

  stipple_face_drawing_init (&self->drawing);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Face map"), -1);
}
