/* stipple-store-chain.c
 *
 * The hash chain over the clinical record. Every audit row carries the
 * hash of the row before it (prev_hash) and its own hash: SHA-256 of
 * prev_hash, a full stop and the row's canonical text. When a session
 * ends it is sealed: one audit row whose detail holds a hash of each part
 * of what the session recorded. The canonical forms are SQL expressions
 * (below), so that an auditor recomputes the very same text with the
 * sqlite3 tool; docs/patient-file.md and build-aux/stipple-verify-chain
 * do exactly that. Everything here works on a plain connection, so the
 * migration, the read-only verifier and the writer share it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-store"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <string.h>

#include "stipple-store-private.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/* A value in canonical form: N for NULL, T and the upper-case hex of its
 * text (an integer as its decimal text) otherwise. */
#define C(x) "(CASE WHEN " x " IS NULL THEN 'N' ELSE 'T' || hex(" x ") END)"
#define DOT " || '.' || "

#define AUDIT_CANONICAL \
  C ("id") DOT C ("uid") DOT C ("session_id") DOT C ("at") DOT C ("user") DOT C ("kind") DOT \
  C ("zone") DOT C ("sent") DOT C ("acknowledgement") DOT C ("read_back") DOT C ("detail")

/* The parts of a session's seal, each the SHA-256 of its lines (every
 * line ending in a newline). ?1 is the session, ?2 the last consent id
 * the seal covers. */
typedef struct
{
  const char *name;
  const char *sql;
  /* A part that may be absent from a seal: an older seal, or a session
   * without such rows, is read as holding none (the empty part's hash). */
  const char *optional_table;
  /* Read instead of sql where the table archived_table exists. */
  const char *archived_table;
  const char *archived_sql;
  /* Where the table hashed_table exists and hashed_sql gives a row, that
   * row is the part's hash, kept when its lines moved out of the file. */
  const char *hashed_table;
  const char *hashed_sql;
} SealPart;

#define NEEDLE_LINE \
  C ("seq_first") DOT C ("n_samples") DOT C ("start_us") DOT C ("end_us") DOT C ("encoding") " || '.'"

/* The SHA-256 of nothing: the hash of a part without a line. */
#define EMPTY_PART "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static const SealPart seal_parts[] = {
  { "record",
    "SELECT " C ("s.uid") DOT C ("(SELECT p.uid FROM patient p WHERE p.id = s.patient_id)") DOT
    C ("s.started_at") DOT C ("s.ended_at") DOT C ("s.clinician") DOT C ("s.pen_serial") DOT
    C ("s.pen_firmware") DOT C ("s.cartridge_id") DOT C ("s.cartridge_lot") DOT
    C ("s.anaesthetic_at") DOT C ("s.anaesthetic_product") DOT C ("s.screening_override") DOT
    C ("s.note_before") DOT C ("s.note_after") DOT C ("s.erythema_grade") DOT
    C ("s.pinpoint_bleeding") DOT C ("s.aftercare_given")
    " FROM session s WHERE s.id = ?1 AND ?2 IS NOT NULL" },
  { "plan",
    "SELECT " C ("position") DOT C ("zone") DOT C ("pass") DOT C ("depth_um") DOT
    C ("stroke_rate_hz") " FROM zone_pass WHERE session_id = ?1 AND ?2 IS NOT NULL"
    " ORDER BY position" },
  { "serums",
    "SELECT " C ("position") DOT C ("product") DOT C ("lot")
    " FROM session_serum WHERE session_id = ?1 AND ?2 IS NOT NULL ORDER BY position" },
  { "totals",
    "SELECT " C ("zone") DOT C ("strokes") DOT C ("time_in_zone_us") DOT C ("out_of_tolerance")
    " FROM zone_strokes WHERE session_id = ?1 AND ?2 IS NOT NULL ORDER BY zone" },
  { "screening",
    "SELECT " C ("uid") DOT C ("item_key") DOT C ("answer") DOT C ("note") DOT C ("answered_on")
    " FROM screening_answer WHERE session_id = ?1 AND ?2 IS NOT NULL ORDER BY uid" },
  { "consents",
    "SELECT " C ("uid") DOT C ("kind") DOT C ("given") DOT C ("signed_on")
    " FROM consent WHERE patient_id = (SELECT patient_id FROM session WHERE id = ?1)"
    " AND id <= ?2 ORDER BY uid" },
  /* A block's line ends in the SHA-256 of the upper-case hex of its data,
   * which the second column gives. */
  { "needle-data",
    "SELECT " NEEDLE_LINE ", hex(data)"
    " FROM telemetry_block WHERE session_id = ?1 AND ?2 IS NOT NULL ORDER BY seq_first",
    NULL,
    /* A block moved to a needle archive: the patient file keeps that
     * SHA-256 itself, given by the third column. */
    "needle_block",
    "SELECT line, data, digest FROM"
    " (SELECT seq_first AS k, " NEEDLE_LINE " AS line, hex(data) AS data, NULL AS digest"
    "  FROM telemetry_block WHERE session_id = ?1 AND ?2 IS NOT NULL"
    "  UNION ALL"
    "  SELECT seq_first, " NEEDLE_LINE ", NULL, lower (hex (sha256))"
    "  FROM needle_block WHERE session_id = ?1 AND ?2 IS NOT NULL)"
    " ORDER BY k",
    /* A session archived (version 10): the patient file keeps the part's
     * hash; reading the archive checks the blocks against it. */
    "needle_session",
    "SELECT lower (hex (sha256)) FROM needle_session WHERE session_id = ?1 AND ?2 IS NOT NULL" },
  /* What was added to the notes after the session had ended. */
  { "addenda",
    "SELECT " C ("uid") DOT C ("kind") DOT C ("text") DOT C ("author") DOT C ("written_at")
    " FROM note_addendum WHERE session_id = ?1 AND ?2 IS NOT NULL ORDER BY id",
    "note_addendum" },
  /* Each photograph by its tags and the SHA-256 of its stored bytes
   * (checked against the bytes themselves in verify_photos()). */
  { "photos",
    "SELECT " C ("uid") DOT C ("view") DOT C ("zone") DOT C ("moment") DOT C ("taken_at") DOT
    C ("taken_by") DOT C ("source") DOT C ("width") DOT C ("height") DOT C ("sha256")
    " FROM photo WHERE session_id = ?1 AND ?2 IS NOT NULL ORDER BY uid",
    "photo" },
};

