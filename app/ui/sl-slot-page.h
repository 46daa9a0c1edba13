/* sl-slot-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "sl-connection.h"

G_BEGIN_DECLS

#define SL_TYPE_SLOT_PAGE (sl_slot_page_get_type ())

G_DECLARE_FINAL_TYPE (SlSlotPage, sl_slot_page, SL, SLOT_PAGE, AdwBin)

/* The Settings or the User Profile page of the window: an overview that
 * lists the Salesforce integration with the slot's state, and the slot's
 * SlIntegrationPage as a subpage. The two subpages are named "overview"
 * and "salesforce"; "subpage" (read-only property) names the one shown.
 * With @profile, the overview starts with the account's avatar, email and
 * state. @description explains the slot on its integration page. */
GtkWidget  *sl_slot_page_new          (SlConnection *connection,
                                       gboolean      profile,
                                       const char   *description);

const char *sl_slot_page_get_subpage  (SlSlotPage   *self);
void        sl_slot_page_set_subpage  (SlSlotPage   *self,
                                       const char   *subpage);

/* Moves the keyboard focus to the shown subpage: the Salesforce row of the
 * overview, or the integration page. */
void        sl_slot_page_focus        (SlSlotPage   *self);

G_END_DECLS
