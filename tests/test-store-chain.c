/* test-store-chain.c: the append-only tables, the hash chain and the
 * seals, tried from the outside with plain SQLite as an auditor (or
 * anyone else) would; stipple --verify and the auditor's script against
 * the same files; and reading without writing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sys/wait.h>

#include "stipple-store.h"
#include "test-store-util.h"

typedef struct
{
  char *dir;
  char *path;     /* a demo file, closed, its record whole */
  gint64 session; /* one of its ended sessions, with needle data */
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = NULL;
  g_autofree char *id = NULL;

  f->dir = g_dir_make_tmp ("stipple-chain-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "patients.stipple", NULL);
  store = stipple_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (stipple_store_fill_demo (store, NULL, &error));
  g_assert_no_error (error);
  stipple_store_close (store);

  id = test_sql (f->path, "SELECT session_id FROM telemetry_block ORDER BY session_id LIMIT 1",
                 NULL);
  g_assert_nonnull (id);
  f->session = g_ascii_strtoll (id, NULL, 10);

  /* The patient called the next day: an addendum, which the session's
   * last seal covers. */
  g_clear_object (&store);
  store = stipple_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (stipple_store_add_note_addendum (store, f->session, STIPPLE_NOTE_AFTER,
                                                  "Called the next day: mild redness, settling.",
                                                  "Dr Demo", &error));
  g_assert_no_error (error);
  stipple_store_close (store);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

/* Runs SQL (several statements) through a plain connection. */
static int
sql_exec (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;
  int rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);

  if (rc == SQLITE_OK)
    rc = sqlite3_exec (db, sql, NULL, NULL, NULL);
  sqlite3_close (db);
  return rc;
}

