/* stipple-patient-editor.c
 *
 * The form for a new patient and for changing one. Every field is
 * checked as it is typed, with the same rules the patient file applies,
 * and says what is wrong under the field in words; Save stays off until
 * the form would be accepted. Whatever the patient file still refuses
 * (a record number already in use, a full disk, a locked file) is shown
 * at the top of the form in the store's own words, and the form keeps
 * everything typed so the clinician can correct it and save again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-patients"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "stipple-i18n.h"
#include "stipple-a11y.h"
#include "stipple-patient-editor.h"
#include "stipple-patient-text.h"
#include "stipple-store-limits.h"

/* The limits of the patient file (stipple-store-limits.h) are checked
 * here first, so the clinician hears of them while typing. */

typedef enum
{
  FIELD_FAMILY,
  FIELD_GIVEN,
  FIELD_DOB,
  FIELD_RECORD,
  FIELD_PHONE,
  FIELD_EMAIL,
  FIELD_ADDRESS,
  FIELD_ALLERGIES,
  N_FIELDS
} FieldId;

typedef struct
{
  /* A GtkEntry, or a GtkTextView for the fields of several lines. */
  GtkWidget *input;
  GtkWidget *message;
  /* Edited by the clinician: a needed field left empty is pointed out
   * only once it was touched, or Save was tried. */
  gboolean   touched;
} Field;

struct _StipplePatientEditor
{
  AdwWindow       parent_instance;

  StippleStore   *store;
  StipplePatient *patient;
  Field           fields[N_FIELDS];
  GtkDropDown    *fitzpatrick;
  GtkWidget      *fitzpatrick_note;
  GtkDropDown    *language;
  GtkCalendar    *calendar;
  GtkMenuButton  *calendar_button;
  /* The record number the store said is taken, and its words. */
  char           *duplicate_record;
  char           *duplicate_message;
  gboolean        loading;
  gboolean        saving;
  gboolean        valid;

  /* Template children */
  AdwWindowTitle *window_title;
  GtkWidget      *save_button;
  GtkBox         *form_box;
  GtkLabel       *store_error_label;
};

G_DEFINE_FINAL_TYPE (StipplePatientEditor, stipple_patient_editor, ADW_TYPE_WINDOW)

enum {
  SIGNAL_SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char *
field_text (Field *field)
{
  if (GTK_IS_TEXT_VIEW (field->input))
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (field->input));
      GtkTextIter start, end;

      gtk_text_buffer_get_bounds (buffer, &start, &end);
      return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    }
  return g_strdup (gtk_editable_get_text (GTK_EDITABLE (field->input)));
}

static void
field_set_text (Field      *field,
                const char *text)
{
  if (GTK_IS_TEXT_VIEW (field->input))
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (field->input)),
                              text ? text : "", -1);
  else
    gtk_editable_set_text (GTK_EDITABLE (field->input), text ? text : "");
}

