/* test-stand-in.c: drives the Salesforce stand-in as an OAuth client would
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <signal.h>

#include "sl-test-stand-in.h"

#define CLIENT_ID "SupportLogicConnectDemo"
#define COMMUNITY_CLIENT_ID "SupportLogicConnectCommunity"
#define REDIRECT_URI "com.supportlogic.connect:/oauth2/callback"
#define STATE "state-1234567890abcdef"
#define ORG_ID "00D5g00000TestOrgA"
#define ALICE_ID "0055g00000AliceAAA"
#define ALICE "alice@acme.example.com"
#define ALICE_PASSWORD "Alice-Demo-1"
/* CHALLENGE is BASE64URL(SHA256(VERIFIER)), computed outside this project. */
#define VERIFIER "Uq3Qm8Zt0pLr5XwV9yBn2Kc7Hs4Jd6Fg1Ae0Ti8Ox3Ml"
#define CHALLENGE "9yYeuFlIU8FH7J0DO0QOEGKelaqSLaBru3w1LJ_qo2w"

typedef struct
{
  guint  status;
  char  *body;
  char  *content_type;
  char  *location;
} Response;

static void
response_free (Response *response)
{
  g_free (response->body);
  g_free (response->content_type);
  g_free (response->location);
  g_free (response);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Response, response_free)

typedef struct
{
  char *access_token;
  char *refresh_token;
  char *instance_url;
} Tokens;

static void
tokens_free (Tokens *tokens)
{
  g_free (tokens->access_token);
  g_free (tokens->refresh_token);
  g_free (tokens->instance_url);
  g_free (tokens);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Tokens, tokens_free)

/* Sends @msg without following redirects.  Returns NULL with @error when
 * no HTTP response arrived. */
static Response *
send_message (SoupMessage  *msg,
              GError      **error)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 30, NULL);
  g_autoptr(GBytes) body = NULL;
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);
  Response *response;

  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  body = soup_session_send_and_read (session, msg, NULL, error);
  if (body == NULL)
    return NULL;

  response = g_new0 (Response, 1);
  response->status = soup_message_get_status (msg);
  response->body = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  response->content_type = g_strdup (soup_message_headers_get_content_type (headers, NULL));
  response->location = g_strdup (soup_message_headers_get_one (headers, "Location"));

  return response;
}

/* Sends a request and fails the test when no HTTP response arrives.
 * @form_body is sent form-encoded, @bearer as the Authorization header. */
static Response *
request (const char *method,
         const char *uri,
         const char *bearer,
         const char *form_body)
{
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr(GError) error = NULL;
  Response *response;

  g_assert_nonnull (msg);
  if (bearer != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", bearer, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg),
                                    "Authorization", value);
    }
  if (form_body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (form_body, strlen (form_body));

      soup_message_set_request_body_from_bytes (msg, SOUP_FORM_MIME_TYPE_URLENCODED, bytes);
    }

  response = send_message (msg, &error);
  g_assert_no_error (error);
  return response;
}

static Response *
post_form (SlTestStandIn *stand_in,
           const char    *path,
           const char    *form_body)
{
  g_autofree char *uri = g_strconcat (sl_test_stand_in_get_url (stand_in), path, NULL);

  return request (SOUP_METHOD_POST, uri, NULL, form_body);
}

/* Returns an authorize URI; a NULL @challenge leaves PKCE out and @prompt
 * is added when not NULL. */
static char *
build_authorize_uri (SlTestStandIn *stand_in,
                     const char    *client_id,
                     const char    *redirect_uri,
                     const char    *challenge,
                     const char    *prompt)
{
  g_autofree char *query = soup_form_encode ("response_type", "code",
                                             "client_id", client_id,
                                             "redirect_uri", redirect_uri,
                                             "scope", "api refresh_token openid",
                                             "state", STATE,
                                             NULL);
  GString *uri = g_string_new (sl_test_stand_in_get_url (stand_in));

  g_string_append_printf (uri, "/services/oauth2/authorize?%s", query);
  if (challenge != NULL)
    g_string_append_printf (uri, "&code_challenge=%s&code_challenge_method=S256", challenge);
  if (prompt != NULL)
    g_string_append_printf (uri, "&prompt=%s", prompt);

  return g_string_free (uri, FALSE);
}

/* Returns the decoded query parameters of a callback URI. */
static GHashTable *
parse_callback (const char *callback)
{
  g_autoptr(GUri) uri = g_uri_parse (callback, G_URI_FLAGS_ENCODED_QUERY, NULL);
  GHashTable *params;

  g_assert_nonnull (uri);
  g_assert_true (g_str_has_prefix (callback, REDIRECT_URI "?"));
  params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_WWW_FORM, NULL);
  g_assert_nonnull (params);

  return params;
}

/* Signs in through --auto-sign-in and returns the authorization code. */
static char *
authorize_code (SlTestStandIn *stand_in,
                const char    *client_id)
{
  g_autofree char *uri = build_authorize_uri (stand_in, client_id, REDIRECT_URI, CHALLENGE,
                                              NULL);
  g_autofree char *callback = sl_test_stand_in_authorize (stand_in, uri);
  g_autoptr(GHashTable) params = parse_callback (callback);

  g_assert_cmpstr (g_hash_table_lookup (params, "state"), ==, STATE);
  g_assert_nonnull (g_hash_table_lookup (params, "code"));

  return g_strdup (g_hash_table_lookup (params, "code"));
}

static Response *
exchange_code (SlTestStandIn *stand_in,
               const char    *client_id,
               const char    *code,
               const char    *verifier)
{
  g_autofree char *form = NULL;

  if (verifier != NULL)
    form = soup_form_encode ("grant_type", "authorization_code", "code", code,
                             "client_id", client_id, "redirect_uri", REDIRECT_URI,
                             "code_verifier", verifier, NULL);
  else
    form = soup_form_encode ("grant_type", "authorization_code", "code", code,
                             "client_id", client_id, "redirect_uri", REDIRECT_URI, NULL);

  return post_form (stand_in, "/services/oauth2/token", form);
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));

  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* Checks that @response is a 400 OAuth error with the @expected code. */
static void
assert_oauth_error (const Response *response,
                    const char     *expected)
{
  g_autoptr(JsonObject) object = NULL;

  g_assert_cmpuint (response->status, ==, 400);
  g_assert_true (g_str_has_prefix (response->content_type, "application/json"));
  object = parse_object (response->body);
  g_assert_cmpstr (json_object_get_string_member (object, "error"), ==, expected);
  g_assert_true (json_object_has_member (object, "error_description"));
}

static Tokens *
sign_in (SlTestStandIn *stand_in)
{
  g_autofree char *code = authorize_code (stand_in, CLIENT_ID);
  g_autoptr(Response) response = exchange_code (stand_in, CLIENT_ID, code, VERIFIER);
  g_autoptr(JsonObject) object = NULL;
  Tokens *tokens = g_new0 (Tokens, 1);

  g_assert_cmpuint (response->status, ==, 200);
  object = parse_object (response->body);
  tokens->access_token = g_strdup (json_object_get_string_member (object, "access_token"));
  tokens->refresh_token = g_strdup (json_object_get_string_member (object, "refresh_token"));
  tokens->instance_url = g_strdup (json_object_get_string_member (object, "instance_url"));

  return tokens;
}

static Response *
get_userinfo (const Tokens *tokens)
{
  g_autofree char *uri = g_strconcat (tokens->instance_url, "/services/oauth2/userinfo", NULL);

  return request (SOUP_METHOD_GET, uri, tokens->access_token, NULL);
}

static Response *
post_token_form (SlTestStandIn *stand_in,
                 const char    *first_key,
                 ...)
{
  g_autofree char *form = NULL;
  va_list args;

  va_start (args, first_key);
  form = soup_form_encode_valist (first_key, args);
  va_end (args);

  return post_form (stand_in, "/services/oauth2/token", form);
}

static void
assert_token_success (JsonObject    *object,
                      SlTestStandIn *stand_in)
{
  const char *url = sl_test_stand_in_get_url (stand_in);
  g_autofree char *id_url = g_strconcat (url, "/id/" ORG_ID "/" ALICE_ID, NULL);
  g_autofree char *instance_url = g_strconcat ("http://localhost:",
                                               strrchr (url, ':') + 1, NULL);
  g_auto(GStrv) id_token_parts = NULL;
  const char *issued_at = json_object_get_string_member (object, "issued_at");

  g_assert_true (g_str_has_prefix (json_object_get_string_member (object, "access_token"),
                                   "00D5g00000TestO!"));
  g_assert_nonnull (json_object_get_string_member (object, "refresh_token"));
  g_assert_nonnull (json_object_get_string_member (object, "signature"));
  g_assert_cmpstr (json_object_get_string_member (object, "scope"), ==,
                   "api refresh_token openid");
  g_assert_cmpstr (json_object_get_string_member (object, "instance_url"), ==, instance_url);
  g_assert_cmpstr (json_object_get_string_member (object, "id"), ==, id_url);
  g_assert_cmpstr (json_object_get_string_member (object, "token_type"), ==, "Bearer");
  g_assert_nonnull (issued_at);
  g_assert_cmpuint (strspn (issued_at, "0123456789"), ==, 13);
  g_assert_false (json_object_has_member (object, "expires_in"));
  g_assert_false (json_object_has_member (object, "sfdc_community_url"));

  id_token_parts = g_strsplit (json_object_get_string_member (object, "id_token"), ".", -1);
  g_assert_cmpuint (g_strv_length (id_token_parts), ==, 3);
}

static void
test_full_flow (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start ("--auto-sign-in", ALICE, NULL);
  g_autofree char *code = authorize_code (stand_in, CLIENT_ID);
  g_autoptr(Response) token = exchange_code (stand_in, CLIENT_ID, code, VERIFIER);
  g_autoptr(Response) userinfo = NULL;
  g_autoptr(Response) revoke = NULL;
  g_autoptr(Response) after_revoke = NULL;
  g_autoptr(Response) refresh = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(JsonObject) identity = NULL;
  g_autoptr(Tokens) tokens = g_new0 (Tokens, 1);
  g_autofree char *revoke_form = NULL;

  g_assert_cmpuint (token->status, ==, 200);
  object = parse_object (token->body);
  assert_token_success (object, stand_in);

  tokens->access_token = g_strdup (json_object_get_string_member (object, "access_token"));
  tokens->refresh_token = g_strdup (json_object_get_string_member (object, "refresh_token"));
  tokens->instance_url = g_strdup (json_object_get_string_member (object, "instance_url"));

  userinfo = get_userinfo (tokens);
  g_assert_cmpuint (userinfo->status, ==, 200);
  identity = parse_object (userinfo->body);
  g_assert_cmpstr (json_object_get_string_member (identity, "email"), ==, ALICE);
  g_assert_cmpstr (json_object_get_string_member (identity, "preferred_username"), ==, ALICE);
  g_assert_cmpstr (json_object_get_string_member (identity, "user_id"), ==, ALICE_ID);
  g_assert_cmpstr (json_object_get_string_member (identity, "organization_id"), ==, ORG_ID);
  g_assert_cmpstr (json_object_get_string_member (identity, "name"), ==, "Alice Agent");
  g_assert_true (json_object_get_boolean_member (identity, "active"));
  g_assert_true (json_object_has_member (identity, "urls"));

  revoke_form = soup_form_encode ("token", tokens->refresh_token, NULL);
  revoke = post_form (stand_in, "/services/oauth2/revoke", revoke_form);
  g_assert_cmpuint (revoke->status, ==, 200);

  after_revoke = get_userinfo (tokens);
  g_assert_cmpuint (after_revoke->status, ==, 403);
  g_assert_cmpstr (after_revoke->body, ==, "Bad_OAuth_Token");
  g_assert_true (g_str_has_prefix (after_revoke->content_type, "text/plain"));

  refresh = post_token_form (stand_in, "grant_type", "refresh_token",
                             "refresh_token", tokens->refresh_token,
                             "client_id", CLIENT_ID, NULL);
  assert_oauth_error (refresh, "invalid_grant");
}

