/* stipple-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-application"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "stipple-a11y.h"
#include "stipple-application.h"
#include "stipple-database-path.h"
#include "stipple-preferences-window.h"
#include "stipple-report-session.h"
#include "stipple-sim-transport.h"
#include "stipple-usb-transport.h"
#include "stipple-window.h"

/* Exit status for a command line that cannot be used, as in sysexits'
 * EX_USAGE tradition of "2" used by most GNU tools. */
#define EXIT_USAGE 2

struct _StippleApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
  StippleStore   *store;
  StipplePen     *pen;
  GError         *store_error;
  char           *database;
  gboolean        demo;
  gboolean        simulate;
  gboolean        measure_startup;
  gboolean        options_parsed;
};

G_DEFINE_FINAL_TYPE (StippleApplication, stipple_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const GOptionEntry option_entries[] = {
  { "version", 'v', 0, G_OPTION_ARG_NONE, NULL,
    N_("Show the version and exit"), NULL },
  { "simulate", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Use the simulated pen, even if a real pen is plugged in"), NULL },
  { "database", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Use the patient file at PATH"), N_("PATH") },
  { "demo", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Use the demo patient file instead of the real one"), NULL },
  { "export-pdf", 0, 0, G_OPTION_ARG_INT64, NULL,
    N_("Write the report of session ID to FILE, without opening a window"), N_("ID") },
  { "verify", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Check the patient file at PATH for changes made outside Stipple, then exit"), N_("PATH") },
  { "patient-copy", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("With --export-pdf: the patient’s copy instead of the clinic’s record"), NULL },
  { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, NULL, NULL, N_("[FILE]") },
  /* Used by bench/: print the monotonic time of the first frame, then quit. */
  { "measure-startup", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, NULL,
    NULL, NULL },
  { NULL }
};

/**
 * stipple_application_new:
 *
 * Returns: (transfer full): a new #StippleApplication
 */
StippleApplication *
stipple_application_new (void)
{
  return g_object_new (STIPPLE_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       /* Both profiles share one resource tree. */
                       "resource-base-path", RESOURCE_PATH,
                       NULL);
}

/**
 * stipple_application_get_database:
 * @self: a #StippleApplication
 *
 * Returns: the path of the patient file in use
 */
const char *
stipple_application_get_database (StippleApplication *self)
{
  g_return_val_if_fail (STIPPLE_IS_APPLICATION (self), NULL);

  return self->database;
}

/**
 * stipple_application_get_demo:
 * @self: a #StippleApplication
 *
 * Returns: whether the demo patient file is in use
 */
gboolean
stipple_application_get_demo (StippleApplication *self)
{
  g_return_val_if_fail (STIPPLE_IS_APPLICATION (self), FALSE);

  return self->demo;
}

/**
 * stipple_application_get_simulate:
 * @self: a #StippleApplication
 *
 * Returns: whether the simulated pen is used instead of a USB pen
 */
gboolean
stipple_application_get_simulate (StippleApplication *self)
{
  g_return_val_if_fail (STIPPLE_IS_APPLICATION (self), FALSE);

  return self->simulate;
}

/**
 * stipple_application_get_settings:
 * @self: a #StippleApplication
 *
 * Returns: (transfer none): the application's settings
 */
GSettings *
stipple_application_get_settings (StippleApplication *self)
{
  g_return_val_if_fail (STIPPLE_IS_APPLICATION (self), NULL);

  return self->settings;
}

static gboolean
stipple_application_local_command_line (GApplication   *application,
                                        char         ***arguments,
                                        int            *exit_status)
{
  StippleApplication *self = STIPPLE_APPLICATION (application);
  gboolean handled;

  handled = G_APPLICATION_CLASS (stipple_application_parent_class)->local_command_line (application,
                                                                                      arguments,
                                                                                      exit_status);

  /* GApplication reports a parse failure with status 1 before our
   * handle-local-options ever runs; make it the usage status. */
  if (handled && !self->options_parsed && *exit_status != 0)
    {
      g_printerr (_("Run “%s --help” to see the available options.\n"), g_get_prgname ());
      *exit_status = EXIT_USAGE;
    }

  return handled;
}

/**
 * stipple_application_get_store:
 * @self: a #StippleApplication
 *
 * Returns: (transfer none) (nullable): the open patient file, or %NULL
 *   while it is being opened or when it could not be
 */
StippleStore *
stipple_application_get_store (StippleApplication *self)
{
  g_return_val_if_fail (STIPPLE_IS_APPLICATION (self), NULL);

  return self->store;
}

/**
 * stipple_application_get_store_error:
 * @self: a #StippleApplication
 *
 * Returns: (transfer none) (nullable): why the patient file could not be opened
 */
const GError *
stipple_application_get_store_error (StippleApplication *self)
{
  g_return_val_if_fail (STIPPLE_IS_APPLICATION (self), NULL);

  return self->store_error;
}

/**
 * stipple_application_get_pen:
 * @self: a #StippleApplication
 *
 * Returns: (transfer none) (nullable): the pen, USB or simulated; %NULL
 *   before startup
 */
StipplePen *
stipple_application_get_pen (StippleApplication *self)
{
  g_return_val_if_fail (STIPPLE_IS_APPLICATION (self), NULL);

  return self->pen;
}

/* An administrator may change the accepted pens while Stipple runs. */
static void
pen_usb_ids_changed_cb (GSettings           *settings,
                        const char          *key,
                        StippleUsbTransport *transport)
{
  g_auto(GStrv) ids = g_settings_get_strv (settings, key);

  stipple_usb_transport_set_ids (transport, (const char * const *) ids);
}

static void
start_pen (StippleApplication *self)
{
  g_autoptr(StippleTransport) transport = NULL;
  g_autoptr(GError) error = NULL;

  /* --simulate, and the demo, use the pen model in process; otherwise the
   * USB pen, found by hotplug or polling whenever it is plugged in. */
  if (self->simulate)
    transport = stipple_sim_transport_new (NULL, FALSE);
  else
    {
      /* The accepted pens are a setting (docs/pen-protocol.md, section 1.1). */
      g_auto(GStrv) ids = g_settings_get_strv (self->settings, "pen-usb-ids");

      transport = stipple_usb_transport_new_for_ids ((const char * const *) ids, TRUE);
      g_signal_connect_object (self->settings, "changed::pen-usb-ids",
                               G_CALLBACK (pen_usb_ids_changed_cb), transport, 0);
    }

  self->pen = stipple_pen_new (transport);
  if (!stipple_pen_start (self->pen, &error))
    /* Not fatal: the status shows "no pen" with this reason, and the
     * transport keeps looking. */
    g_printerr (_("The pen cannot be used: %s\n"), error->message);
}

static void
open_store_thread_cb (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  StippleApplication *self = source_object;
  g_autoptr(StippleStore) store = NULL;
  g_autoptr(GError) error = NULL;

  store = stipple_store_open (self->database, &error);
  /* The demo file fills itself with the demo patients on first use; a
   * file that already holds patients is left as it is. */
  if (store != NULL && self->demo && !stipple_store_fill_demo (store, NULL, &error))
    g_clear_object (&store);

  if (store == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_steal_pointer (&store), g_object_unref);
}

static void
open_store_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  StippleApplication *self = STIPPLE_APPLICATION (object);
  g_autoptr(GError) error = NULL;

  self->store = g_task_propagate_pointer (G_TASK (result), &error);
  if (self->store == NULL)
    {
      g_printerr (_("Cannot open the patient file “%s”: %s\n"), self->database, error->message);
      self->store_error = g_steal_pointer (&error);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
  g_application_release (G_APPLICATION (self));
}

/* stipple --export-pdf ID FILE: the report, with no window and no pen. */
static int
export_pdf (StippleApplication *self,
            gint64              session_id,
            const char         *path,
            gboolean            patient_copy)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autoptr(GVariant) overrides = g_settings_get_value (settings, "zone-limits");
  g_autofree char *clinic_name = g_settings_get_string (settings, "clinic-name");
  g_autofree char *clinic_address = g_settings_get_string (settings, "clinic-address");
  g_autoptr(StippleStore) store = NULL;
  g_autoptr(StippleReportData) data = NULL;
  g_autoptr(GError) error = NULL;
  StippleZoneLimits limits;

  stipple_zone_limits_init_defaults (&limits);
  stipple_zone_limits_apply_variant (&limits, overrides);

  /* Writing a report only reads the patient file. */
  store = stipple_store_open_read_only (self->database, &error);
  if (store != NULL)
    data = stipple_report_data_from_session (store, session_id, clinic_name, clinic_address,
                                             &limits, &error);
  if (data != NULL)
    data->clinic_phone = g_settings_get_string (settings, "clinic-phone");
  if (data == NULL ||
      !stipple_report_write_pdf (data, patient_copy ? STIPPLE_REPORT_PATIENT : STIPPLE_REPORT_CHART,
                                 path, &error))
    {
      g_printerr (_("The report was not written: %s\n"), error->message);
      if (store != NULL)
        stipple_store_close (store);
      return 1;
    }

  stipple_store_close (store);
  g_print (_("Wrote the report of session %" PRId64 " to %s\n"), session_id, path);
  return 0;
}

/* stipple --verify FILE: 0 when the record is whole, 1 when it is broken
 * somewhere (each place printed), 2 when the file cannot be checked. */
static int
verify_file (const char *path)
{
  g_autoptr(StippleStore) store = NULL;
  g_autoptr(StippleVerifyResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_filename_display_name (path);

  store = stipple_store_open_read_only (path, &error);
  if (store != NULL)
    result = stipple_store_verify (store, 0, &error);
  if (result == NULL)
    {
      g_printerr (_("The patient file cannot be checked: %s\n"), error->message);
      return 2;
    }

  for (guint i = 0; i < result->breaks->len; i++)
    {
      const StippleVerifyBreak *b = g_ptr_array_index (result->breaks, i);

      g_print ("%s\n", b->message);
    }
  g_print (_("Chain head: audit row %" PRId64 ", SHA-256 %s\n"), result->head_id, result->head_hash);
  if (result->breaks->len > 0)
    {
      g_print (g_dngettext (GETTEXT_PACKAGE, "%s: %u break found.\n", "%s: %u breaks found.\n",
                            result->breaks->len),
               name, result->breaks->len);
      return 1;
    }
  g_print (_("%s: the record is whole (%" PRId64 " audit rows, %" PRId64 " sealed sessions).\n"),
           name, result->n_rows, result->n_sealed);
  return 0;
}

static int
stipple_application_handle_local_options (GApplication *application,
                                          GVariantDict *options)
{
  StippleApplication *self = STIPPLE_APPLICATION (application);
  g_autoptr(GError) error = NULL;
  g_autofree const char **remaining = NULL;
  const char *requested = NULL;
  gint64 export_session = 0;

  self->options_parsed = TRUE;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
      return 0;
    }
  if (g_variant_dict_lookup (options, "verify", "^&ay", &requested))
    return verify_file (requested);

  self->simulate = g_variant_dict_contains (options, "simulate");
  self->demo = g_variant_dict_contains (options, "demo");
  self->measure_startup = g_variant_dict_contains (options, "measure-startup");
  g_variant_dict_lookup (options, "database", "^&ay", &requested);
  g_variant_dict_lookup (options, G_OPTION_REMAINING, "^a&ay", &remaining);
  if (g_variant_dict_lookup (options, "export-pdf", "x", &export_session) &&
      (remaining == NULL || g_strv_length ((char **) remaining) != 1))
    {
      g_printerr (_("--export-pdf needs a session number and one file: stipple --export-pdf ID FILE\n"));
      return EXIT_USAGE;
    }
  if (export_session == 0 && remaining != NULL && remaining[0] != NULL)
    {
      g_printerr (_("Unexpected argument “%s”. Run “%s --help” to see the available options.\n"),
                  remaining[0], g_get_prgname ());
      return EXIT_USAGE;
    }

  g_free (self->database);
  /* A report only reads: it creates no folder for a file that is not there. */
  if (export_session != 0 && requested == NULL)
    self->database = stipple_database_path_default (self->demo);
  else
    self->database = stipple_database_path_resolve (requested, self->demo, &error);
  if (self->database == NULL)
    {
      g_printerr (_("Cannot use the patient file: %s\n"), error->message);
      return EXIT_USAGE;
    }

  if (export_session != 0)
    return export_pdf (self, export_session, remaining[0],
                       g_variant_dict_contains (options, "patient-copy"));

  return -1;
}

static void
about_action_cb (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  StippleApplication *self = user_data;
  static const char *developers[] = { "The Stipple developers", NULL };
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  AdwAboutWindow *about;

  about = ADW_ABOUT_WINDOW (adw_about_window_new ());
  gtk_window_set_transient_for (GTK_WINDOW (about), parent);
  adw_about_window_set_application_name (about, PACKAGE_NAME);
  adw_about_window_set_application_icon (about, APPLICATION_ID);
  adw_about_window_set_version (about, PACKAGE_VERSION);
  adw_about_window_set_developer_name (about, _("The Stipple developers"));
  adw_about_window_set_developers (about, developers);
  adw_about_window_set_comments (about,
                                 _("Plan microneedling treatments zone by zone, push verified "
                                   "settings to the pen, watch every stroke and keep the "
                                   "session record."));
  adw_about_window_set_website (about, "https://github.com/stipple/stipple");
  adw_about_window_set_license_type (about, GTK_LICENSE_GPL_3_0);
  adw_about_window_set_copyright (about, "© 2026 The Stipple developers");
  /* Translators: replace with your names, one per line */
  adw_about_window_set_translator_credits (about, _("translator-credits"));
  gtk_window_present (GTK_WINDOW (about));
}

static void
preferences_action_cb (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  StippleApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  StipplePreferencesWindow *preferences;

  preferences = stipple_preferences_window_new (self->settings);
  gtk_window_set_transient_for (GTK_WINDOW (preferences), parent);
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
quit_action_cb (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  GApplication *application = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (application));

  /* Close windows rather than quit outright, so each can refuse while a
   * treatment is running. */
  for (GList *l = g_list_copy (windows); l != NULL; l = g_list_delete_link (l, l))
    gtk_window_close (GTK_WINDOW (l->data));
}

static void
apply_color_scheme (StippleApplication *self)
{
  AdwStyleManager *style_manager = adw_style_manager_get_default ();
  static const AdwColorScheme schemes[] = {
    ADW_COLOR_SCHEME_DEFAULT,
    ADW_COLOR_SCHEME_FORCE_LIGHT,
    ADW_COLOR_SCHEME_FORCE_DARK,
  };
  guint scheme = (guint) g_settings_get_enum (self->settings, "color-scheme");

  adw_style_manager_set_color_scheme (style_manager, schemes[MIN (scheme, G_N_ELEMENTS (schemes) - 1)]);
}

static void
color_scheme_changed_cb (StippleApplication *self,
                         const char         *key,
                         GSettings          *settings)
{
  apply_color_scheme (self);
}

/**
 * stipple_application_emergency_stop:
 * @self: a #StippleApplication
 *
 * Stops the needle at once. Every window's treatment is stopped through
 * its session, so the stop is recorded there; with no window, the pen is
 * stopped directly.
 */
void
stipple_application_emergency_stop (StippleApplication *self)
{
  gboolean stopped = FALSE;

  g_return_if_fail (STIPPLE_IS_APPLICATION (self));

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (STIPPLE_IS_WINDOW (l->data))
      {
        stipple_window_emergency_stop (l->data);
        stopped = TRUE;
      }

  if (!stopped && self->pen != NULL)
    stipple_pen_emergency_stop (self->pen);
}

static void
emergency_stop_action_cb (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  stipple_application_emergency_stop (STIPPLE_APPLICATION (user_data));
}

static gboolean
emergency_stop_shortcut_cb (GtkWidget *widget,
                            GVariant  *args,
                            gpointer   user_data)
{
  stipple_application_emergency_stop (STIPPLE_APPLICATION (user_data));
  return TRUE;
}

/* The emergency stop's keys, Shift+Esc and Pause (where a clinic puts its
 * foot switch), work in every window Stipple opens, dialogs included, and
 * before any widget there sees the key: a capture-phase shortcut on each
 * toplevel. Application accelerators would not do, as they reach only the
 * windows added to the application, never a dialog. */
static void
guard_toplevel (StippleApplication *self,
                GtkWindow          *window)
{
  GtkEventController *controller;
  GtkShortcut *shortcut;

  if (g_object_get_data (G_OBJECT (window), "stipple-emergency-stop") != NULL)
    return;

  shortcut = gtk_shortcut_new (gtk_shortcut_trigger_parse_string ("<Shift>Escape|Pause"),
                               gtk_callback_action_new (emergency_stop_shortcut_cb, self, NULL));
  controller = gtk_shortcut_controller_new ();
  gtk_event_controller_set_name (controller, "stipple-emergency-stop");
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller), shortcut);
  gtk_widget_add_controller (GTK_WIDGET (window), controller);
  g_object_set_data (G_OBJECT (window), "stipple-emergency-stop", controller);
}

static void
toplevels_changed_cb (GListModel         *toplevels,
                      guint               position,
                      guint               removed,
                      guint               added,
                      StippleApplication *self)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      guard_toplevel (self, window);
    }
}

