/* test-store-sessions.c: a session begins on record all at once, with
 * its screening answers and its consents, or not at all
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "stipple-store.h"
#include "test-store-util.h"

typedef struct
{
  char         *dir;
  char         *path;
  StippleStore *store;
  gint64        patient_id;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StipplePatient) patient = test_patient ("B-1", "Ada", "Lindqvist", "1985-02-11");

  f->dir = g_dir_make_tmp ("stipple-store-sessions-XXXXXX", NULL);
  f->path = g_build_filename (f->dir, "patients.stipple", NULL);
  f->store = stipple_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (stipple_store_save_patient (f->store, patient, &error));
  f->patient_id = patient->id;
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->store);
  test_remove_tree (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static GPtrArray *
make_answers (gint64 patient_id)
{
  const char * const keys[] = { "pregnancy", "nsaids", "sun-tanning" };
  GPtrArray *answers =
    g_ptr_array_new_with_free_func ((GDestroyNotify) stipple_screening_answer_free);

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      StippleScreeningAnswer *answer = stipple_screening_answer_new ();

      answer->patient_id = patient_id;
      answer->item_key = g_strdup (keys[i]);
      answer->answer = i == 1;
      answer->answered_on = g_strdup ("2026-03-14");
      g_ptr_array_add (answers, answer);
    }
  return answers;
}

static GPtrArray *
make_consents (gint64 patient_id)
{
  GPtrArray *consents = g_ptr_array_new_with_free_func ((GDestroyNotify) stipple_consent_free);
  StippleConsentKind kinds[] = { STIPPLE_CONSENT_TREATMENT, STIPPLE_CONSENT_PHOTOGRAPHS };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      StippleConsent *consent = stipple_consent_new ();

      consent->patient_id = patient_id;
      consent->kind = kinds[i];
      consent->given = TRUE;
      consent->signed_on = g_strdup ("2026-03-14");
      g_ptr_array_add (consents, consent);
    }
  return consents;
}

/* What the file holds, read with plain SQLite as an auditor would. */
static gint64
count_rows (Fixture    *f,
            const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", table);
  g_autofree char *count = NULL;
  int rc;

  count = test_sql (f->path, sql, &rc);
  g_assert_cmpint (rc, ==, SQLITE_OK);
  g_assert_nonnull (count);
  return g_ascii_strtoll (count, NULL, 10);
}

static void
assert_nothing_begun (Fixture   *f,
                      GPtrArray *answers,
                      GPtrArray *consents)
{
  g_assert_cmpint (count_rows (f, "session"), ==, 0);
  g_assert_cmpint (count_rows (f, "session_serum"), ==, 0);
  g_assert_cmpint (count_rows (f, "zone_pass"), ==, 0);
  g_assert_cmpint (count_rows (f, "screening_answer"), ==, 0);
  g_assert_cmpint (count_rows (f, "consent"), ==, 0);
  /* And nothing passed in claims to be saved. */
  for (guint i = 0; i < answers->len; i++)
    {
      StippleScreeningAnswer *answer = answers->pdata[i];

      g_assert_cmpint (answer->id, ==, 0);
      g_assert_cmpint (answer->session_id, ==, 0);
      g_assert_null (answer->uid);
    }
  for (guint i = 0; i < consents->len; i++)
    g_assert_cmpint (((StippleConsent *) consents->pdata[i])->id, ==, 0);
}

