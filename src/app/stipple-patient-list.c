/* stipple-patient-list.c
 *
 * The sidebar's patient search. Every keystroke (after the search entry's
 * short pause) asks the store again and cancels the question before it:
 * the newest search always wins, and a slow answer to an old query never
 * replaces the answer to what is typed now.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-patients"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-a11y.h"
#include "stipple-patient-list.h"
#include "stipple-patient-text.h"

/* More than fit on a screen: past this the clinician types more. */
#define SEARCH_LIMIT 50
/* How much of a long query the "nothing found" message repeats. */
#define QUERY_SHOWN_CHARS 40

struct _StipplePatientList
{
  GtkBox          parent_instance;

  StippleStore   *store;
  GCancellable   *cancellable;
  /* The text whose results are on screen, and whether Enter was pressed
   * before they came: a quick typist's Enter opens the first patient the
   * moment the answer arrives. */
  char           *shown_query;
  gboolean        activate_when_found;

  /* Template children */
  GtkSearchEntry *search_entry;
  GtkStack       *stack;
  GtkListBox     *list_box;
  AdwStatusPage  *no_match_page;
  AdwStatusPage  *error_page;
};

G_DEFINE_FINAL_TYPE (StipplePatientList, stipple_patient_list, GTK_TYPE_BOX)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

enum {
  SIGNAL_PATIENT_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
clear_rows (StipplePatientList *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
    gtk_list_box_remove (self->list_box, child);
}

static GtkWidget *
patient_row_new (const StipplePatient *patient)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *name_label;
  GtkWidget *detail_label;
  g_autofree char *name = NULL;
  g_autofree char *born = stipple_patient_text_write_iso_date (patient->date_of_birth);
  g_autofree char *detail = NULL;
  g_autofree char *accessible = NULL;

  if (patient->given_name != NULL && *patient->given_name != '\0')
    /* TRANSLATORS: a patient in the search results: family name, given name. */
    name = g_strdup_printf (_("%s, %s"), patient->family_name, patient->given_name);
  else
    name = g_strdup (patient->family_name);
  /* TRANSLATORS: record number · date of birth written out. */
  detail = g_strdup_printf (_("%s · born %s"), patient->record_number, born);