static gboolean table_exists (sqlite3 *db, const char *name);

static gboolean
sql_error (sqlite3     *db,
           const char  *path,
           GError     **error)
{
  stipple_store_set_sqlite_error (db, sqlite3_errcode (db), path, error);
  return FALSE;
}

static sqlite3_stmt *
prepare (sqlite3     *db,
         const char  *path,
         const char  *sql,
         GError     **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      sql_error (db, path, error);
      return NULL;
    }
  return stmt;
}

/* The two statements every audit event runs, kept with their connection
 * (sqlite3_set_clientdata is newer than bookworm's SQLite, so they hang
 * off a table keyed by connection) and finalized when it closes. */
typedef struct
{
  sqlite3_stmt *head;
  sqlite3_stmt *insert;
} ChainStatements;

static GMutex cache_mutex;
static GHashTable *cache;

static void
chain_statements_free (ChainStatements *c)
{
  sqlite3_finalize (c->head);
  sqlite3_finalize (c->insert);
  g_free (c);
}

/**
 * stipple_store_chain_forget:
 * @db: a connection about to close
 *
 * Finalizes the statements the chain kept for @db.
 */
void
stipple_store_chain_forget (sqlite3 *db)
{
  g_mutex_lock (&cache_mutex);
  if (cache != NULL)
    g_hash_table_remove (cache, db);
  g_mutex_unlock (&cache_mutex);
}

static ChainStatements *
chain_statements (sqlite3     *db,
                  const char  *path,
                  GError     **error)
{
  ChainStatements *c;

  g_mutex_lock (&cache_mutex);
  if (cache == NULL)
    cache = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                   (GDestroyNotify) chain_statements_free);
  c = g_hash_table_lookup (cache, db);
  g_mutex_unlock (&cache_mutex);
  if (c != NULL)
    return c;

  c = g_new0 (ChainStatements, 1);
  if (sqlite3_prepare_v3 (db, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1", -1,
                          SQLITE_PREPARE_PERSISTENT, &c->head, NULL) != SQLITE_OK ||
      sqlite3_prepare_v3 (db, "INSERT INTO audit (id, uid, session_id, at, user, kind, zone, sent,"
                          " acknowledgement, read_back, detail, prev_hash, hash)"
                          " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", -1,
                          SQLITE_PREPARE_PERSISTENT, &c->insert, NULL) != SQLITE_OK)
    {
      sql_error (db, path, error);
      chain_statements_free (c);
      return NULL;
    }
  g_mutex_lock (&cache_mutex);
  g_hash_table_insert (cache, db, c);
  g_mutex_unlock (&cache_mutex);
  return c;
}

