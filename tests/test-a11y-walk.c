/* test-a11y-walk.c: every screen, as a screen reader reads it
 *
 * Stipple runs with GTK's AT-SPI backend on the test's own D-Bus session,
 * and on each screen (patient list, patient, editor, the set-up's steps,
 * treatment, the dialog that ends a session, summary, preferences) a
 * separate process, stipple-a11y-walk, reads the whole accessibility tree
 * over the bus as Orca would. The test fails on:
 *
 *  - a doubled name ("Back Back", "Unlock Unlock as root"): a widget both
 *    labelled by its own text and given the same name again; a name read
 *    with its mnemonic ("_Back");
 *  - a button, box, field, check box or row without a name of its own
 *    (none, or only GTK's class name such as "GtkSwitch");
 *  - a detail row whose name and description leave out the value it shows;
 *  - a text in the tree that is not on the screen: a hidden page (locked,
 *    error, the previous patient) read out as if it were there;
 *  - a walk that takes longer than a screen reader user would wait.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>
#include <locale.h>

#include "stipple-application.h"
#include "stipple-patient-editor.h"
#include "stipple-patient-list.h"
#include "stipple-patient-page.h"
#include "stipple-screening.h"
#include "stipple-session-summary.h"
#include "stipple-test-a11y.h"
#include "stipple-treatment-page.h"
#include "stipple-treatment.h"
#include "stipple-zones.h"

#define TEST_WAIT_SECONDS 20
#include "stipple-test-wait.h"

/* A screen reader user waits for a screen's tree, not minutes: each walk
 * asks every node for its role, name, description, states and actions.
 * A walk takes seconds here; the limit leaves room for a machine busy
 * with other work, and the test waits longer still, to report the time. */
#define WALK_SECONDS_MAX 60

/* How many times over the machine's cores are asked for, from the load
 * average: a walk is a conversation of thousands of messages between two
 * processes, and on a machine eight times over-subscribed it takes eight
 * times as long without anything being wrong with Stipple. */
static guint
busy_factor (void)
{
  g_autofree char *loadavg = NULL;
  double load;

  if (!g_file_get_contents ("/proc/loadavg", &loadavg, NULL, NULL))
    return 1;
  load = g_ascii_strtod (loadavg, NULL) / MAX (1, g_get_num_processors ());
  return (guint) CLAMP (load + 0.5, 1, 8);
}

static StippleApplication *app;
static GtkWindow *window;
static gboolean finished;
static GString *failures;

typedef struct
{
  guint  depth;
  char  *role;
  char  *name;
  char  *description;
  char  *states;
  int    n_actions;
} Node;

static void
node_free (Node *node)
{
  g_free (node->role);
  g_free (node->name);
  g_free (node->description);
  g_free (node->states);
  g_free (node);
}

/* ------------------------------------------------------------------------
 * What is on the screen, from inside
 * ------------------------------------------------------------------------ */

/* The texts of labels on the screen, and of labels not shown (on a page
 * of a stack that is not the visible one, in a row not expanded). */
static void
collect_texts (GtkWidget  *widget,
               GHashTable *shown,
               GHashTable *not_shown)
{
  if (!gtk_widget_get_visible (widget))
    return;
  if (GTK_IS_LABEL (widget))
    g_hash_table_add (gtk_widget_get_mapped (widget) ? shown : not_shown,
                      g_strdup (gtk_label_get_text (GTK_LABEL (widget))));

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_texts (child, shown, not_shown);
}

/* ------------------------------------------------------------------------
 * The walk, by another process over the accessibility bus
 * ------------------------------------------------------------------------ */

static void
walk_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  char **out = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, out, NULL, &error);
  g_assert_no_error (error);
  if (*out == NULL)
    *out = g_strdup ("");
}

