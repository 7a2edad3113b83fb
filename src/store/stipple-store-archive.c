/* stipple-store-archive.c
 *
 * Needle archives. The needle data of the sessions of a day that has
 * ended moves from the patient file to a SQLite file of its own beside
 * it, <folder>/<patient file>.needle/<YYYY-MM-DD>.sqlite, written once and
 * never changed. The patient file keeps, for every session moved, its
 * archive, its block and sample counts and the hash of its seal's
 * needle-data part (needle_session), and each archive's name and SHA-256
 * (needle_archive), so that seals and the chain still verify without the
 * archive. Opening a patient file never opens an archive: only reading a
 * session's needle data, the copies to backup folders and the full check
 * (stipple_store_verify()) do.
 *
 * After the clinic's retention period a session's needle data is thinned
 * to the per-stroke record (encoding 3): a new archive holds the thinned
 * blocks, needle_thinning records them and their hash, an audit row of
 * the kind 'thin' says what was thinned and when, and the full-rate
 * archive goes once none of its sessions needs it. docs/patient-file.md
 * says how an auditor checks an archive with sqlite3 and sha256sum.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include "stipple-store-archive-private.h"
#include "stipple-store-private.h"
#include "stipple-telemetry-codec.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/* The archive file's own format, in its PRAGMA user_version. */
#define ARCHIVE_FORMAT 1

static const char archive_schema[] =
  "PRAGMA journal_mode = OFF;"
  "PRAGMA synchronous = OFF;"
  "CREATE TABLE needle_archive_info ("
  "  key TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL"
  ");"
  "CREATE TABLE telemetry_block ("
  "  session_id INTEGER NOT NULL,"
  "  seq_first INTEGER NOT NULL CHECK (seq_first >= 0),"
  "  n_samples INTEGER NOT NULL CHECK (n_samples > 0),"
  "  start_us INTEGER NOT NULL,"
  "  end_us INTEGER NOT NULL,"
  "  encoding INTEGER NOT NULL,"
  "  data BLOB NOT NULL,"
  "  PRIMARY KEY (session_id, seq_first)"
  ");";


const char stipple_archive_blocks_sql[] =
  "SELECT seq_first, n_samples, start_us, end_us, encoding, data FROM telemetry_block"
  " WHERE session_id = ? ORDER BY seq_first";

void
stipple_needle_block_free (StippleNeedleBlock *block)
{
  g_clear_pointer (&block->data, g_bytes_unref);
  g_free (block);
}

/**
 * stipple_store_archive_dir:
 * @path: a patient file
 *
 * Returns: (transfer full): the folder of its needle archives
 */
char *
stipple_store_archive_dir (const char *path)
{
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *name = g_strconcat (base, ".needle", NULL);

  return g_build_filename (folder, name, NULL);
}

/**
 * stipple_store_get_archive_dir:
 * @path: a patient file
 *
 * Returns: (transfer full): the folder that holds its needle archives,
 *   "<patient file>.needle" beside it
 */
char *
stipple_store_get_archive_dir (const char *path)
{
  return stipple_store_archive_dir (path);
}

/* The SHA-256 of a block's data as the seal hashes it: of its upper-case
 * hex, so that `sqlite3 … "SELECT hex(data) …" | sha256sum` gives it. */
static void
block_digest (const guint8 *data,
              gsize         len,
              guint8        digest[32])
{
  static const char digits[] = "0123456789ABCDEF";
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  char hex[512];
  gsize digest_len = 32;

  for (gsize i = 0; i < len; )
    {
      gsize n = 0;

      for (; i < len && n < sizeof hex; i++)
        {
          hex[n++] = digits[data[i] >> 4];
          hex[n++] = digits[data[i] & 0xf];
        }
      g_checksum_update (sum, (const guchar *) hex, n);
    }
  g_checksum_get_digest (sum, digest, &digest_len);
}

/* An integer in the seal's canonical form, and the dot after it: 'T' and
 * the upper-case hex of its decimal text ("12" is "T3132."). */
static void
canon_int (GString *line,
           gint64   value)
{
  static const char digits[] = "0123456789ABCDEF";
  char text[24];

  g_snprintf (text, sizeof text, "%" G_GINT64_FORMAT, value);
  g_string_append_c (line, 'T');
  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    {
      g_string_append_c (line, digits[*p >> 4]);
      g_string_append_c (line, digits[*p & 0xf]);
    }
  g_string_append_c (line, '.');
}

/* Adds a block's line to a session's needle-data seal part, exactly as
 * stipple-store-chain.c computes it from telemetry_block: seq_first,
 * n_samples, start_us, end_us and encoding in canonical form, the
 * SHA-256 of the data's upper-case hex in lower-case hex, a newline. */
static void
part_add_block (GChecksum                *part,
                const StippleNeedleBlock *block)
{
  static const char digits[] = "0123456789abcdef";
  g_autoptr(GString) line = g_string_sized_new (160);
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (block->data, &len);
  guint8 digest[32];

  canon_int (line, block->seq_first);
  canon_int (line, block->n_samples);
  canon_int (line, block->start_us);
  canon_int (line, block->end_us);
  canon_int (line, block->encoding);
  block_digest (data, len, digest);
  for (guint i = 0; i < 32; i++)
    {
      g_string_append_c (line, digits[digest[i] >> 4]);
      g_string_append_c (line, digits[digest[i] & 0xf]);
    }
  g_string_append_c (line, '\n');
  g_checksum_update (part, (const guchar *) line->str, line->len);
}

static int
block_compare (gconstpointer a,
               gconstpointer b)
{
  const StippleNeedleBlock *x = *(StippleNeedleBlock * const *) a;
  const StippleNeedleBlock *y = *(StippleNeedleBlock * const *) b;

  return x->seq_first < y->seq_first ? -1 : x->seq_first > y->seq_first;
}

/* The needle-data part's hash of @blocks, in order of seq_first. */
void
stipple_archive_blocks_part (GPtrArray *blocks,
                             guint8     sha256[32])
{
  g_autoptr(GChecksum) part = g_checksum_new (G_CHECKSUM_SHA256);
  gsize len = 32;

  for (guint i = 0; i < blocks->len; i++)
    part_add_block (part, g_ptr_array_index (blocks, i));
  g_checksum_get_digest (part, sha256, &len);
}

static StippleNeedleBlock *
block_from_row (sqlite3_stmt *stmt,
                int           first)
{
  StippleNeedleBlock *block = g_new0 (StippleNeedleBlock, 1);

  block->seq_first = sqlite3_column_int64 (stmt, first);
  block->n_samples = sqlite3_column_int (stmt, first + 1);
  block->start_us = sqlite3_column_int64 (stmt, first + 2);
  block->end_us = sqlite3_column_int64 (stmt, first + 3);
  block->encoding = sqlite3_column_int (stmt, first + 4);
  block->data = g_bytes_new (sqlite3_column_blob (stmt, first + 5),
                             sqlite3_column_bytes (stmt, first + 5));
  return block;
}