static void
test_refresh (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start ("--auto-sign-in", ALICE, NULL);
  g_autoptr(Tokens) tokens = sign_in (stand_in);
  g_autoptr(Response) refresh = post_token_form (stand_in, "grant_type", "refresh_token",
                                                 "refresh_token", tokens->refresh_token,
                                                 "client_id", CLIENT_ID, NULL);
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(Response) userinfo = NULL;
  g_autoptr(Response) wrong_client = NULL;

  g_assert_cmpuint (refresh->status, ==, 200);
  object = parse_object (refresh->body);
  g_assert_cmpstr (json_object_get_string_member (object, "access_token"), !=,
                   tokens->access_token);
  g_assert_false (json_object_has_member (object, "refresh_token"));
  g_assert_true (json_object_has_member (object, "issued_at"));

  g_free (tokens->access_token);
  tokens->access_token = g_strdup (json_object_get_string_member (object, "access_token"));
  userinfo = get_userinfo (tokens);
  g_assert_cmpuint (userinfo->status, ==, 200);

  wrong_client = post_token_form (stand_in, "grant_type", "refresh_token",
                                  "refresh_token", tokens->refresh_token,
                                  "client_id", "UnknownClient", NULL);
  assert_oauth_error (wrong_client, "invalid_client_id");
}

/* Returns the hidden transaction ID of a login or consent form. */
static char *
find_transaction_id (const char *html)
{
  g_autoptr(GRegex) regex = g_regex_new ("name=\"transaction\" value=\"([A-Za-z0-9]+)\"",
                                         G_REGEX_DEFAULT, G_REGEX_MATCH_DEFAULT, NULL);
  g_autoptr(GMatchInfo) match = NULL;

  g_assert_true (g_regex_match (regex, html, G_REGEX_MATCH_DEFAULT, &match));
  return g_match_info_fetch (match, 1);
}

/* Opens the login form (no --auto-sign-in) and returns its transaction. */
static char *
open_login_form (SlTestStandIn *stand_in)
{
  g_autofree char *uri = build_authorize_uri (stand_in, CLIENT_ID, REDIRECT_URI, CHALLENGE,
                                              NULL);
  g_autoptr(Response) page = request (SOUP_METHOD_GET, uri, NULL, NULL);

  g_assert_cmpuint (page->status, ==, 200);
  g_assert_true (g_str_has_prefix (page->content_type, "text/html"));
  g_assert_nonnull (strstr (page->body, "<title>Login | Salesforce</title>"));
  g_assert_nonnull (strstr (page->body, "name=\"username\""));
  g_assert_nonnull (strstr (page->body, "name=\"password\""));
  g_assert_nonnull (strstr (page->body, "autofocus"));
  g_assert_nonnull (strstr (page->body, ">Log In</button>"));
  g_assert_null (strstr (page->body, "<script"));

  return find_transaction_id (page->body);
}

static Response *
post_login (SlTestStandIn *stand_in,
            const char    *transaction,
            const char    *username,
            const char    *password)
{
  g_autofree char *form = soup_form_encode ("transaction", transaction, "username", username,
                                            "password", password, NULL);

  return post_form (stand_in, "/login", form);
}

static void
assert_login_rejected (const Response *response)
{
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_nonnull (strstr (response->body, "not correct"));
  g_assert_nonnull (strstr (response->body, "name=\"password\""));
}

/* Signs in through the forms and returns the consent page. */
static Response *
log_in_with_form (SlTestStandIn *stand_in,
                  char         **transaction)
{
  g_autoptr(Response) wrong = NULL;
  Response *consent;

  *transaction = open_login_form (stand_in);
  wrong = post_login (stand_in, *transaction, ALICE, "Wrong-Password-1");
  assert_login_rejected (wrong);

  consent = post_login (stand_in, *transaction, ALICE, ALICE_PASSWORD);
  g_assert_cmpuint (consent->status, ==, 200);
  g_assert_nonnull (strstr (consent->body, "Allow access?"));
  g_assert_nonnull (strstr (consent->body, "SupportLogic Connect"));
  g_assert_nonnull (strstr (consent->body, "Alice Agent"));

  return consent;
}

static void
test_login_form_allow (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start (NULL);
  g_autofree char *transaction = NULL;
  g_autoptr(Response) consent = log_in_with_form (stand_in, &transaction);
  g_autofree char *form = soup_form_encode ("transaction", transaction, "action", "allow",
                                            NULL);
  g_autoptr(Response) allowed = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(Response) token = NULL;
  const char *deny = strstr (consent->body, ">Deny</button>");
  const char *allow = strstr (consent->body, "autofocus>Allow</button>");

  g_assert_nonnull (deny);
  g_assert_nonnull (allow);
  g_assert_true (deny < allow);

  allowed = post_form (stand_in, "/consent", form);
  g_assert_cmpuint (allowed->status, ==, 302);
  params = parse_callback (allowed->location);
  g_assert_cmpstr (g_hash_table_lookup (params, "state"), ==, STATE);
  g_assert_nonnull (g_hash_table_lookup (params, "code"));

  token = exchange_code (stand_in, CLIENT_ID, g_hash_table_lookup (params, "code"), VERIFIER);
  g_assert_cmpuint (token->status, ==, 200);
}

static void
test_login_form_deny (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start (NULL);
  g_autofree char *transaction = NULL;
  g_autoptr(Response) consent = log_in_with_form (stand_in, &transaction);
  g_autofree char *form = soup_form_encode ("transaction", transaction, "action", "deny",
                                            NULL);
  g_autoptr(Response) denied = post_form (stand_in, "/consent", form);
  g_autoptr(Response) again = post_form (stand_in, "/consent", form);

  g_assert_cmpuint (denied->status, ==, 302);
  g_assert_cmpstr (denied->location, ==,
                   REDIRECT_URI "?error=access_denied"
                   "&error_description=end-user+denied+authorization&state=" STATE);

  /* The Deny response ended the transaction. */
  g_assert_cmpuint (again->status, ==, 400);
}

static void
test_login_form_inactive_user (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start (NULL);
  g_autofree char *transaction = open_login_form (stand_in);
  g_autoptr(Response) inactive = post_login (stand_in, transaction,
                                             "inactive@acme.example.com", "Inactive-Demo-1");
  g_autoptr(Response) unknown = post_login (stand_in, transaction,
                                            "nobody@acme.example.com", "Nobody-Demo-1");

  assert_login_rejected (inactive);
  assert_login_rejected (unknown);
}

static void
assert_error_page (SlTestStandIn *stand_in,
                   const char    *client_id,
                   const char    *redirect_uri,
                   const char    *expected_error)
{
  g_autofree char *uri = build_authorize_uri (stand_in, client_id, redirect_uri, CHALLENGE,
                                              NULL);
  g_autoptr(Response) response = request (SOUP_METHOD_GET, uri, NULL, NULL);

  g_assert_cmpuint (response->status, ==, 400);
  g_assert_true (g_str_has_prefix (response->content_type, "text/html"));
  g_assert_null (response->location);
  g_assert_nonnull (strstr (response->body, expected_error));
}

static void
test_authorize_bad_client (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start ("--auto-sign-in", ALICE, NULL);

  assert_error_page (stand_in, "UnknownClient", REDIRECT_URI, "invalid_client_id");
  assert_error_page (stand_in, CLIENT_ID, "https://attacker.example.com/callback",
                     "redirect_uri_mismatch");
}

static void
test_authorize_missing_challenge (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start ("--auto-sign-in", ALICE, NULL);
  g_autofree char *uri = build_authorize_uri (stand_in, CLIENT_ID, REDIRECT_URI, NULL, NULL);
  g_autofree char *callback = sl_test_stand_in_authorize (stand_in, uri);
  g_autoptr(GHashTable) params = parse_callback (callback);

  g_assert_cmpstr (g_hash_table_lookup (params, "error"), ==, "invalid_request");
  g_assert_cmpstr (g_hash_table_lookup (params, "state"), ==, STATE);
  g_assert_null (g_hash_table_lookup (params, "code"));
}

static void
test_authorize_prompt_login (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start ("--auto-sign-in", ALICE, NULL);
  g_autofree char *uri = build_authorize_uri (stand_in, CLIENT_ID, REDIRECT_URI, CHALLENGE,
                                              "login");
  g_autoptr(Response) response = request (SOUP_METHOD_GET, uri, NULL, NULL);

  g_assert_cmpuint (response->status, ==, 200);
  g_assert_null (response->location);
  g_assert_nonnull (strstr (response->body, "name=\"password\""));
}

static void
test_token_verifier (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start ("--auto-sign-in", ALICE, NULL);
  g_autofree char *code1 = authorize_code (stand_in, CLIENT_ID);
  g_autofree char *code2 = authorize_code (stand_in, CLIENT_ID);
  g_autoptr(Response) missing = exchange_code (stand_in, CLIENT_ID, code1, NULL);
  g_autoptr(Response) wrong = exchange_code (stand_in, CLIENT_ID, code2,
                                             "WrongVerifierWrongVerifierWrongVerifier00000");

  assert_oauth_error (missing, "invalid_grant");
  assert_oauth_error (wrong, "invalid_request");
}

static void
test_token_reused_code (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start ("--auto-sign-in", ALICE, NULL);
  g_autofree char *code = authorize_code (stand_in, CLIENT_ID);
  g_autoptr(Response) first = exchange_code (stand_in, CLIENT_ID, code, VERIFIER);
  g_autoptr(Response) second = exchange_code (stand_in, CLIENT_ID, code, VERIFIER);
  g_autoptr(Response) unknown = exchange_code (stand_in, CLIENT_ID, "aPrxUnknown==", VERIFIER);

  g_assert_cmpuint (first->status, ==, 200);
  assert_oauth_error (second, "invalid_grant");
  assert_oauth_error (unknown, "invalid_grant");
}

static void
test_token_expired_code (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start ("--auto-sign-in", ALICE,
                                                              "--code-lifetime", "1", NULL);
  g_autofree char *code = authorize_code (stand_in, CLIENT_ID);
  g_autoptr(Response) response = NULL;

  g_usleep (1500 * G_TIME_SPAN_MILLISECOND);
  response = exchange_code (stand_in, CLIENT_ID, code, VERIFIER);
  assert_oauth_error (response, "invalid_grant");
}

static void
test_token_errors (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start ("--auto-sign-in", ALICE, NULL);
  g_autofree char *code1 = authorize_code (stand_in, CLIENT_ID);
  g_autofree char *code2 = authorize_code (stand_in, CLIENT_ID);
  g_autoptr(Response) wrong_client = exchange_code (stand_in, "UnknownClient", code1, VERIFIER);
  g_autoptr(Response) wrong_redirect = post_token_form (
    stand_in, "grant_type", "authorization_code", "code", code2, "client_id", CLIENT_ID,
    "redirect_uri", "com.supportlogic.connect:/other", "code_verifier", VERIFIER, NULL);
  g_autoptr(Response) wrong_grant = post_token_form (stand_in, "grant_type", "password",
                                                     "client_id", CLIENT_ID, NULL);

  assert_oauth_error (wrong_client, "invalid_client_id");
  assert_oauth_error (wrong_redirect, "redirect_uri_mismatch");
  assert_oauth_error (wrong_grant, "unsupported_grant_type");
}

static void
test_token_chunked_body (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start ("--auto-sign-in", ALICE, NULL);
  g_autofree char *code = authorize_code (stand_in, CLIENT_ID);
  g_autofree char *form = soup_form_encode ("grant_type", "authorization_code", "code", code,
                                            "client_id", CLIENT_ID, "redirect_uri", REDIRECT_URI,
                                            "code_verifier", VERIFIER, NULL);
  g_autofree char *uri = g_strconcat (sl_test_stand_in_get_url (stand_in),
                                      "/services/oauth2/token", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_POST, uri);
  g_autoptr(GInputStream) stream =
    g_memory_input_stream_new_from_data (g_strdup (form), strlen (form), g_free);
  g_autoptr(Response) response = NULL;
  g_autoptr(GError) error = NULL;

  /* A length of -1 makes libsoup send the body chunked. */
  soup_message_set_request_body (msg, SOUP_FORM_MIME_TYPE_URLENCODED, stream, -1);
  response = send_message (msg, &error);

  g_assert_no_error (error);
  g_assert_cmpint (soup_message_headers_get_encoding (soup_message_get_request_headers (msg)),
                   ==, SOUP_ENCODING_CHUNKED);
  g_assert_cmpuint (response->status, ==, 200);
}

