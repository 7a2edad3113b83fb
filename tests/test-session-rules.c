/* test-session-rules.c: what a session needs before it may begin, with
 * no display: every rule of the set-up, both ways
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "stipple-session-rules.h"

static const StippleScreeningItem *
first_item (StippleScreeningSeverity severity)
{
  guint n_items = 0;
  const StippleScreeningItem *items = stipple_screening_get_items (&n_items);

  for (guint i = 0; i < n_items; i++)
    if (items[i].severity == severity)
      return &items[i];
  g_assert_not_reached ();
  return NULL;
}

static void
answer_all (StippleSessionRules *rules,
            StippleSetupAnswer   answer)
{
  guint n_items = 0;
  const StippleScreeningItem *items = stipple_screening_get_items (&n_items);

  for (guint i = 0; i < n_items; i++)
    stipple_session_rules_set_answer (rules, items[i].key, answer);
}

static GDateTime *
at (int hour,
    int minute)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();

  return g_date_time_new (utc, 2026, 3, 14, hour, minute, 0);
}

static void
assert_problem (StippleSessionRules *rules,
                StippleSetupStep     step,
                GDateTime           *now,
                const char          *expected)
{
  g_autofree char *problem = stipple_session_rules_step_problem (rules, step, now);

  g_assert_cmpstr (problem, ==, expected);
}

/* A rules object with every step complete. */
static StippleSessionRules *
complete_rules (void)
{
  StippleSessionRules *rules = stipple_session_rules_new (7);

  stipple_session_rules_set_clinician (rules, "Dr Ines Moreau");
  answer_all (rules, STIPPLE_SETUP_ANSWER_NO);
  stipple_session_rules_set_treatment_consent (rules, TRUE);
  return rules;
}

static void
test_clinician (void)
{
  g_autoptr(StippleSessionRules) rules = stipple_session_rules_new (1);
  g_autoptr(GDateTime) now = at (9, 0);
  g_autofree char *longest = g_strnfill (200, 'a');
  g_autofree char *too_long = g_strnfill (201, 'a');

  /* Nobody is preselected: from the staff list, or typed without one. */
  stipple_session_rules_set_staff_listed (rules, TRUE);
  assert_problem (rules, STIPPLE_SETUP_STEP_CLINICIAN, now,
                  "Choose the clinician who performs this session.");
  stipple_session_rules_set_staff_listed (rules, FALSE);
  assert_problem (rules, STIPPLE_SETUP_STEP_CLINICIAN, now,
                  "Type the name of the clinician who performs this session.");
  stipple_session_rules_set_clinician (rules, "");
  assert_problem (rules, STIPPLE_SETUP_STEP_CLINICIAN, now,
                  "Type the name of the clinician who performs this session.");
  g_assert_cmpint (stipple_session_rules_first_incomplete (rules, now), ==,
                   STIPPLE_SETUP_STEP_CLINICIAN);

  stipple_session_rules_set_clinician (rules, "1234");
  assert_problem (rules, STIPPLE_SETUP_STEP_CLINICIAN, now,
                  "The clinician’s name needs letters in it.");
  stipple_session_rules_set_clinician (rules, too_long);
  assert_problem (rules, STIPPLE_SETUP_STEP_CLINICIAN, now,
                  "The clinician’s name is too long (at most 200 characters).");
  stipple_session_rules_set_clinician (rules, longest);
  assert_problem (rules, STIPPLE_SETUP_STEP_CLINICIAN, now, NULL);
  stipple_session_rules_set_clinician (rules, "Dr Ines Moreau");
  assert_problem (rules, STIPPLE_SETUP_STEP_CLINICIAN, now, NULL);
  g_assert_cmpint (stipple_session_rules_first_incomplete (rules, now), ==,
                   STIPPLE_SETUP_STEP_SCREENING);
}

