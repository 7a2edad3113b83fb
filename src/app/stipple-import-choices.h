/* stipple-import-choices.h: the patients whose details differ in a file
 * being imported, each with a box to take the imported details
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

GtkWidget  *stipple_import_choices_new       (GPtrArray *details);
char      **stipple_import_choices_get_taken (GtkWidget *choices);

G_END_DECLS
