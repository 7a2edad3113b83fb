/* stipple-screening.c
 *
 * The contraindications and cautions of the SkinPen and Dermapen 4
 * manuals and common clinic consent forms (docs/clinical-defaults.md).
 * Keys are stored in the patient file: never change or reuse one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "stipple-screening"

#include "config.h"

#include <glib/gi18n.h>

#include "stipple-screening.h"

static const StippleScreeningItem items[] = {
  { "active-acne", N_("Active acne (grade III–IV) in the treatment area?"), STIPPLE_SCREENING_STOP },
  { "rosacea", N_("Active rosacea in the treatment area?"), STIPPLE_SCREENING_STOP },
  { "open-wounds", N_("Open wounds, sores or broken skin in the treatment area?"), STIPPLE_SCREENING_STOP },
  { "active-infection", N_("Active skin infection (bacterial, fungal or viral, including cold sores) in the area?"), STIPPLE_SCREENING_STOP },
  { "warts", N_("Warts in the treatment area?"), STIPPLE_SCREENING_STOP },
  { "skin-cancer", N_("Skin cancer or solar keratosis in the treatment area?"), STIPPLE_SCREENING_STOP },
  { "keloid-history", N_("History of keloid scarring?"), STIPPLE_SCREENING_STOP },
  { "impaired-healing", N_("Impaired wound healing?"), STIPPLE_SCREENING_STOP },
  { "scleroderma", N_("Scleroderma?"), STIPPLE_SCREENING_STOP },
  { "pregnancy", N_("Pregnant or breastfeeding?"), STIPPLE_SCREENING_STOP },
  { "clotting-disorder", N_("Blood clotting disorder, or taking anticoagulants?"), STIPPLE_SCREENING_STOP },
  { "isotretinoin", N_("Isotretinoin taken in the last 6 months?"), STIPPLE_SCREENING_STOP },
  { "nsaids", N_("NSAIDs (such as ibuprofen) in the last 5–7 days?"), STIPPLE_SCREENING_CAUTION },
  { "topical-retinoids", N_("Topical retinoids in the last 2–4 days?"), STIPPLE_SCREENING_CAUTION },
  { "eczema-psoriasis", N_("Eczema or psoriasis in the treatment area?"), STIPPLE_SCREENING_CAUTION },
  { "sun-tanning", N_("Sun tanning in the last 2 weeks?"), STIPPLE_SCREENING_CAUTION },
  { "fillers", N_("Dermal fillers in the treatment area in the last 3 months?"), STIPPLE_SCREENING_CAUTION },
  { "metal-allergy", N_("Allergy to metals (stainless steel, titanium, nickel)?"), STIPPLE_SCREENING_CAUTION },
  { "herpes-history", N_("History of cold sores (herpes simplex) in the area?"), STIPPLE_SCREENING_CAUTION },
};

/**
 * stipple_screening_get_items:
 * @n_items: (out): the number of items
 *
 * Returns: (array length=n_items): every screening question, in the order
 *   they are asked
 */
const StippleScreeningItem *
stipple_screening_get_items (guint *n_items)
{
  g_return_val_if_fail (n_items != NULL, NULL);

  *n_items = G_N_ELEMENTS (items);
  return items;
}

/**
 * stipple_screening_lookup:
 * @key: a screening key
 *
 * Returns: (nullable): the item with @key, or %NULL
 */
const StippleScreeningItem *
stipple_screening_lookup (const char *key)
{
  if (key == NULL)
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (items); i++)
    if (g_str_equal (items[i].key, key))
      return &items[i];

  return NULL;
}

/**
 * stipple_screening_get_question:
 * @item: a screening item
 *
 * Returns: the question, translated
 */
const char *
stipple_screening_get_question (const StippleScreeningItem *item)
{
  g_return_val_if_fail (item != NULL, NULL);

  return _(item->question);
}
