/* test-store-async.c: where the store runs its work
 *
 * Every asynchronous store call goes through stipple_store_run_async():
 * writes land in the order they were queued, a long copy never holds up
 * a note, an export reads beside the writer, a job cancelled before it
 * starts never runs, and a closed store runs nothing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>

#include "stipple-store.h"
#include "stipple-store-private.h"
#include "stipple-test-wait.h"
#include "test-store-util.h"

typedef struct
{
  char         *dir;
  char         *path;
  StippleStore *store;
  gint64        patient_id;
  gint64        session_id;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("stipple-store-async-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  f->path = g_build_filename (f->dir, "patients.stipple", NULL);
  f->store = stipple_store_open (f->path, &error);
  g_assert_no_error (error);
  f->session_id = test_add_patient_session (f->store, "A-1", "Ada", "Lovelace", 0);
  g_assert_true (stipple_store_find_session_patient (f->store, f->session_id, &f->patient_id,
                                                     &error));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->store != NULL)
    stipple_store_close (f->store);
  g_clear_object (&f->store);
  test_remove_tree (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

/* A job that holds its lane until the test lets it go. */
typedef struct
{
  GMutex   mutex;
  GCond    cond;
  gboolean started;
  gboolean released;
} Gate;

static gpointer
gate_job (StippleStore  *self,
          gpointer       data,
          GCancellable  *cancellable,
          GError       **error)
{
  Gate *gate = data;

  g_mutex_lock (&gate->mutex);
  gate->started = TRUE;
  while (!gate->released)
    g_cond_wait (&gate->cond, &gate->mutex);
  g_mutex_unlock (&gate->mutex);
  return GINT_TO_POINTER (TRUE);
}

static gboolean
gate_started (Gate *gate)
{
  gboolean started;

  g_mutex_lock (&gate->mutex);
  started = gate->started;
  g_mutex_unlock (&gate->mutex);
  return started;
}

static void
gate_release (Gate *gate)
{
  g_mutex_lock (&gate->mutex);
  gate->released = TRUE;
  g_cond_broadcast (&gate->cond);
  g_mutex_unlock (&gate->mutex);
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} Outcome;

static void
boolean_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Outcome *outcome = user_data;

  outcome->ok = stipple_store_run_finish_boolean (STIPPLE_STORE (object), result,
                                                  &outcome->error);
  outcome->done = TRUE;
}

static void
note_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Outcome *outcome = user_data;

  outcome->ok = stipple_store_save_note_finish (STIPPLE_STORE (object), result, &outcome->error);
  outcome->done = TRUE;
}

static void
verified_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Outcome *outcome = user_data;
  g_autoptr(StippleVerifyResult) verified = stipple_store_verify_finish (STIPPLE_STORE (object),
                                                                         result, &outcome->error);

  outcome->ok = verified != NULL && verified->breaks->len == 0;
  outcome->done = TRUE;
}

/* The check of the whole file, which the window runs after opening and
 * which takes minutes for a file of some years, is a long job: a note
 * asked for after it is saved first, and the check still finds the file
 * whole. */
static void
test_check_beside_notes (Fixture       *f,
                         gconstpointer  data)
{
  Gate gate = { 0, };
  Outcome long_done = { 0, };
  Outcome check_done = { 0, };
  Outcome note_done = { 0, };

  g_mutex_init (&gate.mutex);
  g_cond_init (&gate.cond);
  /* The long lane is held: a check queued there cannot run yet. */
  stipple_store_run_async (f->store, STIPPLE_STORE_LANE_LONG, gate_job, &gate, NULL, NULL, NULL,
                           boolean_cb, &long_done, NULL);
  WAIT_FOR (gate_started (&gate));
  stipple_store_verify_async (f->store, NULL, verified_cb, &check_done);
  stipple_store_save_note_async (f->store, f->session_id, STIPPLE_NOTE_AFTER,
                                 "Mild erythema, settled.", NULL, note_cb, &note_done);
  WAIT_FOR (note_done.done);
  g_assert_no_error (note_done.error);
  g_assert_true (note_done.ok);
  g_assert_false (check_done.done);

  gate_release (&gate);
  WAIT_FOR (check_done.done);
  g_assert_no_error (check_done.error);
  g_assert_true (check_done.ok);
  WAIT_FOR (long_done.done);
  g_mutex_clear (&gate.mutex);
  g_cond_clear (&gate.cond);
}

