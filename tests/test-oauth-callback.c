/* test-oauth-callback.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "sl-oauth-callback.h"
#include "sl-oauth-error.h"

#define STATE "s7-Abc_def"
#define CALLBACK "com.supportlogic.connect:/oauth2/callback"

/* Parses @uri against STATE and checks that it fails with @code. */
static GError *
expect_failure (const char *uri,
                int         code)
{
  GError *error = NULL;
  g_autofree char *auth_code = NULL;

  auth_code = sl_oauth_parse_callback (uri, STATE, &error);
  g_assert_null (auth_code);
  g_assert_error (error, SL_OAUTH_ERROR, code);

  return error;
}

static void
test_good_code (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;

  code = sl_oauth_parse_callback (CALLBACK "?code=aPrx123&state=" STATE, STATE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (code, ==, "aPrx123");
}

static void
test_state_mismatch (void)
{
  g_autoptr(GError) error = NULL;

  error = expect_failure (CALLBACK "?code=abc&state=other", SL_OAUTH_ERROR_STATE_MISMATCH);
}

static void
test_state_prefix_mismatch (void)
{
  g_autoptr(GError) error = NULL;

  error = expect_failure (CALLBACK "?code=abc&state=" STATE "x",
                          SL_OAUTH_ERROR_STATE_MISMATCH);
}

static void
test_missing_state (void)
{
  g_autoptr(GError) error = NULL;

  error = expect_failure (CALLBACK "?code=abc", SL_OAUTH_ERROR_STATE_MISMATCH);
}

static void
test_empty_state (void)
{
  g_autoptr(GError) error = NULL;

  error = expect_failure (CALLBACK "?code=abc&state=", SL_OAUTH_ERROR_STATE_MISMATCH);
}

static void
test_no_query (void)
{
  g_autoptr(GError) error = NULL;

  error = expect_failure (CALLBACK, SL_OAUTH_ERROR_STATE_MISMATCH);
}

static void
test_missing_code (void)
{
  g_autoptr(GError) error = NULL;

  error = expect_failure (CALLBACK "?state=" STATE, SL_OAUTH_ERROR_MISSING_CODE);
}

static void
test_empty_code (void)
{
  g_autoptr(GError) error = NULL;

  error = expect_failure (CALLBACK "?code=&state=" STATE, SL_OAUTH_ERROR_MISSING_CODE);
}

static void
test_access_denied (void)
{
  g_autoptr(GError) error = NULL;

  error = expect_failure (CALLBACK "?error=access_denied"
                          "&error_description=end-user+denied+authorization&state=" STATE,
                          SL_OAUTH_ERROR_ACCESS_DENIED);
  g_assert_nonnull (strstr (error->message, "denied"));
  g_assert_null (strstr (error->message, "end-user denied authorization"));
  g_assert_cmpstr (sl_oauth_error_get_server_code (error), ==, "access_denied");
}

static void
test_access_denied_other_reason (void)
{
  g_autoptr(GError) error = NULL;

  error = expect_failure (CALLBACK "?error=access_denied"
                          "&error_description=app+blocked+by+administrator&state=" STATE,
                          SL_OAUTH_ERROR_ACCESS_DENIED);
  g_assert_nonnull (strstr (error->message, "app blocked by administrator"));
}

static void
test_access_denied_without_description (void)
{
  g_autoptr(GError) error = NULL;

  error = expect_failure (CALLBACK "?error=access_denied&state=" STATE,
                          SL_OAUTH_ERROR_ACCESS_DENIED);
  g_assert_nonnull (strstr (error->message, "denied"));
}

/* An org that admits only approved users to the app reports it in the
 * callback. The message must name who can fix it. */
static void
test_app_not_approved (void)
{
  g_autoptr(GError) error = NULL;

  error = expect_failure (CALLBACK "?error=OAUTH_APP_ACCESS_DENIED"
                          "&error_description=user+is+not+admin+approved+to+access+this+app"
                          "&state=" STATE,
                          SL_OAUTH_ERROR_APP_NOT_APPROVED);
  g_assert_nonnull (strstr (error->message, "administrator"));
  g_assert_nonnull (strstr (error->message, "user is not admin approved"));
  g_assert_cmpstr (sl_oauth_error_get_server_code (error), ==, "OAUTH_APP_ACCESS_DENIED");
}

static void
test_other_error (void)
{
  g_autoptr(GError) error = NULL;

  error = expect_failure (CALLBACK "?error=invalid_scope"
                          "&error_description=the%20scope%20is%20not%20allowed&state=" STATE,
                          SL_OAUTH_ERROR_AUTHORIZATION_FAILED);
  g_assert_nonnull (strstr (error->message, "invalid_scope"));
  g_assert_nonnull (strstr (error->message, "the scope is not allowed"));
  g_assert_cmpstr (sl_oauth_error_get_server_code (error), ==, "invalid_scope");
}

static void
test_error_checked_after_state (void)
{
  g_autoptr(GError) error = NULL;

  /* A forged denial must not be shown as if Salesforce had sent it. */
  error = expect_failure (CALLBACK "?error=access_denied&state=forged",
                          SL_OAUTH_ERROR_STATE_MISMATCH);
}

static void
test_error_wins_over_code (void)
{
  g_autoptr(GError) error = NULL;

  error = expect_failure (CALLBACK "?code=abc&error=server_error&state=" STATE,
                          SL_OAUTH_ERROR_AUTHORIZATION_FAILED);
}

static void
test_description_control_chars (void)
{
  g_autoptr(GError) error = NULL;

  error = expect_failure (CALLBACK "?error=access_denied"
                          "&error_description=line1%0Aline2%1B&state=" STATE,
                          SL_OAUTH_ERROR_ACCESS_DENIED);
  g_assert_null (strchr (error->message, '\n'));
  g_assert_null (strchr (error->message, '\x1b'));
}

static void
test_other_scheme (void)
{
  g_autoptr(GError) error = NULL;

  error = expect_failure ("com.evil:/oauth2/callback?code=abc&state=" STATE,
                          SL_OAUTH_ERROR_REDIRECT_MISMATCH);
}

static void
test_other_path (void)
{
  static const char *uris[] = {
    CALLBACK "x?code=abc&state=" STATE,
    "com.supportlogic.connect:/oauth2/other?code=abc&state=" STATE,
    "com.supportlogic.connect:/oauth2/callback/more?code=abc&state=" STATE,
    "com.supportlogic.connect://oauth2/callback?code=abc&state=" STATE,
    "com.supportlogic.connect.evil:/oauth2/callback?code=abc&state=" STATE,
    "https://evil.example/?u=" CALLBACK "?code=abc&state=" STATE,
    "",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (uris); i++)
    {
      g_autoptr(GError) error = NULL;

      error = expect_failure (uris[i], SL_OAUTH_ERROR_REDIRECT_MISMATCH);
    }
}

static void
test_scheme_case (void)
{
  g_autoptr(GError) error = NULL;

  /* The redirect URI is matched exactly, scheme included. */
  error = expect_failure ("COM.SupportLogic.Connect:/oauth2/callback?code=abc&state=" STATE,
                          SL_OAUTH_ERROR_REDIRECT_MISMATCH);
}

static void
test_url_encoded_values (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;

  code = sl_oauth_parse_callback (CALLBACK "?code=aPrx%2Bb%2F%3D%3D&state=s7%2DAbc_def",
                                  STATE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (code, ==, "aPrx+b/==");
}

static void
test_bad_percent_encoding (void)
{
  g_autoptr(GError) error = NULL;

  error = expect_failure (CALLBACK "?code=%zz&state=" STATE,
                          SL_OAUTH_ERROR_AUTHORIZATION_FAILED);
}

static void
test_fragment_instead_of_query (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (sl_oauth_is_callback_uri (CALLBACK "#code=abc&state=" STATE));
  error = expect_failure (CALLBACK "#code=abc&state=" STATE, SL_OAUTH_ERROR_STATE_MISMATCH);
}

static void
test_fragment_after_query_ignored (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;

  code = sl_oauth_parse_callback (CALLBACK "?code=abc&state=" STATE "#code=other",
                                  STATE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (code, ==, "abc");
}

static void
test_unknown_params_ignored (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;

  code = sl_oauth_parse_callback (CALLBACK "?sfdc_community_url=https%3A%2F%2Facme.example"
                                  "&code=abc&sfdc_community_id=0DB000&state=" STATE,
                                  STATE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (code, ==, "abc");
}

static void
test_duplicate_state (void)
{
  g_autoptr(GError) error = NULL;

  error = expect_failure (CALLBACK "?code=abc&state=" STATE "&state=" STATE,
                          SL_OAUTH_ERROR_STATE_MISMATCH);
}

static void
test_duplicate_code (void)
{
  g_autoptr(GError) error = NULL;

  error = expect_failure (CALLBACK "?code=abc&code=def&state=" STATE,
                          SL_OAUTH_ERROR_MISSING_CODE);
}

static void
test_duplicate_error (void)
{
  g_autoptr(GError) error = NULL;

  error = expect_failure (CALLBACK "?error=access_denied&error=server_error&state=" STATE,
                          SL_OAUTH_ERROR_AUTHORIZATION_FAILED);
}

static void
test_is_callback_uri (void)
{
  g_assert_true (sl_oauth_is_callback_uri (CALLBACK));
  g_assert_true (sl_oauth_is_callback_uri (CALLBACK "?code=abc"));
  g_assert_true (sl_oauth_is_callback_uri (CALLBACK "#x"));
  g_assert_false (sl_oauth_is_callback_uri (CALLBACK "x"));
  g_assert_false (sl_oauth_is_callback_uri (CALLBACK "/"));
  g_assert_false (sl_oauth_is_callback_uri ("com.evil:/oauth2/callback"));
  g_assert_false (sl_oauth_is_callback_uri ("https://login.salesforce.com/"));
  g_assert_false (sl_oauth_is_callback_uri (""));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/oauth/callback/good-code", test_good_code);
  g_test_add_func ("/oauth/callback/bad-state", test_state_mismatch);
  g_test_add_func ("/oauth/callback/state-prefix", test_state_prefix_mismatch);
  g_test_add_func ("/oauth/callback/missing-state", test_missing_state);
  g_test_add_func ("/oauth/callback/empty-state", test_empty_state);
  g_test_add_func ("/oauth/callback/no-query", test_no_query);
  g_test_add_func ("/oauth/callback/missing-code", test_missing_code);
  g_test_add_func ("/oauth/callback/empty-code", test_empty_code);
  g_test_add_func ("/oauth/callback/access-denied", test_access_denied);
  g_test_add_func ("/oauth/callback/access-denied-bare", test_access_denied_without_description);
  g_test_add_func ("/oauth/callback/access-denied-other", test_access_denied_other_reason);
  g_test_add_func ("/oauth/callback/other-error", test_other_error);
  g_test_add_func ("/oauth/callback/app-not-approved", test_app_not_approved);
  g_test_add_func ("/oauth/callback/error-after-state", test_error_checked_after_state);
  g_test_add_func ("/oauth/callback/error-wins-over-code", test_error_wins_over_code);
  g_test_add_func ("/oauth/callback/description-control-chars", test_description_control_chars);
  g_test_add_func ("/oauth/callback/other-scheme", test_other_scheme);
  g_test_add_func ("/oauth/callback/other-path", test_other_path);
  g_test_add_func ("/oauth/callback/scheme-case", test_scheme_case);
  g_test_add_func ("/oauth/callback/url-encoded", test_url_encoded_values);
  g_test_add_func ("/oauth/callback/bad-percent-encoding", test_bad_percent_encoding);
  g_test_add_func ("/oauth/callback/fragment", test_fragment_instead_of_query);
  g_test_add_func ("/oauth/callback/fragment-after-query", test_fragment_after_query_ignored);
  g_test_add_func ("/oauth/callback/unknown-params", test_unknown_params_ignored);
  g_test_add_func ("/oauth/callback/duplicate-state", test_duplicate_state);
  g_test_add_func ("/oauth/callback/duplicate-code", test_duplicate_code);
  g_test_add_func ("/oauth/callback/duplicate-error", test_duplicate_error);
  g_test_add_func ("/oauth/callback/is-callback-uri", test_is_callback_uri);

  return g_test_run ();
}