static void
test_community_client (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start ("--auto-sign-in", ALICE, NULL);
  g_autofree char *uri = build_authorize_uri (stand_in, COMMUNITY_CLIENT_ID, REDIRECT_URI,
                                              CHALLENGE, NULL);
  g_autofree char *callback = sl_test_stand_in_authorize (stand_in, uri);
  g_autoptr(GHashTable) params = parse_callback (callback);
  g_autoptr(Response) token = NULL;
  g_autoptr(JsonObject) object = NULL;

  g_assert_nonnull (g_hash_table_lookup (params, "sfdc_community_url"));
  g_assert_nonnull (g_hash_table_lookup (params, "sfdc_community_id"));

  token = exchange_code (stand_in, COMMUNITY_CLIENT_ID, g_hash_table_lookup (params, "code"),
                         VERIFIER);
  g_assert_cmpuint (token->status, ==, 200);
  object = parse_object (token->body);
  g_assert_true (json_object_has_member (object, "sfdc_community_url"));
  g_assert_true (json_object_has_member (object, "sfdc_community_id"));
}

static void
test_identity_url (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start ("--auto-sign-in", ALICE, NULL);
  g_autoptr(Tokens) tokens = sign_in (stand_in);
  g_autofree char *uri = g_strconcat (sl_test_stand_in_get_url (stand_in),
                                      "/id/" ORG_ID "/" ALICE_ID, NULL);
  g_autoptr(Response) identity = request (SOUP_METHOD_GET, uri, tokens->access_token, NULL);
  g_autoptr(Response) bad_token = request (SOUP_METHOD_GET, uri, "00Dbad!AQbad", NULL);
  g_autoptr(JsonObject) object = NULL;

  g_assert_cmpuint (identity->status, ==, 200);
  object = parse_object (identity->body);
  g_assert_cmpstr (json_object_get_string_member (object, "username"), ==, ALICE);
  g_assert_cmpuint (bad_token->status, ==, 403);
  g_assert_cmpstr (bad_token->body, ==, "Bad_OAuth_Token");
}

static void
test_revoke_access_token (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start ("--auto-sign-in", ALICE, NULL);
  g_autoptr(Tokens) tokens = sign_in (stand_in);
  g_autofree char *form = soup_form_encode ("token", tokens->access_token, NULL);
  g_autoptr(Response) revoke = post_form (stand_in, "/services/oauth2/revoke", form);
  g_autoptr(Response) again = post_form (stand_in, "/services/oauth2/revoke", form);
  g_autoptr(Response) userinfo = get_userinfo (tokens);
  g_autoptr(JsonObject) object = NULL;

  g_assert_cmpuint (revoke->status, ==, 200);
  g_assert_cmpuint (again->status, ==, 400);
  object = parse_object (again->body);
  g_assert_true (json_object_has_member (object, "error"));
  g_assert_cmpuint (userinfo->status, ==, 403);
}

static void
test_fault_status_from_command_line (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start (
    "--fault", "token:status=503,body=<html>down</html>,content-type=text/html,times=1",
    NULL);
  g_autoptr(Response) first = post_token_form (stand_in, "grant_type", "password", NULL);
  g_autoptr(Response) second = post_token_form (stand_in, "grant_type", "password", NULL);

  g_assert_cmpuint (first->status, ==, 503);
  g_assert_cmpstr (first->body, ==, "<html>down</html>");
  g_assert_cmpstr (first->content_type, ==, "text/html");
  assert_oauth_error (second, "unsupported_grant_type");
}

static void
test_fault_status_from_control (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start ("--auto-sign-in", ALICE, NULL);
  g_autoptr(Tokens) tokens = sign_in (stand_in);
  g_autoptr(Response) faulted = NULL;
  g_autoptr(Response) cleared = NULL;

  sl_test_stand_in_add_fault (stand_in, "{\"endpoint\": \"userinfo\", \"status\": 200, "
                              "\"body\": \"<html>maintenance, back soon</html>\"}");
  faulted = get_userinfo (tokens);
  g_assert_cmpuint (faulted->status, ==, 200);
  g_assert_true (g_str_has_prefix (faulted->content_type, "text/html"));
  g_assert_cmpstr (faulted->body, ==, "<html>maintenance, back soon</html>");

  sl_test_stand_in_reset (stand_in);
  cleared = get_userinfo (tokens);
  g_assert_cmpuint (cleared->status, ==, 200);
  g_assert_true (g_str_has_prefix (cleared->content_type, "application/json"));
}

static void
test_fault_delay (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start (NULL);
  g_autoptr(Response) response = NULL;
  gint64 start;

  sl_test_stand_in_add_fault (stand_in, "{\"endpoint\": \"token\", \"delay_ms\": 500, "
                              "\"times\": 1}");
  start = g_get_monotonic_time ();
  response = post_token_form (stand_in, "grant_type", "password", NULL);

  g_assert_cmpint (g_get_monotonic_time () - start, >=, 500 * G_TIME_SPAN_MILLISECOND);
  /* Without a status the fault only delays the real response. */
  assert_oauth_error (response, "unsupported_grant_type");
}

static void
test_fault_drop (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start ("--fault", "revoke:drop=1", NULL);
  g_autofree char *uri = g_strconcat (sl_test_stand_in_get_url (stand_in),
                                      "/services/oauth2/revoke", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_POST, uri);
  g_autoptr(GBytes) form = g_bytes_new_static ("token=x", 7);
  g_autoptr(Response) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) requests = NULL;

  soup_message_set_request_body_from_bytes (msg, SOUP_FORM_MIME_TYPE_URLENCODED, form);
  response = send_message (msg, &error);
  g_assert_null (response);
  g_assert_nonnull (error);

  requests = sl_test_stand_in_get_requests (stand_in);
  g_assert_cmpuint (json_array_get_length (requests), >=, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (requests, 0),
                                               "status"), ==, 0);
}

static void
assert_no_secret (const char *log,
                  const char *secret)
{
  g_assert_nonnull (secret);
  g_assert_null (strstr (log, secret));
}

static char *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static void
assert_log_has_no_secrets (const char *log,
                           const char *code,
                           const Tokens *tokens)
{
  g_autofree char *escaped_code = g_uri_escape_string (code, NULL, FALSE);

  assert_no_secret (log, code);
  assert_no_secret (log, escaped_code);
  assert_no_secret (log, VERIFIER);
  assert_no_secret (log, ALICE_PASSWORD);
  assert_no_secret (log, tokens->access_token);
  assert_no_secret (log, tokens->refresh_token);
  g_assert_nonnull (strstr (log, "\"grant_type\":\"authorization_code\""));
}

static void
test_request_log_no_secrets (void)
{
  g_autofree char *dir = g_dir_make_tmp ("stand-in-XXXXXX", NULL);
  g_autofree char *log_path = g_build_filename (dir, "requests.jsonl", NULL);
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start ("--log-file", log_path, NULL);
  g_autofree char *transaction = NULL;
  g_autoptr(Response) consent = log_in_with_form (stand_in, &transaction);
  g_autofree char *form = soup_form_encode ("transaction", transaction, "action", "allow",
                                            NULL);
  g_autoptr(Response) allowed = post_form (stand_in, "/consent", form);
  g_autoptr(GHashTable) params = parse_callback (allowed->location);
  const char *code = g_hash_table_lookup (params, "code");
  g_autoptr(Response) token = exchange_code (stand_in, CLIENT_ID, code, VERIFIER);
  g_autoptr(JsonObject) object = parse_object (token->body);
  g_autoptr(Tokens) tokens = g_new0 (Tokens, 1);
  g_autoptr(JsonArray) requests = sl_test_stand_in_get_requests (stand_in);
  g_autoptr(JsonNode) node = json_node_init_array (json_node_alloc (), requests);
  g_autofree char *log = json_to_string (node, FALSE);
  g_autofree char *file_log = NULL;

  tokens->access_token = g_strdup (json_object_get_string_member (object, "access_token"));
  tokens->refresh_token = g_strdup (json_object_get_string_member (object, "refresh_token"));
  g_assert_cmpuint (sl_test_stand_in_count_requests (stand_in, "token"), ==, 1);
  g_assert_cmpuint (sl_test_stand_in_count_requests (stand_in, "login"), ==, 2);
  assert_log_has_no_secrets (log, code, tokens);

  file_log = read_file (log_path);
  g_assert_nonnull (strstr (file_log, "\"endpoint\":\"consent\""));
  assert_log_has_no_secrets (file_log, code, tokens);

  g_unlink (log_path);
  g_rmdir (dir);
}

/* Returns the "page" member of request @index in the log, or NULL. */
static const char *
logged_page (JsonArray *requests,
             guint      index)
{
  JsonObject *record = json_array_get_object_element (requests, index);

  return json_object_get_string_member_with_default (record, "page", NULL);
}

static void
test_request_log_pages (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start (NULL);
  g_autofree char *transaction = NULL;
  g_autoptr(Response) consent = log_in_with_form (stand_in, &transaction);
  g_autoptr(JsonArray) requests = sl_test_stand_in_get_requests (stand_in);

  g_assert_cmpuint (json_array_get_length (requests), ==, 3);
  g_assert_cmpstr (logged_page (requests, 0), ==, "login");
  g_assert_cmpstr (logged_page (requests, 1), ==, "login-failed");
  g_assert_cmpstr (logged_page (requests, 2), ==, "consent");
}

/* Runs the stand-in with @args and checks that it exits with status 2
 * and explains why on standard error. */
static void
assert_exits_with_usage_error (const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;

  g_ptr_array_add (argv, (char *) g_getenv ("SL_STAND_IN"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &stdout_text, &stderr_text, &error);
  g_assert_no_error (error);

  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 2);
  g_assert_cmpstr (stdout_text, ==, "");
  g_assert_nonnull (strstr (stderr_text, "sl-stand-in: "));
}

