/* stipple-catalogue.c
 *
 * A compiled translation catalogue (a gettext .mo file) read into a hash
 * table of our own. gettext picks its language from the process locale
 * and the LANGUAGE variable, both shared by every thread; the patient's
 * copy of a report is written in the patient's language on a worker
 * thread while the interface stays in the clinician's, so it looks its
 * messages up here instead.
 *
 * The file format is GNU gettext's: a header of 32-bit words, then two
 * tables of (length, offset) pairs, originals sorted and translations in
 * the same order. Contexts are "context\004msgid"; plural messages hold
 * their forms separated by NULs, chosen by the Plural-Forms expression of
 * the catalogue's header, which is evaluated here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-i18n"

#include "config.h"

#include <string.h>

#include "stipple-catalogue.h"

#define MO_MAGIC         0x950412deU
#define MO_MAGIC_SWAPPED 0xde120495U

G_DEFINE_QUARK (stipple-i18n-error-quark, stipple_i18n_error)

typedef struct
{
  const char *text;
  gsize       len;
} Translation;

struct _StippleCatalogue
{
  gatomicrefcount  ref_count;
  GBytes          *bytes;
  /* msgid (or "context\004msgid", or a plural's singular) → Translation */
  GHashTable      *messages;
  char            *plural;
  guint            n_plurals;
};

/* ------------------------------------------------------------------------
 * Plural-Forms: the C subset gettext allows, evaluated for one n
 * ------------------------------------------------------------------------ */

typedef struct
{
  const char *p;
  gulong      n;
  gboolean    ok;
} PluralParser;

static gulong plural_ternary (PluralParser *pp);

static void
plural_skip_space (PluralParser *pp)
{
  while (g_ascii_isspace (*pp->p))
    pp->p++;
}

static gboolean
plural_accept (PluralParser *pp,
               const char   *token)
{
  gsize len = strlen (token);

  plural_skip_space (pp);
  if (strncmp (pp->p, token, len) != 0)
    return FALSE;
  /* "<" must not swallow the start of "<=", nor "=" of "==". */
  if (len == 1 && (token[0] == '<' || token[0] == '>' || token[0] == '!') && pp->p[1] == '=')
    return FALSE;
  pp->p += len;
  return TRUE;
}

static gulong
plural_primary (PluralParser *pp)
{
  plural_skip_space (pp);
  if (*pp->p == 'n')
    {
      pp->p++;
      return pp->n;
    }
  if (g_ascii_isdigit (*pp->p))
    {
      char *end;
      gulong value = strtoul (pp->p, &end, 10);

      pp->p = end;
      return value;
    }
  if (plural_accept (pp, "("))
    {
      gulong value = plural_ternary (pp);

      if (!plural_accept (pp, ")"))
        pp->ok = FALSE;
      return value;
    }
  pp->ok = FALSE;
  return 0;
}

static gulong
plural_unary (PluralParser *pp)
{
  if (plural_accept (pp, "!"))
    return !plural_unary (pp);
  return plural_primary (pp);
}

static gulong
plural_mul (PluralParser *pp)
{
  gulong value = plural_unary (pp);

  while (pp->ok)
    {
      gulong rhs;

      if (plural_accept (pp, "*"))
        value *= plural_unary (pp);
      else if (plural_accept (pp, "/"))
        value = (rhs = plural_unary (pp)) != 0 ? value / rhs : 0;
      else if (plural_accept (pp, "%"))
        value = (rhs = plural_unary (pp)) != 0 ? value % rhs : 0;
      else
        break;
    }
  return value;
}

static gulong
plural_add (PluralParser *pp)
{
  gulong value = plural_mul (pp);

  while (pp->ok)
    {
      if (plural_accept (pp, "+"))
        value += plural_mul (pp);
      else if (plural_accept (pp, "-"))
        value -= plural_mul (pp);
      else
        break;
    }
  return value;
}

static gulong
plural_relation (PluralParser *pp)
{
  gulong value = plural_add (pp);

  while (pp->ok)
    {
      if (plural_accept (pp, "<="))
        value = value <= plural_add (pp);
      else if (plural_accept (pp, ">="))
        value = value >= plural_add (pp);
      else if (plural_accept (pp, "<"))
        value = value < plural_add (pp);
      else if (plural_accept (pp, ">"))
        value = value > plural_add (pp);
      else
        break;
    }
  return value;
}

static gulong
plural_equality (PluralParser *pp)
{
  gulong value = plural_relation (pp);

  while (pp->ok)
    {
      if (plural_accept (pp, "=="))
        value = value == plural_relation (pp);
      else if (plural_accept (pp, "!="))
        value = value != plural_relation (pp);
      else
        break;
    }
  return value;
}