/* @text NULL hides the message; an error marks the field as well. */
static void
field_set_message (Field      *field,
                   const char *text,
                   gboolean    is_error)
{
  GtkWidget *marked = GTK_IS_TEXT_VIEW (field->input) ? gtk_widget_get_parent (field->input)
                                                       : field->input;

  gtk_label_set_text (GTK_LABEL (field->message), text ? text : "");
  gtk_widget_set_visible (field->message, text != NULL);
  if (is_error && text != NULL)
    {
      gtk_widget_add_css_class (field->message, "error");
      gtk_widget_add_css_class (marked, "error");
      gtk_accessible_update_state (GTK_ACCESSIBLE (field->input),
                                   GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE,
                                   -1);
      gtk_accessible_update_property (GTK_ACCESSIBLE (field->input),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
    }
  else
    {
      gtk_widget_remove_css_class (field->message, "error");
      gtk_widget_remove_css_class (marked, "error");
      gtk_accessible_reset_state (GTK_ACCESSIBLE (field->input), GTK_ACCESSIBLE_STATE_INVALID);
      if (text != NULL)
        gtk_accessible_update_property (GTK_ACCESSIBLE (field->input),
                                        GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
      else
        gtk_accessible_reset_property (GTK_ACCESSIBLE (field->input),
                                       GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
    }
}

/* What the patient file refuses in any text: too long, or holding a
 * control character (pasted from elsewhere; line breaks and tabs are
 * fine where the field has several lines). */
static char *
check_text (const char *subject,
            const char *text,
            guint       max_chars,
            gboolean    multi_line)
{
  glong chars = g_utf8_strlen (text, -1);

  if (chars > (glong) max_chars)
    return g_strdup_printf (_("%s is too long: at most %u characters."), subject, max_chars);

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (multi_line && (c == '\n' || c == '\t' || c == '\r'))
        continue;
      if (g_unichar_iscntrl (c))
        return g_strdup_printf (_("%s contains an invisible control character: type it "
                                  "again rather than pasting it."), subject);
    }
  return NULL;
}

static char *
check_name (const char *subject,
            const char *text,
            const char *missing)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text));
  char *problem = check_text (subject, trimmed, STIPPLE_STORE_MAX_NAME_CHARS, FALSE);

  if (problem != NULL)
    return problem;
  if (*trimmed == '\0')
    return missing != NULL ? g_strdup (missing) : NULL;

  for (const char *p = trimmed; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_isalpha (g_utf8_get_char (p)))
      return NULL;
  return g_strdup_printf (_("%s needs at least one letter."), subject);
}

/* The date of birth: an error, or the date written out with the age so
 * the clinician sees how it was read ("9 March 1984, aged 42"). */
static char *
check_date_of_birth (const char  *text,
                     char       **info)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text));
  g_autofree char *written = NULL;
  GDate dob, today;
  int age;

  if (*trimmed == '\0')
    return g_strdup (_("Enter the date of birth, like 1984-03-09 or 9 March 1984."));
  if (!stipple_patient_text_parse_date (trimmed, &dob))
    return g_strdup (_("This is not a date. Type it as year-month-day, like 1984-03-09, "
                       "or written out, like 9 March 1984."));

  stipple_patient_text_today (&today);
  if (g_date_compare (&dob, &today) > 0)
    return g_strdup (_("The date of birth is in the future."));
  /* As the patient file counts it: from the 1st of January. */
  if (g_date_get_year (&dob) < g_date_get_year (&today) - STIPPLE_STORE_MAX_AGE_YEARS)
    return g_strdup_printf (_("The date of birth is more than %u years ago."), STIPPLE_STORE_MAX_AGE_YEARS);
  age = stipple_patient_text_age (&dob, &today);

  written = stipple_patient_text_write_date (&dob);
  *info = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s, aged %d year", "%s, aged %d years",
                                        age),
                           written, age);
  return NULL;
}

static char *
check_email (const char *text)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text));
  const char *at;
  char *problem = check_text (_("The email address"), trimmed, STIPPLE_STORE_MAX_EMAIL_CHARS, FALSE);

  if (problem != NULL || *trimmed == '\0')
    return problem;
  at = strchr (trimmed, '@');
  if (at == NULL || at == trimmed || at[1] == '\0')
    return g_strdup (_("An email address has a name, an @ and a domain, like "
                       "name@example.org."));
  return NULL;
}

static char *
check_field (StipplePatientEditor  *self,
             FieldId                id,
             char                 **info)
{
  g_autofree char *text = field_text (&self->fields[id]);
  gboolean touched = self->fields[id].touched;

  switch (id)
    {
    case FIELD_FAMILY:
      return check_name (_("The family name"), text,
                         touched ? _("Enter the family name.") : "");
    case FIELD_GIVEN:
      return check_name (_("The given name"), text, NULL);
    case FIELD_DOB:
      {
        g_autofree char *trimmed = g_strstrip (g_strdup (text));

        if (*trimmed == '\0' && !touched)
          return g_strdup ("");
        return check_date_of_birth (text, info);
      }
    case FIELD_RECORD:
      {
        g_autofree char *trimmed = g_strstrip (g_strdup (text));
        char *problem = check_text (_("The record number"), trimmed, STIPPLE_STORE_MAX_RECORD_NUMBER_CHARS, FALSE);

        if (problem != NULL)
          return problem;
        if (*trimmed == '\0')
          return g_strdup (touched ? _("A record number is needed.") : "");
        if (self->duplicate_record != NULL && g_str_equal (trimmed, self->duplicate_record))
          return g_strdup (self->duplicate_message);
        return NULL;
      }
    case FIELD_PHONE:
      return check_text (_("The phone number"), g_strstrip (text), STIPPLE_STORE_MAX_PHONE_CHARS, FALSE);
    case FIELD_EMAIL:
      return check_email (text);
    case FIELD_ADDRESS:
      return check_text (_("The address"), text, STIPPLE_STORE_MAX_FIELD_CHARS, TRUE);
    case FIELD_ALLERGIES:
      return check_text (_("The allergies"), text, STIPPLE_STORE_MAX_FIELD_CHARS, TRUE);
    case N_FIELDS:
    default:
      g_assert_not_reached ();
    }
}