static GPtrArray *
walk (guint *n_nodes,
      guint *msec,
      guint *limit_ms)
{
  const char *walker = g_getenv ("STIPPLE_A11Y_WALK");
  g_autofree char *pid = g_strdup_printf ("%d", (int) getpid ());
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) node_free);

  g_assert_nonnull (walker);
  *limit_ms = WALK_SECONDS_MAX * 1000 * busy_factor ();
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, walker, pid, NULL);
  g_assert_no_error (error);
  /* The main loop goes on meanwhile: it is what answers the walker. */
  g_subprocess_communicate_utf8_async (process, NULL, NULL, walk_done_cb, &out);
  WAIT_FOR_SECONDS (*limit_ms / 1000 + 60, out != NULL);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);

  lines = g_strsplit (out, "\n", -1);
  *n_nodes = 0;
  *msec = G_MAXUINT;
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], "\t", -1);
      Node *node;

      if (g_str_has_prefix (lines[i], "walk: "))
        {
          g_assert_cmpint (sscanf (lines[i], "walk: %u nodes, %u ms", n_nodes, msec), ==, 2);
          continue;
        }
      if (g_strv_length (fields) != 6)
        continue;
      node = g_new0 (Node, 1);
      node->depth = (guint) g_ascii_strtoull (fields[0], NULL, 10);
      node->role = g_strdup (fields[1]);
      node->name = g_strdup (fields[2]);
      node->description = g_strdup (fields[3]);
      node->states = g_strdup (fields[4]);
      node->n_actions = (int) g_ascii_strtoll (fields[5], NULL, 10);
      g_ptr_array_add (nodes, node);
    }
  g_assert_cmpuint (*msec, !=, G_MAXUINT);

  return nodes;
}

/* ------------------------------------------------------------------------
 * The rules
 * ------------------------------------------------------------------------ */

/* "Back Back", "Forehead Forehead", "Unlock Unlock as root": the name
 * starts with some words said twice. */
static gboolean
is_doubled (const char *name)
{
  g_auto(GStrv) words = g_strsplit (name, " ", -1);
  guint n = g_strv_length (words);

  for (guint len = 1; 2 * len <= n; len++)
    {
      gboolean same = TRUE;

      for (guint i = 0; i < len && same; i++)
        same = g_str_equal (words[i], words[len + i]);
      if (same)
        return TRUE;
    }

  return FALSE;
}

/* "_Back": a mnemonic read out as written. */
static gboolean
has_mnemonic (const char *name)
{
  for (const char *p = strchr (name, '_'); p != NULL; p = strchr (p + 1, '_'))
    if ((p == name || p[-1] == ' ') && g_ascii_isalpha (p[1]))
      return TRUE;
  return FALSE;
}

static gboolean
is_interactive (const Node *node)
{
  static const char *roles[] = {
    "push button", "toggle button", "check box", "radio button", "entry", "text",
    "password text", "spin button", "combo box", "slider", "list item", "menu item",
    "link", "switch",
  };

  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    if (g_str_equal (node->role, roles[i]))
      return TRUE;
  return FALSE;
}

/* GTK 4.8 names a widget that has no name by its class. */
static gboolean
is_unnamed (const char *name)
{
  return *name == '\0' ||
         ((g_str_has_prefix (name, "Gtk") || g_str_has_prefix (name, "Adw") ||
           g_str_has_prefix (name, "Stipple")) &&
          strchr (name, ' ') == NULL && g_ascii_isupper (name[3]));
}

static void
fail (const char *screen,
      const char *format,
      ...) G_GNUC_PRINTF (2, 3);

static void
fail (const char *screen,
      const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_string_append_printf (failures, "%s: %s\n", screen, message);
}

/* Whether the labels below the row at @index (up to the next node no
 * deeper than the row) are said by its name or description; labels inside
 * its own controls are theirs, not the row's. */
static gboolean
has_words (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_isalnum (g_utf8_get_char (p)))
      return TRUE;
  return FALSE;
}

/* Counts that go up while the tree is read (strokes, with the needle
 * running) are compared as counts: "634 strokes" and "641 strokes" are
 * the same words. */
static char *
without_numbers (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      g_string_append_c (out, *p);
    else if (out->len == 0 || out->str[out->len - 1] != '#')
      g_string_append_c (out, '#');

  return g_string_free (out, FALSE);
}

