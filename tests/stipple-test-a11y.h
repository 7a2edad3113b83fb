/* stipple-test-a11y.h: finding widgets the way assistive technology does
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

GtkWidget *stipple_test_find_accessible (GtkWidget         *root,
                                         GtkAccessibleRole  role,
                                         const char        *label);
void       stipple_test_wait_mapped     (GtkWidget         *widget);
void       stipple_test_iterate         (guint              msec);

G_END_DECLS
