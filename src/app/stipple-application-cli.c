/* stipple-application-cli.c
 *
 * The command line's headless commands: --export-pdf, --verify,
 * --list-backups, --restore, --import and --archive-needle-data, each
 * run with no window and no pen, and what each prints.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-application"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "stipple-application-private.h"
#include "stipple-database-path.h"
#include "stipple-report-session.h"
#include "stipple-store-backup.h"

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
  for (guint i = 0; result->notes != NULL && i < result->notes->len; i++)
    g_print ("%s\n", (const char *) g_ptr_array_index (result->notes, i));
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
char *
stipple_application_describe_import (const StippleImportResult *result,
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
char *
stipple_application_details_kept (const StippleImportDetails *details)
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
    g_autofree char *summary = stipple_application_describe_import (result, !dry_run);

    g_print ("%s\n", summary);
  }
  for (guint i = 0; i < result->conflicts->len; i++)
    g_print ("%s\n", (const char *) g_ptr_array_index (result->conflicts, i));
  for (guint i = 0; i < result->details->len; i++)
    {
      g_autofree char *kept =
        stipple_application_details_kept (g_ptr_array_index (result->details, i));

      g_print ("%s\n", kept);
    }
  return 0;
}

/* stipple --archive-needle-data: 0 archived (or nothing to archive), 1
 * refused, 2 unusable. As the window does after opening the file, it then
 * thins what is older than the clinic keeps at full rate (Preferences,
 * Backups, Needle Data), so that a clinic archiving from a timer keeps
 * its own retention. */
static int
archive_needle_data (const char *path)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autoptr(StippleStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) thin_error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *before =
    stipple_store_retention_cutoff (g_settings_get_uint (settings, "needle-full-rate-months"));
  guint n_days = 0, n_blocks = 0, n_thinned = 0;
  gboolean ok, thinned = TRUE;

  store = stipple_store_open (path, &error);
  if (store == NULL)
    {
      g_printerr (_("Cannot open the patient file “%s”: %s\n"), path, error->message);
      return 2;
    }
  ok = stipple_store_archive_closed_days (store, &n_days, &n_blocks, &error);
  if (ok && before != NULL)
    thinned = stipple_store_thin_needle_data (store, before, &n_thinned, &thin_error);
  stipple_store_close (store);
  if (!ok)
    {
      g_printerr (_("The needle data was not archived: %s\n"), error->message);
      return 1;
    }
  dir = stipple_store_get_archive_dir (path);
  if (n_days == 0)
    g_print (_("No needle data of a day that has ended is left in the patient file.\n"));
  else
    g_print (ngettext ("Archived the needle data of %u day (%u blocks) in “%s”.\n",
                       "Archived the needle data of %u days (%u blocks) in “%s”.\n",
                       n_days),
             n_days, n_blocks, dir);
  if (!thinned)
    {
      g_printerr (_("The needle data from before %s was not thinned to the per-stroke record: "
                    "%s\n"),
                  before, thin_error->message);
      return 1;
    }
  if (n_thinned > 0)
    g_print (ngettext ("Thinned the needle data of %u session from before %s to the per-stroke "
                       "record, as Preferences → Backups → Needle Data keeps it.\n",
                       "Thinned the needle data of %u sessions from before %s to the per-stroke "
                       "record, as Preferences → Backups → Needle Data keeps it.\n",
                       n_thinned),
             n_thinned, before);
  return 0;
}

int
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
  if (g_variant_dict_contains (options, "archive-needle-data"))
    return archive_needle_data (self->database);

  return -1;
}
