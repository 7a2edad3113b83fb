/* stipple-clinic-dialog.h: the clinic's name and phone, asked on the
 * first start
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

gboolean   stipple_clinic_dialog_wanted (GSettings *settings);
GtkWidget *stipple_clinic_dialog_new    (GtkWindow *parent,
                                         GSettings *settings);

G_END_DECLS
