/* stipple-test-a11y.h: finding widgets the way assistive technology does
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

GtkWidget *stipple_test_find_accessible (GtkWidget         *root,
                                         GtkAccessibleRole  role,
                                         const char        *label);
GtkWidget *stipple_test_find_anywhere   (GtkAccessibleRole  role,
                                         const char        *label);
GtkWidget *stipple_test_find_entry_row  (GtkWidget         *root,
                                         const char        *title);
GtkWidget *stipple_test_find_label      (GtkWidget         *root,
                                         const char        *text);
GtkWidget *stipple_test_find_of_type    (GtkWidget         *root,
                                         GType              type);
GtkWidget *stipple_test_find_named      (GtkWidget         *root,
                                         const char        *name);
GtkWidget *stipple_test_find_button     (GtkWidget         *root,
                                         const char        *words,
                                         gboolean           sensitive_only);
GtkWindow *stipple_test_find_window     (GType              type);
void       stipple_test_press           (const char        *label);
void       stipple_test_toggle          (const char        *label);
void       stipple_test_screenshot      (const char        *name);
void       stipple_test_run_app         (GApplication      *app,
                                         const char        *argv[],
                                         void             (*drive) (void));
void       stipple_test_wait_mapped     (GtkWidget         *widget);
void       stipple_test_iterate         (guint              msec);

G_END_DECLS