static void
validate (StipplePatientEditor *self)
{
  gboolean valid = TRUE;

  if (self->loading)
    return;

  for (guint id = 0; id < N_FIELDS; id++)
    {
      g_autofree char *info = NULL;
      g_autofree char *problem = check_field (self, id, &info);

      if (problem != NULL)
        {
          valid = FALSE;
          /* "" is a needed field not yet touched: wrong, but not yet
           * worth a red mark. */
          field_set_message (&self->fields[id], *problem != '\0' ? problem : NULL, TRUE);
        }
      else
        field_set_message (&self->fields[id], info, FALSE);
    }

  gtk_widget_set_visible (self->fitzpatrick_note,
                          gtk_drop_down_get_selected (self->fitzpatrick) >= 4);

  self->valid = valid;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.save", valid && !self->saving);
}

/* @input is an entry, or a text view's buffer. */
static void
field_changed_cb (GObject              *input,
                  StipplePatientEditor *self)
{
  if (self->loading)
    return;

  for (guint id = 0; id < N_FIELDS; id++)
    if ((gpointer) self->fields[id].input == (gpointer) input ||
        (GTK_IS_TEXT_VIEW (self->fields[id].input) &&
         (gpointer) gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->fields[id].input)) ==
         (gpointer) input))
      self->fields[id].touched = TRUE;
  validate (self);
}

static GtkWidget *
add_field (StipplePatientEditor *self,
           FieldId               id,
           const char           *title,
           gboolean              multi_line,
           GtkWidget            *suffix)
{
  Field *field = &self->fields[id];
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *label = gtk_label_new_with_mnemonic (title);
  GtkWidget *holder;

  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_widget_add_css_class (label, "heading");
  gtk_box_append (GTK_BOX (box), label);

  if (multi_line)
    {
      GtkWidget *frame = gtk_frame_new (NULL);

      field->input = gtk_text_view_new ();
      gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (field->input), GTK_WRAP_WORD_CHAR);
      gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (field->input), FALSE);
      gtk_text_view_set_top_margin (GTK_TEXT_VIEW (field->input), 8);
      gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (field->input), 8);
      gtk_text_view_set_left_margin (GTK_TEXT_VIEW (field->input), 8);
      gtk_text_view_set_right_margin (GTK_TEXT_VIEW (field->input), 8);
      gtk_widget_set_size_request (field->input, -1, 72);
      gtk_frame_set_child (GTK_FRAME (frame), field->input);
      g_signal_connect (gtk_text_view_get_buffer (GTK_TEXT_VIEW (field->input)), "changed",
                        G_CALLBACK (field_changed_cb), self);
      holder = frame;
    }
  else
    {
      field->input = gtk_entry_new ();
      gtk_entry_set_activates_default (GTK_ENTRY (field->input), TRUE);
      gtk_widget_set_hexpand (field->input, TRUE);
      g_signal_connect (field->input, "changed", G_CALLBACK (field_changed_cb), self);
      holder = field->input;
    }

  if (suffix != NULL)
    {
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

      gtk_box_append (GTK_BOX (row), holder);
      gtk_box_append (GTK_BOX (row), suffix);
      holder = row;
    }
  gtk_box_append (GTK_BOX (box), holder);

  gtk_label_set_mnemonic_widget (GTK_LABEL (label), field->input);
  {
    /* The accessible name is the title without its mnemonic and mark. */
    g_autoptr(GString) name = g_string_new (title);

    g_string_replace (name, "_", "", 0);
    g_string_replace (name, " *", "", 0);
    stipple_a11y_name_once (field->input);
    gtk_accessible_update_property (GTK_ACCESSIBLE (field->input),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, name->str, -1);
  }

  field->message = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (field->message), 0.0);
  gtk_label_set_wrap (GTK_LABEL (field->message), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (field->message), PANGO_WRAP_WORD_CHAR);
  gtk_widget_set_visible (field->message, FALSE);
  gtk_box_append (GTK_BOX (box), field->message);

  gtk_box_append (self->form_box, box);
  return box;
}

