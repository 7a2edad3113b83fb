/* test-i18n.c: translation catalogues read without gettext, and a
 * language pushed on one thread only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <libintl.h>
#include <locale.h>

#include "stipple-i18n.h"

static StippleCatalogue *
load (const char *code)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (g_getenv ("STIPPLE_LOCALEDIR"), code, "LC_MESSAGES",
                                            GETTEXT_PACKAGE ".mo", NULL);
  StippleCatalogue *catalogue = stipple_catalogue_new_from_file (path, &error);

  g_assert_no_error (error);
  return catalogue;
}

/* The languages offered for a patient are English and po/LINGUAS. */
static void
test_languages_match_linguas (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "po", "LINGUAS", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GPtrArray) linguas = g_ptr_array_new ();
  const StippleLanguage *languages;
  guint n;

  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_strstrip (lines[i]);
      if (*lines[i] != '\0' && *lines[i] != '#')
        g_ptr_array_add (linguas, lines[i]);
    }

  languages = stipple_i18n_get_languages (&n);
  g_assert_cmpstr (languages[0].code, ==, "en");
  g_assert_cmpuint (n, ==, linguas->len + 1);
  for (guint i = 0; i < linguas->len; i++)
    g_assert_nonnull (stipple_i18n_lookup_language (linguas->pdata[i]));

  g_assert_cmpstr (stipple_i18n_lookup_language ("es_MX.UTF-8")->code, ==, "es");
  g_assert_null (stipple_i18n_lookup_language ("est"));
  g_assert_null (stipple_i18n_lookup_language ("it"));
}

static void
test_catalogue (void)
{
  g_autoptr(StippleCatalogue) fr = load ("fr");
  g_autoptr(StippleCatalogue) de = load ("de");
  g_autoptr(StippleCatalogue) en = stipple_catalogue_new_identity ();

  g_assert_cmpuint (stipple_catalogue_get_n_messages (fr), >, 300);
  g_assert_cmpstr (stipple_catalogue_gettext (fr, "Aftercare"), ==, "Soins post-traitement");
  g_assert_cmpstr (stipple_catalogue_gettext (fr, "not a message of Stipple"), ==,
                   "not a message of Stipple");
  g_assert_cmpstr (stipple_catalogue_gettext (en, "Aftercare"), ==, "Aftercare");
  /* Contexts keep one English word apart from another. */
  g_assert_cmpstr (stipple_catalogue_pgettext (de, "patient's right", "R"), ==, "R");
  g_assert_cmpstr (stipple_catalogue_pgettext (de, "no such context", "R"), ==, "R");
  /* French counts 0 as singular (plural=n > 1), German does not. */
  g_assert_true (g_str_has_suffix (stipple_catalogue_ngettext (fr, "%u question answered no",
                                                               "%u questions answered no", 0),
                                   "à %u question"));
  g_assert_true (g_str_has_suffix (stipple_catalogue_ngettext (fr, "%u question answered no",
                                                               "%u questions answered no", 2),
                                   "à %u questions"));
  g_assert_true (g_str_has_suffix (stipple_catalogue_ngettext (de, "%u question answered no",
                                                               "%u questions answered no", 0),
                                   stipple_catalogue_ngettext (de, "%u question answered no",
                                                               "%u questions answered no", 5)));
  g_assert_cmpstr (stipple_catalogue_ngettext (en, "%u sample", "%u samples", 1), ==, "%u sample");
  g_assert_cmpstr (stipple_catalogue_ngettext (en, "%u sample", "%u samples", 0), ==, "%u samples");
}

static void
test_catalogue_invalid (void)
{
  g_autofree char *dir = g_dir_make_tmp ("stipple-i18n-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "bad.mo", NULL);
  g_autoptr(GError) error = NULL;
  /* The magic number, then a table said to lie far past the file's end. */
  const guint8 bad[] = { 0xde, 0x12, 0x04, 0x95, 0, 0, 0, 0, 9, 0, 0, 0, 0xff, 0xff, 0, 0,
                         0xff, 0xff, 0xff, 0, 0, 0, 0, 0 };

  g_assert_null (stipple_catalogue_new_from_file (path, &error));
  g_assert_error (error, STIPPLE_I18N_ERROR, STIPPLE_I18N_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (path, (const char *) bad, sizeof bad, NULL));
  g_assert_null (stipple_catalogue_new_from_file (path, &error));
  g_assert_error (error, STIPPLE_I18N_ERROR, STIPPLE_I18N_ERROR_INVALID);
  g_unlink (path);
  g_rmdir (dir);
}

/* Pushed on one thread, a language leaves every other thread alone. */
static gpointer
other_thread (gpointer data)
{
  return g_strdup_printf ("%s %.1f", stipple_gettext ("Aftercare"), 0.5);
}

static void
test_push_is_per_thread (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *other = NULL;
  g_autofree char *here = NULL;

  g_assert_cmpstr (stipple_i18n_get_current_language (), ==, "en");
  g_assert_true (stipple_i18n_push_language ("de", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (stipple_i18n_get_current_language (), ==, "de");
  here = g_strdup_printf ("%s %.1f", stipple_gettext ("Aftercare"), 0.5);
  g_assert_cmpstr (here, ==, "Nachsorge 0,5");
  g_assert_cmpstr (stipple_gettext ("Left cheek"), ==, "Linke Wange");
  other = g_thread_join (g_thread_new ("other", other_thread, NULL));
  g_assert_cmpstr (other, ==, "Aftercare 0.5");
  stipple_i18n_pop_language ();

  g_clear_pointer (&here, g_free);
  here = g_strdup_printf ("%s %.1f", stipple_gettext ("Aftercare"), 0.5);
  g_assert_cmpstr (here, ==, "Aftercare 0.5");

  g_assert_false (stipple_i18n_push_language ("it", &error));
  g_assert_error (error, STIPPLE_I18N_ERROR, STIPPLE_I18N_ERROR_NOT_FOUND);
  g_assert_cmpstr (stipple_i18n_get_current_language (), ==, "en");
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("STIPPLE_LOCALEDIR"));
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stipple/i18n/languages-match-linguas", test_languages_match_linguas);
  g_test_add_func ("/stipple/i18n/catalogue", test_catalogue);
  g_test_add_func ("/stipple/i18n/catalogue-invalid", test_catalogue_invalid);
  g_test_add_func ("/stipple/i18n/push-is-per-thread", test_push_is_per_thread);

  return g_test_run ();
}