static gulong
plural_and (PluralParser *pp)
{
  gulong value = plural_equality (pp);

  while (pp->ok && plural_accept (pp, "&&"))
    {
      gulong rhs = plural_equality (pp);
      value = value && rhs;
    }
  return value;
}

static gulong
plural_or (PluralParser *pp)
{
  gulong value = plural_and (pp);

  while (pp->ok && plural_accept (pp, "||"))
    {
      gulong rhs = plural_and (pp);
      value = value || rhs;
    }
  return value;
}

static gulong
plural_ternary (PluralParser *pp)
{
  gulong condition = plural_or (pp);

  if (pp->ok && plural_accept (pp, "?"))
    {
      gulong yes = plural_ternary (pp);
      gulong no;

      if (!plural_accept (pp, ":"))
        {
          pp->ok = FALSE;
          return 0;
        }
      no = plural_ternary (pp);
      return condition ? yes : no;
    }
  return condition;
}

/* Returns FALSE when @expression is not a plural expression. */
static gboolean
plural_eval (const char *expression,
             gulong      n,
             gulong     *form)
{
  PluralParser pp = { expression, n, TRUE };

  *form = plural_ternary (&pp);
  plural_skip_space (&pp);
  if (*pp.p == ';')
    pp.p++;
  plural_skip_space (&pp);
  return pp.ok && *pp.p == '\0';
}

/* ------------------------------------------------------------------------
 * Loading
 * ------------------------------------------------------------------------ */

static guint32
read_word (const guint8 *data,
           gsize         offset,
           gboolean      swapped)
{
  guint32 word;

  memcpy (&word, data + offset, sizeof word);
  return swapped ? GUINT32_SWAP_LE_BE (word) : word;
}

/* "Plural-Forms: nplurals=3; plural=(n==1 ? 0 : …);" in the header. */
static gboolean
parse_header (StippleCatalogue  *self,
              const char        *header,
              gsize              len,
              GError           **error)
{
  g_autofree char *text = g_strndup (header, len);
  const char *forms = strstr (text, "Plural-Forms:");
  const char *nplurals, *plural;
  g_autofree char *expression = NULL;
  gulong check;

  if (forms == NULL)
    return TRUE;
  nplurals = strstr (forms, "nplurals=");
  plural = strstr (forms, "plural=");
  /* "nplurals=" contains "plural=" too: find the one after it. */
  if (plural == nplurals + 2)
    plural = strstr (plural + 1, "plural=");
  if (nplurals == NULL || plural == NULL)
    goto bad;
  self->n_plurals = (guint) strtoul (nplurals + strlen ("nplurals="), NULL, 10);
  expression = g_strndup (plural + strlen ("plural="), strcspn (plural, "\n") - strlen ("plural="));
  if (self->n_plurals == 0 || !plural_eval (expression, 1, &check))
    goto bad;
  self->plural = g_steal_pointer (&expression);
  return TRUE;

bad:
  g_set_error (error, STIPPLE_I18N_ERROR, STIPPLE_I18N_ERROR_INVALID,
               "The Plural-Forms header of a translation catalogue cannot be read: %s",
               forms);
  return FALSE;
}

/**
 * stipple_catalogue_new_from_file:
 * @path: a compiled catalogue (.mo)
 * @error: return location for a #GError
 *
 * Reads the whole catalogue; the file is not kept open.
 *
 * Returns: (transfer full) (nullable): the catalogue, or %NULL with
 *   @error set (%STIPPLE_I18N_ERROR_NOT_FOUND when there is no such
 *   file)
 */
StippleCatalogue *
stipple_catalogue_new_from_file (const char  *path,
                                 GError     **error)
{
  g_autoptr(StippleCatalogue) self = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  const guint8 *data;
  gsize size;
  guint32 magic, n, originals, translations;
  gboolean swapped;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &contents, &size, &local_error))
    {
      g_set_error (error, STIPPLE_I18N_ERROR,
                   g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT)
                     ? STIPPLE_I18N_ERROR_NOT_FOUND : STIPPLE_I18N_ERROR_INVALID,
                   "%s", local_error->message);
      return NULL;
    }

  self = stipple_catalogue_new_identity ();
  self->bytes = g_bytes_new_take (g_steal_pointer (&contents), size);
  data = g_bytes_get_data (self->bytes, &size);

  if (size < 20)
    goto invalid;
  memcpy (&magic, data, sizeof magic);
  if (magic != MO_MAGIC && magic != MO_MAGIC_SWAPPED)
    goto invalid;
  swapped = magic == MO_MAGIC_SWAPPED;
  n = read_word (data, 8, swapped);
  originals = read_word (data, 12, swapped);
  translations = read_word (data, 16, swapped);
  if ((guint64) originals + (guint64) n * 8 > size || (guint64) translations + (guint64) n * 8 > size)
    goto invalid;

  for (guint32 i = 0; i < n; i++)
    {
      guint32 olen = read_word (data, originals + i * 8, swapped);
      guint32 ooff = read_word (data, originals + i * 8 + 4, swapped);
      guint32 tlen = read_word (data, translations + i * 8, swapped);
      guint32 toff = read_word (data, translations + i * 8 + 4, swapped);
      Translation *t;

      /* Every string is followed by a NUL inside the file. */
      if ((guint64) ooff + olen >= size || (guint64) toff + tlen >= size ||
          data[ooff + olen] != '\0' || data[toff + tlen] != '\0')
        goto invalid;

      if (olen == 0)
        {
          if (!parse_header (self, (const char *) data + toff, tlen, error))
            return NULL;
          continue;
        }

      t = g_new (Translation, 1);
      t->text = (const char *) data + toff;
      t->len = tlen;
      /* A plural original is "singular\0plural": the key ends at the NUL. */
      g_hash_table_replace (self->messages, (gpointer) (data + ooff), t);
    }

  return g_steal_pointer (&self);