static void
canon_add (GString    *out,
           const char *text)
{
  static const char digits[] = "0123456789ABCDEF";

  if (out->len > 0)
    g_string_append_c (out, '.');
  if (text == NULL)
    {
      g_string_append_c (out, 'N');
      return;
    }
  g_string_append_c (out, 'T');
  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    {
      g_string_append_c (out, digits[*p >> 4]);
      g_string_append_c (out, digits[*p & 0xf]);
    }
}

static void
canon_add_int (GString *out,
               gint64   value,
               gboolean null)
{
  char text[32];

  if (null)
    {
      canon_add (out, NULL);
      return;
    }
  g_snprintf (text, sizeof text, "%" G_GINT64_FORMAT, value);
  canon_add (out, text);
}

static char *
link_hash (const char *prev_hash,
           const char *canonical)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  g_checksum_update (sum, (const guchar *) prev_hash, strlen (prev_hash));
  g_checksum_update (sum, (const guchar *) ".", 1);
  g_checksum_update (sum, (const guchar *) canonical, strlen (canonical));
  return g_strdup (g_checksum_get_string (sum));
}

/**
 * stipple_store_chain_head:
 * @db: a patient file of version 3 or later
 * @path: its path, for messages
 * @id: (out): the last audit row, 0 if none
 * @hash: (out) (transfer full): its hash, or the chain's starting hash
 * @error: return location for a #GError
 *
 * Returns: whether the head was read
 */
gboolean
stipple_store_chain_head (sqlite3     *db,
                          const char  *path,
                          gint64      *id,
                          char       **hash,
                          GError     **error)
{
  ChainStatements *c = chain_statements (db, path, error);
  sqlite3_stmt *stmt;
  int rc;

  if (c == NULL)
    return FALSE;
  stmt = c->head;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *id = sqlite3_column_int64 (stmt, 0);
      *hash = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      sqlite3_reset (stmt);
      return TRUE;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return sql_error (db, path, error);
  *id = 0;
  *hash = g_strdup (GENESIS);
  return TRUE;
}

/**
 * stipple_store_chain_insert:
 * @db: a connection, inside a write transaction
 * @path: the file's path, for messages
 * @row: the audit row to append; its id is ignored and set on return
 * @error: return location for a #GError
 *
 * Appends @row at the head of the chain: its id follows the last row's,
 * and it carries that row's hash and its own.
 *
 * Returns: whether the row is in the file
 */
gboolean
stipple_store_chain_insert (sqlite3          *db,
                            const char       *path,
                            StippleChainRow  *row,
                            GError          **error)
{
  g_autoptr(GString) canonical = g_string_new (NULL);
  g_autofree char *prev_hash = NULL;
  g_autofree char *hash = NULL;
  sqlite3_stmt *stmt;
  gint64 prev_id;
  int rc;

  if (!stipple_store_chain_head (db, path, &prev_id, &prev_hash, error))
    return FALSE;
  row->id = MAX (prev_id, 0) + 1;

  canon_add_int (canonical, row->id, FALSE);
  canon_add (canonical, row->uid);
  canon_add_int (canonical, row->session_id, row->session_id == 0);
  canon_add (canonical, row->at);
  canon_add (canonical, row->user);
  canon_add (canonical, row->kind);
  canon_add (canonical, row->zone);
  canon_add (canonical, row->sent ? row->sent : "");
  canon_add (canonical, row->acknowledgement ? row->acknowledgement : "");
  canon_add (canonical, row->read_back ? row->read_back : "");
  canon_add (canonical, row->detail ? row->detail : "");
  hash = link_hash (prev_hash, canonical->str);

  stmt = chain_statements (db, path, error)->insert;
  sqlite3_bind_int64 (stmt, 1, row->id);
  sqlite3_bind_text (stmt, 2, row->uid, -1, SQLITE_STATIC);
  if (row->session_id != 0)
    sqlite3_bind_int64 (stmt, 3, row->session_id);
  sqlite3_bind_text (stmt, 4, row->at, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, row->user, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, row->kind, -1, SQLITE_STATIC);
  if (row->zone != NULL)
    sqlite3_bind_text (stmt, 7, row->zone, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, row->sent ? row->sent : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 9, row->acknowledgement ? row->acknowledgement : "", -1,
                     SQLITE_STATIC);
  sqlite3_bind_text (stmt, 10, row->read_back ? row->read_back : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 11, row->detail ? row->detail : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 12, prev_hash, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 13, hash, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_DONE)
    {
      stipple_store_set_sqlite_error (db, rc, path, error);
      return FALSE;
    }
  return TRUE;
}