static void
assert_fixture_rejected (const char *contents)
{
  g_autofree char *dir = g_dir_make_tmp ("stand-in-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "fixture.json", NULL);
  const char *args[] = { "--fixture", path, NULL };

  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  assert_exits_with_usage_error (args);

  g_unlink (path);
  g_rmdir (dir);
}

/* A valid fixture without its closing brace, for adding one member. */
#define MINIMAL_FIXTURE \
  "{\"org\": {\"id\": \"00D5g00000TestOrgA\", \"name\": \"Acme\"}, " \
  "\"clients\": [{\"client_id\": \"C\", \"redirect_uris\": [\"x:/\"]}], " \
  "\"users\": [{\"user_id\": \"0055g00000AliceAAA\", \"username\": \"a@b.example\", " \
  "\"password\": \"p\", \"email\": \"a@b.example\", \"name\": \"A\"}]"

static void
test_malformed_fixture (void)
{
  const char *missing_file[] = { "--fixture", "/nonexistent/fixture.json", NULL };
  const char *unknown_fault[] = { "--fixture", g_getenv ("SL_TEST_FIXTURE"),
                                  "--fault", "rest:status=500", NULL };
  const char *unknown_user[] = { "--fixture", g_getenv ("SL_TEST_FIXTURE"),
                                 "--auto-sign-in", "nobody@acme.example.com", NULL };
  const char *zero_api_limit[] = { "--fixture", g_getenv ("SL_TEST_FIXTURE"),
                                   "--api-limit", "0", NULL };

  assert_fixture_rejected ("{ not json");
  assert_fixture_rejected ("[]");
  assert_fixture_rejected ("{\"org\": {\"id\": \"00D\", \"name\": \"Short ID\"}}");
  assert_fixture_rejected ("{\"org\": {\"id\": \"00D5g00000TestOrgA\", \"name\": \"Acme\"}, "
                           "\"clients\": [{\"client_id\": \"C\", \"redirect_uris\": []}], "
                           "\"users\": []}");
  assert_fixture_rejected ("{\"org\": {\"id\": \"00D5g00000TestOrgA\", \"name\": \"Acme\"}, "
                           "\"clients\": [{\"client_id\": \"C\", \"redirect_uris\": [\"x:/\"]}], "
                           "\"users\": [{\"user_id\": \"0055g00000AliceAAA\", "
                           "\"username\": \"a@b.example\", \"active\": \"yes\"}]}");
  assert_fixture_rejected (MINIMAL_FIXTURE ", \"cases\": [{\"id\": \"5005g00000Case1AAA\", "
                           "\"case_number\": \"1\", \"subject\": \"S\", \"status\": \"Bogus\", "
                           "\"owner_id\": \"0055g00000AliceAAA\"}]}");
  assert_fixture_rejected (MINIMAL_FIXTURE ", \"cases\": [{\"id\": \"5005g00000Case1AAA\", "
                           "\"case_number\": \"1\", \"subject\": \"S\", \"status\": \"New\", "
                           "\"owner_id\": \"0055g00000NobodyAA\"}]}");
  assert_fixture_rejected (MINIMAL_FIXTURE ", \"case_statuses\": []}");
  assert_fixture_rejected (MINIMAL_FIXTURE ", \"validation_rules\": [{\"object\": \"Case\"}]}");
  assert_fixture_rejected (MINIMAL_FIXTURE ", \"api_limit\": 0}");
  assert_exits_with_usage_error (missing_file);
  assert_exits_with_usage_error (unknown_fault);
  assert_exits_with_usage_error (zero_api_limit);
  assert_exits_with_usage_error (unknown_user);
}

/* REST API for case writeback */

#define BOB "bob@acme.example.com"
#define BOB_ID "0055g00000BobAgAAA"
#define INTEGRATION_ID "0055g00000IntegrAA"
#define CASE1_ID "5005g00000Case1AAA"
#define CASE2_ID "5005g00000Case2AAA"
#define REST_PATH "/services/data/v62.0/"
#define CLOSED_MESSAGE "Add a resolution comment in the case before closing it."

/* Sends a REST request to @resource below REST_PATH, with @json_body as
 * the request body when it is not NULL. */
static Response *
rest_request (SlTestStandIn *stand_in,
              const char    *method,
              const char    *resource,
              const char    *access_token,
              const char    *json_body)
{
  g_autofree char *uri = g_strconcat (sl_test_stand_in_get_url (stand_in), REST_PATH, resource,
                                      NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr(GError) error = NULL;
  Response *response;

  g_assert_nonnull (msg);
  if (access_token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", access_token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg),
                                    "Authorization", value);
    }
  if (json_body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (json_body, strlen (json_body));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }

  response = send_message (msg, &error);
  g_assert_no_error (error);
  return response;
}

static Response *
rest_query (SlTestStandIn *stand_in,
            const char    *access_token,
            const char    *soql)
{
  g_autofree char *query = soup_form_encode ("q", soql, NULL);
  g_autofree char *resource = g_strconcat ("query?", query, NULL);

  return rest_request (stand_in, SOUP_METHOD_GET, resource, access_token, NULL);
}

static Response *
post_comment (SlTestStandIn *stand_in,
              const char    *access_token,
              const char    *json_body)
{
  return rest_request (stand_in, SOUP_METHOD_POST, "sobjects/CaseComment", access_token,
                       json_body);
}

static Response *
patch_case (SlTestStandIn *stand_in,
            const char    *access_token,
            const char    *case_id,
            const char    *json_body)
{
  g_autofree char *resource = g_strconcat ("sobjects/Case/", case_id, NULL);

  return rest_request (stand_in, "PATCH", resource, access_token, json_body);
}

/* Checks that @response is a REST error array with one error of @status
 * and @error_code, and returns that error. */
static JsonObject *
assert_rest_error (const Response *response,
                   guint           status,
                   const char     *error_code)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *errors;
  JsonObject *first;

  g_assert_cmpuint (response->status, ==, status);
  g_assert_true (g_str_has_prefix (response->content_type, "application/json"));
  json_parser_load_from_data (parser, response->body, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)));

  errors = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (errors), ==, 1);
  first = json_array_get_object_element (errors, 0);
  g_assert_cmpstr (json_object_get_string_member (first, "errorCode"), ==, error_code);
  g_assert_nonnull (json_object_get_string_member (first, "message"));

  return json_object_ref (first);
}

/* Checks that the "fields" of @error are exactly @expected, NULL-terminated. */
static void
assert_error_fields (JsonObject         *error,
                     const char * const *expected)
{
  JsonArray *fields = json_object_get_array_member (error, "fields");

  g_assert_nonnull (fields);
  g_assert_cmpuint (json_array_get_length (fields), ==, g_strv_length ((char **) expected));
  for (guint i = 0; expected[i] != NULL; i++)
    g_assert_cmpstr (json_array_get_string_element (fields, i), ==, expected[i]);
}

static const char * const no_fields[] = { NULL };

/* Returns the record of @object with the ID @id from the control endpoint. */
static JsonObject *
get_record (SlTestStandIn *stand_in,
            const char    *object,
            const char    *id)
{
  g_autoptr(JsonArray) records = sl_test_stand_in_get_records (stand_in, object);

  for (guint i = 0; i < json_array_get_length (records); i++)
    {
      JsonObject *record = json_array_get_object_element (records, i);

      if (g_strcmp0 (json_object_get_string_member (record, "Id"), id) == 0)
        return json_object_ref (record);
    }

  return NULL;
}

static void
test_rest_query_case (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start (NULL);
  g_autofree char *token = sl_test_stand_in_get_access_token (stand_in, ALICE);
  g_autoptr(Response) response = rest_query (stand_in, token,
    "SELECT Id, CaseNumber, Subject, Status, OwnerId, Owner.Name FROM Case "
    "WHERE CaseNumber = '00001001'");
  g_autoptr(JsonObject) result = NULL;
  JsonObject *record, *attributes, *owner;

  g_assert_cmpuint (response->status, ==, 200);
  g_assert_true (g_str_has_prefix (response->content_type, "application/json"));
  result = parse_object (response->body);
  g_assert_cmpint (json_object_get_int_member (result, "totalSize"), ==, 1);
  g_assert_true (json_object_get_boolean_member (result, "done"));

  record = json_array_get_object_element (json_object_get_array_member (result, "records"), 0);
  attributes = json_object_get_object_member (record, "attributes");
  g_assert_cmpstr (json_object_get_string_member (attributes, "type"), ==, "Case");
  g_assert_cmpstr (json_object_get_string_member (attributes, "url"), ==,
                   REST_PATH "sobjects/Case/" CASE1_ID);
  g_assert_cmpstr (json_object_get_string_member (record, "Id"), ==, CASE1_ID);
  g_assert_cmpstr (json_object_get_string_member (record, "CaseNumber"), ==, "00001001");
  g_assert_cmpstr (json_object_get_string_member (record, "Subject"), ==,
                   "Printer on floor 3 does not print");
  g_assert_cmpstr (json_object_get_string_member (record, "Status"), ==, "New");
  g_assert_cmpstr (json_object_get_string_member (record, "OwnerId"), ==, INTEGRATION_ID);

  owner = json_object_get_object_member (record, "Owner");
  g_assert_nonnull (owner);
  g_assert_cmpstr (json_object_get_string_member (owner, "Name"), ==, "Integration User");
  attributes = json_object_get_object_member (owner, "attributes");
  g_assert_cmpstr (json_object_get_string_member (attributes, "type"), ==, "User");
}

static void
test_rest_query_keywords (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start (NULL);
  g_autofree char *token = sl_test_stand_in_get_access_token (stand_in, ALICE);
  g_autoptr(Response) response = rest_query (stand_in, token,
    "select id, status from CASE where casenumber = '00001002' order by casenumber desc "
    "limit 5");
  g_autoptr(JsonObject) result = NULL;
  JsonObject *record;

  g_assert_cmpuint (response->status, ==, 200);
  result = parse_object (response->body);
  g_assert_cmpint (json_object_get_int_member (result, "totalSize"), ==, 1);
  record = json_array_get_object_element (json_object_get_array_member (result, "records"), 0);
  /* The response uses the canonical field names. */
  g_assert_cmpstr (json_object_get_string_member (record, "Status"), ==, "Working");
  g_assert_false (json_object_has_member (record, "Subject"));
}

static void
test_rest_query_no_match (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start (NULL);
  g_autofree char *token = sl_test_stand_in_get_access_token (stand_in, ALICE);
  g_autoptr(Response) response = rest_query (stand_in, token,
    "SELECT Id FROM Case WHERE CaseNumber = '99999999'");
  g_autoptr(JsonObject) result = NULL;

  g_assert_cmpuint (response->status, ==, 200);
  result = parse_object (response->body);
  g_assert_cmpint (json_object_get_int_member (result, "totalSize"), ==, 0);
  g_assert_true (json_object_get_boolean_member (result, "done"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (result, "records")),
                    ==, 0);
}

static void
assert_query_rejected (SlTestStandIn *stand_in,
                       const char    *token,
                       const char    *soql,
                       const char    *error_code)
{
  g_autoptr(Response) response = rest_query (stand_in, token, soql);
  g_autoptr(JsonObject) error = NULL;

  g_test_message ("SOQL: %s", soql);
  error = assert_rest_error (response, 400, error_code);
}

static void
test_rest_query_malformed (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start (NULL);
  g_autofree char *token = sl_test_stand_in_get_access_token (stand_in, ALICE);
  g_autoptr(Response) no_query = rest_request (stand_in, SOUP_METHOD_GET, "query", token, NULL);
  g_autoptr(JsonObject) error = assert_rest_error (no_query, 400, "MALFORMED_QUERY");

  assert_query_rejected (stand_in, token, "SELECT FROM Case", "MALFORMED_QUERY");
  assert_query_rejected (stand_in, token, "SELECT Id Case", "MALFORMED_QUERY");
  assert_query_rejected (stand_in, token, "SELECT Id FROM Case WHERE", "MALFORMED_QUERY");
  assert_query_rejected (stand_in, token, "SELECT Id FROM Case WHERE Status = 'New' OR "
                         "Status = 'Working'", "MALFORMED_QUERY");
  assert_query_rejected (stand_in, token, "SELECT Id FROM Case LIMIT x", "MALFORMED_QUERY");
  assert_query_rejected (stand_in, token, "SELECT Id FROM Case WHERE Subject = 'open",
                         "MALFORMED_QUERY");
  assert_query_rejected (stand_in, token, "SELECT Id, Id FROM Case", "MALFORMED_QUERY");
  assert_query_rejected (stand_in, token, "DELETE FROM Case", "MALFORMED_QUERY");
  assert_query_rejected (stand_in, token, "SELECT Id, Priority FROM Case", "INVALID_FIELD");
  assert_query_rejected (stand_in, token, "SELECT Id, Manager.Name FROM Case", "INVALID_FIELD");
  assert_query_rejected (stand_in, token, "SELECT Id FROM CaseComment WHERE IsPublished = "
                         "'true'", "INVALID_FIELD");
  assert_query_rejected (stand_in, token, "SELECT Id FROM Account", "INVALID_TYPE");
}

/* Runs every prefix of a valid query and some random strings through the
 * parser: each must give a result or a REST error, never a crash. */
static void
test_rest_query_truncated (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start (NULL);
  g_autofree char *token = sl_test_stand_in_get_access_token (stand_in, ALICE);
  const char *soql = "SELECT Id, Owner.Name FROM Case WHERE Subject = 'a\\'b' AND "
                     "Status = 'New' ORDER BY CaseNumber DESC LIMIT 2";
  g_autoptr(GRand) rand = g_rand_new_with_seed (4711);

  for (gsize length = 1; length <= strlen (soql); length++)
    {
      g_autofree char *prefix = g_strndup (soql, length);
      g_autoptr(Response) response = rest_query (stand_in, token, prefix);

      g_assert_true (response->status == 200 || response->status == 400);
      g_assert_true (g_str_has_prefix (response->content_type, "application/json"));
    }

  for (guint i = 0; i < 20; i++)
    {
      char text[24];
      g_autoptr(Response) response = NULL;

      for (guint j = 0; j < sizeof text - 1; j++)
        text[j] = (char) g_rand_int_range (rand, 32, 127);
      text[sizeof text - 1] = '\0';
      response = rest_query (stand_in, token, text);
      g_assert_cmpuint (response->status, ==, 400);
    }
}

