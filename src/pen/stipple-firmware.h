/* stipple-firmware.h: a model of the pen's firmware (the pen emulator)
 *
 * The state machine a real Stipple pen runs, as docs/pen-protocol.md
 * specifies it: limits, arming, the heartbeat watchdog, single-use
 * cartridges, and a physically plausible needle. It is driven by bytes
 * and a clock only: every function takes the current time in
 * microseconds and the model never reads a real clock, so tests and the
 * emulated USB device are deterministic.
 *
 * C only: no GLib, no heap. The caller owns the StippleFirmware struct
 * (on the stack or inside another struct) and must not touch its fields
 * except through these functions; they are in the header only so that
 * it can be allocated.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stddef.h>
#include <stdint.h>

#include "stipple-proto.h"
#include "stipple-proto-sample.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Needle model */
#define STIPPLE_FIRMWARE_RETRACTED_UM        (-300)
#define STIPPLE_FIRMWARE_DEPTH_VARIANCE_UM   15     /* each stroke's depth: commanded ± this */
#define STIPPLE_FIRMWARE_LOAD_PER_UM         26     /* load units per µm of penetration */
/* Telemetry */
#define STIPPLE_FIRMWARE_SAMPLE_RATE_HZ      8000
#define STIPPLE_FIRMWARE_SAMPLE_PERIOD_US    125
#define STIPPLE_FIRMWARE_SAMPLES_PER_PACKET  16
#define STIPPLE_FIRMWARE_SAMPLE_QUEUE        256
/* Replies not yet read */
#define STIPPLE_FIRMWARE_REPLY_QUEUE         8
#define STIPPLE_FIRMWARE_REPLY_MAX           64

typedef enum
{
  /* The next N IN packets (replies or telemetry) are lost on the way:
   * transmit() skips them as if they had been sent. */
  STIPPLE_FIRMWARE_FAULT_DROP,
  /* The next N IN packets arrive with one bit flipped, so their CRC
   * fails. */
  STIPPLE_FIRMWARE_FAULT_CORRUPT,
  /* N != 0 halts the IN endpoint (a USB STALL): transmit() sends nothing
   * and stipple_firmware_is_halted() is true until the host clears the
   * halt (stipple_firmware_clear_halt()), resets the bus, or N is 0. */
  STIPPLE_FIRMWARE_FAULT_STALL,
  /* The next N commands are refused, unexecuted, with the result set by
   * stipple_firmware_set_nak_result() (BUSY unless set). An emergency
   * stop is never refused and does not count. */
  STIPPLE_FIRMWARE_FAULT_NAK,
  /* The next N replies are lost on the way (the command was carried
   * out); telemetry packets pass. */
  STIPPLE_FIRMWARE_FAULT_DROP_REPLY,
} StippleFirmwareFault;

typedef struct
{
  char     serial[17];           /* NUL-terminated */
  uint16_t firmware_version;     /* major << 8 | minor */
  uint16_t hard_cap_um;          /* pen's absolute maximum depth, e.g. 2500 */
  uint16_t depth_min_um, depth_step_um;   /* e.g. 0 and 50 */
  uint16_t rate_min_hz, rate_max_hz;      /* e.g. 90 and 150 */
  /* cartridge currently inserted; an empty cartridge_id means none */
  char     cartridge_id[17], cartridge_lot[17];
  uint8_t  needle_count;
  uint16_t cartridge_max_um;
  uint16_t cartridge_use_count;  /* >0 means already used: single-use cartridge reuse */
  uint32_t seed;                 /* for the waveform's small variance, deterministic */
  /* The pen's non-volatile record of the cartridge it last recorded a
   * use on and has not seen removed (empty: none). A cartridge with this
   * id found at power-on is the insertion that was in progress. The model
   * keeps this and cartridge_use_count up to date in its own copy, so
   * that powering on again with that copy is a power cycle. */
  char     armed_cartridge_id[17];
} StippleFirmwareConfig;

typedef struct StippleFirmware StippleFirmware;

struct StippleFirmware
{
  StippleFirmwareConfig config;
  int      connected;
  uint64_t boot_us;
  uint64_t now_us;