/**
 * stipple_store_chain_fill:
 * @db: a file being migrated to version 3, its audit triggers not yet made
 * @path: the file's path, for messages
 * @error: return location for a #GError
 *
 * Chains the rows written before the file had a chain, in their order.
 *
 * Returns: whether every row now carries its hash
 */
gboolean
stipple_store_chain_fill (sqlite3     *db,
                          const char  *path,
                          GError     **error)
{
  g_autoptr(sqlite3_stmt) select = prepare (db, path,
                                            "SELECT id, " AUDIT_CANONICAL
                                            " FROM audit ORDER BY id", error);
  g_autoptr(sqlite3_stmt) update = NULL;
  g_autofree char *prev = g_strdup (GENESIS);
  int rc;

  if (select == NULL)
    return FALSE;
  update = prepare (db, path, "UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?", error);
  if (update == NULL)
    return FALSE;
  while ((rc = sqlite3_step (select)) == SQLITE_ROW)
    {
      char *hash = link_hash (prev, (const char *) sqlite3_column_text (select, 1));

      sqlite3_reset (update);
      sqlite3_bind_text (update, 1, prev, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (update, 2, hash, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (update, 3, sqlite3_column_int64 (select, 0));
      g_free (prev);
      prev = hash;
      if (sqlite3_step (update) != SQLITE_DONE)
        return sql_error (db, path, error);
    }
  if (rc != SQLITE_DONE)
    return sql_error (db, path, error);
  return TRUE;
}

static gboolean table_exists (sqlite3    *db,
                              const char *name);

/* The hash of one part of a session's record. */
static char *
part_hash (sqlite3     *db,
           const char  *path,
           const SealPart *part,
           gint64       session_id,
           gint64       consents_to,
           GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  int rc;

  if (part->optional_table != NULL && !table_exists (db, part->optional_table))
    return g_strdup (EMPTY_PART);
  if (part->hashed_table != NULL && table_exists (db, part->hashed_table))
    {
      stmt = prepare (db, path, part->hashed_sql, error);
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_int64 (stmt, 1, session_id);
      sqlite3_bind_int64 (stmt, 2, consents_to);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      if (rc != SQLITE_DONE)
        {
          sql_error (db, path, error);
          return NULL;
        }
      g_clear_pointer (&stmt, sqlite3_finalize);
    }
  if (part->archived_table != NULL && table_exists (db, part->archived_table))
    stmt = prepare (db, path, part->archived_sql, error);
  else
    stmt = prepare (db, path, part->sql, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, session_id);
  sqlite3_bind_int64 (stmt, 2, consents_to);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const guchar *line = sqlite3_column_text (stmt, 0);

      g_checksum_update (sum, line, sqlite3_column_bytes (stmt, 0));
      if (sqlite3_column_count (stmt) > 2 && sqlite3_column_type (stmt, 2) != SQLITE_NULL)
        g_checksum_update (sum, sqlite3_column_text (stmt, 2), sqlite3_column_bytes (stmt, 2));
      else if (sqlite3_column_count (stmt) > 1)
        {
          g_autoptr(GChecksum) block = g_checksum_new (G_CHECKSUM_SHA256);
          const char *digest;

          g_checksum_update (block, sqlite3_column_text (stmt, 1),
                             sqlite3_column_bytes (stmt, 1));
          digest = g_checksum_get_string (block);
          g_checksum_update (sum, (const guchar *) digest, strlen (digest));
        }
      g_checksum_update (sum, (const guchar *) "\n", 1);
    }
  if (rc != SQLITE_DONE)
    {
      sql_error (db, path, error);
      return NULL;
    }
  return g_strdup (g_checksum_get_string (sum));
}

/**
 * stipple_store_chain_needle_part:
 * @db: a patient file
 * @path: its path, for messages
 * @session_id: a session
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the hash of the session's needle-data seal
 *   part as the file now gives it, lower-case hex, or %NULL with @error
 */
char *
stipple_store_chain_needle_part (sqlite3     *db,
                                 const char  *path,
                                 gint64       session_id,
                                 GError     **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (seal_parts); i++)
    if (g_str_equal (seal_parts[i].name, "needle-data"))
      return part_hash (db, path, &seal_parts[i], session_id, 0, error);
  g_assert_not_reached ();
}

