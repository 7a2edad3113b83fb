/* test-store-crash.c: killed at any moment, the patient file keeps every
 * committed record and stays whole
 *
 * The test runs itself as a child that writes sessions, notes, audit
 * events and telemetry in a loop and reports each commit on stdout once
 * the store has returned. The parent kills it with SIGKILL at random
 * moments (during start-up, creation, backups and writes alike), then
 * checks the file with plain SQLite and with the store.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stipple-store.h"
#include "test-store-util.h"

#define N_KILLS 200
#define MAX_LIFE_US 40000

static void
report (const char *format,
        ...) G_GNUC_PRINTF (1, 2);

static void
report (const char *format,
        ...)
{
  g_autofree char *line = NULL;
  va_list args;
  gsize done = 0, len;

  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);
  len = strlen (line);
  while (done < len)
    {
      ssize_t n = write (STDOUT_FILENO, line + done, len - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        _exit (3);
      done += n;
    }
}

static int
run_child (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = stipple_store_open (path, &error);
  g_autoptr(GPtrArray) found = NULL;
  const guint block = STIPPLE_STORE_TELEMETRY_BLOCK;
  /* A block and a bit: the samples appended below. */
  g_autofree StippleProtoSample *samples = g_new0 (StippleProtoSample, block + 123);
  gint64 patient_id;

  if (store == NULL)
    {
      report ("E %s\n", error->message);
      return 1;
    }

  found = stipple_store_search_patients (store, "CRASH-1", 1, &error);
  if (found == NULL)
    {
      report ("E %s\n", error->message);
      return 1;
    }
  if (found->len == 1)
    patient_id = ((StipplePatient *) found->pdata[0])->id;
  else
    {
      g_autoptr(StipplePatient) patient = test_patient ("CRASH-1", "Kim", "Killed", "1980-02-02");
      if (!stipple_store_save_patient (store, patient, &error))
        {
          report ("E %s\n", error->message);
          return 1;
        }
      patient_id = patient->id;
    }

  for (guint i = 0; ; i++)
    {
      g_autoptr(StippleSession) session = test_session (patient_id);
      g_autoptr(StippleAuditEntry) entry = stipple_audit_entry_new (STIPPLE_AUDIT_SETTING);
      g_autofree char *note = NULL;

      if (!stipple_store_save_session (store, session, &error))
        break;
      report ("S %" G_GINT64_FORMAT "\n", session->id);

      note = g_strdup_printf ("note for %" G_GINT64_FORMAT ", edit %u", session->id, i);
      if (!stipple_store_save_note (store, session->id, STIPPLE_NOTE_AFTER, note, &error))
        break;
      report ("N %" G_GINT64_FORMAT " %s\n", session->id, note);

      entry->session_id = session->id;
      entry->user = g_strdup ("Dr Test");
      entry->zone = STIPPLE_ZONE_CHIN;
      entry->sent = g_strdup_printf ("depth_um=%u", 500 + i % 500);
      if (!stipple_store_append_audit (store, entry, &error))
        break;
      report ("A %" G_GINT64_FORMAT "\n", entry->id);

      for (guint k = 0; k < block + 123; k++)
        samples[k] = (StippleProtoSample) {
          k * 125, (gint32) (k % 67) * 20 - 300, (guint16) (k * 13), 3, k / 67
        };
      /* A block and a bit, in two pieces, then flushed. */
      if (!stipple_store_append_telemetry (store, session->id, samples, block / 2, &error) ||
          !stipple_store_append_telemetry (store, session->id, samples + block / 2,
                                           block / 2 + 123, &error) ||
          !stipple_store_flush_telemetry (store, &error))
        break;
      report ("T %" G_GINT64_FORMAT " %u\n", session->id, block + 123);
    }

  report ("E %s\n", error->message);
  return 1;
}

static char *
sql_text (sqlite3    *db,
          const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *result = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    result = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return result;
}

typedef struct
{
  guint lines;
  guint sessions;
  guint notes;
  guint audits;
  guint blocks;
} Counts;