/* Reads a session's blocks from an archive, in order. */
gboolean
stipple_archive_read_session_blocks (sqlite3_stmt *read,
                                     gint64        session_id,
                                     GPtrArray    *blocks)
{
  int rc;

  sqlite3_reset (read);
  sqlite3_bind_int64 (read, 1, session_id);
  while ((rc = sqlite3_step (read)) == SQLITE_ROW)
    {
      StippleNeedleBlock *block = block_from_row (read, 0);

      block->archived = TRUE;
      g_ptr_array_add (blocks, block);
    }
  return rc == SQLITE_DONE;
}

char *
stipple_archive_file_sha256 (const char  *path,
                             GError     **error)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guchar *buffer = g_malloc (1 << 20);
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  gssize n;

  if (fd < 0)
    {
      stipple_store_set_errno_error (errno, path, error);
      return NULL;
    }
  while ((n = read (fd, buffer, 1 << 20)) > 0)
    g_checksum_update (sum, buffer, n);
  if (n < 0)
    {
      stipple_store_set_errno_error (errno, path, error);
      close (fd);
      return NULL;
    }
  close (fd);
  return g_strdup (g_checksum_get_string (sum));
}

/* "March 2026" or "5 March 2026", in the interface's language. */
static char *
period_words (const char *period)
{
  int year = 0, mon = 0, day = 1;
  g_autoptr(GDateTime) t = NULL;
  int n = period != NULL ? sscanf (period, "%d-%d-%d", &year, &mon, &day) : 0;

  if (n < 2 || (t = g_date_time_new_utc (year, mon, day, 0, 0, 0)) == NULL)
    return g_strdup (period ? period : "?");
  return g_date_time_format (t, n == 3 ? "%-d %OB %Y" : "%OB %Y");
}

static gboolean
sql_fail (sqlite3     *db,
          const char  *path,
          GError     **error)
{
  stipple_store_set_sqlite_error (db, sqlite3_errcode (db), path, error);
  return FALSE;
}

sqlite3 *
stipple_archive_open_read_only (const char  *path,
                                GError     **error)
{
  sqlite3 *db = NULL;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
    {
      sql_fail (db, path, error);
      sqlite3_close (db);
      return NULL;
    }
  return db;
}

/* Writing an archive --------------------------------------------------- */


void
stipple_archive_writer_free (StippleArchiveWriter *w)
{
  g_clear_pointer (&w->insert, sqlite3_finalize);
  if (w->db != NULL)
    {
      sqlite3_close (w->db);
      g_unlink (w->partial);
    }
  g_free (w->archive);
  g_free (w->partial);
  g_free (w);
}


/* The first free name for @period's archive in @dir, "<period><suffix>",
 * then "<period><suffix>-2" and so on: an archive's name is never used
 * twice, so an archive once written is never written again. */
char *
stipple_archive_free_name (const char *dir,
                           const char *period,
                           const char *suffix)
{
  for (guint i = 1; ; i++)
    {
      g_autofree char *name = i == 1 ? g_strdup_printf ("%s%s.sqlite", period, suffix)
                                     : g_strdup_printf ("%s%s-%u.sqlite", period, suffix, i);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *partial = g_strconcat (path, ".part", NULL);

      if (!g_file_test (path, G_FILE_TEST_EXISTS) && !g_file_test (partial, G_FILE_TEST_EXISTS))
        return g_steal_pointer (&name);
    }
}

