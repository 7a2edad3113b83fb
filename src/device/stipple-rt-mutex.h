/* stipple-rt-mutex.h: locks shared by the pen's real-time threads and the
 * main thread
 *
 * The pen link, the USB event thread and the simulated pen's thread run
 * at a real-time priority (stipple-thread-priority.c); the main thread
 * does not. When the main thread is preempted by a busy machine while it
 * holds a lock that a real-time thread then needs, a plain mutex makes
 * the real-time thread wait for as long as the main thread is kept off
 * the CPU: bench-link saw a heartbeat's send held up 61 ms so. These
 * locks inherit priority (PTHREAD_PRIO_INHERIT): while a real-time
 * thread waits, the holder runs at its priority and lets go at once.
 * GMutex cannot ask for that; the interface is GMutex's.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <pthread.h>
#include <time.h>

G_BEGIN_DECLS

typedef struct
{
  pthread_mutex_t mutex;
} StippleRtMutex;

typedef struct
{
  pthread_cond_t cond;
} StippleRtCond;

static inline void
stipple_rt_mutex_init (StippleRtMutex *self)
{
  pthread_mutexattr_t attr;

  pthread_mutexattr_init (&attr);
  if (pthread_mutexattr_setprotocol (&attr, PTHREAD_PRIO_INHERIT) != 0)
    g_error ("This system has no priority-inheriting locks");
  if (pthread_mutex_init (&self->mutex, &attr) != 0)
    g_error ("A lock for the pen's threads could not be made");
  pthread_mutexattr_destroy (&attr);
}

static inline void
stipple_rt_mutex_clear (StippleRtMutex *self)
{
  pthread_mutex_destroy (&self->mutex);
}

static inline void
stipple_rt_mutex_lock (StippleRtMutex *self)
{
  int err = pthread_mutex_lock (&self->mutex);

  if (G_UNLIKELY (err != 0))
    g_error ("Taking a lock of the pen's threads failed: %s", g_strerror (err));
}

static inline void
stipple_rt_mutex_unlock (StippleRtMutex *self)
{
  pthread_mutex_unlock (&self->mutex);
}

static inline void
stipple_rt_cond_init (StippleRtCond *self)
{
  pthread_condattr_t attr;

  pthread_condattr_init (&attr);
  pthread_condattr_setclock (&attr, CLOCK_MONOTONIC);
  pthread_cond_init (&self->cond, &attr);
  pthread_condattr_destroy (&attr);
}

static inline void
stipple_rt_cond_clear (StippleRtCond *self)
{
  pthread_cond_destroy (&self->cond);
}

static inline void
stipple_rt_cond_broadcast (StippleRtCond *self)
{
  pthread_cond_broadcast (&self->cond);
}

/* As g_cond_wait_until(): @end_time on the monotonic clock, in µs. */
static inline gboolean
stipple_rt_cond_wait_until (StippleRtCond  *self,
                            StippleRtMutex *mutex,
                            gint64          end_time)
{
  struct timespec until = {
    .tv_sec = end_time / G_USEC_PER_SEC,
    .tv_nsec = (end_time % G_USEC_PER_SEC) * 1000,
  };

  return pthread_cond_timedwait (&self->cond, &mutex->mutex, &until) == 0;
}

G_END_DECLS