/* A detail row, one with no control of its own, says what it shows. */
static void
check_row (const char *screen,
           GPtrArray  *nodes,
           guint       index)
{
  const Node *row = g_ptr_array_index (nodes, index);
  guint end;

  for (end = index + 1; end < nodes->len; end++)
    {
      const Node *node = g_ptr_array_index (nodes, end);

      if (node->depth <= row->depth)
        break;
      if (is_interactive (node))
        return;
    }

  for (guint i = index + 1; i < end; i++)
    {
      const Node *node = g_ptr_array_index (nodes, i);

      if (!g_str_equal (node->role, "label") || is_unnamed (node->name) || !has_words (node->name))
        continue;
      g_autofree char *name = without_numbers (row->name);
      g_autofree char *description = without_numbers (row->description);
      g_autofree char *text = without_numbers (node->name);

      if (strstr (name, text) == NULL && strstr (description, text) == NULL)
        fail (screen, "the row “%s” does not say “%s”", row->name, node->name);
    }
}

/* What a nameless node holds, to say which one it is. */
static const char *
first_text_below (GPtrArray *nodes,
                  guint      index)
{
  const Node *parent = g_ptr_array_index (nodes, index);

  for (guint i = index + 1; i < nodes->len; i++)
    {
      const Node *node = g_ptr_array_index (nodes, i);

      if (node->depth <= parent->depth)
        break;
      if (!is_unnamed (node->name))
        return node->name;
    }
  return "";
}

static void
check_screen (const char *screen)
{
  g_autoptr(GHashTable) shown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) not_shown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GList) toplevels = NULL;
  g_autoptr(GPtrArray) nodes = NULL;
  guint n_nodes = 0, msec = 0, limit_ms = 0;
  gsize failures_before = failures->len;

  /* Let the screen settle: pages that slide in, rows that fill. */
  stipple_test_iterate (500);
  toplevels = gtk_window_list_toplevels ();
  for (GList *l = toplevels; l != NULL; l = l->next)
    if (gtk_widget_get_mapped (l->data))
      collect_texts (l->data, shown, not_shown);

  nodes = walk (&n_nodes, &msec, &limit_ms);
  g_test_message ("%s: %u nodes walked in %u ms (allowed %u ms)", screen, n_nodes, msec,
                  limit_ms * test_slowdown ());
  g_assert_cmpuint (nodes->len, ==, n_nodes);
  g_assert_cmpuint (n_nodes, >, 10);
  if (msec > limit_ms * test_slowdown ())
    fail (screen, "walking the tree took %u ms", msec);

  for (guint i = 0; i < nodes->len; i++)
    {
      const Node *node = g_ptr_array_index (nodes, i);

      if (is_doubled (node->name))
        fail (screen, "%s named “%s”", node->role, node->name);
      if (has_mnemonic (node->name))
        fail (screen, "%s named “%s”, its mnemonic and all", node->role, node->name);
      if (is_interactive (node) && is_unnamed (node->name))
        fail (screen, "a %s without a name (“%s”, described “%s”, holding “%s”)", node->role,
              node->name, node->description, first_text_below (nodes, i));
      if (g_str_equal (node->role, "list item") && !is_unnamed (node->name))
        check_row (screen, nodes, i);
      if (g_str_equal (node->role, "label") && !is_unnamed (node->name) &&
          g_hash_table_contains (not_shown, node->name) && !g_hash_table_contains (shown, node->name))
        fail (screen, "“%s” is read out but not on the screen", node->name);
    }

  if (failures->len > failures_before)
    g_test_message ("%s", failures->str + failures_before);
}

/* ------------------------------------------------------------------------
 * Going from screen to screen
 * ------------------------------------------------------------------------ */