StippleArchiveWriter *
stipple_archive_writer_new (const char  *archive,
                            const char  *period,
                            const char  *patient_file,
                            const char  *content,
                            GError     **error)
{
  g_autoptr(StippleArchiveWriter) w = g_new0 (StippleArchiveWriter, 1);
  g_autofree char *base = g_path_get_basename (patient_file);
  char *info;
  int fd;

  w->archive = g_strdup (archive);
  w->partial = g_strconcat (archive, ".part", NULL);
  g_unlink (w->partial);
  fd = open (w->partial, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      stipple_store_set_errno_error (errno, w->partial, error);
      return NULL;
    }
  close (fd);

  if (sqlite3_open_v2 (w->partial, &w->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                       NULL) != SQLITE_OK)
    {
      sql_fail (w->db, w->partial, error);
      return NULL;
    }
  info = sqlite3_mprintf ("PRAGMA application_id = %d; PRAGMA user_version = %d;"
                          "INSERT INTO needle_archive_info VALUES ('period', %Q),"
                          " ('patient-file', %Q), ('content', %Q);",
                          STIPPLE_STORE_APPLICATION_ID, ARCHIVE_FORMAT, period, base, content);
  if (sqlite3_exec (w->db, archive_schema, NULL, NULL, NULL) != SQLITE_OK ||
      sqlite3_exec (w->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
      sqlite3_exec (w->db, info, NULL, NULL, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (w->db, "INSERT INTO telemetry_block VALUES (?, ?, ?, ?, ?, ?, ?)", -1,
                          &w->insert, NULL) != SQLITE_OK)
    {
      sqlite3_free (info);
      sql_fail (w->db, w->partial, error);
      return NULL;
    }
  sqlite3_free (info);
  return g_steal_pointer (&w);
}

gboolean
stipple_archive_writer_add (StippleArchiveWriter             *w,
                            gint64                     session_id,
                            const StippleNeedleBlock  *block,
                            GError                   **error)
{
  gsize len = 0;
  const void *data = g_bytes_get_data (block->data, &len);

  sqlite3_reset (w->insert);
  sqlite3_bind_int64 (w->insert, 1, session_id);
  sqlite3_bind_int64 (w->insert, 2, block->seq_first);
  sqlite3_bind_int64 (w->insert, 3, block->n_samples);
  sqlite3_bind_int64 (w->insert, 4, block->start_us);
  sqlite3_bind_int64 (w->insert, 5, block->end_us);
  sqlite3_bind_int64 (w->insert, 6, block->encoding);
  sqlite3_bind_blob (w->insert, 7, data, len, SQLITE_STATIC);
  if (sqlite3_step (w->insert) != SQLITE_DONE)
    return sql_fail (w->db, w->partial, error);
  return TRUE;
}

/* Commits, syncs and renames the archive into place. */
gboolean
stipple_archive_writer_finish (StippleArchiveWriter  *w,
                               GError        **error)
{
  int fd;

  g_clear_pointer (&w->insert, sqlite3_finalize);
  if (sqlite3_exec (w->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    return sql_fail (w->db, w->partial, error);
  sqlite3_close (g_steal_pointer (&w->db));

  fd = open (w->partial, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || fsync (fd) != 0)
    {
      stipple_store_set_errno_error (errno, w->partial, error);
      if (fd >= 0)
        close (fd);
      g_unlink (w->partial);
      return FALSE;
    }
  close (fd);
  if (g_rename (w->partial, w->archive) != 0)
    {
      stipple_store_set_errno_error (errno, w->archive, error);
      g_unlink (w->partial);
      return FALSE;
    }
  stipple_store_sync_folder_of (w->archive);
  return TRUE;
}

/* Reads the archive back: it holds exactly @sessions, each giving the
 * hash recorded for it. */
gboolean
stipple_archive_check (const char  *archive,
                       GArray      *sessions,
                       GError     **error)
{
  g_autoptr(sqlite3_stmt) read = NULL;
  g_autoptr(sqlite3_stmt) count = NULL;
  sqlite3 *db = stipple_archive_open_read_only (archive, error);
  gboolean good;

  if (db == NULL)
    return FALSE;
  good = sqlite3_prepare_v2 (db, stipple_archive_blocks_sql, -1, &read, NULL) == SQLITE_OK &&
         sqlite3_prepare_v2 (db, "SELECT count (DISTINCT session_id) FROM telemetry_block", -1,
                             &count, NULL) == SQLITE_OK &&
         sqlite3_step (count) == SQLITE_ROW &&
         sqlite3_column_int64 (count, 0) == sessions->len;
  for (guint i = 0; good && i < sessions->len; i++)
    {
      const StippleArchiveSession *h = &g_array_index (sessions, StippleArchiveSession, i);
      g_autoptr(GPtrArray) blocks =
        g_ptr_array_new_with_free_func ((GDestroyNotify) stipple_needle_block_free);
      guint8 sha256[32];

      good = stipple_archive_read_session_blocks (read, h->session_id, blocks) &&
             blocks->len == h->n_blocks;
      if (good)
        {
          stipple_archive_blocks_part (blocks, sha256);
          good = memcmp (sha256, h->sha256, 32) == 0;
        }
    }
  g_clear_pointer (&read, sqlite3_finalize);
  g_clear_pointer (&count, sqlite3_finalize);
  sqlite3_close (db);
  if (!good)
    g_set_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_IO,
                 _("The needle archive “%s” does not read back as it was written; "
                   "the needle data stays in the patient file."), archive);
  return good;
}

/* Archiving ------------------------------------------------------------ */

/* The sessions of @period (?1) whose needle data may move: ended, or
 * begun before ?2 (a day ago; a session never ended after a crash), and
 * not yet archived. */
#define ARCHIVABLE \
  " substr (s.started_at, 1, length (?1)) = ?1" \
  " AND (s.ended_at IS NOT NULL OR s.started_at < ?2)" \
  " AND NOT EXISTS (SELECT 1 FROM needle_session n WHERE n.session_id = s.id)"

static char *
a_day_ago (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) then = g_date_time_add_days (now, -1);

  return stipple_store_format_time (then);
}

/* Copies the blocks of @period's sessions from the patient file (through
 * @reader) to a new archive at @archive, hashing each session's part on
 * the way into @sessions. */
static gboolean
write_archive (StippleStore  *reader,
               const char    *period,
               const char    *archive,
               GArray        *sessions,
               GError       **error)
{
  g_autoptr(StippleArchiveWriter) w = NULL;
  g_autoptr(StippleStmt) select = NULL;
  g_autoptr(GChecksum) part = NULL;
  g_autofree char *cutoff = a_day_ago ();
  StippleArchiveSession current = { 0, };
  int rc;

  w = stipple_archive_writer_new (archive, period, reader->path, "full-rate", error);
  if (w == NULL)
    return FALSE;
  select = stipple_store_prepare (reader,
                                  "SELECT b.session_id, b.seq_first, b.n_samples, b.start_us,"
                                  " b.end_us, b.encoding, b.data FROM telemetry_block b"
                                  " JOIN session s ON s.id = b.session_id WHERE" ARCHIVABLE
                                  " ORDER BY b.session_id, b.seq_first", error);
  if (select == NULL)
    return FALSE;
  sqlite3_bind_text (select, 1, period, -1, SQLITE_STATIC);
  sqlite3_bind_text (select, 2, cutoff, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (select)) == SQLITE_ROW)
    {
      gint64 session_id = sqlite3_column_int64 (select, 0);
      g_autoptr(StippleNeedleBlock) block = block_from_row (select, 1);

      if (part == NULL || session_id != current.session_id)
        {
          if (part != NULL)
            {
              gsize len = 32;

              g_checksum_get_digest (part, current.sha256, &len);
              g_array_append_val (sessions, current);
            }
          g_clear_pointer (&part, g_checksum_free);
          part = g_checksum_new (G_CHECKSUM_SHA256);
          memset (&current, 0, sizeof current);
          current.session_id = session_id;
        }
      part_add_block (part, block);
      current.n_blocks++;
      current.n_samples += block->n_samples;
      if (!stipple_archive_writer_add (w, session_id, block, error))
        return FALSE;
    }
  g_clear_pointer (&select, stipple_stmt_release);
  if (rc != SQLITE_DONE)
    {
      stipple_store_set_sqlite_error (reader->db, rc, reader->path, error);
      return FALSE;
    }
  if (part != NULL)
    {
      gsize len = 32;

      g_checksum_get_digest (part, current.sha256, &len);
      g_array_append_val (sessions, current);
    }
  return stipple_archive_writer_finish (w, error);
}

gboolean
stipple_archive_insert_row (StippleStore  *self,
                            const char    *period,
                            const char    *file_name,
                            const char    *sha256,
                            gint64         n_blocks,
                            const char    *at,
                            gint64        *archive_id,
                            GError       **error)
{
  g_autoptr(StippleStmt) insert = NULL;
  g_autofree char *month = g_strndup (period, 7);

  insert = stipple_store_prepare (self,
                                  "INSERT INTO needle_archive (month, file_name, n_blocks, sha256,"
                                  " archived_at) VALUES (?, ?, ?, ?, ?)", error);
  if (insert == NULL)
    return FALSE;
  sqlite3_bind_text (insert, 1, month, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 2, file_name, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (insert, 3, n_blocks);
  sqlite3_bind_text (insert, 4, sha256, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 5, at, -1, SQLITE_STATIC);
  if (!stipple_store_step_done (self, insert, error))
    return FALSE;
  *archive_id = sqlite3_last_insert_rowid (self->db);
  return TRUE;
}

/* Records the archive and each session's hash, removes the sessions'
 * blocks from the patient file and appends the audit row, in one
 * transaction. A session that took a block since it was read is not
 * moved: the whole archive waits for the next run. */
static gboolean
record_archive (StippleStore  *self,
                const char    *period,
                const char    *file_name,
                const char    *sha256,
                GArray        *sessions,
                gint64         n_blocks,
                GError       **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *at = stipple_store_format_time (now);
  g_autofree char *detail = NULL;
  g_autoptr(StippleStmt) count = NULL;
  g_autoptr(StippleStmt) session = NULL;
  g_autoptr(StippleStmt) remove = NULL;
  gint64 archive_id;

  if (!stipple_store_begin (self, error))
    return FALSE;
  if (!stipple_archive_insert_row (self, period, file_name, sha256, n_blocks, at, &archive_id, error))
    goto fail;

  count = stipple_store_prepare (self, "SELECT count(*) FROM telemetry_block WHERE session_id = ?",
                                 error);
  session = stipple_store_prepare (self,
                                   "INSERT INTO needle_session (session_id, archive_id, n_blocks,"
                                   " n_samples, sha256) VALUES (?, ?, ?, ?, ?)", error);
  remove = stipple_store_prepare (self, "DELETE FROM telemetry_block WHERE session_id = ?", error);
  if (count == NULL || session == NULL || remove == NULL)
    goto fail;
  for (guint i = 0; i < sessions->len; i++)
    {
      const StippleArchiveSession *h = &g_array_index (sessions, StippleArchiveSession, i);

      sqlite3_reset (count);
      sqlite3_bind_int64 (count, 1, h->session_id);
      if (sqlite3_step (count) != SQLITE_ROW || sqlite3_column_int64 (count, 0) != h->n_blocks)
        {
          g_set_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_IO,
                       _("Session %" PRId64 " took more needle data while it was being "
                         "archived; it stays in the patient file for now."), h->session_id);
          goto fail;
        }
      sqlite3_reset (session);
      sqlite3_bind_int64 (session, 1, h->session_id);
      sqlite3_bind_int64 (session, 2, archive_id);
      sqlite3_bind_int64 (session, 3, h->n_blocks);
      sqlite3_bind_int64 (session, 4, h->n_samples);
      sqlite3_bind_blob (session, 5, h->sha256, 32, SQLITE_STATIC);
      if (!stipple_store_step_done (self, session, error))
        goto fail;
      sqlite3_reset (remove);
      sqlite3_bind_int64 (remove, 1, h->session_id);
      if (!stipple_store_step_done (self, remove, error))
        goto fail;
    }

  detail = g_strdup_printf ("period=%s sessions=%u blocks=%" G_GINT64_FORMAT " archive=%s sha256=%s",
                            period, sessions->len, n_blocks, file_name, sha256);
  if (!stipple_store_chain_event (self, "archive", detail, error) ||
      !stipple_store_commit (self, error))
    goto fail;
  return TRUE;

fail:
  stipple_store_rollback (self);
  return FALSE;
}

/* @period: "YYYY-MM" or "YYYY-MM-DD", UTC, which must have ended. */
static gboolean
check_period (const char  *period,
              GError     **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *this_month = g_date_time_format (now, "%Y-%m");
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  gsize len = period != NULL ? strlen (period) : 0;
  int year, mon, day = 1;
  char end;

  if ((len != 7 && len != 10) ||
      (len == 7 && sscanf (period, "%4d-%2d%c", &year, &mon, &end) != 2) ||
      (len == 10 && sscanf (period, "%4d-%2d-%2d%c", &year, &mon, &day, &end) != 3) ||
      !g_ascii_isdigit (period[0]) || period[4] != '-' ||
      !g_date_valid_dmy (day, mon, year))
    return stipple_store_invalid (error, _("“%s” is not a month (YYYY-MM) or a day (YYYY-MM-DD)."),
                                  period ? period : "");
  if (strcmp (period, len == 7 ? this_month : today) >= 0)
    {
      g_autofree char *words = period_words (period);

      if (len == 7)
        return stipple_store_invalid (error, _("The needle data of %s cannot be archived "
                                               "before the month has ended."), words);
      return stipple_store_invalid (error, _("The needle data of %s cannot be archived "
                                             "before the day has ended."), words);
    }
  return TRUE;
}

/* Called with no lock held, once the needle data queued has been
 * written: the blocks are read and the archive written through a
 * connection of its own (in WAL mode it never holds up the writer), and
 * the store's connection is taken only for the closing transaction. */
static gboolean
archive_run (StippleStore  *self,
             const char    *period,
             guint         *n_archived,
             GError       **error)
{
  g_autoptr(GArray) sessions = g_array_new (FALSE, FALSE, sizeof (StippleArchiveSession));
  g_autofree char *dir = stipple_store_archive_dir (self->path);
  g_autofree char *file_name = NULL;
  g_autofree char *archive = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *cutoff = a_day_ago ();
  g_autoptr(StippleStore) reader = NULL;
  gint64 n_blocks = 0;

  if (n_archived != NULL)
    *n_archived = 0;
  if (!check_period (period, error))
    return FALSE;
  if (self->version < 10)
    return TRUE;
  reader = stipple_store_open_reader (self, error);
  if (reader == NULL)
    return FALSE;

  {
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&reader->mutex);
    g_autoptr(StippleStmt) count = NULL;

    count = stipple_store_prepare (reader,
                                   "SELECT count(*) FROM telemetry_block b JOIN session s"
                                   " ON s.id = b.session_id WHERE" ARCHIVABLE, error);
    if (count == NULL)
      return FALSE;
    sqlite3_bind_text (count, 1, period, -1, SQLITE_STATIC);
    sqlite3_bind_text (count, 2, cutoff, -1, SQLITE_STATIC);
    if (sqlite3_step (count) != SQLITE_ROW)
      return sql_fail (reader->db, reader->path, error);
    n_blocks = sqlite3_column_int64 (count, 0);
    g_clear_pointer (&count, stipple_stmt_release);
    if (n_blocks == 0)
      return TRUE;

    if (g_mkdir_with_parents (dir, 0700) != 0)
      {
        stipple_store_set_errno_error (errno, dir, error);
        return FALSE;
      }
    file_name = stipple_archive_free_name (dir, period, "");
    archive = g_build_filename (dir, file_name, NULL);
    if (!write_archive (reader, period, archive, sessions, error))
      return FALSE;
  }

  n_blocks = 0;
  for (guint i = 0; i < sessions->len; i++)
    n_blocks += g_array_index (sessions, StippleArchiveSession, i).n_blocks;
  if (!stipple_archive_check (archive, sessions, error) ||
      (sha256 = stipple_archive_file_sha256 (archive, error)) == NULL)
    {
      g_unlink (archive);
      return FALSE;
    }

  {
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

    if (!stipple_store_check_open (self, error) ||
        !record_archive (self, period, file_name, sha256, sessions, n_blocks, error))
      {
        g_unlink (archive);
        return FALSE;
      }
  }
  if (n_archived != NULL)
    *n_archived = n_blocks;
  return TRUE;
}