/* Everything is written and tied together; a fresh store reads it back. */
static void
test_begin (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleSession) session = test_session (f->patient_id);
  g_autoptr(GPtrArray) answers = make_answers (f->patient_id);
  g_autoptr(GPtrArray) consents = make_consents (f->patient_id);
  g_autoptr(StippleStore) reopened = NULL;
  g_autoptr(StipplePatientChart) chart = NULL;
  g_autoptr(StippleVerifyResult) verified = NULL;

  g_assert_true (stipple_store_begin_session (f->store, session, answers, consents, &error));
  g_assert_no_error (error);
  g_assert_cmpint (session->id, >, 0);
  g_assert_nonnull (session->uid);
  for (guint i = 0; i < answers->len; i++)
    {
      StippleScreeningAnswer *answer = answers->pdata[i];

      g_assert_cmpint (answer->id, >, 0);
      g_assert_cmpint (answer->session_id, ==, session->id);
      g_assert_nonnull (answer->uid);
    }
  for (guint i = 0; i < consents->len; i++)
    g_assert_cmpint (((StippleConsent *) consents->pdata[i])->id, >, 0);

  g_clear_object (&f->store);
  reopened = stipple_store_open (f->path, &error);
  g_assert_no_error (error);
  chart = stipple_store_load_chart (reopened, f->patient_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (chart->sessions->len, ==, 1);
  g_assert_cmpint (((StippleSession *) chart->sessions->pdata[0])->id, ==, session->id);
  g_assert_cmpuint (((StippleSession *) chart->sessions->pdata[0])->serums->len, ==, 1);
  g_assert_cmpuint (chart->screening->len, ==, answers->len);
  for (guint i = 0; i < chart->screening->len; i++)
    {
      StippleScreeningAnswer *answer = chart->screening->pdata[i];

      g_assert_cmpint (answer->session_id, ==, session->id);
      g_assert_cmpint (answer->answer, ==, g_str_equal (answer->item_key, "nsaids"));
    }
  g_assert_cmpuint (chart->consents->len, ==, 2);
  g_assert_cmpint (count_rows (f, "zone_pass"), ==, 3);

  verified = stipple_store_verify (reopened, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (verified->breaks->len, ==, 0);
}

/* A consent the file refuses, checked before anything is written: no
 * session is left on record without its consent or its answers. */
static void
test_invalid_consent (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleSession) session = test_session (f->patient_id);
  g_autoptr(GPtrArray) answers = make_answers (f->patient_id);
  g_autoptr(GPtrArray) consents = make_consents (f->patient_id);
  StippleConsent *last = consents->pdata[consents->len - 1];

  g_free (last->signed_on);
  last->signed_on = g_strdup ("14/03/2026");
  g_assert_false (stipple_store_begin_session (f->store, session, answers, consents, &error));
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_INVALID_INPUT);
  g_assert_cmpint (session->id, ==, 0);
  g_assert_null (session->uid);
  assert_nothing_begun (f, answers, consents);
}

/* The last write fails after the session and its answers are written
 * (as a full disk or a refusing file would): all of it is rolled back,
 * and the same records begin the session once the fault is gone. */
static void
test_fault_after_writes (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleSession) session = test_session (f->patient_id);
  g_autoptr(GPtrArray) answers = make_answers (f->patient_id);
  g_autoptr(GPtrArray) consents = make_consents (f->patient_id);
  int rc;

  g_free (test_sql (f->path,
                    "CREATE TRIGGER test_refuse_photographs BEFORE INSERT ON consent"
                    " WHEN NEW.kind = 'photographs'"
                    " BEGIN SELECT RAISE (ABORT, 'refused'); END", &rc));
  g_assert_cmpint (rc, ==, SQLITE_OK);

  g_assert_false (stipple_store_begin_session (f->store, session, answers, consents, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpint (session->id, ==, 0);
  assert_nothing_begun (f, answers, consents);

  g_free (test_sql (f->path, "DROP TRIGGER test_refuse_photographs", &rc));
  g_assert_cmpint (rc, ==, SQLITE_OK);
  g_assert_true (stipple_store_begin_session (f->store, session, answers, consents, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_rows (f, "session"), ==, 1);
  g_assert_cmpint (count_rows (f, "screening_answer"), ==, answers->len);
  g_assert_cmpint (count_rows (f, "consent"), ==, consents->len);
}

/* A session whose uid is already on record clashes at its first write:
 * nothing of it is written, and what was there is untouched. */
static void
test_uid_clash (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleSession) first = test_session (f->patient_id);
  g_autoptr(StippleSession) second = test_session (f->patient_id);
  g_autoptr(GPtrArray) answers = make_answers (f->patient_id);
  g_autoptr(GPtrArray) consents = make_consents (f->patient_id);

  g_assert_true (stipple_store_save_session (f->store, first, &error));
  second->uid = g_strdup (first->uid);
  g_assert_false (stipple_store_begin_session (f->store, second, answers, consents, &error));
  g_assert_nonnull (error);
  g_assert_cmpint (second->id, ==, 0);
  g_assert_cmpint (count_rows (f, "session"), ==, 1);
  g_assert_cmpint (count_rows (f, "screening_answer"), ==, 0);
  g_assert_cmpint (count_rows (f, "consent"), ==, 0);
}

/* The seal chain holds: a session begun and ended later is sealed over
 * its answers and consents; one begun already ended is sealed once,
 * over all of it. */
static void
test_sealed (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleSession) later = test_session (f->patient_id);
  g_autoptr(StippleSession) ended = test_session (f->patient_id);
  g_autoptr(GPtrArray) answers = make_answers (f->patient_id);
  g_autoptr(GPtrArray) more_answers = make_answers (f->patient_id);
  g_autoptr(GPtrArray) consents = make_consents (f->patient_id);
  g_autoptr(StippleVerifyResult) verified = NULL;
  g_autofree char *seals = NULL;
  g_autofree char *sql = NULL;
  int rc;

  g_assert_true (stipple_store_begin_session (f->store, later, answers, consents, &error));
  g_assert_no_error (error);
  later->ended_at = g_date_time_add_minutes (later->started_at, 40);
  g_assert_true (stipple_store_save_session (f->store, later, &error));
  g_assert_no_error (error);

  ended->ended_at = g_date_time_add_minutes (ended->started_at, 35);
  g_assert_true (stipple_store_begin_session (f->store, ended, more_answers, NULL, &error));
  g_assert_no_error (error);
  sql = g_strdup_printf ("SELECT count(*) FROM audit WHERE kind = 'seal' AND session_id = %"
                         G_GINT64_FORMAT, ended->id);
  seals = test_sql (f->path, sql, &rc);
  g_assert_cmpint (rc, ==, SQLITE_OK);
  g_assert_cmpstr (seals, ==, "1");

  verified = stipple_store_verify (f->store, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < verified->breaks->len; i++)
    g_test_message ("%s", ((StippleVerifyBreak *) verified->breaks->pdata[i])->message);
  g_assert_cmpuint (verified->breaks->len, ==, 0);
  g_assert_cmpint (verified->n_sealed, ==, 2);

  /* The seal covers the answers: one changed behind Stipple's back shows. */
  g_free (test_sql (f->path, "DROP TRIGGER screening_answer_no_update", &rc));
  g_assert_cmpint (rc, ==, SQLITE_OK);
  g_free (test_sql (f->path, "UPDATE screening_answer SET answer = 1 - answer", &rc));
  g_assert_cmpint (rc, ==, SQLITE_OK);
  g_clear_pointer (&verified, stipple_verify_result_free);
  verified = stipple_store_verify (f->store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (verified->breaks->len, >, 0);
}

typedef struct
{
  GMainLoop      *loop;
  StippleSession *session;
  GError         *error;
} Outcome;

static void
begun_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Outcome *outcome = user_data;

  outcome->session = stipple_store_begin_session_finish (STIPPLE_STORE (object), result,
                                                         &outcome->error);
  g_main_loop_quit (outcome->loop);
}