/* The seal's detail: "consents-to=N record=H plan=H …", a hash per part
 * of the session in the order of seal_parts. */
static char *
seal_detail (sqlite3     *db,
             const char  *path,
             gint64       session_id,
             gint64       consents_to,
             GError     **error)
{
  g_autoptr(GString) detail = g_string_new (NULL);

  g_string_append_printf (detail, "consents-to=%" G_GINT64_FORMAT, consents_to);
  for (guint i = 0; i < G_N_ELEMENTS (seal_parts); i++)
    {
      g_autofree char *hash = part_hash (db, path, &seal_parts[i], session_id, consents_to, error);

      if (hash == NULL)
        return NULL;
      if (seal_parts[i].optional_table != NULL && g_str_equal (hash, EMPTY_PART))
        continue;
      g_string_append_printf (detail, " %s=%s", seal_parts[i].name, hash);
    }
  return g_string_free (g_steal_pointer (&detail), FALSE);
}

/**
 * stipple_store_chain_seal:
 * @db: a connection, inside a write transaction
 * @path: the file's path, for messages
 * @session_id: a session
 * @error: return location for a #GError
 *
 * Appends a seal row for the session as it is now. A session changed by
 * Stipple after its seal (a note finished, the skin's response) is
 * sealed again; the last seal is the one that holds.
 *
 * Returns: whether the seal is written
 */