/**
 * stipple_store_archive_month:
 * @self: a store
 * @period: a day ("YYYY-MM-DD") or a month ("YYYY-MM") that has ended,
 *   UTC, as the file keeps times
 * @n_archived: (out) (optional): how many blocks were moved
 * @error: return location for a #GError
 *
 * Moves the needle data of the sessions that started in @period, ended
 * and not yet archived, to a new needle archive beside the patient file,
 * "<period>.sqlite": the blocks are copied, the archive is synced and
 * read back, each session checked against its hash, and only then are
 * they removed from the patient file, in one transaction with the audit
 * row that records the archive (period, session and block counts, file
 * name and the archive's SHA-256). The patient file keeps each session's
 * hash. Nothing to move is not an error.
 *
 * Returns: whether the needle data is archived
 */
gboolean
stipple_store_archive_month (StippleStore  *self,
                             const char    *period,
                             guint         *n_archived,
                             GError       **error)
{
  g_return_val_if_fail (STIPPLE_IS_STORE (self), FALSE);

  if (!stipple_store_flush_telemetry (self, error))
    return FALSE;
  return archive_run (self, period, n_archived, error);
}

static GPtrArray *
closed_days (StippleStore  *self,
             GError       **error)
{
  g_autoptr(StippleStore) reader = NULL;
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(GPtrArray) days = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autoptr(StippleStmt) stmt = NULL;
  int rc;

  if (self->version < 10)
    return g_steal_pointer (&days);
  reader = stipple_store_open_reader (self, error);
  if (reader == NULL)
    return NULL;
  locker = g_mutex_locker_new (&reader->mutex);
  stmt = stipple_store_prepare (reader,
                                "SELECT DISTINCT substr (s.started_at, 1, 10) AS d FROM session s"
                                " WHERE substr (s.started_at, 1, 10) < ? AND EXISTS"
                                " (SELECT 1 FROM telemetry_block b WHERE b.session_id = s.id)"
                                " AND NOT EXISTS (SELECT 1 FROM needle_session n"
                                "                 WHERE n.session_id = s.id)"
                                " ORDER BY d", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, today, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (days, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  if (rc != SQLITE_DONE)
    {
      stipple_store_set_sqlite_error (reader->db, rc, reader->path, error);
      return NULL;
    }
  return g_steal_pointer (&days);
}

static gboolean
archive_closed (StippleStore  *self,
                guint         *n_days,
                guint         *n_archived,
                GError       **error)
{
  g_autoptr(GPtrArray) days = NULL;
  guint total = 0, archived = 0;

  if ((days = closed_days (self, error)) == NULL)
    return FALSE;
  for (guint i = 0; i < days->len; i++)
    {
      guint n = 0;

      if (!archive_run (self, g_ptr_array_index (days, i), &n, error))
        return FALSE;
      total += n;
      archived += n > 0;
    }
  if (n_days != NULL)
    *n_days = archived;
  if (n_archived != NULL)
    *n_archived = total;
  return TRUE;
}

/**
 * stipple_store_archive_closed_days:
 * @self: a store
 * @n_days: (out) (optional): how many days' needle data was archived
 * @n_archived: (out) (optional): how many blocks were moved
 * @error: return location for a #GError
 *
 * Archives, as stipple_store_archive_month() does, the needle data of
 * every day before today (UTC) still in the patient file, one archive a
 * day.
 *
 * Returns: whether every closed day is archived
 */
gboolean
stipple_store_archive_closed_days (StippleStore  *self,
                                   guint         *n_days,
                                   guint         *n_archived,
                                   GError       **error)
{
  g_return_val_if_fail (STIPPLE_IS_STORE (self), FALSE);

  if (n_days != NULL)
    *n_days = 0;
  if (n_archived != NULL)
    *n_archived = 0;
  if (!stipple_store_flush_telemetry (self, error))
    return FALSE;
  return archive_closed (self, n_days, n_archived, error);
}

static gpointer
archive_month_job (StippleStore  *self,
                   gpointer       data,
                   GCancellable  *cancellable,
                   GError       **error)
{
  guint n = 0;

  /* On the long lane: the needle data queued on the writer first. */
  if (!stipple_store_flush_telemetry (self, error))
    return NULL;
  if (data != NULL)
    {
      if (!archive_run (self, data, &n, error))
        return NULL;
    }
  else if (!archive_closed (self, NULL, &n, error))
    return NULL;
  return g_memdup2 (&n, sizeof n);
}

/**
 * stipple_store_archive_month_async:
 * @self: a store
 * @period: (nullable): a day or a month that has ended, or %NULL for
 *   every closed day still in the patient file
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * As stipple_store_archive_month() (or, for %NULL,
 * stipple_store_archive_closed_days()), on the store's long lane: the
 * archive is written through a connection of its own, so notes are saved
 * meanwhile, and only the closing transaction runs on the store's.
 */
void
stipple_store_archive_month_async (StippleStore        *self,
                                   const char          *period,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (STIPPLE_IS_STORE (self));

  stipple_store_run_async (self, STIPPLE_STORE_LANE_LONG, archive_month_job,
                           g_strdup (period), g_free, g_free, cancellable, callback, user_data,
                           stipple_store_archive_month_async);
}

/**
 * stipple_store_archive_month_finish:
 * @self: a store
 * @result: the result given to the callback
 * @n_archived: (out) (optional): how many blocks were moved
 * @error: return location for a #GError
 *
 * Returns: whether the needle data is archived
 */
gboolean
stipple_store_archive_month_finish (StippleStore  *self,
                                    GAsyncResult  *result,
                                    guint         *n_archived,
                                    GError       **error)
{
  g_autofree guint *n = stipple_store_run_finish (self, result, error);

  if (n_archived != NULL)
    *n_archived = n != NULL ? *n : 0;
  return n != NULL;
}

/* Reading ------------------------------------------------------------ */

/* The strokes archive in @dir, written for the @period, that holds
 * @session_id's needle data, or NULL: a patient file restored from a
 * backup taken before a thinning does not know of it. */
char *
stipple_archive_thinned_since (const char *dir,
                               const char *period,
                               gint64      session_id)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  g_autofree char *prefix = g_strconcat (period, "-strokes", NULL);
  const char *name;

  while (listing != NULL && session_id > 0 && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *archive = NULL;
      g_autoptr(sqlite3_stmt) stmt = NULL;
      sqlite3 *db;
      gboolean holds;

      if (!g_str_has_prefix (name, prefix) || !g_str_has_suffix (name, ".sqlite"))
        continue;
      archive = g_build_filename (dir, name, NULL);
      db = stipple_archive_open_read_only (archive, NULL);
      holds = db != NULL &&
              sqlite3_prepare_v2 (db, "SELECT 1 FROM telemetry_block WHERE session_id = ? LIMIT 1",
                                  -1, &stmt, NULL) == SQLITE_OK &&
              sqlite3_bind_int64 (stmt, 1, session_id) == SQLITE_OK &&
              sqlite3_step (stmt) == SQLITE_ROW;
      g_clear_pointer (&stmt, sqlite3_finalize);
      sqlite3_close (db);
      if (holds)
        return g_strdup (name);
    }
  return NULL;
}

/**
 * stipple_archive_set_error:
 * @error: return location for a #GError
 * @missing: whether the archive is not there (else it was changed)
 * @period: the archive's day or month
 * @archive: the archive's path
 * @session_id: a session whose needle data it holds, looked for in a
 *   strokes archive of the @period when the archive is missing; 0 not to
 */
void
stipple_archive_set_error (GError     **error,
                           gboolean     missing,
                           const char  *period,
                           const char  *archive,
                           gint64       session_id)
{
  g_autofree char *words = period_words (period);
  g_autofree char *dir = NULL;
  g_autofree char *since = NULL;

  if (missing)
    {
      dir = g_path_get_dirname (archive);
      since = stipple_archive_thinned_since (dir, period, session_id);
    }
  if (since != NULL)
    g_set_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_NOT_FOUND,
                 _("The needle data of %s was thinned to the per-stroke record, now in %s, "
                   "after this copy of the patient file was made, so this copy cannot check "
                   "it. If the file was restored from a backup, the file it replaced, kept "
                   "aside, still replays this session; the clinical record is not affected."),
                 words, since);
  else if (missing)
    g_set_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_NOT_FOUND,
                 _("The needle data of %s is in an archive that is missing: %s. "
                   "Put the archive back in its folder to replay this session; "
                   "the clinical record is not affected."), words, archive);
  else
    g_set_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_CORRUPT,
                 _("The needle data of %s is in an archive that was changed after it "
                   "was written: %s. Restore the archive from a backup; the clinical "
                   "record is not affected."), words, archive);
}

