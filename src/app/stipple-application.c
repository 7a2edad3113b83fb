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
#include "stipple-import-choices.h"
#include "stipple-offsite.h"
#include "stipple-preferences-window.h"
#include "stipple-report-session.h"
#include "stipple-sim-transport.h"
#include "stipple-store-backup.h"
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
  StippleOffsite *offsite;
  /* What the last restore did, said in the window that opens after it. */
  char           *restore_heading;
  char           *restore_body;
  StipplePen     *pen;
  GError         *store_error;
  char           *database;
  gboolean        demo;
  /* The patient file did not exist: this is Stipple's first start here. */
  gboolean        first_start;
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
  g_autoptr(StippleStore) store = stipple_store_open (open->database, error);

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
static void
open_store (StippleApplication *self)
{
  OpenData *data = g_new0 (OpenData, 1);

  data->database = g_strdup (self->database);
  data->demo = self->demo;
  stipple_store_run_async (NULL, STIPPLE_STORE_LANE_WRITER, open_store_job, data,
                           (GDestroyNotify) open_data_free, g_object_unref, NULL, open_store_cb,
                           g_object_ref (self), open_store);
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

  if (self->offsite != NULL)
    stipple_offsite_set_store (self->offsite, self->store);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
  if (self->restore_heading != NULL)
    show_restore_outcome (self);
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

/* A backup's anchor, for --verify: a file with no chain head beside it
 * says nothing. */
static gboolean
verify_anchor (const char                *path,
               const StippleVerifyResult *result)
{
  g_autofree char *problem = stipple_store_check_anchor (path, result->head_id, result->head_hash);
  g_autofree char *anchor = g_strconcat (path, STIPPLE_STORE_ANCHOR_SUFFIX, NULL);

  if (problem != NULL)
    {
      g_print ("%s\n", problem);
      return FALSE;
    }
  if (g_file_test (anchor, G_FILE_TEST_EXISTS))
    g_print (_("The chain head written beside the file matches.\n"));
  return TRUE;
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
  if (!verify_anchor (path, result))
    {
      g_print (_("%s: it does not match the chain head written beside it.\n"), name);
      return 1;
    }
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

static char *
format_size (goffset size)
{
  return g_format_size_full ((guint64) size, G_FORMAT_SIZE_DEFAULT);
}

static void
print_backup (const StippleBackupInfo *info)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (info->taken_at);
  g_autofree char *taken = g_date_time_format (local, "%x %H:%M");
  g_autofree char *size = format_size (info->size);
  g_autofree char *last = NULL;
  g_autofree char *patients = NULL;
  g_autofree char *sessions = NULL;

  if (info->last_session != NULL)
    {
      g_autoptr(GDateTime) last_local = g_date_time_to_local (info->last_session);
      last = g_date_time_format (last_local, "%x %H:%M");
    }
  patients = g_strdup_printf (ngettext ("%u patient", "%u patients", (gulong) info->n_patients),
                              (guint) info->n_patients);
  sessions = g_strdup_printf (ngettext ("%u session", "%u sessions", (gulong) info->n_sessions),
                              (guint) info->n_sessions);
  g_print ("%s\n", info->path);
  /* Translators: a backup: when it was taken, its size, its patients
   * ("3 patients"), its sessions ("1 session"), its last session */
  g_print (_("  taken %s, %s, %s, %s, last session %s\n"),
           taken, size, patients, sessions, last != NULL ? last : _("none"));
  if (info->verified)
    g_print (_("  verifies: the record is whole and matches its chain head\n"));
  else
    g_print (_("  does not verify: %s\n"), info->problem);
}

/* stipple --list-backups: 0 when every backup verifies, 1 when one does
 * not, 2 when there is none. */
static int
list_backups (const char *path)
{
  g_autoptr(GPtrArray) infos = stipple_store_describe_backups (path);
  g_autofree char *name = g_filename_display_name (path);
  gboolean all_verified = TRUE;

  if (infos->len == 0)
    {
      g_printerr (_("The patient file “%s” has no backups.\n"), name);
      return 2;
    }
  for (guint i = 0; i < infos->len; i++)
    {
      const StippleBackupInfo *info = g_ptr_array_index (infos, i);

      print_backup (info);
      all_verified = all_verified && info->verified;
    }
  return all_verified ? 0 : 1;
}

/* stipple --restore BACKUP: 0 restored, 1 refused (the backup does not
 * verify, the file is open elsewhere), 2 no such backup. */
static int
restore_backup (const char *path,
                const char *backup)
{
  g_autoptr(StippleBackupInfo) info = NULL;
  g_autoptr(StippleRestoreLoss) loss = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *aside = NULL;
  g_autofree char *name = g_filename_display_name (path);

  info = stipple_store_describe_backup (backup, &error);
  if (info == NULL)
    {
      g_printerr (_("The backup cannot be used: %s\n"), error->message);
      return 2;
    }
  print_backup (info);
  if (!info->verified)
    {
      g_printerr (_("The backup was not restored and nothing was changed.\n"));
      return 1;
    }

  loss = stipple_store_restore_loss (path, backup);
  if (!stipple_store_restore_full (path, backup, &aside, &error))
    {
      g_printerr (_("The backup was not restored: %s\n"), error->message);
      return 1;
    }

  g_print (_("%s now holds the backup.\n"), name);
  if (aside != NULL)
    g_print (_("The file it replaced is kept, whole, as %s\n"), aside);
  if (loss->lines->len == 0)
    g_print (_("Nothing in the replaced file was missing from the backup.\n"));
  else
    {
      g_print (_("Not in the restored file, only in the file kept aside:\n"));
      for (guint i = 0; i < loss->lines->len; i++)
        g_print ("  %s\n", (const char *) g_ptr_array_index (loss->lines, i));
    }
  return 0;
}

/* What an import did, or would do, in one sentence, each count in its
 * own plural. */
static char *
describe_import (const StippleImportResult *result,
                 gboolean                   applied)
{
  g_autofree char *patients = g_strdup_printf (ngettext ("%u new patient", "%u new patients",
                                                         result->patients_added),
                                               result->patients_added);
  g_autofree char *sessions = g_strdup_printf (ngettext ("%u session", "%u sessions",
                                                         result->sessions_added),
                                               result->sessions_added);
  g_autofree char *merged = NULL;

  if (applied)
    {
      merged = g_strdup_printf (ngettext ("%u patient was already here",
                                          "%u patients were already here",
                                          result->patients_merged),
                                result->patients_merged);
      /* TRANSLATORS: "Imported 2 new patients and 5 sessions; 1 patient
       * was already here." */
      return g_strdup_printf (_("Imported %s and %s; %s."), patients, sessions, merged);
    }

  merged = g_strdup_printf (ngettext ("%u patient is already here",
                                      "%u patients are already here",
                                      result->patients_merged),
                            result->patients_merged);
  /* TRANSLATORS: "Importing would add 1 new patient and 3 sessions; 2
   * patients are already here." */
  return g_strdup_printf (_("Importing would add %s and %s; %s."), patients, sessions, merged);
}

/* A patient whose details differ and were kept: who, and each field
 * with both values. The command line keeps this computer's details; the
 * window lets the clinician take the imported ones. */
static char *
details_kept (const StippleImportDetails *details)
{
  g_autofree char *given = g_strdup (details->patient_name);
  char *family = strchr (given, ' ');
  g_autofree char *message = NULL;
  g_auto(GStrv) fields = g_strsplit (details->differences, "\n", -1);
  GString *text;

  /* The message's two names, "given family", are patient_name again. */
  if (family != NULL)
    *family++ = '\0';
  message = g_strdup_printf (_("The contact details, skin type or allergies of %s %s differ in "
                               "the imported file; the details on this computer were kept."),
                             given, family != NULL ? family : "");
  text = g_string_new (message);
  for (guint i = 0; fields[i] != NULL; i++)
    g_string_append_printf (text, "\n  %s", fields[i]);
  return g_string_free (text, FALSE);
}

/* stipple --import FILE: 0 imported (or, with --dry-run, previewed), 1
 * refused, 2 unusable. */
static int
import_file (const char *path,
             const char *source,
             gboolean    dry_run)
{
  g_autoptr(StippleStore) store = NULL;
  g_autoptr(StippleImportResult) result = NULL;
  g_autoptr(GError) error = NULL;

  store = stipple_store_open (path, &error);
  if (store == NULL)
    {
      g_printerr (_("Cannot open the patient file “%s”: %s\n"), path, error->message);
      return 2;
    }
  result = dry_run ? stipple_store_import_preview (store, source, &error)
                   : stipple_store_import (store, source, &error);
  stipple_store_close (store);
  if (result == NULL)
    {
      g_printerr (_("Nothing was imported: %s\n"), error->message);
      return 1;
    }

  {
    g_autofree char *summary = describe_import (result, !dry_run);

    g_print ("%s\n", summary);
  }
  for (guint i = 0; i < result->conflicts->len; i++)
    g_print ("%s\n", (const char *) g_ptr_array_index (result->conflicts, i));
  for (guint i = 0; i < result->details->len; i++)
    {
      g_autofree char *kept = details_kept (g_ptr_array_index (result->details, i));

      g_print ("%s\n", kept);
    }
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
  if (g_variant_dict_contains (options, "list-backups"))
    return list_backups (self->database);
  if (g_variant_dict_lookup (options, "restore", "^&ay", &requested))
    return restore_backup (self->database, requested);
  if (g_variant_dict_lookup (options, "import", "^&ay", &requested))
    return import_file (self->database, requested, g_variant_dict_contains (options, "dry-run"));

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

/* Restoring a backup from the window ---------------------------------- */

typedef struct
{
  StippleApplication *app;
  char               *backup;
  StippleRestoreLoss *loss;
} RestoreData;

static void
restore_data_free (RestoreData *data)
{
  g_clear_object (&data->app);
  g_free (data->backup);
  g_clear_pointer (&data->loss, stipple_restore_loss_free);
  g_free (data);
}

static void
restored_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  RestoreData *data = user_data;
  StippleApplication *self = data->app;
  g_autoptr(GError) error = NULL;
  g_autofree char *aside = stipple_store_restore_finish (result, &error);
  GString *body = g_string_new (NULL);

  if (aside == NULL)
    {
      self->restore_heading = g_strdup (_("The Backup Was Not Restored"));
      g_string_append (body, error->message);
    }
  else
    {
      self->restore_heading = g_strdup (_("Backup Restored"));
      if (aside[0] != '\0')
        g_string_append_printf (body, _("The file it replaced is kept, whole, as %s."), aside);
      if (data->loss->lines->len > 0)
        {
          g_string_append_printf (body, "\n\n%s", _("Not in the restored file, only in the file "
                                                     "kept aside:"));
          for (guint i = 0; i < data->loss->lines->len; i++)
            g_string_append_printf (body, "\n• %s",
                                    (const char *) g_ptr_array_index (data->loss->lines, i));
        }
    }
  self->restore_body = g_string_free (body, FALSE);

  /* Open the patient file again, restored or as it was; the hold taken
   * for the restore passes to the opening. */
  open_store (self);
  restore_data_free (data);
}

static void
restore_response_cb (AdwMessageDialog   *dialog,
                     const char         *response,
                     StippleApplication *self)
{
  RestoreData *data = g_object_steal_data (G_OBJECT (dialog), "restore-data");

  if (g_strcmp0 (response, "restore") != 0)
    {
      restore_data_free (data);
      return;
    }
  /* Asked before a treatment began, answered during it: not now. */
  if (!g_action_get_enabled (g_action_map_lookup_action (G_ACTION_MAP (self), "restore-backup")))
    {
      AdwMessageDialog *refused;

      restore_data_free (data);
      refused = ADW_MESSAGE_DIALOG (adw_message_dialog_new (gtk_application_get_active_window (GTK_APPLICATION (self)),
                                                            _("The Backup Cannot Be Restored"),
                                                            _("A treatment is open. End the session "
                                                              "first; nothing was changed.")));
      adw_message_dialog_add_response (refused, "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (refused));
      return;
    }

  /* Every window goes, and the patient file is closed: nothing may hold
   * it while it is replaced. The dialog outlives its window for a moment. */
  gtk_window_set_transient_for (GTK_WINDOW (dialog), NULL);
  g_application_hold (G_APPLICATION (self));
  for (GList *l = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));
       l != NULL; l = g_list_delete_link (l, l))
    gtk_window_destroy (GTK_WINDOW (l->data));
  if (self->offsite != NULL)
    stipple_offsite_set_store (self->offsite, NULL);
  if (self->store != NULL)
    stipple_store_close (self->store);
  g_clear_object (&self->store);
  g_clear_error (&self->store_error);

  data->app = g_object_ref (self);
  stipple_store_restore_async (self->database, data->backup, NULL, restored_cb, data);
}

