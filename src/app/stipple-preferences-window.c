/* stipple-preferences-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-preferences"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-application.h"
#include "stipple-backup-list.h"
#include "stipple-a11y.h"
#include "stipple-preferences-window.h"
#include "stipple-usb-transport.h"
#include "stipple-zone-limits.h"

struct _StipplePreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;

  /* Template children */
  AdwEntryRow          *clinic_name_row;
  AdwEntryRow          *clinic_address_row;
  AdwEntryRow          *clinic_phone_row;
  AdwEntryRow          *photo_setup_notes_row;
  AdwComboRow          *color_scheme_row;
  AdwPreferencesGroup  *staff_group;
  AdwEntryRow          *add_staff_row;
  AdwPreferencesGroup  *limits_group;
  GtkSpinButton        *idle_lock_spin;
  AdwEntryRow          *pen_usb_ids_row;

  GPtrArray            *staff_rows;
  GtkSpinButton        *thin_spins[STIPPLE_N_ZONES];
  GtkSpinButton        *thick_spins[STIPPLE_N_ZONES];
  gboolean              loading_limits;

  AdwComboRow          *full_rate_row;
  /* needle-full-rate-months for each of its items */
  GArray               *full_rate_months;

  AdwActionRow         *offsite_folder_row;
  AdwActionRow         *offsite_status_row;
  AdwPreferencesGroup  *off_machine_group;
  GtkWidget            *off_machine_list;
  /* The folder and the last copy's time the list was read for. */
  char                 *off_machine_listed;
};

G_DEFINE_FINAL_TYPE (StipplePreferencesWindow, stipple_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
remove_staff_clicked_cb (GtkButton                *button,
                         StipplePreferencesWindow *self)
{
  const char *name = g_object_get_data (G_OBJECT (button), "staff-name");
  g_auto(GStrv) staff = g_settings_get_strv (self->settings, "staff");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) kept = NULL;

  for (guint i = 0; staff[i] != NULL; i++)
    if (g_strcmp0 (staff[i], name) != 0)
      g_strv_builder_add (builder, staff[i]);
  kept = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "staff", (const char * const *) kept);
}

static void
load_staff (StipplePreferencesWindow *self)
{
  g_auto(GStrv) staff = g_settings_get_strv (self->settings, "staff");

  for (guint i = 0; i < self->staff_rows->len; i++)
    adw_preferences_group_remove (self->staff_group, g_ptr_array_index (self->staff_rows, i));
  g_ptr_array_set_size (self->staff_rows, 0);

  for (guint i = 0; staff[i] != NULL; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
      g_autofree char *label = g_strdup_printf (_("Remove %s"), staff[i]);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), staff[i]);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (remove, "flat");
      gtk_widget_set_tooltip_text (remove, label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (remove),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      g_object_set_data_full (G_OBJECT (remove), "staff-name", g_strdup (staff[i]), g_free);
      g_signal_connect (remove, "clicked", G_CALLBACK (remove_staff_clicked_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
      adw_preferences_group_add (self->staff_group, row);
      g_ptr_array_add (self->staff_rows, row);
    }
}

static void
add_staff_apply_cb (StipplePreferencesWindow *self)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->add_staff_row))));
  g_auto(GStrv) staff = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) updated = NULL;

  if (self->settings == NULL || *name == '\0')
    return;

  staff = g_settings_get_strv (self->settings, "staff");
  if (g_strv_contains ((const char * const *) staff, name))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->add_staff_row), "error");
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (self->add_staff_row), "error");
  g_strv_builder_addv (builder, (const char **) staff);
  g_strv_builder_add (builder, name);
  updated = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "staff", (const char * const *) updated);
  gtk_editable_set_text (GTK_EDITABLE (self->add_staff_row), "");
}

static void
load_pen_usb_ids (StipplePreferencesWindow *self)
{
  g_auto(GStrv) ids = g_settings_get_strv (self->settings, "pen-usb-ids");
  g_autofree char *text = g_strjoinv (", ", ids);

  gtk_editable_set_text (GTK_EDITABLE (self->pen_usb_ids_row), text);
  gtk_widget_remove_css_class (GTK_WIDGET (self->pen_usb_ids_row), "error");
}

/* Saves the list only when every entry is an id and there is one at
 * least: a typo must not lock the clinic out of its own pen. */