/* The period an archive holds, from its name ("2026-03-05.sqlite",
 * "2026-03-05-strokes-2.sqlite", "2026-03.sqlite"). */
char *
stipple_archive_period (const char *file_name)
{
  if (strlen (file_name) >= 10 && g_ascii_isdigit (file_name[8]) && g_ascii_isdigit (file_name[9]))
    return g_strndup (file_name, 10);
  return g_strndup (file_name, 7);
}

/**
 * stipple_store_archive_read_locked:
 * @self: a store, its mutex held
 * @session_id: a session
 * @blocks: (element-type StippleNeedleBlock): the session's blocks read
 *   from the patient file; its blocks in a needle archive are added
 * @thinned_at: (out) (optional) (nullable): when the session's needle
 *   data was thinned to its strokes, or %NULL
 * @error: return location for a #GError
 *
 * Reads the session's blocks that are in a needle archive, opened
 * read-only, and checks all of the session's blocks against the hash the
 * patient file keeps for it. Thinned needle data replaces the session's
 * full-rate blocks.
 *
 * Returns: whether the session's archived needle data was read
 */
gboolean
stipple_store_archive_read_locked (StippleStore  *self,
                                   gint64         session_id,
                                   GPtrArray     *blocks,
                                   char         **thinned_at,
                                   GError       **error)
{
  g_autoptr(StippleStmt) stmt = NULL;
  g_autoptr(sqlite3_stmt) read = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *archive = NULL;
  g_autofree char *period = NULL;
  g_autofree char *when = NULL;
  guint8 kept[32], sha256[32];
  gboolean thinned = FALSE, ok;
  sqlite3 *db;
  int rc;

  if (thinned_at != NULL)
    *thinned_at = NULL;
  if (self->version < 10)
    return TRUE;

  stmt = stipple_store_prepare (self,
                                "SELECT t.sha256, a.file_name, t.thinned_at, 1 FROM needle_thinning t"
                                " JOIN needle_archive a ON a.id = t.archive_id WHERE t.session_id = ?1"
                                " UNION ALL"
                                " SELECT n.sha256, a.file_name, NULL, 0 FROM needle_session n"
                                " JOIN needle_archive a ON a.id = n.archive_id WHERE n.session_id = ?1"
                                " ORDER BY 4 DESC LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, session_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc != SQLITE_ROW)
    {
      stipple_store_set_sqlite_error (self->db, rc, self->path, error);
      return FALSE;
    }
  if (sqlite3_column_bytes (stmt, 0) == 32)
    memcpy (kept, sqlite3_column_blob (stmt, 0), 32);
  else
    memset (kept, 0, 32);
  dir = stipple_store_archive_dir (self->path);
  archive = g_build_filename (dir, sqlite3_column_text (stmt, 1), NULL);
  period = stipple_archive_period ((const char *) sqlite3_column_text (stmt, 1));
  thinned = sqlite3_column_int (stmt, 3) != 0;
  when = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  g_clear_pointer (&stmt, stipple_stmt_release);

  /* Thinned needle data stands for all of the session's: in a patient
   * file exported from another, it travels in telemetry_block itself. */
  if (thinned && blocks->len > 0)
    ok = TRUE;
  else if (!g_file_test (archive, G_FILE_TEST_IS_REGULAR))
    {
      stipple_archive_set_error (error, TRUE, period, archive, session_id);
      return FALSE;
    }
  else
    {
      db = stipple_archive_open_read_only (archive, NULL);
      ok = db != NULL &&
           sqlite3_prepare_v2 (db, stipple_archive_blocks_sql, -1, &read, NULL) == SQLITE_OK &&
           stipple_archive_read_session_blocks (read, session_id, blocks);
      g_clear_pointer (&read, sqlite3_finalize);
      sqlite3_close (db);
    }
  if (ok)
    {
      g_ptr_array_sort (blocks, block_compare);
      stipple_archive_blocks_part (blocks, sha256);
      ok = memcmp (sha256, kept, 32) == 0;
    }
  if (!ok)
    {
      stipple_archive_set_error (error, FALSE, period, archive, 0);
      return FALSE;
    }
  if (thinned_at != NULL)
    *thinned_at = g_steal_pointer (&when);
  return TRUE;
}

/* Verification ------------------------------------------------------- */

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

/* Checks one archive that is there: its SHA-256 against the one the
 * patient file recorded, and each session it holds against its hash. */
static gboolean
verify_one (sqlite3              *db,
            const char           *path,
            gint64                archive_id,
            const char           *archive,
            const char           *sha256,
            gint64                only_session,
            StippleVerifyResult  *result,
            GError              **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(sqlite3_stmt) read = NULL;
  g_autofree char *base = g_path_get_basename (archive);
  g_autofree char *period = stipple_archive_period (base);
  g_autofree char *words = period_words (period);
  g_autofree char *sum = stipple_archive_file_sha256 (archive, NULL);
  sqlite3 *adb = NULL;
  int rc;

  if (sum == NULL || g_strcmp0 (sum, sha256) != 0)
    stipple_store_verify_add_break (result, 0, 0,
                                    g_strdup_printf (_("The needle archive of %s (%s) was "
                                                       "changed after it was written."),
                                                     words, archive));
  adb = stipple_archive_open_read_only (archive, NULL);
  if (adb == NULL || sqlite3_prepare_v2 (adb, stipple_archive_blocks_sql, -1, &read, NULL) != SQLITE_OK)
    {
      g_clear_pointer (&adb, sqlite3_close);
      stipple_store_verify_add_break (result, 0, 0,
                                      g_strdup_printf (_("The needle archive of %s (%s) "
                                                         "cannot be read."), words, archive));
      return TRUE;
    }
  if (sqlite3_prepare_v2 (db, "SELECT session_id, sha256 FROM needle_session"
                          " WHERE archive_id = ?1 AND (?2 = 0 OR session_id = ?2)"
                          " UNION ALL SELECT session_id, sha256 FROM needle_thinning"
                          " WHERE archive_id = ?1 AND (?2 = 0 OR session_id = ?2)"
                          " ORDER BY 1", -1, &stmt, NULL) != SQLITE_OK)
    {
      g_clear_pointer (&read, sqlite3_finalize);
      sqlite3_close (adb);
      return sql_fail (db, path, error);
    }
  sqlite3_bind_int64 (stmt, 1, archive_id);
  sqlite3_bind_int64 (stmt, 2, only_session);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 session_id = sqlite3_column_int64 (stmt, 0);
      g_autoptr(GPtrArray) blocks =
        g_ptr_array_new_with_free_func ((GDestroyNotify) stipple_needle_block_free);
      guint8 digest[32];
      gboolean good = stipple_archive_read_session_blocks (read, session_id, blocks) && blocks->len > 0;

      if (good)
        {
          stipple_archive_blocks_part (blocks, digest);
          good = sqlite3_column_bytes (stmt, 1) == 32 &&
                 memcmp (digest, sqlite3_column_blob (stmt, 1), 32) == 0;
        }
      if (!good)
        stipple_store_verify_add_break (result, 0, session_id,
                                        g_strdup_printf (_("The needle data of session %"
                                                           PRId64 " in the archive of %s (%s) "
                                                           "no longer matches the hash the "
                                                           "patient file keeps."),
                                                         session_id, words, archive));
    }
  g_clear_pointer (&read, sqlite3_finalize);
  sqlite3_close (adb);
  if (rc != SQLITE_DONE)
    return sql_fail (db, path, error);
  return TRUE;
}

