/* stipple-session-setup-products.c
 *
 * The session set-up's products step: the anaesthetic's warnings and the
 * serums applied, a row each with its product and lot, added and removed
 * by the clinician.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-session-setup"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-session-setup-private.h"

/* Step 4: anaesthetic and serums --------------------------------------- */

/* Warnings that inform and never block. */
void
stipple_session_setup_update_product_warnings (StippleSessionSetup *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  gboolean applied = gtk_switch_get_active (self->anaesthetic_switch);
  g_autofree char *subtitle = stipple_session_rules_anaesthetic_warning (self->rules, now);

  gtk_widget_set_sensitive (GTK_WIDGET (self->anaesthetic_product_row), applied);
  gtk_widget_set_sensitive (GTK_WIDGET (self->anaesthetic_time_row), applied);
  adw_action_row_set_subtitle (self->anaesthetic_time_row, subtitle ? subtitle : "");
  gtk_widget_set_visible (self->anaesthetic_warning_icon, subtitle != NULL);

  for (guint i = 0; i < self->serums->len; i++)
    {
      const SerumRow *serum = g_ptr_array_index (self->serums, i);

      gtk_widget_set_visible (serum->warning,
                              stipple_session_rules_serum_lacks_lot (self->rules, i));
    }
}

static void
renumber_serums (StippleSessionSetup *self)
{
  for (guint i = 0; i < self->serums->len; i++)
    {
      const SerumRow *serum = g_ptr_array_index (self->serums, i);
      g_autofree char *row_label = g_strdup_printf (_("Serum %u"), i + 1);
      g_autofree char *product_label = g_strdup_printf (_("Serum %u, product"), i + 1);
      g_autofree char *lot_label = g_strdup_printf (_("Serum %u, lot"), i + 1);
      g_autofree char *remove_label = g_strdup_printf (_("Remove serum %u"), i + 1);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (serum->row), row_label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (serum->row),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, row_label, -1);
      gtk_accessible_update_property (GTK_ACCESSIBLE (serum->product),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, product_label, -1);
      gtk_accessible_update_property (GTK_ACCESSIBLE (serum->lot),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, lot_label, -1);
      gtk_accessible_update_property (GTK_ACCESSIBLE (serum->remove),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label, -1);
      gtk_widget_set_tooltip_text (serum->remove, remove_label);
    }
}

static void
remove_serum_clicked_cb (GtkButton           *button,
                         StippleSessionSetup *self)
{
  for (guint i = 0; i < self->serums->len; i++)
    {
      SerumRow *serum = g_ptr_array_index (self->serums, i);

      if (serum->remove != GTK_WIDGET (button))
        continue;
      adw_preferences_group_remove (self->serums_group, serum->row);
      g_ptr_array_remove_index (self->serums, i);
      break;
    }
  renumber_serums (self);
  stipple_session_setup_validate_cb (self);
}

void
stipple_session_setup_add_serum_clicked_cb (StippleSessionSetup *self)
{
  SerumRow *serum = g_new0 (SerumRow, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *product = gtk_entry_new ();
  GtkWidget *lot = gtk_entry_new ();

  gtk_entry_set_placeholder_text (GTK_ENTRY (product), _("Product, e.g. hyaluronic acid serum"));
  gtk_entry_set_placeholder_text (GTK_ENTRY (lot), _("Lot"));
  gtk_widget_set_hexpand (product, TRUE);
  gtk_editable_set_width_chars (GTK_EDITABLE (lot), 14);
  g_signal_connect_swapped (product, "changed",
                            G_CALLBACK (stipple_session_setup_validate_cb), self);
  g_signal_connect_swapped (lot, "changed",
                            G_CALLBACK (stipple_session_setup_validate_cb), self);

  serum->remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  gtk_widget_add_css_class (serum->remove, "flat");
  g_signal_connect (serum->remove, "clicked", G_CALLBACK (remove_serum_clicked_cb), self);

  serum->warning = gtk_label_new (_("No lot recorded: without it, a reaction cannot be traced "
                                    "to the batch of serum used."));
  gtk_label_set_xalign (GTK_LABEL (serum->warning), 0);
  gtk_label_set_wrap (GTK_LABEL (serum->warning), TRUE);
  gtk_widget_add_css_class (serum->warning, "warning");
  gtk_widget_add_css_class (serum->warning, "caption");

  gtk_box_append (GTK_BOX (line), product);
  gtk_box_append (GTK_BOX (line), lot);
  gtk_box_append (GTK_BOX (line), serum->remove);
  gtk_box_append (GTK_BOX (box), line);
  gtk_box_append (GTK_BOX (box), serum->warning);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 6);

  /* A preferences row, so the group shows it in its boxed list. */
  serum->row = adw_preferences_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (serum->row), FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (serum->row), box);
  serum->product = GTK_EDITABLE (product);
  serum->lot = GTK_EDITABLE (lot);
  adw_preferences_group_add (self->serums_group, serum->row);
  g_ptr_array_add (self->serums, serum);

  renumber_serums (self);
  stipple_session_setup_validate_cb (self);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    gtk_widget_grab_focus (product);
}
