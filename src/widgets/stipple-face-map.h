/* stipple-face-map.h: the face map, zone by zone, for pointer, touch, keyboard and screen reader
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "stipple-face.h"

G_BEGIN_DECLS

#define STIPPLE_TYPE_FACE_MAP (stipple_face_map_get_type ())

G_DECLARE_FINAL_TYPE (StippleFaceMap, stipple_face_map, STIPPLE, FACE_MAP, GtkWidget)

GtkWidget   *stipple_face_map_new               (const StippleFaceGeometry *geometry);
void         stipple_face_map_set_zone_plan     (StippleFaceMap *self,
                                                 StippleZone     zone,
                                                 guint           depth_um,
                                                 guint           passes,
                                                 guint           rate_hz);
void         stipple_face_map_set_zone_limit    (StippleFaceMap *self,
                                                 StippleZone     zone,
                                                 guint           limit_um);
void         stipple_face_map_set_zone_strokes  (StippleFaceMap *self,
                                                 StippleZone     zone,
                                                 guint64         strokes);
void         stipple_face_map_set_selected_zone (StippleFaceMap *self,
                                                 StippleZone     zone);
StippleZone  stipple_face_map_get_selected_zone (StippleFaceMap *self);
GtkWidget   *stipple_face_map_get_zone_widget   (StippleFaceMap *self,
                                                 StippleZone     zone);

G_END_DECLS