/* What was thinned, and when: a note for each thinned archive. */
static gboolean
note_thinned (sqlite3              *db,
              const char           *path,
              gint64                only_session,
              StippleVerifyResult  *result,
              GError              **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, "SELECT a.file_name, count(*), min (t.thinned_at) FROM needle_thinning t"
                          " JOIN needle_archive a ON a.id = t.archive_id"
                          " WHERE ?1 = 0 OR t.session_id = ?1 GROUP BY a.id ORDER BY a.id",
                          -1, &stmt, NULL) != SQLITE_OK)
    return sql_fail (db, path, error);
  sqlite3_bind_int64 (stmt, 1, only_session);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autofree char *period = stipple_archive_period ((const char *) sqlite3_column_text (stmt, 0));
      g_autofree char *words = period_words (period);
      guint n = sqlite3_column_int (stmt, 1);
      const char *when = (const char *) sqlite3_column_text (stmt, 2);

      g_ptr_array_add (result->notes,
                       g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                     "The needle data of %s (%u session) was "
                                                     "thinned to the per-stroke record on %.10s; "
                                                     "its seal holds through the hash the "
                                                     "patient file keeps.",
                                                     "The needle data of %s (%u sessions) was "
                                                     "thinned to the per-stroke record on %.10s; "
                                                     "their seals hold through the hashes the "
                                                     "patient file keeps.", n),
                                        words, n, when ? when : "?"));
    }
  if (rc != SQLITE_DONE)
    return sql_fail (db, path, error);
  return TRUE;
}