static void
pen_usb_ids_apply_cb (StipplePreferencesWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->pen_usb_ids_row));
  g_auto(GStrv) parts = g_strsplit_set (text, ", \t", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) ids = NULL;
  guint n = 0;

  if (self->settings == NULL)
    return;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_autofree char *id = g_ascii_strdown (parts[i], -1);

      if (*id == '\0')
        continue;
      if (!stipple_usb_id_parse (id, NULL, NULL))
        {
          gtk_widget_add_css_class (GTK_WIDGET (self->pen_usb_ids_row), "error");
          return;
        }
      g_strv_builder_add (builder, id);
      n++;
    }
  if (n == 0)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->pen_usb_ids_row), "error");
      return;
    }

  ids = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "pen-usb-ids", (const char * const *) ids);
  load_pen_usb_ids (self);
}

static void
load_limits (StipplePreferencesWindow *self)
{
  g_autoptr(GVariant) overrides = g_settings_get_value (self->settings, "zone-limits");
  StippleZoneLimits limits;

  stipple_zone_limits_init_defaults (&limits);
  stipple_zone_limits_apply_variant (&limits, overrides);

  self->loading_limits = TRUE;
  for (guint z = 1; z < STIPPLE_N_ZONES; z++)
    {
      gtk_spin_button_set_value (self->thin_spins[z], limits.thin_um[z] / 1000.0);
      gtk_spin_button_set_value (self->thick_spins[z], limits.thick_um[z] / 1000.0);
    }
  self->loading_limits = FALSE;
}

static void
limit_changed_cb (StipplePreferencesWindow *self)
{
  StippleZoneLimits limits;
  GVariant *variant;

  if (self->loading_limits || self->settings == NULL)
    return;

  for (guint z = 1; z < STIPPLE_N_ZONES; z++)
    {
      limits.thin_um[z] = (guint) (gtk_spin_button_get_value (self->thin_spins[z]) * 1000 + 0.5);
      limits.thick_um[z] = (guint) (gtk_spin_button_get_value (self->thick_spins[z]) * 1000 + 0.5);
    }
  /* Round-trip through the rules, so the settings never hold a limit the
   * rules would not accept (thick below thin, off-step values). */
  variant = stipple_zone_limits_to_variant (&limits);
  g_settings_set_value (self->settings, "zone-limits", variant);
}

static void
reset_limits_clicked_cb (StipplePreferencesWindow *self)
{
  if (self->settings != NULL)
    g_settings_reset (self->settings, "zone-limits");
}

static GtkSpinButton *
limit_spin_new (StipplePreferencesWindow *self,
                const char               *accessible_label)
{
  GtkWidget *spin = gtk_spin_button_new_with_range (STIPPLE_ZONE_LIMIT_STEP_UM / 1000.0,
                                                    STIPPLE_ZONE_LIMIT_CEILING_UM / 1000.0,
                                                    STIPPLE_ZONE_LIMIT_STEP_UM / 1000.0);

  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), 2);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_label, -1);
  gtk_widget_set_tooltip_text (spin, accessible_label);
  g_signal_connect_swapped (spin, "value-changed", G_CALLBACK (limit_changed_cb), self);

  return GTK_SPIN_BUTTON (spin);
}

static void
build_limit_rows (StipplePreferencesWindow *self)
{
  for (guint z = 1; z < STIPPLE_N_ZONES; z++)
    {
      const StippleZoneInfo *info = stipple_zone_get_info (z);
      const char *name = stipple_zone_get_name (z);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *subtitle = NULL;
      g_autofree char *thin_label = g_strdup_printf (_("%s, thin skin, mm"), name);
      g_autofree char *thick_label = g_strdup_printf (_("%s, thick skin, mm"), name);
      GtkWidget *thin_caption = gtk_label_new (_("Thin"));
      GtkWidget *thick_caption = gtk_label_new (_("Thick"));

      subtitle = g_strdup_printf (_("Default %.2f mm (thin skin) · %.2f mm (thick skin)"),
                                  info->thin_max_um / 1000.0, info->thick_max_um / 1000.0);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

      self->thin_spins[z] = limit_spin_new (self, thin_label);
      self->thick_spins[z] = limit_spin_new (self, thick_label);
      gtk_widget_add_css_class (thin_caption, "dim-label");
      gtk_widget_add_css_class (thick_caption, "dim-label");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), thin_caption);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (self->thin_spins[z]));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), thick_caption);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (self->thick_spins[z]));
      adw_preferences_group_add (self->limits_group, row);
    }
}

/**
 * stipple_preferences_window_new:
 * @settings: the application settings to edit
 *
 * Returns: (transfer full): a new preferences window
 */
