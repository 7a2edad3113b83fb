/* test-session-setup.c: starting a session, driven through its
 * accessible tree and saved to a real patient file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

#include "stipple-screening.h"
#include "stipple-session-setup.h"
#include "stipple-test-a11y.h"
#include "test-store-util.h"

typedef struct
{
  char                *dir;
  GSettings           *settings;
  GtkWindow           *window;
  StippleSessionSetup *setup;
} Fixture;

/* Any visible widget below @root whose accessible label is @label; a
 * plain label names itself with its text, and is not what is wanted. */
static GtkWidget *
find_labelled (GtkWidget  *root,
               const char *label)
{
  g_autofree char *mismatch = NULL;

  if (!gtk_widget_get_visible (root))
    return NULL;

  mismatch = gtk_test_accessible_check_property (GTK_ACCESSIBLE (root),
                                                 GTK_ACCESSIBLE_PROPERTY_LABEL, label);
  if (mismatch == NULL && !GTK_IS_LABEL (root))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_labelled (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
get_labelled (Fixture    *f,
              const char *label)
{
  GtkWidget *widget = find_labelled (GTK_WIDGET (f->setup), label);

  /* A row is named by its title, through a relation. */
  if (widget == NULL)
    widget = stipple_test_find_accessible (GTK_WIDGET (f->setup), GTK_ACCESSIBLE_ROLE_ROW, label);
  if (widget == NULL)
    widget = stipple_test_find_accessible (GTK_WIDGET (f->setup), GTK_ACCESSIBLE_ROLE_LIST_ITEM, label);
  if (widget == NULL)
    g_error ("Nothing labelled “%s” is on screen", label);
  return widget;
}

static void
click (Fixture    *f,
       const char *label)
{
  GtkWidget *widget = get_labelled (f, label);

  /* On screen, where a clinician can reach it, and pressable. */
  if (!gtk_widget_get_mapped (widget))
    g_error ("“%s” is not on screen", label);
  g_assert_true (gtk_widget_is_sensitive (widget));
  if (GTK_IS_CHECK_BUTTON (widget))
    gtk_check_button_set_active (GTK_CHECK_BUTTON (widget),
                                 !gtk_check_button_get_active (GTK_CHECK_BUTTON (widget)));
  else if (GTK_IS_SWITCH (widget))
    gtk_switch_set_active (GTK_SWITCH (widget), !gtk_switch_get_active (GTK_SWITCH (widget)));
  else
    g_signal_emit_by_name (widget, "clicked");
}

static void
type (GtkWidget  *editable,
      const char *text)
{
  g_assert_nonnull (editable);
  gtk_editable_set_text (GTK_EDITABLE (editable), text);
}

/* The buttons, as a screen reader sees them: by role and label. */
static GtkWidget *
button (Fixture    *f,
        const char *label)
{
  return stipple_test_find_accessible (GTK_WIDGET (f->setup), GTK_ACCESSIBLE_ROLE_BUTTON, label);
}

static gboolean
can_press (Fixture    *f,
           const char *label)
{
  GtkWidget *widget = button (f, label);

  g_assert_nonnull (widget);
  return gtk_widget_is_sensitive (widget);
}

static void
press (Fixture    *f,
       const char *label)
{
  g_assert_true (can_press (f, label));
  g_signal_emit_by_name (button (f, label), "clicked");
}

static void
assert_step (Fixture    *f,
             const char *indicator,
             const char *title)
{
  g_assert_nonnull (stipple_test_find_label (GTK_WIDGET (f->setup), indicator));
  g_assert_nonnull (stipple_test_find_label (GTK_WIDGET (f->setup), title));
}

static void
answer (Fixture    *f,
        const char *key,
        gboolean    yes)
{
  const StippleScreeningItem *item = stipple_screening_lookup (key);
  g_autofree char *label = g_strdup_printf ("%s: %s", stipple_screening_get_question (item),
                                            yes ? "Yes" : "No");

  click (f, label);
}

/* Every question answered no, except those in @yes. */
static void
answer_all (Fixture            *f,
            const char * const *yes)
{
  guint n_items = 0;
  const StippleScreeningItem *items = stipple_screening_get_items (&n_items);

  for (guint i = 0; i < n_items; i++)
    answer (f, items[i].key, yes != NULL && g_strv_contains (yes, items[i].key));
}

static void
show (Fixture             *f,
      StipplePatientChart *chart)
{
  f->setup = stipple_session_setup_new (f->settings, chart);
  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 900, 800);
  gtk_window_set_child (f->window, GTK_WIDGET (f->setup));
  gtk_window_present (f->window);
  stipple_test_wait_mapped (GTK_WIDGET (f->setup));
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("stipple-setup-XXXXXX", &error);
  g_assert_no_error (error);
  f->settings = g_settings_new (APPLICATION_ID);
  g_settings_reset (f->settings, "staff");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->window != NULL)
    gtk_window_destroy (f->window);
  g_clear_object (&f->settings);
  test_remove_tree (f->dir);
  g_free (f->dir);
}

