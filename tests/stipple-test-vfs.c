/* stipple-test-vfs.c: a full disk and failing writes, for SQLite
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
#include <sqlite3.h>

#include "stipple-test-vfs.h"

typedef struct
{
  sqlite3_file  base;
  sqlite3_file *real;
  /* SQLite keeps the name valid until the file is closed. */
  const char   *name;
} FaultyFile;

static sqlite3_vfs *real_vfs;
static sqlite3_vfs faulty_vfs;
/* Bytes that may still be written; negative for no limit. */
gint64 stipple_test_vfs_budget = -1;
gint     stipple_test_vfs_sync_delay_ms;
gboolean stipple_test_vfs_fail_io;
guint stipple_test_vfs_faults;
/* Bytes written before the disk goes away; negative for never. */
gint64 stipple_test_vfs_unplug_after = -1;
char *stipple_test_vfs_only_under;

#define REAL(f) (((FaultyFile *) (f))->real)

/* Whether faults apply to this file (see stipple_test_vfs_only_under). */
static gboolean
is_faulty (sqlite3_file *file)
{
  const char *name = ((FaultyFile *) file)->name;

  return stipple_test_vfs_only_under == NULL ||
         (name != NULL && g_str_has_prefix (name, stipple_test_vfs_only_under));
}

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
  if (!is_faulty (file))
    return REAL (file)->pMethods->xWrite (REAL (file), buf, amt, offset);
  if (stipple_test_vfs_unplug_after >= 0)
    {
      if (stipple_test_vfs_unplug_after < amt)
        {
          /* From now on the disk is gone: every write and sync fails. */
          stipple_test_vfs_unplug_after = 0;
          stipple_test_vfs_fail_io = TRUE;
        }
      else
        stipple_test_vfs_unplug_after -= amt;
    }
  if (stipple_test_vfs_fail_io)
    {
      stipple_test_vfs_faults++;
      return SQLITE_IOERR_WRITE;
    }
  if (stipple_test_vfs_budget >= 0)
    {
      if (stipple_test_vfs_budget < amt)
        {
          stipple_test_vfs_faults++;
          stipple_test_vfs_budget = 0;
          return SQLITE_FULL;
        }
      stipple_test_vfs_budget -= amt;
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
  /* A slow disk: every fsync takes this long, on whatever thread (the
   * fault a test makes, not a wait for anything). */
  if (g_atomic_int_get (&stipple_test_vfs_sync_delay_ms) > 0)
    g_usleep ((gulong) g_atomic_int_get (&stipple_test_vfs_sync_delay_ms) * 1000);
  if (stipple_test_vfs_fail_io && is_faulty (file))
    {
      stipple_test_vfs_faults++;
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
  f->name = name;
  return SQLITE_OK;
}

/**
 * stipple_test_vfs_install:
 *
 * Makes the faulty VFS SQLite's default, so the store runs on it unchanged.
 */
void
stipple_test_vfs_install (void)
{
  real_vfs = sqlite3_vfs_find (NULL);
  faulty_vfs = *real_vfs;
  faulty_vfs.zName = "stipple-faulty";
  faulty_vfs.szOsFile = sizeof (FaultyFile);
  faulty_vfs.xOpen = faulty_open;
  faulty_vfs.pNext = NULL;
  g_assert_cmpint (sqlite3_vfs_register (&faulty_vfs, 1), ==, SQLITE_OK);
}