static void
calendar_day_selected_cb (GtkCalendar          *calendar,
                          StipplePatientEditor *self)
{
  g_autoptr(GDateTime) day = gtk_calendar_get_date (calendar);
  g_autofree char *iso = g_date_time_format (day, "%Y-%m-%d");

  gtk_editable_set_text (GTK_EDITABLE (self->fields[FIELD_DOB].input), iso);
  gtk_menu_button_popdown (self->calendar_button);
}

/* The calendar opens on the date typed so far, or thirty years back,
 * nearer most patients' births than today is. */
static void
calendar_show_cb (GtkWidget            *popover,
                  StipplePatientEditor *self)
{
  g_autofree char *text = field_text (&self->fields[FIELD_DOB]);
  g_autoptr(GDateTime) day = NULL;
  GDate date;

  if (stipple_patient_text_parse_date (text, &date))
    day = g_date_time_new_local (g_date_get_year (&date), g_date_get_month (&date),
                                 g_date_get_day (&date), 12, 0, 0);
  else
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      day = g_date_time_add_years (now, -30);
    }
  g_signal_handlers_block_by_func (self->calendar, calendar_day_selected_cb, self);
  gtk_calendar_select_day (self->calendar, day);
  g_signal_handlers_unblock_by_func (self->calendar, calendar_day_selected_cb, self);
}

static GtkWidget *
calendar_button_new (StipplePatientEditor *self)
{
  GtkWidget *button = gtk_menu_button_new ();
  GtkWidget *popover = gtk_popover_new ();

  self->calendar = GTK_CALENDAR (gtk_calendar_new ());
  g_signal_connect (self->calendar, "day-selected", G_CALLBACK (calendar_day_selected_cb), self);
  gtk_popover_set_child (GTK_POPOVER (popover), GTK_WIDGET (self->calendar));
  g_signal_connect (popover, "show", G_CALLBACK (calendar_show_cb), self);

  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "x-office-calendar-symbolic");
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), popover);
  gtk_widget_set_tooltip_text (button, _("Choose the date of birth on a calendar"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Choose the date of birth on a calendar"), -1);
  self->calendar_button = GTK_MENU_BUTTON (button);
  return button;
}

static void
fitzpatrick_changed_cb (StipplePatientEditor *self)
{
  validate (self);
}

static void
add_fitzpatrick (StipplePatientEditor *self)
{
  static const char * const types[] = {
    N_("Not assessed"),
    N_("I — always burns, never tans"),
    N_("II — usually burns, tans minimally"),
    N_("III — sometimes burns, tans gradually"),
    N_("IV — burns minimally, tans well"),
    N_("V — rarely burns, tans deeply"),
    N_("VI — never burns"),
    NULL,
  };
  const char *translated[G_N_ELEMENTS (types)];
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *label = gtk_label_new_with_mnemonic (_("_Fitzpatrick skin type"));

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    translated[i] = types[i] ? _(types[i]) : NULL;

  self->fitzpatrick = GTK_DROP_DOWN (gtk_drop_down_new_from_strings (translated));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->fitzpatrick),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Fitzpatrick skin type"), -1);
  g_signal_connect_swapped (self->fitzpatrick, "notify::selected",
                            G_CALLBACK (fitzpatrick_changed_cb), self);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), GTK_WIDGET (self->fitzpatrick));
  stipple_a11y_name_drop_down (GTK_WIDGET (self->fitzpatrick), _("Fitzpatrick skin type"));
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_widget_add_css_class (label, "heading");

  self->fitzpatrick_note = gtk_label_new (_("Higher risk of post-inflammatory "
                                            "hyperpigmentation: choose depths with care."));
  gtk_label_set_xalign (GTK_LABEL (self->fitzpatrick_note), 0.0);
  gtk_label_set_wrap (GTK_LABEL (self->fitzpatrick_note), TRUE);
  gtk_widget_add_css_class (self->fitzpatrick_note, "warning");
  gtk_widget_set_visible (self->fitzpatrick_note, FALSE);

  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->fitzpatrick));
  gtk_box_append (GTK_BOX (box), self->fitzpatrick_note);
  gtk_box_append (self->form_box, box);
}