static void
test_clinician (Fixture       *f,
                gconstpointer  data)
{
  GtkWidget *name;

  show (f, NULL);
  assert_step (f, "Step 1 of 4", "Clinician");
  g_assert_false (can_press (f, "Back"));

  /* No staff: the clinician is told so and types a name. */
  g_assert_nonnull (stipple_test_find_label (GTK_WIDGET (f->setup), "No clinicians are listed yet"));
  g_assert_nonnull (stipple_test_find_label (GTK_WIDGET (f->setup), "kept in Preferences"));
  name = stipple_test_find_entry_row (GTK_WIDGET (f->setup), "Clinician’s Name");
  g_assert_false (can_press (f, "Next"));
  type (name, "   ");
  g_assert_false (can_press (f, "Next"));
  type (name, "1234");
  g_assert_false (can_press (f, "Next"));
  g_assert_nonnull (stipple_test_find_label (GTK_WIDGET (f->setup), "needs letters"));
  type (name, " Dr Ines Moreau ");
  g_assert_true (can_press (f, "Next"));
  {
    g_autoptr(StippleSession) session = stipple_session_setup_dup_session (f->setup);
    g_assert_cmpstr (session->clinician, ==, "Dr Ines Moreau");
  }

  /* Staff added in Preferences meanwhile: picked from the list, none
   * chosen for the clinician. */
  {
    const char * const staff[] = { "Dr Ines Moreau", "Sam Okafor, RN", NULL };
    g_settings_set_strv (f->settings, "staff", staff);
  }
  g_assert_null (stipple_test_find_entry_row (GTK_WIDGET (f->setup), "Clinician’s Name"));
  g_assert_false (can_press (f, "Next"));
  click (f, "Sam Okafor, RN");
  g_assert_true (can_press (f, "Next"));
  {
    g_autoptr(StippleSession) session = stipple_session_setup_dup_session (f->setup);
    g_assert_cmpstr (session->clinician, ==, "Sam Okafor, RN");
    g_assert_null (session->started_at);
  }

  /* The choice survives a change to the list. */
  {
    const char * const staff[] = { "Alex Chen", "Sam Okafor, RN", NULL };
    g_settings_set_strv (f->settings, "staff", staff);
  }
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (get_labelled (f,
                                                                            "Sam Okafor, RN"))));
  g_assert_true (can_press (f, "Next"));
  press (f, "Next");
  assert_step (f, "Step 2 of 4", "Screening");
  g_assert_true (can_press (f, "Back"));
  press (f, "Back");
  assert_step (f, "Step 1 of 4", "Clinician");
}

static void
to_screening (Fixture *f)
{
  const char * const staff[] = { "Dr Ines Moreau", NULL };

  g_settings_set_strv (f->settings, "staff", staff);
  click (f, "Dr Ines Moreau");
  press (f, "Next");
  assert_step (f, "Step 2 of 4", "Screening");
}