gboolean
stipple_store_chain_seal (sqlite3     *db,
                          const char  *path,
                          gint64       session_id,
                          GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *at = stipple_store_format_time (now);
  g_autofree char *uid = g_uuid_string_random ();
  g_autofree char *user = NULL;
  g_autofree char *detail = NULL;
  StippleChainRow row = { 0, };
  gint64 consents_to;

  stmt = prepare (db, path,
                  "SELECT clinician, (SELECT coalesce (max (c.id), 0) FROM consent c"
                  " WHERE c.patient_id = s.patient_id) FROM session s WHERE s.id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, session_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return sql_error (db, path, error);
  user = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  consents_to = sqlite3_column_int64 (stmt, 1);

  detail = seal_detail (db, path, session_id, consents_to, error);
  if (detail == NULL)
    return FALSE;

  row.uid = uid;
  row.session_id = session_id;
  row.at = at;
  row.user = user;
  row.kind = "seal";
  row.detail = detail;
  return stipple_store_chain_insert (db, path, &row, error);
}

/**
 * stipple_store_chain_seal_ended:
 * @db: a file being migrated, inside the migration's transaction
 * @path: the file's path, for messages
 * @again: whether to seal again the sessions already sealed
 * @error: return location for a #GError
 *
 * Seals every session that had ended before the file had seals (or,
 * with @again, every ended session: a file just written by an export).
 *
 * Returns: whether they are sealed
 */
gboolean
stipple_store_chain_seal_ended (sqlite3     *db,
                                const char  *path,
                                gboolean     again,
                                GError     **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = prepare (db, path,
                  "SELECT id FROM session WHERE ended_at IS NOT NULL AND (?1 OR id NOT IN"
                  " (SELECT session_id FROM audit WHERE kind = 'seal' AND session_id IS NOT NULL))"
                  " ORDER BY id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int (stmt, 1, again);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  if (rc != SQLITE_DONE)
    return sql_error (db, path, error);

  for (guint i = 0; i < ids->len; i++)
    if (!stipple_store_chain_seal (db, path, g_array_index (ids, gint64, i), error))
      return FALSE;
  return TRUE;
}

/**
 * stipple_store_chain_copy:
 * @db: the connection to append to, inside a write transaction
 * @path: its file's path, for messages
 * @select: rows to copy, oldest first: uid, session_id (as it is to be
 *   written), at, user, kind, zone, sent, acknowledgement, read_back,
 *   detail; it may read another connection
 * @error: return location for a #GError
 *
 * Appends rows from another file (an export, an import) to this file's
 * chain, each with its uid and content and a new place in the chain.
 *
 * Returns: whether every row was copied
 */
gboolean
stipple_store_chain_copy (sqlite3       *db,
                          const char    *path,
                          sqlite3_stmt  *select,
                          GError       **error)
{
  int rc;

  while ((rc = sqlite3_step (select)) == SQLITE_ROW)
    {
      StippleChainRow row = { 0, };

      row.uid = (const char *) sqlite3_column_text (select, 0);
      row.session_id = sqlite3_column_int64 (select, 1);
      row.at = (const char *) sqlite3_column_text (select, 2);
      row.user = (const char *) sqlite3_column_text (select, 3);
      row.kind = (const char *) sqlite3_column_text (select, 4);
      row.zone = (const char *) sqlite3_column_text (select, 5);
      row.sent = (const char *) sqlite3_column_text (select, 6);
      row.acknowledgement = (const char *) sqlite3_column_text (select, 7);
      row.read_back = (const char *) sqlite3_column_text (select, 8);
      row.detail = (const char *) sqlite3_column_text (select, 9);
      if (!stipple_store_chain_insert (db, path, &row, error))
        return FALSE;
    }
  if (rc != SQLITE_DONE)
    return sql_error (sqlite3_db_handle (select), path, error);
  return TRUE;
}

/* Verification ------------------------------------------------------- */

void
stipple_store_verify_add_break (StippleVerifyResult *result,
                                gint64               row,
                                gint64               session_id,
                                char                *message)
{
  StippleVerifyBreak *b = g_new0 (StippleVerifyBreak, 1);

  b->row = row;
  b->session_id = session_id;
  b->message = message;
  g_ptr_array_add (result->breaks, b);
}

static void
verify_break_free (StippleVerifyBreak *b)
{
  g_free (b->message);
  g_free (b);
}

/**
 * stipple_verify_result_free:
 * @result: (nullable): a verification's result
 */
void
stipple_verify_result_free (StippleVerifyResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->breaks, g_ptr_array_unref);
  g_clear_pointer (&result->notes, g_ptr_array_unref);
  g_free (result->head_hash);
  g_free (result);
}

/**
 * stipple_verify_result_get_session_break:
 * @result: a verification's result
 * @session_id: a session
 *
 * Returns: (nullable): the first break that concerns the session, or
 *   that makes every session's record doubtful, or %NULL
 */
const StippleVerifyBreak *
stipple_verify_result_get_session_break (const StippleVerifyResult *result,
                                         gint64                     session_id)
{
  g_return_val_if_fail (result != NULL, NULL);

  for (guint i = 0; i < result->breaks->len; i++)
    {
      const StippleVerifyBreak *b = g_ptr_array_index (result->breaks, i);

      if (b->session_id == session_id || b->session_id == 0)
        return b;
    }
  return NULL;
}

static char *
session_when (sqlite3 *db,
              gint64   session_id)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT started_at FROM session WHERE id = ?", -1, &stmt,
                          NULL) == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, session_id);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          g_autoptr(GDateTime) t =
            stipple_store_parse_time ((const char *) sqlite3_column_text (stmt, 0));
          if (t != NULL)
            {
              g_autoptr(GDateTime) local = g_date_time_to_local (t);
              return g_date_time_format (local, "%Y-%m-%d %H:%M");
            }
        }
    }
  return g_strdup ("?");
}

static gboolean
table_exists (sqlite3    *db,
              const char *name)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?",
                          -1, &stmt, NULL) != SQLITE_OK)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  return sqlite3_step (stmt) == SQLITE_ROW;
}

static gboolean
verify_integrity (sqlite3              *db,
                  const char           *path,
                  StippleVerifyResult  *result,
                  GError              **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (db, path, "PRAGMA integrity_check", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *line = (const char *) sqlite3_column_text (stmt, 0);

      if (g_strcmp0 (line, "ok") != 0)
        stipple_store_verify_add_break (result, 0, 0,
                   g_strdup_printf (_("The file’s own structure is damaged (SQLite says: %s)."),
                                    line));
    }
  if (rc != SQLITE_DONE)
    return sql_error (db, path, error);
  return TRUE;
}

