/* stipple-store-backup.h: what a backup holds, restoring one, and the
 * copy kept off the machine
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "stipple-store.h"

G_BEGIN_DECLS

/* Off-machine copies kept in the chosen folder, per patient file: the
 * newest this many; an older one is removed once a newer is verified. */
#define STIPPLE_STORE_OFFSITE_COPIES 14

/* The anchor written beside each backup: "<backup>.chain-head". */
#define STIPPLE_STORE_ANCHOR_SUFFIX ".chain-head"

typedef struct
{
  char      *path;
  /* "daily", "manual", "before-restore", "before-v3", "offsite"… */
  char      *kind;
  GDateTime *taken_at;
  goffset    size;
  gint64     n_patients;
  gint64     n_sessions;
  /* (nullable): when the newest session in it started */
  GDateTime *last_session;
  /* Integrity, hash chain, seals and the anchor beside it all agree. */
  gboolean   verified;
  /* (nullable): why it does not verify, in plain words */
  char      *problem;
  gint64     head_id;
  char      *head_hash;
} StippleBackupInfo;

void                 stipple_backup_info_free          (StippleBackupInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StippleBackupInfo, stipple_backup_info_free)

/* What a restore would lose: what the patient file holds that the backup
 * does not. */
typedef struct
{
  gint64     n_patients;
  gint64     n_sessions;
  gint64     n_audit_rows;
  /* (element-type utf8): one line each, in words a clinician can act on */
  GPtrArray *lines;
  /* Whether the current file could be read to compare at all. */
  gboolean   compared;
} StippleRestoreLoss;

void                 stipple_restore_loss_free         (StippleRestoreLoss *loss);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StippleRestoreLoss, stipple_restore_loss_free)

StippleBackupInfo   *stipple_store_describe_backup     (const char         *backup,
                                                        GError            **error);
GPtrArray           *stipple_store_describe_backups    (const char         *path);
gboolean             stipple_store_read_anchor         (const char         *backup,
                                                        gint64             *head_id,
                                                        char              **head_hash,
                                                        GError            **error);
char                *stipple_store_check_anchor        (const char         *backup,
                                                        gint64              head_id,
                                                        const char         *head_hash);
StippleRestoreLoss  *stipple_store_restore_loss        (const char         *path,
                                                        const char         *backup);
gboolean             stipple_store_restore_full        (const char         *path,
                                                        const char         *backup_path,
                                                        char              **aside_path,
                                                        GError            **error);
void                 stipple_store_restore_async       (const char         *path,
                                                        const char         *backup_path,
                                                        GCancellable       *cancellable,
                                                        GAsyncReadyCallback callback,
                                                        gpointer            user_data);
char                *stipple_store_restore_finish      (GAsyncResult       *result,
                                                        GError            **error);
void                 stipple_store_describe_backups_async (const char      *path,
                                                        const char         *folder,
                                                        GCancellable       *cancellable,
                                                        GAsyncReadyCallback callback,
                                                        gpointer            user_data);
GPtrArray           *stipple_store_describe_backups_finish (GAsyncResult   *result,
                                                        GError            **error);

GPtrArray           *stipple_store_list_immutable_files (StippleStore      *self);
char                *stipple_store_copy_off_machine    (StippleStore       *self,
                                                        const char         *folder,
                                                        GError            **error);
void                 stipple_store_copy_off_machine_async (StippleStore    *self,
                                                        const char         *folder,
                                                        GCancellable       *cancellable,
                                                        GAsyncReadyCallback callback,
                                                        gpointer            user_data);
char                *stipple_store_copy_off_machine_finish (StippleStore   *self,
                                                        GAsyncResult       *result,
                                                        GError            **error);
GPtrArray           *stipple_store_describe_off_machine_copies (const char *path,
                                                                const char *folder);

G_END_DECLS
