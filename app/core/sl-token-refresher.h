/* sl-token-refresher.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sl-credentials.h"
#include "sl-token-client.h"

G_BEGIN_DECLS

#define SL_TYPE_TOKEN_REFRESHER (sl_token_refresher_get_type ())

G_DECLARE_FINAL_TYPE (SlTokenRefresher, sl_token_refresher, SL, TOKEN_REFRESHER, GObject)

/**
 * SlTokenRefresher:
 *
 * Renews the access token of one slot with the refresh token stored in the
 * keyring. Properties: "slot" and "client" (construct-only).
 *
 * Callers that ask while a refresh runs share it (single flight), so many
 * requests that fail with an expired session at the same moment cause one
 * token request. The new access token, and the new refresh token when the
 * org rotates them, are stored in the slot's keyring item.
 *
 * Signal "reauth-required" (const char *reason): emitted once for each
 * refresh that Salesforce rejects with `invalid_grant` (refresh token
 * revoked or expired, user deactivated), before the callers get the error.
 * @reason is a translated message, meant for sl_connection_require_reauth().
 */
SlTokenRefresher *sl_token_refresher_new            (const char        *slot,
                                                     SlTokenClient     *client);

const char       *sl_token_refresher_get_slot       (SlTokenRefresher  *self);
SlTokenClient    *sl_token_refresher_get_client     (SlTokenRefresher  *self);

/* Returns the slot's credentials with a working access token. When
 * @rejected_access_token is not NULL and the keyring already contains another
 * access token (a refresh finished in the meantime), that one is returned
 * without a network request. Fails with SL_OAUTH_ERROR_INVALID_GRANT when
 * the user must sign in again (see sl_token_refresher_error_needs_reauth()),
 * with another SL_OAUTH_ERROR for network and server failures, which leave
 * the keyring unchanged, with an SL_KEYRING_ERROR when the item cannot be
 * read, and with G_IO_ERROR_NOT_FOUND when the slot has no item. Cancelling
 * @cancellable ends only this caller's wait, not the shared refresh. */
void              sl_token_refresher_refresh_async  (SlTokenRefresher    *self,
                                                     const char          *rejected_access_token,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
SlCredentials    *sl_token_refresher_refresh_finish (SlTokenRefresher    *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

/* Returns TRUE when @error means the slot needs a new sign-in, that is
 * SL_OAUTH_ERROR_INVALID_GRANT from a refresh. */
gboolean          sl_token_refresher_error_needs_reauth (const GError *error);

G_END_DECLS
