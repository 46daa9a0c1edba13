/* sl-oauth-error.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SL_OAUTH_ERROR (sl_oauth_error_quark ())

/**
 * SlOAuthError:
 * @SL_OAUTH_ERROR_INVALID_CONFIG: the login host or client ID is not usable
 * @SL_OAUTH_ERROR_REDIRECT_MISMATCH: a callback URI is not our redirect URI
 * @SL_OAUTH_ERROR_STATE_MISMATCH: the callback's `state` is missing or wrong
 * @SL_OAUTH_ERROR_MISSING_CODE: the callback carries neither `code` nor `error`
 * @SL_OAUTH_ERROR_ACCESS_DENIED: the user pressed Deny (`access_denied`)
 * @SL_OAUTH_ERROR_AUTHORIZATION_FAILED: any other `error` in the callback
 * @SL_OAUTH_ERROR_ALREADY_USED: the sign-in attempt already consumed a code
 * @SL_OAUTH_ERROR_INVALID_GRANT: `invalid_grant` from the token endpoint
 * @SL_OAUTH_ERROR_INVALID_CLIENT: `invalid_client_id` or `invalid_client`
 * @SL_OAUTH_ERROR_REDIRECT_URI_REJECTED: `redirect_uri_mismatch`
 * @SL_OAUTH_ERROR_INVALID_REQUEST: `invalid_request`, e.g. a wrong PKCE verifier
 * @SL_OAUTH_ERROR_UNSUPPORTED_GRANT_TYPE: `unsupported_grant_type`
 * @SL_OAUTH_ERROR_SERVER: another error code, or an HTTP 5xx response
 * @SL_OAUTH_ERROR_UNEXPECTED_RESPONSE: a body that is not the expected JSON
 * @SL_OAUTH_ERROR_BAD_TOKEN: the identity service rejected the access token
 * @SL_OAUTH_ERROR_NETWORK: the server could not be reached
 * @SL_OAUTH_ERROR_TIMED_OUT: the server did not answer in time
 * @SL_OAUTH_ERROR_APP_NOT_APPROVED: the org has not installed or approved the
 *   app for this user (`OAUTH_APP_ACCESS_DENIED`, `OAUTH_APP_BLOCKED`,
 *   `OAUTH_APPROVAL_ERROR_GENERIC`)
 *
 * Errors of the sign-in flow. Every message set with these codes is
 * translated and meant for the user; the Salesforce `error` code, when there
 * is one, is available from sl_oauth_error_get_server_code().
 */
typedef enum
{
  SL_OAUTH_ERROR_INVALID_CONFIG,
  SL_OAUTH_ERROR_REDIRECT_MISMATCH,
  SL_OAUTH_ERROR_STATE_MISMATCH,
  SL_OAUTH_ERROR_MISSING_CODE,
  SL_OAUTH_ERROR_ACCESS_DENIED,
  SL_OAUTH_ERROR_AUTHORIZATION_FAILED,
  SL_OAUTH_ERROR_ALREADY_USED,
  SL_OAUTH_ERROR_INVALID_GRANT,
  SL_OAUTH_ERROR_INVALID_CLIENT,
  SL_OAUTH_ERROR_REDIRECT_URI_REJECTED,
  SL_OAUTH_ERROR_INVALID_REQUEST,
  SL_OAUTH_ERROR_UNSUPPORTED_GRANT_TYPE,
  SL_OAUTH_ERROR_SERVER,
  SL_OAUTH_ERROR_UNEXPECTED_RESPONSE,
  SL_OAUTH_ERROR_BAD_TOKEN,
  SL_OAUTH_ERROR_NETWORK,
  SL_OAUTH_ERROR_TIMED_OUT,
  SL_OAUTH_ERROR_APP_NOT_APPROVED,
} SlOAuthError;

GQuark sl_oauth_error_quark (void);

/* Sets @error in the SL_OAUTH_ERROR domain and remembers @server_code (the
 * Salesforce `error` value such as "invalid_grant", or NULL) for diagnostics.
 * @message is shown to the user, so callers pass a translated string. */
void        sl_oauth_set_error             (GError      **error,
                                            SlOAuthError  code,
                                            const char   *server_code,
                                            const char   *message);

/* Returns the Salesforce error code recorded by sl_oauth_set_error(), or
 * NULL. The string lives as long as @error. */
const char *sl_oauth_error_get_server_code (const GError *error);

/* Returns TRUE for the Salesforce error codes that mean the org has not
 * installed or approved the app for the user who signed in. */
gboolean    sl_oauth_is_not_approved_code  (const char   *server_code);

/* Sets SL_OAUTH_ERROR_APP_NOT_APPROVED with a translated message that
 * names what the administrator must do; @description is the server's
 * sanitized description, or NULL. */
void        sl_oauth_set_not_approved      (GError      **error,
                                            const char   *server_code,
                                            const char   *description);

/* Returns a copy of @text, a message from the server or from a redirect URI,
 * fit to show in a dialog. Control characters become spaces. Text that is
 * not UTF-8 or longer than @max_chars characters is cut and ends with "…".
 * Returns NULL when @text is NULL. */
char       *sl_oauth_sanitize_server_text  (const char   *text,
                                            gsize         max_chars);

G_END_DECLS