/* The patient's copy of each report is written in this language. Names
 * are each in their own language, as the patient would look for theirs. */
static void
add_language (StipplePatientEditor *self)
{
  const StippleLanguage *languages;
  guint n_languages;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *label = gtk_label_new_with_mnemonic (_("_Language of the patient copy"));
  GtkWidget *note = gtk_label_new (_("The patient copy of each session report, with its "
                                     "aftercare, is printed in this language."));

  languages = stipple_i18n_get_languages (&n_languages);
  for (guint i = 0; i < n_languages; i++)
    g_ptr_array_add (names, (gpointer) languages[i].name);
  g_ptr_array_add (names, NULL);

  self->language = GTK_DROP_DOWN (gtk_drop_down_new_from_strings ((const char * const *) names->pdata));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->language),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Language of the patient copy"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  gtk_label_get_text (GTK_LABEL (note)), -1);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), GTK_WIDGET (self->language));
  stipple_a11y_name_drop_down (GTK_WIDGET (self->language), _("Language of the patient copy"));
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_widget_add_css_class (label, "heading");
  gtk_label_set_xalign (GTK_LABEL (note), 0.0);
  gtk_label_set_wrap (GTK_LABEL (note), TRUE);
  gtk_widget_add_css_class (note, "dim-label");

  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->language));
  gtk_box_append (GTK_BOX (box), note);
  gtk_box_append (self->form_box, box);
}

/* A patient with no language on file (a new one, or one from before
 * languages were recorded) starts with the interface's. */
static void
select_language (StipplePatientEditor *self,
                 const char           *code)
{
  const StippleLanguage *languages;
  const StippleLanguage *wanted = stipple_i18n_lookup_language (code);
  guint n_languages;

  if (wanted == NULL)
    wanted = stipple_i18n_lookup_language (stipple_i18n_get_interface_language ());
  languages = stipple_i18n_get_languages (&n_languages);
  for (guint i = 0; i < n_languages; i++)
    if (&languages[i] == wanted)
      gtk_drop_down_set_selected (self->language, i);
}

static void
load_patient (StipplePatientEditor *self)
{
  const StipplePatient *p = self->patient;

  self->loading = TRUE;
  field_set_text (&self->fields[FIELD_FAMILY], p->family_name);
  field_set_text (&self->fields[FIELD_GIVEN], p->given_name);
  field_set_text (&self->fields[FIELD_DOB], p->date_of_birth);
  field_set_text (&self->fields[FIELD_RECORD], p->record_number);
  field_set_text (&self->fields[FIELD_PHONE], p->phone);
  field_set_text (&self->fields[FIELD_EMAIL], p->email);
  field_set_text (&self->fields[FIELD_ADDRESS], p->address);
  field_set_text (&self->fields[FIELD_ALLERGIES], p->allergies);
  gtk_drop_down_set_selected (self->fitzpatrick, MIN (p->fitzpatrick, 6));
  select_language (self, p->language);
  self->loading = FALSE;

  /* A record on file is checked as a whole from the start. */
  if (p->id != 0)
    for (guint id = 0; id < N_FIELDS; id++)
      self->fields[id].touched = TRUE;
  validate (self);
}

static char *
single_line (Field *field)
{
  return g_strstrip (field_text (field));
}

