/* sl-oauth-callback.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Returns TRUE when @uri is our redirect URI, exactly
 * "com.supportlogic.connect:/oauth2/callback", optionally followed by a
 * query or fragment. Anything else, such as another path or scheme, is not
 * a callback and must be handled (or blocked) as an ordinary navigation. */
gboolean  sl_oauth_is_callback_uri (const char  *uri);

/* Parses the redirect @uri of an authorization response and returns the
 * authorization code. Checks, in this order: the URI is our redirect URI
 * (SL_OAUTH_ERROR_REDIRECT_MISMATCH); `state` is present once and equals
 * @expected_state (SL_OAUTH_ERROR_STATE_MISMATCH); an `error` parameter
 * becomes SL_OAUTH_ERROR_ACCESS_DENIED or _AUTHORIZATION_FAILED with a
 * translated message that includes `error_description`; otherwise `code`
 * must be present once and non-empty (SL_OAUTH_ERROR_MISSING_CODE).
 * Unknown parameters such as `sfdc_community_url` are ignored. */
char     *sl_oauth_parse_callback  (const char  *uri,
                                    const char  *expected_state,
                                    GError     **error);

G_END_DECLS
