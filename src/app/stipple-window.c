/* stipple-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-window"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-window.h"

struct _StippleWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;

  /* Template children */
  AdwWindowTitle       *window_title;
  GtkWidget            *demo_banner;
  GtkStack             *main_stack;
  AdwStatusPage        *error_page;
};

G_DEFINE_FINAL_TYPE (StippleWindow, stipple_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
store_changed_cb (StippleWindow      *self,
                  GParamSpec         *pspec,
                  StippleApplication *application)
{
  const GError *error = stipple_application_get_store_error (application);

  if (stipple_application_get_store (application) != NULL)
    gtk_stack_set_visible_child_name (self->main_stack, "workspace");
  else if (error != NULL)
    {
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->main_stack, "error");
    }
  else if (stipple_application_get_database (application) == NULL)
    gtk_stack_set_visible_child_name (self->main_stack, "workspace");
  else
    gtk_stack_set_visible_child_name (self->main_stack, "opening");
}

static void
stipple_window_show_patient_file (StippleWindow      *self,
                                  StippleApplication *application)
{
  const char *database = stipple_application_get_database (application);

  gtk_widget_set_visible (self->demo_banner, stipple_application_get_demo (application));
  if (database != NULL)
    {
      g_autofree char *basename = g_path_get_basename (database);

      adw_window_title_set_subtitle (self->window_title, basename);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->window_title), database);
    }

  g_signal_connect_object (application, "notify::store", G_CALLBACK (store_changed_cb), self,
                           G_CONNECT_SWAPPED);
  store_changed_cb (self, NULL, application);
}

/**
 * stipple_window_new:
 * @application: the #StippleApplication
 *
 * Returns: (transfer full): a new main window for @application
 */
StippleWindow *
stipple_window_new (StippleApplication *application)
{
  StippleWindow *self;

  g_return_val_if_fail (STIPPLE_IS_APPLICATION (application), NULL);

  self = g_object_new (STIPPLE_TYPE_WINDOW,
                       "application", application,
                       "settings", stipple_application_get_settings (application),
                       NULL);
  stipple_window_show_patient_file (self, application);

  return self;
}

static void
stipple_window_load_state (StippleWindow *self)
{
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static gboolean
stipple_window_close_request (GtkWindow *window)
{
  StippleWindow *self = STIPPLE_WINDOW (window);
  int width, height;

  if (self->settings != NULL)
    {
      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
      g_settings_set_boolean (self->settings, "window-maximized",
                              gtk_window_is_maximized (window));
    }

  return GTK_WINDOW_CLASS (stipple_window_parent_class)->close_request (window);
}

static void
stipple_window_constructed (GObject *object)
{
  StippleWindow *self = STIPPLE_WINDOW (object);

  G_OBJECT_CLASS (stipple_window_parent_class)->constructed (object);

  if (g_strcmp0 (PROFILE, "Devel") == 0)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  if (self->settings != NULL)
    stipple_window_load_state (self);
}

static void
stipple_window_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  StippleWindow *self = STIPPLE_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stipple_window_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  StippleWindow *self = STIPPLE_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stipple_window_dispose (GObject *object)
{
  StippleWindow *self = STIPPLE_WINDOW (object);

  g_clear_object (&self->settings);

  gtk_widget_dispose_template (GTK_WIDGET (self), STIPPLE_TYPE_WINDOW);

  G_OBJECT_CLASS (stipple_window_parent_class)->dispose (object);
}

static void
stipple_window_class_init (StippleWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = stipple_window_constructed;
  object_class->dispose = stipple_window_dispose;
  object_class->get_property = stipple_window_get_property;
  object_class->set_property = stipple_window_set_property;

  window_class->close_request = stipple_window_close_request;

  /**
   * StippleWindow:settings:
   *
   * The application settings the window keeps its state in.
   */
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL,
                         G_TYPE_SETTINGS,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/stipple-window.ui");
  gtk_widget_class_bind_template_child (widget_class, StippleWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, StippleWindow, demo_banner);
  gtk_widget_class_bind_template_child (widget_class, StippleWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, StippleWindow, error_page);
}

static void
stipple_window_init (StippleWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
