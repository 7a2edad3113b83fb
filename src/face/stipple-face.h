/* stipple-face.h: the face map's geometry and its drawing, for screen and paper
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>
#include <glib.h>

#include "stipple-zones.h"

G_BEGIN_DECLS

#define STIPPLE_FACE_ERROR (stipple_face_error_quark ())

typedef enum
{
  STIPPLE_FACE_ERROR_PARSE,
  STIPPLE_FACE_ERROR_MISSING_ZONE,
} StippleFaceError;

/* The depth colour scale: 0 to 2.5 mm in bands of 0.25 mm, the step of
 * the common pens. */
#define STIPPLE_FACE_BAND_UM 250
#define STIPPLE_FACE_N_BANDS 10

typedef struct _StippleFaceGeometry StippleFaceGeometry;

typedef struct
{
  /* Planned depth per zone (the deepest pass), 0 when the zone has no plan. */
  guint       depth_um[STIPPLE_N_ZONES];
  /* The zone's clinical limit; 0 when not known. */
  guint       limit_um[STIPPLE_N_ZONES];
  StippleZone selected;
  StippleZone focused;
  /* Zone names on the figure (for paper) and the colour legend. */
  gboolean    labels;
  gboolean    legend;
  /* Ink and paper, so the figure follows the light or dark style. */
  double      fg[3];
  double      bg[3];
} StippleFaceDrawing;

typedef struct
{
  double x, y, width, height;
} StippleFaceRect;

GQuark               stipple_face_error_quark         (void);

StippleFaceGeometry *stipple_face_geometry_new        (GBytes                    *data,
                                                       GError                   **error);
StippleFaceGeometry *stipple_face_geometry_get_default (void);
void                 stipple_face_geometry_free       (StippleFaceGeometry       *geometry);
double               stipple_face_geometry_get_aspect (const StippleFaceGeometry *geometry);
gboolean             stipple_face_geometry_get_bounds (const StippleFaceGeometry *geometry,
                                                       StippleZone                zone,
                                                       StippleFaceRect           *bounds);
StippleZone          stipple_face_geometry_hit        (const StippleFaceGeometry *geometry,
                                                       double                     nx,
                                                       double                     ny);
gboolean             stipple_face_geometry_zone_contains (const StippleFaceGeometry *geometry,
                                                       StippleZone                zone,
                                                       double                     nx,
                                                       double                     ny);

void                 stipple_face_drawing_init        (StippleFaceDrawing        *drawing);
StippleFaceRect      stipple_face_layout              (const StippleFaceGeometry *geometry,
                                                       double                     width,
                                                       double                     height,
                                                       gboolean                   legend);
void                 stipple_face_draw                (const StippleFaceGeometry *geometry,
                                                       cairo_t                   *cr,
                                                       double                     width,
                                                       double                     height,
                                                       const StippleFaceDrawing  *drawing);
void                 stipple_face_depth_color         (guint                      depth_um,
                                                       double                    *rgb);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StippleFaceGeometry, stipple_face_geometry_free)

G_END_DECLS
