/* stipple-backup-list.c
 *
 * A boxed list of the backups beside a patient file, newest first: when
 * each was taken and why, its size, its patients and sessions, its last
 * session, and whether it verifies (integrity, hash chain, seals and the
 * chain head written beside it). A backup that verifies has a "Restore…"
 * button, which activates "app.restore-backup" with its path. The
 * backups are read and verified on a worker thread. The same list shows
 * the copies in the folder off this computer, so that a clinic whose
 * disk failed restores from there as from a local backup.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-backup-list"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-backup-list.h"
#include "stipple-store-backup.h"

static const char *
kind_label (const char *kind)
{
  if (g_strcmp0 (kind, "daily") == 0)
    return _("Daily backup");
  if (g_strcmp0 (kind, "manual") == 0)
    return _("Backup taken by hand");
  if (g_strcmp0 (kind, "before-restore") == 0)
    return _("File set aside by a restore");
  if (g_strcmp0 (kind, "offsite") == 0)
    return _("Copy off this computer");
  if (g_str_has_prefix (kind, "before-v"))
    return _("Backup before an update");
  return _("Backup");
}

static char *
format_local (GDateTime *time)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (time);

  return g_date_time_format (local, "%x %H:%M");
}

static GtkWidget *
backup_row (const StippleBackupInfo *info)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *taken = format_local (info->taken_at);
  g_autofree char *title = g_strdup_printf ("%s — %s", taken, kind_label (info->kind));
  g_autofree char *size = g_format_size ((guint64) info->size);
  g_autofree char *last = info->last_session != NULL ? format_local (info->last_session)
                                                     : g_strdup (_("none"));
  g_autofree char *patients = g_strdup_printf (ngettext ("%u patient", "%u patients",
                                                         (gulong) info->n_patients),
                                                (guint) info->n_patients);
  g_autofree char *sessions = g_strdup_printf (ngettext ("%u session", "%u sessions",
                                                         (gulong) info->n_sessions),
                                                (guint) info->n_sessions);
  g_autofree char *holds = NULL;
  g_autofree char *subtitle = NULL;

  /* Translators: a backup: its size, its patients ("3 patients"), its
   * sessions ("1 session"), its last session */
  holds = g_strdup_printf (_("%s, %s, %s, last session %s"), size, patients, sessions, last);
  if (info->verified)
    subtitle = g_strdup_printf ("%s\n%s", holds, _("Verifies: the record is whole"));
  else
    subtitle = g_strdup_printf (_("%s\nDoes not verify: %s"), holds, info->problem);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_widget_set_tooltip_text (row, info->path);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                             gtk_image_new_from_icon_name (info->verified ? "emblem-ok-symbolic"
                                                                          : "dialog-warning-symbolic"));
  if (info->verified)
    {
      GtkWidget *button = gtk_button_new_with_label (_("Restore…"));
      g_autofree char *label = g_strdup_printf (_("Restore the backup of %s"), taken);

      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "app.restore-backup");
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button),
                                              g_variant_new_bytestring (info->path));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }
  return row;
}

static void
described_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GtkWidget) list = user_data;
  g_autoptr(GPtrArray) infos = stipple_store_describe_backups_finish (result, NULL);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (list)) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (list), child);
  if (infos == NULL || infos->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     g_object_get_data (G_OBJECT (list), "off-machine") != NULL
                                       ? _("There is no copy of this patient file in the folder, "
                                           "or the folder cannot be reached.")
                                       : _("There is no backup of this patient file yet."));
      gtk_list_box_append (GTK_LIST_BOX (list), row);
      return;
    }
  for (guint i = 0; i < infos->len; i++)
    gtk_list_box_append (GTK_LIST_BOX (list), backup_row (g_ptr_array_index (infos, i)));
}

/**
 * stipple_backup_list_new:
 * @database: the patient file
 *
 * Returns: (transfer floating): a list of the backups of @database,
 *   filled once they are read
 */
static GtkWidget *
new_list (const char *database,
          const char *folder)
{
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *row = adw_action_row_new ();

  gtk_widget_set_name (list, folder != NULL ? "off-machine-copy-list" : "backup-list");
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  folder != NULL ? _("Copies off this computer") : _("Backups"),
                                  -1);
  if (folder != NULL)
    g_object_set_data (G_OBJECT (list), "off-machine", GINT_TO_POINTER (TRUE));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Reading the backups…"));
  gtk_list_box_append (GTK_LIST_BOX (list), row);

  stipple_store_describe_backups_async (database, folder, NULL, described_cb, g_object_ref (list));
  return list;
}

GtkWidget *
stipple_backup_list_new (const char *database)
{
  g_return_val_if_fail (database != NULL, gtk_list_box_new ());

  return new_list (database, NULL);
}

/**
 * stipple_backup_list_new_off_machine:
 * @database: the patient file
 * @folder: the folder off this computer its copies are written to
 *
 * Returns: (transfer floating): a list of the copies of @database in
 *   @folder, each verified there, filled once they are read
 */
GtkWidget *
stipple_backup_list_new_off_machine (const char *database,
                                     const char *folder)
{
  g_return_val_if_fail (database != NULL && folder != NULL, gtk_list_box_new ());

  return new_list (database, folder);
}
