/* test-store-faults.c: a full disk and failing writes
 *
 * A VFS shim wraps SQLite's default VFS and is made the default, so the
 * store runs unchanged on top of it. It fails writes once a byte budget
 * is spent (SQLITE_FULL, as the unix VFS reports ENOSPC) or every write
 * and sync with SQLITE_IOERR on demand.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib.h>
#include <string.h>

#include "stipple-store.h"
#include "test-store-util.h"

typedef struct
{
  sqlite3_file  base;
  sqlite3_file *real;
} FaultyFile;

static sqlite3_vfs *real_vfs;
static sqlite3_vfs faulty_vfs;
/* Bytes that may still be written; negative for no limit. */
static gint64 budget = -1;
static gboolean fail_io;
static guint faults;

#define REAL(f) (((FaultyFile *) (f))->real)

static int
faulty_close (sqlite3_file *file)
{
  int rc = REAL (file)->pMethods->xClose (REAL (file));
  g_free (REAL (file));
  return rc;
}

static int
faulty_read (sqlite3_file *file, void *buf, int amt, sqlite3_int64 offset)
{
  return REAL (file)->pMethods->xRead (REAL (file), buf, amt, offset);
}

static int
faulty_write (sqlite3_file *file, const void *buf, int amt, sqlite3_int64 offset)
{
  if (fail_io)
    {
      faults++;
      return SQLITE_IOERR_WRITE;
    }
  if (budget >= 0)
    {
      if (budget < amt)
        {
          faults++;
          budget = 0;
          return SQLITE_FULL;
        }
      budget -= amt;
    }
  return REAL (file)->pMethods->xWrite (REAL (file), buf, amt, offset);
}

static int
faulty_truncate (sqlite3_file *file, sqlite3_int64 size)
{
  return REAL (file)->pMethods->xTruncate (REAL (file), size);
}

static int
faulty_sync (sqlite3_file *file, int flags)
{
  if (fail_io)
    {
      faults++;
      return SQLITE_IOERR_FSYNC;
    }
  return REAL (file)->pMethods->xSync (REAL (file), flags);
}

static int
faulty_file_size (sqlite3_file *file, sqlite3_int64 *size)
{
  return REAL (file)->pMethods->xFileSize (REAL (file), size);
}

static int
faulty_lock (sqlite3_file *file, int level)
{
  return REAL (file)->pMethods->xLock (REAL (file), level);
}

static int
faulty_unlock (sqlite3_file *file, int level)
{
  return REAL (file)->pMethods->xUnlock (REAL (file), level);
}

static int
faulty_check_reserved (sqlite3_file *file, int *out)
{
  return REAL (file)->pMethods->xCheckReservedLock (REAL (file), out);
}

static int
faulty_file_control (sqlite3_file *file, int op, void *arg)
{
  return REAL (file)->pMethods->xFileControl (REAL (file), op, arg);
}

static int
faulty_sector_size (sqlite3_file *file)
{
  return REAL (file)->pMethods->xSectorSize (REAL (file));
}

static int
faulty_device_characteristics (sqlite3_file *file)
{
  return REAL (file)->pMethods->xDeviceCharacteristics (REAL (file));
}

static int
faulty_shm_map (sqlite3_file *file, int page, int size, int extend, void volatile **out)
{
  return REAL (file)->pMethods->xShmMap (REAL (file), page, size, extend, out);
}

static int
faulty_shm_lock (sqlite3_file *file, int offset, int n, int flags)
{
  return REAL (file)->pMethods->xShmLock (REAL (file), offset, n, flags);
}

static void
faulty_shm_barrier (sqlite3_file *file)
{
  REAL (file)->pMethods->xShmBarrier (REAL (file));
}

static int
faulty_shm_unmap (sqlite3_file *file, int delete_flag)
{
  return REAL (file)->pMethods->xShmUnmap (REAL (file), delete_flag);
}

/* No memory-mapped I/O: every write must pass through xWrite. */
static int
faulty_fetch (sqlite3_file *file, sqlite3_int64 offset, int amt, void **out)
{
  *out = NULL;
  return SQLITE_OK;
}

static int
faulty_unfetch (sqlite3_file *file, sqlite3_int64 offset, void *p)
{
  return SQLITE_OK;
}

static const sqlite3_io_methods faulty_methods = {
  3,
  faulty_close,
  faulty_read,
  faulty_write,
  faulty_truncate,
  faulty_sync,
  faulty_file_size,
  faulty_lock,
  faulty_unlock,
  faulty_check_reserved,
  faulty_file_control,
  faulty_sector_size,
  faulty_device_characteristics,
  faulty_shm_map,
  faulty_shm_lock,
  faulty_shm_barrier,
  faulty_shm_unmap,
  faulty_fetch,
  faulty_unfetch,
};

static int
faulty_open (sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *out_flags)
{
  FaultyFile *f = (FaultyFile *) file;
  int rc;

  f->real = g_malloc0 (real_vfs->szOsFile);
  rc = real_vfs->xOpen (real_vfs, name, f->real, flags, out_flags);
  if (rc != SQLITE_OK || f->real->pMethods == NULL)
    {
      g_clear_pointer (&f->real, g_free);
      f->base.pMethods = NULL;
      return rc;
    }
  f->base.pMethods = &faulty_methods;
  return SQLITE_OK;
}

static void
install_faulty_vfs (void)
{
  real_vfs = sqlite3_vfs_find (NULL);
  faulty_vfs = *real_vfs;
  faulty_vfs.zName = "stipple-faulty";
  faulty_vfs.szOsFile = sizeof (FaultyFile);
  faulty_vfs.xOpen = faulty_open;
  faulty_vfs.pNext = NULL;
  g_assert_cmpint (sqlite3_vfs_register (&faulty_vfs, 1), ==, SQLITE_OK);
}

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->dir = g_dir_make_tmp ("stipple-faults-XXXXXX", NULL);
  f->path = g_build_filename (f->dir, "patients.stipple", NULL);
  budget = -1;
  fail_io = FALSE;
  faults = 0;
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  budget = -1;
  fail_io = FALSE;
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

      budget = room;
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
      budget = -1;
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
    budget = 0;
    g_assert_true (stipple_store_append_telemetry (store, g_array_index (committed, gint64, 0),
                                                   samples, 20000, &error));
    g_assert_false (stipple_store_flush_telemetry (store, &error));
    g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_DISK_FULL);
    g_clear_error (&error);
    budget = -1;
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

  fail_io = TRUE;
  g_assert_false (stipple_store_save_patient (store, bob, &error));
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "safe"));
  g_clear_error (&error);
  entry->user = g_strdup ("Dr Test");
  entry->detail = g_strdup ("pen reported a motor stall");
  g_assert_false (stipple_store_append_audit (store, entry, &error));
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_IO);
  g_clear_error (&error);
  g_assert_cmpuint (faults, >, 0);

  /* Reading still works while writes fail. */
  found = stipple_store_search_patients (store, "love", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_clear_pointer (&found, g_ptr_array_unref);

  fail_io = FALSE;
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

  budget = 3000;
  store = stipple_store_open (f->path, &error);
  g_assert_null (store);
  g_assert_error (error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_DISK_FULL);
  g_clear_error (&error);

  /* The half-made file is taken up again once there is room. */
  budget = -1;
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
  install_faulty_vfs ();

#define ADD(name, func) \
  g_test_add ("/stipple/store/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("disk-full", test_disk_full);
  ADD ("io-error", test_io_error);
  ADD ("disk-full-on-create", test_full_on_create);
#undef ADD

  return g_test_run ();
}
