/* test-face-map.c: the face map widget, as pointer, keyboard and screen
 * reader meet it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

#include "stipple-face-map.h"
#include "stipple-test-a11y.h"

typedef struct
{
  GtkWidget      *window;
  StippleFaceMap *map;
  GArray         *activated;
} Fixture;

static void
zone_activated_cb (StippleFaceMap *map,
                   guint           zone,
                   Fixture        *f)
{
  g_array_append_val (f->activated, zone);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->window = gtk_window_new ();
  f->map = STIPPLE_FACE_MAP (stipple_face_map_new (NULL));
  f->activated = g_array_new (FALSE, FALSE, sizeof (guint));
  g_signal_connect (f->map, "zone-activated", G_CALLBACK (zone_activated_cb), f);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 720, 640);
  gtk_window_set_child (GTK_WINDOW (f->window), GTK_WIDGET (f->map));
  gtk_window_present (GTK_WINDOW (f->window));
  stipple_test_wait_mapped (GTK_WIDGET (f->map));
  stipple_test_iterate (100);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_array_unref (f->activated);
}

static void
assert_description (GtkWidget  *widget,
                    const char *want)
{
  g_autofree char *mismatch =
    gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, want);

  if (mismatch != NULL)
    g_error ("description is “%s”, wanted “%s”", mismatch, want);
}

static void
test_accessible (Fixture       *f,
                 gconstpointer  data)
{
  GtkWidget *zone;

  g_assert_true (stipple_test_find_accessible (f->window, GTK_ACCESSIBLE_ROLE_GROUP, "Face map") ==
                 GTK_WIDGET (f->map));

  /* Every zone a focusable button, named after it, with no plan yet. */
  for (guint z = 1; z < STIPPLE_N_ZONES; z++)
    {
      GtkWidget *found = stipple_test_find_accessible (f->window, GTK_ACCESSIBLE_ROLE_BUTTON,
                                                       stipple_zone_get_name (z));

      g_assert_nonnull (found);
      g_assert_true (found == stipple_face_map_get_zone_widget (f->map, z));
      g_assert_true (gtk_widget_get_focusable (found));
      assert_description (found, "No plan");
    }

  zone = stipple_face_map_get_zone_widget (f->map, STIPPLE_ZONE_CHEEK_RIGHT);
  stipple_face_map_set_zone_limit (f->map, STIPPLE_ZONE_CHEEK_RIGHT, 1000);
  stipple_face_map_set_zone_plan (f->map, STIPPLE_ZONE_CHEEK_RIGHT, 750, 2, 120);
  assert_description (zone, "0.75 mm, 2 passes, 120 strokes/s");
  stipple_face_map_set_zone_strokes (f->map, STIPPLE_ZONE_CHEEK_RIGHT, 340);
  assert_description (zone, "0.75 mm, 2 passes, 120 strokes/s; 340 strokes so far");
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (zone), "Right cheek"));

  /* Past the limit is said in words, not shown by colour alone. */
  stipple_face_map_set_zone_plan (f->map, STIPPLE_ZONE_CHEEK_RIGHT, 1250, 1, 100);
  assert_description (zone, "1.25 mm, 1 pass, 100 strokes/s, above its limit of 1.00 mm; "
                            "340 strokes so far");
  assert_description (stipple_face_map_get_zone_widget (f->map, STIPPLE_ZONE_CHEEK_LEFT), "No plan");
}

/* A point well inside @zone, in the map's coordinates, found by asking the
 * widget itself which zone is under the pointer. */
static gboolean
point_in_zone (Fixture     *f,
               StippleZone  zone,
               double      *px,
               double      *py)
{
  GtkWidget *target = stipple_face_map_get_zone_widget (f->map, zone);
  graphene_rect_t bounds;

  g_assert_true (gtk_widget_compute_bounds (target, GTK_WIDGET (f->map), &bounds));
  for (int row = 1; row < 20; row++)
    for (int col = 1; col < 20; col++)
      {
        double x = bounds.origin.x + bounds.size.width * col / 20.0;
        double y = bounds.origin.y + bounds.size.height * row / 20.0;

        if (gtk_widget_pick (GTK_WIDGET (f->map), x, y, GTK_PICK_DEFAULT) == target)
          {
            *px = x;
            *py = y;
            return TRUE;
          }
      }

  return FALSE;
}

