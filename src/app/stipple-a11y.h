/* stipple-a11y.h: what a screen reader is given to read
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void stipple_a11y_present_visible_page (GtkStack  *stack);
void stipple_a11y_watch_windows        (void);
void stipple_a11y_name_once            (GtkWidget *widget);
void stipple_a11y_name_buttons_once    (GtkWidget *root);
void stipple_a11y_name_drop_down       (GtkWidget *drop_down,
                                        const char *name);
void stipple_a11y_present_visible_pages_below (GtkWidget *root);
void stipple_a11y_name_list_items      (GtkWidget  *chooser);
void stipple_a11y_name_row            (GtkWidget  *row,
                                        const char *name);
void stipple_a11y_name_row_with_value  (GtkWidget *row,
                                        GtkWidget *value);

G_END_DECLS
