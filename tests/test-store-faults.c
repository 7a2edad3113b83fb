/* test-store-stipple_test_vfs_faults.c: a full disk and failing writes
 *
 * A VFS shim wraps SQLite's default VFS and is made the default, so the
 * store runs unchanged on top of it. It fails writes once a byte stipple_test_vfs_budget
 * is spent (SQLITE_FULL, as the unix VFS reports ENOSPC) or every write
 * and sync with SQLITE_IOERR on demand.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib.h>
#include <string.h>

#include "stipple-store.h"
#include "stipple-test-vfs.h"
#include "test-store-util.h"

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->dir = g_dir_make_tmp ("stipple-stipple_test_vfs_faults-XXXXXX", NULL);
  f->path = g_build_filename (f->dir, "patients.stipple", NULL);
  stipple_test_vfs_budget = -1;
  stipple_test_vfs_fail_io = FALSE;
  stipple_test_vfs_faults = 0;
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  stipple_test_vfs_budget = -1;
  stipple_test_vfs_fail_io = FALSE;
  test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static void
assert_intact (const char *path)
{
  g_autofree char *check = test_sql (path, "PRAGMA integrity_check", NULL);

  g_assert_cmpstr (check, ==, "ok");
}

static StippleSession *
session_with_note (gint64 patient_id,
                   guint  i)
{
  StippleSession *session = test_session (patient_id);
  GString *note = g_string_new (NULL);

  while (note->len < 6000)
    g_string_append_printf (note, "Session %u: even erythema. ", i);
  session->note_before = g_string_free (note, FALSE);
  return session;
}

static void
test_disk_full (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = stipple_store_open (f->path, &error);
  g_autoptr(StipplePatient) patient = test_patient ("R-1", "Ada", "Lovelace", "1985-12-10");
  g_autoptr(GArray) committed = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint refused = 0;

  g_assert_no_error (error);
  g_assert_true (stipple_store_save_patient (store, patient, &error));

  /* Run out of room at every point of a transaction in turn. */
  for (gint64 room = 0; room < 40000; room += 1024 + 7)
    {
      g_autoptr(StippleSession) session = session_with_note (patient->id, (guint) room);
      g_autoptr(StipplePatientChart) chart = NULL;

      stipple_test_vfs_budget = room;
      if (stipple_store_save_session (store, session, &error))
        g_array_append_val (committed, session->id);
      else
        {
          g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_DISK_FULL);
          g_assert_nonnull (strstr (error->message, "safe"));
          g_assert_cmpint (session->id, ==, 0);
          g_clear_error (&error);
          refused++;
        }

      /* Room again: what was saved is there, and saving works. */
      stipple_test_vfs_budget = -1;
      chart = stipple_store_load_chart (store, patient->id, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (chart->sessions->len, ==, committed->len);
      for (guint i = 0; i < committed->len; i++)
        g_assert_cmpint (((StippleSession *) chart->sessions->pdata[i])->id, ==,
                         g_array_index (committed, gint64, i));
    }
  g_test_message ("%u refused, %u saved", refused, committed->len);
  g_assert_cmpuint (refused, >, 3);
  g_assert_cmpuint (committed->len, >, 3);

  {
    g_autoptr(StippleSession) after = session_with_note (patient->id, 99999);
    g_assert_true (stipple_store_save_session (store, after, &error));
    g_assert_no_error (error);
  }

  /* Telemetry meeting a full disk: the caller hears of it. */
  {
    g_autofree StippleProtoSample *samples = g_new0 (StippleProtoSample, 20000);
    for (guint i = 0; i < 20000; i++)
      samples[i] = (StippleProtoSample) {
        i * 125, (gint32) (i * 7919 % 2000), (guint16) (i * 31), 3, i / 66
      };
    stipple_test_vfs_budget = 0;
    g_assert_true (stipple_store_append_telemetry (store, g_array_index (committed, gint64, 0),
                                                   samples, 20000, &error));
    g_assert_false (stipple_store_flush_telemetry (store, &error));
    g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_DISK_FULL);
    g_clear_error (&error);
    stipple_test_vfs_budget = -1;
    g_assert_true (stipple_store_append_telemetry (store, g_array_index (committed, gint64, 0),
                                                   samples, 8000, &error));
    g_assert_true (stipple_store_flush_telemetry (store, &error));
    g_assert_no_error (error);
  }

  stipple_store_close (store);
  assert_intact (f->path);
  g_clear_object (&store);
  store = stipple_store_open (f->path, &error);
  g_assert_no_error (error);
  {
    g_autoptr(StipplePatientChart) chart = stipple_store_load_chart (store, patient->id, &error);
    gint64 first = g_array_index (committed, gint64, 0);
    g_autoptr(GArray) samples = stipple_store_load_telemetry (store, first, NULL, &error);
    g_assert_cmpuint (chart->sessions->len, ==, committed->len + 1);
    g_assert_cmpuint (samples->len, ==, 8000);
  }
}

static void
test_io_error (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = stipple_store_open (f->path, &error);
  g_autoptr(StipplePatient) ada = test_patient ("R-1", "Ada", "Lovelace", "1985-12-10");
  g_autoptr(StipplePatient) bob = test_patient ("R-2", "Bob", "Babbage", "1971-12-26");
  g_autoptr(StipplePatient) eve = test_patient ("R-3", "Eve", "Example", "1990-01-01");
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(StippleAuditEntry) entry = stipple_audit_entry_new (STIPPLE_AUDIT_FAULT);

  g_assert_true (stipple_store_save_patient (store, ada, &error));

  stipple_test_vfs_fail_io = TRUE;
  g_assert_false (stipple_store_save_patient (store, bob, &error));
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "safe"));
  g_clear_error (&error);
  entry->user = g_strdup ("Dr Test");
  entry->detail = g_strdup ("pen reported a motor stall");
  g_assert_false (stipple_store_append_audit (store, entry, &error));
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_IO);
  g_clear_error (&error);
  g_assert_cmpuint (stipple_test_vfs_faults, >, 0);

  /* Reading still works while writes fail. */
  found = stipple_store_search_patients (store, "love", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_clear_pointer (&found, g_ptr_array_unref);

  stipple_test_vfs_fail_io = FALSE;
  g_assert_true (stipple_store_save_patient (store, eve, &error));
  g_assert_no_error (error);
  g_clear_object (&store);

  assert_intact (f->path);
  store = stipple_store_open (f->path, &error);
  g_assert_no_error (error);
  found = stipple_store_search_patients (store, "e", 10, &error);
  g_assert_cmpuint (found->len, ==, 1);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = stipple_store_search_patients (store, "babbage", 10, &error);
  g_assert_cmpuint (found->len, ==, 0);
}

static void
test_full_on_create (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StippleStore) store = NULL;

  stipple_test_vfs_budget = 3000;
  store = stipple_store_open (f->path, &error);
  g_assert_null (store);
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_DISK_FULL);
  g_clear_error (&error);

  /* The half-made file is taken up again once there is room. */
  stipple_test_vfs_budget = -1;
  store = stipple_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  stipple_store_close (store);
  assert_intact (f->path);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  stipple_test_vfs_install ();

#define ADD(name, func) \
  g_test_add ("/stipple/store/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("disk-full", test_disk_full);
  ADD ("io-error", test_io_error);
  ADD ("disk-full-on-create", test_full_on_create);
#undef ADD

  return g_test_run ();
}