static void
test_screening (Fixture       *f,
                gconstpointer  data)
{
  guint n_items = 0;
  const StippleScreeningItem *items = stipple_screening_get_items (&n_items);
  GtkWidget *reason;

  show (f, NULL);
  to_screening (f);

  /* Every question is on screen, labelled with itself, and unanswered. */
  for (guint i = 0; i < n_items; i++)
    {
      const char *question = stipple_screening_get_question (&items[i]);
      GtkWidget *row = get_labelled (f, question);

      g_assert_true (ADW_IS_ACTION_ROW (row));
      g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "Not answered yet");
    }
  g_assert_false (can_press (f, "Next"));
  g_assert_nonnull (stipple_test_find_label (GTK_WIDGET (f->setup), "19 questions are not answered yet."));

  /* All but the last: still blocked, and the last one says so. */
  for (guint i = 0; i + 1 < n_items; i++)
    answer (f, items[i].key, FALSE);
  g_assert_false (can_press (f, "Next"));
  g_assert_nonnull (stipple_test_find_label (GTK_WIDGET (f->setup), "1 question is not answered yet."));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (
                     get_labelled (f, stipple_screening_get_question (&items[n_items - 1])))),
                   ==, "Not answered yet");
  answer (f, items[n_items - 1].key, FALSE);
  g_assert_true (can_press (f, "Next"));

  /* A caution does not block; it is listed for the plan. */
  answer (f, "sun-tanning", TRUE);
  g_assert_true (can_press (f, "Next"));
  g_assert_nonnull (stipple_test_find_label (GTK_WIDGET (f->setup), "• Sun tanning in the last 2 weeks?"));
  g_assert_null (stipple_test_find_entry_row (GTK_WIDGET (f->setup), "Why is treating still right?"));

  /* A stop blocks until the reason is recorded. */
  answer (f, "pregnancy", TRUE);
  g_assert_false (can_press (f, "Next"));
  g_assert_nonnull (stipple_test_find_label (GTK_WIDGET (f->setup), "The session cannot go ahead"));
  g_assert_nonnull (stipple_test_find_label (GTK_WIDGET (f->setup), "• Pregnant or breastfeeding?"));
  reason = stipple_test_find_entry_row (GTK_WIDGET (f->setup), "Why is treating still right?");
  g_assert_nonnull (reason);
  type (reason, "  ");
  g_assert_false (can_press (f, "Next"));
  /* A keystroke, a word or a row of dots is not a reason. */
  type (reason, "x");
  g_assert_false (can_press (f, "Next"));
  g_assert_nonnull (stipple_test_find_label (GTK_WIDGET (f->setup), "Write the reason in a few words"));
  type (reason, "okokokokokok");
  g_assert_false (can_press (f, "Next"));
  type (reason, "...........");
  g_assert_false (can_press (f, "Next"));
  g_assert_nonnull (stipple_test_find_label (GTK_WIDGET (f->setup), "Treatment Is Stopped"));
  type (reason, "Breastfeeding ended in March; the patient confirmed it today.");
  g_assert_true (can_press (f, "Next"));
  /* With a reason, the red "stopped" gives way. */
  g_assert_null (stipple_test_find_label (GTK_WIDGET (f->setup), "Treatment Is Stopped"));
  g_assert_null (stipple_test_find_label (GTK_WIDGET (f->setup), "The session cannot go ahead"));
  g_assert_nonnull (stipple_test_find_label (GTK_WIDGET (f->setup), "Treating Despite a Contraindication"));
  {
    g_autoptr(StippleSession) session = stipple_session_setup_dup_session (f->setup);
    g_assert_cmpstr (session->screening_override, ==,
                     "Breastfeeding ended in March; the patient confirmed it today.");
  }

  /* Answered no after all: nothing to override, nothing recorded. */
  answer (f, "pregnancy", FALSE);
  g_assert_true (can_press (f, "Next"));
  g_assert_null (stipple_test_find_entry_row (GTK_WIDGET (f->setup), "Why is treating still right?"));
  {
    g_autoptr(StippleSession) session = stipple_session_setup_dup_session (f->setup);
    g_autoptr(GPtrArray) answers = stipple_session_setup_dup_screening (f->setup);
    g_assert_null (session->screening_override);
    g_assert_cmpuint (answers->len, ==, n_items);
  }
  press (f, "Next");
  assert_step (f, "Step 3 of 4", "Consent");
}

static void
to_products (Fixture *f)
{
  to_screening (f);
  answer_all (f, NULL);
  press (f, "Next");
  click (f, "The patient consents to the treatment");
  press (f, "Next");
  assert_step (f, "Step 4 of 4", "Anaesthetic and Serums");
}

/* Every row stands in a list: a row anywhere else is drawn inside
 * another row and breaks the keyboard's focus chain. */
static void
assert_rows_in_lists (GtkWidget *widget)
{
  if (GTK_IS_LIST_BOX_ROW (widget) && !GTK_IS_LIST_BOX (gtk_widget_get_parent (widget)))
    g_error ("The row “%s” is not in a list, but in a %s",
             ADW_IS_PREFERENCES_ROW (widget) ? adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)) : "",
             G_OBJECT_TYPE_NAME (gtk_widget_get_parent (widget)));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    assert_rows_in_lists (child);
}

static void
test_consent (Fixture       *f,
              gconstpointer  data)
{
  show (f, NULL);
  to_screening (f);
  answer_all (f, NULL);
  press (f, "Next");
  assert_step (f, "Step 3 of 4", "Consent");
  assert_rows_in_lists (GTK_WIDGET (f->setup));

  /* What the consent covers is spelt out. */
  g_assert_nonnull (stipple_test_find_label (GTK_WIDGET (f->setup), "granulomas"));
  g_assert_nonnull (stipple_test_find_label (GTK_WIDGET (f->setup), "no guaranteed result"));
  g_assert_nonnull (stipple_test_find_label (GTK_WIDGET (f->setup), "every medicine"));

  /* Photographs alone are not enough; treatment consent alone is. */
  g_assert_false (can_press (f, "Next"));
  click (f, "The patient consents to photographs");
  g_assert_false (can_press (f, "Next"));
  click (f, "The patient consents to photographs");
  click (f, "The patient consents to the treatment");
  g_assert_true (can_press (f, "Next"));
  {
    g_autoptr(GPtrArray) consents = stipple_session_setup_dup_consents (f->setup);
    StippleConsent *treatment = consents->pdata[0];

    /* Not asked about photographs: nothing recorded, not a refusal. */
    g_assert_cmpuint (consents->len, ==, 1);
    g_assert_cmpint (treatment->kind, ==, STIPPLE_CONSENT_TREATMENT);
    g_assert_true (treatment->given);
  }
  click (f, "The patient refuses photographs");
  {
    g_autoptr(GPtrArray) consents = stipple_session_setup_dup_consents (f->setup);
    StippleConsent *photographs = consents->pdata[1];

    g_assert_cmpuint (consents->len, ==, 2);
    g_assert_cmpint (photographs->kind, ==, STIPPLE_CONSENT_PHOTOGRAPHS);
    g_assert_false (photographs->given);
  }
  /* Consent and refusal exclude each other. */
  click (f, "The patient consents to photographs");
  g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (get_labelled (f, "The patient refuses photographs"))));
  {
    g_autoptr(GPtrArray) consents = stipple_session_setup_dup_consents (f->setup);

    g_assert_cmpuint (consents->len, ==, 2);
    g_assert_true (((StippleConsent *) consents->pdata[1])->given);
  }
  click (f, "The patient refuses photographs");
  press (f, "Next");
  assert_step (f, "Step 4 of 4", "Anaesthetic and Serums");
  g_assert_null (button (f, "Next"));
  g_assert_nonnull (button (f, "Begin Treatment"));
}