static gboolean
verify_rows (sqlite3              *db,
             const char           *path,
             StippleVerifyResult  *result,
             GError              **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *expected = g_strdup (GENESIS);
  int rc;

  stmt = prepare (db, path,
                  "SELECT id, coalesce (session_id, 0), kind, at, prev_hash, hash, "
                  AUDIT_CANONICAL " FROM audit ORDER BY id", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      gint64 session_id = sqlite3_column_int64 (stmt, 1);
      const char *kind = (const char *) sqlite3_column_text (stmt, 2);
      const char *at = (const char *) sqlite3_column_text (stmt, 3);
      const char *prev = (const char *) sqlite3_column_text (stmt, 4);
      const char *hash = (const char *) sqlite3_column_text (stmt, 5);
      g_autofree char *computed = link_hash (prev ? prev : "",
                                             (const char *) sqlite3_column_text (stmt, 6));

      result->n_rows++;
      if (g_strcmp0 (prev, expected) != 0)
        stipple_store_verify_add_break (result, id, 0,
                   g_strdup_printf (_("Audit row %" PRId64 " does not follow the row "
                                      "before it: a row was removed, inserted or moved there."),
                                    id));
      if (g_strcmp0 (computed, hash) != 0)
        stipple_store_verify_add_break (result, id, session_id,
                   g_strdup_printf (_("Audit row %" PRId64 " (%s, %s) was changed "
                                      "after it was written."),
                                    id, kind ? kind : "?", at ? at : "?"));
      g_free (expected);
      expected = g_strdup (hash ? hash : "");
      result->head_id = id;
    }
  if (rc != SQLITE_DONE)
    return sql_error (db, path, error);
  g_free (result->head_hash);
  result->head_hash = g_steal_pointer (&expected);
  return TRUE;
}

static gboolean
verify_sessions (sqlite3              *db,
                 const char           *path,
                 gint64                only_session,
                 StippleVerifyResult  *result,
                 GError              **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  /* Every session, with its last seal; and every seal or row whose
   * session is gone. */
  stmt = prepare (db, path,
                  "SELECT s.id, s.ended_at IS NOT NULL,"
                  " (SELECT a.id FROM audit a WHERE a.session_id = s.id AND a.kind = 'seal'"
                  "  ORDER BY a.id DESC LIMIT 1),"
                  " (SELECT a.detail FROM audit a WHERE a.session_id = s.id AND a.kind = 'seal'"
                  "  ORDER BY a.id DESC LIMIT 1), 1"
                  " FROM session s WHERE ?1 = 0 OR s.id = ?1"
                  " UNION ALL"
                  " SELECT o.session_id, 0, NULL, NULL, 0 FROM"
                  " (SELECT session_id FROM audit UNION SELECT session_id FROM telemetry_block"
                  "  UNION SELECT session_id FROM zone_pass UNION SELECT session_id FROM zone_strokes"
                  "  UNION SELECT session_id FROM screening_answer) o"
                  " WHERE o.session_id IS NOT NULL AND (?1 = 0 OR o.session_id = ?1)"
                  " AND o.session_id NOT IN (SELECT id FROM session)"
                  " ORDER BY 1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, only_session);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 session_id = sqlite3_column_int64 (stmt, 0);
      gboolean ended = sqlite3_column_int (stmt, 1);
      gint64 seal = sqlite3_column_int64 (stmt, 2);
      const char *detail = (const char *) sqlite3_column_text (stmt, 3);
      gboolean exists = sqlite3_column_int (stmt, 4);
      g_autofree char *when = NULL;
      g_auto(GStrv) fields = NULL;
      g_autoptr(GString) changed = NULL;
      gint64 consents_to = -1;

      if (!exists)
        {
          stipple_store_verify_add_break (result, 0, session_id,
                     g_strdup_printf (_("Session %" PRId64 " has been removed from the "
                                        "file, but its audit trail or data are still there."),
                                      session_id));
          continue;
        }
      when = session_when (db, session_id);
      if (seal == 0)
        {
          if (ended)
            stipple_store_verify_add_break (result, 0, session_id,
                       g_strdup_printf (_("Session %" PRId64 " of %s has ended but "
                                          "has no seal: its record cannot be trusted."),
                                        session_id, when));
          continue;
        }

      result->n_sealed++;
      fields = g_strsplit (detail ? detail : "", " ", -1);
      changed = g_string_new (NULL);
      for (guint i = 0; fields[i] != NULL; i++)
        if (g_str_has_prefix (fields[i], "consents-to="))
          consents_to = g_ascii_strtoll (fields[i] + strlen ("consents-to="), NULL, 10);
      for (guint p = 0; p < G_N_ELEMENTS (seal_parts); p++)
        {
          g_autofree char *prefix = g_strconcat (seal_parts[p].name, "=", NULL);
          g_autofree char *now = part_hash (db, path, &seal_parts[p], session_id, consents_to,
                                            error);
          const char *sealed = NULL;

          if (now == NULL)
            return FALSE;
          for (guint i = 0; fields[i] != NULL; i++)
            if (g_str_has_prefix (fields[i], prefix))
              sealed = fields[i] + strlen (prefix);
          if (sealed == NULL && seal_parts[p].optional_table != NULL)
            sealed = EMPTY_PART;
          if (consents_to < 0 || g_strcmp0 (sealed, now) != 0)
            g_string_append_printf (changed, "%s%s", changed->len ? ", " : "",
                                    seal_parts[p].name);
        }
      if (changed->len > 0)
        stipple_store_verify_add_break (result, seal, session_id,
                   g_strdup_printf (_("Session %" PRId64 " of %s was changed after "
                                      "it was sealed in audit row %" PRId64
                                      " (changed: %s)."),
                                    session_id, when, seal, changed->str));
    }
  if (rc != SQLITE_DONE)
    return sql_error (db, path, error);
  return TRUE;
}

