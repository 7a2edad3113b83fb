/* stipple-i18n.c
 *
 * Writing in a language other than the interface's, on one thread, without
 * touching the process: setlocale() and the LANGUAGE variable are shared
 * by every thread and may not change while the application runs. A thread
 * that pushes a language gets that language's catalogue (read straight
 * from its .mo file, see stipple-catalogue.c) for messages, and a
 * thread-local locale (uselocale(), POSIX 2008) for the month names and
 * the decimal separator; every other thread is left as it was.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-i18n"

#include "config.h"

#include <libintl.h>
#include <locale.h>
#include <string.h>

#include "stipple-i18n.h"

/* Here, the real one. */
#undef g_dngettext

/* English and po/LINGUAS; test-i18n checks that they agree. */
static const StippleLanguage languages[] = {
  { "en", "English" },
  { "de", "Deutsch" },
  { "es", "Español" },
  { "fr", "Français" },
};

typedef struct _LanguageScope LanguageScope;

struct _LanguageScope
{
  LanguageScope    *outer;
  char             *code;
  StippleCatalogue *catalogue;
  locale_t          locale;
  locale_t          previous_locale;
};

static GPrivate current_scope = G_PRIVATE_INIT (NULL);

G_LOCK_DEFINE_STATIC (catalogues);
static GHashTable *catalogues;

/**
 * stipple_i18n_get_languages:
 * @n_languages: (out): how many
 *
 * Returns: (array length=n_languages) (transfer none): every language
 *   Stipple speaks, English first
 */
const StippleLanguage *
stipple_i18n_get_languages (guint *n_languages)
{
  g_return_val_if_fail (n_languages != NULL, NULL);

  *n_languages = G_N_ELEMENTS (languages);
  return languages;
}

/**
 * stipple_i18n_lookup_language:
 * @code: (nullable): a language code, "es" or "es_MX"
 *
 * Returns: (transfer none) (nullable): the language, %NULL if Stipple
 *   does not speak it
 */
const StippleLanguage *
stipple_i18n_lookup_language (const char *code)
{
  if (code == NULL)
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    {
      gsize len = strlen (languages[i].code);

      if (strncmp (code, languages[i].code, len) == 0 &&
          (code[len] == '\0' || code[len] == '_' || code[len] == '.' || code[len] == '@'))
        return &languages[i];
    }
  return NULL;
}

/**
 * stipple_i18n_get_interface_language:
 *
 * The language gettext shows the interface in, as far as Stipple speaks
 * it: the first of the user's languages that has a translation, "en"
 * for the C locale or when none has.
 *
 * Returns: (transfer none): a code of stipple_i18n_get_languages()
 */
const char *
stipple_i18n_get_interface_language (void)
{
  const char * const *names = g_get_language_names ();
  const char *messages = setlocale (LC_MESSAGES, NULL);

  /* gettext ignores LANGUAGE in the C locale, and so does Stipple. */
  if (messages == NULL || g_str_equal (messages, "C") || g_str_equal (messages, "POSIX") ||
      g_str_has_prefix (messages, "C."))
    return "en";

  for (guint i = 0; names[i] != NULL; i++)
    {
      const StippleLanguage *language;

      if (g_str_equal (names[i], "C") || g_str_has_prefix (names[i], "C."))
        return "en";
      language = stipple_i18n_lookup_language (names[i]);
      if (language != NULL)
        return language->code;
    }
  return "en";
}

static StippleCatalogue *
get_catalogue (const char  *code,
               GError     **error)
{
  StippleCatalogue *catalogue;
  g_autofree char *path = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *localedir;

  if (g_str_equal (code, "en"))
    return stipple_catalogue_new_identity ();

  G_LOCK (catalogues);
  if (catalogues == NULL)
    catalogues = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) stipple_catalogue_unref);
  catalogue = g_hash_table_lookup (catalogues, code);
  if (catalogue != NULL)
    {
      stipple_catalogue_ref (catalogue);
      G_UNLOCK (catalogues);
      return catalogue;
    }

  /* Where main() (or a test) bound the interface's translations. */
  localedir = bindtextdomain (GETTEXT_PACKAGE, NULL);
  path = g_build_filename (localedir ? localedir : LOCALEDIR, code, "LC_MESSAGES",
                           GETTEXT_PACKAGE ".mo", NULL);
  catalogue = stipple_catalogue_new_from_file (path, &local_error);
  if (catalogue != NULL)
    g_hash_table_insert (catalogues, g_strdup (code), stipple_catalogue_ref (catalogue));
  G_UNLOCK (catalogues);

  if (catalogue == NULL)
    {
      const StippleLanguage *language = stipple_i18n_lookup_language (code);

      if (g_error_matches (local_error, STIPPLE_I18N_ERROR, STIPPLE_I18N_ERROR_NOT_FOUND))
        g_set_error (error, STIPPLE_I18N_ERROR, STIPPLE_I18N_ERROR_NOT_FOUND,
                     _("The %s translation of Stipple is not installed on this computer."),
                     language ? language->name : code);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
    }
  return catalogue;
}

/* Month names and the decimal separator of @code's locale, the rest of
 * the thread's locale as it was. The interface's own locale comes first
 * where it is the same language (de_AT stays de_AT). */
