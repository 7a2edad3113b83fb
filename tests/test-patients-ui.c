/* test-patients-ui.c: the patient list, page, form and session summary
 * on a real patient file, driven as a clinician would drive them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <inttypes.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "stipple-patient-editor.h"
#include "stipple-patient-list.h"
#include "stipple-patient-page.h"
#include "stipple-session-summary.h"
#include "stipple-test-a11y.h"
#include "stipple-test-wait.h"

static StippleStore *store;
static char *tmp_dir;

/* Like stipple_test_find_accessible(), but only what is on screen: a
 * stack's hidden pages are visible widgets that are not mapped. */
static GtkWidget *
find_shown (GtkWidget         *root,
            GtkAccessibleRole  role,
            const char        *label)
{
  if (!gtk_widget_get_mapped (root))
    return NULL;

  if (gtk_test_accessible_has_role (GTK_ACCESSIBLE (root), role))
    {
      g_autofree char *mismatch = NULL;

      if (label == NULL)
        return root;
      mismatch = gtk_test_accessible_check_property (GTK_ACCESSIBLE (root),
                                                     GTK_ACCESSIBLE_PROPERTY_LABEL, label);
      if (mismatch == NULL)
        return root;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_shown (child, role, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static guint
count_shown (GtkWidget         *root,
             GtkAccessibleRole  role)
{
  guint n = 0;

  if (!gtk_widget_get_mapped (root))
    return 0;
  if (gtk_test_accessible_has_role (GTK_ACCESSIBLE (root), role))
    n++;
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += count_shown (child, role);
  return n;
}

/* The answer comes from the store's writer thread through the main
 * loop: run it until the widget appears, looking at least every 2 ms,
 * failing after ten seconds (stretched by the slowdown) with the label
 * that never came. */
static GtkWidget *
wait_for (GtkWidget         *root,
          GtkAccessibleRole  role,
          const char        *label)
{
  gint64 deadline = g_get_monotonic_time () + TEST_WAIT_SECONDS * G_USEC_PER_SEC * test_slowdown ();
  guint wake = g_timeout_add (2, test_wait_wake_cb, NULL);
  GtkWidget *found;

  while ((found = find_shown (root, role, label)) == NULL)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("“%s” never appeared", label ? label : "(any)");
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (wake);
  return found;
}

/* Whether the form @ref points to is gone or hidden. */
static gboolean
form_closed (GWeakRef *ref)
{
  g_autoptr(GObject) still = g_weak_ref_get (ref);

  return still == NULL || !gtk_widget_get_visible (GTK_WIDGET (still));
}

static GtkWidget *
find_text_box (GtkWidget  *root,
               const char *label)
{
  GtkWidget *found = find_shown (root, GTK_ACCESSIBLE_ROLE_TEXT_BOX, label);

  g_assert_nonnull (found);
  return found;
}

static void
set_text (GtkWidget  *input,
          const char *text)
{
  if (GTK_IS_TEXT_VIEW (input))
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (input)), text, -1);
  else
    gtk_editable_set_text (GTK_EDITABLE (input), text);
}

static GtkWidget *
window_with (GtkWidget *child)
{
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_default_size (GTK_WINDOW (window), 900, 800);
  gtk_window_set_child (GTK_WINDOW (window), child);
  gtk_window_present (GTK_WINDOW (window));
  stipple_test_wait_mapped (window);
  return window;
}

static StipplePatient *
patient_by_record (const char *record_number)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = stipple_store_search_patients (store, record_number, 5, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < found->len; i++)
    {
      StipplePatient *patient = g_ptr_array_index (found, i);

      if (g_str_equal (patient->record_number, record_number))
        return stipple_patient_copy (patient);
    }
  g_error ("no patient %s", record_number);
}

static void
record_id_cb (GObject *object,
              gint64   id,
              gpointer user_data)
{
  gint64 *out = user_data;

  *out = id;
}

static int
age_today (int year,
           int month,
           int day)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  int age = g_date_time_get_year (now) - year;

  if (g_date_time_get_month (now) < month ||
      (g_date_time_get_month (now) == month && g_date_time_get_day_of_month (now) < day))
    age--;
  return age;
}

static void
settled_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GPtrArray) found = stipple_store_search_patients_finish (STIPPLE_STORE (object), result,
                                                                     NULL);

  *(gboolean *) user_data = TRUE;
}

/* Returns once every question asked of the store before has been
 * answered: its one writer thread takes them in order, and their answers
 * reach the main loop in the same order. */
static void
store_settled (void)
{
  gboolean done = FALSE;

  stipple_store_search_patients_async (store, "", 1, NULL, settled_cb, &done);
  WAIT_FOR (done);
}

