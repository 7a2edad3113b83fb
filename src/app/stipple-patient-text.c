/* stipple-patient-text.c
 *
 * The patient screens write every date with its month's name: "03/09/84"
 * is the 3rd of September to one clinician and the 9th of March to the
 * next, and a date of birth misread is a patient misidentified.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-patients"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "stipple-a11y.h"
#include "stipple-patient-text.h"

/* Values up to this long stay on one line. */
#define SHORT_VALUE_CHARS 32

static const char * const english_months[12] = {
  "january", "february", "march", "april", "may", "june",
  "july", "august", "september", "october", "november", "december",
};

static gboolean
all_digits (const char *s)
{
  if (*s == '\0')
    return FALSE;
  for (; *s != '\0'; s++)
    if (!g_ascii_isdigit (*s))
      return FALSE;
  return TRUE;
}

/* A month typed as a word: English, or the names of the current locale,
 * whole or cut short to at least three letters ("Mar", "sept"). */
static guint
month_from_word (const char *word)
{
  g_autofree char *folded = g_utf8_casefold (word, -1);
  gsize len = strlen (folded);

  if (g_utf8_strlen (folded, -1) < 3)
    return 0;
  if (len > 0 && folded[len - 1] == '.')
    folded[--len] = '\0';

  for (guint m = 0; m < 12; m++)
    {
      g_autoptr(GDateTime) first = g_date_time_new_utc (2000, m + 1, 1, 0, 0, 0);
      g_autofree char *local_full = g_date_time_format (first, "%B");
      g_autofree char *local_abbr = g_date_time_format (first, "%b");
      g_autofree char *full = g_utf8_casefold (local_full ? local_full : "", -1);
      g_autofree char *abbr = g_utf8_casefold (local_abbr ? local_abbr : "", -1);

      if (g_str_has_prefix (english_months[m], folded) ||
          (*full != '\0' && g_str_has_prefix (full, folded)) ||
          (*abbr != '\0' && g_str_equal (abbr, folded)))
        return m + 1;
    }
  return 0;
}

static gboolean
set_date (GDate *date,
          guint  day,
          guint  month,
          guint  year)
{
  if (year < 1000 || year > 9999 || !g_date_valid_dmy (day, month, year))
    return FALSE;
  g_date_set_dmy (date, day, month, year);
  return TRUE;
}

/**
 * stipple_patient_text_parse_date:
 * @text: what was typed
 * @date: (out caller-allocates): the date read
 *
 * Reads a calendar date typed as 1984-03-09, as 9.3.1984 or 9/3/1984
 * (day first, as the patient file's search reads them), or written out:
 * "9 March 1984", "9 Mar 1984", "March 9, 1984", and as the German and
 * Spanish date formats write them, "9. März 1984", "9 de marzo de 1984".
 * The year always has
 * four digits, so no century is ever guessed.
 *
 * Returns: whether @text is a date
 */
gboolean
stipple_patient_text_parse_date (const char *text,
                                 GDate      *date)
{
  g_autofree char *copy = NULL;
  g_auto(GStrv) words = NULL;
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  guint a, b, c;
  char sep1, sep2, tail;

  g_return_val_if_fail (date != NULL, FALSE);

  g_date_clear (date, 1);
  if (text == NULL)
    return FALSE;
  copy = g_strstrip (g_strdup (text));

  if (sscanf (copy, "%4u-%2u-%2u%c", &a, &b, &c, &tail) == 3 && strlen (copy) <= 10 &&
      copy[4] == '-')
    return set_date (date, c, b, a);

  if (sscanf (copy, "%2u%c%2u%c%4u%c", &a, &sep1, &b, &sep2, &c, &tail) == 5 &&
      (sep1 == '.' || sep1 == '/') && sep1 == sep2 &&
      strlen (strrchr (copy, sep1) + 1) == 4)
    return set_date (date, a, b, c);

  /* Written out: a day, a month's name and a year, in either order of day
   * and month, commas allowed. */
  g_strdelimit (copy, ",", ' ');
  words = g_strsplit_set (copy, " \t", -1);
  for (guint i = 0; words[i] != NULL; i++)
    {
      gsize len = strlen (words[i]);

      /* As Stipple writes dates in other languages: "9. März 1984",
       * "9 de marzo de 1984". */
      if (len > 1 && words[i][len - 1] == '.' && g_ascii_isdigit (words[i][0]))
        words[i][len - 1] = '\0';
      if (*words[i] == '\0' || g_ascii_strcasecmp (words[i], "de") == 0 ||
          g_ascii_strcasecmp (words[i], "del") == 0)
        continue;
      g_ptr_array_add (parts, words[i]);
    }
  if (parts->len != 3 || strlen (g_ptr_array_index (parts, 2)) != 4 ||
      !all_digits (g_ptr_array_index (parts, 2)))
    return FALSE;

  {
    const char *first = g_ptr_array_index (parts, 0);
    const char *second = g_ptr_array_index (parts, 1);
    const char *day_word = all_digits (first) ? first : second;
    const char *month_word = day_word == first ? second : first;
    guint month = month_from_word (month_word);
    guint year = (guint) g_ascii_strtoull (g_ptr_array_index (parts, 2), NULL, 10);

    if (month == 0 || !all_digits (day_word) || strlen (day_word) > 2)
      return FALSE;
    return set_date (date, (guint) g_ascii_strtoull (day_word, NULL, 10), month, year);
  }
}

