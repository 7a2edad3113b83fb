/* stipple-store-limits.h: the limits of the patient file
 *
 * The store refuses a value past these (stipple-store-columns.c checks
 * every column against its row of the record tables); the windows and
 * the session rules check the same numbers first, so the clinician hears
 * of a limit while typing. One place, so the two never drift apart.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

/* Names of people and products, in characters. */
#define STIPPLE_STORE_MAX_NAME_CHARS 200
/* The clinic's record number, in characters. */
#define STIPPLE_STORE_MAX_RECORD_NUMBER_CHARS 64
#define STIPPLE_STORE_MAX_PHONE_CHARS 100
/* RFC 5321's longest address. */
#define STIPPLE_STORE_MAX_EMAIL_CHARS 320
/* A pen's serial number or firmware version, a cartridge, a lot. */
#define STIPPLE_STORE_MAX_LABEL_CHARS 100
/* Free text: an address, allergies, indications, reasons, aftercare. */
#define STIPPLE_STORE_MAX_FIELD_CHARS 4096
/* The longest note kept; a longer one is refused, never cut short. */
#define STIPPLE_STORE_MAX_NOTE_BYTES (1024 * 1024)
/* An addendum is a paragraph or two, not a document. */
#define STIPPLE_STORE_MAX_ADDENDUM_CHARS 20000
/* The oldest date of birth taken, in years before today. */
#define STIPPLE_STORE_MAX_AGE_YEARS 130
/* Fitzpatrick skin types run from I to VI; 0 is "not assessed". */
#define STIPPLE_STORE_MAX_FITZPATRICK 6
/* What no pen can do: the clinic's own limits are lower. */
#define STIPPLE_STORE_MAX_DEPTH_UM 3000
#define STIPPLE_STORE_MAX_STROKE_RATE_HZ 300
/* A course of treatment beyond these is a typing mistake. */
#define STIPPLE_STORE_MAX_PLANNED_SESSIONS 50
#define STIPPLE_STORE_MAX_INTERVAL_DAYS 366