/* A note is saved while a long copy is still running: the two never
 * share a queue. */
static void
test_note_beside_long_job (Fixture       *f,
                           gconstpointer  data)
{
  Gate gate = { 0, };
  Outcome long_done = { 0, };
  Outcome note_done = { 0, };
  g_autoptr(StipplePatientChart) chart = NULL;
  g_autoptr(GError) error = NULL;

  g_mutex_init (&gate.mutex);
  g_cond_init (&gate.cond);
  stipple_store_run_async (f->store, STIPPLE_STORE_LANE_LONG, gate_job, &gate, NULL, NULL, NULL,
                           boolean_cb, &long_done, NULL);
  WAIT_FOR (gate_started (&gate));

  stipple_store_save_note_async (f->store, f->session_id, STIPPLE_NOTE_BEFORE,
                                 "Skin calm, no active acne.", NULL, note_cb, &note_done);
  WAIT_FOR (note_done.done);
  g_assert_no_error (note_done.error);
  g_assert_true (note_done.ok);
  g_assert_false (long_done.done);

  gate_release (&gate);
  WAIT_FOR (long_done.done);
  g_assert_no_error (long_done.error);
  g_assert_true (long_done.ok);

  chart = stipple_store_load_chart (f->store, f->patient_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (((StippleSession *) g_ptr_array_index (chart->sessions, 0))->note_before, ==,
                   "Skin calm, no active acne.");
  g_mutex_clear (&gate.mutex);
  g_cond_clear (&gate.cond);
}

typedef struct
{
  GArray *order;
  guint   pending;
} Order;

typedef struct
{
  Order *order;
  guint  index;
} Step;

static void
audit_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autofree Step *step = user_data;
  g_autoptr(GError) error = NULL;
  gint64 id = stipple_store_append_audit_finish (STIPPLE_STORE (object), result, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  g_array_append_val (step->order->order, step->index);
  step->order->pending--;
}

static void
step_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autofree Step *step = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (stipple_store_run_finish_boolean (STIPPLE_STORE (object), result, &error));
  g_assert_no_error (error);
  g_array_append_val (step->order->order, step->index);
  step->order->pending--;
}

static Step *
step_new (Order *order,
          guint  index)
{
  Step *step = g_new0 (Step, 1);

  step->order = order;
  step->index = index;
  order->pending++;
  return step;
}

/* Audit rows, notes and zone totals queued in turn land in turn: the
 * audit trail reads in the order the events were queued, the last note
 * is the one kept, and every zone total is counted. */
