/* stipple-clinic-dialog.c
 *
 * The first start of Stipple on a clinic's computer creates its patient
 * file; that is when the clinic is asked for its name and phone number.
 * Both are printed on what leaves the clinic: the name in every report's
 * header, the phone where the patient's copy says whom to call if
 * something goes wrong after the treatment. They stay editable in
 * Preferences; "Later" leaves them empty, and the patient's copy then
 * says only "contact the clinic".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-clinic-dialog.h"
#include <string.h>

typedef struct
{
  GSettings *settings;
  GtkWidget *name_row;
  GtkWidget *phone_row;
} ClinicDialog;

static void
clinic_dialog_free (gpointer data)
{
  ClinicDialog *dialog = data;

  g_object_unref (dialog->settings);
  g_free (dialog);
}

/**
 * stipple_clinic_dialog_wanted:
 * @settings: Stipple's settings
 *
 * Returns: whether the clinic's name or phone is still missing
 */
gboolean
stipple_clinic_dialog_wanted (GSettings *settings)
{
  g_autofree char *name = g_settings_get_string (settings, "clinic-name");
  g_autofree char *phone = g_settings_get_string (settings, "clinic-phone");

  g_strstrip (name);
  g_strstrip (phone);
  return *name == '\0' || *phone == '\0';
}

static char *
row_text (GtkWidget *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

/* Saved only with a name and a phone number to call. */
static void
validate (ClinicDialog     *dialog,
          AdwMessageDialog *message)
{
  g_autofree char *name = row_text (dialog->name_row);
  g_autofree char *phone = row_text (dialog->phone_row);
  gboolean phone_ok = g_utf8_strlen (phone, -1) >= 3 && strpbrk (phone, "0123456789") != NULL;

  adw_message_dialog_set_response_enabled (message, "save", *name != '\0' && phone_ok);
}

static void
changed_cb (GtkEditable      *editable,
            AdwMessageDialog *message)
{
  validate (g_object_get_data (G_OBJECT (message), "clinic-dialog"), message);
}

static void
response_cb (AdwMessageDialog *message,
             const char       *response,
             ClinicDialog     *dialog)
{
  g_autofree char *name = NULL;
  g_autofree char *phone = NULL;

  if (g_strcmp0 (response, "save") != 0)
    return;

  name = row_text (dialog->name_row);
  phone = row_text (dialog->phone_row);
  g_settings_set_string (dialog->settings, "clinic-name", name);
  g_settings_set_string (dialog->settings, "clinic-phone", phone);
}

/**
 * stipple_clinic_dialog_new:
 * @parent: the main window
 * @settings: Stipple's settings
 *
 * Returns: (transfer floating): a dialog asking for the clinic's name and
 *   phone number, filled with what is already known, saved to @settings
 */
GtkWidget *
stipple_clinic_dialog_new (GtkWindow *parent,
                           GSettings *settings)
{
  ClinicDialog *dialog = g_new0 (ClinicDialog, 1);
  AdwMessageDialog *message;
  GtkWidget *list;
  g_autofree char *name = g_settings_get_string (settings, "clinic-name");
  g_autofree char *phone = g_settings_get_string (settings, "clinic-phone");

  message = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, _("Your Clinic"),
                                                        _("The clinic’s name heads every session "
                                                          "report, and the patient’s copy tells the "
                                                          "patient to call this number if anything "
                                                          "worries them after a treatment. Both can "
                                                          "be changed later in Preferences.")));
  dialog->settings = g_object_ref (settings);
  g_object_set_data_full (G_OBJECT (message), "clinic-dialog", dialog, clinic_dialog_free);

  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  dialog->name_row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (dialog->name_row), _("Clinic Name"));
  gtk_editable_set_text (GTK_EDITABLE (dialog->name_row), name);
  gtk_list_box_append (GTK_LIST_BOX (list), dialog->name_row);
  dialog->phone_row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (dialog->phone_row), _("Clinic Phone"));
  gtk_editable_set_text (GTK_EDITABLE (dialog->phone_row), phone);
  adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (dialog->phone_row), GTK_INPUT_PURPOSE_PHONE);
  /* Enter saves, once there is a name and a number. */
  adw_entry_row_set_activates_default (ADW_ENTRY_ROW (dialog->name_row), TRUE);
  adw_entry_row_set_activates_default (ADW_ENTRY_ROW (dialog->phone_row), TRUE);
  gtk_list_box_append (GTK_LIST_BOX (list), dialog->phone_row);
  adw_message_dialog_set_extra_child (message, list);

  adw_message_dialog_add_responses (message,
                                    "later", _("_Later"),
                                    "save", _("_Save"),
                                    NULL);
  adw_message_dialog_set_response_appearance (message, "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (message, "save");
  adw_message_dialog_set_close_response (message, "later");

  g_signal_connect (dialog->name_row, "changed", G_CALLBACK (changed_cb), message);
  g_signal_connect (dialog->phone_row, "changed", G_CALLBACK (changed_cb), message);
  g_signal_connect (message, "response", G_CALLBACK (response_cb), dialog);
  validate (dialog, message);

  /* Typing goes straight into the name. */
  gtk_window_set_focus (GTK_WINDOW (message), *name == '\0' ? dialog->name_row : dialog->phone_row);

  return GTK_WIDGET (message);
}
