/* test-patient-text.c: dates as clinicians type them, in their language
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib.h>
#include <locale.h>

#include "stipple-patient-text.h"

static void
assert_date (const char *text,
             guint       day,
             guint       month,
             guint       year)
{
  GDate date;

  if (!stipple_patient_text_parse_date (text, &date))
    g_error ("“%s” was not read as a date", text);
  g_assert_cmpuint (g_date_get_day (&date), ==, day);
  g_assert_cmpuint (g_date_get_month (&date), ==, month);
  g_assert_cmpuint (g_date_get_year (&date), ==, year);
}

static void
assert_not_date (const char *text)
{
  GDate date;

  if (stipple_patient_text_parse_date (text, &date))
    g_error ("“%s” was read as a date", text);
}

static void
test_english (void)
{
  assert_date ("1984-03-09", 9, 3, 1984);
  assert_date ("9.3.1984", 9, 3, 1984);
  assert_date ("09/03/1984", 9, 3, 1984);
  assert_date ("9 March 1984", 9, 3, 1984);
  assert_date ("March 9, 1984", 9, 3, 1984);
  assert_date (" 9 mar 1984 ", 9, 3, 1984);

  assert_not_date ("");
  assert_not_date ("84-03-09");
  assert_not_date ("31 February 1984");
  assert_not_date ("9 Smarch 1984");
  assert_not_date ("9 March 84");
  assert_not_date ("Brightwater");
}

/* As the German and Spanish date formats write them on screen. */
static void
test_written_in_other_languages (void)
{
  if (setlocale (LC_TIME, "de_DE.UTF-8") == NULL)
    g_error ("The de_DE.UTF-8 locale is missing; ./build-aux/dev test generates it");
  assert_date ("9. März 1984", 9, 3, 1984);
  assert_date ("9 März 1984", 9, 3, 1984);

  if (setlocale (LC_TIME, "es_ES.UTF-8") == NULL)
    g_error ("The es_ES.UTF-8 locale is missing; ./build-aux/dev test generates it");
  assert_date ("9 de marzo de 1984", 9, 3, 1984);

  if (setlocale (LC_TIME, "fr_FR.UTF-8") == NULL)
    g_error ("The fr_FR.UTF-8 locale is missing; ./build-aux/dev test generates it");
  assert_date ("9 mars 1984", 9, 3, 1984);

  setlocale (LC_TIME, "C.UTF-8");
}

/* A reason kept in the record is a few words, not a keystroke. */
static void
test_reason (void)
{
  g_assert_false (stipple_patient_text_is_reason (NULL));
  g_assert_false (stipple_patient_text_is_reason (""));
  g_assert_false (stipple_patient_text_is_reason ("x"));
  g_assert_false (stipple_patient_text_is_reason ("   ok ok   "));
  g_assert_false (stipple_patient_text_is_reason ("okokokokokokok"));
  g_assert_false (stipple_patient_text_is_reason ("..............."));
  g_assert_false (stipple_patient_text_is_reason ("1234 5678 90"));
  g_assert_true (stipple_patient_text_is_reason ("Deep rolling scars"));
  g_assert_true (stipple_patient_text_is_reason ("Stillzeit beendet, bestätigt"));
  g_assert_true (stipple_patient_text_is_reason ("  Rosacea on the nose only  "));
}

/* What must stay in sight while a patient is treated. */
static void
test_alerts (void)
{
  StipplePatient patient = { 0 };
  g_autofree char *none = NULL;
  g_autofree char *both = NULL;
  g_autofree char *name = NULL;

  patient.given_name = (char *) "Samir";
  patient.family_name = (char *) "Quill";
  patient.fitzpatrick = 2;
  none = stipple_patient_text_alerts (&patient);
  g_assert_null (none);

  patient.fitzpatrick = 5;
  patient.allergies = (char *) "Lidocaine (rash)";
  both = stipple_patient_text_alerts (&patient);
  g_assert_cmpstr (both, ==, "Allergies: Lidocaine (rash)\n"
                             "Skin type V: Higher risk of post-inflammatory hyperpigmentation");
  name = stipple_patient_text_name (&patient);
  g_assert_cmpstr (name, ==, "Samir Quill");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stipple/patient-text/english", test_english);
  g_test_add_func ("/stipple/patient-text/other-languages", test_written_in_other_languages);
  g_test_add_func ("/stipple/patient-text/reason", test_reason);
  g_test_add_func ("/stipple/patient-text/alerts", test_alerts);

  return g_test_run ();
}
