/* stipple-test-xinput.h: input as a person gives it, through the X server
 *
 * Key presses, typing and clicks are sent with XTest (xdotool), so they
 * travel the whole way a real keyboard's and mouse's do: the X server,
 * GDK, the window's event controllers and shortcuts, then the widget with
 * the focus. Nothing here calls a widget's API or emits its signals.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void stipple_xinput_check   (void);
void stipple_xinput_focus   (GtkWindow  *window);
void stipple_xinput_key     (GtkWindow  *window,
                             const char *keys);
void stipple_xinput_type    (GtkWindow  *window,
                             const char *text);
void stipple_xinput_click   (GtkWidget  *widget);
void stipple_xinput_click_button (GtkWidget  *root,
                                  const char *label);
void stipple_xinput_move_away (void);
void stipple_xinput_save_failure_screenshot (void);

G_END_DECLS