static gint64
demo_patient_id (StippleStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = stipple_store_search_patients (store, "DEMO-0001", 1, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  return ((const StipplePatient *) g_ptr_array_index (found, 0))->id;
}

static void
run (void)
{
  StippleStore *store;
  GtkWidget *list, *page, *dialog;
  gint64 patient_id;
  const StippleScreeningItem *items;
  guint n_items;

  WAIT_FOR ((window = gtk_application_get_active_window (GTK_APPLICATION (app))) != NULL);
  WAIT_FOR ((store = stipple_application_get_store (app)) != NULL);
  WAIT_FOR (stipple_pen_get_connected (stipple_application_get_pen (app)));
  stipple_test_wait_mapped (GTK_WIDGET (window));
  check_screen ("patient list");

  patient_id = demo_patient_id (store);
  WAIT_FOR ((list = stipple_test_find_of_type (GTK_WIDGET (window), STIPPLE_TYPE_PATIENT_LIST)) != NULL);
  g_signal_emit_by_name (list, "patient-activated", patient_id);
  WAIT_FOR (stipple_test_find_anywhere (GTK_ACCESSIBLE_ROLE_BUTTON, _("Start Session")) != NULL);
  check_screen ("patient");

  /* The editor, a window of its own. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.new-patient", NULL);
  WAIT_FOR ((dialog = (GtkWidget *) stipple_test_find_window (STIPPLE_TYPE_PATIENT_EDITOR)) !=
            NULL);
  check_screen ("patient editor");
  gtk_window_destroy (GTK_WINDOW (dialog));

  stipple_test_press (_("Start Session"));
  {
    GtkWidget *name = NULL;

    WAIT_FOR ((name = stipple_test_find_entry_row (GTK_WIDGET (window), _("Clinician’s Name"))) != NULL);
    gtk_editable_set_text (GTK_EDITABLE (name), "Dr Ines Moreau");
  }
  check_screen ("set-up: clinician");
  stipple_test_press (_("Next"));
  items = stipple_screening_get_items (&n_items);
  for (guint i = 0; i < n_items; i++)
    {
      g_autofree char *label = g_strdup_printf (_("%s: No"), stipple_screening_get_question (&items[i]));
      stipple_test_toggle (label);
    }
  check_screen ("set-up: screening");
  stipple_test_press (_("Next"));
  stipple_test_toggle (_("The patient consents to the treatment"));
  check_screen ("set-up: consent");
  stipple_test_press (_("Next"));
  check_screen ("set-up: anaesthetic and serums");
  stipple_test_press (_("Begin Treatment"));

  WAIT_FOR ((page = stipple_test_find_of_type (GTK_WIDGET (window), STIPPLE_TYPE_TREATMENT_PAGE)) != NULL &&
            gtk_widget_get_mapped (page));
  check_screen ("treatment");

  /* With the needle running, the graphs and figures change many times a
   * second: the tree must still be read in a screen reader's time. */
  {
    GtkWidget *row = NULL;
    StippleTreatment *treatment = stipple_treatment_page_get_treatment (STIPPLE_TREATMENT_PAGE (page));

    WAIT_FOR ((row = stipple_test_find_anywhere (GTK_ACCESSIBLE_ROLE_ROW,
                                                 stipple_zone_get_name (STIPPLE_ZONE_CHEEK_LEFT))) != NULL ||
              (row = stipple_test_find_anywhere (GTK_ACCESSIBLE_ROLE_LIST_ITEM,
                                                 stipple_zone_get_name (STIPPLE_ZONE_CHEEK_LEFT))) != NULL);
    g_signal_emit_by_name (gtk_widget_get_ancestor (row, GTK_TYPE_LIST_BOX), "row-activated", row);
    WAIT_FOR (stipple_treatment_get_zone (treatment) == STIPPLE_ZONE_CHEEK_LEFT);
    stipple_test_press (_("Apply and Send to Pen"));
    WAIT_FOR (stipple_treatment_get_verification (treatment) == STIPPLE_VERIFICATION_VERIFIED);
    stipple_test_press (_("Start Needle"));
    WAIT_FOR (stipple_treatment_get_armed (treatment));
    check_screen ("treatment, needle running");
    /* A machine too busy to answer the window for a second has had the
     * needle stopped already (the window's watchdog); otherwise, stop it. */
    if (stipple_treatment_get_armed (treatment))
      stipple_test_press (_("Stop Needle"));
    WAIT_FOR (!stipple_treatment_get_armed (treatment));
  }

  stipple_test_press (_("End Session"));
  WAIT_FOR ((dialog = (GtkWidget *) stipple_test_find_window (ADW_TYPE_MESSAGE_DIALOG)) != NULL);
  check_screen ("end the session");
  /* Answered as a click answers it: the dialog goes. */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "end");
  gtk_window_close (GTK_WINDOW (dialog));
  WAIT_FOR ((dialog = (GtkWidget *) stipple_test_find_window (ADW_TYPE_MESSAGE_DIALOG)) != NULL);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_close (GTK_WINDOW (dialog));

  /* The session just ended, read back in its summary. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(StipplePatientChart) chart = stipple_store_load_chart (store, patient_id, &error);
    const StippleSession *last = NULL;
    GtkWidget *patient_page = stipple_test_find_of_type (GTK_WIDGET (window), STIPPLE_TYPE_PATIENT_PAGE);

    g_assert_no_error (error);
    for (guint i = 0; i < chart->sessions->len; i++)
      {
        const StippleSession *s = g_ptr_array_index (chart->sessions, i);

        if (g_strcmp0 (s->clinician, "Dr Ines Moreau") == 0)
          last = s;
      }
    g_assert_nonnull (last);
    g_assert_nonnull (patient_page);
    /* Back on the patient's page, once it has read the ended session. */
    WAIT_FOR (stipple_patient_page_get_chart (STIPPLE_PATIENT_PAGE (patient_page)) != NULL &&
              stipple_patient_page_get_chart (STIPPLE_PATIENT_PAGE (patient_page))->sessions->len ==
              chart->sessions->len);
    g_signal_emit_by_name (patient_page, "session-activated", last->id);
    WAIT_FOR ((dialog = (GtkWidget *) stipple_test_find_window (STIPPLE_TYPE_SESSION_SUMMARY)) !=
              NULL &&
              stipple_session_summary_get_replay_loaded (STIPPLE_SESSION_SUMMARY (dialog)));
    check_screen ("session summary");
    gtk_window_destroy (GTK_WINDOW (dialog));
  }

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  WAIT_FOR ((dialog = (GtkWidget *) stipple_test_find_window (ADW_TYPE_PREFERENCES_WINDOW)) !=
            NULL);
  check_screen ("preferences");
  gtk_window_destroy (GTK_WINDOW (dialog));

  finished = TRUE;
}

