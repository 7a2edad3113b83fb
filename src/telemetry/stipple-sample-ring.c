/* stipple-sample-ring.c
 *
 * The head and tail are free-running 64-bit counters: their difference is
 * the fill level, and they never wrap in the life of a pen (2^64 samples).
 * Each side loads the other's counter with acquire and publishes its own
 * with release, which orders the sample copies against the counters.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-telemetry"

#include "config.h"

#include <string.h>

#include "stipple-sample-ring.h"

/**
 * stipple_sample_ring_init:
 * @ring: the ring to set up
 * @storage: room for @capacity samples, owned by the caller and kept
 *   alive as long as @ring is used
 * @capacity: number of samples; a power of two
 *
 * Sets up an empty ring. Call it before either thread uses @ring.
 *
 * Returns: %false if @capacity is not a power of two or @storage is %NULL
 */
bool
stipple_sample_ring_init (StippleSampleRing  *ring,
                          StippleProtoSample *storage,
                          size_t              capacity)
{
  if (ring == NULL || storage == NULL || capacity == 0 || (capacity & (capacity - 1)) != 0)
    return false;

  memset (ring, 0, sizeof *ring);
  atomic_init (&ring->head, 0);
  atomic_init (&ring->tail, 0);
  atomic_init (&ring->overflowed, 0);
  ring->storage = storage;
  ring->mask = capacity - 1;

  return true;
}

/**
 * stipple_sample_ring_get_capacity:
 * @ring: a ring
 *
 * Returns: how many samples @ring holds when full
 */
size_t
stipple_sample_ring_get_capacity (const StippleSampleRing *ring)
{
  return (size_t) ring->mask + 1;
}

static void
copy_in (StippleSampleRing        *ring,
         uint64_t                  at,
         const StippleProtoSample *samples,
         size_t                    n)
{
  size_t start = at & ring->mask;
  size_t first = stipple_sample_ring_get_capacity (ring) - start;

  if (first > n)
    first = n;
  memcpy (ring->storage + start, samples, first * sizeof *samples);
  memcpy (ring->storage, samples + first, (n - first) * sizeof *samples);
}

static void
copy_out (StippleSampleRing  *ring,
          uint64_t            at,
          StippleProtoSample *samples,
          size_t              n)
{
  size_t start = at & ring->mask;
  size_t first = stipple_sample_ring_get_capacity (ring) - start;

  if (first > n)
    first = n;
  memcpy (samples, ring->storage + start, first * sizeof *samples);
  memcpy (samples + first, ring->storage, (n - first) * sizeof *samples);
}

/**
 * stipple_sample_ring_push_batch:
 * @ring: a ring
 * @samples: samples in pen order
 * @n_samples: how many
 *
 * Appends as many of @samples as there is room for, from the producer
 * thread only. Never blocks. Samples that do not fit are not stored and
 * are added to the overflow count: unread samples are never overwritten,
 * so what the consumer reads is always an in-order run of what was pushed.
 *
 * Returns: the number of samples stored
 */
size_t
stipple_sample_ring_push_batch (StippleSampleRing        *ring,
                                const StippleProtoSample *samples,
                                size_t                    n_samples)
{
  uint64_t head = atomic_load_explicit (&ring->head, memory_order_relaxed);
  uint64_t tail = atomic_load_explicit (&ring->tail, memory_order_acquire);
  size_t room = stipple_sample_ring_get_capacity (ring) - (size_t) (head - tail);
  size_t n = n_samples < room ? n_samples : room;

  if (n > 0)
    {
      copy_in (ring, head, samples, n);
      atomic_store_explicit (&ring->head, head + n, memory_order_release);
    }

  if (n < n_samples)
    atomic_fetch_add_explicit (&ring->overflowed, n_samples - n, memory_order_relaxed);

  return n;
}

/**
 * stipple_sample_ring_get_writable:
 * @ring: a ring
 *
 * For the producer: the consumer may free more room at any moment, but
 * never less.
 *
 * Returns: how many samples the producer could push now without overflow
 */
size_t
stipple_sample_ring_get_writable (StippleSampleRing *ring)
{
  uint64_t head = atomic_load_explicit (&ring->head, memory_order_relaxed);
  uint64_t tail = atomic_load_explicit (&ring->tail, memory_order_acquire);

  return stipple_sample_ring_get_capacity (ring) - (size_t) (head - tail);
}

/**
 * stipple_sample_ring_pop_batch:
 * @ring: a ring
 * @samples: (out): room for @max_samples
 * @max_samples: how many to read at most
 *
 * Takes the oldest unread samples, from the consumer thread only.
 *
 * Returns: the number of samples copied into @samples
 */
size_t
stipple_sample_ring_pop_batch (StippleSampleRing  *ring,
                               StippleProtoSample *samples,
                               size_t              max_samples)
{
  uint64_t tail = atomic_load_explicit (&ring->tail, memory_order_relaxed);
  uint64_t head = atomic_load_explicit (&ring->head, memory_order_acquire);
  size_t readable = (size_t) (head - tail);
  size_t n = max_samples < readable ? max_samples : readable;

  if (n > 0)
    {
      copy_out (ring, tail, samples, n);
      atomic_store_explicit (&ring->tail, tail + n, memory_order_release);
    }

  return n;
}

/**
 * stipple_sample_ring_get_readable:
 * @ring: a ring
 *
 * Returns: how many samples the consumer could read now
 */
size_t
stipple_sample_ring_get_readable (StippleSampleRing *ring)
{
  uint64_t tail = atomic_load_explicit (&ring->tail, memory_order_relaxed);
  uint64_t head = atomic_load_explicit (&ring->head, memory_order_acquire);

  return (size_t) (head - tail);
}

/**
 * stipple_sample_ring_get_overflowed:
 * @ring: a ring
 *
 * The count only grows; a consumer that wants "lost since I last looked"
 * keeps the previous value.
 *
 * Returns: how many samples were dropped because the ring was full
 */
uint64_t
stipple_sample_ring_get_overflowed (StippleSampleRing *ring)
{
  return atomic_load_explicit (&ring->overflowed, memory_order_relaxed);
}
