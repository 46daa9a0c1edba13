/* test-stand-in.c: drives the Salesforce stand-in as an OAuth client would
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gstdio.h>
#include <libsoup/soup.h>

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

static void
test_malformed_fixture (void)
{
  const char *missing_file[] = { "--fixture", "/nonexistent/fixture.json", NULL };
  const char *unknown_fault[] = { "--fixture", g_getenv ("SL_TEST_FIXTURE"),
                                  "--fault", "rest:status=500", NULL };
  const char *unknown_user[] = { "--fixture", g_getenv ("SL_TEST_FIXTURE"),
                                 "--auto-sign-in", "nobody@acme.example.com", NULL };

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
  assert_exits_with_usage_error (missing_file);
  assert_exits_with_usage_error (unknown_fault);
  assert_exits_with_usage_error (unknown_user);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stand-in/flow/auto-sign-in", test_full_flow);
  g_test_add_func ("/stand-in/token/refresh", test_refresh);
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

  return g_test_run ();
}