static void
save_ready_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(StipplePatientEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(StipplePatient) saved = NULL;

  saved = stipple_store_save_patient_finish (STIPPLE_STORE (source), result, &error);
  self->saving = FALSE;

  /* Closed while saving: the patient is saved all the same, and whoever
   * listens still hears of it. */
  if (self->store == NULL)
    {
      if (saved != NULL)
        g_signal_emit (self, signals[SIGNAL_SAVED], 0, saved->id);
      return;
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->form_box), TRUE);

  if (saved == NULL)
    {
      /* Everything typed stays; the store's words say what to change. */
      gtk_label_set_text (self->store_error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->store_error_label), TRUE);
      if (g_error_matches (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_DUPLICATE))
        {
          g_free (self->duplicate_record);
          g_free (self->duplicate_message);
          self->duplicate_record = single_line (&self->fields[FIELD_RECORD]);
          self->duplicate_message = g_strdup (error->message);
          gtk_widget_grab_focus (self->fields[FIELD_RECORD].input);
        }
      validate (self);
      return;
    }

  stipple_patient_free (self->patient);
  self->patient = stipple_patient_copy (saved);
  g_signal_emit (self, signals[SIGNAL_SAVED], 0, saved->id);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
save_action_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  StipplePatientEditor *self = STIPPLE_PATIENT_EDITOR (widget);
  g_autoptr(StipplePatient) patient = stipple_patient_copy (self->patient);
  g_autofree char *dob_text = NULL;
  GDate dob;

  for (guint id = 0; id < N_FIELDS; id++)
    self->fields[id].touched = TRUE;
  validate (self);
  if (!self->valid || self->saving)
    return;

  dob_text = field_text (&self->fields[FIELD_DOB]);
  if (!stipple_patient_text_parse_date (dob_text, &dob))
    return;

  /* Spaces around a name or number are typing, not data; everything
   * else is kept exactly as typed. */
  g_free (patient->family_name);
  patient->family_name = single_line (&self->fields[FIELD_FAMILY]);
  g_free (patient->given_name);
  patient->given_name = single_line (&self->fields[FIELD_GIVEN]);
  g_free (patient->date_of_birth);
  patient->date_of_birth = stipple_patient_text_iso_date (&dob);
  g_free (patient->record_number);
  patient->record_number = single_line (&self->fields[FIELD_RECORD]);
  g_free (patient->phone);
  patient->phone = single_line (&self->fields[FIELD_PHONE]);
  g_free (patient->email);
  patient->email = single_line (&self->fields[FIELD_EMAIL]);
  g_free (patient->address);
  patient->address = field_text (&self->fields[FIELD_ADDRESS]);
  g_free (patient->allergies);
  patient->allergies = field_text (&self->fields[FIELD_ALLERGIES]);
  patient->fitzpatrick = gtk_drop_down_get_selected (self->fitzpatrick);
  {
    guint n_languages, selected = gtk_drop_down_get_selected (self->language);
    const StippleLanguage *languages = stipple_i18n_get_languages (&n_languages);

    if (selected < n_languages)
      {
        g_free (patient->language);
        patient->language = g_strdup (languages[selected].code);
      }
  }

  self->saving = TRUE;
  gtk_widget_action_set_enabled (widget, "editor.save", FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->form_box), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->store_error_label), FALSE);
  stipple_store_save_patient_async (self->store, patient, NULL, save_ready_cb,
                                    g_object_ref (self));
}

/**
 * stipple_patient_editor_new:
 * @store: the patient file to save to
 * @patient: (nullable): the patient to change, or %NULL for a new one
 *
 * Returns: (transfer full): a new patient form; present it with
 *   gtk_window_set_transient_for() and gtk_window_present(). It closes
 *   itself once the patient is saved, after emitting
 *   #StipplePatientEditor::saved.
 */
