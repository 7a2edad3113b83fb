/* test-real-input-backup.c: a clinic's backups, used with a real mouse
 * and keyboard
 *
 * The patient file is damaged after a session that came after its last
 * backup. Stipple opens on the damaged-file page, which lists the
 * backups; a click restores one, after a dialog that names the session
 * the restore sets aside. The copy off this computer fails while its
 * drive is out, the main screen says so, and a click on "Copy Now" with
 * the drive back writes a copy that verifies. A patient exported by
 * another clinic's Stipple is imported through the file chooser, typed
 * and clicked as a person would; then the copy off the computer, taken
 * before the import, is restored from the preferences. Every click and key goes through the X
 * server (XTest).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "stipple-application.h"
#include "stipple-preferences-window.h"
#include "stipple-store-backup.h"
#include "stipple-test-a11y.h"
#include "stipple-test-ui.h"
#include "stipple-test-xinput.h"
#include "test-store-util.h"

#define TEST_WAIT_SECONDS 20
#define TEST_WAIT_ON_TIMEOUT stipple_xinput_save_failure_screenshot
#include "stipple-test-wait.h"

static StippleApplication *app;
static gboolean finished;
static char *dir;
static char *database;
static char *usb;
static char *exported;
static char *exported_ada;

/* With STIPPLE_SCREENSHOT_DIR set, the screen as it is now. */
static GtkWindow *
main_window (void)
{
  return gtk_application_get_active_window (GTK_APPLICATION (app));
}

/* Clicks @label in @root until @done holds, as a person clicks again on
 * a button of a window that had only just appeared. */
#define CLICK_UNTIL(root, label, done) \
  G_STMT_START { \
    gboolean _done = FALSE; \
    for (guint _attempt = 0; _attempt < 3 && !_done; _attempt++) \
      { \
        GtkWidget *_button = NULL; \
        WAIT_FOR ((done) || (_button = stipple_test_find_button ((root), (label), TRUE)) != NULL); \
        if (_button != NULL) \
          stipple_xinput_click (_button); \
        _done = ITERATE_UNTIL_SECONDS (3, (done)); \
      } \
    WAIT_FOR (done); \
  } G_STMT_END

static gboolean
dialog_gone (const char *heading)
{
  return stipple_test_ui_find_dialog (heading) == NULL;
}

static guint
count_copies (void)
{
  g_autoptr(GDir) d = g_dir_open (usb, 0, NULL);
  const char *name;
  guint n = 0;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (name, "offsite-") && g_str_has_suffix (name, ".stipple"))
      n++;
  return n;
}

/* Opens @path through the main menu's Import Patient… and the file
 * chooser, typed and entered as a person would; returns the preview. */
static AdwMessageDialog *
import_through_chooser (const char *path,
                        const char *heading)
{
  GtkWidget *menu_button = stipple_test_find_of_type (GTK_WIDGET (main_window ()),
                                                      GTK_TYPE_MENU_BUTTON);
  GtkWindow *chooser = NULL;
  GtkWidget *popover;
  GtkWidget *item = NULL;

  stipple_xinput_click (menu_button);
  popover = GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (menu_button)));
  WAIT_FOR (gtk_widget_get_mapped (popover) &&
            (item = stipple_test_find_label (popover, "Import Patient…")) != NULL &&
            gtk_widget_get_mapped (item));
  /* The first item of the menu has the focus when it opens. */
  stipple_xinput_key (main_window (), "Return");
  chooser = stipple_test_ui_wait_for_window (GTK_TYPE_FILE_CHOOSER_DIALOG, NULL);
  stipple_test_ui_open_in_chooser (chooser, path);
  return stipple_test_ui_wait_for_dialog (heading);
}

