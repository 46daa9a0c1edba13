/* sl-integration-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "sl-connection.h"

G_BEGIN_DECLS

#define SL_TYPE_INTEGRATION_PAGE (sl_integration_page_get_type ())

G_DECLARE_FINAL_TYPE (SlIntegrationPage, sl_integration_page, SL, INTEGRATION_PAGE,
                      AdwPreferencesPage)

/* The page of one slot: its state, identity and the Connect, Disconnect,
 * Reconnect and Try Again buttons, which activate the application's
 * actions with the slot name as target. "title" (inherited) names the
 * service and "description" explains what the slot is for. */
GtkWidget    *sl_integration_page_new             (SlConnection      *connection);

SlConnection *sl_integration_page_get_connection  (SlIntegrationPage *self);
void          sl_integration_page_set_connection  (SlIntegrationPage *self,
                                                   SlConnection      *connection);
const char   *sl_integration_page_get_description (SlIntegrationPage *self);
void          sl_integration_page_set_description (SlIntegrationPage *self,
                                                   const char        *description);

/* Returns the translated one-word summary of @state ("Connected", …), as the
 * page and the settings overview show it. */
const char   *sl_integration_page_describe_state  (SlConnectionState  state);

/* Returns the translated summary of @connection's state, or that the
 * keyring is still being read while the state is not known. */
const char   *sl_integration_page_describe_connection (SlConnection  *connection);

G_END_DECLS