static int
run (char **out,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list ap;
  int status = 0;

  va_start (ap, out);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  /* What is not read is kept out of the test's own output, which is TAP. */
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL,
                               G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL |
                               (out == NULL ? G_SPAWN_STDOUT_TO_DEV_NULL : 0), NULL, NULL,
                               out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static StippleVerifyResult *
verify (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = stipple_store_open_read_only (path, &error);
  StippleVerifyResult *result;

  g_assert_no_error (error);
  result = stipple_store_verify (store, 0, &error);
  g_assert_no_error (error);
  return result;
}

static void
print_breaks (const StippleVerifyResult *result)
{
  for (guint i = 0; i < result->breaks->len; i++)
    g_test_message ("%s", ((StippleVerifyBreak *) result->breaks->pdata[i])->message);
}

static gboolean
has_break (const StippleVerifyResult *result,
           const char                *words)
{
  for (guint i = 0; i < result->breaks->len; i++)
    if (strstr (((StippleVerifyBreak *) result->breaks->pdata[i])->message, words) != NULL)
      return TRUE;
  return FALSE;
}

/* ------------------------------------------------------------------ */

typedef struct
{
  const char *table;
  const char *count;    /* what must not change */
  const char *attempts[6];
} AppendOnly;

static void
test_append_only (Fixture       *f,
                  gconstpointer  data)
{
  static const AppendOnly tables[] = {
    { "audit", "SELECT count(*) || ' ' || group_concat (user || depth, ',') FROM"
               " (SELECT user, sent AS depth FROM audit ORDER BY id)",
      { "UPDATE audit SET user = 'Mallory' WHERE id = 1",
        "DELETE FROM audit WHERE id = 1",
        "REPLACE INTO audit (id, uid, session_id, at, user, kind, sent) SELECT id, uid,"
        " session_id, at, 'Mallory', kind, 'depth_um=2500' FROM audit WHERE id = 1",
        "INSERT OR REPLACE INTO audit (id, uid, session_id, at, user, kind, sent) SELECT id, uid,"
        " session_id, at, 'Mallory', kind, 'depth_um=2500' FROM audit WHERE id = 1",
        "INSERT INTO audit (id, uid, session_id, at, user, kind) SELECT id, uid, session_id, at,"
        " 'Mallory', kind FROM audit WHERE id = 1 ON CONFLICT DO UPDATE SET user = 'Mallory'",
        "INSERT INTO audit (uid, session_id, at, user, kind) SELECT uid, session_id, at,"
        " 'Mallory', kind FROM audit WHERE id = 1" } },
    { "screening_answer", "SELECT count(*) || ' ' || group_concat (answer || note, ',') FROM"
                          " (SELECT answer, note FROM screening_answer ORDER BY id)",
      { "UPDATE screening_answer SET answer = 0",
        "DELETE FROM screening_answer WHERE id = 1",
        "REPLACE INTO screening_answer SELECT id, uid, patient_id, session_id, item_key,"
        " 1 - answer, 'x', answered_on FROM screening_answer WHERE id = 1",
        "INSERT OR REPLACE INTO screening_answer SELECT id, uid, patient_id, session_id,"
        " item_key, 1 - answer, 'x', answered_on FROM screening_answer WHERE id = 1",
        "INSERT INTO screening_answer SELECT * FROM screening_answer WHERE id = 1"
        " ON CONFLICT DO UPDATE SET answer = 1 - answer",
        "INSERT INTO screening_answer (uid, patient_id, item_key, answer, answered_on)"
        " SELECT uid, patient_id, item_key, answer, answered_on FROM screening_answer"
        " WHERE id = 1" } },
    { "consent", "SELECT count(*) || ' ' || group_concat (given || signed_on, ',') FROM"
                 " (SELECT given, signed_on FROM consent ORDER BY id)",
      { "UPDATE consent SET given = 1 - given",
        "DELETE FROM consent WHERE id = 1",
        "REPLACE INTO consent SELECT id, uid, patient_id, kind, 1 - given, signed_on"
        " FROM consent WHERE id = 1",
        "INSERT OR REPLACE INTO consent SELECT id, uid, patient_id, kind, 1 - given, signed_on"
        " FROM consent WHERE id = 1",
        "INSERT INTO consent SELECT * FROM consent WHERE id = 1"
        " ON CONFLICT DO UPDATE SET given = 1 - given",
        "INSERT INTO consent (uid, patient_id, kind, given, signed_on) SELECT uid, patient_id,"
        " kind, given, signed_on FROM consent WHERE id = 1" } },
    { "telemetry_block", "SELECT count(*) || ' ' || sum (length (data)) FROM telemetry_block",
      { "UPDATE telemetry_block SET data = zeroblob (4)",
        "DELETE FROM telemetry_block WHERE seq_first = 0",
        "REPLACE INTO telemetry_block SELECT session_id, seq_first, n_samples, start_us, end_us,"
        " encoding, zeroblob (4) FROM telemetry_block WHERE seq_first = 0 LIMIT 1",
        "INSERT OR REPLACE INTO telemetry_block SELECT session_id, seq_first, n_samples,"
        " start_us, end_us, encoding, zeroblob (4) FROM telemetry_block WHERE seq_first = 0"
        " LIMIT 1",
        "INSERT INTO telemetry_block SELECT * FROM telemetry_block WHERE seq_first = 0 LIMIT 1"
        " ON CONFLICT DO UPDATE SET data = zeroblob (4)",
        "INSERT INTO telemetry_block SELECT * FROM telemetry_block WHERE seq_first = 0 LIMIT 1" } },
  };

  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    {
      g_autofree char *before = test_sql (f->path, tables[t].count, NULL);

      g_assert_nonnull (before);
      for (guint a = 0; a < G_N_ELEMENTS (tables[t].attempts); a++)
        {
          g_autofree char *after = NULL;
          int rc = sql_exec (f->path, tables[t].attempts[a]);

          if (g_test_verbose ())
            g_printerr ("%s: %s → %d\n", tables[t].table, tables[t].attempts[a], rc);
          g_assert_cmpint (rc, ==, SQLITE_CONSTRAINT);
          after = test_sql (f->path, tables[t].count, NULL);
          g_assert_cmpstr (after, ==, before);
        }
    }

  {
    g_autoptr(StippleVerifyResult) result = verify (f->path);
    g_assert_cmpuint (result->breaks->len, ==, 0);
  }
}

static void
test_whole (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(StippleVerifyResult) result = verify (f->path);
  g_autofree char *out = NULL;
  g_autofree char *ended = test_sql (f->path,
                                     "SELECT count(*) FROM session WHERE ended_at IS NOT NULL",
                                     NULL);

  print_breaks (result);
  g_assert_cmpuint (result->breaks->len, ==, 0);
  g_assert_cmpint (result->n_rows, >, 10);
  g_assert_cmpint (result->n_sealed, ==, g_ascii_strtoll (ended, NULL, 10));
  g_assert_cmpint (result->n_sealed, >, 0);
  g_assert_cmpuint (strlen (result->head_hash), ==, 64);

  g_assert_cmpint (run (&out, g_getenv ("STIPPLE_BINARY"), "--verify", f->path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, result->head_hash));
}

typedef struct
{
  const char *name;
  const char *trigger; /* dropped around the edit and put back, or NULL */
  const char *sql;     /* @S@: the session with needle data */
  const char *words;   /* in the break Stipple names */
  gboolean    script;  /* the auditor's script checked too (it forks a lot: a few cases) */
} Tamper;

#define NO_TRIGGER(t, what) t, what

static const Tamper tampers[] = {
  /* The user and depth of a row rewritten in place, id, uid and time
   * kept, the triggers dropped around the edit and put back. */
  { "rewrite", NO_TRIGGER ("audit_no_update",
                           "UPDATE audit SET user = 'Mallory', sent = 'depth_um=2500'"
                           " WHERE id = 3"), "Audit row 3" , TRUE },
  { "replace", NO_TRIGGER ("audit_no_reuse",
                           "INSERT OR REPLACE INTO audit SELECT id, uid, session_id, at,"
                           " 'Mallory', kind, zone, sent, acknowledgement, read_back, detail,"
                           " prev_hash, hash FROM audit WHERE id = 3"), "Audit row 3" },
  /* A forged confirmation, back-dated, before every real row. */
  { "forged", NULL, "INSERT INTO audit (id, uid, session_id, at, user, kind, sent, detail)"
              " VALUES (-1, 'forged', @S@, '2020-01-01T09:00:00.000000Z', 'Dr Who',"
              " 'limit-confirmed', 'depth_um=2500 limit_um=1500', 'thick skin')",
    "Audit row -1" },
  { "drop-audit", NULL, "DROP TABLE audit", "audit trail has been removed" },
  { "delete-session", NULL, "PRAGMA foreign_keys = OFF;"
                      "DELETE FROM zone_pass WHERE session_id = @S@;"
                      "DELETE FROM session_serum WHERE session_id = @S@;"
                      "DELETE FROM session WHERE id = @S@", "has been removed" },
  { "plan", NULL, "UPDATE zone_pass SET depth_um = depth_um + 500 WHERE session_id = @S@",
    "changed: plan" },
  { "note", NO_TRIGGER ("session_sealed_notes",
                        "UPDATE session SET note_after = 'all fine' WHERE id = @S@"),
    "changed: record" },
  { "addendum-edit", NO_TRIGGER ("note_addendum_no_update",
                                 "UPDATE note_addendum SET text = 'No reaction.'"
                                 " WHERE session_id = @S@"), "changed: addenda", TRUE },
  { "addendum-removed", NO_TRIGGER ("note_addendum_no_delete",
                                    "DELETE FROM note_addendum WHERE session_id = @S@"),
    "changed: addenda" },
  { "totals", NULL, "UPDATE zone_strokes SET time_in_zone_us = 0 WHERE session_id = @S@",
    "changed: totals" },
  { "needle-data", NO_TRIGGER ("telemetry_block_no_delete",
                               "DELETE FROM telemetry_block WHERE session_id = @S@"
                               " AND seq_first = 8000"), "changed: needle-data" },
  { "needle-byte", NO_TRIGGER ("telemetry_block_no_update",
                               "UPDATE telemetry_block SET data = CAST (substr (data, 1, 20)"
                               " || X'00' || substr (data, 22) AS BLOB) WHERE session_id = @S@"
                               " AND seq_first = 16000"), "changed: needle-data" , TRUE },
  { "seal-removed", NO_TRIGGER ("audit_no_delete",
                                "DELETE FROM audit WHERE kind = 'seal' AND session_id = @S@"),
    "has no seal" },
};

static void
test_tamper (Fixture       *f,
             gconstpointer  data)
{
  const Tamper *tamper = data;
  g_autofree char *session = g_strdup_printf ("%" G_GINT64_FORMAT, f->session);
  g_autoptr(GString) edit = g_string_new (tamper->sql);
  const char *sql;
  g_autoptr(StippleVerifyResult) result = NULL;
  g_autofree char *out = NULL;
  g_autofree char *script_out = NULL;
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "..", "build-aux",
                                                   "stipple-verify-chain", NULL);
  g_autofree char *head = NULL;
  guint script_breaks = 0;
  g_auto(GStrv) lines = NULL;

  g_string_replace (edit, "@S@", session, 0);
  sql = edit->str;

  /* What an auditor recomputes by hand agrees with Stipple on the whole
   * file first. */
  if (tamper->script)
    {
      g_assert_cmpint (run (&script_out, script, f->path, NULL), ==, 0);
      result = verify (f->path);
      head = g_strdup_printf ("head: %" G_GINT64_FORMAT " %s\n", result->head_id,
                              result->head_hash);
      g_assert_true (g_str_has_suffix (script_out, head));
      g_clear_pointer (&result, stipple_verify_result_free);
      g_clear_pointer (&script_out, g_free);
    }

  if (tamper->trigger != NULL)
    {
      g_autofree char *query = g_strdup_printf ("SELECT sql FROM sqlite_schema WHERE name = '%s'",
                                                tamper->trigger);
      g_autofree char *saved = test_sql (f->path, query, NULL);
      g_autofree char *drop = g_strdup_printf ("DROP TRIGGER %s", tamper->trigger);

      g_assert_nonnull (saved);
      g_assert_cmpint (sql_exec (f->path, drop), ==, SQLITE_OK);
      g_assert_cmpint (sql_exec (f->path, sql), ==, SQLITE_OK);
      /* Put back the way it was: the schema shows nothing. */
      g_assert_cmpint (sql_exec (f->path, saved), ==, SQLITE_OK);
    }
  else
    g_assert_cmpint (sql_exec (f->path, sql), ==, SQLITE_OK);
  {
    g_autofree char *integrity = test_sql (f->path, "PRAGMA integrity_check", NULL);
    g_assert_cmpstr (integrity, ==, "ok");
  }

  result = verify (f->path);
  for (guint i = 0; g_test_verbose () && i < result->breaks->len; i++)
    g_printerr ("%s: %s\n", tamper->name,
                ((StippleVerifyBreak *) result->breaks->pdata[i])->message);
  g_assert_cmpuint (result->breaks->len, >, 0);
  g_assert_true (has_break (result, tamper->words));

  g_assert_cmpint (run (&out, g_getenv ("STIPPLE_BINARY"), "--verify", f->path, NULL), ==, 1);
  g_assert_nonnull (strstr (out, tamper->words));

  if (!tamper->script)
    return;

  /* The script finds as many breaks and the same head. */
  g_assert_cmpint (run (&script_out, script, f->path, NULL), ==, 1);
  lines = g_strsplit (script_out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (*lines[i] != '\0' && !g_str_has_prefix (lines[i], "head: "))
      script_breaks++;
  if (g_test_verbose ())
    g_printerr ("%s", script_out);
  g_assert_cmpuint (script_breaks, ==, result->breaks->len);
  if (result->head_id != 0)
    {
      g_free (head);
      head = g_strdup_printf ("head: %" G_GINT64_FORMAT " %s\n", result->head_id,
                              result->head_hash);
      g_assert_true (g_str_has_suffix (script_out, head));
    }
}

/* ------------------------------------------------------------------ */

static char *
checksum_file (const char *path)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, NULL))
    return g_strdup ("(missing)");
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
}