static const GActionEntry app_actions[] = {
  { "emergency-stop", emergency_stop_action_cb },
  { "about", about_action_cb },
  { "preferences", preferences_action_cb },
  { "quit", quit_action_cb },
};

static void
stipple_application_startup (GApplication *application)
{
  StippleApplication *self = STIPPLE_APPLICATION (application);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };

  G_APPLICATION_CLASS (stipple_application_parent_class)->startup (application);
  stipple_a11y_watch_windows ();

  g_set_application_name (PACKAGE_NAME);
  gtk_window_set_default_icon_name (APPLICATION_ID);

  self->settings = g_settings_new (APPLICATION_ID);
  g_signal_connect_object (self->settings, "changed::color-scheme",
                           G_CALLBACK (color_scheme_changed_cb), self, G_CONNECT_SWAPPED);
  apply_color_scheme (self);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);

  start_pen (self);

  {
    GListModel *toplevels = gtk_window_get_toplevels ();

    g_signal_connect_object (toplevels, "items-changed",
                             G_CALLBACK (toplevels_changed_cb), self, 0);
    toplevels_changed_cb (toplevels, 0, 0, g_list_model_get_n_items (toplevels), self);
  }

  /* The patient file opens off the main thread; windows follow the
   * "store" property. Hold the application so it does not quit before. */
  if (self->database != NULL)
    {
      g_autoptr(GTask) task = g_task_new (self, NULL, open_store_cb, NULL);

      g_application_hold (G_APPLICATION (self));
      g_task_set_source_tag (task, stipple_application_startup);
      g_task_run_in_thread (task, open_store_thread_cb);
    }
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences",
                                         preferences_accels);
}

