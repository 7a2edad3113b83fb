/* stipple-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-application"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "stipple-a11y.h"
#include "stipple-application-private.h"
#include "stipple-offsite.h"
#include "stipple-preferences-window.h"
#include "stipple-sim-transport.h"
#include "stipple-thread-priority.h"
#include "stipple-usb-transport.h"
#include "stipple-window.h"

G_DEFINE_FINAL_TYPE (StippleApplication, stipple_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_STORE,
  PROP_BACKING_UP,
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
  { "list-backups", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("List the backups of the patient file, with what each holds and whether it verifies, "
       "then exit"), NULL },
  { "restore", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Replace the patient file with the backup at PATH, keeping the current file aside, "
       "then exit"), N_("PATH") },
  { "import", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Import the patients of the file at PATH, exported by another Stipple, then exit"),
    N_("PATH") },
  { "dry-run", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("With --import: only say what would be imported"), NULL },
  { "archive-needle-data", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Move the needle data of every month that has ended to its needle archive beside "
       "the patient file, then exit"), NULL },
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
 * stipple_application_get_offsite:
 * @self: a #StippleApplication
 *
 * Returns: (transfer none) (nullable): the copy off this computer's
 *   schedule; %NULL before startup
 */
StippleOffsite *
stipple_application_get_offsite (StippleApplication *self)
{
  g_return_val_if_fail (STIPPLE_IS_APPLICATION (self), NULL);

  return self->offsite;
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
 * stipple_application_get_first_start:
 * @self: a #StippleApplication
 *
 * Returns: whether the (real, not demo) patient file was created by this
 *   run: Stipple's first start on this computer
 */
gboolean
stipple_application_get_first_start (StippleApplication *self)
{
  g_return_val_if_fail (STIPPLE_IS_APPLICATION (self), FALSE);

  return self->first_start;
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
 * stipple_application_get_backing_up:
 * @self: a #StippleApplication
 *
 * Returns: whether today's backup of the patient file is being taken
 */
gboolean
stipple_application_get_backing_up (StippleApplication *self)
{
  g_return_val_if_fail (STIPPLE_IS_APPLICATION (self), FALSE);

  return self->backing_up;
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

typedef struct
{
  char     *database;
  gboolean  demo;
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_free (data->database);
  g_free (data);
}

/* A store job with no store yet: it has only what it was given. */
static gpointer
open_store_job (StippleStore  *none,
                gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  OpenData *open = data;
  /* Today's backup is taken afterwards, on the store's long lane: the
   * chart never waits for a copy of the file (open_store_cb()). */
  g_autoptr(StippleStore) store = stipple_store_open_full (open->database, FALSE, error);

  /* The demo file fills itself with the demo patients on first use; a
   * file that already holds patients is left as it is. */
  if (store != NULL && open->demo && !stipple_store_fill_demo (store, NULL, error))
    return NULL;
  return g_steal_pointer (&store);
}

static void open_store_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data);

/* Opens the patient file off the main thread; the store property
 * follows. The caller holds the application until open_store_cb(). */
void
stipple_application_open_store (StippleApplication *self)
{
  OpenData *data = g_new0 (OpenData, 1);

  data->database = g_strdup (self->database);
  data->demo = self->demo;
  stipple_store_run_async (NULL, STIPPLE_STORE_LANE_WRITER, open_store_job, data,
                           (GDestroyNotify) open_data_free, g_object_unref, NULL, open_store_cb,
                           g_object_ref (self), stipple_application_open_store);
}

/* After a restore every window was closed: a new one opens on the
 * patient file, restored or not, and says what happened. */
static void
show_restore_outcome (StippleApplication *self)
{
  GtkWindow *window;
  AdwMessageDialog *dialog;

  g_application_activate (G_APPLICATION (self));
  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (window, self->restore_heading,
                                                       self->restore_body));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
  g_clear_pointer (&self->restore_heading, g_free);
  g_clear_pointer (&self->restore_body, g_free);
}

static void
daily_backup_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(StippleApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  /* A backup that could not be taken is kept by the store, where the
   * window reads it. */
  if (!stipple_store_daily_backup_finish (STIPPLE_STORE (object), result, &error))
    g_debug ("Today's backup was not taken: %s", error->message);
  if (STIPPLE_STORE (object) != self->store)
    return;
  self->backing_up = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BACKING_UP]);
}

static void
open_store_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(StippleApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  self->store = stipple_store_run_finish (NULL, result, &error);
  if (self->store == NULL)
    {
      g_printerr (_("Cannot open the patient file “%s”: %s\n"), self->database, error->message);
      self->store_error = g_steal_pointer (&error);
    }
  else
    {
      /* First on the long lane, ahead of the window's check of the file,
       * which can take minutes on a large one. */
      self->backing_up = TRUE;
      stipple_store_daily_backup_async (self->store, NULL, daily_backup_cb, g_object_ref (self));
    }

  if (self->offsite != NULL)
    stipple_offsite_set_store (self->offsite, self->store);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
  if (self->restore_heading != NULL)
    show_restore_outcome (self);
  g_application_release (G_APPLICATION (self));
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
  /* Its buttons use the application's actions (a backup's "Restore…"):
   * without the application they would stay insensitive. */
  gtk_window_set_application (GTK_WINDOW (preferences), GTK_APPLICATION (self));
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
  { "restore-backup", stipple_application_restore_backup_action_cb, "ay" },
  { "import-patient", stipple_application_import_patient_action_cb },
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

  /* The window's thread takes the emergency stop and signs the liveness
   * token the pen link stops the needle without (docs/device.md): on a
   * busy PC it must not wait behind other programs for a second. */
  stipple_thread_raise_nice ("window", STIPPLE_UI_THREAD_NICE);

  g_set_application_name (PACKAGE_NAME);
  gtk_window_set_default_icon_name (APPLICATION_ID);

  self->settings = g_settings_new (APPLICATION_ID);
  self->offsite = stipple_offsite_new (self->settings);
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
      self->first_start = !self->demo && !g_file_test (self->database, G_FILE_TEST_EXISTS);
      g_application_hold (G_APPLICATION (self));
      stipple_application_open_store (self);
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
  g_print ("first-frame-monotonic-us: %" PRId64 "\n", g_get_monotonic_time ());
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

  g_clear_object (&self->offsite);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->restore_heading, g_free);
  g_clear_pointer (&self->restore_body, g_free);
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

    case PROP_BACKING_UP:
      g_value_set_boolean (value, self->backing_up);
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

  /**
   * StippleApplication:backing-up:
   *
   * Whether today's backup of the patient file is being taken, after the
   * file opened; stipple_store_get_backup_problem() says afterwards if it
   * could not be.
   */
  properties[PROP_BACKING_UP] =
    g_param_spec_boolean ("backing-up", NULL, NULL,
                          FALSE,
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
