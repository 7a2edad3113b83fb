/* stipple-store-validate.c
 *
 * The checks every record passes on the way in: text that is text,
 * names with letters in them, dates that are dates. A clinician's
 * typing mistake gets a message, never a silently odd record.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-store"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "stipple-store-private.h"

gboolean
stipple_store_invalid (GError     **error,
                       const char  *format,
                       ...)
{
  va_list args;

  va_start (args, format);
  if (error != NULL)
    *error = g_error_new_valist (STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_INVALID_INPUT,
                                 format, args);
  va_end (args);
  return FALSE;
}

/* Any text: valid UTF-8, no control characters but line breaks and tabs
 * where @multi_line, and not longer than @max_chars. */
gboolean
stipple_store_check_text (const char  *label,
                          const char  *text,
                          gsize        max_chars,
                          gboolean     multi_line,
                          GError     **error)
{
  if (text == NULL)
    return TRUE;

  if (!g_utf8_validate (text, -1, NULL))
    return stipple_store_invalid (error, _("%s contains characters that are not text."), label);

  if (g_utf8_strlen (text, -1) > (glong) max_chars)
    return stipple_store_invalid (error, _("%s is too long (at most %u characters)."), label,
                                  (guint) max_chars);

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (multi_line && (c == '\n' || c == '\t' || c == '\r'))
        continue;
      if (g_unichar_iscntrl (c))
        return stipple_store_invalid (error, _("%s contains a control character."), label);
    }
  return TRUE;
}

gboolean
stipple_store_check_name (const char  *label,
                          const char  *name,
                          gboolean     required,
                          GError     **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (name ? name : ""));
  gboolean has_letter = FALSE;

  if (!stipple_store_check_text (label, name, STIPPLE_STORE_MAX_NAME_CHARS, FALSE, error))
    return FALSE;

  if (*trimmed == '\0')
    {
      if (!required)
        return TRUE;
      return stipple_store_invalid (error, _("%s is empty."), label);
    }

  for (const char *p = trimmed; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_isalpha (g_utf8_get_char (p)))
      has_letter = TRUE;
  if (!has_letter)
    return stipple_store_invalid (error, _("%s has no letters in it."), label);
  if (g_strcmp0 (trimmed, name) != 0)
    return stipple_store_invalid (error, _("%s starts or ends with a space."), label);

  return TRUE;
}

gboolean
stipple_store_parse_date (const char *text,
                          GDate      *date)
{
  guint y, m, d;
  char tail;

  g_date_clear (date, 1);
  if (text == NULL || strlen (text) != 10 ||
      sscanf (text, "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3)
    return FALSE;
  if (!g_date_valid_dmy (d, m, y))
    return FALSE;
  g_date_set_dmy (date, d, m, y);
  return TRUE;
}

gboolean
stipple_store_check_date (const char  *label,
                          const char  *text,
                          GError     **error)
{
  GDate date;

  if (!stipple_store_parse_date (text, &date))
    return stipple_store_invalid (error,
                                  _("%s is not a date (expected year-month-day, like 1985-04-23)."),
                                  label);
  return TRUE;
}

const char *
stipple_store_or_empty (const char *s)
{
  return s ? s : "";
}
