/* sl-connection-check.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sl-token-refresher.h"

G_BEGIN_DECLS

/* Checks that the slot of @refresher still works: reads its keyring item
 * and fetches from Salesforce the user that the access token belongs to
 * (`/services/oauth2/userinfo`). When Salesforce rejects the access token,
 * the token is renewed once through @refresher (which emits
 * "reauth-required" when the refresh token is rejected too) and asked
 * again. Nothing is written to the keyring except by the refresher.
 *
 * Returns the credentials with the identity Salesforce reported. Fails with
 * G_IO_ERROR_NOT_FOUND when the slot has no item, with an SL_KEYRING_ERROR
 * when it cannot be read, and with an SL_OAUTH_ERROR otherwise; see
 * sl_token_refresher_error_needs_reauth(). */
void           sl_connection_check_async  (SlTokenRefresher     *refresher,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
SlCredentials *sl_connection_check_finish (GAsyncResult         *result,
                                           GError              **error);

G_END_DECLS