static gint
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The folder's names with each file's checksum: what reading may not change. */
static char *
list_dir (const char *dir_path)
{
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) out = g_string_new (NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *child = g_build_filename (dir_path, names->pdata[i], NULL);
      g_autofree char *sum = g_file_test (child, G_FILE_TEST_IS_DIR)
                               ? g_strdup ("dir") : checksum_file (child);
      g_string_append_printf (out, "%s %s\n", (char *) names->pdata[i], sum);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
test_read_only (Fixture       *f,
                gconstpointer  data)
{
  const char *stipple = g_getenv ("STIPPLE_BINARY");
  g_autofree char *reports = g_build_filename (f->dir, "reports", NULL);
  g_autofree char *pdf = g_build_filename (reports, "report.pdf", NULL);
  g_autofree char *empty = g_build_filename (f->dir, "empty.stipple", NULL);
  g_autofree char *missing = g_build_filename (f->dir, "missing", "patients.stipple", NULL);
  g_autofree char *foreign = g_build_filename (f->dir, "foreign.stipple", NULL);
  g_autofree char *session = g_strdup_printf ("%" G_GINT64_FORMAT, f->session);
  g_autofree char *database = g_strconcat ("--database=", f->path, NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *out = NULL;

  g_assert_cmpint (g_mkdir (reports, 0700), ==, 0);
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  g_assert_cmpint (sql_exec (foreign, "PRAGMA application_id = 42; CREATE TABLE t (x)"), ==,
                   SQLITE_OK);
  /* A folder with no backups yet: the daily backup would make one. */
  test_remove_tree (stipple_store_get_backup_dir (f->path));

  before = list_dir (f->dir);

  /* A good file: the report is written, nothing else changes. */
  g_assert_cmpint (run (&out, stipple, database, "--export-pdf", session, pdf, NULL), ==, 0);
  g_assert_true (g_file_test (pdf, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (run (NULL, stipple, "--verify", f->path, NULL), ==, 0);

  /* Refused files stay as they were, and nothing appears beside them. */
  {
    g_autofree char *db_empty = g_strconcat ("--database=", empty, NULL);
    g_autofree char *db_missing = g_strconcat ("--database=", missing, NULL);
    g_autofree char *db_foreign = g_strconcat ("--database=", foreign, NULL);
    g_autofree char *pdf2 = g_build_filename (f->dir, "other.pdf", NULL);

    g_assert_cmpint (run (NULL, stipple, db_empty, "--export-pdf", "1", pdf2, NULL), !=, 0);
    g_assert_cmpint (run (NULL, stipple, db_missing, "--export-pdf", "1", pdf2, NULL), !=, 0);
    g_assert_cmpint (run (NULL, stipple, db_foreign, "--export-pdf", "1", pdf2, NULL), !=, 0);
    g_assert_cmpint (run (NULL, stipple, "--verify", empty, NULL), ==, 2);
    g_assert_cmpint (run (NULL, stipple, "--verify", missing, NULL), ==, 2);
    g_assert_cmpint (run (NULL, stipple, "--verify", foreign, NULL), ==, 2);
    g_assert_false (g_file_test (pdf2, G_FILE_TEST_EXISTS));
  }

  g_assert_cmpint (g_unlink (pdf), ==, 0);
  after = list_dir (f->dir);
  g_assert_cmpstr (after, ==, before);
  {
    g_autofree char *sub = g_build_filename (f->dir, "missing", NULL);
    g_assert_false (g_file_test (sub, G_FILE_TEST_EXISTS));
  }
}

/* One flipped byte in one block of needle data: the report draws the
 * rest, says what is missing, and says on its first page that the
 * record was changed; every page carries the chain's head. */
static void
test_report_on_broken_record (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *session = g_strdup_printf ("%" G_GINT64_FORMAT, f->session);
  g_autofree char *database = g_strconcat ("--database=", f->path, NULL);
  g_autofree char *pdf = g_build_filename (f->dir, "report.pdf", NULL);
  g_autofree char *text = NULL;
  g_autofree char *saved = test_sql (f->path, "SELECT sql FROM sqlite_schema"
                                     " WHERE name = 'telemetry_block_no_update'", NULL);
  g_autofree char *edit = g_strdup_printf ("UPDATE telemetry_block SET data ="
                                           " CAST (substr (data, 1, 40) || X'FF' ||"
                                           " substr (data, 42) AS BLOB)"
                                           " WHERE session_id = %s AND seq_first = 16000",
                                           session);
  g_autofree char *first_page = NULL;
  g_autoptr(StippleVerifyResult) result = NULL;

  g_assert_cmpint (sql_exec (f->path, "DROP TRIGGER telemetry_block_no_update"), ==, SQLITE_OK);
  g_assert_cmpint (sql_exec (f->path, edit), ==, SQLITE_OK);
  g_assert_cmpint (sql_exec (f->path, saved), ==, SQLITE_OK);
  result = verify (f->path);

  g_assert_cmpint (run (NULL, g_getenv ("STIPPLE_BINARY"), database, "--export-pdf", session,
                        pdf, NULL), ==, 0);
  g_assert_cmpint (run (&text, "pdftotext", "-enc", "UTF-8", pdf, "-", NULL), ==, 0);
  g_assert_cmpint (run (&first_page, "pdftotext", "-enc", "UTF-8", "-l", "1", pdf, "-", NULL),
                   ==, 0);
  g_assert_nonnull (strstr (first_page, "changed outside Stipple"));
  g_assert_nonnull (strstr (text, "1 of "));
  g_assert_nonnull (strstr (text, "could not be read"));
  g_assert_null (strstr (text, "No telemetry was recorded"));
  g_assert_nonnull (strstr (first_page, result->head_hash));
}

/* A record whose audit trail cannot be read is no report at all: never
 * one that quietly says no limit was confirmed and no fault occurred. */
static void
test_report_without_audit (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *session = g_strdup_printf ("%" G_GINT64_FORMAT, f->session);
  g_autofree char *pdf = g_build_filename (f->dir, "report.pdf", NULL);
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { g_getenv ("STIPPLE_BINARY"), "--database", f->path, "--export-pdf",
                         session, pdf, NULL };
  int status = 0;

  g_assert_cmpint (sql_exec (f->path, "DROP TABLE audit"), ==, SQLITE_OK);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                               NULL, &err, &status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), !=, 0);
  g_test_message ("%s", err);
  g_assert_nonnull (strstr (err, "audit"));
  g_assert_false (g_file_test (pdf, G_FILE_TEST_EXISTS));
}

/* A session that differs only in what the old comparison left out (the
 * cartridge, the anaesthetic's time) is a conflict, not a silent keep. */
static void
test_import_compares_every_column (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *exported = g_build_filename (f->dir, "one.stipple", NULL);
  g_autofree char *patient = test_sql (f->path, "SELECT patient_id FROM session WHERE id = 1",
                                       NULL);
  g_autoptr(StippleStore) store = NULL;
  g_autoptr(StippleImportResult) result = NULL;

  store = stipple_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (stipple_store_export_patient (store, g_ascii_strtoll (patient, NULL, 10),
                                               exported, &error));
  g_assert_no_error (error);
  stipple_store_close (store);
  g_clear_object (&store);

  /* The exported file has a whole chain of its own. */
  {
    g_autoptr(StippleVerifyResult) check = verify (exported);
    g_assert_cmpuint (check->breaks->len, ==, 0);
    g_assert_cmpint (check->n_sealed, >, 0);
  }

  g_assert_cmpint (sql_exec (exported, "UPDATE session SET cartridge_id = 'OTHER' WHERE id = 1"),
                   ==, SQLITE_OK);
  store = stipple_store_open (f->path, &error);
  result = stipple_store_import (store, exported, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->conflicts->len, ==, 1);
  g_assert_nonnull (strstr (result->conflicts->pdata[0], "differs"));
  stipple_store_close (store);

  {
    g_autoptr(StippleVerifyResult) check = verify (f->path);
    g_assert_cmpuint (check->breaks->len, ==, 0);
  }
}

static void
test_backup_name (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) backups = stipple_store_list_backups (f->path);

  /* The demo file was filled after the daily backup's turn: take one. */
  if (backups->len == 0)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(StippleStore) store = stipple_store_open (f->path, &error);
      g_assert_no_error (error);
      stipple_store_close (store);
      g_clear_pointer (&backups, g_ptr_array_unref);
      backups = stipple_store_list_backups (f->path);
    }
  g_assert_cmpuint (backups->len, >, 0);
  for (guint i = 0; i < backups->len; i++)
    {
      g_autofree char *base = g_path_get_basename (backups->pdata[i]);
      g_assert_true (g_str_has_suffix (base, "-patients.stipple"));
      g_assert_false (g_str_has_suffix (base, ".stipple.stipple"));
    }
}