/* The clock time @minutes ago, typed into the spin buttons. */
static void
set_anaesthetic_minutes_ago (Fixture *f,
                             int      minutes)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) then = g_date_time_add_minutes (now, -minutes);

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (get_labelled (f, "Anaesthetic applied at, hour")),
                             g_date_time_get_hour (then));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (get_labelled (f, "Anaesthetic applied at, minute")),
                             g_date_time_get_minute (then));
}

static const char *
time_row_subtitle (Fixture *f)
{
  GtkWidget *row = gtk_widget_get_ancestor (get_labelled (f, "Anaesthetic applied at, hour"),
                                            ADW_TYPE_ACTION_ROW);

  return adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
}

static void
test_products (Fixture       *f,
               gconstpointer  data)
{
  GtkWidget *product;

  show (f, NULL);
  to_products (f);

  /* No anaesthetic unless the clinician says one went on: nothing is
   * recorded as applied by default. */
  g_assert_true (can_press (f, "Begin Treatment"));
  {
    g_autoptr(StippleSession) session = stipple_session_setup_dup_session (f->setup);
    g_assert_null (session->anaesthetic_at);
    g_assert_null (session->anaesthetic_product);
  }
  click (f, "Anaesthetic applied");

  /* The anaesthetic needs a name while it is switched on. */
  g_assert_false (can_press (f, "Begin Treatment"));
  product = stipple_test_find_entry_row (GTK_WIDGET (f->setup), "Anaesthetic Product");
  type (product, "Lidocaine 4% cream");
  g_assert_true (can_press (f, "Begin Treatment"));

  /* Applied just now, by default: a warning, not a block. */
  g_assert_nonnull (strstr (time_row_subtitle (f), "needs about an hour"));
  set_anaesthetic_minutes_ago (f, 10);
  g_assert_nonnull (strstr (time_row_subtitle (f), "Applied 10 minutes ago"));
  g_assert_true (can_press (f, "Begin Treatment"));
  set_anaesthetic_minutes_ago (f, 55);
  g_assert_cmpstr (time_row_subtitle (f), ==, "");
  {
    g_autoptr(StippleSession) session = stipple_session_setup_dup_session (f->setup);
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();
    GTimeSpan ago = g_date_time_difference (now, session->anaesthetic_at);

    g_assert_cmpstr (session->anaesthetic_product, ==, "Lidocaine 4% cream");
    g_assert_cmpint (ago, >, 54 * G_TIME_SPAN_MINUTE);
    g_assert_cmpint (ago, <=, 56 * G_TIME_SPAN_MINUTE);
  }
  /* Thirteen hours back is a typing mistake: blocked. */
  set_anaesthetic_minutes_ago (f, 13 * 60);
  g_assert_false (can_press (f, "Begin Treatment"));
  g_assert_nonnull (stipple_test_find_label (GTK_WIDGET (f->setup), "Check the time the anaesthetic"));
  set_anaesthetic_minutes_ago (f, 55);
  g_assert_true (can_press (f, "Begin Treatment"));

  /* None applied: nothing recorded. */
  click (f, "Anaesthetic applied");
  type (product, "");
  g_assert_true (can_press (f, "Begin Treatment"));
  {
    g_autoptr(StippleSession) session = stipple_session_setup_dup_session (f->setup);
    g_assert_null (session->anaesthetic_at);
    g_assert_null (session->anaesthetic_product);
  }
  click (f, "Anaesthetic applied");
  g_assert_false (can_press (f, "Begin Treatment"));
  type (product, "Lidocaine 4% cream");

  /* Serums: a row without a product blocks, one without a lot warns. */
  press (f, "Add Serum");
  g_assert_false (can_press (f, "Begin Treatment"));
  g_assert_nonnull (stipple_test_find_label (GTK_WIDGET (f->setup), "Name serum 1, or remove it."));
  type (get_labelled (f, "Serum 1, product"), "Hyaluronic acid serum");
  g_assert_true (can_press (f, "Begin Treatment"));
  g_assert_nonnull (stipple_test_find_label (GTK_WIDGET (f->setup), "No lot recorded"));
  type (get_labelled (f, "Serum 1, lot"), "HA-2291");
  g_assert_null (stipple_test_find_label (GTK_WIDGET (f->setup), "No lot recorded"));

  press (f, "Add Serum");
  type (get_labelled (f, "Serum 2, product"), "Vitamin C serum");
  g_assert_nonnull (stipple_test_find_label (GTK_WIDGET (f->setup), "No lot recorded"));
  press (f, "Add Serum");
  type (get_labelled (f, "Serum 3, product"), "PRP");
  type (get_labelled (f, "Serum 3, lot"), "PRP-07");
  {
    g_autoptr(StippleSession) session = stipple_session_setup_dup_session (f->setup);
    g_assert_cmpuint (session->serums->len, ==, 3);
  }

  /* Removing the first renumbers the rest. */
  press (f, "Remove serum 1");
  g_assert_null (find_labelled (GTK_WIDGET (f->setup), "Serum 3, product"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (get_labelled (f, "Serum 1, product"))), ==,
                   "Vitamin C serum");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (get_labelled (f, "Serum 2, lot"))), ==,
                   "PRP-07");
  {
    g_autoptr(StippleSession) session = stipple_session_setup_dup_session (f->setup);
    StippleSerum *first = session->serums->pdata[0];
    StippleSerum *second = session->serums->pdata[1];

    g_assert_cmpuint (session->serums->len, ==, 2);
    g_assert_cmpstr (first->product, ==, "Vitamin C serum");
    g_assert_cmpstr (first->lot, ==, "");
    g_assert_cmpstr (second->product, ==, "PRP");
    g_assert_cmpstr (second->lot, ==, "PRP-07");
  }
  g_assert_true (can_press (f, "Begin Treatment"));
}