static void
test_rest_query_escaping (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start (NULL);
  g_autofree char *token = sl_test_stand_in_get_access_token (stand_in, ALICE);
  /* The comment body is: It's fixed in C:\temp */
  g_autoptr(Response) created = post_comment (stand_in, token,
    "{\"ParentId\": \"" CASE2_ID "\", \"CommentBody\": \"It's fixed in C:\\\\temp\"}");
  g_autoptr(Response) found = rest_query (stand_in, token,
    "SELECT Id, CommentBody FROM CaseComment WHERE CommentBody = 'It\\'s fixed in C:\\\\temp'");
  g_autoptr(Response) unknown_escape = rest_query (stand_in, token,
    "SELECT Id FROM Case WHERE Subject = 'a\\qb'");
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(JsonObject) error = NULL;
  JsonObject *record;

  g_assert_cmpuint (created->status, ==, 201);
  g_assert_cmpuint (found->status, ==, 200);
  result = parse_object (found->body);
  g_assert_cmpint (json_object_get_int_member (result, "totalSize"), ==, 1);
  record = json_array_get_object_element (json_object_get_array_member (result, "records"), 0);
  g_assert_cmpstr (json_object_get_string_member (record, "CommentBody"), ==,
                   "It's fixed in C:\\temp");
  error = assert_rest_error (unknown_escape, 400, "MALFORMED_QUERY");
}

static void
assert_created (const Response *response,
                char          **id)
{
  g_autoptr(JsonObject) result = NULL;

  g_assert_cmpuint (response->status, ==, 201);
  result = parse_object (response->body);
  g_assert_true (json_object_get_boolean_member (result, "success"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (result, "errors")),
                    ==, 0);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (result, "id"), "00a"));
  g_assert_cmpuint (strlen (json_object_get_string_member (result, "id")), ==, 18);
  *id = g_strdup (json_object_get_string_member (result, "id"));
}

static void
test_rest_comment_create (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start (NULL);
  g_autofree char *token = sl_test_stand_in_get_access_token (stand_in, ALICE);
  g_autoptr(Response) response = post_comment (stand_in, token,
    "{\"ParentId\": \"" CASE2_ID "\", \"CommentBody\": \"Called the customer back.\", "
    "\"IsPublished\": true}");
  g_autoptr(GRegex) date_regex =
    g_regex_new ("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}\\+0000$",
                 G_REGEX_DEFAULT, G_REGEX_MATCH_DEFAULT, NULL);
  g_autoptr(JsonObject) record = NULL;
  g_autofree char *id = NULL;

  assert_created (response, &id);
  record = get_record (stand_in, "CaseComment", id);
  g_assert_nonnull (record);
  g_assert_cmpstr (json_object_get_string_member (record, "ParentId"), ==, CASE2_ID);
  g_assert_cmpstr (json_object_get_string_member (record, "CommentBody"), ==,
                   "Called the customer back.");
  g_assert_true (json_object_get_boolean_member (record, "IsPublished"));
  g_assert_cmpstr (json_object_get_string_member (record, "CreatedById"), ==, ALICE_ID);
  g_assert_true (g_regex_match (date_regex, json_object_get_string_member (record,
                                                                           "CreatedDate"),
                                G_REGEX_MATCH_DEFAULT, NULL));
}

static void
test_rest_comment_query_own (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start (NULL);
  g_autofree char *token = sl_test_stand_in_get_access_token (stand_in, ALICE);
  g_autoptr(Response) first = post_comment (stand_in, token,
    "{\"ParentId\": \"" CASE2_ID "\", \"CommentBody\": \"First\"}");
  g_autoptr(Response) second = post_comment (stand_in, token,
    "{\"ParentId\": \"" CASE2_ID "\", \"CommentBody\": \"Second\", \"IsPublished\": false}");
  g_autoptr(Response) other_case = post_comment (stand_in, token,
    "{\"ParentId\": \"" CASE1_ID "\", \"CommentBody\": \"Elsewhere\"}");
  g_autoptr(Response) found = rest_query (stand_in, token,
    "SELECT Id, CommentBody, IsPublished, CreatedById, CreatedDate FROM CaseComment "
    "WHERE ParentId = '" CASE2_ID "' AND CreatedById = '" ALICE_ID "' "
    "ORDER BY CreatedDate DESC LIMIT 20");
  g_autoptr(Response) limited = rest_query (stand_in, token,
    "SELECT Id FROM CaseComment WHERE ParentId = '" CASE2_ID "' LIMIT 1");
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(JsonObject) limited_result = NULL;
  JsonArray *records;

  g_assert_cmpuint (first->status, ==, 201);
  g_assert_cmpuint (second->status, ==, 201);
  g_assert_cmpuint (other_case->status, ==, 201);
  g_assert_cmpuint (found->status, ==, 200);
  result = parse_object (found->body);
  g_assert_cmpint (json_object_get_int_member (result, "totalSize"), ==, 2);
  records = json_object_get_array_member (result, "records");
  /* Newest first, and IsPublished defaults to false. */
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (records, 0),
                                                  "CommentBody"), ==, "Second");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (records, 1),
                                                  "CommentBody"), ==, "First");
  g_assert_false (json_object_get_boolean_member (json_array_get_object_element (records, 1),
                                                  "IsPublished"));

  limited_result = parse_object (limited->body);
  g_assert_cmpint (json_object_get_int_member (limited_result, "totalSize"), ==, 1);
}

static void
test_rest_comment_errors (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start (NULL);
  g_autofree char *token = sl_test_stand_in_get_access_token (stand_in, ALICE);
  g_autoptr(Response) missing = post_comment (stand_in, token,
    "{\"ParentId\": \"" CASE2_ID "\"}");
  g_autoptr(Response) empty = post_comment (stand_in, token,
    "{\"ParentId\": \"" CASE2_ID "\", \"CommentBody\": \"\"}");
  g_autoptr(Response) unknown_parent = post_comment (stand_in, token,
    "{\"ParentId\": \"5005g00000NoCaseAAA\", \"CommentBody\": \"Hello\"}");
  g_autoptr(Response) unknown_field = post_comment (stand_in, token,
    "{\"ParentId\": \"" CASE2_ID "\", \"CommentBody\": \"Hello\", \"Mood\": \"happy\"}");
  g_autoptr(Response) not_json = post_comment (stand_in, token, "{\"ParentId\": ");
  g_autoptr(JsonObject) error = NULL;
  g_autoptr(JsonArray) comments = NULL;
  const char * const comment_body[] = { "CommentBody", NULL };

  error = assert_rest_error (missing, 400, "REQUIRED_FIELD_MISSING");
  assert_error_fields (error, comment_body);
  g_clear_pointer (&error, json_object_unref);
  error = assert_rest_error (empty, 400, "REQUIRED_FIELD_MISSING");
  assert_error_fields (error, comment_body);
  g_clear_pointer (&error, json_object_unref);
  error = assert_rest_error (unknown_parent, 400, "INVALID_CROSS_REFERENCE_KEY");
  g_clear_pointer (&error, json_object_unref);
  error = assert_rest_error (unknown_field, 400, "INVALID_FIELD");
  g_clear_pointer (&error, json_object_unref);
  error = assert_rest_error (not_json, 400, "JSON_PARSER_ERROR");

  comments = sl_test_stand_in_get_records (stand_in, "CaseComment");
  g_assert_cmpuint (json_array_get_length (comments), ==, 0);
}

static void
test_rest_comment_no_access (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start (NULL);
  g_autofree char *token = sl_test_stand_in_get_access_token (stand_in, BOB);
  g_autoptr(Response) response = post_comment (stand_in, token,
    "{\"ParentId\": \"" CASE2_ID "\", \"CommentBody\": \"Hello\"}");
  g_autoptr(JsonObject) error = assert_rest_error (response, 400,
                                                   "INSUFFICIENT_ACCESS_OR_READONLY");
  g_autoptr(JsonArray) comments = sl_test_stand_in_get_records (stand_in, "CaseComment");

  g_assert_cmpstr (json_object_get_string_member (error, "message"), ==,
                   "insufficient access rights on cross-reference id");
  g_assert_cmpuint (json_array_get_length (comments), ==, 0);
}

static void
test_rest_case_update (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start (NULL);
  g_autofree char *token = sl_test_stand_in_get_access_token (stand_in, ALICE);
  g_autoptr(Response) status = patch_case (stand_in, token, CASE1_ID,
                                           "{\"Status\": \"Working\"}");
  g_autoptr(Response) owner = patch_case (stand_in, token, CASE1_ID,
                                          "{\"OwnerId\": \"" ALICE_ID "\"}");
  g_autoptr(Response) found = rest_query (stand_in, token,
    "SELECT Owner.Name FROM Case WHERE Id = '" CASE1_ID "'");
  g_autoptr(JsonObject) record = get_record (stand_in, "Case", CASE1_ID);
  g_autoptr(JsonObject) result = NULL;
  JsonObject *queried;

  g_assert_cmpuint (status->status, ==, 204);
  g_assert_true (status->body == NULL || *status->body == '\0');
  g_assert_cmpuint (owner->status, ==, 204);
  g_assert_cmpstr (json_object_get_string_member (record, "Status"), ==, "Working");
  g_assert_cmpstr (json_object_get_string_member (record, "OwnerId"), ==, ALICE_ID);
  g_assert_cmpstr (json_object_get_string_member (record, "Subject"), ==,
                   "Printer on floor 3 does not print");

  result = parse_object (found->body);
  queried = json_array_get_object_element (json_object_get_array_member (result, "records"), 0);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (queried,
                                                                                 "Owner"),
                                                  "Name"), ==, "Alice Agent");
}

static void
assert_case_update_rejected (SlTestStandIn      *stand_in,
                             const char         *token,
                             const char         *case_id,
                             const char         *json_body,
                             guint               status,
                             const char         *error_code,
                             const char * const *fields)
{
  g_autoptr(Response) response = patch_case (stand_in, token, case_id, json_body);
  g_autoptr(JsonObject) error = NULL;

  g_test_message ("PATCH %s %s", case_id, json_body);
  error = assert_rest_error (response, status, error_code);
  if (fields != NULL)
    assert_error_fields (error, fields);
}

static void
test_rest_case_update_errors (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start (NULL);
  g_autofree char *token = sl_test_stand_in_get_access_token (stand_in, ALICE);
  g_autoptr(Response) closed = patch_case (stand_in, token, CASE1_ID, "{\"Status\": \"Closed\"}");
  g_autoptr(JsonObject) error = assert_rest_error (closed, 400,
                                                   "FIELD_CUSTOM_VALIDATION_EXCEPTION");
  g_autoptr(JsonObject) record = NULL;
  const char * const status_field[] = { "Status", NULL };
  const char * const owner_field[] = { "OwnerId", NULL };

  g_assert_cmpstr (json_object_get_string_member (error, "message"), ==, CLOSED_MESSAGE);
  assert_error_fields (error, no_fields);

  assert_case_update_rejected (stand_in, token, "5005g00000NoCaseAAA", "{\"Status\": \"New\"}",
                               404, "NOT_FOUND", NULL);
  assert_case_update_rejected (stand_in, token, CASE1_ID, "{\"Status\": \"Bogus\"}", 400,
                               "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", status_field);
  assert_case_update_rejected (stand_in, token, CASE1_ID, "{\"Status\": null}", 400,
                               "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", status_field);
  assert_case_update_rejected (stand_in, token, CASE1_ID, "{\"OwnerId\": \"0055g00000NobodyAAA\"}",
                               400, "INVALID_CROSS_REFERENCE_KEY", owner_field);
  assert_case_update_rejected (stand_in, token, CASE1_ID, "{\"Priority\": \"High\"}", 400,
                               "INVALID_FIELD", NULL);
  assert_case_update_rejected (stand_in, token, CASE1_ID, "{\"CaseNumber\": \"1\"}", 400,
                               "INVALID_FIELD_FOR_INSERT_UPDATE", NULL);

  record = get_record (stand_in, "Case", CASE1_ID);
  g_assert_cmpstr (json_object_get_string_member (record, "Status"), ==, "New");
  g_assert_cmpstr (json_object_get_string_member (record, "OwnerId"), ==, INTEGRATION_ID);
}