/* An archive not in its folder is no break, but the auditor hears of it:
 * which sessions' needle data cannot be read, and whether it was thinned
 * since this copy of the patient file was made (a restored backup). A
 * full-rate archive whose sessions are all thinned is gone by design. */
static gboolean
note_missing (sqlite3              *db,
              const char           *path,
              gint64                archive_id,
              const char           *file_name,
              gint64                only_session,
              StippleVerifyResult  *result,
              GError              **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *period = stipple_archive_period (file_name);
  g_autofree char *words = period_words (period);
  g_autofree char *dir = NULL;
  g_autofree char *since = NULL;
  guint n;

  if (sqlite3_prepare_v2 (db, "SELECT count(*), min (session_id) FROM"
                          " (SELECT n.session_id FROM needle_session n WHERE n.archive_id = ?1"
                          "  AND NOT EXISTS (SELECT 1 FROM needle_thinning t"
                          "                  WHERE t.session_id = n.session_id)"
                          "  UNION ALL SELECT t.session_id FROM needle_thinning t"
                          "  WHERE t.archive_id = ?1)"
                          " WHERE ?2 = 0 OR session_id = ?2", -1, &stmt, NULL) != SQLITE_OK)
    return sql_fail (db, path, error);
  sqlite3_bind_int64 (stmt, 1, archive_id);
  sqlite3_bind_int64 (stmt, 2, only_session);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return sql_fail (db, path, error);
  n = sqlite3_column_int (stmt, 0);
  if (n == 0)
    return TRUE;
  dir = stipple_store_archive_dir (path);
  since = stipple_archive_thinned_since (dir, period, sqlite3_column_int64 (stmt, 1));
  if (since != NULL)
    g_ptr_array_add (result->notes,
                     g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                   "The needle data of %s (%u session) was "
                                                   "thinned to the per-stroke record, now in %s, "
                                                   "after this copy of the patient file was "
                                                   "made, so it cannot be read here; its seal "
                                                   "holds through the hash the patient file "
                                                   "keeps.",
                                                   "The needle data of %s (%u sessions) was "
                                                   "thinned to the per-stroke record, now in %s, "
                                                   "after this copy of the patient file was "
                                                   "made, so it cannot be read here; their seals "
                                                   "hold through the hashes the patient file "
                                                   "keeps.", n),
                                      words, n, since));
  else
    g_ptr_array_add (result->notes,
                     g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                   "The needle archive of %s (%u session), %s, "
                                                   "is not in its folder: its needle data "
                                                   "cannot be replayed until it is put back; "
                                                   "its seal holds through the hash the patient "
                                                   "file keeps.",
                                                   "The needle archive of %s (%u sessions), %s, "
                                                   "is not in its folder: their needle data "
                                                   "cannot be replayed until it is put back; "
                                                   "their seals hold through the hashes the "
                                                   "patient file keeps.", n),
                                      words, n, file_name));
  return TRUE;
}