typedef struct
{
  guint           n_ready;
  StippleSession *session;
  GMainLoop      *loop;
  gint64          saved_id;
  GError         *error;
} Outcome;

static void
ready_cb (StippleSessionSetup *setup,
          StippleSession      *session,
          Outcome             *outcome)
{
  outcome->n_ready++;
  g_clear_pointer (&outcome->session, stipple_session_free);
  outcome->session = stipple_session_copy (session);
}

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Outcome *outcome = user_data;

  outcome->saved_id = stipple_session_setup_save_finish (STIPPLE_SESSION_SETUP (object), result,
                                                         &outcome->error);
  g_main_loop_quit (outcome->loop);
}

static StippleScreeningAnswer *
find_answer (GPtrArray  *answers,
             const char *key,
             const char *date)
{
  for (guint i = 0; i < answers->len; i++)
    {
      StippleScreeningAnswer *answer = answers->pdata[i];

      if (g_str_equal (answer->item_key, key) && g_str_equal (answer->answered_on, date))
        return answer;
    }
  return NULL;
}

/* The whole way through, with a patient who was screened before, and
 * saved to a patient file: what is read back is what was entered. */
static void
test_ready_and_save (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "patients.stipple", NULL);
  g_autoptr(StippleStore) store = stipple_store_open (path, &error);
  g_autoptr(StipplePatient) patient = test_patient ("R-7", "Maren", "Holt", "1988-06-02");
  g_autoptr(StippleScreeningAnswer) earlier = stipple_screening_answer_new ();
  g_autoptr(StipplePatientChart) chart = NULL;
  g_autoptr(StipplePatientChart) back = NULL;
  g_autoptr(GPtrArray) answers = NULL;
  g_autoptr(GPtrArray) consents = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  const char * const yes[] = { "pregnancy", "sun-tanning", NULL };
  const char *reason = "Breastfeeding ended in March; confirmed with the patient today.";
  Outcome outcome = { 0, NULL, g_main_loop_new (NULL, FALSE) };
  guint n_items = 0;
  StippleSession *saved;

  stipple_screening_get_items (&n_items);
  g_assert_no_error (error);
  g_assert_true (stipple_store_save_patient (store, patient, &error));
  earlier->patient_id = patient->id;
  earlier->item_key = g_strdup ("nsaids");
  earlier->answer = TRUE;
  earlier->answered_on = g_strdup ("2026-01-05");
  g_assert_true (stipple_store_save_screening_answer (store, earlier, &error));
  chart = stipple_store_load_chart (store, patient->id, &error);
  g_assert_no_error (error);

  show (f, chart);
  g_signal_connect (f->setup, "ready", G_CALLBACK (ready_cb), &outcome);
  to_screening (f);

  /* Last time's answer is shown, not taken as today's. */
  {
    const char *question = stipple_screening_get_question (stipple_screening_lookup ("nsaids"));
    GtkWidget *row = get_labelled (f, question);

    g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==,
                     "Not answered yet · last time, 5 January 2026: yes");
    g_assert_nonnull (stipple_test_find_label (GTK_WIDGET (f->setup), "The last screening, of 5 January 2026"));
  }
  answer_all (f, yes);
  type (stipple_test_find_entry_row (GTK_WIDGET (f->setup), "Why is treating still right?"), reason);
  press (f, "Next");
  click (f, "The patient consents to the treatment");
  click (f, "The patient refuses photographs");
  press (f, "Next");
  click (f, "Anaesthetic applied");
  type (stipple_test_find_entry_row (GTK_WIDGET (f->setup), "Anaesthetic Product"), "Lidocaine 4% cream");
  set_anaesthetic_minutes_ago (f, 55);
  press (f, "Add Serum");
  type (get_labelled (f, "Serum 1, product"), "Hyaluronic acid serum");
  type (get_labelled (f, "Serum 1, lot"), "HA-2291");
  press (f, "Add Serum");
  type (get_labelled (f, "Serum 2, product"), "Vitamin C serum");

  g_assert_false (stipple_session_setup_get_ready (f->setup));
  press (f, "Begin Treatment");
  g_assert_cmpuint (outcome.n_ready, ==, 1);
  g_assert_true (stipple_session_setup_get_ready (f->setup));
  /* Begun: nothing can be changed under the record any more. */
  g_assert_false (can_press (f, "Begin Treatment"));
  g_assert_false (can_press (f, "Back"));

  /* "ready" carries exactly what was entered. */
  saved = outcome.session;
  g_assert_cmpint (saved->id, ==, 0);
  g_assert_cmpint (saved->patient_id, ==, patient->id);
  g_assert_cmpstr (saved->clinician, ==, "Dr Ines Moreau");
  g_assert_nonnull (saved->started_at);
  g_assert_cmpint (g_date_time_difference (saved->started_at, now), >=, 0);
  g_assert_cmpstr (saved->anaesthetic_product, ==, "Lidocaine 4% cream");
  g_assert_cmpint (g_date_time_difference (saved->started_at, saved->anaesthetic_at), >,
                   54 * G_TIME_SPAN_MINUTE);
  g_assert_cmpstr (saved->screening_override, ==, reason);
  g_assert_cmpuint (saved->serums->len, ==, 2);
  g_assert_cmpstr (((StippleSerum *) saved->serums->pdata[0])->product, ==,
                   "Hyaluronic acid serum");
  g_assert_cmpstr (((StippleSerum *) saved->serums->pdata[0])->lot, ==, "HA-2291");
  g_assert_cmpstr (((StippleSerum *) saved->serums->pdata[1])->product, ==, "Vitamin C serum");
  g_assert_cmpstr (((StippleSerum *) saved->serums->pdata[1])->lot, ==, "");
  g_assert_cmpint (saved->erythema_grade, ==, STIPPLE_ERYTHEMA_NOT_RECORDED);

  answers = stipple_session_setup_dup_screening (f->setup);
  g_assert_cmpuint (answers->len, ==, n_items);
  for (guint i = 0; i < answers->len; i++)
    {
      StippleScreeningAnswer *a = answers->pdata[i];

      g_assert_cmpstr (a->answered_on, ==, today);
      g_assert_cmpint (a->patient_id, ==, patient->id);
      g_assert_cmpint (a->answer, ==, g_strv_contains (yes, a->item_key));
    }
  consents = stipple_session_setup_dup_consents (f->setup);
  g_assert_true (((StippleConsent *) consents->pdata[0])->given);
  g_assert_false (((StippleConsent *) consents->pdata[1])->given);
  g_assert_cmpint (((StippleConsent *) consents->pdata[1])->kind, ==, STIPPLE_CONSENT_PHOTOGRAPHS);

  /* Saved, and read back from the file. */
  stipple_session_setup_save_async (f->setup, store, NULL, saved_cb, &outcome);
  g_main_loop_run (outcome.loop);
  g_assert_no_error (outcome.error);
  g_assert_cmpint (outcome.saved_id, >, 0);

  back = stipple_store_load_chart (store, patient->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->sessions->len, ==, 1);
  {
    StippleSession *s = back->sessions->pdata[0];

    g_assert_cmpint (s->id, ==, outcome.saved_id);
    g_assert_cmpstr (s->clinician, ==, saved->clinician);
    g_assert_true (g_date_time_equal (s->started_at, saved->started_at));
    g_assert_true (g_date_time_equal (s->anaesthetic_at, saved->anaesthetic_at));
    g_assert_cmpstr (s->anaesthetic_product, ==, saved->anaesthetic_product);
    g_assert_cmpstr (s->screening_override, ==, reason);
    g_assert_null (s->ended_at);
    g_assert_cmpuint (s->serums->len, ==, 2);
    for (guint i = 0; i < 2; i++)
      {
        StippleSerum *a = s->serums->pdata[i], *b = saved->serums->pdata[i];
        g_assert_cmpstr (a->product, ==, b->product);
        g_assert_cmpstr (a->lot, ==, b->lot);
      }
  }
  g_assert_cmpuint (back->screening->len, ==, n_items + 1);
  for (guint i = 0; i < answers->len; i++)
    {
      StippleScreeningAnswer *entered = answers->pdata[i];
      StippleScreeningAnswer *stored = find_answer (back->screening, entered->item_key, today);

      g_assert_nonnull (stored);
      g_assert_cmpint (stored->answer, ==, entered->answer);
      g_assert_cmpint (stored->session_id, ==, outcome.saved_id);
    }
  /* Last time's answer is still there, as it was. */
  g_assert_true (find_answer (back->screening, "nsaids", "2026-01-05")->answer);
  g_assert_cmpint (find_answer (back->screening, "nsaids", "2026-01-05")->session_id, ==, 0);
  g_assert_cmpuint (back->consents->len, ==, 2);
  for (guint i = 0; i < back->consents->len; i++)
    {
      StippleConsent *c = back->consents->pdata[i];

      g_assert_cmpstr (c->signed_on, ==, today);
      g_assert_cmpint (c->given, ==, c->kind == STIPPLE_CONSENT_TREATMENT);
    }

  /* Saving again updates the session and adds nothing twice. */
  stipple_session_setup_save_async (f->setup, store, NULL, saved_cb, &outcome);
  g_main_loop_run (outcome.loop);
  g_assert_no_error (outcome.error);
  g_clear_pointer (&back, stipple_patient_chart_free);
  back = stipple_store_load_chart (store, patient->id, &error);
  g_assert_cmpuint (back->sessions->len, ==, 1);
  g_assert_cmpuint (back->screening->len, ==, n_items + 1);
  g_assert_cmpuint (back->consents->len, ==, 2);

  g_clear_pointer (&outcome.session, stipple_session_free);
  g_main_loop_unref (outcome.loop);
}