/* app.restore-backup(PATH): says what the patient file holds beyond the
 * backup, and asks, before anything is replaced. */
static void
restore_backup_action_cb (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  StippleApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  RestoreData *data = g_new0 (RestoreData, 1);
  g_autoptr(StippleBackupInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *taken = NULL;
  GString *body = g_string_new (NULL);
  AdwMessageDialog *dialog;

  data->backup = g_variant_dup_bytestring (parameter, NULL);
  info = stipple_store_describe_backup (data->backup, &error);
  if (info == NULL || !info->verified)
    {
      dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent,
                                                           _("The Backup Cannot Be Restored"),
                                                           info == NULL ? error->message
                                                                        : info->problem));
      adw_message_dialog_add_response (dialog, "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
      restore_data_free (data);
      g_string_free (body, TRUE);
      return;
    }

  {
    g_autoptr(GDateTime) local = g_date_time_to_local (info->taken_at);
    taken = g_date_time_format (local, "%x %H:%M");
  }
  data->loss = stipple_store_restore_loss (self->database, data->backup);
  g_string_append_printf (body, _("The patient file will be replaced by the backup taken %s. The "
                                  "current file is kept aside, whole, in the backup folder. "
                                  "Stipple closes its windows and opens the file again."),
                          taken);
  if (data->loss->lines->len > 0 && data->loss->compared)
    g_string_append_printf (body, "\n\n%s", _("Not in the backup, so not in the restored file:"));
  else if (data->loss->lines->len == 0)
    g_string_append_printf (body, "\n\n%s", _("Everything in the current file is in the backup."));
  for (guint i = 0; i < data->loss->lines->len; i++)
    g_string_append_printf (body, "\n• %s", (const char *) g_ptr_array_index (data->loss->lines, i));

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, _("Restore This Backup?"), body->str));
  g_string_free (body, TRUE);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "restore", _("_Restore"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "restore", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data (G_OBJECT (dialog), "restore-data", data);
  g_signal_connect (dialog, "response", G_CALLBACK (restore_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Importing a patient from the window --------------------------------- */

static void run_import (StippleApplication *self,
                        const char         *path,
                        gboolean            apply,
                        const char * const *take_details);

static void
import_response_cb (AdwMessageDialog   *dialog,
                    const char         *response,
                    StippleApplication *self)
{
  const char *path = g_object_get_data (G_OBJECT (dialog), "import-path");
  GtkWidget *choices = adw_message_dialog_get_extra_child (dialog);
  g_auto(GStrv) take = NULL;

  if (g_strcmp0 (response, "import") != 0)
    return;
  if (choices != NULL)
    take = stipple_import_choices_get_taken (choices);
  run_import (self, path, TRUE, (const char * const *) take);
}

typedef struct
{
  StippleApplication *app;
  char               *path;
  gboolean            apply;
} ImportRequest;

static void
import_request_free (ImportRequest *request)
{
  g_object_unref (request->app);
  g_free (request->path);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ImportRequest, import_request_free)

static void
imported_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(ImportRequest) request = user_data;
  StippleApplication *self = request->app;
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleImportResult) imported = stipple_store_import_finish (STIPPLE_STORE (object),
                                                                         result, &error);
  gboolean apply = request->apply;
  const char *path = request->path;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  g_autofree char *name = g_filename_display_basename (path);
  GString *body = g_string_new (NULL);
  AdwMessageDialog *dialog;

  if (imported == NULL)
    {
      dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, _("Nothing Was Imported"),
                                                           error->message));
      adw_message_dialog_add_response (dialog, "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
      g_string_free (body, TRUE);
      return;
    }

  {
    g_autofree char *summary = describe_import (imported, apply);

    g_string_append (body, summary);
  }
  if (imported->conflicts->len > 0)
    g_string_append_printf (body, "\n\n%s", _("Where the files disagree, what is on this computer "
                                               "is kept:"));
  for (guint i = 0; i < imported->conflicts->len; i++)
    g_string_append_printf (body, "\n• %s", (const char *) g_ptr_array_index (imported->conflicts, i));
  /* After the import: whose details were taken, and whose kept. Before
   * it, the choices below say what differs. */
  for (guint i = 0; apply && i < imported->details->len; i++)
    {
      const StippleImportDetails *details = g_ptr_array_index (imported->details, i);
      g_autofree char *text = NULL;

      if (details->taken)
        text = g_strdup_printf (_("The details of %s were taken from the imported file."),
                                details->patient_name);
      else
        text = details_kept (details);
      g_string_append_printf (body, "\n• %s", text);
    }

  if (apply)
    {
      dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, _("Patient Imported"), body->str));
      adw_message_dialog_add_response (dialog, "close", _("_Close"));
    }
  else
    {
      g_autofree char *heading = g_strdup_printf (_("Import From “%s”?"), name);

      dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, heading, body->str));
      adw_message_dialog_set_extra_child (dialog, stipple_import_choices_new (imported->details));
      adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "import", _("_Import"), NULL);
      adw_message_dialog_set_response_appearance (dialog, "import", ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_response_enabled (dialog, "import",
                                               imported->patients_added + imported->sessions_added +
                                               imported->details->len > 0);
      adw_message_dialog_set_close_response (dialog, "cancel");
      g_object_set_data_full (G_OBJECT (dialog), "import-path", g_strdup (path), g_free);
      g_signal_connect (dialog, "response", G_CALLBACK (import_response_cb), self);
    }
  g_string_free (body, TRUE);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
run_import (StippleApplication *self,
            const char         *path,
            gboolean            apply,
            const char * const *take_details)
{
  ImportRequest *request;

  if (self->store == NULL)
    return;
  request = g_new0 (ImportRequest, 1);
  request->app = g_object_ref (self);
  request->path = g_strdup (path);
  request->apply = apply;
  if (apply)
    stipple_store_import_async (self->store, path, take_details, NULL, imported_cb, request);
  else
    stipple_store_import_preview_async (self->store, path, NULL, imported_cb, request);
}

static void
import_chosen_cb (GtkNativeDialog    *chooser,
                  int                 response,
                  StippleApplication *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        run_import (self, path, FALSE, NULL);
    }
  g_object_unref (chooser);
}

/* app.import-patient: a file another Stipple exported, chosen through
 * the file chooser portal; a preview first, then the import. */
static void
import_patient_action_cb (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  StippleApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Import a Patient"), parent,
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Stipple patient files"));
  gtk_file_filter_add_pattern (filter, "*.stipple");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (import_chosen_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static const GActionEntry app_actions[] = {
  { "restore-backup", restore_backup_action_cb, "ay" },
  { "import-patient", import_patient_action_cb },
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
      open_store (self);
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
