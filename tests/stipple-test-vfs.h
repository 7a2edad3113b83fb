/* stipple-test-vfs.h: a full disk and failing writes, for SQLite
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Bytes that may still be written; negative for no limit. */
extern gint64   stipple_test_vfs_budget;
/* Every write and sync fails with SQLITE_IOERR. */
extern gboolean stipple_test_vfs_fail_io;
extern gint     stipple_test_vfs_sync_delay_ms;
/* Bytes that may still be written before the disk is pulled out: then
 * every write and sync fails with SQLITE_IOERR; negative for never. */
extern gint64   stipple_test_vfs_unplug_after;
/* When set, faults apply only to files whose path starts with it. */
extern char    *stipple_test_vfs_only_under;
/* How many writes and syncs failed. */
extern guint    stipple_test_vfs_faults;

void stipple_test_vfs_install (void);

G_END_DECLS