/**
 * stipple_store_archive_verify:
 * @db: a patient file, read in one transaction
 * @path: its path: the archives are looked for beside it
 * @only_session: a session, or 0 for every session
 * @with_archives: whether to open the archives
 * @result: where to add each break found, and the notes
 * @error: return location for a #GError, set only when @db cannot be read
 *
 * Notes each thinning; with @with_archives, checks each needle archive
 * that is in its place against what the patient file recorded of it. An
 * archive that is not there is no break: the patient file's record holds
 * without it (each session's hash is in its seal); it is noted, and
 * reading its needle data says that it is missing.
 *
 * Returns: whether the check could be made
 */
gboolean
stipple_store_archive_verify (sqlite3              *db,
                              const char           *path,
                              gint64                only_session,
                              gboolean              with_archives,
                              StippleVerifyResult  *result,
                              GError              **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *dir = NULL;
  int rc;

  if (!table_exists (db, "needle_session"))
    return TRUE;
  if (!note_thinned (db, path, only_session, result, error))
    return FALSE;
  if (!with_archives)
    return TRUE;
  if (sqlite3_prepare_v2 (db, "SELECT a.id, a.file_name, a.sha256 FROM needle_archive a"
                          " WHERE ?1 = 0"
                          " OR EXISTS (SELECT 1 FROM needle_session n"
                          "            WHERE n.archive_id = a.id AND n.session_id = ?1)"
                          " OR EXISTS (SELECT 1 FROM needle_thinning t"
                          "            WHERE t.archive_id = a.id AND t.session_id = ?1)"
                          " ORDER BY a.id", -1, &stmt, NULL) != SQLITE_OK)
    return sql_fail (db, path, error);
  sqlite3_bind_int64 (stmt, 1, only_session);
  dir = stipple_store_archive_dir (path);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autofree char *archive = g_build_filename (dir, sqlite3_column_text (stmt, 1), NULL);

      if (!g_file_test (archive, G_FILE_TEST_IS_REGULAR))
        {
          if (!note_missing (db, path, sqlite3_column_int64 (stmt, 0),
                             (const char *) sqlite3_column_text (stmt, 1), only_session, result,
                             error))
            return FALSE;
          continue;
        }
      if (!verify_one (db, path, sqlite3_column_int64 (stmt, 0), archive,
                       (const char *) sqlite3_column_text (stmt, 2), only_session, result, error))
        return FALSE;
    }
  if (rc != SQLITE_DONE)
    return sql_fail (db, path, error);
  return TRUE;
}

/* Version 10 ------------------------------------------------------------ */

static const char migrate_v10_sql[] =
  "DROP TRIGGER telemetry_block_no_delete;"
  "DROP TRIGGER telemetry_block_no_reuse;"
  "DROP TRIGGER needle_block_no_update;"
  "DROP TRIGGER needle_block_no_delete;"
  "DROP TRIGGER needle_block_no_reuse;"
  "DROP TABLE needle_block;"
  "CREATE TRIGGER telemetry_block_no_delete BEFORE DELETE ON telemetry_block"
  "  WHEN NOT EXISTS (SELECT 1 FROM needle_session WHERE session_id = OLD.session_id)"
  "  BEGIN SELECT RAISE (ABORT, 'needle data is append-only'); END;"
  "CREATE TRIGGER telemetry_block_no_reuse BEFORE INSERT ON telemetry_block"
  "  WHEN EXISTS (SELECT 1 FROM telemetry_block"
  "               WHERE session_id = NEW.session_id AND seq_first = NEW.seq_first)"
  "    OR EXISTS (SELECT 1 FROM needle_session WHERE session_id = NEW.session_id)"
  "  BEGIN SELECT RAISE (ABORT, 'needle data is append-only'); END;";

/**
 * stipple_store_archive_migrate_v10:
 * @db: a patient file of version 9, inside the migration's transaction,
 *   needle_session created
 * @path: its path, for messages
 * @error: return location for a #GError
 *
 * Keeps, for each session archived in version 9, one needle_session row
 * with the hash of its seal's needle-data part (computed from the block
 * hashes needle_block kept, which is what its seal covers), then drops
 * needle_block.
 *
 * Returns: whether the file is at version 10
 */
gboolean
stipple_store_archive_migrate_v10 (sqlite3     *db,
                                   const char  *path,
                                   GError     **error)
{
  g_autoptr(sqlite3_stmt) select = NULL;
  g_autoptr(sqlite3_stmt) insert = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, "SELECT session_id, count(*), sum (n_samples), min (archive_id),"
                          " count (DISTINCT archive_id) FROM needle_block GROUP BY session_id"
                          " ORDER BY session_id", -1, &select, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, "INSERT INTO needle_session (session_id, archive_id, n_blocks,"
                          " n_samples, sha256) VALUES (?, ?, ?, ?, ?)", -1, &insert,
                          NULL) != SQLITE_OK)
    return sql_fail (db, path, error);
  while ((rc = sqlite3_step (select)) == SQLITE_ROW)
    {
      gint64 session_id = sqlite3_column_int64 (select, 0);
      g_autofree char *part = NULL;
      guint8 sha256[32];

      if (sqlite3_column_int64 (select, 4) != 1)
        return stipple_store_invalid (error, _("The needle data of session %" PRId64 " is "
                                               "spread over several archives; this Stipple "
                                               "cannot bring the file up to date."), session_id);
      part = stipple_store_chain_needle_part (db, path, session_id, error);
      if (part == NULL)
        return FALSE;
      for (guint i = 0; i < 32; i++)
        sha256[i] = (g_ascii_xdigit_value (part[2 * i]) << 4) | g_ascii_xdigit_value (part[2 * i + 1]);
      sqlite3_reset (insert);
      sqlite3_bind_int64 (insert, 1, session_id);
      sqlite3_bind_int64 (insert, 2, sqlite3_column_int64 (select, 3));
      sqlite3_bind_int64 (insert, 3, sqlite3_column_int64 (select, 1));
      sqlite3_bind_int64 (insert, 4, sqlite3_column_int64 (select, 2));
      sqlite3_bind_blob (insert, 5, sha256, 32, SQLITE_TRANSIENT);
      if (sqlite3_step (insert) != SQLITE_DONE)
        return sql_fail (db, path, error);
    }
  if (rc != SQLITE_DONE)
    return sql_fail (db, path, error);
  g_clear_pointer (&insert, sqlite3_finalize);
  g_clear_pointer (&select, sqlite3_finalize);
  if (sqlite3_exec (db, migrate_v10_sql, NULL, NULL, NULL) != SQLITE_OK)
    return sql_fail (db, path, error);
  return TRUE;
}