static void
type_query (StipplePatientList *list,
            GtkWidget          *search,
            const char         *query)
{
  gtk_editable_set_text (GTK_EDITABLE (search), query);
}

static void
test_list_search (void)
{
  StipplePatientList *list = stipple_patient_list_new (store);
  GtkWidget *window = window_with (GTK_WIDGET (list));
  GtkWidget *search = find_shown (window, GTK_ACCESSIBLE_ROLE_SEARCH_BOX, "Search patients");
  const char *ashdown = "Ashdown, Ngozi, DEMO-0003 · born 5 November 1978";
  g_autoptr(StipplePatient) expected = patient_by_record ("DEMO-0003");
  gint64 activated = 0;

  g_assert_nonnull (search);
  g_signal_connect (list, "patient-activated", G_CALLBACK (record_id_cb), &activated);
  wait_for (window, GTK_ACCESSIBLE_ROLE_LABEL, "Find a Patient");

  /* By family name, from its first letters, case ignored. */
  type_query (list, search, "brightw");
  wait_for (window, GTK_ACCESSIBLE_ROLE_LIST_ITEM,
            "Brightwater, Elena, DEMO-0001 · born 12 March 1984");
  g_assert_cmpuint (count_shown (window, GTK_ACCESSIBLE_ROLE_LIST_ITEM), ==, 1);

  /* By record number, by date of birth as stored and as written out. */
  type_query (list, search, "demo-0003");
  wait_for (window, GTK_ACCESSIBLE_ROLE_LIST_ITEM, ashdown);
  type_query (list, search, "");
  wait_for (window, GTK_ACCESSIBLE_ROLE_LABEL, "Find a Patient");
  type_query (list, search, "1978-11-05");
  wait_for (window, GTK_ACCESSIBLE_ROLE_LIST_ITEM, ashdown);
  type_query (list, search, "");
  wait_for (window, GTK_ACCESSIBLE_ROLE_LABEL, "Find a Patient");
  type_query (list, search, "5 November 1978");
  wait_for (window, GTK_ACCESSIBLE_ROLE_LIST_ITEM, ashdown);
  g_assert_cmpuint (count_shown (window, GTK_ACCESSIBLE_ROLE_LIST_ITEM), ==, 1);

  /* Nothing found is said so. */
  type_query (list, search, "Zzyzx");
  wait_for (window, GTK_ACCESSIBLE_ROLE_LABEL, "No Patient Found");
  g_assert_cmpuint (count_shown (window, GTK_ACCESSIBLE_ROLE_LIST_ITEM), ==, 0);

  /* The newest search wins: the first is cancelled, never shown. */
  type_query (list, search, "quill");
  stipple_patient_list_refresh (list);
  type_query (list, search, "ashdown");
  stipple_patient_list_refresh (list);
  wait_for (window, GTK_ACCESSIBLE_ROLE_LIST_ITEM, ashdown);
  /* The first search's answer has come back too, and was dropped. */
  store_settled ();
  g_assert_cmpuint (count_shown (window, GTK_ACCESSIBLE_ROLE_LIST_ITEM), ==, 1);
  g_assert_nonnull (find_shown (window, GTK_ACCESSIBLE_ROLE_LIST_ITEM, ashdown));

  /* Down from the search entry moves into the list. */
  {
    g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (search);
    gboolean handled = FALSE;

    for (guint i = 0; i < g_list_model_get_n_items (controllers) && !handled; i++)
      {
        g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

        if (GTK_IS_EVENT_CONTROLLER_KEY (controller))
          g_signal_emit_by_name (controller, "key-pressed", GDK_KEY_Down, 0, 0, &handled);
      }
    g_assert_true (handled);
    g_assert_true (gtk_window_get_focus (GTK_WINDOW (window)) ==
                   find_shown (window, GTK_ACCESSIBLE_ROLE_LIST_ITEM, ashdown));
  }

  /* Enter in the search entry opens the first patient found; a row
   * opens its own patient. */
  g_signal_emit_by_name (search, "activate");
  g_assert_cmpint (activated, ==, expected->id);
  activated = 0;
  gtk_widget_activate (find_shown (window, GTK_ACCESSIBLE_ROLE_LIST_ITEM, ashdown));
  g_assert_cmpint (activated, ==, expected->id);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_page (void)
{
  g_autoptr(StipplePatient) quill = patient_by_record ("DEMO-0002");
  g_autoptr(GError) error = NULL;
  g_autoptr(StipplePatientChart) chart = stipple_store_load_chart (store, quill->id, &error);
  StipplePatientPage *page = stipple_patient_page_new (store);
  GtkWidget *window = window_with (GTK_WIDGET (page));
  const StippleSession *newest;
  g_autofree char *summary = NULL;
  g_autofree char *done = NULL;
  g_autofree char *newest_day = NULL;
  g_autofree char *row_label = NULL;
  gint64 activated = 0, started = 0, edited = 0, exported = 0;
  GtkWidget *row;

  g_assert_no_error (error);
  g_signal_connect (page, "session-activated", G_CALLBACK (record_id_cb), &activated);
  g_signal_connect (page, "start-session", G_CALLBACK (record_id_cb), &started);
  g_signal_connect (page, "edit-patient", G_CALLBACK (record_id_cb), &edited);
  g_signal_connect (page, "export-patient", G_CALLBACK (record_id_cb), &exported);

  stipple_patient_page_load (page, quill->id);
  wait_for (window, GTK_ACCESSIBLE_ROLE_LABEL, "Samir Quill");
  summary = g_strdup_printf ("DEMO-0002 · born 30 July 1991, aged %d years",
                             age_today (1991, 7, 30));
  g_assert_nonnull (find_shown (window, GTK_ACCESSIBLE_ROLE_LABEL, summary));

  /* Details as recorded; skin type IV carries its warning. */
  g_assert_nonnull (find_shown (window, GTK_ACCESSIBLE_ROLE_LABEL, "30 July 1991"));
  g_assert_nonnull (find_shown (window, GTK_ACCESSIBLE_ROLE_LABEL, "IV"));
  g_assert_nonnull (find_shown (window, GTK_ACCESSIBLE_ROLE_LABEL,
                                "Higher risk of post-inflammatory hyperpigmentation"));
  g_assert_nonnull (find_shown (window, GTK_ACCESSIBLE_ROLE_LABEL, "Lidocaine (rash)"));
  g_assert_nonnull (find_shown (window, GTK_ACCESSIBLE_ROLE_LABEL,
                                "samir.quill@example.org"));
  g_assert_nonnull (find_shown (window, GTK_ACCESSIBLE_ROLE_LABEL,
                                "Rolling and boxcar acne scars, both cheeks"));
  {
    const StippleCourse *course = g_ptr_array_index (chart->courses, 0);
    g_autofree char *planned = g_strdup_printf ("%u sessions, every 4 weeks",
                                                course->planned_sessions);

    g_assert_cmpuint (chart->courses->len, ==, 1);
    done = g_strdup_printf ("%u of %u", chart->sessions->len, course->planned_sessions);
    g_assert_nonnull (find_shown (window, GTK_ACCESSIBLE_ROLE_LABEL, done));
    g_assert_nonnull (find_shown (window, GTK_ACCESSIBLE_ROLE_LABEL, planned));
  }
  /* Every demo session is finished: nothing is flagged. */
  g_assert_null (find_shown (window, GTK_ACCESSIBLE_ROLE_LABEL, "Not finished"));

  /* The newest session is listed first and opens by its id. */
  newest = g_ptr_array_index (chart->sessions, chart->sessions->len - 1);
  {
    g_autoptr(GDateTime) local = g_date_time_to_local (newest->started_at);
    newest_day = g_date_time_format (local, "%-d %B %Y, %H:%M");
  }
  row_label = g_strdup_printf ("Session of %s: Dr Demo · Left cheek, Right cheek, Chin · "
                               "deepest 1.5 mm", newest_day);
  row = find_shown (window, GTK_ACCESSIBLE_ROLE_LIST_ITEM, row_label);
  g_assert_nonnull (row);
  gtk_widget_activate (row);
  g_assert_cmpint (activated, ==, newest->id);

  /* The buttons name the patient shown. */
  g_signal_emit_by_name (find_shown (window, GTK_ACCESSIBLE_ROLE_BUTTON, "Start Session"),
                         "clicked");
  g_signal_emit_by_name (find_shown (window, GTK_ACCESSIBLE_ROLE_BUTTON, "Edit Patient"),
                         "clicked");
  g_signal_emit_by_name (find_shown (window, GTK_ACCESSIBLE_ROLE_BUTTON, "Export Patient…"),
                         "clicked");
  g_assert_cmpint (started, ==, quill->id);
  g_assert_cmpint (edited, ==, quill->id);
  g_assert_cmpint (exported, ==, quill->id);

  /* A session left open (the pen unplugged, the program killed) is
   * marked plainly once the page is loaded again. */
  {
    g_autoptr(StippleSession) open = stipple_session_new ();
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autoptr(GDateTime) local = g_date_time_to_local (now);
    g_autofree char *when = g_date_time_format (local, "%-d %B %Y, %H:%M");
    g_autofree char *warning = g_strdup_printf ("The session started %s was never finished: it "
                                                "may have been interrupted. Open it below to "
                                                "see what was recorded.", when);

    open->patient_id = quill->id;
    open->started_at = g_date_time_ref (now);
    open->clinician = g_strdup ("Dr Ines Moreau");
    stipple_session_add_pass (open, STIPPLE_ZONE_CHIN, 1000, 120);
    g_assert_true (stipple_store_save_session (store, open, &error));
    g_assert_no_error (error);

    stipple_patient_page_load (page, quill->id);
    wait_for (window, GTK_ACCESSIBLE_ROLE_LABEL, "Not finished");
    g_assert_nonnull (find_shown (window, GTK_ACCESSIBLE_ROLE_LABEL, warning));
  }

  /* Another patient never shows under the first one's name. */
  {
    g_autoptr(StipplePatient) ashdown = patient_by_record ("DEMO-0003");

    stipple_patient_page_load (page, ashdown->id);
    g_assert_null (find_shown (window, GTK_ACCESSIBLE_ROLE_LABEL, "Samir Quill"));
    wait_for (window, GTK_ACCESSIBLE_ROLE_LABEL, "Ngozi Ashdown");
    g_assert_cmpint (stipple_patient_page_get_patient_id (page), ==, ashdown->id);
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_session_summary (void)
{
  g_autoptr(StipplePatient) quill = patient_by_record ("DEMO-0002");
  g_autoptr(GError) error = NULL;
  g_autoptr(StipplePatientChart) chart = stipple_store_load_chart (store, quill->id, &error);
  const StippleSession *first;
  StippleSessionSummary *summary;
  g_autofree char *strokes = NULL;
  g_autofree char *cartridge = NULL;
  const StippleSerum *serum;

  g_assert_no_error (error);
  first = g_ptr_array_index (chart->sessions, 0);
  summary = stipple_session_summary_new (chart, first->id);
  gtk_window_present (GTK_WINDOW (summary));
  stipple_test_wait_mapped (GTK_WIDGET (summary));

  g_assert_nonnull (find_shown (GTK_WIDGET (summary), GTK_ACCESSIBLE_ROLE_LABEL, "Read only"));
  g_assert_nonnull (find_shown (GTK_WIDGET (summary), GTK_ACCESSIBLE_ROLE_LABEL, "Dr Demo"));
  /* Every pass of the plan, with its depth in millimetres. */
  g_assert_nonnull (find_shown (GTK_WIDGET (summary), GTK_ACCESSIBLE_ROLE_LABEL,
                                "Pass 1: 1.25 mm\nPass 2: 1.5 mm\nPass 3: 1.5 mm"));
  g_assert_nonnull (find_shown (GTK_WIDGET (summary), GTK_ACCESSIBLE_ROLE_LABEL,
                                "Pass 1: 1.0 mm"));
  /* As the summary writes it: thousands grouped as the locale does. */
  strokes = g_strdup_printf ("3 passes at 120 strokes/s · %'" PRIu64
                             " strokes delivered", first->strokes[STIPPLE_ZONE_CHEEK_LEFT]);
  g_assert_cmpuint (first->strokes[STIPPLE_ZONE_CHEEK_LEFT], >, 0);
  g_assert_nonnull (find_shown (GTK_WIDGET (summary), GTK_ACCESSIBLE_ROLE_LABEL, strokes));
  cartridge = g_strdup_printf ("%s, lot %s", first->cartridge_id, first->cartridge_lot);
  g_assert_nonnull (find_shown (GTK_WIDGET (summary), GTK_ACCESSIBLE_ROLE_LABEL, cartridge));
  serum = g_ptr_array_index (first->serums, 0);
  {
    g_autofree char *lot = g_strdup_printf ("Lot %s", serum->lot);
    g_assert_nonnull (find_shown (GTK_WIDGET (summary), GTK_ACCESSIBLE_ROLE_LABEL, lot));
  }
  g_assert_nonnull (find_shown (GTK_WIDGET (summary), GTK_ACCESSIBLE_ROLE_LABEL,
                                first->note_before));
  /* Read only: nothing in it takes typing. */
  g_assert_cmpuint (count_shown (GTK_WIDGET (summary), GTK_ACCESSIBLE_ROLE_TEXT_BOX), ==, 0);

  gtk_window_destroy (GTK_WINDOW (summary));
}

static GtkWidget *
message_shown (GtkWidget  *root,
               const char *text)
{
  return find_shown (root, GTK_ACCESSIBLE_ROLE_LABEL, text);
}

static void
test_editor_validation (void)
{
  StipplePatientEditor *editor = stipple_patient_editor_new (store, NULL);
  GtkWidget *root = GTK_WIDGET (editor);
  GtkWidget *family, *given, *dob, *record, *save;
  g_autofree char *huge = NULL;
  g_autofree char *born = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (now, 1);
  g_autofree char *tomorrow_text = g_date_time_format (tomorrow, "%Y-%m-%d");
  const char *duplicate = "Record number “DEMO-0001” already belongs to Elena Brightwater. "
                          "Check the number, or open that patient instead.";

  gtk_window_present (GTK_WINDOW (editor));
  stipple_test_wait_mapped (root);

  family = find_text_box (root, "Family name");
  given = find_text_box (root, "Given name");
  dob = find_text_box (root, "Date of birth");
  record = find_text_box (root, "Record number");
  save = find_shown (root, GTK_ACCESSIBLE_ROLE_BUTTON, "Save");
  g_assert_nonnull (save);
  g_assert_nonnull (find_shown (root, GTK_ACCESSIBLE_ROLE_COMBO_BOX, "Fitzpatrick skin type"));
  g_assert_nonnull (find_shown (root, GTK_ACCESSIBLE_ROLE_BUTTON,
                                "Choose the date of birth on a calendar"));

  /* An empty form cannot be saved, but is not covered in red either. */
  g_assert_false (gtk_widget_get_sensitive (save));
  g_assert_false (stipple_patient_editor_is_valid (editor));
  g_assert_null (message_shown (root, "Enter the family name."));

  /* A name of spaces only is an empty name. */
  set_text (family, "   ");
  g_assert_nonnull (message_shown (root, "Enter the family name."));
  g_assert_true (gtk_widget_has_css_class (family, "error"));
  set_text (family, "1234");
  g_assert_nonnull (message_shown (root, "The family name needs at least one letter."));
  set_text (family, "Okafor");
  g_assert_null (message_shown (root, "Enter the family name."));
  g_assert_false (gtk_widget_has_css_class (family, "error"));
  set_text (given, "Ada");

  /* A date of birth in the future; then one read back written out. */
  set_text (dob, tomorrow_text);
  g_assert_nonnull (message_shown (root, "The date of birth is in the future."));
  set_text (dob, "31.02.1984");
  g_assert_nonnull (message_shown (root, "This is not a date. Type it as year-month-day, like "
                                         "1984-03-09, or written out, like 9 March 1984."));
  set_text (dob, "1850-01-01");
  g_assert_nonnull (message_shown (root, "The date of birth is more than 130 years ago."));
  set_text (dob, "9 March 1984");
  born = g_strdup_printf ("9 March 1984, aged %d years", age_today (1984, 3, 9));
  g_assert_nonnull (message_shown (root, born));

  /* The record number is needed. */
  set_text (record, "X");
  set_text (record, "");
  g_assert_nonnull (message_shown (root, "A record number is needed."));
  g_assert_false (gtk_widget_get_sensitive (save));

  /* A megabyte pasted into a name is refused, not cut to a length that
   * would pass. */
  set_text (record, "OK-0001");
  g_assert_true (gtk_widget_get_sensitive (save));
  huge = g_strnfill (1024 * 1024, 'a');
  set_text (family, huge);
  g_assert_nonnull (message_shown (root, "The family name is too long: at most 200 "
                                         "characters."));
  g_assert_false (gtk_widget_get_sensitive (save));
  set_text (family, "Okafor");
  g_assert_true (gtk_widget_get_sensitive (save));

  /* A control character pasted into a name. */
  set_text (given, "Ada\x07");
  g_assert_nonnull (message_shown (root, "The given name contains an invisible control "
                                         "character: type it again rather than pasting it."));
  g_assert_false (gtk_widget_get_sensitive (save));
  set_text (given, "Ada");

  /* A record number already in the file: the store's words, in the form,
   * and everything typed still there. */
  set_text (record, "DEMO-0001");
  g_assert_true (gtk_widget_get_sensitive (save));
  g_signal_emit_by_name (save, "clicked");
  wait_for (root, GTK_ACCESSIBLE_ROLE_ALERT, duplicate);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (family)), ==, "Okafor");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (given)), ==, "Ada");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (dob)), ==, "9 March 1984");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (record)), ==, "DEMO-0001");
  g_assert_true (gtk_widget_has_css_class (record, "error"));
  g_assert_false (gtk_widget_get_sensitive (save));
  set_text (record, "OK-0001");
  g_assert_true (gtk_widget_get_sensitive (save));
  g_assert_true (stipple_patient_editor_is_valid (editor));

  gtk_window_destroy (GTK_WINDOW (editor));
}