static void
test_unanswered (void)
{
  g_autoptr(StippleSessionRules) rules = stipple_session_rules_new (1);
  g_autoptr(GDateTime) now = at (9, 0);
  g_autofree char *all = NULL;
  const StippleScreeningItem *stop = first_item (STIPPLE_SCREENING_STOP);
  guint n_items = 0;

  stipple_screening_get_items (&n_items);
  g_assert_cmpuint (n_items, >, 2);

  /* No default: every question starts unanswered. */
  g_assert_cmpuint (stipple_session_rules_count_unanswered (rules), ==, n_items);
  all = g_strdup_printf ("%u questions are not answered yet.", n_items);
  assert_problem (rules, STIPPLE_SETUP_STEP_SCREENING, now, all);

  answer_all (rules, STIPPLE_SETUP_ANSWER_NO);
  stipple_session_rules_set_answer (rules, stop->key, STIPPLE_SETUP_ANSWER_NONE);
  g_assert_cmpint (stipple_session_rules_get_answer (rules, stop->key), ==,
                   STIPPLE_SETUP_ANSWER_NONE);
  assert_problem (rules, STIPPLE_SETUP_STEP_SCREENING, now, "1 question is not answered yet.");

  stipple_session_rules_set_answer (rules, stop->key, STIPPLE_SETUP_ANSWER_NO);
  g_assert_cmpuint (stipple_session_rules_count_unanswered (rules), ==, 0);
  assert_problem (rules, STIPPLE_SETUP_STEP_SCREENING, now, NULL);
  g_assert_cmpint (stipple_session_rules_get_screening (rules), ==, STIPPLE_SETUP_SCREENING_CLEAR);
}

