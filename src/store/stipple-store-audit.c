/* stipple-store-audit.c
 *
 * The audit trail: events appended at the head of its hash chain, and
 * read back a session at a time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-store"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-store-private.h"

/**
 * stipple_store_append_audit:
 * @self: a store
 * @entry: the event; its id is set on return, and its time if unset
 * @error: return location for a #GError
 *
 * Appends to the audit trail, at the head of its hash chain. The file
 * refuses any change or removal of an entry once written.
 *
 * Returns: whether the entry is recorded
 */
gboolean
stipple_store_append_audit (StippleStore       *self,
                            StippleAuditEntry  *entry,
                            GError            **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autofree char *uid = NULL;
  g_autofree char *at = NULL;
  StippleChainRow row = { 0, };
  const char *kind;

  g_return_val_if_fail (STIPPLE_IS_STORE (self), FALSE);
  g_return_val_if_fail (entry != NULL && entry->id == 0, FALSE);

  kind = stipple_audit_kind_to_key (entry->kind);
  if (kind == NULL)
    return stipple_store_invalid (error, _("Unknown kind of audit event."));
  if (!stipple_store_check_name (_("The user"), entry->user, TRUE, error) ||
      !stipple_store_check_text (_("What was sent"), entry->sent, STIPPLE_STORE_MAX_FIELD_CHARS,
                                 TRUE, error) ||
      !stipple_store_check_text (_("The acknowledgement"), entry->acknowledgement,
                                 STIPPLE_STORE_MAX_FIELD_CHARS, TRUE, error) ||
      !stipple_store_check_text (_("The read-back"), entry->read_back,
                                 STIPPLE_STORE_MAX_FIELD_CHARS, TRUE, error) ||
      !stipple_store_check_text (_("The detail"), entry->detail, STIPPLE_STORE_MAX_FIELD_CHARS,
                                 TRUE, error))
    return FALSE;
  if (entry->zone != STIPPLE_ZONE_NONE && stipple_zone_get_info (entry->zone) == NULL)
    return stipple_store_invalid (error, _("The event names a zone Stipple does not know."));

  if (entry->at == NULL)
    entry->at = g_date_time_new_now_utc ();
  uid = entry->uid ? g_strdup (entry->uid) : g_uuid_string_random ();
  at = stipple_store_format_time (entry->at);

  row.uid = uid;
  row.session_id = entry->session_id;
  row.at = at;
  row.user = entry->user;
  row.kind = kind;
  row.zone = entry->zone != STIPPLE_ZONE_NONE ? stipple_zone_get_key (entry->zone) : NULL;
  row.sent = stipple_store_or_empty (entry->sent);
  row.acknowledgement = stipple_store_or_empty (entry->acknowledgement);
  row.read_back = stipple_store_or_empty (entry->read_back);
  row.detail = stipple_store_or_empty (entry->detail);

  /* Reading the chain's head and appending to it is one transaction. */
  locker = g_mutex_locker_new (&self->mutex);
  if (!stipple_store_begin (self, error))
    return FALSE;
  if (!stipple_store_chain_insert (self->db, self->path, &row, error) ||
      !stipple_store_commit (self, error))
    {
      stipple_store_rollback (self);
      return FALSE;
    }
  entry->id = row.id;
  g_free (entry->uid);
  entry->uid = g_steal_pointer (&uid);
  return TRUE;
}

/**
 * stipple_store_list_audit:
 * @self: a store
 * @session_id: a session, or 0 for the events outside any session
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type StippleAuditEntry): the events,
 *   in the order they were recorded
 */
GPtrArray *
stipple_store_list_audit (StippleStore  *self,
                          gint64         session_id,
                          GError       **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(StippleStmt) stmt = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  int rc;

  g_return_val_if_fail (STIPPLE_IS_STORE (self), NULL);

  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) stipple_audit_entry_free);
  locker = g_mutex_locker_new (&self->mutex);
  stmt = stipple_store_prepare (self,
                                "SELECT id, uid, session_id, at, user, kind, zone, sent,"
                                " acknowledgement, read_back, detail FROM audit"
                                " WHERE (session_id IS ?1 OR (?1 IS 0 AND session_id IS NULL))"
                                " AND kind <> 'seal' ORDER BY id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, session_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      StippleAuditKind kind = STIPPLE_AUDIT_FAULT;
      StippleAuditEntry *entry;

      stipple_audit_kind_from_key ((const char *) sqlite3_column_text (stmt, 5), &kind);
      entry = stipple_audit_entry_new (kind);
      entry->id = sqlite3_column_int64 (stmt, 0);
      entry->uid = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      entry->session_id = sqlite3_column_int64 (stmt, 2);
      entry->at = stipple_store_parse_time ((const char *) sqlite3_column_text (stmt, 3));
      entry->user = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      entry->zone = stipple_zone_from_key ((const char *) sqlite3_column_text (stmt, 6));
      entry->sent = g_strdup ((const char *) sqlite3_column_text (stmt, 7));
      entry->acknowledgement = g_strdup ((const char *) sqlite3_column_text (stmt, 8));
      entry->read_back = g_strdup ((const char *) sqlite3_column_text (stmt, 9));
      entry->detail = g_strdup ((const char *) sqlite3_column_text (stmt, 10));
      g_ptr_array_add (entries, entry);
    }
  if (rc != SQLITE_DONE)
    {
      stipple_store_set_sqlite_error (self->db, rc, self->path, error);
      return NULL;
    }
  return g_steal_pointer (&entries);
}
