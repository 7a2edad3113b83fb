/* config.h for the reference firmware: src/protocol and src/pen include
 * it; they need nothing from it on the pen.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#define PACKAGE_NAME "Stipple pen"