static locale_t
new_locale_for (const char  *code,
                GError     **error)
{
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func (g_free);
  const char *current = setlocale (LC_TIME, NULL);
  const StippleLanguage *language = stipple_i18n_lookup_language (code);

  if (current != NULL && stipple_i18n_lookup_language (current) == language && language != NULL)
    g_ptr_array_add (candidates, g_strdup (current));
  if (strchr (code, '_') != NULL)
    g_ptr_array_add (candidates, g_strdup_printf ("%s.UTF-8", code));
  else
    {
      g_autofree char *country = g_ascii_strup (code, -1);

      if (g_str_equal (code, "en"))
        {
          g_ptr_array_add (candidates, g_strdup ("en_GB.UTF-8"));
          g_ptr_array_add (candidates, g_strdup ("en_US.UTF-8"));
          /* The C locale's month names and numbers are English. */
          g_ptr_array_add (candidates, g_strdup ("C.UTF-8"));
        }
      else
        g_ptr_array_add (candidates, g_strdup_printf ("%s_%s.UTF-8", code, country));
    }

  for (guint i = 0; i < candidates->len; i++)
    {
      locale_t base = duplocale (LC_GLOBAL_LOCALE);
      locale_t locale;

      if (base == (locale_t) 0)
        break;
      locale = newlocale (LC_TIME_MASK | LC_NUMERIC_MASK, candidates->pdata[i], base);
      if (locale != (locale_t) 0)
        return locale;
      freelocale (base);
    }

  g_set_error (error, STIPPLE_I18N_ERROR, STIPPLE_I18N_ERROR_NO_LOCALE,
               _("Dates and numbers cannot be written in %s: this computer lacks the "
                 "“%s” locale."),
               language ? language->name : code,
               candidates->len > 0 ? (const char *) candidates->pdata[0] : code);
  return (locale_t) 0;
}

/**
 * stipple_i18n_push_language:
 * @code: a language code of stipple_i18n_get_languages()
 * @error: return location for a #GError
 *
 * Until the matching stipple_i18n_pop_language(), messages looked up with
 * stipple_gettext() on the calling thread are in @code's language, and
 * dates and numbers this thread formats are in its locale. Other threads
 * and the process locale are untouched.
 *
 * Returns: %TRUE if the language is pushed; %FALSE with @error set if its
 *   translations or its locale are not installed (nothing is pushed)
 */
gboolean
stipple_i18n_push_language (const char  *code,
                            GError     **error)
{
  g_autoptr(StippleCatalogue) catalogue = NULL;
  LanguageScope *scope;
  locale_t locale;

  g_return_val_if_fail (code != NULL, FALSE);

  catalogue = get_catalogue (code, error);
  if (catalogue == NULL)
    return FALSE;
  locale = new_locale_for (code, error);
  if (locale == (locale_t) 0)
    return FALSE;

  scope = g_new0 (LanguageScope, 1);
  scope->outer = g_private_get (&current_scope);
  scope->code = g_strdup (code);
  scope->catalogue = g_steal_pointer (&catalogue);
  scope->locale = locale;
  scope->previous_locale = uselocale (locale);
  g_private_set (&current_scope, scope);

  return TRUE;
}

/**
 * stipple_i18n_pop_language:
 *
 * Returns the calling thread to the language it had before the last
 * stipple_i18n_push_language().
 */
void
stipple_i18n_pop_language (void)
{
  LanguageScope *scope = g_private_get (&current_scope);

  g_return_if_fail (scope != NULL);

  uselocale (scope->previous_locale);
  freelocale (scope->locale);
  g_private_set (&current_scope, scope->outer);
  stipple_catalogue_unref (scope->catalogue);
  g_free (scope->code);
  g_free (scope);
}

/**
 * stipple_i18n_get_current_language:
 *
 * Returns: (transfer none): the language pushed on this thread, or the
 *   interface's
 */
const char *
stipple_i18n_get_current_language (void)
{
  LanguageScope *scope = g_private_get (&current_scope);

  return scope != NULL ? scope->code : stipple_i18n_get_interface_language ();
}

/**
 * stipple_gettext:
 * @msgid: an English message
 *
 * Returns: (transfer none): @msgid in the calling thread's language
 */
const char *
stipple_gettext (const char *msgid)
{
  LanguageScope *scope = g_private_get (&current_scope);

  if (scope != NULL)
    return stipple_catalogue_gettext (scope->catalogue, msgid);
  return g_dgettext (GETTEXT_PACKAGE, msgid);
}

/**
 * stipple_pgettext:
 * @context: the message's context
 * @msgid: an English message
 *
 * Returns: (transfer none): @msgid in the calling thread's language
 */
const char *
stipple_pgettext (const char *context,
                  const char *msgid)
{
  LanguageScope *scope = g_private_get (&current_scope);

  if (scope != NULL)
    return stipple_catalogue_pgettext (scope->catalogue, context, msgid);
  return g_dpgettext2 (GETTEXT_PACKAGE, context, msgid);
}

/**
 * stipple_ngettext:
 * @msgid: the English singular
 * @msgid_plural: the English plural
 * @n: the number counted
 *
 * Returns: (transfer none): the form for @n in the calling thread's language
 */
const char *
stipple_ngettext (const char *msgid,
                  const char *msgid_plural,
                  gulong      n)
{
  LanguageScope *scope = g_private_get (&current_scope);

  if (scope != NULL)
    return stipple_catalogue_ngettext (scope->catalogue, msgid, msgid_plural, n);
  return g_dngettext (GETTEXT_PACKAGE, msgid, msgid_plural, n);
}