  name_label = gtk_label_new (name);
  gtk_label_set_xalign (GTK_LABEL (name_label), 0.0);
  gtk_label_set_wrap (GTK_LABEL (name_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (name_label), PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (name_label, "heading");
  detail_label = gtk_label_new (detail);
  gtk_label_set_xalign (GTK_LABEL (detail_label), 0.0);
  gtk_label_set_wrap (GTK_LABEL (detail_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (detail_label), PANGO_WRAP_WORD_CHAR);

  gtk_box_append (GTK_BOX (box), name_label);
  gtk_box_append (GTK_BOX (box), detail_label);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);

  accessible = g_strdup_printf ("%s, %s", name, detail);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  g_object_set_data_full (G_OBJECT (row), "stipple-patient", stipple_patient_copy (patient),
                          (GDestroyNotify) stipple_patient_free);
  return row;
}

static void
show_results (StipplePatientList *self,
              const char         *query,
              GPtrArray          *patients)
{
  clear_rows (self);

  if (patients->len == 0)
    {
      g_autofree char *shown = NULL;
      g_autofree char *description = NULL;

      if (g_utf8_strlen (query, -1) > QUERY_SHOWN_CHARS)
        {
          g_autofree char *start = g_utf8_substring (query, 0, QUERY_SHOWN_CHARS);
          shown = g_strconcat (start, "…", NULL);
        }
      else
        shown = g_strdup (query);
      description = g_strdup_printf (_("No patient in this file matches “%s”. Check the "
                                       "spelling, or search by record number or date of "
                                       "birth."), shown);
      adw_status_page_set_description (self->no_match_page, description);
      gtk_stack_set_visible_child_name (self->stack, "no-match");
      return;
    }

  for (guint i = 0; i < patients->len; i++)
    gtk_list_box_append (self->list_box, patient_row_new (g_ptr_array_index (patients, i)));

  if (patients->len >= SEARCH_LIMIT)
    {
      GtkWidget *more = gtk_label_new (_("Only the first matches are shown: type more to "
                                         "narrow the search."));

      gtk_label_set_wrap (GTK_LABEL (more), TRUE);
      gtk_widget_add_css_class (more, "dim-label");
      gtk_widget_set_margin_top (more, 6);
      gtk_widget_set_margin_bottom (more, 6);
      gtk_list_box_append (self->list_box, more);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (gtk_widget_get_parent (more)), FALSE);
      gtk_list_box_row_set_selectable (GTK_LIST_BOX_ROW (gtk_widget_get_parent (more)), FALSE);
    }

  gtk_stack_set_visible_child_name (self->stack, "results");
}

static void
activate_row (StipplePatientList *self,
              GtkListBoxRow      *row)
{
  StipplePatient *patient = g_object_get_data (G_OBJECT (row), "stipple-patient");

  if (patient == NULL)
    return;
  gtk_list_box_select_row (self->list_box, row);
  g_signal_emit (self, signals[SIGNAL_PATIENT_ACTIVATED], 0, patient->id);
}

/* Enter in the search entry opens the first patient found, now or, while
 * the search for what was typed is still under way, when it answers. */
static void
search_activate_cb (StipplePatientList *self)
{
  GtkListBoxRow *first = gtk_list_box_get_row_at_index (self->list_box, 0);
  const char *query = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  if (self->cancellable != NULL || g_strcmp0 (query, self->shown_query) != 0)
    {
      self->activate_when_found = *query != '\0';
      return;
    }

  if (first != NULL && g_str_equal (gtk_stack_get_visible_child_name (self->stack), "results"))
    activate_row (self, first);
}

static void
search_ready_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(StipplePatientList) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) patients = NULL;
  const char *query;

  patients = stipple_store_search_patients_finish (STIPPLE_STORE (source), result, &error);
  /* A newer search replaced this one; its answer is on its way. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->cancellable);
  query = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_free (self->shown_query);
  self->shown_query = g_strdup (query);
  if (patients == NULL)
    {
      self->activate_when_found = FALSE;
      clear_rows (self);
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }
  show_results (self, query, patients);
  if (self->activate_when_found)
    {
      self->activate_when_found = FALSE;
      search_activate_cb (self);
    }
}

static void
start_search (StipplePatientList *self)
{
  g_autofree char *query = NULL;
  GDate date;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  query = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search_entry))));
  if (self->store == NULL || *query == '\0')
    {
      clear_rows (self);
      g_free (self->shown_query);
      self->shown_query = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
      gtk_stack_set_visible_child_name (self->stack, "prompt");
      return;
    }

  /* A date typed in any of the ways the editor accepts ("9 March 1984")
   * is asked for as the patient file keeps it. */
  if (stipple_patient_text_parse_date (query, &date))
    {
      g_free (query);
      query = stipple_patient_text_iso_date (&date);
    }

  self->cancellable = g_cancellable_new ();
  stipple_store_search_patients_async (self->store, query, SEARCH_LIMIT, self->cancellable,
                                       search_ready_cb, g_object_ref (self));
}

static void
search_changed_cb (StipplePatientList *self)
{
  start_search (self);
}


static void
row_activated_cb (StipplePatientList *self,
                  GtkListBoxRow      *row)
{
  activate_row (self, row);
}


static void
stop_search_cb (StipplePatientList *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
}

static gboolean
search_key_pressed_cb (GtkEventControllerKey *controller,
                       guint                  keyval,
                       guint                  keycode,
                       GdkModifierType        state,
                       StipplePatientList    *self)
{
  GtkListBoxRow *first;

  if (keyval != GDK_KEY_Down && keyval != GDK_KEY_KP_Down)
    return GDK_EVENT_PROPAGATE;

  first = gtk_list_box_get_row_at_index (self->list_box, 0);
  if (first == NULL || !g_str_equal (gtk_stack_get_visible_child_name (self->stack), "results"))
    return GDK_EVENT_PROPAGATE;

  gtk_list_box_select_row (self->list_box, first);
  gtk_widget_grab_focus (GTK_WIDGET (first));
  return GDK_EVENT_STOP;
}

/* Up from the first patient goes back to the search entry. */
static gboolean
list_keynav_failed_cb (StipplePatientList *self,
                       GtkDirectionType    direction)
{
  if (direction != GTK_DIR_UP)
    return FALSE;
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  return TRUE;
}