static void
test_stop_answer (void)
{
  g_autoptr(StippleSessionRules) rules = stipple_session_rules_new (1);
  g_autoptr(GDateTime) now = at (9, 0);
  const StippleScreeningItem *stop = first_item (STIPPLE_SCREENING_STOP);
  g_autofree char *expected_list = g_strdup_printf ("• %s",
                                                    stipple_screening_get_question (stop));
  g_autofree char *list = NULL;
  g_autofree char *short_reason = NULL;
  GString *long_reason = g_string_new (NULL);
  guint n = 99;

  answer_all (rules, STIPPLE_SETUP_ANSWER_NO);
  stipple_session_rules_set_answer (rules, stop->key, STIPPLE_SETUP_ANSWER_YES);

  list = stipple_session_rules_list_yes (rules, STIPPLE_SCREENING_STOP, &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpstr (list, ==, expected_list);
  g_assert_cmpint (stipple_session_rules_get_screening (rules), ==,
                   STIPPLE_SETUP_SCREENING_STOPPED);
  assert_problem (rules, STIPPLE_SETUP_STEP_SCREENING, now,
                  "A “yes” above stops treatment: record why treating is still right, or end "
                  "here.");

  /* A keystroke is not a reason. */
  short_reason = g_strdup_printf ("Write the reason in a few words (at least %u characters): it "
                                  "is kept with the session.", STIPPLE_REASON_MIN_CHARS);
  stipple_session_rules_set_override_reason (rules, "ok ok");
  assert_problem (rules, STIPPLE_SETUP_STEP_SCREENING, now, short_reason);
  g_assert_cmpint (stipple_session_rules_get_screening (rules), ==,
                   STIPPLE_SETUP_SCREENING_STOPPED);

  stipple_session_rules_set_override_reason (rules, "Breastfeeding ended in March");
  assert_problem (rules, STIPPLE_SETUP_STEP_SCREENING, now, NULL);
  g_assert_cmpint (stipple_session_rules_get_screening (rules), ==,
                   STIPPLE_SETUP_SCREENING_OVERRIDDEN);

  /* Past what the patient file keeps. */
  while (long_reason->len <= 4096)
    g_string_append (long_reason, "reason words ");
  stipple_session_rules_set_override_reason (rules, long_reason->str);
  assert_problem (rules, STIPPLE_SETUP_STEP_SCREENING, now,
                  "The reason is too long (at most 4096 characters).");
  g_string_free (long_reason, TRUE);

  /* Answered no after all: the reason no longer matters. */
  stipple_session_rules_set_override_reason (rules, "");
  stipple_session_rules_set_answer (rules, stop->key, STIPPLE_SETUP_ANSWER_NO);
  assert_problem (rules, STIPPLE_SETUP_STEP_SCREENING, now, NULL);
  g_assert_cmpint (stipple_session_rules_get_screening (rules), ==, STIPPLE_SETUP_SCREENING_CLEAR);
}

static void
test_caution_answer (void)
{
  g_autoptr(StippleSessionRules) rules = stipple_session_rules_new (1);
  g_autoptr(GDateTime) now = at (9, 0);
  const StippleScreeningItem *caution = first_item (STIPPLE_SCREENING_CAUTION);
  g_autofree char *cautions = NULL;
  g_autofree char *stops = NULL;
  guint n_caution = 0, n_stop = 99;

  answer_all (rules, STIPPLE_SETUP_ANSWER_NO);
  stipple_session_rules_set_answer (rules, caution->key, STIPPLE_SETUP_ANSWER_YES);
  /* A caution is shown with the plan; it never blocks. */
  assert_problem (rules, STIPPLE_SETUP_STEP_SCREENING, now, NULL);
  g_assert_cmpint (stipple_session_rules_get_screening (rules), ==, STIPPLE_SETUP_SCREENING_CLEAR);
  cautions = stipple_session_rules_list_yes (rules, STIPPLE_SCREENING_CAUTION, &n_caution);
  stops = stipple_session_rules_list_yes (rules, STIPPLE_SCREENING_STOP, &n_stop);
  g_assert_cmpuint (n_caution, ==, 1);
  g_assert_true (g_str_has_suffix (cautions, stipple_screening_get_question (caution)));
  g_assert_cmpuint (n_stop, ==, 0);
  g_assert_cmpstr (stops, ==, "");

  /* Two of them: one a line. */
  answer_all (rules, STIPPLE_SETUP_ANSWER_YES);
  g_clear_pointer (&cautions, g_free);
  cautions = stipple_session_rules_list_yes (rules, STIPPLE_SCREENING_CAUTION, &n_caution);
  g_assert_cmpuint (n_caution, >, 1);
  g_assert_nonnull (strstr (cautions, "\n• "));
  g_assert_true (g_str_has_prefix (cautions, "• "));
}

static void
test_is_reason (void)
{
  g_assert_false (stipple_session_rules_is_reason (NULL));
  g_assert_false (stipple_session_rules_is_reason (""));
  g_assert_false (stipple_session_rules_is_reason ("x"));
  g_assert_false (stipple_session_rules_is_reason ("   ok ok   "));
  g_assert_false (stipple_session_rules_is_reason ("okokokokokokok"));
  g_assert_false (stipple_session_rules_is_reason ("..............."));
  g_assert_false (stipple_session_rules_is_reason ("1234 5678 90"));
  /* Nine characters and two words: one short. */
  g_assert_false (stipple_session_rules_is_reason ("abcd efgh"));
  g_assert_true (stipple_session_rules_is_reason ("abcd efghi"));
  g_assert_true (stipple_session_rules_is_reason ("Deep rolling scars"));
  g_assert_true (stipple_session_rules_is_reason ("Stillzeit beendet, bestätigt"));
  g_assert_true (stipple_session_rules_is_reason ("  Rosacea on the nose only  "));
}

static void
test_consent (void)
{
  g_autoptr(StippleSessionRules) rules = stipple_session_rules_new (42);
  g_autoptr(GDateTime) now = at (9, 0);
  g_autoptr(GPtrArray) consents = NULL;
  StippleConsent *consent;

  assert_problem (rules, STIPPLE_SETUP_STEP_CONSENT, now,
                  "The treatment needs the patient’s consent.");
  /* Not asked about photographs is not refused: nothing is recorded. */
  consents = stipple_session_rules_dup_consents (rules, "2026-03-14");
  g_assert_cmpuint (consents->len, ==, 1);
  consent = consents->pdata[0];
  g_assert_cmpint (consent->kind, ==, STIPPLE_CONSENT_TREATMENT);
  g_assert_false (consent->given);
  g_assert_cmpint (consent->patient_id, ==, 42);
  g_assert_cmpstr (consent->signed_on, ==, "2026-03-14");
  g_assert_cmpint (consent->id, ==, 0);
  g_clear_pointer (&consents, g_ptr_array_unref);

  /* Photographs are optional either way. */
  stipple_session_rules_set_treatment_consent (rules, TRUE);
  assert_problem (rules, STIPPLE_SETUP_STEP_CONSENT, now, NULL);
  stipple_session_rules_set_photographs (rules, STIPPLE_SETUP_PHOTOGRAPHS_REFUSED);
  assert_problem (rules, STIPPLE_SETUP_STEP_CONSENT, now, NULL);
  consents = stipple_session_rules_dup_consents (rules, "2026-03-14");
  g_assert_cmpuint (consents->len, ==, 2);
  g_assert_true (((StippleConsent *) consents->pdata[0])->given);
  g_assert_cmpint (((StippleConsent *) consents->pdata[1])->kind, ==, STIPPLE_CONSENT_PHOTOGRAPHS);
  g_assert_false (((StippleConsent *) consents->pdata[1])->given);
  g_clear_pointer (&consents, g_ptr_array_unref);

  stipple_session_rules_set_photographs (rules, STIPPLE_SETUP_PHOTOGRAPHS_GIVEN);
  consents = stipple_session_rules_dup_consents (rules, "2026-03-14");
  g_assert_cmpuint (consents->len, ==, 2);
  g_assert_true (((StippleConsent *) consents->pdata[1])->given);

  /* Photographs alone do not let a treatment begin. */
  stipple_session_rules_set_treatment_consent (rules, FALSE);
  assert_problem (rules, STIPPLE_SETUP_STEP_CONSENT, now,
                  "The treatment needs the patient’s consent.");
}

static void
test_anaesthetic_time (void)
{
  g_autoptr(StippleSessionRules) rules = stipple_session_rules_new (1);
  g_autoptr(GDateTime) now = at (9, 0);
  g_autoptr(GDateTime) time = NULL;
  g_autoptr(GDateTime) midnight = at (0, 20);

  /* Nothing applied: nothing to time, nothing to name. */
  g_assert_null (stipple_session_rules_anaesthetic_time (rules, now));
  g_assert_null (stipple_session_rules_anaesthetic_warning (rules, now));
  assert_problem (rules, STIPPLE_SETUP_STEP_PRODUCTS, now, NULL);

  stipple_session_rules_set_anaesthetic (rules, TRUE, "Lidocaine 4% cream", 8, 5);
  time = stipple_session_rules_anaesthetic_time (rules, now);
  g_assert_cmpint (g_date_time_difference (now, time), ==, 55 * G_TIME_SPAN_MINUTE);
  g_clear_pointer (&time, g_date_time_unref);

  /* A minute ahead is a clock running fast: today. */
  stipple_session_rules_set_anaesthetic (rules, TRUE, "Lidocaine 4% cream", 9, 1);
  time = stipple_session_rules_anaesthetic_time (rules, now);
  g_assert_cmpint (g_date_time_get_day_of_month (time), ==, 14);
  assert_problem (rules, STIPPLE_SETUP_STEP_PRODUCTS, now, NULL);
  g_assert_null (stipple_session_rules_anaesthetic_warning (rules, now));
  g_clear_pointer (&time, g_date_time_unref);

  /* Further ahead is yesterday's, and too long ago to be believed. */
  stipple_session_rules_set_anaesthetic (rules, TRUE, "Lidocaine 4% cream", 9, 2);
  time = stipple_session_rules_anaesthetic_time (rules, now);
  g_assert_cmpint (g_date_time_get_day_of_month (time), ==, 13);
  assert_problem (rules, STIPPLE_SETUP_STEP_PRODUCTS, now,
                  "Check the time the anaesthetic was applied: it is later than now, or more "
                  "than 12 hours ago.");
  g_clear_pointer (&time, g_date_time_unref);

  /* Around midnight: yesterday's 23:50 is half an hour ago. */
  stipple_session_rules_set_anaesthetic (rules, TRUE, "Lidocaine 4% cream", 23, 50);
  time = stipple_session_rules_anaesthetic_time (rules, midnight);
  g_assert_cmpint (g_date_time_difference (midnight, time), ==, 30 * G_TIME_SPAN_MINUTE);
  assert_problem (rules, STIPPLE_SETUP_STEP_PRODUCTS, midnight, NULL);
}

static void
test_anaesthetic_plausible (void)
{
  g_autoptr(StippleSessionRules) rules = stipple_session_rules_new (1);
  g_autoptr(GDateTime) evening = at (21, 0);
  const char *implausible = "Check the time the anaesthetic was applied: it is later than now, "
                            "or more than 12 hours ago.";

  /* Exactly twelve hours is still believed; a minute more is not. */
  stipple_session_rules_set_anaesthetic (rules, TRUE, "Lidocaine 4% cream", 9, 0);
  assert_problem (rules, STIPPLE_SETUP_STEP_PRODUCTS, evening, NULL);
  stipple_session_rules_set_anaesthetic (rules, TRUE, "Lidocaine 4% cream", 8, 59);
  assert_problem (rules, STIPPLE_SETUP_STEP_PRODUCTS, evening, implausible);

  /* Switched off, the same time no longer matters. */
  stipple_session_rules_set_anaesthetic (rules, FALSE, "", 8, 59);
  assert_problem (rules, STIPPLE_SETUP_STEP_PRODUCTS, evening, NULL);

  /* Applied, it needs a name with letters in it. */
  stipple_session_rules_set_anaesthetic (rules, TRUE, "", 20, 0);
  assert_problem (rules, STIPPLE_SETUP_STEP_PRODUCTS, evening,
                  "Name the anaesthetic applied, or switch it off if none was.");
  stipple_session_rules_set_anaesthetic (rules, TRUE, "4%", 20, 0);
  assert_problem (rules, STIPPLE_SETUP_STEP_PRODUCTS, evening,
                  "The anaesthetic’s name needs letters in it.");
  stipple_session_rules_set_anaesthetic (rules, TRUE, "Lidocaine 4% cream", 20, 0);
  assert_problem (rules, STIPPLE_SETUP_STEP_PRODUCTS, evening, NULL);
}

static void
test_anaesthetic_warning (void)
{
  g_autoptr(StippleSessionRules) rules = stipple_session_rules_new (1);
  g_autoptr(GDateTime) now = at (9, 0);
  g_autofree char *warning = NULL;

  /* Under half an hour: said, not blocked. */
  stipple_session_rules_set_anaesthetic (rules, TRUE, "Lidocaine 4% cream", 8, 45);
  warning = stipple_session_rules_anaesthetic_warning (rules, now);
  g_assert_cmpstr (warning, ==, "Applied 15 minutes ago; it needs about an hour to work fully.");
  assert_problem (rules, STIPPLE_SETUP_STEP_PRODUCTS, now, NULL);
  g_clear_pointer (&warning, g_free);

  stipple_session_rules_set_anaesthetic (rules, TRUE, "Lidocaine 4% cream", 8, 59);
  warning = stipple_session_rules_anaesthetic_warning (rules, now);
  g_assert_cmpstr (warning, ==, "Applied 1 minute ago; it needs about an hour to work fully.");
  g_clear_pointer (&warning, g_free);

  stipple_session_rules_set_anaesthetic (rules, TRUE, "Lidocaine 4% cream", 8, 31);
  warning = stipple_session_rules_anaesthetic_warning (rules, now);
  g_assert_cmpstr (warning, ==, "Applied 29 minutes ago; it needs about an hour to work fully.");
  g_clear_pointer (&warning, g_free);

  /* Thirty minutes is enough to say nothing. */
  stipple_session_rules_set_anaesthetic (rules, TRUE, "Lidocaine 4% cream", 8, 30);
  g_assert_null (stipple_session_rules_anaesthetic_warning (rules, now));
  /* Nor is a time a minute ahead warned about. */
  stipple_session_rules_set_anaesthetic (rules, TRUE, "Lidocaine 4% cream", 9, 1);
  g_assert_null (stipple_session_rules_anaesthetic_warning (rules, now));
}

static void
test_serums (void)
{
  g_autoptr(StippleSessionRules) rules = stipple_session_rules_new (1);
  g_autoptr(GDateTime) now = at (9, 0);
  g_autofree char *long_lot = g_strnfill (101, '7');
  g_autofree char *longest_lot = g_strnfill (100, '7');

  stipple_session_rules_add_serum (rules, "Hyaluronic acid serum", "HA-2291");
  stipple_session_rules_add_serum (rules, "", "");
  g_assert_false (stipple_session_rules_serum_lacks_lot (rules, 0));
  g_assert_true (stipple_session_rules_serum_lacks_lot (rules, 1));
  assert_problem (rules, STIPPLE_SETUP_STEP_PRODUCTS, now, "Name serum 2, or remove it.");

  stipple_session_rules_clear_serums (rules);
  stipple_session_rules_add_serum (rules, "123", "L1");
  assert_problem (rules, STIPPLE_SETUP_STEP_PRODUCTS, now,
                  "The name of serum 1 needs letters in it.");

  /* A serum without its lot is warned about, not refused. */
  stipple_session_rules_clear_serums (rules);
  stipple_session_rules_add_serum (rules, "Vitamin C serum", "");
  assert_problem (rules, STIPPLE_SETUP_STEP_PRODUCTS, now, NULL);

  stipple_session_rules_add_serum (rules, "Hyaluronic acid serum", long_lot);
  assert_problem (rules, STIPPLE_SETUP_STEP_PRODUCTS, now,
                  "The lot of serum 2 is too long (at most 100 characters).");
  stipple_session_rules_clear_serums (rules);
  stipple_session_rules_add_serum (rules, "Hyaluronic acid serum", longest_lot);
  assert_problem (rules, STIPPLE_SETUP_STEP_PRODUCTS, now, NULL);
}

static void
test_steps_in_order (void)
{
  g_autoptr(StippleSessionRules) rules = complete_rules ();
  g_autoptr(GDateTime) now = at (9, 0);
  const StippleScreeningItem *stop = first_item (STIPPLE_SCREENING_STOP);

  g_assert_cmpint (stipple_session_rules_first_incomplete (rules, now), ==, STIPPLE_SETUP_N_STEPS);

  /* The first step missing something is the one to go back to. */
  stipple_session_rules_add_serum (rules, "", "");
  g_assert_cmpint (stipple_session_rules_first_incomplete (rules, now), ==,
                   STIPPLE_SETUP_STEP_PRODUCTS);
  stipple_session_rules_set_treatment_consent (rules, FALSE);
  g_assert_cmpint (stipple_session_rules_first_incomplete (rules, now), ==,
                   STIPPLE_SETUP_STEP_CONSENT);
  stipple_session_rules_set_answer (rules, stop->key, STIPPLE_SETUP_ANSWER_YES);
  g_assert_cmpint (stipple_session_rules_first_incomplete (rules, now), ==,
                   STIPPLE_SETUP_STEP_SCREENING);
  stipple_session_rules_set_clinician (rules, NULL);
  g_assert_cmpint (stipple_session_rules_first_incomplete (rules, now), ==,
                   STIPPLE_SETUP_STEP_CLINICIAN);
}

static void
test_records (void)
{
  g_autoptr(StippleSessionRules) rules = complete_rules ();
  g_autoptr(GDateTime) started = at (9, 0);
  g_autoptr(GDateTime) later = at (10, 30);
  g_autoptr(StippleSession) session = NULL;
  g_autoptr(GPtrArray) answers = NULL;
  const StippleScreeningItem *stop = first_item (STIPPLE_SCREENING_STOP);
  const char *reason = "Breastfeeding ended in March";
  guint n_items = 0;

  stipple_screening_get_items (&n_items);
  stipple_session_rules_set_override_reason (rules, reason);
  stipple_session_rules_set_anaesthetic (rules, TRUE, "Lidocaine 4% cream", 8, 5);
  stipple_session_rules_add_serum (rules, "Hyaluronic acid serum", "HA-2291");
  stipple_session_rules_add_serum (rules, "Vitamin C serum", "");

  /* No "stop" answer: the reason typed earlier is not kept. */
  session = stipple_session_rules_dup_session (rules, started, later);
  g_assert_cmpint (session->id, ==, 0);
  g_assert_cmpint (session->patient_id, ==, 7);
  g_assert_cmpstr (session->clinician, ==, "Dr Ines Moreau");
  g_assert_true (g_date_time_equal (session->started_at, started));
  g_assert_null (session->screening_override);
  g_assert_cmpstr (session->anaesthetic_product, ==, "Lidocaine 4% cream");
  /* Timed against the start, not against the clock now. */
  g_assert_cmpint (g_date_time_difference (started, session->anaesthetic_at), ==,
                   55 * G_TIME_SPAN_MINUTE);
  g_assert_cmpuint (session->serums->len, ==, 2);
  g_assert_cmpstr (((StippleSerum *) session->serums->pdata[1])->product, ==, "Vitamin C serum");
  g_assert_cmpstr (((StippleSerum *) session->serums->pdata[1])->lot, ==, "");
  g_clear_pointer (&session, stipple_session_free);

  stipple_session_rules_set_answer (rules, stop->key, STIPPLE_SETUP_ANSWER_YES);
  stipple_session_rules_set_anaesthetic (rules, FALSE, "Lidocaine 4% cream", 8, 5);
  session = stipple_session_rules_dup_session (rules, NULL, later);
  g_assert_null (session->started_at);
  g_assert_cmpstr (session->screening_override, ==, reason);
  g_assert_null (session->anaesthetic_at);
  g_assert_null (session->anaesthetic_product);

  /* Answers only for what was answered, dated as told. */
  stipple_session_rules_set_answer (rules, first_item (STIPPLE_SCREENING_CAUTION)->key,
                                    STIPPLE_SETUP_ANSWER_NONE);
  answers = stipple_session_rules_dup_screening (rules, "2026-03-14");
  g_assert_cmpuint (answers->len, ==, n_items - 1);
  for (guint i = 0; i < answers->len; i++)
    {
      StippleScreeningAnswer *answer = answers->pdata[i];

      g_assert_cmpint (answer->id, ==, 0);
      g_assert_cmpint (answer->patient_id, ==, 7);
      g_assert_cmpstr (answer->answered_on, ==, "2026-03-14");
      g_assert_cmpint (answer->answer, ==, g_str_equal (answer->item_key, stop->key));
    }
}

static void
add_history (GPtrArray  *history,
             gint64      id,
             const char *key,
             gboolean    yes,
             const char *date)
{
  StippleScreeningAnswer *answer = stipple_screening_answer_new ();

  answer->id = id;
  answer->item_key = g_strdup (key);
  answer->answer = yes;
  answer->answered_on = g_strdup (date);
  g_ptr_array_add (history, answer);
}

static void
test_history (void)
{
  g_autoptr(StippleSessionRules) rules = stipple_session_rules_new (1);
  g_autoptr(GPtrArray) history =
    g_ptr_array_new_with_free_func ((GDestroyNotify) stipple_screening_answer_free);
  g_autoptr(GDateTime) now = at (9, 0);
  const StippleScreeningAnswer *last;

  /* Never screened: nothing to remind of. */
  stipple_session_rules_set_history (rules, history);
  g_assert_null (stipple_session_rules_get_last_screened_on (rules));
  g_assert_null (stipple_session_rules_get_last_answer (rules, "nsaids"));

  /* The latest date counts, in whatever order the answers come; of one
   * date, the answer recorded last. */
  add_history (history, 5, "nsaids", TRUE, "2026-01-05");
  add_history (history, 2, "nsaids", FALSE, "2025-11-20");
  add_history (history, 9, "pregnancy", FALSE, "2025-11-20");
  add_history (history, 3, "pregnancy", TRUE, "2025-11-20");
  add_history (history, 11, "retired-question", TRUE, "2026-02-01");
  stipple_session_rules_set_history (rules, history);

  last = stipple_session_rules_get_last_answer (rules, "nsaids");
  g_assert_nonnull (last);
  g_assert_true (last->answer);
  g_assert_cmpstr (last->answered_on, ==, "2026-01-05");
  last = stipple_session_rules_get_last_answer (rules, "pregnancy");
  g_assert_nonnull (last);
  g_assert_cmpint (last->id, ==, 9);
  g_assert_false (last->answer);
  g_assert_null (stipple_session_rules_get_last_answer (rules, "sun-tanning"));
  g_assert_cmpstr (stipple_session_rules_get_last_screened_on (rules), ==, "2026-02-01");

  /* A reminder only: today's screening is still unanswered. */
  g_assert_cmpint (stipple_session_rules_get_answer (rules, "nsaids"), ==,
                   STIPPLE_SETUP_ANSWER_NONE);
  g_assert_nonnull (stipple_session_rules_step_problem (rules, STIPPLE_SETUP_STEP_SCREENING,
                                                        now));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stipple/session-rules/clinician", test_clinician);
  g_test_add_func ("/stipple/session-rules/screening/unanswered", test_unanswered);
  g_test_add_func ("/stipple/session-rules/screening/stop", test_stop_answer);
  g_test_add_func ("/stipple/session-rules/screening/caution", test_caution_answer);
  g_test_add_func ("/stipple/session-rules/is-reason", test_is_reason);
  g_test_add_func ("/stipple/session-rules/consent", test_consent);
  g_test_add_func ("/stipple/session-rules/anaesthetic/time", test_anaesthetic_time);
  g_test_add_func ("/stipple/session-rules/anaesthetic/plausible", test_anaesthetic_plausible);
  g_test_add_func ("/stipple/session-rules/anaesthetic/warning", test_anaesthetic_warning);
  g_test_add_func ("/stipple/session-rules/serums", test_serums);
  g_test_add_func ("/stipple/session-rules/steps-in-order", test_steps_in_order);
  g_test_add_func ("/stipple/session-rules/records", test_records);
  g_test_add_func ("/stipple/session-rules/history", test_history);

  return g_test_run ();
}