/* Checks that everything reported committed is in the file. */
static void
verify_line (sqlite3    *db,
             const char *line,
             GHashTable *sessions,
             Counts     *counts)
{
  g_autofree char *sql = NULL;
  g_autofree char *value = NULL;
  gint64 id;
  char *end;

  counts->lines++;
  g_assert_true (line[0] != 'E');
  g_assert_cmpint (line[1], ==, ' ');
  id = g_ascii_strtoll (line + 2, &end, 10);
  g_assert_cmpint (id, >, 0);

  switch (line[0])
    {
    case 'S':
      sql = g_strdup_printf ("SELECT count(*) FROM session WHERE id = %" G_GINT64_FORMAT, id);
      value = sql_text (db, sql);
      g_assert_cmpstr (value, ==, "1");
      g_hash_table_add (sessions, g_memdup2 (&id, sizeof id));
      counts->sessions++;
      break;
    case 'N':
      sql = g_strdup_printf ("SELECT note_after FROM session WHERE id = %" G_GINT64_FORMAT, id);
      value = sql_text (db, sql);
      g_assert_cmpstr (value, ==, end + 1);
      counts->notes++;
      break;
    case 'A':
      sql = g_strdup_printf ("SELECT kind || ' ' || zone FROM audit WHERE id = %"
                             G_GINT64_FORMAT, id);
      value = sql_text (db, sql);
      g_assert_cmpstr (value, ==, "setting chin");
      counts->audits++;
      break;
    case 'T':
      sql = g_strdup_printf ("SELECT sum(n_samples) FROM telemetry_block WHERE session_id = %"
                             G_GINT64_FORMAT, id);
      value = sql_text (db, sql);
      g_assert_cmpint (g_ascii_strtoll (value ? value : "0", NULL, 10), ==,
                       g_ascii_strtoll (end, NULL, 10));
      counts->blocks++;
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
test_crash (void)
{
  g_autofree char *dir = g_dir_make_tmp ("stipple-crash-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "patients.stipple", NULL);
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autoptr(GHashTable) sessions = g_hash_table_new_full (g_int64_hash, g_int64_equal,
                                                          g_free, NULL);
  Counts counts = { 0, };
  guint silent = 0;
  gint64 started = g_get_monotonic_time ();

  g_assert_nonnull (self_exe);

  for (guint kill_no = 0; kill_no < N_KILLS; kill_no++)
    {
      const char *argv[] = { self_exe, "--crash-child", path, NULL };
      g_autoptr(GError) error = NULL;
      g_autoptr(GString) output = g_string_new (NULL);
      g_auto(GStrv) lines = NULL;
      sqlite3 *db = NULL;
      GPid pid;
      int out_fd, status;
      char buf[4096];
      ssize_t n;
      g_autofree char *check = NULL;

      g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, NULL,
                                               G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                               &pid, NULL, &out_fd, NULL, &error));
      g_assert_no_error (error);

      /* Half the kills fall anywhere from start-up on; the other half
       * once the child is writing, however slow the machine (or a
       * sanitizer) makes its start-up. The sleeps pick a random moment
       * for the kill: they wait for nothing, and nothing is asserted of
       * how far the child got. */
      if (kill_no % 2 == 1)
        {
          struct pollfd pfd = { out_fd, POLLIN, 0 };

          if (poll (&pfd, 1, 5000) == 1 && (pfd.revents & POLLIN) &&
              (n = read (out_fd, buf, sizeof buf)) > 0)
            g_string_append_len (output, buf, n);
          g_usleep (g_test_rand_int_range (0, MAX_LIFE_US / 2));
        }
      else
        g_usleep (g_test_rand_int_range (0, MAX_LIFE_US));
      g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_spawn_close_pid (pid);
      /* Killed, not failed: a child that stopped by itself saw an error. */
      if (!(WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL))
        {
          while ((n = read (out_fd, buf, sizeof buf)) > 0)
            g_string_append_len (output, buf, n);
          g_error ("child ended by itself: %s", output->str);
        }

      while ((n = read (out_fd, buf, sizeof buf)) > 0)
        g_string_append_len (output, buf, n);
      close (out_fd);

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        {
          /* Killed before it got as far as creating the file. */
          g_assert_cmpuint (output->len, ==, 0);
          continue;
        }

      g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
      check = sql_text (db, "PRAGMA integrity_check");
      /* An empty file (killed during creation) has no header to check. */
      g_assert_true (check == NULL || g_str_equal (check, "ok"));

      lines = g_strsplit (output->str, "\n", -1);
      if (lines[0] == NULL || *lines[0] == '\0')
        silent++;
      /* The last piece has no newline: a report cut short by the kill. */
      for (guint i = 0; lines[i] != NULL && lines[i + 1] != NULL; i++)
        verify_line (db, lines[i], sessions, &counts);

      /* Sessions reported in earlier rounds are all still there; a file
       * killed while being created has no tables yet, and then nothing
       * can have been reported. */
      {
        g_autofree char *has_schema = sql_text (db, "SELECT count(*) FROM sqlite_schema"
                                                " WHERE name = 'session'");
        if (g_str_equal (has_schema, "1"))
          {
            g_autofree char *total = sql_text (db, "SELECT count(*) FROM session");
            g_assert_cmpint (g_ascii_strtoll (total, NULL, 10), >=, g_hash_table_size (sessions));
          }
        else
          g_assert_cmpuint (g_hash_table_size (sessions), ==, 0);
      }
      sqlite3_close (db);
    }

  g_test_message ("%u kills in %.1f s: %u killed before reporting anything; %u commits reported "
                  "(%u sessions, %u notes, %u audit events, %u telemetry flushes), all found",
                  N_KILLS, (g_get_monotonic_time () - started) / 1e6, silent, counts.lines,
                  counts.sessions, counts.notes, counts.audits, counts.blocks);
  g_assert_cmpuint (counts.sessions, >, N_KILLS / 4);

  /* And Stipple itself opens the result and finds every session. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(StippleStore) store = stipple_store_open (path, &error);
    g_autoptr(GPtrArray) found = NULL;
    g_autoptr(StipplePatientChart) chart = NULL;
    guint matched = 0;

    g_assert_no_error (error);
    found = stipple_store_search_patients (store, "CRASH-1", 1, &error);
    g_assert_cmpuint (found->len, ==, 1);
    chart = stipple_store_load_chart (store, ((StipplePatient *) found->pdata[0])->id, &error);
    g_assert_no_error (error);
    for (guint i = 0; i < chart->sessions->len; i++)
      if (g_hash_table_contains (sessions, &((StippleSession *) chart->sessions->pdata[i])->id))
        matched++;
    g_assert_cmpuint (matched, ==, g_hash_table_size (sessions));
  }

  test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 3 && g_str_equal (argv[1], "--crash-child"))
    return run_child (argv[2]);

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/stipple/store/crash", test_crash);
  return g_test_run ();
}