static void
run (void)
{
  AdwMessageDialog *dialog;
  GtkWidget *banner = NULL;
  GtkLabel *banner_label;

  /* The damaged file: its page lists the backup, which verifies. */
  WAIT_FOR (main_window () != NULL &&
            stipple_test_find_button (GTK_WIDGET (main_window ()), "Restore…", TRUE) != NULL);
  g_assert_nonnull (stipple_test_find_label (GTK_WIDGET (main_window ()),
                                             "Verifies: the record is whole"));
  stipple_test_screenshot ("backup-damaged-file.png");
  stipple_xinput_click_button (GTK_WIDGET (main_window ()), "Restore…");

  /* Before anything is replaced: what the restore sets aside. */
  dialog = stipple_test_ui_wait_for_dialog ("Restore This Backup?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog),
                            "The session of Bruno Castellane (record number 2001)"));
  stipple_test_screenshot ("backup-restore.png");
  CLICK_UNTIL (GTK_WIDGET (dialog), "_Restore", dialog_gone ("Restore This Backup?"));

  dialog = stipple_test_ui_wait_for_dialog ("Backup Restored");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "kept, whole, as"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "Bruno Castellane"));
  CLICK_UNTIL (GTK_WIDGET (dialog), "_Close", dialog_gone ("Backup Restored"));
  WAIT_FOR (stipple_application_get_store (app) != NULL);
  {
    g_autofree char *n = test_sql (database, "SELECT count(*) FROM patient", NULL);
    g_assert_cmpstr (n, ==, "1");
  }

  /* The drive is out: the copy on opening fails, and the screen says so. */
  WAIT_FOR ((banner = stipple_test_find_named (GTK_WIDGET (main_window ()), "offsite-banner")) !=
            NULL &&
            gtk_widget_get_mapped (banner));
  banner_label = GTK_LABEL (gtk_widget_get_first_child (banner));
  g_assert_nonnull (strstr (gtk_label_get_text (banner_label), "failed"));
  stipple_test_screenshot ("backup-offsite-failed.png");
  g_assert_cmpuint (count_copies (), ==, 0);

  /* Back in: one click writes a copy, and the bar goes. */
  g_assert_cmpint (g_mkdir (usb, 0700), ==, 0);
  CLICK_UNTIL (banner, "_Copy Now", !gtk_widget_get_visible (banner) && count_copies () == 1);
  {
    g_autoptr(GDir) d = g_dir_open (usb, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (d)) != NULL)
      if (g_str_has_suffix (name, ".stipple"))
        {
          g_autofree char *path = g_build_filename (usb, name, NULL);
          g_autoptr(StippleBackupInfo) info = stipple_store_describe_backup (path, NULL);

          g_assert_true (info->verified);
          g_assert_cmpint (info->n_patients, ==, 1);
        }
  }

  /* Import: the menu, the file chooser, the preview, the import. */
  dialog = import_through_chooser (exported, "Import From “Okafor.stipple”?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog),
                            "Importing would add 1 new patient and 1 session"));
  g_assert_null (adw_message_dialog_get_extra_child (dialog));
  stipple_test_screenshot ("backup-import.png");
  CLICK_UNTIL (GTK_WIDGET (dialog), "_Import", dialog_gone ("Import From “Okafor.stipple”?"));
  dialog = stipple_test_ui_wait_for_dialog ("Patient Imported");
  CLICK_UNTIL (GTK_WIDGET (dialog), "_Close", dialog_gone ("Patient Imported"));
  {
    g_autofree char *n = test_sql (database, "SELECT count(*) FROM patient", NULL);
    g_assert_cmpstr (n, ==, "2");
  }

  /* Ada, who is here, comes back from the other clinic with a phone
   * number: the preview shows what differs, and the box ticked takes it. */
  dialog = import_through_chooser (exported_ada, "Import From “Brightwater.stipple”?");
  {
    GtkWidget *choices = adw_message_dialog_get_extra_child (dialog);
    GtkWidget *take = NULL;

    g_assert_nonnull (choices);
    g_assert_nonnull (stipple_test_find_label (choices, "Phone: here —; imported 0171 555 0199"));
    WAIT_FOR ((take = stipple_test_find_accessible (choices, GTK_ACCESSIBLE_ROLE_CHECKBOX,
                                                    "Take the imported details of Ada "
                                                    "Brightwater")) != NULL &&
              gtk_widget_get_mapped (take));
    stipple_test_screenshot ("backup-import-details.png");
    stipple_xinput_click (take);
    WAIT_FOR (gtk_check_button_get_active (GTK_CHECK_BUTTON (take)));
  }
  CLICK_UNTIL (GTK_WIDGET (dialog), "_Import", dialog_gone ("Import From “Brightwater.stipple”?"));
  dialog = stipple_test_ui_wait_for_dialog ("Patient Imported");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog),
                            "The details of Ada Brightwater were taken from the imported file."));
  CLICK_UNTIL (GTK_WIDGET (dialog), "_Close", dialog_gone ("Patient Imported"));
  {
    g_autofree char *phone = test_sql (database, "SELECT phone FROM patient"
                                                 " WHERE record_number = '1042'", NULL);
    g_autofree char *detail = test_sql (database, "SELECT detail FROM audit WHERE kind = 'import'"
                                                  " ORDER BY id DESC LIMIT 1", NULL);

    g_assert_cmpstr (phone, ==, "0171 555 0199");
    g_assert_nonnull (strstr (detail, "file=Brightwater.stipple "));
    g_assert_nonnull (strstr (detail, " details_taken=1 details_kept=0"));
  }

  /* The copy off this computer is restored from the preferences, as a
   * clinic whose disk failed would: it lists the copy, verified where it
   * is, and the restore names the imported patient it sets aside. The
   * window and its page are opened by their actions; the clicks are the
   * mouse's. */
  {
    GtkWindow *preferences = NULL;
    GtkWidget *page, *list = NULL;

    g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
    WAIT_FOR ((preferences = stipple_test_find_window (STIPPLE_TYPE_PREFERENCES_WINDOW)) != NULL);
    page = stipple_test_find_named (GTK_WIDGET (preferences), "backups-page");
    adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (preferences),
                                             ADW_PREFERENCES_PAGE (page));
    WAIT_FOR ((list = stipple_test_find_named (page, "off-machine-copy-list")) != NULL &&
              stipple_test_find_button (list, "Restore…", TRUE) != NULL);
    g_assert_nonnull (stipple_test_find_label (list, "Verifies: the record is whole"));
    stipple_test_screenshot ("backup-off-machine-copies.png");

    /* How long the needle data is kept at full rate, chosen with the
     * mouse: the row opens its list, "1 Year" is clicked. */
    {
      GSettings *settings = stipple_application_get_settings (app);
      GtkWidget *row = stipple_test_find_named (page, "needle-full-rate");
      GtkWidget *year = NULL;

      g_assert_nonnull (row);
      g_assert_cmpuint (g_settings_get_uint (settings, "needle-full-rate-months"), ==, 0);
      stipple_xinput_click (row);
      WAIT_FOR ((year = stipple_test_find_label (row, "1 Year")) != NULL &&
                gtk_widget_get_mapped (year));
      stipple_test_screenshot ("backup-needle-data.png");
      stipple_xinput_click (year);
      WAIT_FOR (g_settings_get_uint (settings, "needle-full-rate-months") == 12);
      WAIT_FOR (!gtk_widget_get_mapped (year));
      stipple_test_screenshot ("backup-needle-data-chosen.png");
    }
    stipple_xinput_click_button (list, "Restore…");

    dialog = stipple_test_ui_wait_for_dialog ("Restore This Backup?");
    g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "Chidi Okafor"));
    CLICK_UNTIL (GTK_WIDGET (dialog), "_Restore", dialog_gone ("Restore This Backup?"));
    dialog = stipple_test_ui_wait_for_dialog ("Backup Restored");
    CLICK_UNTIL (GTK_WIDGET (dialog), "_Close", dialog_gone ("Backup Restored"));
    WAIT_FOR (stipple_application_get_store (app) != NULL);
    {
      g_autofree char *n = test_sql (database, "SELECT count(*) FROM patient", NULL);
      g_assert_cmpstr (n, ==, "1");
    }
    /* The restore reopened the patient file: the windows on the old one,
     * the preferences among them, were closed. */
    g_assert_null (stipple_test_find_window (STIPPLE_TYPE_PREFERENCES_WINDOW));
  }

  finished = TRUE;
}