static void
test_pick (Fixture       *f,
           gconstpointer  data)
{
  /* Every zone can be hit, and where it is hit no other zone answers:
   * picking follows the zones' outlines, not their boxes (the nasolabial
   * folds lie inside the cheeks' boxes). */
  for (guint z = 1; z < STIPPLE_N_ZONES; z++)
    {
      double x, y;

      g_assert_true (point_in_zone (f, z, &x, &y));
    }

  {
    GtkWidget *cheek = stipple_face_map_get_zone_widget (f->map, STIPPLE_ZONE_CHEEK_LEFT);
    GtkWidget *fold = stipple_face_map_get_zone_widget (f->map, STIPPLE_ZONE_NASOLABIAL_LEFT);
    double x, y;

    g_assert_true (point_in_zone (f, STIPPLE_ZONE_NASOLABIAL_LEFT, &x, &y));
    g_assert_true (gtk_widget_pick (GTK_WIDGET (f->map), x, y, GTK_PICK_DEFAULT) == fold);
    g_assert_false (gtk_widget_pick (GTK_WIDGET (f->map), x, y, GTK_PICK_DEFAULT) == cheek);
  }

  /* The corner is no zone. */
  g_assert_true (gtk_widget_pick (GTK_WIDGET (f->map), 2, 2, GTK_PICK_DEFAULT) == GTK_WIDGET (f->map));
}

/* An arrow key as the map's key controller receives it. */
static void
send_key (Fixture *f,
          guint    keyval)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (f->map));
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller))
        g_signal_emit_by_name (controller, "key-pressed", keyval, 0, (GdkModifierType) 0, &handled);
    }
  g_assert_true (handled);
}

static void
test_keyboard (Fixture       *f,
               gconstpointer  data)
{
  GtkWidget *forehead = stipple_face_map_get_zone_widget (f->map, STIPPLE_ZONE_FOREHEAD);
  GtkWidget *nose = stipple_face_map_get_zone_widget (f->map, STIPPLE_ZONE_NOSE);
  GtkWidget *focus;

  /* Tab starts at the top of the face, reading from the viewer's left:
   * the patient's right temple or the forehead. */
  gtk_widget_child_focus (GTK_WIDGET (f->map), GTK_DIR_TAB_FORWARD);
  focus = gtk_root_get_focus (GTK_ROOT (f->window));
  g_assert_true (focus == forehead ||
                 focus == stipple_face_map_get_zone_widget (f->map, STIPPLE_ZONE_TEMPLE_RIGHT));
  /* ... and ends at the bottom, the décolletage. */
  gtk_widget_grab_focus (stipple_face_map_get_zone_widget (f->map, STIPPLE_ZONE_NECK));
  gtk_widget_child_focus (GTK_WIDGET (f->map), GTK_DIR_TAB_FORWARD);
  g_assert_true (gtk_root_get_focus (GTK_ROOT (f->window)) ==
                 stipple_face_map_get_zone_widget (f->map, STIPPLE_ZONE_DECOLLETAGE));

  /* Down from the forehead reaches the glabella, then the nose. */
  gtk_widget_grab_focus (forehead);
  send_key (f, GDK_KEY_Down);
  g_assert_true (gtk_root_get_focus (GTK_ROOT (f->window)) ==
                 stipple_face_map_get_zone_widget (f->map, STIPPLE_ZONE_GLABELLA));
  send_key (f, GDK_KEY_Down);
  g_assert_true (gtk_root_get_focus (GTK_ROOT (f->window)) == nose);

  /* Left of the nose, on the viewer's left, is the patient's right side. */
  send_key (f, GDK_KEY_Left);
  focus = gtk_root_get_focus (GTK_ROOT (f->window));
  g_assert_true (focus != nose);
  {
    const char *key = NULL;

    for (guint z = 1; z < STIPPLE_N_ZONES; z++)
      if (stipple_face_map_get_zone_widget (f->map, z) == focus)
        key = stipple_zone_get_key (z);
    g_assert_nonnull (key);
    g_assert_true (g_str_has_suffix (key, "-right"));
  }

  /* Enter selects what has the focus. */
  gtk_widget_grab_focus (nose);
  gtk_widget_activate (nose);
  g_assert_cmpuint (f->activated->len, ==, 1);
  g_assert_cmpuint (g_array_index (f->activated, guint, 0), ==, STIPPLE_ZONE_NOSE);
  g_assert_cmpint (stipple_face_map_get_selected_zone (f->map), ==, STIPPLE_ZONE_NOSE);
}

int
main (int   argc,
      char *argv[])
{
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_printerr ("test-face-map needs a display; run it through ./build-aux/dev test\n");
      return 1;
    }

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/stipple/face-map/accessible", Fixture, NULL, fixture_set_up, test_accessible,
              fixture_tear_down);
  g_test_add ("/stipple/face-map/pick", Fixture, NULL, fixture_set_up, test_pick, fixture_tear_down);
  g_test_add ("/stipple/face-map/keyboard", Fixture, NULL, fixture_set_up, test_keyboard,
              fixture_tear_down);

  return g_test_run ();
}