/**
 * stipple_patient_text_iso_date:
 * @date: a valid date
 *
 * Returns: (transfer full): @date as the patient file keeps it, YYYY-MM-DD
 */
char *
stipple_patient_text_iso_date (const GDate *date)
{
  g_return_val_if_fail (date != NULL && g_date_valid (date), NULL);

  return g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (date), g_date_get_month (date),
                          g_date_get_day (date));
}

/**
 * stipple_patient_text_write_date:
 * @date: a valid date
 *
 * Returns: (transfer full): @date written out, "9 March 1984"
 */
char *
stipple_patient_text_write_date (const GDate *date)
{
  g_autoptr(GDateTime) time = NULL;

  g_return_val_if_fail (date != NULL && g_date_valid (date), NULL);

  time = g_date_time_new_utc (g_date_get_year (date), g_date_get_month (date),
                              g_date_get_day (date), 12, 0, 0);
  /* TRANSLATORS: a date written out, with the month's name. */
  return g_date_time_format (time, _("%-d %B %Y"));
}

/**
 * stipple_patient_text_write_iso_date:
 * @iso_date: (nullable): a date as the patient file keeps it
 *
 * Returns: (transfer full): the date written out, or a copy of @iso_date
 *   when it is not a date, or "—" when it is empty, so that nothing on
 *   record is ever hidden
 */
char *
stipple_patient_text_write_iso_date (const char *iso_date)
{
  GDate date;
  guint y, m, d;
  char tail;

  if (iso_date == NULL || *iso_date == '\0')
    return g_strdup ("—");
  if (sscanf (iso_date, "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3 || !set_date (&date, d, m, y))
    return g_strdup (iso_date);
  return stipple_patient_text_write_date (&date);
}

/**
 * stipple_patient_text_write_day:
 * @time: (nullable): a moment
 *
 * Returns: (transfer full): the local day of @time written out, or "—"
 */
char *
stipple_patient_text_write_day (GDateTime *time)
{
  g_autoptr(GDateTime) local = NULL;

  if (time == NULL)
    return g_strdup ("—");
  local = g_date_time_to_local (time);
  return g_date_time_format (local, _("%-d %B %Y"));
}

/**
 * stipple_patient_text_write_time:
 * @time: (nullable): a moment
 *
 * Returns: (transfer full): the local day and time of @time, "9 March
 *   2026, 09:30", or "—"
 */
char *
stipple_patient_text_write_time (GDateTime *time)
{
  g_autoptr(GDateTime) local = NULL;

  if (time == NULL)
    return g_strdup ("—");
  local = g_date_time_to_local (time);
  /* TRANSLATORS: a day written out and a time of day, 24-hour clock. */
  return g_date_time_format (local, _("%-d %B %Y, %H:%M"));
}

/**
 * stipple_patient_text_today:
 * @today: (out caller-allocates): today's local date
 */
void
stipple_patient_text_today (GDate *today)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  g_return_if_fail (today != NULL);

  g_date_clear (today, 1);
  g_date_set_dmy (today, g_date_time_get_day_of_month (now), g_date_time_get_month (now),
                  g_date_time_get_year (now));
}

/**
 * stipple_patient_text_age:
 * @date_of_birth: a valid date
 * @today: a valid date, not before @date_of_birth
 *
 * Returns: completed years between the two, or -1 when @today comes first
 */
int
stipple_patient_text_age (const GDate *date_of_birth,
                          const GDate *today)
{
  int years;

  g_return_val_if_fail (date_of_birth != NULL && g_date_valid (date_of_birth), -1);
  g_return_val_if_fail (today != NULL && g_date_valid (today), -1);

  if (g_date_compare (date_of_birth, today) > 0)
    return -1;
  years = g_date_get_year (today) - g_date_get_year (date_of_birth);
  if (g_date_get_month (today) < g_date_get_month (date_of_birth) ||
      (g_date_get_month (today) == g_date_get_month (date_of_birth) &&
       g_date_get_day (today) < g_date_get_day (date_of_birth)))
    years--;
  return years;
}

/**
 * stipple_patient_text_fitzpatrick:
 * @fitzpatrick: a skin type, 1 to 6, or 0 when not assessed
 *
 * Returns: (transfer none): the type in Roman numerals, or "Not assessed"
 */
const char *
stipple_patient_text_fitzpatrick (guint fitzpatrick)
{
  static const char * const roman[] = { "I", "II", "III", "IV", "V", "VI" };

  if (fitzpatrick < 1 || fitzpatrick > 6)
    return _("Not assessed");
  return roman[fitzpatrick - 1];
}

/**
 * stipple_patient_text_depth:
 * @depth_um: a needle depth in micrometres
 *
 * Returns: (transfer full): the depth in millimetres with its unit,
 *   "0.25 mm", "1.5 mm", never a bare number
 */
char *
stipple_patient_text_depth (guint depth_um)
{
  if (depth_um % 100 == 0)
    return g_strdup_printf (_("%u.%u mm"), depth_um / 1000, (depth_um % 1000) / 100);
  if (depth_um % 10 == 0)
    return g_strdup_printf (_("%u.%02u mm"), depth_um / 1000, (depth_um % 1000) / 10);
  return g_strdup_printf (_("%u.%03u mm"), depth_um / 1000, depth_um % 1000);
}

/**
 * stipple_patient_text_add_field:
 * @group: where the field goes
 * @title: what the value is
 * @value: (nullable): the value as recorded; "—" when empty
 *
 * Adds a read-only row: the field's name on the left, its value on the
 * right in full, wrapped rather than cut short.
 *
 * Returns: (transfer none): the row
 */
GtkWidget *
stipple_patient_text_add_field (AdwPreferencesGroup *group,
                                const char          *title,
                                const char          *value)
{
  GtkWidget *row;
  GtkWidget *label;

  g_return_val_if_fail (ADW_IS_PREFERENCES_GROUP (group), NULL);
  g_return_val_if_fail (title != NULL, NULL);

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);

  if (value == NULL || *value == '\0')
    value = "—";
  label = gtk_label_new (value);
  gtk_label_set_xalign (GTK_LABEL (label), 1.0);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_RIGHT);
  /* A short value is never broken ("DEMO-\n0002" misreads); a long one
   * wraps at a width that still reads as lines of text. */
  if (g_utf8_strlen (value, -1) > SHORT_VALUE_CHARS || strchr (value, '\n') != NULL)
    {
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_width_chars (GTK_LABEL (label), SHORT_VALUE_CHARS);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 2 * SHORT_VALUE_CHARS);
    }
  gtk_widget_set_margin_top (label, 6);
  gtk_widget_set_margin_bottom (label, 6);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  stipple_a11y_name_row_with_value (row, label);

  adw_preferences_group_add (group, row);
  return row;
}