StipplePatientEditor *
stipple_patient_editor_new (StippleStore         *store,
                            const StipplePatient *patient)
{
  StipplePatientEditor *self;

  g_return_val_if_fail (STIPPLE_IS_STORE (store), NULL);

  self = g_object_new (STIPPLE_TYPE_PATIENT_EDITOR, NULL);
  self->store = g_object_ref (store);
  if (patient != NULL)
    {
      g_autofree char *name = NULL;

      stipple_patient_free (self->patient);
      self->patient = stipple_patient_copy (patient);
      name = g_strdup_printf ("%s %s", patient->given_name ? patient->given_name : "",
                              patient->family_name ? patient->family_name : "");
      gtk_window_set_title (GTK_WINDOW (self), _("Edit Patient"));
      adw_window_title_set_title (self->window_title, _("Edit Patient"));
      adw_window_title_set_subtitle (self->window_title, g_strstrip (name));
    }
  load_patient (self);

  /* Typing starts in the family name: the first word typed is never lost
   * to a window with no focus. */
  gtk_window_set_focus (GTK_WINDOW (self), self->fields[FIELD_FAMILY].input);

  return self;
}

/**
 * stipple_patient_editor_is_valid:
 * @self: a patient form
 *
 * Returns: whether everything typed would be accepted, so Save is on
 */
gboolean
stipple_patient_editor_is_valid (StipplePatientEditor *self)
{
  g_return_val_if_fail (STIPPLE_IS_PATIENT_EDITOR (self), FALSE);

  return self->valid;
}

static void
stipple_patient_editor_dispose (GObject *object)
{
  StipplePatientEditor *self = STIPPLE_PATIENT_EDITOR (object);

  g_clear_object (&self->store);

  gtk_widget_dispose_template (GTK_WIDGET (self), STIPPLE_TYPE_PATIENT_EDITOR);

  G_OBJECT_CLASS (stipple_patient_editor_parent_class)->dispose (object);
}

static void
stipple_patient_editor_finalize (GObject *object)
{
  StipplePatientEditor *self = STIPPLE_PATIENT_EDITOR (object);

  g_clear_pointer (&self->patient, stipple_patient_free);
  g_free (self->duplicate_record);
  g_free (self->duplicate_message);

  G_OBJECT_CLASS (stipple_patient_editor_parent_class)->finalize (object);
}

static void
stipple_patient_editor_class_init (StipplePatientEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = stipple_patient_editor_dispose;
  object_class->finalize = stipple_patient_editor_finalize;

  /* Escape is Cancel, as in every dialog. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);

  /**
   * StipplePatientEditor::saved:
   * @self: the form
   * @patient_id: the patient as now saved in the patient file
   */
  signals[SIGNAL_SAVED] =
    g_signal_new ("saved",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save_action_cb);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/stipple-patient-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, StipplePatientEditor, window_title);
  gtk_widget_class_bind_template_child (widget_class, StipplePatientEditor, save_button);
  gtk_widget_class_bind_template_child (widget_class, StipplePatientEditor, form_box);
  gtk_widget_class_bind_template_child (widget_class, StipplePatientEditor, store_error_label);
}

static void
stipple_patient_editor_init (StipplePatientEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->patient = stipple_patient_new ();
  gtk_window_set_title (GTK_WINDOW (self), _("New Patient"));
  adw_window_title_set_title (self->window_title, _("New Patient"));

  add_field (self, FIELD_FAMILY, _("_Family name *"), FALSE, NULL);
  add_field (self, FIELD_GIVEN, _("_Given name"), FALSE, NULL);
  add_field (self, FIELD_DOB, _("_Date of birth *"), FALSE, calendar_button_new (self));
  gtk_entry_set_placeholder_text (GTK_ENTRY (self->fields[FIELD_DOB].input),
                                  _("1984-03-09 or 9 March 1984"));
  add_field (self, FIELD_RECORD, _("_Record number *"), FALSE, NULL);
  add_fitzpatrick (self);
  add_language (self);
  add_field (self, FIELD_ALLERGIES, _("_Allergies"), TRUE, NULL);
  add_field (self, FIELD_PHONE, _("_Phone"), FALSE, NULL);
  add_field (self, FIELD_EMAIL, _("_Email"), FALSE, NULL);
  add_field (self, FIELD_ADDRESS, _("A_ddress"), TRUE, NULL);

  gtk_window_set_default_widget (GTK_WINDOW (self), self->save_button);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.save", FALSE);
}