/* Any other refusal (here a patient file closed under the form) is shown
 * in the store's words, and the form can be saved again once it passes. */
static void
test_editor_store_error (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "closed.stipple", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) closed = stipple_store_open (path, &error);
  g_autoptr(StipplePatient) probe = stipple_patient_new ();
  StipplePatientEditor *editor;
  GtkWidget *root, *save, *alert;

  g_assert_no_error (error);
  stipple_store_close (closed);
  probe->family_name = g_strdup ("Okafor");
  probe->record_number = g_strdup ("OK-0002");
  probe->date_of_birth = g_strdup ("1984-03-09");
  g_assert_false (stipple_store_save_patient (closed, probe, &error));
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_CLOSED);

  editor = stipple_patient_editor_new (closed, NULL);
  root = GTK_WIDGET (editor);
  gtk_window_present (GTK_WINDOW (editor));
  stipple_test_wait_mapped (root);
  set_text (find_text_box (root, "Family name"), "Okafor");
  set_text (find_text_box (root, "Date of birth"), "1984-03-09");
  set_text (find_text_box (root, "Record number"), "OK-0002");
  save = find_shown (root, GTK_ACCESSIBLE_ROLE_BUTTON, "Save");
  g_signal_emit_by_name (save, "clicked");

  alert = wait_for (root, GTK_ACCESSIBLE_ROLE_ALERT, error->message);
  g_assert_true (gtk_widget_has_css_class (alert, "error"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find_text_box (root, "Family name"))),
                   ==, "Okafor");
  g_assert_true (gtk_widget_get_sensitive (save));

  gtk_window_destroy (GTK_WINDOW (editor));
}

