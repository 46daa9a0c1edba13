/* sl-cases-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "sl-connection.h"

G_BEGIN_DECLS

#define SL_TYPE_CASES_PAGE (sl_cases_page_get_type ())

G_DECLARE_FINAL_TYPE (SlCasesPage, sl_cases_page, SL, CASES_PAGE, AdwBin)

/**
 * SlCasesPage:
 *
 * Looks a case up by number and writes support work back to it: comments,
 * status changes and assignment, all as the agent of "connection" (the
 * `user` slot). Each request loads the slot's credentials from the keyring
 * and builds its REST client with sl_application_create_rest_client() of
 * the window's application. Requests are cancelled when the page leaves
 * its window.
 */
GtkWidget    *sl_cases_page_new            (SlConnection *connection);

SlConnection *sl_cases_page_get_connection (SlCasesPage  *self);
void          sl_cases_page_set_connection (SlCasesPage  *self,
                                            SlConnection *connection);

/* Moves the keyboard focus to the case number entry, or to the "Open User
 * Profile" button when the agent is not connected. */
void          sl_cases_page_focus          (SlCasesPage  *self);

G_END_DECLS