/**
 * stipple_patient_list_new:
 * @store: (nullable): the patient file to search
 *
 * Returns: (transfer full): a new patient list
 */
StipplePatientList *
stipple_patient_list_new (StippleStore *store)
{
  g_return_val_if_fail (store == NULL || STIPPLE_IS_STORE (store), NULL);

  return g_object_new (STIPPLE_TYPE_PATIENT_LIST, "store", store, NULL);
}

/**
 * stipple_patient_list_get_store:
 * @self: a patient list
 *
 * Returns: (transfer none) (nullable): the patient file searched
 */
StippleStore *
stipple_patient_list_get_store (StipplePatientList *self)
{
  g_return_val_if_fail (STIPPLE_IS_PATIENT_LIST (self), NULL);

  return self->store;
}

/**
 * stipple_patient_list_set_store:
 * @self: a patient list
 * @store: (nullable): the patient file to search
 *
 * Searches @store for what is typed, from now on.
 */
void
stipple_patient_list_set_store (StipplePatientList *self,
                                StippleStore       *store)
{
  g_return_if_fail (STIPPLE_IS_PATIENT_LIST (self));
  g_return_if_fail (store == NULL || STIPPLE_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;
  start_search (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

/**
 * stipple_patient_list_refresh:
 * @self: a patient list
 *
 * Searches again for what is typed: after a patient was added or
 * changed, the list shows them as they are now.
 */
void
stipple_patient_list_refresh (StipplePatientList *self)
{
  g_return_if_fail (STIPPLE_IS_PATIENT_LIST (self));

  start_search (self);
}

/**
 * stipple_patient_list_focus_search:
 * @self: a patient list
 *
 * Puts the keyboard focus in the search entry, ready to type.
 */
void
stipple_patient_list_focus_search (StipplePatientList *self)
{
  g_return_if_fail (STIPPLE_IS_PATIENT_LIST (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/**
 * stipple_patient_list_clear:
 * @self: a patient list
 *
 * Empties the search, and with it the list of patients found.
 */
void
stipple_patient_list_clear (StipplePatientList *self)
{
  g_return_if_fail (STIPPLE_IS_PATIENT_LIST (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
}

static void
stipple_patient_list_dispose (GObject *object)
{
  StipplePatientList *self = STIPPLE_PATIENT_LIST (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_pointer (&self->shown_query, g_free);

  gtk_widget_dispose_template (GTK_WIDGET (self), STIPPLE_TYPE_PATIENT_LIST);

  G_OBJECT_CLASS (stipple_patient_list_parent_class)->dispose (object);
}

static void
stipple_patient_list_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  StipplePatientList *self = STIPPLE_PATIENT_LIST (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stipple_patient_list_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  StipplePatientList *self = STIPPLE_PATIENT_LIST (object);

  switch (prop_id)
    {
    case PROP_STORE:
      stipple_patient_list_set_store (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stipple_patient_list_class_init (StipplePatientListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = stipple_patient_list_dispose;
  object_class->get_property = stipple_patient_list_get_property;
  object_class->set_property = stipple_patient_list_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         STIPPLE_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * StipplePatientList::patient-activated:
   * @self: the list
   * @patient_id: the patient chosen
   *
   * A patient was chosen: clicked, or Enter pressed on them.
   */
  signals[SIGNAL_PATIENT_ACTIVATED] =
    g_signal_new ("patient-activated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/stipple-patient-list.ui");
  gtk_widget_class_bind_template_child (widget_class, StipplePatientList, search_entry);
  gtk_widget_class_bind_template_child (widget_class, StipplePatientList, stack);
  gtk_widget_class_bind_template_child (widget_class, StipplePatientList, list_box);
  gtk_widget_class_bind_template_child (widget_class, StipplePatientList, no_match_page);
  gtk_widget_class_bind_template_child (widget_class, StipplePatientList, error_page);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, list_keynav_failed_cb);
}

static void
stipple_patient_list_init (StipplePatientList *self)
{
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));
  stipple_a11y_present_visible_page (self->stack);

  keys = gtk_event_controller_key_new ();
  g_signal_connect (keys, "key-pressed", G_CALLBACK (search_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->search_entry), keys);
}