static void
after_paint_cb (GdkFrameClock      *frame_clock,
                StippleApplication *self)
{
  /* Monotonic time is shared by every process on the machine, so the
   * benchmark can subtract the moment it spawned us. */
  g_print ("first-frame-monotonic-us: %" G_GINT64_FORMAT "\n", g_get_monotonic_time ());
  g_signal_handlers_disconnect_by_func (frame_clock, after_paint_cb, self);
  g_application_quit (G_APPLICATION (self));
}

static void
window_realize_cb (GtkWidget          *window,
                   StippleApplication *self)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                    G_CALLBACK (after_paint_cb), self);
}

static void
stipple_application_activate (GApplication *application)
{
  StippleApplication *self = STIPPLE_APPLICATION (application);
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window == NULL)
    {
      window = GTK_WINDOW (stipple_window_new (self));
      if (self->measure_startup)
        g_signal_connect (window, "realize", G_CALLBACK (window_realize_cb), self);
    }

  gtk_window_present (window);
}

static void
stipple_application_finalize (GObject *object)
{
  StippleApplication *self = STIPPLE_APPLICATION (object);

  g_clear_object (&self->settings);
  if (self->pen != NULL)
    stipple_pen_stop (self->pen);
  g_clear_object (&self->pen);
  if (self->store != NULL)
    stipple_store_close (self->store);
  g_clear_object (&self->store);
  g_clear_error (&self->store_error);
  g_clear_pointer (&self->database, g_free);

  G_OBJECT_CLASS (stipple_application_parent_class)->finalize (object);
}

static void
stipple_application_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  StippleApplication *self = STIPPLE_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stipple_application_class_init (StippleApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = stipple_application_finalize;
  object_class->get_property = stipple_application_get_property;

  /**
   * StippleApplication:store:
   *
   * The open patient file; %NULL while it opens or if it cannot be opened
   * (see stipple_application_get_store_error()).
   */
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         STIPPLE_TYPE_STORE,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  app_class->local_command_line = stipple_application_local_command_line;
  app_class->handle_local_options = stipple_application_handle_local_options;
  app_class->startup = stipple_application_startup;
  app_class->activate = stipple_application_activate;
}

static void
stipple_application_init (StippleApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Plan, deliver and record microneedling treatments."));
}
