/* stipple-import-choices.c
 *
 * What an import's preview shows for the one conflict the clinician may
 * settle either way: a patient whose phone, email, address, skin type or
 * allergies differ between this computer and the file. Each patient has a
 * check box, off by default (this computer's details are kept), and under
 * it every field that differs with both values. The uids ticked are what
 * stipple_store_import_full() takes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-import-choices.h"
#include "stipple-store.h"

/**
 * stipple_import_choices_new:
 * @details: (element-type StippleImportDetails): from the import's
 *   preview
 *
 * Returns: (transfer floating) (nullable): the choices, or %NULL when no
 *   patient's details differ
 */
GtkWidget *
stipple_import_choices_new (GPtrArray *details)
{
  GtkWidget *box, *heading;

  if (details == NULL || details->len == 0)
    return NULL;

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  heading = gtk_label_new (ngettext ("This patient’s details differ here. Tick to take the "
                                     "imported ones:",
                                     "These patients’ details differ here. Tick those to take "
                                     "from the imported file:", details->len));
  gtk_label_set_wrap (GTK_LABEL (heading), TRUE);
  gtk_label_set_xalign (GTK_LABEL (heading), 0.0f);
  gtk_widget_add_css_class (heading, "heading");
  gtk_box_append (GTK_BOX (box), heading);

  for (guint i = 0; i < details->len; i++)
    {
      const StippleImportDetails *d = g_ptr_array_index (details, i);
      g_autofree char *label = g_strdup_printf (_("Take the imported details of %s"),
                                                d->patient_name);
      GtkWidget *check = gtk_check_button_new_with_label (label);
      GtkWidget *differences = gtk_label_new (d->differences);

      g_object_set_data_full (G_OBJECT (check), "patient-uid", g_strdup (d->patient_uid), g_free);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), d->taken);
      gtk_widget_add_css_class (differences, "dim-label");
      gtk_label_set_wrap (GTK_LABEL (differences), TRUE);
      gtk_label_set_selectable (GTK_LABEL (differences), FALSE);
      gtk_label_set_xalign (GTK_LABEL (differences), 0.0f);
      gtk_widget_set_margin_start (differences, 28);
      gtk_accessible_update_relation (GTK_ACCESSIBLE (check),
                                      GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, differences, NULL, -1);
      gtk_box_append (GTK_BOX (box), check);
      gtk_box_append (GTK_BOX (box), differences);
    }
  return box;
}

/**
 * stipple_import_choices_get_taken:
 * @choices: from stipple_import_choices_new()
 *
 * Returns: (transfer full): the uids of the patients ticked, for
 *   stipple_store_import_full()
 */
char **
stipple_import_choices_get_taken (GtkWidget *choices)
{
  g_autoptr(GStrvBuilder) taken = g_strv_builder_new ();

  g_return_val_if_fail (GTK_IS_BOX (choices), NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (choices); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_CHECK_BUTTON (child) && gtk_check_button_get_active (GTK_CHECK_BUTTON (child)))
      g_strv_builder_add (taken, g_object_get_data (G_OBJECT (child), "patient-uid"));
  return g_strv_builder_end (taken);
}