static void
saved_cb (StipplePatientEditor *editor,
          gint64                id,
          gpointer              user_data)
{
  gint64 *out = user_data;

  *out = id;
}

static void
test_editor_save_unicode (void)
{
  StipplePatientEditor *editor = stipple_patient_editor_new (store, NULL);
  GtkWidget *root = GTK_WIDGET (editor);
  GWeakRef closed;
  g_autoptr(StipplePatient) stored = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id = 0;
  /* Emoji with joiners, right-to-left Arabic and Hebrew, combining marks. */
  const char *family = "Nguyễn 👩🏽‍⚕️";
  const char *given = "مريم";
  const char *address = "רחוב הרצל 12\nתל אביב 🏙️";
  const char *allergies = "Latex 🧤, לטקס\nNickel";

  g_weak_ref_init (&closed, editor);
  g_signal_connect (editor, "saved", G_CALLBACK (saved_cb), &id);
  gtk_window_present (GTK_WINDOW (editor));
  stipple_test_wait_mapped (root);

  set_text (find_text_box (root, "Family name"), family);
  set_text (find_text_box (root, "Given name"), given);
  set_text (find_text_box (root, "Date of birth"), "1990-12-31");
  set_text (find_text_box (root, "Record number"), "UNI-٣٤٥");
  set_text (find_text_box (root, "Phone"), "+972 3 555 0101");
  set_text (find_text_box (root, "Email"), "maryam@example.org");
  set_text (find_text_box (root, "Address"), address);
  set_text (find_text_box (root, "Allergies"), allergies);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (find_shown (root, GTK_ACCESSIBLE_ROLE_COMBO_BOX,
                                                         "Fitzpatrick skin type")), 5);
  g_assert_nonnull (message_shown (root, "Higher risk of post-inflammatory hyperpigmentation: "
                                         "choose depths with care."));
  /* A new patient's copy starts in the interface's language (English
   * here); this patient reads Spanish. */
  {
    GtkDropDown *language = GTK_DROP_DOWN (find_shown (root, GTK_ACCESSIBLE_ROLE_COMBO_BOX,
                                                       "Language of the patient copy"));

    g_assert_nonnull (language);
    g_assert_cmpstr (gtk_string_object_get_string (gtk_drop_down_get_selected_item (language)),
                     ==, "English");
    for (guint i = 0; i < g_list_model_get_n_items (gtk_drop_down_get_model (language)); i++)
      {
        g_autoptr(GtkStringObject) item = g_list_model_get_item (gtk_drop_down_get_model (language), i);

        if (g_str_equal (gtk_string_object_get_string (item), "Español"))
          gtk_drop_down_set_selected (language, i);
      }
    g_assert_cmpstr (gtk_string_object_get_string (gtk_drop_down_get_selected_item (language)),
                     ==, "Español");
  }

  g_signal_emit_by_name (find_shown (root, GTK_ACCESSIBLE_ROLE_BUTTON, "Save"), "clicked");
  WAIT_FOR (id != 0);
  g_assert_cmpint (id, >, 0);
  /* Saved, the form closes itself. */
  WAIT_FOR (form_closed (&closed));
  g_weak_ref_clear (&closed);

  /* Read back from the patient file byte for byte. */
  stored = stipple_store_get_patient (store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored->family_name, ==, family);
  g_assert_cmpstr (stored->given_name, ==, given);
  g_assert_cmpstr (stored->date_of_birth, ==, "1990-12-31");
  g_assert_cmpstr (stored->record_number, ==, "UNI-٣٤٥");
  g_assert_cmpstr (stored->phone, ==, "+972 3 555 0101");
  g_assert_cmpstr (stored->email, ==, "maryam@example.org");
  g_assert_cmpstr (stored->address, ==, address);
  g_assert_cmpstr (stored->allergies, ==, allergies);
  g_assert_cmpuint (stored->fitzpatrick, ==, 5);
  g_assert_cmpstr (stored->language, ==, "es");

  /* Edited: the form opens with the record, and saves the same patient. */
  {
    StipplePatientEditor *edit = stipple_patient_editor_new (store, stored);
    GtkWidget *phone;
    gint64 edited_id = 0;
    g_autoptr(StipplePatient) again = NULL;
    gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    g_signal_connect (edit, "saved", G_CALLBACK (saved_cb), &edited_id);
    gtk_window_present (GTK_WINDOW (edit));
    stipple_test_wait_mapped (GTK_WIDGET (edit));
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find_text_box (GTK_WIDGET (edit),
                                                                         "Family name"))),
                     ==, family);
    g_assert_true (stipple_patient_editor_is_valid (edit));
    g_assert_cmpstr (gtk_string_object_get_string (gtk_drop_down_get_selected_item (
                       GTK_DROP_DOWN (find_shown (GTK_WIDGET (edit), GTK_ACCESSIBLE_ROLE_COMBO_BOX,
                                                  "Language of the patient copy")))),
                     ==, "Español");
    phone = find_text_box (GTK_WIDGET (edit), "Phone");
    set_text (phone, "+972 3 555 0199");
    g_signal_emit_by_name (find_shown (GTK_WIDGET (edit), GTK_ACCESSIBLE_ROLE_BUTTON, "Save"),
                           "clicked");
    while (edited_id == 0 && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
    g_assert_cmpint (edited_id, ==, id);
    again = stipple_store_get_patient (store, id, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (again->phone, ==, "+972 3 555 0199");
    g_assert_cmpstr (again->family_name, ==, family);
    g_assert_cmpstr (again->uid, ==, stored->uid);
    g_assert_cmpstr (again->language, ==, "es");
  }

  /* And the list finds the new patient by their right-to-left name. */
  {
    StipplePatientList *list = stipple_patient_list_new (store);
    GtkWidget *window = window_with (GTK_WIDGET (list));
    GtkWidget *search = find_shown (window, GTK_ACCESSIBLE_ROLE_SEARCH_BOX, "Search patients");

    gtk_editable_set_text (GTK_EDITABLE (search), "مريم");
    wait_for (window, GTK_ACCESSIBLE_ROLE_LIST_ITEM,
              "Nguyễn 👩🏽‍⚕️, مريم, UNI-٣٤٥ · born 31 December 1990");
    gtk_window_destroy (GTK_WINDOW (window));
  }
}

