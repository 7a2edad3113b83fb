/* stipple-store-archive-private.h: what archiving and thinning share
 *
 * stipple-store-archive.c writes, reads and checks needle archives;
 * stipple-store-thin.c rewrites old ones to their strokes with the same
 * parts. Nothing outside src/store/ includes this.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <sqlite3.h>

#include "stipple-store-private.h"

G_BEGIN_DECLS

/* What the patient file keeps of a session moved to an archive. */
typedef struct
{
  gint64 session_id;
  gint64 n_blocks;
  gint64 n_samples;
  guint8 sha256[32];
} StippleArchiveSession;

/* A new archive, written under a temporary name and renamed into place
 * once it is on disk. */
typedef struct
{
  char         *archive;
  char         *partial;
  sqlite3      *db;
  sqlite3_stmt *insert;
} StippleArchiveWriter;

/* A session's blocks in an archive, by seq_first: ?1 the session. */
extern const char stipple_archive_blocks_sql[];

StippleArchiveWriter *stipple_archive_writer_new   (const char            *archive,
                                                    const char            *period,
                                                    const char            *patient_file,
                                                    const char            *content,
                                                    GError               **error);
gboolean     stipple_archive_writer_add            (StippleArchiveWriter  *w,
                                                    gint64                 session_id,
                                                    const StippleNeedleBlock *block,
                                                    GError               **error);
gboolean     stipple_archive_writer_finish         (StippleArchiveWriter  *w,
                                                    GError               **error);
void         stipple_archive_writer_free           (StippleArchiveWriter  *w);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StippleArchiveWriter, stipple_archive_writer_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StippleNeedleBlock, stipple_needle_block_free)

gboolean     stipple_archive_read_session_blocks   (sqlite3_stmt          *read,
                                                    gint64                 session_id,
                                                    GPtrArray             *blocks);
void         stipple_archive_blocks_part           (GPtrArray             *blocks,
                                                    guint8                 sha256[32]);
gboolean     stipple_archive_check                 (const char            *archive,
                                                    GArray                *sessions,
                                                    GError               **error);
char        *stipple_archive_free_name             (const char            *dir,
                                                    const char            *period,
                                                    const char            *suffix);
char        *stipple_archive_file_sha256           (const char            *path,
                                                    GError               **error);
gboolean     stipple_archive_insert_row            (StippleStore          *self,
                                                    const char            *period,
                                                    const char            *file_name,
                                                    const char            *sha256,
                                                    gint64                 n_blocks,
                                                    const char            *at,
                                                    gint64                *archive_id,
                                                    GError               **error);
void         stipple_archive_set_error             (GError               **error,
                                                    gboolean               missing,
                                                    const char            *period,
                                                    const char            *archive,
                                                    gint64                 session_id);
char        *stipple_archive_period                (const char            *file_name);
char        *stipple_archive_thinned_since         (const char            *dir,
                                                    const char            *period,
                                                    gint64                 session_id);
sqlite3     *stipple_archive_open_read_only        (const char            *path,
                                                    GError               **error);

G_END_DECLS
