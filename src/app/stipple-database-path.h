/* stipple-database-path.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define STIPPLE_PATH_ERROR (stipple_path_error_quark ())

typedef enum
{
  STIPPLE_PATH_ERROR_EMPTY,
  STIPPLE_PATH_ERROR_NO_FOLDER,
  STIPPLE_PATH_ERROR_IS_FOLDER,
  STIPPLE_PATH_ERROR_NOT_A_FILE,
  STIPPLE_PATH_ERROR_NOT_WRITABLE,
} StipplePathError;

GQuark  stipple_path_error_quark          (void);
char   *stipple_database_path_default     (gboolean      demo);
char   *stipple_database_path_resolve     (const char   *requested,
                                           gboolean      demo,
                                           GError      **error);

G_END_DECLS
