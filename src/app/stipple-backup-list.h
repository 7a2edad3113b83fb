/* stipple-backup-list.h: the backups of a patient file, each with what
 * it holds and whether it verifies, and a button to restore it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

GtkWidget *stipple_backup_list_new             (const char *database);
GtkWidget *stipple_backup_list_new_off_machine (const char *database,
                                                const char *folder);

G_END_DECLS