/* A save that fails says so in words, keeps everything, and succeeds
 * when tried again. */
static void
test_save_error (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "patients.stipple", NULL);
  g_autoptr(StippleStore) store = stipple_store_open (path, &error);
  g_autoptr(StippleStore) reopened = NULL;
  g_autoptr(StipplePatient) patient = test_patient ("R-8", "Jonas", "Berg", "1979-11-30");
  g_autoptr(StipplePatientChart) chart = NULL;
  g_autoptr(StipplePatientChart) back = NULL;
  Outcome outcome = { 0, NULL, g_main_loop_new (NULL, FALSE) };
  guint n_items = 0;

  stipple_screening_get_items (&n_items);
  g_assert_true (stipple_store_save_patient (store, patient, &error));
  chart = stipple_store_load_chart (store, patient->id, &error);
  g_assert_no_error (error);

  show (f, chart);
  g_signal_connect (f->setup, "ready", G_CALLBACK (ready_cb), &outcome);
  to_products (f);
  press (f, "Begin Treatment");
  g_assert_cmpuint (outcome.n_ready, ==, 1);

  stipple_store_close (store);
  stipple_session_setup_save_async (f->setup, store, NULL, saved_cb, &outcome);
  g_main_loop_run (outcome.loop);
  g_assert_error (outcome.error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_CLOSED);
  g_assert_cmpint (outcome.saved_id, ==, 0);
  g_assert_nonnull (strstr (outcome.error->message, "The session was not saved"));
  g_assert_nonnull (stipple_test_find_label (GTK_WIDGET (f->setup), "The session was not saved"));
  g_assert_nonnull (stipple_test_find_label (GTK_WIDGET (f->setup), "Nothing entered here is lost"));
  g_clear_error (&outcome.error);
  g_assert_false (stipple_session_setup_get_ready (f->setup));

  /* Everything is still there; beginning again keeps the start time. */
  {
    g_autoptr(StippleSession) session = stipple_session_setup_dup_session (f->setup);
    g_autoptr(GPtrArray) answers = stipple_session_setup_dup_screening (f->setup);

    g_assert_cmpstr (session->clinician, ==, "Dr Ines Moreau");
    g_assert_cmpuint (answers->len, ==, n_items);
    g_assert_true (g_date_time_equal (session->started_at, outcome.session->started_at));
  }
  press (f, "Begin Treatment");
  g_assert_cmpuint (outcome.n_ready, ==, 2);

  g_clear_object (&store);
  reopened = stipple_store_open (path, &error);
  g_assert_no_error (error);
  stipple_session_setup_save_async (f->setup, reopened, NULL, saved_cb, &outcome);
  g_main_loop_run (outcome.loop);
  g_assert_no_error (outcome.error);
  g_assert_cmpint (outcome.saved_id, >, 0);
  back = stipple_store_load_chart (reopened, patient->id, &error);
  g_assert_cmpuint (back->sessions->len, ==, 1);
  g_assert_null (((StippleSession *) back->sessions->pdata[0])->anaesthetic_at);
  g_assert_cmpuint (back->screening->len, ==, n_items);
  /* The treatment consent; photographs were not asked about. */
  g_assert_cmpuint (back->consents->len, ==, 1);

  g_clear_pointer (&outcome.session, stipple_session_free);
  g_main_loop_unref (outcome.loop);
}