static void
test_rest_case_update_no_access (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start (NULL);
  g_autofree char *token = sl_test_stand_in_get_access_token (stand_in, BOB);
  g_autoptr(Response) response = patch_case (stand_in, token, CASE1_ID,
                                             "{\"Status\": \"Working\"}");
  g_autoptr(JsonObject) error = assert_rest_error (response, 403,
                                                   "INSUFFICIENT_ACCESS_OR_READONLY");
  g_autoptr(JsonObject) record = get_record (stand_in, "Case", CASE1_ID);

  g_assert_cmpstr (json_object_get_string_member (record, "Status"), ==, "New");
}

/* Returns the describe result of @object for the user of @token. */
static JsonObject *
describe (SlTestStandIn *stand_in,
          const char    *token,
          const char    *object)
{
  g_autofree char *resource = g_strconcat ("sobjects/", object, "/describe", NULL);
  g_autoptr(Response) response = rest_request (stand_in, SOUP_METHOD_GET, resource, token,
                                               NULL);

  g_assert_cmpuint (response->status, ==, 200);
  return parse_object (response->body);
}

static JsonObject *
find_described_field (JsonObject *described,
                      const char *name)
{
  JsonArray *fields = json_object_get_array_member (described, "fields");

  for (guint i = 0; i < json_array_get_length (fields); i++)
    {
      JsonObject *field = json_array_get_object_element (fields, i);

      if (g_strcmp0 (json_object_get_string_member (field, "name"), name) == 0)
        return field;
    }

  return NULL;
}

static void
test_rest_describe (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start (NULL);
  g_autofree char *alice_token = sl_test_stand_in_get_access_token (stand_in, ALICE);
  g_autofree char *bob_token = sl_test_stand_in_get_access_token (stand_in, BOB);
  g_autoptr(JsonObject) alice_case = describe (stand_in, alice_token, "Case");
  g_autoptr(JsonObject) bob_case = describe (stand_in, bob_token, "Case");
  g_autoptr(JsonObject) comment = describe (stand_in, alice_token, "CaseComment");
  g_autoptr(JsonObject) bob_comment = describe (stand_in, bob_token, "CaseComment");
  g_autoptr(Response) unknown = rest_request (stand_in, SOUP_METHOD_GET,
                                              "sobjects/Account/describe", alice_token, NULL);
  g_autoptr(JsonObject) error = assert_rest_error (unknown, 404, "NOT_FOUND");
  const char * const statuses[] = { "New", "Working", "Escalated", "Closed" };
  JsonObject *status = find_described_field (alice_case, "Status");
  JsonArray *values;

  g_assert_cmpstr (json_object_get_string_member (alice_case, "name"), ==, "Case");
  g_assert_true (json_object_get_boolean_member (alice_case, "createable"));
  g_assert_true (json_object_get_boolean_member (alice_case, "updateable"));
  g_assert_false (json_object_get_boolean_member (bob_case, "createable"));
  g_assert_false (json_object_get_boolean_member (bob_case, "updateable"));

  g_assert_nonnull (status);
  g_assert_cmpstr (json_object_get_string_member (status, "type"), ==, "picklist");
  values = json_object_get_array_member (status, "picklistValues");
  g_assert_cmpuint (json_array_get_length (values), ==, G_N_ELEMENTS (statuses));
  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      JsonObject *value = json_array_get_object_element (values, i);

      g_assert_cmpstr (json_object_get_string_member (value, "value"), ==, statuses[i]);
      g_assert_cmpstr (json_object_get_string_member (value, "label"), ==, statuses[i]);
      g_assert_true (json_object_get_boolean_member (value, "active"));
      g_assert_true (json_object_get_boolean_member (value, "defaultValue") == (i == 0));
    }

  g_assert_cmpstr (json_object_get_string_member (comment, "name"), ==, "CaseComment");
  g_assert_nonnull (find_described_field (comment, "CommentBody"));
  g_assert_true (json_object_get_boolean_member (comment, "createable"));
  g_assert_false (json_object_get_boolean_member (bob_comment, "createable"));
}

/* Returns DailyApiRequests.Remaining from the limits resource. */
static gint64
get_remaining_requests (SlTestStandIn *stand_in,
                        const char    *token)
{
  g_autoptr(Response) response = rest_request (stand_in, SOUP_METHOD_GET, "limits", token, NULL);
  g_autoptr(JsonObject) limits = NULL;
  JsonObject *daily;

  g_assert_cmpuint (response->status, ==, 200);
  limits = parse_object (response->body);
  daily = json_object_get_object_member (limits, "DailyApiRequests");
  g_assert_nonnull (daily);
  g_assert_cmpint (json_object_get_int_member (daily, "Max"), ==, 15000);

  return json_object_get_int_member (daily, "Remaining");
}

static void
test_rest_limits (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start (NULL);
  g_autofree char *token = sl_test_stand_in_get_access_token (stand_in, ALICE);
  gint64 first = get_remaining_requests (stand_in, token);
  g_autoptr(Response) query = rest_query (stand_in, token, "SELECT Id FROM Case");
  gint64 second = get_remaining_requests (stand_in, token);

  /* The limits request counts itself. */
  g_assert_cmpint (first, ==, 15000 - 1);
  g_assert_cmpuint (query->status, ==, 200);
  g_assert_cmpint (second, ==, first - 2);
}

static void
test_rest_request_limit (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start ("--api-limit", "2", NULL);
  g_autofree char *token = sl_test_stand_in_get_access_token (stand_in, ALICE);
  g_autoptr(Response) first = rest_query (stand_in, token, "SELECT Id FROM Case");
  g_autoptr(Response) second = rest_request (stand_in, SOUP_METHOD_GET, "limits", token, NULL);
  g_autoptr(Response) third = rest_query (stand_in, token, "SELECT Id FROM Case");
  g_autoptr(JsonObject) error = NULL;
  g_autoptr(JsonObject) limits = NULL;
  JsonObject *daily;

  g_assert_cmpuint (first->status, ==, 200);
  g_assert_cmpuint (second->status, ==, 200);
  limits = parse_object (second->body);
  daily = json_object_get_object_member (limits, "DailyApiRequests");
  g_assert_cmpint (json_object_get_int_member (daily, "Max"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (daily, "Remaining"), ==, 0);

  error = assert_rest_error (third, 403, "REQUEST_LIMIT_EXCEEDED");
  g_assert_cmpstr (json_object_get_string_member (error, "message"), ==,
                   "TotalRequests Limit exceeded.");
}

static void
assert_invalid_session (const Response *response)
{
  g_autoptr(JsonObject) error = assert_rest_error (response, 401, "INVALID_SESSION_ID");

  g_assert_cmpstr (json_object_get_string_member (error, "message"), ==,
                   "Session expired or invalid");
}

static void
test_rest_bad_token (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start (NULL);
  g_autofree char *token = sl_test_stand_in_get_access_token (stand_in, ALICE);
  g_autofree char *revoke_form = soup_form_encode ("token", token, NULL);
  g_autoptr(Response) bad = rest_query (stand_in, "00D5g00000TestO!AQbad", "SELECT Id FROM Case");
  g_autoptr(Response) missing = rest_request (stand_in, SOUP_METHOD_GET, "limits", NULL, NULL);
  g_autoptr(Response) revoke = post_form (stand_in, "/services/oauth2/revoke", revoke_form);
  g_autoptr(Response) revoked = patch_case (stand_in, token, CASE1_ID,
                                            "{\"Status\": \"Working\"}");
  g_autoptr(JsonObject) record = get_record (stand_in, "Case", CASE1_ID);

  assert_invalid_session (bad);
  assert_invalid_session (missing);
  g_assert_cmpuint (revoke->status, ==, 200);
  assert_invalid_session (revoked);
  g_assert_cmpstr (json_object_get_string_member (record, "Status"), ==, "New");
}

static void
test_rest_unknown_resource (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start (NULL);
  g_autofree char *token = sl_test_stand_in_get_access_token (stand_in, ALICE);
  g_autoptr(Response) unknown = rest_request (stand_in, SOUP_METHOD_GET, "sobjects/Case/x/y",
                                              token, NULL);
  g_autoptr(JsonObject) error = assert_rest_error (unknown, 404, "NOT_FOUND");

  g_assert_cmpuint (sl_test_stand_in_count_requests (stand_in, "other"), ==, 1);
}

/* A comment posted whose response is lost: the fault with "process" lets
 * the request take effect and then drops the connection. */
static void
test_rest_process_fault (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start (NULL);
  g_autofree char *token = sl_test_stand_in_get_access_token (stand_in, ALICE);
  g_autofree char *uri = g_strconcat (sl_test_stand_in_get_url (stand_in),
                                      REST_PATH "sobjects/CaseComment", NULL);
  g_autofree char *bearer = g_strconcat ("Bearer ", token, NULL);
  const char *body = "{\"ParentId\": \"" CASE2_ID "\", \"CommentBody\": \"Lost answer\"}";
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_POST, uri);
  g_autoptr(GBytes) bytes = g_bytes_new_static (body, strlen (body));
  g_autoptr(GError) error = NULL;
  g_autoptr(Response) lost = NULL;
  g_autoptr(Response) again = NULL;
  g_autoptr(JsonArray) comments = NULL;
  g_autoptr(JsonArray) requests = NULL;

  sl_test_stand_in_reset (stand_in);
  sl_test_stand_in_add_fault (stand_in, "{\"endpoint\": \"comment-create\", \"process\": true, "
                              "\"drop\": true, \"times\": 1}");
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                bearer);
  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  lost = send_message (msg, &error);
  g_assert_null (lost);
  g_assert_nonnull (error);

  comments = sl_test_stand_in_get_records (stand_in, "CaseComment");
  g_assert_cmpuint (json_array_get_length (comments), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (comments, 0),
                                                  "CommentBody"), ==, "Lost answer");

  requests = sl_test_stand_in_get_requests (stand_in);
  g_assert_cmpuint (json_array_get_length (requests), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (requests, 0),
                                                  "endpoint"), ==, "comment-create");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (requests, 0),
                                               "status"), ==, 0);

  again = post_comment (stand_in, token, body);
  g_assert_cmpuint (again->status, ==, 201);
}

static void
test_rest_process_fault_status (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start (
    "--fault", "case-update:process=1,status=503,body=<html>down</html>,times=1", NULL);
  g_autofree char *token = sl_test_stand_in_get_access_token (stand_in, ALICE);
  g_autoptr(Response) faulted = patch_case (stand_in, token, CASE1_ID,
                                            "{\"Status\": \"Escalated\"}");
  g_autoptr(JsonObject) record = get_record (stand_in, "Case", CASE1_ID);
  g_autoptr(Response) query_faulted = NULL;

  g_assert_cmpuint (faulted->status, ==, 503);
  g_assert_cmpstr (faulted->body, ==, "<html>down</html>");
  g_assert_cmpstr (json_object_get_string_member (record, "Status"), ==, "Escalated");

  /* Without "process" the request never reaches the handler. */
  sl_test_stand_in_add_fault (stand_in, "{\"endpoint\": \"query\", \"status\": 500, "
                              "\"times\": 1}");
  query_faulted = rest_query (stand_in, token, "SELECT Id FROM Case");
  g_assert_cmpuint (query_faulted->status, ==, 500);
}