/**
 * stipple_patient_text_name:
 * @patient: a patient
 *
 * Returns: (transfer full): the patient's name as said aloud, given name
 *   first: "Amara Okafor"
 */
char *
stipple_patient_text_name (const StipplePatient *patient)
{
  g_return_val_if_fail (patient != NULL, NULL);

  return g_strstrip (g_strdup_printf ("%s %s", patient->given_name ? patient->given_name : "",
                                      patient->family_name ? patient->family_name : ""));
}

/**
 * stipple_patient_text_identity:
 * @patient: a patient
 *
 * Returns: (transfer full): what tells this patient from another of the
 *   same name: "record number · born 9 March 1984"
 */
char *
stipple_patient_text_identity (const StipplePatient *patient)
{
  g_autofree char *born = NULL;

  g_return_val_if_fail (patient != NULL, NULL);

  born = stipple_patient_text_write_iso_date (patient->date_of_birth);
  /* Translators: a patient's record number and date of birth */
  return g_strdup_printf (_("%s · born %s"), patient->record_number ? patient->record_number : "",
                          born ? born : "");
}

/**
 * stipple_patient_text_alerts:
 * @patient: a patient
 *
 * What must stay in sight while this patient is treated: recorded
 * allergies, and a skin type (IV to VI) that scars darker.
 *
 * Returns: (transfer full) (nullable): one line each, or %NULL when there
 *   is nothing to warn about
 */
char *
stipple_patient_text_alerts (const StipplePatient *patient)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_val_if_fail (patient != NULL, NULL);

  if (patient->allergies != NULL && *patient->allergies != '\0')
    g_string_append_printf (text, _("Allergies: %s"), patient->allergies);
  if (patient->fitzpatrick >= 4 && patient->fitzpatrick <= 6)
    {
      if (text->len > 0)
        g_string_append_c (text, '\n');
      /* Translators: "Skin type IV: Higher risk of post-inflammatory hyperpigmentation" */
      g_string_append_printf (text, _("Skin type %s: %s"),
                              stipple_patient_text_fitzpatrick (patient->fitzpatrick),
                              _("Higher risk of post-inflammatory hyperpigmentation"));
    }

  return text->len > 0 ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

/**
 * stipple_patient_text_is_reason:
 * @text: what the clinician typed
 *
 * Whether @text can stand in the record as a reason for treating despite
 * a contraindication, or past a zone's limit: the rule is the session's
 * (stipple_session_rules_is_reason()), so that both hold reasons to the
 * same words.
 *
 * Returns: %TRUE when @text reads as a reason
 */
gboolean
stipple_patient_text_is_reason (const char *text)
{
  return stipple_session_rules_is_reason (text);
}