invalid:
  g_set_error (error, STIPPLE_I18N_ERROR, STIPPLE_I18N_ERROR_INVALID,
               "“%s” is not a valid translation catalogue", path);
  return NULL;
}

/**
 * stipple_catalogue_new_identity:
 *
 * The catalogue of the language the messages are written in: every
 * message is its own translation.
 *
 * Returns: (transfer full): an empty catalogue
 */
StippleCatalogue *
stipple_catalogue_new_identity (void)
{
  StippleCatalogue *self = g_new0 (StippleCatalogue, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->messages = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  self->n_plurals = 2;

  return self;
}

/**
 * stipple_catalogue_ref:
 * @self: a catalogue
 *
 * Returns: (transfer full): @self
 */
StippleCatalogue *
stipple_catalogue_ref (StippleCatalogue *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * stipple_catalogue_unref:
 * @self: (transfer full): a catalogue
 */
void
stipple_catalogue_unref (StippleCatalogue *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_hash_table_unref (self->messages);
  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_free (self->plural);
  g_free (self);
}

/**
 * stipple_catalogue_gettext:
 * @self: a catalogue
 * @msgid: an English message
 *
 * A catalogue is never changed once read, so any thread may look up.
 *
 * Returns: (transfer none): its translation, or @msgid where there is none
 */
const char *
stipple_catalogue_gettext (const StippleCatalogue *self,
                           const char             *msgid)
{
  const Translation *t;

  g_return_val_if_fail (self != NULL, msgid);
  g_return_val_if_fail (msgid != NULL, NULL);

  t = g_hash_table_lookup (self->messages, msgid);
  return t != NULL ? t->text : msgid;
}

/**
 * stipple_catalogue_pgettext:
 * @self: a catalogue
 * @context: the message's context, as given to the C_ macro
 * @msgid: an English message
 *
 * Returns: (transfer none): its translation, or @msgid where there is none
 */
const char *
stipple_catalogue_pgettext (const StippleCatalogue *self,
                            const char             *context,
                            const char             *msgid)
{
  g_autofree char *key = NULL;
  const Translation *t;

  g_return_val_if_fail (self != NULL, msgid);
  g_return_val_if_fail (context != NULL && msgid != NULL, msgid);

  key = g_strconcat (context, "\004", msgid, NULL);
  t = g_hash_table_lookup (self->messages, key);
  return t != NULL ? t->text : msgid;
}

/**
 * stipple_catalogue_ngettext:
 * @self: a catalogue
 * @msgid: the English singular
 * @msgid_plural: the English plural
 * @n: the number the message counts
 *
 * Returns: (transfer none): the form for @n in the catalogue's language
 */
const char *
stipple_catalogue_ngettext (const StippleCatalogue *self,
                            const char             *msgid,
                            const char             *msgid_plural,
                            gulong                  n)
{
  const Translation *t;
  gulong form = n == 1 ? 0 : 1;
  const char *text;

  g_return_val_if_fail (self != NULL, msgid);

  t = g_hash_table_lookup (self->messages, msgid);
  if (t == NULL)
    return n == 1 ? msgid : msgid_plural;

  if (self->plural != NULL && !plural_eval (self->plural, n, &form))
    form = 0;
  text = t->text;
  /* Step over the forms before the one wanted, never past the end. */
  for (gulong i = 0; i < form; i++)
    {
      gsize used = strlen (text) + 1;

      if ((gsize) (text - t->text) + used > t->len)
        return t->text;
      text += used;
    }
  return text;
}

/**
 * stipple_catalogue_get_n_messages:
 * @self: a catalogue
 *
 * Returns: how many messages it translates
 */
guint
stipple_catalogue_get_n_messages (const StippleCatalogue *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return g_hash_table_size (self->messages);
}
