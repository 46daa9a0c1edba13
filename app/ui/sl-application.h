/* sl-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "sl-connection.h"
#include "sl-rest-client.h"

G_BEGIN_DECLS

#define SL_TYPE_APPLICATION (sl_application_get_type ())

G_DECLARE_FINAL_TYPE (SlApplication, sl_application, SL, APPLICATION, AdwApplication)

SlApplication *sl_application_new            (void);

/* Returns the model of @slot ("integration" or "user"), or NULL for an
 * unknown slot name. */
SlConnection  *sl_application_get_connection (SlApplication *self,
                                              const char    *slot);

/* Creates a REST client that acts as the user of @credentials, on the
 * token client's shared SoupSession and with the "api-version" setting.
 * Fails when the login settings are invalid. */
SlRestClient  *sl_application_create_rest_client (SlApplication        *self,
                                                  const SlCredentials  *credentials,
                                                  GError              **error);

G_END_DECLS