  /* Treatment and arming */
  int      configured;
  StippleProtoTreatment treatment;
  int      armed;
  uint64_t armed_us;
  uint64_t heartbeat_us;
  uint8_t  disarm_reason;
  uint64_t disarmed_us;        /* when the needle last stopped, on the pen's clock */
  uint32_t stroke_count;         /* frozen while disarmed */

  /* Cartridge */
  int      cartridge_present;
  int      cartridge_reused;     /* used before it was inserted */
  int      cartridge_counted;    /* this insertion's use is recorded */
  uint16_t cartridge_use_count;
  int      on_skin;

  /* Telemetry */
  int      telemetry;
  uint32_t packet_seq;
  uint64_t next_sample_us;
  StippleProtoSample samples[STIPPLE_FIRMWARE_SAMPLE_QUEUE];
  uint32_t sample_head;
  uint32_t sample_count;
  uint32_t dropped_pending;
  uint32_t dropped_total;

  /* Replies */
  uint8_t  replies[STIPPLE_FIRMWARE_REPLY_QUEUE][STIPPLE_FIRMWARE_REPLY_MAX];
  uint8_t  reply_len[STIPPLE_FIRMWARE_REPLY_QUEUE];
  uint32_t reply_head;
  uint32_t reply_count;

  /* Fault knobs */
  uint32_t drop;
  uint32_t drop_replies;
  uint32_t corrupt;
  uint32_t nak;
  uint8_t  nak_result;
  int      halted;

  /* Counters, for tests */
  uint32_t frames_discarded;     /* OUT transfers that were not frames */
  uint32_t commands_executed;
  uint32_t commands_unanswered;  /* dropped on a full reply queue */
};

void   stipple_firmware_config_init_default (StippleFirmwareConfig       *config);

void   stipple_firmware_init         (StippleFirmware             *fw,
                                      const StippleFirmwareConfig *config,
                                      uint64_t                     now_us);
void   stipple_firmware_receive      (StippleFirmware             *fw,
                                      const uint8_t               *data,
                                      size_t                       len,
                                      uint64_t                     now_us);
size_t stipple_firmware_transmit     (StippleFirmware             *fw,
                                      uint8_t                     *buf,
                                      size_t                       cap,
                                      uint64_t                     now_us);
void   stipple_firmware_tick         (StippleFirmware             *fw,
                                      uint64_t                     now_us);

void   stipple_firmware_usb_reset    (StippleFirmware             *fw,
                                      uint64_t                     now_us);
void   stipple_firmware_usb_suspend  (StippleFirmware             *fw,
                                      uint64_t                     now_us);
void   stipple_firmware_unplug       (StippleFirmware             *fw,
                                      uint64_t                     now_us);
void   stipple_firmware_power_cycle  (StippleFirmware             *fw,
                                      uint64_t                     now_us);
void   stipple_firmware_clear_halt   (StippleFirmware             *fw);

int    stipple_firmware_is_armed     (const StippleFirmware       *fw);
int    stipple_firmware_is_running   (const StippleFirmware       *fw);
int    stipple_firmware_is_halted    (const StippleFirmware       *fw);
int    stipple_firmware_is_connected (const StippleFirmware       *fw);
int    stipple_firmware_get_treatment (const StippleFirmware      *fw,
                                       StippleProtoTreatment      *treatment);
void   stipple_firmware_get_status   (const StippleFirmware       *fw,
                                      StippleProtoPenStatus       *status);
int    stipple_firmware_get_cartridge (const StippleFirmware      *fw,
                                       StippleProtoCartridge      *cartridge);

void   stipple_firmware_set_fault    (StippleFirmware             *fw,
                                      StippleFirmwareFault         fault,
                                      uint32_t                     count);
void   stipple_firmware_set_nak_result (StippleFirmware           *fw,
                                        StippleProtoResult         result);
void   stipple_firmware_set_on_skin  (StippleFirmware             *fw,
                                      int                          on_skin,
                                      uint64_t                     now_us);
void   stipple_firmware_insert_cartridge (StippleFirmware         *fw,
                                          const StippleProtoCartridge *cartridge,
                                          uint64_t                 now_us);
void   stipple_firmware_remove_cartridge (StippleFirmware         *fw,
                                          uint64_t                 now_us);

#ifdef __cplusplus
}
#endif