static void
prepare_files (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = NULL;
  g_autofree char *other_path = g_build_filename (dir, "other-clinic.stipple", NULL);
  g_autofree char *backup = NULL;

  store = stipple_store_open (database, &error);
  g_assert_no_error (error);
  test_add_patient_session (store, "1042", "Ada", "Brightwater", 0);
  backup = stipple_store_backup (store, &error);
  g_assert_no_error (error);
  test_add_patient_session (store, "2001", "Bruno", "Castellane", 0);
  stipple_store_close (store);
  test_damage_index (database, "session_patient");

  test_export_from_other_clinic (other_path, "3003", "Chidi", "Okafor", 0, exported);
  /* Ada as the other clinic has her: the same person, with a phone. */
  {
    g_autofree char *ada_path = g_build_filename (dir, "ada-clinic.stipple", NULL);
    int rc = SQLITE_ERROR;

    test_export_from_other_clinic (ada_path, "1042", "Ada", "Brightwater", 0, exported_ada);
    g_free (test_sql (exported_ada, "UPDATE patient SET phone = '0171 555 0199'", &rc));
    g_assert_cmpint (rc, ==, SQLITE_OK);
  }
}

static void
test_backups (void)
{
  const char *argv[] = { "stipple", "--simulate", "--database", NULL, NULL };
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);

  dir = g_dir_make_tmp ("stipple-real-backup-XXXXXX", NULL);
  database = g_build_filename (dir, "patients.stipple", NULL);
  usb = g_build_filename (dir, "usb-drive", NULL);
  exported = g_build_filename (dir, "Okafor.stipple", NULL);
  exported_ada = g_build_filename (dir, "Brightwater.stipple", NULL);
  prepare_files ();
  argv[3] = database;
  /* The clinic chose a folder on a drive that is not plugged in now. */
  g_settings_set_string (settings, "offsite-folder", usb);

  app = stipple_application_new ();
  stipple_test_run_app (G_APPLICATION (app), argv, run);
  g_assert_true (finished);
  g_clear_object (&app);
  test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  stipple_test_ui_init (&argc, &argv);
  stipple_test_ui_set_wait (TEST_WAIT_SECONDS, stipple_xinput_save_failure_screenshot);

  g_test_add_func ("/stipple/real-input/backups", test_backups);

  return g_test_run ();
}