/* The backups page -------------------------------------------------- */

/* The copies in the folder off this computer, each verified there, with
 * a "Restore…" button as the backups beside the file have: read again
 * when the folder changes or a new copy is written. */
static void
update_off_machine_copies (StipplePreferencesWindow *self)
{
  StippleApplication *application = STIPPLE_APPLICATION (g_application_get_default ());
  const char *database = stipple_application_get_database (application);
  g_autofree char *folder = g_settings_get_string (self->settings, "offsite-folder");
  g_autofree char *listed = NULL;

  if (self->off_machine_group == NULL || database == NULL)
    return;
  listed = g_strdup_printf ("%s\n%" G_GINT64_FORMAT, folder,
                            g_settings_get_int64 (self->settings, "offsite-last-copy"));
  if (g_strcmp0 (listed, self->off_machine_listed) == 0)
    return;
  g_free (self->off_machine_listed);
  self->off_machine_listed = g_steal_pointer (&listed);

  if (self->off_machine_list != NULL)
    adw_preferences_group_remove (self->off_machine_group, self->off_machine_list);
  self->off_machine_list = NULL;
  gtk_widget_set_visible (GTK_WIDGET (self->off_machine_group), folder[0] != '\0');
  if (folder[0] == '\0')
    return;
  self->off_machine_list = stipple_backup_list_new_off_machine (database, folder);
  adw_preferences_group_add (self->off_machine_group, self->off_machine_list);
}

static void
update_offsite (StipplePreferencesWindow *self)
{
  StippleApplication *application = STIPPLE_APPLICATION (g_application_get_default ());
  g_autofree char *folder = g_settings_get_string (self->settings, "offsite-folder");
  g_autofree char *status = stipple_offsite_describe (stipple_application_get_offsite (application),
                                                      NULL);

  adw_action_row_set_subtitle (self->offsite_folder_row,
                               folder[0] != '\0' ? folder : _("None chosen"));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->offsite_status_row), status);
  update_off_machine_copies (self);
}

static void
offsite_folder_chosen_cb (GtkNativeDialog          *chooser,
                          int                       response,
                          StipplePreferencesWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = folder != NULL ? g_file_get_path (folder) : NULL;

      if (path != NULL)
        g_settings_set_string (self->settings, "offsite-folder", path);
    }
  g_object_unref (chooser);
}

/* The folder is chosen through the file chooser portal, so a Flatpak
 * Stipple is given that folder, and only that one. */
static void
choose_offsite_clicked_cb (StipplePreferencesWindow *self)
{
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Choose a Folder Off This Computer"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Choose"),
                                         _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (offsite_folder_chosen_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
copy_now_clicked_cb (StipplePreferencesWindow *self)
{
  StippleApplication *application = STIPPLE_APPLICATION (g_application_get_default ());

  stipple_offsite_copy_now (stipple_application_get_offsite (application));
}

/* How long a clinic may keep the needle data at full rate; 0 for ever. */
static const struct
{
  guint       months;
  const char *label;
} full_rate_choices[] = {
  { 0, N_("For Ever") },
  { 6, N_("6 Months") },
  { 12, N_("1 Year") },
  { 24, N_("2 Years") },
  { 60, N_("5 Years") },
  { 120, N_("10 Years") },
};

static void
full_rate_selected_cb (StipplePreferencesWindow *self)
{
  guint i = adw_combo_row_get_selected (self->full_rate_row);

  if (self->settings != NULL && i < self->full_rate_months->len)
    g_settings_set_uint (self->settings, "needle-full-rate-months",
                         g_array_index (self->full_rate_months, guint, i));
}

/* The needle data's retention: the choices above, and a value set
 * elsewhere (gsettings) as an item of its own. */
static GtkWidget *
full_rate_group_new (StipplePreferencesWindow *self)
{
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  guint current = g_settings_get_uint (self->settings, "needle-full-rate-months");
  guint selected = G_MAXUINT;

  adw_preferences_group_set_title (group, _("Needle Data"));
  adw_preferences_group_set_description (group,
                                         _("Each session’s needle data is kept at full rate, "
                                           "8,000 samples a second, in archives beside the "
                                           "patient file. After the time chosen here it is "
                                           "thinned to what the report and the replay need: "
                                           "the depth, time and rate of every stroke. Each "
                                           "thinning is recorded in the audit trail, and the "
                                           "clinical record is never thinned."));
  self->full_rate_months = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < G_N_ELEMENTS (full_rate_choices); i++)
    {
      gtk_string_list_append (labels, _(full_rate_choices[i].label));
      g_array_append_val (self->full_rate_months, full_rate_choices[i].months);
      if (full_rate_choices[i].months == current)
        selected = i;
    }
  if (selected == G_MAXUINT)
    {
      g_autofree char *label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u Month",
                                                             "%u Months", current), current);

      gtk_string_list_append (labels, label);
      g_array_append_val (self->full_rate_months, current);
      selected = self->full_rate_months->len - 1;
    }
  self->full_rate_row = ADW_COMBO_ROW (adw_combo_row_new ());
  gtk_widget_set_name (GTK_WIDGET (self->full_rate_row), "needle-full-rate");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->full_rate_row),
                                 _("Keep Full-Rate Needle Data"));
  adw_combo_row_set_model (self->full_rate_row, G_LIST_MODEL (labels));
  adw_combo_row_set_selected (self->full_rate_row, selected);
  stipple_a11y_name_row (GTK_WIDGET (self->full_rate_row), NULL);
  g_signal_connect_object (self->full_rate_row, "notify::selected",
                           G_CALLBACK (full_rate_selected_cb), self, G_CONNECT_SWAPPED);
  adw_preferences_group_add (group, GTK_WIDGET (self->full_rate_row));
  return GTK_WIDGET (group);
}