static void
test_walk (void)
{
  g_autofree char *dir = g_dir_make_tmp ("stipple-a11y-XXXXXX", NULL);
  g_autofree char *database = g_build_filename (dir, "demo.stipple", NULL);
  const char *argv[] = { "stipple", "--simulate", "--demo", "--database", database, NULL };

  failures = g_string_new (NULL);
  app = stipple_application_new ();
  stipple_test_run_app (G_APPLICATION (app), argv, run);
  g_assert_true (finished);
  g_clear_object (&app);

  if (failures->len > 0)
    g_error ("What a screen reader would read wrongly:\n%s", failures->str);
  g_string_free (failures, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  if (g_getenv ("DISPLAY") == NULL || g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    {
      g_printerr ("test-a11y-walk needs a display and a D-Bus session; run it through ./build-aux/dev test\n");
      return 1;
    }
  if (g_strcmp0 (g_getenv ("GTK_A11Y"), "atspi") != 0)
    {
      g_printerr ("test-a11y-walk reads the tree over AT-SPI: run it with GTK_A11Y=atspi\n");
      return 1;
    }

  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("STIPPLE_LOCALEDIR"));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  /* Not gtk_test_init(): the tree is GTK's real one, on the bus. */
  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);
  setlocale (LC_ALL, "");

  g_test_add_func ("/stipple/a11y/walk", test_walk);

  return g_test_run ();
}
