/* stipple-sample-ring.h: needle samples from the device thread to the UI
 *
 * A bounded single-producer single-consumer ring. The producer (the
 * device's USB event thread) never blocks and never waits for the
 * consumer: when the ring is full it drops the newest samples and counts
 * them, so a slow UI can only ever lose graph points, never stall USB.
 * The patient file receives every sample on its own path.
 *
 * C only: no GLib, no heap. The caller owns the ring and its storage.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stipple-proto-sample.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes between the fields each side writes, so that the producer's and
 * the consumer's counters never share a cache line. */
#define STIPPLE_SAMPLE_RING_PAD 64

typedef struct
{
  /* Written by the producer only. */
  _Atomic uint64_t    head;
  _Atomic uint64_t    overflowed;
  char                pad_producer[STIPPLE_SAMPLE_RING_PAD];

  /* Written by the consumer only. */
  _Atomic uint64_t    tail;
  char                pad_consumer[STIPPLE_SAMPLE_RING_PAD];

  /* Fixed by stipple_sample_ring_init(). */
  StippleProtoSample *storage;
  uint64_t            mask;
} StippleSampleRing;

bool     stipple_sample_ring_init            (StippleSampleRing        *ring,
                                              StippleProtoSample       *storage,
                                              size_t                    capacity);
size_t   stipple_sample_ring_get_capacity    (const StippleSampleRing  *ring);

/* Producer side. */
size_t   stipple_sample_ring_push_batch      (StippleSampleRing        *ring,
                                              const StippleProtoSample *samples,
                                              size_t                    n_samples);
size_t   stipple_sample_ring_get_writable    (StippleSampleRing        *ring);

/* Consumer side. */
size_t   stipple_sample_ring_pop_batch       (StippleSampleRing        *ring,
                                              StippleProtoSample       *samples,
                                              size_t                    max_samples);
size_t   stipple_sample_ring_get_readable    (StippleSampleRing        *ring);
uint64_t stipple_sample_ring_get_overflowed  (StippleSampleRing        *ring);

#ifdef __cplusplus
}
#endif