static void
test_rest_request_log (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start (NULL);
  g_autofree char *token = sl_test_stand_in_get_access_token (stand_in, ALICE);
  const char *body = "Secret diagnosis 7f3a";
  g_autofree char *json = g_strdup_printf ("{\"ParentId\": \"" CASE2_ID "\", "
                                           "\"CommentBody\": \"%s\"}", body);
  g_autoptr(Response) created = post_comment (stand_in, token, json);
  g_autoptr(Response) queried = rest_query (stand_in, token,
    "SELECT Id FROM CaseComment WHERE CommentBody = 'Secret diagnosis 7f3a'");
  g_autoptr(Response) updated = patch_case (stand_in, token, CASE2_ID,
                                            "{\"Status\": \"Escalated\"}");
  g_autoptr(JsonObject) described = describe (stand_in, token, "Case");
  gint64 remaining = get_remaining_requests (stand_in, token);
  g_autoptr(JsonArray) requests = sl_test_stand_in_get_requests (stand_in);
  g_autoptr(JsonNode) node = json_node_init_array (json_node_alloc (), requests);
  g_autofree char *log = json_to_string (node, FALSE);

  g_assert_cmpuint (created->status, ==, 201);
  g_assert_cmpuint (queried->status, ==, 200);
  g_assert_cmpuint (updated->status, ==, 204);
  g_assert_cmpint (remaining, >, 0);
  g_assert_cmpuint (sl_test_stand_in_count_requests (stand_in, "comment-create"), ==, 1);
  g_assert_cmpuint (sl_test_stand_in_count_requests (stand_in, "query"), ==, 1);
  g_assert_cmpuint (sl_test_stand_in_count_requests (stand_in, "case-update"), ==, 1);
  g_assert_cmpuint (sl_test_stand_in_count_requests (stand_in, "describe"), ==, 1);
  g_assert_cmpuint (sl_test_stand_in_count_requests (stand_in, "limits"), ==, 1);
  g_assert_null (strstr (log, token));
  g_assert_null (strstr (log, "7f3a"));
}

static void
test_rest_auto_sign_in_switch (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start ("--auto-sign-in", ALICE, NULL);
  g_autofree char *alice_token = sl_test_stand_in_get_access_token (stand_in, ALICE);
  g_autofree char *bob_token = sl_test_stand_in_get_access_token (stand_in, BOB);
  g_autoptr(Tokens) alice = g_new0 (Tokens, 1);
  g_autoptr(Tokens) bob = g_new0 (Tokens, 1);
  g_autoptr(Response) alice_info = NULL;
  g_autoptr(Response) bob_info = NULL;
  g_autoptr(JsonObject) alice_object = NULL;
  g_autoptr(JsonObject) bob_object = NULL;
  g_autofree char *uri = build_authorize_uri (stand_in, CLIENT_ID, REDIRECT_URI, CHALLENGE,
                                              NULL);
  g_autoptr(Response) login_page = NULL;
  g_autofree char *control_uri = g_strconcat (sl_test_stand_in_get_url (stand_in),
                                              "/__control/auto-sign-in", NULL);
  g_autoptr(SoupMessage) unknown = soup_message_new (SOUP_METHOD_POST, control_uri);
  g_autoptr(GBytes) unknown_body = g_bytes_new_static ("{\"username\": \"nobody@x.example\"}",
                                                       32);
  g_autoptr(Response) unknown_response = NULL;
  g_autoptr(GError) error = NULL;

  alice->access_token = g_strdup (alice_token);
  alice->instance_url = g_strdup (sl_test_stand_in_get_url (stand_in));
  bob->access_token = g_strdup (bob_token);
  bob->instance_url = g_strdup (sl_test_stand_in_get_url (stand_in));
  alice_info = get_userinfo (alice);
  bob_info = get_userinfo (bob);
  alice_object = parse_object (alice_info->body);
  bob_object = parse_object (bob_info->body);
  g_assert_cmpstr (json_object_get_string_member (alice_object, "user_id"), ==, ALICE_ID);
  g_assert_cmpstr (json_object_get_string_member (bob_object, "user_id"), ==, BOB_ID);

  sl_test_stand_in_set_auto_sign_in (stand_in, NULL);
  login_page = request (SOUP_METHOD_GET, uri, NULL, NULL);
  g_assert_cmpuint (login_page->status, ==, 200);
  g_assert_null (login_page->location);
  g_assert_nonnull (strstr (login_page->body, "name=\"password\""));

  soup_message_set_request_body_from_bytes (unknown, "application/json", unknown_body);
  unknown_response = send_message (unknown, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (unknown_response->status, ==, 400);
}

static void
test_rest_records_endpoint (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start (NULL);
  g_autoptr(JsonArray) cases = sl_test_stand_in_get_records (stand_in, "Case");
  g_autoptr(JsonArray) comments = sl_test_stand_in_get_records (stand_in, "CaseComment");
  g_autofree char *uri = g_strconcat (sl_test_stand_in_get_url (stand_in),
                                      "/__control/records/Account", NULL);
  g_autoptr(Response) unknown = request (SOUP_METHOD_GET, uri, NULL, NULL);
  JsonObject *first = json_array_get_object_element (cases, 0);
  const char * const case_fields[] = { "Id", "CaseNumber", "Subject", "Status", "OwnerId" };

  g_assert_cmpuint (json_array_get_length (cases), ==, 3);
  for (guint i = 0; i < G_N_ELEMENTS (case_fields); i++)
    g_assert_true (json_object_has_member (first, case_fields[i]));
  g_assert_cmpstr (json_object_get_string_member (first, "CaseNumber"), ==, "00001001");
  g_assert_cmpuint (json_array_get_length (comments), ==, 0);
  g_assert_cmpuint (unknown->status, ==, 404);
}

/* Token lifetime, rotation and revocation */

/* Sends a control request with an optional JSON body and returns the response. */
static Response *
post_control (SlTestStandIn *stand_in,
              const char    *path,
              const char    *json_body)
{
  g_autofree char *uri = g_strconcat (sl_test_stand_in_get_url (stand_in), path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_POST, uri);
  g_autoptr(GError) error = NULL;
  Response *response;

  if (json_body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (json_body, strlen (json_body));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }

  response = send_message (msg, &error);
  g_assert_no_error (error);
  return response;
}

static void
assert_control_ok (SlTestStandIn *stand_in,
                   const char    *path,
                   const char    *json_body)
{
  g_autoptr(Response) response = post_control (stand_in, path, json_body);

  g_assert_cmpuint (response->status, ==, 200);
}

static Response *
refresh_tokens (SlTestStandIn *stand_in,
                const char    *refresh_token)
{
  return post_token_form (stand_in, "grant_type", "refresh_token",
                          "refresh_token", refresh_token, "client_id", CLIENT_ID, NULL);
}

/* Returns the member @name of a successful token response. */
static char *
dup_token_member (const Response *response,
                  const char     *name)
{
  g_autoptr(JsonObject) object = NULL;

  g_assert_cmpuint (response->status, ==, 200);
  object = parse_object (response->body);

  return g_strdup (json_object_get_string_member_with_default (object, name, NULL));
}

static void
assert_bad_oauth_token (const Response *response)
{
  g_assert_cmpuint (response->status, ==, 403);
  g_assert_cmpstr (response->body, ==, "Bad_OAuth_Token");
}

static void
test_access_token_lifetime (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start ("--auto-sign-in", ALICE,
                                                              "--access-token-lifetime", "1",
                                                              NULL);
  g_autoptr(Tokens) tokens = sign_in (stand_in);
  g_autoptr(Response) fresh = rest_query (stand_in, tokens->access_token, "SELECT Id FROM Case");
  g_autoptr(Response) expired = NULL;
  g_autoptr(Response) expired_userinfo = NULL;
  g_autoptr(Response) refresh = NULL;
  g_autoptr(Response) renewed = NULL;

  g_assert_cmpuint (fresh->status, ==, 200);
  g_usleep (1200 * 1000);
  expired = rest_query (stand_in, tokens->access_token, "SELECT Id FROM Case");
  expired_userinfo = get_userinfo (tokens);
  assert_invalid_session (expired);
  assert_bad_oauth_token (expired_userinfo);

  refresh = refresh_tokens (stand_in, tokens->refresh_token);
  g_free (tokens->access_token);
  tokens->access_token = dup_token_member (refresh, "access_token");
  renewed = rest_query (stand_in, tokens->access_token, "SELECT Id FROM Case");
  g_assert_cmpuint (renewed->status, ==, 200);
}

static void
test_bad_access_token_lifetime (void)
{
  const char * const zero[] = { "--fixture", g_getenv ("SL_TEST_FIXTURE"),
                                "--access-token-lifetime", "0", NULL };

  assert_exits_with_usage_error (zero);
}

static void
test_rotation (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start ("--auto-sign-in", ALICE,
                                                              "--rotate-refresh-tokens", NULL);
  g_autoptr(Tokens) tokens = sign_in (stand_in);
  g_autoptr(Response) first = refresh_tokens (stand_in, tokens->refresh_token);
  g_autofree char *second_token = dup_token_member (first, "refresh_token");
  g_autoptr(Response) second = refresh_tokens (stand_in, second_token);
  g_autofree char *third_token = dup_token_member (second, "refresh_token");
  g_autoptr(Tokens) latest = g_new0 (Tokens, 1);
  g_autoptr(Response) replay = NULL;
  g_autoptr(Response) after_replay = NULL;
  g_autoptr(Response) latest_userinfo = NULL;

  g_assert_nonnull (second_token);
  g_assert_false (g_strcmp0 (second_token, tokens->refresh_token) == 0);
  g_assert_nonnull (third_token);
  g_assert_false (g_strcmp0 (third_token, second_token) == 0);

  latest->access_token = dup_token_member (second, "access_token");
  latest->instance_url = g_strdup (tokens->instance_url);

  /* A replayed older token revokes the chain, the newest token included. */
  replay = refresh_tokens (stand_in, second_token);
  after_replay = refresh_tokens (stand_in, third_token);
  latest_userinfo = get_userinfo (latest);

  assert_oauth_error (replay, "invalid_grant");
  assert_oauth_error (after_replay, "invalid_grant");
  assert_bad_oauth_token (latest_userinfo);
}

static void
test_control_expire_access_tokens (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start ("--auto-sign-in", ALICE, NULL);
  g_autoptr(Tokens) tokens = sign_in (stand_in);
  g_autoptr(Response) expired = NULL;
  g_autoptr(Response) refresh = NULL;
  g_autoptr(Response) renewed = NULL;
  g_autofree char *new_token = NULL;
  g_autofree char *new_refresh_token = NULL;

  assert_control_ok (stand_in, "/__control/expire-access-tokens", NULL);
  expired = rest_query (stand_in, tokens->access_token, "SELECT Id FROM Case");
  refresh = refresh_tokens (stand_in, tokens->refresh_token);
  new_token = dup_token_member (refresh, "access_token");
  new_refresh_token = dup_token_member (refresh, "refresh_token");
  renewed = rest_query (stand_in, new_token, "SELECT Id FROM Case");

  assert_invalid_session (expired);
  g_assert_null (new_refresh_token);
  g_assert_cmpuint (renewed->status, ==, 200);
}

static void
test_control_revoke_refresh_tokens (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start ("--auto-sign-in", ALICE, NULL);
  g_autoptr(Tokens) tokens = sign_in (stand_in);
  g_autoptr(Response) unknown = NULL;
  g_autoptr(Response) other_user = NULL;
  g_autoptr(Response) after_revoke = NULL;
  g_autoptr(Response) rest = NULL;

  unknown = post_control (stand_in, "/__control/revoke-refresh-tokens",
                          "{\"username\": \"nobody@acme.example.com\"}");
  g_assert_cmpuint (unknown->status, ==, 400);

  assert_control_ok (stand_in, "/__control/revoke-refresh-tokens",
                     "{\"username\": \"bob@acme.example.com\"}");
  other_user = refresh_tokens (stand_in, tokens->refresh_token);
  g_assert_cmpuint (other_user->status, ==, 200);

  assert_control_ok (stand_in, "/__control/revoke-refresh-tokens", NULL);
  after_revoke = refresh_tokens (stand_in, tokens->refresh_token);
  rest = rest_query (stand_in, tokens->access_token, "SELECT Id FROM Case");

  assert_oauth_error (after_revoke, "invalid_grant");
  assert_invalid_session (rest);
}

static void
test_control_deactivate_user (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start ("--auto-sign-in", ALICE, NULL);
  g_autoptr(Tokens) tokens = sign_in (stand_in);
  g_autoptr(Response) unknown = NULL;
  g_autoptr(Response) refresh = NULL;
  g_autoptr(Response) userinfo = NULL;

  unknown = post_control (stand_in, "/__control/deactivate-user", "{}");
  g_assert_cmpuint (unknown->status, ==, 400);

  assert_control_ok (stand_in, "/__control/deactivate-user", "{\"username\": \"" ALICE "\"}");
  refresh = refresh_tokens (stand_in, tokens->refresh_token);
  userinfo = get_userinfo (tokens);

  assert_oauth_error (refresh, "invalid_grant");
  assert_bad_oauth_token (userinfo);
}

/* Returns the "beacon" member of request @index in the log, or NULL. */
static const char *
logged_beacon (JsonArray *requests,
               guint      index)
{
  JsonObject *record = json_array_get_object_element (requests, index);

  return json_object_get_string_member_with_default (record, "beacon", NULL);
}

static Response *
get_path (SlTestStandIn *stand_in,
          const char    *path)
{
  g_autofree char *uri = g_strconcat (sl_test_stand_in_get_url (stand_in), path, NULL);

  return request (SOUP_METHOD_GET, uri, NULL, NULL);
}

static void
test_hostile_page (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start ("--hostile-login-page", NULL);
  g_autofree char *authorize_uri = build_authorize_uri (stand_in, CLIENT_ID, REDIRECT_URI,
                                                        CHALLENGE, NULL);
  g_autoptr(Response) hostile = request (SOUP_METHOD_GET, authorize_uri, NULL, NULL);
  g_autoptr(Response) login = NULL;
  g_autoptr(JsonArray) requests = NULL;

  g_assert_cmpuint (hostile->status, ==, 200);
  g_assert_nonnull (strstr (hostile->body, "file:///etc/hostname"));
  g_assert_nonnull (strstr (hostile->body, "window.open"));
  g_assert_nonnull (strstr (hostile->body, "/__beacon?done=1"));

  assert_control_ok (stand_in, "/__control/authorize-page", "{\"page\": \"login\"}");
  login = request (SOUP_METHOD_GET, authorize_uri, NULL, NULL);
  g_assert_nonnull (strstr (login->body, "name=\"password\""));

  requests = sl_test_stand_in_get_requests (stand_in);
  g_assert_cmpuint (json_array_get_length (requests), ==, 2);
  g_assert_cmpstr (logged_page (requests, 0), ==, "hostile");
  g_assert_cmpstr (logged_page (requests, 1), ==, "login");
}

static void
test_hostile_page_bad_control (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start (NULL);
  g_autoptr(Response) response = post_control (stand_in, "/__control/authorize-page",
                                               "{\"page\": \"elsewhere\"}");

  g_assert_cmpuint (response->status, ==, 400);
}

static void
test_hostile_beacons (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start (NULL);
  g_autoptr(Response) escaped = get_path (stand_in, "/__beacon?escaped=data");
  g_autoptr(Response) done = get_path (stand_in, "/__beacon?done=1");
  g_autoptr(Response) odd = get_path (stand_in, "/__beacon?escaped=Not%20a%20name");
  g_autoptr(JsonArray) requests = sl_test_stand_in_get_requests (stand_in);

  g_assert_cmpuint (escaped->status, ==, 204);
  g_assert_cmpuint (done->status, ==, 204);
  g_assert_cmpuint (json_array_get_length (requests), ==, 3);
  g_assert_cmpstr (logged_beacon (requests, 0), ==, "escaped:data");
  g_assert_cmpstr (logged_beacon (requests, 1), ==, "done");
  g_assert_cmpstr (logged_beacon (requests, 2), ==, "unknown");
}

static void
test_hostile_download (void)
{
  g_autoptr(SlTestStandIn) stand_in = sl_test_stand_in_start (NULL);
  g_autofree char *uri = g_strconcat (sl_test_stand_in_get_url (stand_in), "/__download", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, uri);
  g_autoptr(GError) error = NULL;
  g_autoptr(Response) response = send_message (msg, &error);
  const char *disposition = soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                          "Content-Disposition");

  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpstr (response->content_type, ==, "application/octet-stream");
  g_assert_true (g_str_has_prefix (disposition, "attachment"));
}