/* The seal holds each photograph's hash; the bytes must still match it.
 * A photo exported without its bytes has none to check, and only a photo
 * hidden after the consent was withdrawn may be without them. */
static gboolean
verify_photos (sqlite3              *db,
               const char           *path,
               gint64                only_session,
               StippleVerifyResult  *result,
               GError              **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (!table_exists (db, "photo"))
    return TRUE;
  stmt = prepare (db, path,
                  "SELECT id, session_id, sha256, CAST (data AS BLOB) FROM photo p"
                  " WHERE (length (data) > 0 OR typeof (data) != 'blob' OR NOT EXISTS"
                  "  (SELECT 1 FROM photo_event e WHERE e.photo_id = p.id AND e.kind = 'hidden'))"
                  " AND (?1 = 0 OR session_id = ?1) ORDER BY id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, only_session);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autofree char *sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                                          sqlite3_column_blob (stmt, 3),
                                                          sqlite3_column_bytes (stmt, 3));

      if (g_strcmp0 (sum, (const char *) sqlite3_column_text (stmt, 2)) != 0)
        stipple_store_verify_add_break (result, 0, sqlite3_column_int64 (stmt, 1),
                   g_strdup_printf (_("Photograph %" PRId64 " was changed after it was "
                                      "stored: its pixels no longer match its hash."),
                                    (gint64) sqlite3_column_int64 (stmt, 0)));
    }
  if (rc != SQLITE_DONE)
    return sql_error (db, path, error);
  return TRUE;
}

/**
 * stipple_store_chain_verify:
 * @db: a patient file of version 3 or later, read in one transaction
 * @path: the file's path, for messages
 * @only_session: a session, or 0 for every session
 * @with_archives: whether to read the needle archives too
 * @error: return location for a #GError, set only when the file cannot
 *   be read at all
 *
 * Checks the file's integrity, the audit chain row by row, and the seal
 * of every session (or of @only_session): each break found is named.
 * With @with_archives, each needle archive there is checked against what
 * the patient file keeps of it; without, no archive is opened.
 *
 * Returns: (transfer full): the result, or %NULL with @error set
 */
StippleVerifyResult *
stipple_store_chain_verify (sqlite3     *db,
                            const char  *path,
                            gint64       only_session,
                            gboolean     with_archives,
                            GError     **error)
{
  g_autoptr(StippleVerifyResult) result = g_new0 (StippleVerifyResult, 1);

  result->breaks = g_ptr_array_new_with_free_func ((GDestroyNotify) verify_break_free);
  result->notes = g_ptr_array_new_with_free_func (g_free);
  result->head_hash = g_strdup (GENESIS);

  /* The whole file, or the chain alone when one session is asked for:
   * the integrity check reads every page. */
  if (only_session == 0 && !verify_integrity (db, path, result, error))
    return NULL;

  if (!table_exists (db, "audit"))
    {
      stipple_store_verify_add_break (result, 0, 0,
                 g_strdup (_("The audit trail has been removed from the file.")));
      return g_steal_pointer (&result);
    }
  if (!verify_rows (db, path, result, error) ||
      !verify_sessions (db, path, only_session, result, error) ||
      !verify_photos (db, path, only_session, result, error) ||
      !stipple_store_archive_verify (db, path, only_session, with_archives, result, error))
    return NULL;
  return g_steal_pointer (&result);
}
