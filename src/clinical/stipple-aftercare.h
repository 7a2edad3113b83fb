/* stipple-aftercare.h: what the patient is told to do after a session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Sessions of a course are 4–6 weeks apart. */
#define STIPPLE_COURSE_INTERVAL_MIN_WEEKS 4
#define STIPPLE_COURSE_INTERVAL_MAX_WEEKS 6

const char * const *stipple_aftercare_get_instructions (guint *n_instructions);

G_END_DECLS