/* The asynchronous form: the same one transaction, away from the caller. */
static void
test_begin_async (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(StippleSession) session = test_session (f->patient_id);
  g_autoptr(GPtrArray) answers = make_answers (f->patient_id);
  g_autoptr(GPtrArray) consents = make_consents (f->patient_id);
  Outcome outcome = { g_main_loop_new (NULL, FALSE), NULL, NULL };
  StippleConsent *last = consents->pdata[consents->len - 1];

  stipple_store_begin_session_async (f->store, session, answers, consents, NULL, begun_cb,
                                     &outcome);
  g_main_loop_run (outcome.loop);
  g_assert_no_error (outcome.error);
  g_assert_nonnull (outcome.session);
  g_assert_cmpint (outcome.session->id, >, 0);
  /* What was passed in is copied, not changed. */
  g_assert_cmpint (session->id, ==, 0);
  g_assert_cmpint (count_rows (f, "screening_answer"), ==, answers->len);
  g_clear_pointer (&outcome.session, stipple_session_free);

  /* A refused one reports why and writes nothing more. */
  g_free (last->signed_on);
  last->signed_on = g_strdup ("not a date");
  stipple_store_begin_session_async (f->store, session, answers, consents, NULL, begun_cb,
                                     &outcome);
  g_main_loop_run (outcome.loop);
  g_assert_error (outcome.error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_INVALID_INPUT);
  g_assert_null (outcome.session);
  g_assert_cmpint (count_rows (f, "session"), ==, 1);
  g_assert_cmpint (count_rows (f, "screening_answer"), ==, answers->len);
  g_clear_error (&outcome.error);
  g_main_loop_unref (outcome.loop);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add ("/stipple/store/begin-session/" name, Fixture, NULL, fixture_setup, func, \
              fixture_teardown)

  ADD ("all", test_begin);
  ADD ("invalid-consent", test_invalid_consent);
  ADD ("fault-after-writes", test_fault_after_writes);
  ADD ("uid-clash", test_uid_clash);
  ADD ("sealed", test_sealed);
  ADD ("async", test_begin_async);
#undef ADD

  return g_test_run ();
}