/* Not a test: the screens as the screenshots in docs/ show them, left on
 * screen until the program is stopped. */
static int
show_screen (const char *screen)
{
  GtkWidget *window = adw_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *panes = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  StipplePatientList *list = stipple_patient_list_new (store);
  StipplePatientPage *page = stipple_patient_page_new (store);
  g_autoptr(StipplePatient) quill = patient_by_record ("DEMO-0002");
  GtkWidget *search;

  gtk_window_set_title (GTK_WINDOW (window), "Stipple");
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 860);
  gtk_widget_set_size_request (GTK_WIDGET (list), 340, -1);
  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (panes), GTK_WIDGET (list));
  gtk_box_append (GTK_BOX (panes), gtk_separator_new (GTK_ORIENTATION_VERTICAL));
  gtk_widget_set_hexpand (GTK_WIDGET (page), TRUE);
  gtk_box_append (GTK_BOX (panes), GTK_WIDGET (page));
  gtk_widget_set_vexpand (panes, TRUE);
  gtk_box_append (GTK_BOX (box), panes);
  adw_window_set_content (ADW_WINDOW (window), box);
  gtk_window_maximize (GTK_WINDOW (window));
  gtk_window_present (GTK_WINDOW (window));
  stipple_test_wait_mapped (window);

  if (g_str_equal (screen, "page"))
    {
      /* A session left open, as the page marks it. */
      g_autoptr(StippleSession) open = stipple_session_new ();
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

      open->patient_id = quill->id;
      open->started_at = g_date_time_add_minutes (now, -20);
      open->clinician = g_strdup ("Dr Ines Moreau");
      stipple_session_add_pass (open, STIPPLE_ZONE_CHEEK_LEFT, 1250, 120);
      stipple_session_add_pass (open, STIPPLE_ZONE_CHEEK_RIGHT, 1250, 120);
      g_assert_true (stipple_store_save_session (store, open, NULL));
    }

  search = find_shown (window, GTK_ACCESSIBLE_ROLE_SEARCH_BOX, "Search patients");
  gtk_editable_set_text (GTK_EDITABLE (search), g_str_equal (screen, "list") ? "demo"
                                                : g_str_equal (screen, "no-match") ? "Zzyzx"
                                                : "quill");
  stipple_patient_page_load (page, quill->id);

  if (g_str_equal (screen, "page"))
    {
      GtkWidget *scrolled;

      wait_for (window, GTK_ACCESSIBLE_ROLE_LABEL, "Past Sessions");
      stipple_test_iterate (200);
      scrolled = gtk_widget_get_ancestor (find_shown (window, GTK_ACCESSIBLE_ROLE_LABEL,
                                                      "Past Sessions"),
                                          GTK_TYPE_SCROLLED_WINDOW);
      {
        GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (
          GTK_SCROLLED_WINDOW (scrolled));

        gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) -
                                  gtk_adjustment_get_page_size (adjustment));
      }
    }

  if (g_str_equal (screen, "editor"))
    {
      StipplePatientEditor *editor = stipple_patient_editor_new (store, NULL);

      gtk_window_set_transient_for (GTK_WINDOW (editor), GTK_WINDOW (window));
      gtk_window_present (GTK_WINDOW (editor));
      stipple_test_wait_mapped (GTK_WIDGET (editor));
      set_text (find_text_box (GTK_WIDGET (editor), "Family name"), "Okafor");
      set_text (find_text_box (GTK_WIDGET (editor), "Given name"), "Adaeze");
      set_text (find_text_box (GTK_WIDGET (editor), "Date of birth"), "9 March 1984");
      set_text (find_text_box (GTK_WIDGET (editor), "Record number"), "DEMO-0001");
      set_text (find_text_box (GTK_WIDGET (editor), "Email"), "adaeze.okafor@");
      gtk_drop_down_set_selected (GTK_DROP_DOWN (find_shown (GTK_WIDGET (editor),
                                                             GTK_ACCESSIBLE_ROLE_COMBO_BOX,
                                                             "Fitzpatrick skin type")), 5);
      set_text (find_text_box (GTK_WIDGET (editor), "Email"), "adaeze.okafor@example.org");
      g_signal_emit_by_name (find_shown (GTK_WIDGET (editor), GTK_ACCESSIBLE_ROLE_BUTTON,
                                         "Save"), "clicked");
    }
  else if (g_str_equal (screen, "summary"))
    {
      StippleSessionSummary *summary = NULL;

      while (stipple_patient_page_get_chart (page) == NULL)
        g_main_context_iteration (NULL, TRUE);
      summary = stipple_session_summary_new (stipple_patient_page_get_chart (page),
                                             ((StippleSession *) g_ptr_array_index (
                                               stipple_patient_page_get_chart (page)->sessions,
                                               0))->id);
      gtk_window_set_transient_for (GTK_WINDOW (summary), GTK_WINDOW (window));
      gtk_window_present (GTK_WINDOW (summary));
    }

  for (;;)
    g_main_context_iteration (NULL, TRUE);
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *path = NULL;
  const char *screen = g_getenv ("STIPPLE_PATIENTS_SCREEN");
  int status;

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      /* Not a skip: a UI test without a display has not tested anything. */
      g_printerr ("test-patients-ui needs a display; run it through ./build-aux/dev test\n");
      return 1;
    }

  gtk_test_init (&argc, &argv, NULL);
  /* No cursor blink: GTK warns when a blink comes due for a text that lost
   * the focus with its window, which windows of parallel tests on one
   * display can cause at any moment. */
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);
  adw_init ();

  tmp_dir = g_dir_make_tmp ("stipple-patients-ui-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (tmp_dir, "patients.stipple", NULL);
  store = stipple_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (stipple_store_fill_demo (store, now, &error));
  g_assert_no_error (error);

  if (screen != NULL)
    return show_screen (screen);

  g_test_add_func ("/stipple/patients/list-search", test_list_search);
  g_test_add_func ("/stipple/patients/page", test_page);
  g_test_add_func ("/stipple/patients/session-summary", test_session_summary);
  g_test_add_func ("/stipple/patients/editor-validation", test_editor_validation);
  g_test_add_func ("/stipple/patients/editor-store-error", test_editor_store_error);
  g_test_add_func ("/stipple/patients/editor-save-unicode", test_editor_save_unicode);

  status = g_test_run ();

  stipple_store_close (store);
  g_clear_object (&store);
  {
    /* The patient file, its journal and lock, and the folder. */
    g_autoptr(GDir) dir = g_dir_open (tmp_dir, 0, NULL);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *file = g_build_filename (tmp_dir, name, NULL);
        g_remove (file);
      }
    g_rmdir (tmp_dir);
  }
  g_free (tmp_dir);

  return status;
}
