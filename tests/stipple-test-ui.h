/* stipple-test-ui.h: what the tests of Stipple's windows share
 *
 * Built on stipple-test-a11y.h (widgets found as a screen reader finds
 * them) and stipple-test-xinput.h (keys and clicks through the X server),
 * and linked with the application: the treatment on screen, the pen
 * model behind the simulated pen, the waits for a window, a dialog or a
 * widget a screen reader would name, and the file chooser used as a
 * person uses it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "stipple-application.h"
#include "stipple-firmware.h"
#include "stipple-treatment.h"

G_BEGIN_DECLS

void              stipple_test_ui_init                 (int                 *argc,
                                                        char              ***argv);
void              stipple_test_ui_set_wait             (guint                seconds,
                                                        void               (*on_timeout) (void));

StippleTreatment *stipple_test_ui_get_treatment        (GtkWindow           *window);
StippleFirmware  *stipple_test_ui_get_pen_model        (StippleApplication  *app);

GtkWidget        *stipple_test_ui_wait_for_accessible  (GtkAccessibleRole    role,
                                                        const char          *label);
GtkWidget        *stipple_test_ui_find_labelled_button (GtkWidget           *root,
                                                        const char          *label);
GtkWidget        *stipple_test_ui_find_labelled_button_anywhere (const char *label);
GtkWindow        *stipple_test_ui_wait_for_window      (GType                type,
                                                        GtkWindow           *except);
AdwMessageDialog *stipple_test_ui_find_dialog          (const char          *heading);
AdwMessageDialog *stipple_test_ui_wait_for_dialog      (const char          *heading);

gboolean          stipple_test_ui_focused              (GtkWidget           *widget);
void              stipple_test_ui_click                (const char          *label);
void              stipple_test_ui_click_to_focus       (GtkWidget           *widget);
void              stipple_test_ui_type_into            (GtkWidget           *entry,
                                                        const char          *text);
void              stipple_test_ui_open_in_chooser      (GtkWindow           *chooser,
                                                        const char          *path);

G_END_DECLS