static void
add_backups_page (StipplePreferencesWindow *self)
{
  StippleApplication *application = STIPPLE_APPLICATION (g_application_get_default ());
  const char *database = stipple_application_get_database (application);
  StippleOffsite *offsite = stipple_application_get_offsite (application);
  AdwPreferencesPage *page = ADW_PREFERENCES_PAGE (adw_preferences_page_new ());
  AdwPreferencesGroup *group;
  GtkWidget *button;

  adw_preferences_page_set_title (page, _("Backups"));
  adw_preferences_page_set_icon_name (page, "document-save-symbolic");
  gtk_widget_set_name (GTK_WIDGET (page), "backups-page");

  group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (group, _("Copy Off This Computer"));
  adw_preferences_group_set_description (group,
                                         _("A folder on a USB drive or a network share. Stipple "
                                           "writes a verified copy of the patient file there "
                                           "every few hours and after each session, and keeps "
                                           "the newest 14."));
  self->offsite_folder_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->offsite_folder_row), _("Folder"));
  button = gtk_button_new_with_mnemonic (_("C_hoose…"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_signal_connect_object (button, "clicked", G_CALLBACK (choose_offsite_clicked_cb), self,
                           G_CONNECT_SWAPPED);
  adw_action_row_add_suffix (self->offsite_folder_row, button);
  adw_preferences_group_add (group, GTK_WIDGET (self->offsite_folder_row));

  self->offsite_status_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self->offsite_status_row), FALSE);
  adw_action_row_set_title_lines (self->offsite_status_row, 0);
  button = gtk_button_new_with_mnemonic (_("_Copy Now"));
  gtk_widget_set_name (button, "offsite-copy-now");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_signal_connect_object (button, "clicked", G_CALLBACK (copy_now_clicked_cb), self,
                           G_CONNECT_SWAPPED);
  adw_action_row_add_suffix (self->offsite_status_row, button);
  adw_preferences_group_add (group, GTK_WIDGET (self->offsite_status_row));
  adw_preferences_page_add (page, group);

  if (database != NULL)
    {
      self->off_machine_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
      adw_preferences_group_set_title (self->off_machine_group, _("Copies in the Folder"));
      adw_preferences_group_set_description (self->off_machine_group,
                                             _("Each read and verified where it is. Restore "
                                               "from here when this computer’s disk, or the "
                                               "backups on it, are lost."));
      adw_preferences_page_add (page, self->off_machine_group);
    }

  if (database != NULL)
    {
      group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
      adw_preferences_group_set_title (group, _("Backups on This Computer"));
      adw_preferences_group_set_description (group,
                                             _("Taken every day the patient file is opened, "
                                               "the newest 7 kept, in a folder beside it. "
                                               "Restoring one keeps the current file aside."));
      adw_preferences_group_add (group, stipple_backup_list_new (database));
      adw_preferences_page_add (page, group);
    }
  adw_preferences_page_add (page, ADW_PREFERENCES_GROUP (full_rate_group_new (self)));

  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), page);
  update_offsite (self);
  g_signal_connect_object (offsite, "changed", G_CALLBACK (update_offsite), self,
                           G_CONNECT_SWAPPED);
}