/* A sealed session's notes are final: the store refuses the edit in
 * words, the file refuses it to any other writer, and what comes later is
 * an addendum the next seal covers, carried by export and import once. */
static void
test_addenda (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = NULL;
  g_autoptr(GPtrArray) addenda = NULL;
  g_autofree char *update = g_strdup_printf ("UPDATE session SET note_before = 'changed'"
                                             " WHERE id = %" G_GINT64_FORMAT, f->session);
  g_autofree char *exported = g_build_filename (f->dir, "one.stipple", NULL);
  g_autofree char *count_sql = g_strdup_printf ("SELECT count(*) FROM note_addendum"
                                                " WHERE session_id = %" G_GINT64_FORMAT,
                                                f->session);
  g_autofree char *count = NULL;
  g_autofree char *before = NULL;
  gint64 patient_id;
  gint64 open_session;

  store = stipple_store_open (f->path, &error);
  g_assert_no_error (error);

  g_assert_false (stipple_store_save_note (store, f->session, STIPPLE_NOTE_BEFORE, "changed",
                                           &error));
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "addendum"));
  g_clear_error (&error);

  /* Saving the same text again (a late flush) is no edit. */
  {
    g_autofree char *sql = g_strdup_printf ("SELECT note_before FROM session WHERE id = %"
                                            G_GINT64_FORMAT, f->session);
    before = test_sql (f->path, sql, NULL);
  }
  g_assert_true (stipple_store_save_note (store, f->session, STIPPLE_NOTE_BEFORE, before,
                                          &error));
  g_assert_no_error (error);

  g_assert_false (stipple_store_add_note_addendum (store, f->session, STIPPLE_NOTE_AFTER,
                                                   "  \n ", "Dr Demo", &error));
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (stipple_store_add_note_addendum (store, f->session, STIPPLE_NOTE_AFTER,
                                                   "No name", " ", &error));
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  /* A session still open takes notes, not addenda. */
  {
    g_autofree char *sql = g_strdup_printf ("SELECT patient_id FROM session WHERE id = %"
                                            G_GINT64_FORMAT, f->session);
    g_autofree char *pid = test_sql (f->path, sql, NULL);
    g_autoptr(StippleSession) session = stipple_session_new ();

    patient_id = g_ascii_strtoll (pid, NULL, 10);
    session->patient_id = patient_id;
    session->started_at = g_date_time_new_now_utc ();
    session->clinician = g_strdup ("Dr Demo");
    g_assert_true (stipple_store_save_session (store, session, &error));
    g_assert_no_error (error);
    open_session = session->id;
    g_assert_false (stipple_store_add_note_addendum (store, open_session, STIPPLE_NOTE_AFTER,
                                                     "Too early", "Dr Demo", &error));
    g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_INVALID_INPUT);
    g_clear_error (&error);
    g_assert_true (stipple_store_save_note (store, open_session, STIPPLE_NOTE_AFTER,
                                            "Written while open", &error));
    g_assert_no_error (error);
  }

  g_assert_true (stipple_store_add_note_addendum (store, f->session, STIPPLE_NOTE_BEFORE,
                                                  "Forgot: she had retinol three days before.",
                                                  "Dr Second", &error));
  g_assert_no_error (error);
  addenda = stipple_store_list_note_addenda (store, f->session, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (addenda->len, ==, 2);
  g_assert_cmpint (((StippleNoteAddendum *) addenda->pdata[0])->kind, ==, STIPPLE_NOTE_AFTER);
  g_assert_cmpint (((StippleNoteAddendum *) addenda->pdata[1])->kind, ==, STIPPLE_NOTE_BEFORE);
  g_assert_cmpstr (((StippleNoteAddendum *) addenda->pdata[1])->author, ==, "Dr Second");
  g_assert_nonnull (((StippleNoteAddendum *) addenda->pdata[1])->written_at);

  g_assert_true (stipple_store_export_patient (store, patient_id, exported, &error));
  g_assert_no_error (error);
  stipple_store_close (store);
  g_clear_object (&store);

  /* Another writer meets the schema. */
  g_assert_cmpint (sql_exec (f->path, update), !=, SQLITE_OK);

  {
    g_autoptr(StippleVerifyResult) check = verify (f->path);
    g_assert_cmpuint (check->breaks->len, ==, 0);
  }
  {
    g_autoptr(StippleVerifyResult) check = verify (exported);
    g_assert_cmpuint (check->breaks->len, ==, 0);
  }
  count = test_sql (exported, "SELECT count(*) FROM note_addendum", NULL);
  g_assert_cmpstr (count, ==, "2");

  /* Imported back, twice: nothing doubles, and the record stays whole. */
  for (int i = 0; i < 2; i++)
    {
      g_autoptr(StippleImportResult) result = NULL;

      store = stipple_store_open (f->path, &error);
      g_assert_no_error (error);
      result = stipple_store_import (store, exported, &error);
      g_assert_no_error (error);
      stipple_store_close (store);
      g_clear_object (&store);
      g_clear_pointer (&count, g_free);
      count = test_sql (f->path, count_sql, NULL);
      g_assert_cmpstr (count, ==, "2");
      {
        g_autoptr(StippleVerifyResult) check = verify (f->path);
        g_assert_cmpuint (check->breaks->len, ==, 0);
      }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func, data) \
  g_test_add ("/stipple/store-chain/" name, Fixture, data, fixture_set_up, func, \
              fixture_tear_down)
  ADD ("append-only", test_append_only, NULL);
  ADD ("whole", test_whole, NULL);
  ADD ("addenda", test_addenda, NULL);
  ADD ("report-without-audit", test_report_without_audit, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (tampers); i++)
    {
      g_autofree char *name = g_strconcat ("/stipple/store-chain/tamper/", tampers[i].name, NULL);
      g_test_add (name, Fixture, &tampers[i], fixture_set_up, test_tamper, fixture_tear_down);
    }
  ADD ("read-only", test_read_only, NULL);
  ADD ("report-on-broken-record", test_report_on_broken_record, NULL);
  ADD ("import-compares-every-column", test_import_compares_every_column, NULL);
  ADD ("backup-name", test_backup_name, NULL);
#undef ADD

  return g_test_run ();
}
