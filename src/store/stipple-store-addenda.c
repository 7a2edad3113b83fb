/* stipple-store-addenda.c: what is added to a sealed session's notes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Once a session has ended its record is sealed, and its notes are
 * final. A clinician who learns something later (the patient calls the
 * next day about a reaction, a detail forgotten at the end) adds an
 * addendum: a row of its own, with its author and time, which the
 * session's next seal covers. Nothing already written is changed.
 */

#define G_LOG_DOMAIN "stipple-store"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-store-columns.h"
#include "stipple-store-private.h"

G_DEFINE_BOXED_TYPE (StippleNoteAddendum, stipple_note_addendum,
                     stipple_note_addendum_copy, stipple_note_addendum_free)

/**
 * stipple_note_addendum_copy:
 * @addendum: an addendum
 *
 * Returns: (transfer full): a deep copy of @addendum
 */
StippleNoteAddendum *
stipple_note_addendum_copy (const StippleNoteAddendum *addendum)
{
  StippleNoteAddendum *copy;

  g_return_val_if_fail (addendum != NULL, NULL);

  copy = g_memdup2 (addendum, sizeof *addendum);
  stipple_record_copy_fields (&stipple_note_addendum_table, copy, addendum);
  return copy;
}

/**
 * stipple_note_addendum_free:
 * @addendum: (nullable): an addendum
 */
void
stipple_note_addendum_free (StippleNoteAddendum *addendum)
{
  if (addendum == NULL)
    return;
  stipple_record_free_fields (&stipple_note_addendum_table, addendum);
  g_free (addendum);
}

static gboolean
has_text (const char *text)
{
  for (; *text != '\0'; text = g_utf8_next_char (text))
    if (!g_unichar_isspace (g_utf8_get_char (text)))
      return TRUE;
  return FALSE;
}

static gboolean
invalid (GError     **error,
         const char  *message)
{
  g_set_error_literal (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_INVALID_INPUT, message);
  return FALSE;
}

/**
 * stipple_store_add_note_addendum:
 * @self: a store
 * @session_id: an ended session
 * @kind: whether it adds to the note before or after the treatment
 * @text: what is added
 * @author: who writes it
 * @error: return location for a #GError
 *
 * Adds an addendum to an ended session's notes and seals the session
 * again, in one transaction: the new seal covers the addendum, the old
 * one stays in the chain as the record of the session when it ended.
 *
 * Returns: whether the addendum is saved
 */
gboolean
stipple_store_add_note_addendum (StippleStore     *self,
                                 gint64            session_id,
                                 StippleNoteKind   kind,
                                 const char       *text,
                                 const char       *author,
                                 GError          **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(StippleStmt) ended = NULL;
  g_autoptr(StippleStmt) insert = NULL;
  g_autofree char *trimmed = NULL;
  StippleNoteAddendum addendum = { 0 };
  gboolean ok;
  int rc;

  g_return_val_if_fail (STIPPLE_IS_STORE (self), FALSE);
  g_return_val_if_fail (kind == STIPPLE_NOTE_BEFORE || kind == STIPPLE_NOTE_AFTER, FALSE);

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return invalid (error, _("The addendum contains characters that are not text."));
  trimmed = g_strstrip (g_strdup (text));
  if (*trimmed == '\0')
    return invalid (error, _("The addendum is empty: write what is to be added to the notes."));
  if (g_utf8_strlen (trimmed, -1) > STIPPLE_STORE_MAX_ADDENDUM_CHARS)
    return invalid (error, _("The addendum is too long to keep. Split it into several addenda."));
  if (author == NULL || !g_utf8_validate (author, -1, NULL) || !has_text (author))
    return invalid (error, _("An addendum needs the name of the clinician who writes it."));

  locker = g_mutex_locker_new (&self->mutex);
  if (!stipple_store_check_open (self, error))
    return FALSE;
  ended = stipple_store_prepare (self, "SELECT ended_at IS NOT NULL FROM session WHERE id = ?",
                                 error);
  if (ended == NULL)
    return FALSE;
  insert = stipple_store_prepare (self,
                                  stipple_record_sql (&stipple_note_addendum_table,
                                                      STIPPLE_RECORD_SQL_INSERT),
                                  error);
  if (insert == NULL)
    return FALSE;

  if (!stipple_store_begin (self, error))
    return FALSE;
  sqlite3_bind_int64 (ended, 1, session_id);
  rc = sqlite3_step (ended);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        g_set_error_literal (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_NOT_FOUND,
                             _("The addendum was not saved: its session is not in the patient "
                               "file."));
      else
        stipple_store_set_sqlite_error (self->db, rc, self->path, error);
      goto fail;
    }
  if (!sqlite3_column_int (ended, 0))
    {
      invalid (error, _("The session has not ended yet: write in its notes instead."));
      goto fail;
    }
  sqlite3_reset (ended);

  addendum.uid = g_uuid_string_random ();
  addendum.session_id = session_id;
  addendum.kind = kind;
  addendum.text = g_steal_pointer (&trimmed);
  addendum.author = g_strdup (author);
  addendum.written_at = g_date_time_new_now_utc ();
  stipple_record_bind (&stipple_note_addendum_table, insert, &addendum);
  ok = stipple_store_step_done (self, insert, error);
  sqlite3_reset (insert);
  sqlite3_clear_bindings (insert);
  stipple_record_free_fields (&stipple_note_addendum_table, &addendum);
  if (!ok ||
      !stipple_store_chain_seal (self->db, self->path, session_id, error) ||
      !stipple_store_commit (self, error))
    goto fail;
  return TRUE;