/* How many rows @table holds in the file, read with plain SQLite. */
static gint64
count_rows (const char *path,
            const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", table);
  g_autofree char *count = NULL;
  int rc;

  count = test_sql (path, sql, &rc);
  g_assert_cmpint (rc, ==, SQLITE_OK);
  return g_ascii_strtoll (count, NULL, 10);
}

/* The patient file refuses the consent, the last thing written: the
 * session is not left on record without it, nor are its answers. Once
 * the file takes it, all of it is saved, once. */
static void
test_save_all_or_nothing (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "patients.stipple", NULL);
  g_autoptr(StippleStore) store = stipple_store_open (path, &error);
  g_autoptr(StipplePatient) patient = test_patient ("R-9", "Lena", "Vogt", "1991-04-17");
  g_autoptr(StipplePatientChart) chart = NULL;
  Outcome outcome = { 0, NULL, g_main_loop_new (NULL, FALSE) };
  guint n_items = 0;
  int rc;

  stipple_screening_get_items (&n_items);
  g_assert_true (stipple_store_save_patient (store, patient, &error));
  chart = stipple_store_load_chart (store, patient->id, &error);
  g_assert_no_error (error);

  show (f, chart);
  g_signal_connect (f->setup, "ready", G_CALLBACK (ready_cb), &outcome);
  to_products (f);
  press (f, "Begin Treatment");

  g_free (test_sql (path, "CREATE TRIGGER test_refuse_consent BEFORE INSERT ON consent"
                          " BEGIN SELECT RAISE (ABORT, 'refused'); END", &rc));
  g_assert_cmpint (rc, ==, SQLITE_OK);
  stipple_session_setup_save_async (f->setup, store, NULL, saved_cb, &outcome);
  g_main_loop_run (outcome.loop);
  g_assert_nonnull (outcome.error);
  g_assert_cmpint (outcome.saved_id, ==, 0);
  g_assert_nonnull (stipple_test_find_label (GTK_WIDGET (f->setup), "The session was not saved"));
  g_clear_error (&outcome.error);
  g_assert_cmpint (count_rows (path, "session"), ==, 0);
  g_assert_cmpint (count_rows (path, "screening_answer"), ==, 0);
  g_assert_cmpint (count_rows (path, "consent"), ==, 0);

  g_free (test_sql (path, "DROP TRIGGER test_refuse_consent", &rc));
  g_assert_cmpint (rc, ==, SQLITE_OK);
  press (f, "Begin Treatment");
  stipple_session_setup_save_async (f->setup, store, NULL, saved_cb, &outcome);
  g_main_loop_run (outcome.loop);
  g_assert_no_error (outcome.error);
  g_assert_cmpint (outcome.saved_id, >, 0);
  g_assert_cmpint (count_rows (path, "session"), ==, 1);
  g_assert_cmpint (count_rows (path, "screening_answer"), ==, n_items);
  g_assert_cmpint (count_rows (path, "consent"), ==, 1);

  g_clear_pointer (&outcome.session, stipple_session_free);
  g_main_loop_unref (outcome.loop);
}

int
main (int   argc,
      char *argv[])
{
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      /* Not a skip: a UI test without a display has not tested anything. */
      g_printerr ("test-session-setup needs a display; run it through ./build-aux/dev test\n");
      return 1;
    }

  gtk_test_init (&argc, &argv, NULL);
  /* No cursor blink: GTK warns when a blink comes due for a text that lost
   * the focus with its window, which windows of parallel tests on one
   * display can cause at any moment. */
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);
  adw_init ();

#define ADD(name, func) \
  g_test_add ("/stipple/session-setup/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("clinician", test_clinician);
  ADD ("screening", test_screening);
  ADD ("consent", test_consent);
  ADD ("products", test_products);
  ADD ("ready-and-save", test_ready_and_save);
  ADD ("save-error", test_save_error);
  ADD ("save-all-or-nothing", test_save_all_or_nothing);
#undef ADD

  return g_test_run ();
}