/* Writes a self-signed certificate for 127.0.0.1 and its key into @dir.
 * Returns FALSE when openssl is not installed. */
static gboolean
make_certificate (const char *dir,
                  char      **certificate,
                  char      **key)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *openssl = g_find_program_in_path ("openssl");

  if (openssl == NULL)
    return FALSE;

  *certificate = g_build_filename (dir, "cert.pem", NULL);
  *key = g_build_filename (dir, "key.pem", NULL);
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                              | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                              "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                              "-days", "1", "-keyout", *key, "-out", *certificate,
                              "-subj", "/CN=127.0.0.1",
                              "-addext", "subjectAltName=IP:127.0.0.1", NULL);
  g_assert_no_error (error);
  g_subprocess_wait_check (process, NULL, &error);
  g_assert_no_error (error);

  return TRUE;
}

/* Accepts exactly the certificate the test gave the stand-in. */
static gboolean
on_accept_certificate (SoupMessage          *msg,
                       GTlsCertificate      *peer,
                       GTlsCertificateFlags  errors,
                       GTlsCertificate      *expected)
{
  return g_tls_certificate_is_same (peer, expected);
}

static void
test_https (void)
{
  g_autofree char *dir = g_dir_make_tmp ("stand-in-XXXXXX", NULL);
  g_autofree char *certificate_path = NULL;
  g_autofree char *key_path = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) output = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *uri = NULL;
  g_autoptr(SoupMessage) untrusted = NULL;
  g_autoptr(SoupMessage) trusted = NULL;
  g_autoptr(Response) refused = NULL;
  g_autoptr(Response) response = NULL;

  if (!make_certificate (dir, &certificate_path, &key_path))
    {
      g_test_skip ("openssl is not installed");
      return;
    }
  certificate = g_tls_certificate_new_from_file (certificate_path, &error);
  g_assert_no_error (error);

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                              g_getenv ("SL_STAND_IN"), "--fixture", g_getenv ("SL_TEST_FIXTURE"),
                              "--port", "0", "--tls-certificate", certificate_path,
                              "--tls-key", key_path, NULL);
  g_assert_no_error (error);
  output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  url = g_data_input_stream_read_line_utf8 (output, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (url, "https://127.0.0.1:"));

  uri = g_strconcat (url, "/services/data/v62.0/limits", NULL);
  untrusted = soup_message_new (SOUP_METHOD_GET, uri);
  refused = send_message (untrusted, &error);
  g_assert_null (refused);
  g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);

  trusted = soup_message_new (SOUP_METHOD_GET, uri);
  g_signal_connect (trusted, "accept-certificate", G_CALLBACK (on_accept_certificate),
                    certificate);
  response = send_message (trusted, NULL);
  g_assert_nonnull (response);
  g_assert_cmpuint (response->status, ==, 401);

  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, NULL);
  g_unlink (certificate_path);
  g_unlink (key_path);
  g_rmdir (dir);
}

static void
test_https_needs_key (void)
{
  const char *args[] = { "--fixture", g_getenv ("SL_TEST_FIXTURE"),
                         "--tls-certificate", "cert.pem", NULL };

  assert_exits_with_usage_error (args);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stand-in/flow/auto-sign-in", test_full_flow);
  g_test_add_func ("/stand-in/token/refresh", test_refresh);
  g_test_add_func ("/stand-in/token/access-token-lifetime", test_access_token_lifetime);
  g_test_add_func ("/stand-in/token/bad-access-token-lifetime", test_bad_access_token_lifetime);
  g_test_add_func ("/stand-in/token/rotation", test_rotation);
  g_test_add_func ("/stand-in/control/expire-access-tokens", test_control_expire_access_tokens);
  g_test_add_func ("/stand-in/control/revoke-refresh-tokens",
                   test_control_revoke_refresh_tokens);
  g_test_add_func ("/stand-in/control/deactivate-user", test_control_deactivate_user);
  g_test_add_func ("/stand-in/login/allow", test_login_form_allow);
  g_test_add_func ("/stand-in/login/deny", test_login_form_deny);
  g_test_add_func ("/stand-in/login/inactive-user", test_login_form_inactive_user);
  g_test_add_func ("/stand-in/authorize/bad-client", test_authorize_bad_client);
  g_test_add_func ("/stand-in/authorize/missing-challenge", test_authorize_missing_challenge);
  g_test_add_func ("/stand-in/authorize/prompt-login", test_authorize_prompt_login);
  g_test_add_func ("/stand-in/token/verifier", test_token_verifier);
  g_test_add_func ("/stand-in/token/reused-code", test_token_reused_code);
  g_test_add_func ("/stand-in/token/expired-code", test_token_expired_code);
  g_test_add_func ("/stand-in/token/errors", test_token_errors);
  g_test_add_func ("/stand-in/token/chunked-body", test_token_chunked_body);
  g_test_add_func ("/stand-in/token/community", test_community_client);
  g_test_add_func ("/stand-in/identity/id-url", test_identity_url);
  g_test_add_func ("/stand-in/revoke/access-token", test_revoke_access_token);
  g_test_add_func ("/stand-in/fault/command-line", test_fault_status_from_command_line);
  g_test_add_func ("/stand-in/fault/control", test_fault_status_from_control);
  g_test_add_func ("/stand-in/fault/delay", test_fault_delay);
  g_test_add_func ("/stand-in/fault/drop", test_fault_drop);
  g_test_add_func ("/stand-in/log/no-secrets", test_request_log_no_secrets);
  g_test_add_func ("/stand-in/log/pages", test_request_log_pages);
  g_test_add_func ("/stand-in/fixture/malformed", test_malformed_fixture);
  g_test_add_func ("/stand-in/rest/query-case", test_rest_query_case);
  g_test_add_func ("/stand-in/rest/query-keywords", test_rest_query_keywords);
  g_test_add_func ("/stand-in/rest/query-no-match", test_rest_query_no_match);
  g_test_add_func ("/stand-in/rest/query-malformed", test_rest_query_malformed);
  g_test_add_func ("/stand-in/rest/query-escaping", test_rest_query_escaping);
  g_test_add_func ("/stand-in/rest/query-truncated", test_rest_query_truncated);
  g_test_add_func ("/stand-in/rest/comment-create", test_rest_comment_create);
  g_test_add_func ("/stand-in/rest/comment-query-own", test_rest_comment_query_own);
  g_test_add_func ("/stand-in/rest/comment-errors", test_rest_comment_errors);
  g_test_add_func ("/stand-in/rest/comment-no-access", test_rest_comment_no_access);
  g_test_add_func ("/stand-in/rest/case-update", test_rest_case_update);
  g_test_add_func ("/stand-in/rest/case-update-errors", test_rest_case_update_errors);
  g_test_add_func ("/stand-in/rest/case-update-no-access", test_rest_case_update_no_access);
  g_test_add_func ("/stand-in/rest/describe", test_rest_describe);
  g_test_add_func ("/stand-in/rest/limits", test_rest_limits);
  g_test_add_func ("/stand-in/rest/request-limit", test_rest_request_limit);
  g_test_add_func ("/stand-in/rest/bad-token", test_rest_bad_token);
  g_test_add_func ("/stand-in/rest/unknown-resource", test_rest_unknown_resource);
  g_test_add_func ("/stand-in/rest/process-fault", test_rest_process_fault);
  g_test_add_func ("/stand-in/rest/process-fault-status", test_rest_process_fault_status);
  g_test_add_func ("/stand-in/rest/request-log", test_rest_request_log);
  g_test_add_func ("/stand-in/rest/auto-sign-in-switch", test_rest_auto_sign_in_switch);
  g_test_add_func ("/stand-in/control/records", test_rest_records_endpoint);
  g_test_add_func ("/stand-in/hostile/page", test_hostile_page);
  g_test_add_func ("/stand-in/hostile/bad-control", test_hostile_page_bad_control);
  g_test_add_func ("/stand-in/hostile/beacons", test_hostile_beacons);
  g_test_add_func ("/stand-in/hostile/download", test_hostile_download);
  g_test_add_func ("/stand-in/https/serve", test_https);
  g_test_add_func ("/stand-in/https/needs-key", test_https_needs_key);

  return g_test_run ();
}
