/* stipple-offsite.h: when to write the copy off this computer, and what
 * the main screen says about it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "stipple-store.h"

G_BEGIN_DECLS

#define STIPPLE_TYPE_OFFSITE (stipple_offsite_get_type ())

G_DECLARE_FINAL_TYPE (StippleOffsite, stipple_offsite, STIPPLE, OFFSITE, GObject)

StippleOffsite *stipple_offsite_new           (GSettings      *settings);
void            stipple_offsite_set_store     (StippleOffsite *self,
                                               StippleStore   *store);
gboolean        stipple_offsite_copy_now      (StippleOffsite *self);
void            stipple_offsite_session_ended (StippleOffsite *self);
gboolean        stipple_offsite_get_running   (StippleOffsite *self);
char           *stipple_offsite_describe      (StippleOffsite *self,
                                               gboolean       *warn);
GtkWidget      *stipple_offsite_banner_new    (StippleOffsite *self);

G_END_DECLS
