/* stipple-application-import.c
 *
 * Restoring a backup and importing a patient from the window: the
 * questions asked first, the work on the patient file, and what is said
 * once it is done.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-application"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-application-private.h"
#include "stipple-import-choices.h"
#include "stipple-store-backup.h"

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
  stipple_application_open_store (self);
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
void
stipple_application_restore_backup_action_cb (GSimpleAction *action,
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
    g_autofree char *summary = stipple_application_describe_import (imported, apply);

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
        text = stipple_application_details_kept (details);
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
void
stipple_application_import_patient_action_cb (GSimpleAction *action,
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
