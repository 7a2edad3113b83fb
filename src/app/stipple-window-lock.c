/* stipple-window-lock.c
 *
 * The main window's idle lock: after a spell with no input the window
 * hides every patient's data, with the windows that show any, until the
 * user at the seat unlocks it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-window"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-a11y.h"
#include "stipple-window-private.h"

/**
 * stipple_window_lock:
 * @self: a #StippleWindow
 *
 * Hides every patient's data behind the lock page, with the windows that
 * show any, and stops the needle. Nothing typed is discarded: hidden
 * windows come back as they were on unlocking.
 */
void
stipple_window_lock (StippleWindow *self)
{
  g_autoptr(GList) toplevels = NULL;

  g_return_if_fail (STIPPLE_IS_WINDOW (self));

  if (stipple_window_get_locked (self))
    return;

  stipple_window_stop_needle (self, STIPPLE_STOP_LOCK);

  toplevels = gtk_window_list_toplevels ();
  for (GList *l = toplevels; l != NULL; l = l->next)
    if (l->data != (gpointer) self && gtk_widget_get_visible (l->data) &&
        gtk_window_get_transient_for (l->data) == GTK_WINDOW (self))
      {
        g_ptr_array_add (self->hidden_windows, g_object_ref (l->data));
        gtk_widget_set_visible (l->data, FALSE);
      }

  g_free (self->unlocked_page);
  self->unlocked_page = g_strdup (gtk_stack_get_visible_child_name (self->main_stack));
  gtk_stack_set_visible_child_name (self->main_stack, "locked");
  gtk_widget_set_visible (self->sidebar, FALSE);
}

/**
 * stipple_window_unlock:
 * @self: a #StippleWindow
 *
 * The user at the seat confirmed they are there: everything comes back.
 */
void
stipple_window_unlock (StippleWindow *self)
{
  g_return_if_fail (STIPPLE_IS_WINDOW (self));

  if (!stipple_window_get_locked (self))
    return;

  gtk_stack_set_visible_child_name (self->main_stack, self->unlocked_page ? self->unlocked_page
                                                                           : "workspace");
  gtk_widget_set_visible (self->sidebar, stipple_window_get_treatment (self) == NULL);
  for (guint i = 0; i < self->hidden_windows->len; i++)
    gtk_window_present (g_ptr_array_index (self->hidden_windows, i));
  g_ptr_array_set_size (self->hidden_windows, 0);
  self->last_activity = g_get_monotonic_time ();
}

/**
 * stipple_window_get_locked:
 * @self: a #StippleWindow
 *
 * Returns: whether the window is locked
 */
gboolean
stipple_window_get_locked (StippleWindow *self)
{
  g_return_val_if_fail (STIPPLE_IS_WINDOW (self), FALSE);

  return g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "locked") == 0;
}

static void
activity_cb (StippleWindow *self)
{
  self->last_activity = g_get_monotonic_time ();
}

/* Every key counts as activity and then goes on to its widget: this
 * handler only watches, so it must say the key was not handled, or no
 * key (the emergency stop's included) would reach the window. */
static gboolean
activity_key_pressed_cb (GtkEventControllerKey *controller,
                         guint                  keyval,
                         guint                  keycode,
                         GdkModifierType        state,
                         StippleWindow         *self)
{
  activity_cb (self);
  return GDK_EVENT_PROPAGATE;
}

static void
activity_motion_cb (GtkEventControllerMotion *controller,
                    double                    x,
                    double                    y,
                    StippleWindow            *self)
{
  activity_cb (self);
}

static void
activity_pressed_cb (GtkGestureClick *gesture,
                     int              n_press,
                     double           x,
                     double           y,
                     StippleWindow   *self)
{
  activity_cb (self);
}

static gboolean
idle_check_cb (gpointer user_data)
{
  StippleWindow *self = user_data;
  guint minutes = self->settings ? g_settings_get_uint (self->settings, "idle-lock-minutes") : 30;

  /* A running needle is activity: never lock in the middle of a stroke
   * pattern; the lock comes once the needle stops. */
  if (stipple_window_get_treatment (self) != NULL &&
      stipple_treatment_get_armed (stipple_window_get_treatment (self)))
    self->last_activity = g_get_monotonic_time ();

  if (g_get_monotonic_time () - self->last_activity >= (gint64) minutes * 60 * G_USEC_PER_SEC)
    stipple_window_lock (self);

  return G_SOURCE_CONTINUE;
}

void
stipple_window_setup_idle_lock (StippleWindow *self)
{
  GtkEventController *key = gtk_event_controller_key_new ();
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkGesture *click = gtk_gesture_click_new ();
  g_autofree char *unlock = NULL;
  const char *name = g_get_real_name ();

  /* Any input anywhere in the window counts, before any widget takes it. */
  gtk_event_controller_set_propagation_phase (key, GTK_PHASE_CAPTURE);
  gtk_event_controller_set_propagation_phase (motion, GTK_PHASE_CAPTURE);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect (key, "key-pressed", G_CALLBACK (activity_key_pressed_cb), self);
  g_signal_connect (motion, "motion", G_CALLBACK (activity_motion_cb), self);
  g_signal_connect (click, "pressed", G_CALLBACK (activity_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), key);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  if (name == NULL || *name == '\0' || g_str_equal (name, "Unknown"))
    name = g_get_user_name ();
  unlock = g_strdup_printf (_("_Unlock as %s"), name);
  gtk_button_set_label (self->unlock_button, unlock);
  gtk_button_set_use_underline (self->unlock_button, TRUE);
  stipple_a11y_name_once (GTK_WIDGET (self->unlock_button));

  self->last_activity = g_get_monotonic_time ();
  self->idle_check_id = g_timeout_add_seconds (15, idle_check_cb, self);
}