StipplePreferencesWindow *
stipple_preferences_window_new (GSettings *settings)
{
  StipplePreferencesWindow *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (STIPPLE_TYPE_PREFERENCES_WINDOW, NULL);
  self->settings = g_object_ref (settings);

  g_settings_bind (settings, "clinic-name", self->clinic_name_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "clinic-address", self->clinic_address_row, "text",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "clinic-phone", self->clinic_phone_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "photo-setup-notes", self->photo_setup_notes_row, "text",
                   G_SETTINGS_BIND_DEFAULT);
  adw_combo_row_set_selected (self->color_scheme_row,
                              (guint) g_settings_get_enum (settings, "color-scheme"));

  g_settings_bind (settings, "idle-lock-minutes",
                   gtk_spin_button_get_adjustment (self->idle_lock_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  load_staff (self);
  g_signal_connect_object (settings, "changed::staff", G_CALLBACK (load_staff), self,
                           G_CONNECT_SWAPPED);
  load_limits (self);
  g_signal_connect_object (settings, "changed::zone-limits", G_CALLBACK (load_limits), self,
                           G_CONNECT_SWAPPED);
  load_pen_usb_ids (self);
  g_signal_connect_object (settings, "changed::pen-usb-ids", G_CALLBACK (load_pen_usb_ids), self,
                           G_CONNECT_SWAPPED);
  if (STIPPLE_IS_APPLICATION (g_application_get_default ()) &&
      stipple_application_get_offsite (STIPPLE_APPLICATION (g_application_get_default ())) != NULL)
    add_backups_page (self);

  return self;
}

static void
color_scheme_selected_cb (StipplePreferencesWindow *self)
{
  if (self->settings == NULL)
    return;

  g_settings_set_enum (self->settings, "color-scheme",
                       (int) adw_combo_row_get_selected (self->color_scheme_row));
}

static void
stipple_preferences_window_dispose (GObject *object)
{
  StipplePreferencesWindow *self = STIPPLE_PREFERENCES_WINDOW (object);

  g_clear_object (&self->settings);
  g_clear_pointer (&self->off_machine_listed, g_free);
  g_clear_pointer (&self->full_rate_months, g_array_unref);
  g_clear_pointer (&self->staff_rows, g_ptr_array_unref);

  gtk_widget_dispose_template (GTK_WIDGET (self), STIPPLE_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (stipple_preferences_window_parent_class)->dispose (object);
}

static void
stipple_preferences_window_class_init (StipplePreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = stipple_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/stipple-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, StipplePreferencesWindow, clinic_name_row);
  gtk_widget_class_bind_template_child (widget_class, StipplePreferencesWindow, clinic_address_row);
  gtk_widget_class_bind_template_child (widget_class, StipplePreferencesWindow, clinic_phone_row);
  gtk_widget_class_bind_template_child (widget_class, StipplePreferencesWindow, photo_setup_notes_row);
  gtk_widget_class_bind_template_child (widget_class, StipplePreferencesWindow, color_scheme_row);
  gtk_widget_class_bind_template_child (widget_class, StipplePreferencesWindow, staff_group);
  gtk_widget_class_bind_template_child (widget_class, StipplePreferencesWindow, add_staff_row);
  gtk_widget_class_bind_template_child (widget_class, StipplePreferencesWindow, limits_group);
  gtk_widget_class_bind_template_child (widget_class, StipplePreferencesWindow, idle_lock_spin);
  gtk_widget_class_bind_template_child (widget_class, StipplePreferencesWindow, pen_usb_ids_row);
  gtk_widget_class_bind_template_callback (widget_class, color_scheme_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, add_staff_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, reset_limits_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, pen_usb_ids_apply_cb);
}

/* AdwPreferencesWindow's search entry, nameless in libadwaita 1.2. */
static GtkWidget *
find_search_entry (GtkWidget *root)
{
  if (GTK_IS_SEARCH_ENTRY (root))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_search_entry (child);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
stipple_preferences_window_init (StipplePreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  stipple_a11y_name_buttons_once (GTK_WIDGET (self));

  self->staff_rows = g_ptr_array_new ();
  build_limit_rows (self);

  stipple_a11y_present_visible_pages_below (GTK_WIDGET (self));
  stipple_a11y_name_row (GTK_WIDGET (self->color_scheme_row), NULL);
  {
    GtkWidget *search = find_search_entry (GTK_WIDGET (self));

    if (search != NULL)
      gtk_accessible_update_property (GTK_ACCESSIBLE (search), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Search preferences"), -1);
  }
}