fail:
  stipple_store_rollback (self);
  return FALSE;
}

/**
 * stipple_store_list_note_addenda:
 * @self: a store
 * @session_id: a session
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type StippleNoteAddendum): the
 *   session's addenda, oldest first (none in a file from before
 *   addenda), or %NULL with @error set
 */
GPtrArray *
stipple_store_list_note_addenda (StippleStore  *self,
                                 gint64         session_id,
                                 GError       **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(GPtrArray) addenda =
    g_ptr_array_new_with_free_func ((GDestroyNotify) stipple_note_addendum_free);
  g_autoptr(StippleStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (STIPPLE_IS_STORE (self), NULL);

  locker = g_mutex_locker_new (&self->mutex);
  if (!stipple_store_check_open (self, error))
    return NULL;
  /* A file opened read-only as it is, from before version 4. */
  if (self->read_only && self->version < 4)
    return g_steal_pointer (&addenda);

  stmt = stipple_store_prepare (self,
                                stipple_record_select (&stipple_note_addendum_table, NULL, NULL,
                                                       "FROM note_addendum WHERE session_id = ?"
                                                       " ORDER BY id"),
                                error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, session_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      StippleNoteAddendum *addendum = g_new0 (StippleNoteAddendum, 1);

      stipple_record_read (&stipple_note_addendum_table, stmt, 0, addendum);
      g_ptr_array_add (addenda, addendum);
    }
  if (rc != SQLITE_DONE)
    {
      stipple_store_set_sqlite_error (self->db, rc, self->path, error);
      return NULL;
    }
  return g_steal_pointer (&addenda);
}

typedef struct
{
  gint64           session_id;
  StippleNoteKind  kind;
  char            *text;
  char            *author;
} AddendumData;

static void
addendum_data_free (AddendumData *data)
{
  g_free (data->text);
  g_free (data->author);
  g_free (data);
}

static gpointer
add_note_addendum_job (StippleStore  *self,
                       gpointer       data,
                       GCancellable  *cancellable,
                       GError       **error)
{
  AddendumData *addendum = data;

  if (!stipple_store_add_note_addendum (self, addendum->session_id, addendum->kind,
                                        addendum->text, addendum->author, error))
    return NULL;
  return STIPPLE_STORE_JOB_DONE;
}

/**
 * stipple_store_add_note_addendum_async:
 * @self: a store
 * @session_id: an ended session
 * @kind: whether it adds to the note before or after the treatment
 * @text: what is added
 * @author: who writes it
 * @callback: called when the addendum is saved or refused
 * @user_data: data for @callback
 *
 * See stipple_store_add_note_addendum(); the write and its fsync happen
 * on the writer thread, in turn with every other write.
 */
void
stipple_store_add_note_addendum_async (StippleStore        *self,
                                       gint64               session_id,
                                       StippleNoteKind      kind,
                                       const char          *text,
                                       const char          *author,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  AddendumData *data;

  g_return_if_fail (STIPPLE_IS_STORE (self));

  data = g_new0 (AddendumData, 1);
  data->session_id = session_id;
  data->kind = kind;
  data->text = g_strdup (text);
  data->author = g_strdup (author);
  stipple_store_run_async (self, STIPPLE_STORE_LANE_WRITER, add_note_addendum_job, data,
                           (GDestroyNotify) addendum_data_free, NULL, NULL, callback, user_data,
                           stipple_store_add_note_addendum_async);
}

/**
 * stipple_store_add_note_addendum_finish:
 * @self: a store
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: whether the addendum is saved
 */
gboolean
stipple_store_add_note_addendum_finish (StippleStore  *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  return stipple_store_run_finish_boolean (self, result, error);
}