static void
test_writes_in_order (Fixture       *f,
                      gconstpointer  data)
{
  Order order = { g_array_new (FALSE, FALSE, sizeof (guint)), 0 };
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(StipplePatientChart) chart = NULL;
  g_autoptr(GError) error = NULL;
  const StippleSession *session;
  guint n = 0;

  for (guint i = 0; i < 30; i++)
    {
      g_autoptr(StippleAuditEntry) entry = stipple_audit_entry_new (STIPPLE_AUDIT_SETTING);
      g_autofree char *note = g_strdup_printf ("note %u", i);

      entry->session_id = f->session_id;
      entry->user = g_strdup ("Dr Test");
      entry->zone = STIPPLE_ZONE_FOREHEAD;
      entry->sent = g_strdup_printf ("step=%u", i);
      stipple_store_append_audit_async (f->store, entry, NULL, audit_cb, step_new (&order, n++));
      stipple_store_save_note_async (f->store, f->session_id, STIPPLE_NOTE_AFTER, note, NULL,
                                     step_cb, step_new (&order, n++));
      stipple_store_add_zone_totals_async (f->store, f->session_id, STIPPLE_ZONE_FOREHEAD, 10,
                                           1000, 1, NULL, step_cb, step_new (&order, n++));
    }
  WAIT_FOR (order.pending == 0);

  /* The callbacks come back in the order the work was queued. */
  g_assert_cmpuint (order.order->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpuint (g_array_index (order.order, guint, i), ==, i);

  audit = stipple_store_list_audit (f->store, f->session_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (audit->len, ==, 30);
  for (guint i = 0; i < audit->len; i++)
    {
      const StippleAuditEntry *entry = g_ptr_array_index (audit, i);
      g_autofree char *sent = g_strdup_printf ("step=%u", i);

      g_assert_cmpstr (entry->sent, ==, sent);
    }

  chart = stipple_store_load_chart (f->store, f->patient_id, &error);
  g_assert_no_error (error);
  session = g_ptr_array_index (chart->sessions, 0);
  g_assert_cmpstr (session->note_after, ==, "note 29");
  g_assert_cmpuint (session->strokes[STIPPLE_ZONE_FOREHEAD], ==, 300);
  g_array_unref (order.order);
}

static gpointer
flag_job (StippleStore  *self,
          gpointer       data,
          GCancellable  *cancellable,
          GError       **error)
{
  *(gboolean *) data = TRUE;
  return GINT_TO_POINTER (TRUE);
}

/* A job cancelled while it waits its turn never runs, and says so. */
static void
test_cancelled_before_start (Fixture       *f,
                             gconstpointer  data)
{
  Gate gate = { 0, };
  Outcome gate_done = { 0, };
  Outcome cancelled = { 0, };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  gboolean ran = FALSE;

  g_mutex_init (&gate.mutex);
  g_cond_init (&gate.cond);
  stipple_store_run_async (f->store, STIPPLE_STORE_LANE_WRITER, gate_job, &gate, NULL, NULL, NULL,
                           boolean_cb, &gate_done, NULL);
  WAIT_FOR (gate_started (&gate));
  stipple_store_run_async (f->store, STIPPLE_STORE_LANE_WRITER, flag_job, &ran, NULL, NULL,
                           cancellable, boolean_cb, &cancelled, NULL);
  g_cancellable_cancel (cancellable);
  gate_release (&gate);

  WAIT_FOR (gate_done.done && cancelled.done);
  g_assert_true (gate_done.ok);
  g_assert_false (cancelled.ok);
  g_assert_error (cancelled.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (ran);
  g_clear_error (&cancelled.error);
  g_mutex_clear (&gate.mutex);
  g_cond_clear (&gate.cond);
}

/* A closed store runs nothing, on either lane. */
static void
test_closed (Fixture       *f,
             gconstpointer  data)
{
  Outcome writer = { 0, };
  Outcome long_lane = { 0, };
  gboolean ran = FALSE;

  stipple_store_close (f->store);
  stipple_store_run_async (f->store, STIPPLE_STORE_LANE_WRITER, flag_job, &ran, NULL, NULL, NULL,
                           boolean_cb, &writer, NULL);
  stipple_store_run_async (f->store, STIPPLE_STORE_LANE_LONG, flag_job, &ran, NULL, NULL, NULL,
                           boolean_cb, &long_lane, NULL);
  WAIT_FOR (writer.done && long_lane.done);
  g_assert_error (writer.error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_CLOSED);
  g_assert_error (long_lane.error, STIPPLE_STORE_ERROR, STIPPLE_STORE_ERROR_CLOSED);
  g_assert_false (ran);
  g_clear_error (&writer.error);
  g_clear_error (&long_lane.error);
}

/* A writer job that leaves a write transaction open on the store's
 * connection, as a long save would, until the test lets it go. */
typedef struct
{
  Gate    gate;
  gint64  session_id;
} OpenWrite;

static gpointer
open_write_job (StippleStore  *self,
                gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  OpenWrite *write = data;
  g_autofree char *sql = g_strdup_printf ("BEGIN IMMEDIATE;"
                                          " UPDATE session SET note_before = 'draft'"
                                          " WHERE id = %" G_GINT64_FORMAT, write->session_id);
  gboolean ok;

  g_mutex_lock (&self->mutex);
  ok = stipple_store_exec (self, sql, error);
  g_mutex_unlock (&self->mutex);
  if (!ok)
    return NULL;
  gate_job (self, &write->gate, cancellable, error);
  g_mutex_lock (&self->mutex);
  ok = stipple_store_exec (self, "COMMIT", error);
  g_mutex_unlock (&self->mutex);
  return ok ? GINT_TO_POINTER (TRUE) : NULL;
}

static void
exported_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Outcome *outcome = user_data;

  outcome->ok = stipple_store_export_patient_finish (STIPPLE_STORE (object), result,
                                                     &outcome->error);
  outcome->done = TRUE;
}

/* An export reads through a connection of its own: it runs to the end
 * while a write is still open on the store's, and carries the file as
 * it was committed. */
static void
test_export_beside_open_write (Fixture       *f,
                               gconstpointer  data)
{
  OpenWrite write = { 0, };
  Outcome write_done = { 0, };
  Outcome export_done = { 0, };
  g_autofree char *exported = g_build_filename (f->dir, "exported.stipple", NULL);
  g_autofree char *committed = NULL;
  g_autoptr(StippleStore) copy = NULL;
  g_autoptr(StipplePatientChart) chart = NULL;
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(StipplePatientChart) before = stipple_store_load_chart (f->store, f->patient_id,
                                                                      &error);

    g_assert_no_error (error);
    committed = g_strdup (((StippleSession *) g_ptr_array_index (before->sessions, 0))->note_before);
  }
  write.session_id = f->session_id;
  g_mutex_init (&write.gate.mutex);
  g_cond_init (&write.gate.cond);
  stipple_store_run_async (f->store, STIPPLE_STORE_LANE_WRITER, open_write_job, &write, NULL,
                           NULL, NULL, boolean_cb, &write_done, NULL);
  WAIT_FOR (gate_started (&write.gate));

  stipple_store_export_patient_async (f->store, f->patient_id, exported, NULL, exported_cb,
                                      &export_done);
  WAIT_FOR (export_done.done);
  g_assert_no_error (export_done.error);
  g_assert_true (export_done.ok);
  g_assert_false (write_done.done);

  gate_release (&write.gate);
  WAIT_FOR (write_done.done);
  g_assert_no_error (write_done.error);

  copy = stipple_store_open_read_only (exported, &error);
  g_assert_no_error (error);
  chart = stipple_store_load_chart (copy, f->patient_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (chart->sessions->len, ==, 1);
  /* The note as committed when the export began, not the draft. */
  g_assert_cmpstr (((StippleSession *) g_ptr_array_index (chart->sessions, 0))->note_before, ==,
                   committed);
  g_assert_cmpstr (committed, !=, "draft");
  g_mutex_clear (&write.gate.mutex);
  g_cond_clear (&write.gate.cond);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add ("/stipple/store-async/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("note-beside-long-job", test_note_beside_long_job);

  ADD ("check-beside-notes", test_check_beside_notes);
  ADD ("writes-in-order", test_writes_in_order);
  ADD ("cancelled-before-start", test_cancelled_before_start);
  ADD ("closed", test_closed);
  ADD ("export-beside-open-write", test_export_beside_open_write);
#undef ADD

  return g_test_run ();
}
