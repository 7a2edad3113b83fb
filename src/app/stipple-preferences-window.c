/* stipple-preferences-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-preferences"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-preferences-window.h"

struct _StipplePreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;

  /* Template children */
  AdwEntryRow          *clinic_name_row;
  AdwEntryRow          *clinic_address_row;
  AdwComboRow          *color_scheme_row;
};

G_DEFINE_FINAL_TYPE (StipplePreferencesWindow, stipple_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/**
 * stipple_preferences_window_new:
 * @settings: the application settings to edit
 *
 * Returns: (transfer full): a new preferences window
 */
StipplePreferencesWindow *
stipple_preferences_window_new (GSettings *settings)
{
  StipplePreferencesWindow *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (STIPPLE_TYPE_PREFERENCES_WINDOW, NULL);
  self->settings = g_object_ref (settings);

  g_settings_bind (settings, "clinic-name", self->clinic_name_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "clinic-address", self->clinic_address_row, "text",
                   G_SETTINGS_BIND_DEFAULT);
  adw_combo_row_set_selected (self->color_scheme_row,
                              (guint) g_settings_get_enum (settings, "color-scheme"));

  return self;
}

static void
color_scheme_selected_cb (StipplePreferencesWindow *self)
{
  if (self->settings == NULL)
    return;

  g_settings_set_enum (self->settings, "color-scheme",
                       (int) adw_combo_row_get_selected (self->color_scheme_row));
}

static void
stipple_preferences_window_dispose (GObject *object)
{
  StipplePreferencesWindow *self = STIPPLE_PREFERENCES_WINDOW (object);

  g_clear_object (&self->settings);

  gtk_widget_dispose_template (GTK_WIDGET (self), STIPPLE_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (stipple_preferences_window_parent_class)->dispose (object);
}

static void
stipple_preferences_window_class_init (StipplePreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = stipple_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/stipple-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, StipplePreferencesWindow, clinic_name_row);
  gtk_widget_class_bind_template_child (widget_class, StipplePreferencesWindow, clinic_address_row);
  gtk_widget_class_bind_template_child (widget_class, StipplePreferencesWindow, color_scheme_row);
  gtk_widget_class_bind_template_callback (widget_class, color_scheme_selected_cb);
}

static void
stipple_preferences_window_init (StipplePreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
