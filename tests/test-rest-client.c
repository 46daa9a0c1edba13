/* test-rest-client.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "sl-rest-client.h"
#include "sl-sign-in.h"
#include "sl-test-stand-in.h"

#define N_FUZZ_ROUNDS 3000
#define CLIENT_ID "SupportLogicConnectDemo"
#define ALICE "alice@acme.example.com"
#define ALICE_ID "0055g00000AliceAAA"
#define BOB "bob@acme.example.com"
#define API_VERSION "62.0"
#define WAIT_SECONDS 20
/* Timeout of the client's session, shorter than the 3 s delay faults. */
#define SESSION_TIMEOUT_SECONDS 1
#define RETRY_WINDOW_SECONDS 300
/* The message of the Status = Closed validation rule in test-org.json. */
#define VALIDATION_MESSAGE "Add a resolution comment in the case before closing it."
#define NO_ACCESS_MESSAGE "Your Salesforce user is not allowed to change this case. " \
  "Ask your Salesforce administrator for edit access."

/* Log capture: every message of the client, so tests can check that no
 * token, comment body or SOQL value reaches the log. */

static GString *captured_log;
/* A warning that a test expects, which is captured and not passed on. */
static const char *expected_warning;
static guint expected_warning_count;

static GLogWriterOutput
capture_log (GLogLevelFlags   log_level,
             const GLogField *fields,
             gsize            n_fields,
             gpointer         user_data)
{
  const char *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length < 0)
        message = fields[i].value;
    }

  if (message != NULL)
    g_string_append_printf (captured_log, "%s\n", message);

  if (expected_warning != NULL && message != NULL && (log_level & G_LOG_LEVEL_WARNING)
      && strstr (message, expected_warning) != NULL)
    {
      expected_warning_count++;
      return G_LOG_WRITER_HANDLED;
    }

  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

/* Parser tests */

static GError *
parse_error (guint       status,
             const char *content_type,
             const char *body)
{
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  GError *error = NULL;

  sl_rest_parse_error (status, content_type, bytes, &error);
  g_assert_nonnull (error);

  return error;
}

/* Parses a one-element error array with @error_code and checks the code. */
static GError *
expect_code (guint       status,
             const char *error_code,
             int         code)
{
  g_autofree char *body = NULL;
  GError *error;

  body = g_strdup_printf ("[{\"message\": \"Server text\", \"errorCode\": \"%s\"}]",
                          error_code);
  error = parse_error (status, "application/json;charset=UTF-8", body);
  g_assert_error (error, SL_REST_ERROR, code);
  g_assert_cmpstr (sl_rest_error_get_error_code (error), ==, error_code);

  return error;
}

static void
test_parse_session_expired (void)
{
  g_autoptr(GError) error = expect_code (401, "INVALID_SESSION_ID",
                                         SL_REST_ERROR_SESSION_EXPIRED);

  g_assert_cmpstr (error->message, ==, "Your Salesforce session has expired. Reconnect "
                   "your account in User Profile.");
}

static void
test_parse_no_access (void)
{
  g_autoptr(GError) error = expect_code (400, "INSUFFICIENT_ACCESS_OR_READONLY",
                                         SL_REST_ERROR_NO_ACCESS);
  g_autoptr(GError) other = expect_code (403, "SOME_NEW_CODE", SL_REST_ERROR_NO_ACCESS);

  g_assert_cmpstr (error->message, ==, "Your Salesforce user is not allowed to change "
                   "this case. Ask your Salesforce administrator for edit access.");
  g_assert_cmpstr (other->message, ==, error->message);
}

static void
test_parse_not_found (void)
{
  g_autoptr(GError) error = expect_code (404, "NOT_FOUND", SL_REST_ERROR_NOT_FOUND);
  g_autoptr(GError) by_status = expect_code (404, "SOMETHING_ELSE", SL_REST_ERROR_NOT_FOUND);

  g_assert_null (strstr (error->message, "Server text"));
}

static void
test_parse_validation (void)
{
  static const char * const codes[] = {
    "FIELD_CUSTOM_VALIDATION_EXCEPTION",
    "REQUIRED_FIELD_MISSING",
    "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
    "STRING_TOO_LONG",
    "INVALID_FIELD",
  };

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      g_autoptr(GError) error = expect_code (400, codes[i], SL_REST_ERROR_VALIDATION);

      g_assert_cmpstr (error->message, ==, "Server text");
    }
}

static void
test_parse_validation_sanitized (void)
{
  g_autoptr(GString) long_text = g_string_new (NULL);
  g_autofree char *body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) control = NULL;

  for (guint i = 0; i < 2000; i++)
    g_string_append_c (long_text, 'x');
  body = g_strdup_printf ("[{\"message\": \"%s\", \"errorCode\": \"STRING_TOO_LONG\"}]",
                          long_text->str);
  error = parse_error (400, "application/json", body);
  control = parse_error (400, "application/json",
                         "[{\"message\": \"Closed\\u0007 cases\\nneed a reason\","
                         " \"errorCode\": \"FIELD_CUSTOM_VALIDATION_EXCEPTION\"}]");

  g_assert_error (error, SL_REST_ERROR, SL_REST_ERROR_VALIDATION);
  g_assert_cmpuint (g_utf8_strlen (error->message, -1), <=, 501);
  g_assert_true (g_str_has_suffix (error->message, "…"));
  g_assert_cmpstr (control->message, ==, "Closed  cases need a reason");
}

static void
test_parse_limit_exceeded (void)
{
  g_autoptr(GError) error = expect_code (403, "REQUEST_LIMIT_EXCEEDED",
                                         SL_REST_ERROR_LIMIT_EXCEEDED);

  g_assert_cmpstr (error->message, ==, "Your organization has used up its Salesforce API "
                   "requests for today. Try again later.");
}

static void
test_parse_other_code (void)
{
  g_autoptr(GError) error = expect_code (500, "UNKNOWN_EXCEPTION", SL_REST_ERROR_FAILED);

  g_assert_nonnull (strstr (error->message, "UNKNOWN_EXCEPTION"));
  g_assert_nonnull (strstr (error->message, "Server text"));
}

static void
test_parse_not_json (void)
{
  g_autoptr(GError) error = parse_error (400, "application/json", "{not json");

  g_assert_error (error, SL_REST_ERROR, SL_REST_ERROR_UNEXPECTED_RESPONSE);
  g_assert_null (sl_rest_error_get_error_code (error));
}

static void
test_parse_empty (void)
{
  g_autoptr(GError) error = parse_error (401, NULL, "");
  g_autoptr(GError) no_body = NULL;

  sl_rest_parse_error (500, NULL, NULL, &no_body);

  g_assert_error (error, SL_REST_ERROR, SL_REST_ERROR_UNEXPECTED_RESPONSE);
  g_assert_error (no_body, SL_REST_ERROR, SL_REST_ERROR_UNEXPECTED_RESPONSE);
}

static void
test_parse_html (void)
{
  g_autoptr(GError) error = parse_error (503, "text/html",
                                         "<html><body><h1>Down for maintenance</h1>"
                                         "</body></html>");
  g_autoptr(GError) json_shaped = parse_error (503, "text/html",
                                               "[{\"errorCode\": \"NOT_FOUND\"}]");

  g_assert_error (error, SL_REST_ERROR, SL_REST_ERROR_UNEXPECTED_RESPONSE);
  g_assert_null (strstr (error->message, "<"));
  g_assert_nonnull (strstr (error->message, "503"));
  g_assert_error (json_shaped, SL_REST_ERROR, SL_REST_ERROR_UNEXPECTED_RESPONSE);
}

static void
test_parse_json_without_code (void)
{
  g_autoptr(GError) object = parse_error (400, "application/json", "{\"message\": \"x\"}");
  g_autoptr(GError) empty = parse_error (400, "application/json", "[]");
  g_autoptr(GError) number = parse_error (400, "application/json", "42");

  g_assert_error (object, SL_REST_ERROR, SL_REST_ERROR_UNEXPECTED_RESPONSE);
  g_assert_error (empty, SL_REST_ERROR, SL_REST_ERROR_UNEXPECTED_RESPONSE);
  g_assert_error (number, SL_REST_ERROR, SL_REST_ERROR_UNEXPECTED_RESPONSE);
}

static void
test_parse_first_error_wins (void)
{
  g_autoptr(GError) error = NULL;

  error = parse_error (400, "application/json",
                       "[{\"message\": \"Subject is required\", \"errorCode\":"
                       " \"REQUIRED_FIELD_MISSING\", \"fields\": [\"Subject\"]},"
                       " {\"message\": \"Limit\", \"errorCode\": \"REQUEST_LIMIT_EXCEEDED\"}]");

  g_assert_error (error, SL_REST_ERROR, SL_REST_ERROR_VALIDATION);
  g_assert_cmpstr (sl_rest_error_get_error_code (error), ==, "REQUIRED_FIELD_MISSING");
  g_assert_cmpstr (error->message, ==, "Subject is required");
}

static void
test_parse_fields (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) copy = NULL;
  g_autoptr(GError) no_fields = expect_code (400, "STRING_TOO_LONG",
                                             SL_REST_ERROR_VALIDATION);
  const char * const *fields;

  error = parse_error (400, "application/json",
                       "[{\"message\": \"Bad\", \"errorCode\": \"INVALID_FIELD\","
                       " \"fields\": [\"Status\", 7, \"Reason\"]}]");
  copy = g_error_copy (error);
  fields = sl_rest_error_get_fields (copy);

  g_assert_nonnull (fields);
  g_assert_cmpuint (g_strv_length ((char **) fields), ==, 2);
  g_assert_cmpstr (fields[0], ==, "Status");
  g_assert_cmpstr (fields[1], ==, "Reason");
  g_assert_cmpstr (sl_rest_error_get_error_code (copy), ==, "INVALID_FIELD");
  g_assert_null (sl_rest_error_get_fields (no_fields));
}

static void
test_error_accessors_other_domain (void)
{
  g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "x");

  g_assert_null (sl_rest_error_get_error_code (error));
  g_assert_null (sl_rest_error_get_fields (error));
}

static const char * const fuzz_seeds[] = {
  "[{\"message\": \"Closed cases need a reason\", \"errorCode\":"
  " \"FIELD_CUSTOM_VALIDATION_EXCEPTION\", \"fields\": [\"Status\"]}]",
  "[{\"message\": \"Session expired or invalid\", \"errorCode\": \"INVALID_SESSION_ID\"}]",
  "{\"errorCode\": \"NOT_FOUND\", \"message\": \"x\", \"fields\": []}",
  "<html><body>503</body></html>",
  "[]",
};

/* Changes, inserts or deletes a few random bytes of @text. */
static GBytes *
mutate (GRand      *rand,
        const char *text)
{
  GString *mutated = g_string_new (text);
  guint edits = g_rand_int_range (rand, 1, 8);

  for (guint i = 0; i < edits; i++)
    {
      guint position = g_rand_int_range (rand, 0, (gint32) mutated->len + 1);
      char byte = (char) g_rand_int_range (rand, 0, 256);

      switch (g_rand_int_range (rand, 0, 3))
        {
        case 0:
          if (position < mutated->len)
            mutated->str[position] = byte;
          break;
        case 1:
          g_string_insert_c (mutated, position, byte);
          break;
        default:
          if (position < mutated->len)
            g_string_erase (mutated, position, 1);
        }
    }

  return g_string_free_to_bytes (mutated);
}

static void
test_parse_fuzz (void)
{
  static const guint statuses[] = { 400, 401, 403, 404, 500, 503 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261204);

  for (guint round = 0; round < N_FUZZ_ROUNDS; round++)
    {
      const char *seed = fuzz_seeds[round % G_N_ELEMENTS (fuzz_seeds)];
      g_autoptr(GBytes) body = mutate (rand, seed);
      g_autoptr(GError) error = NULL;
      guint status = statuses[round % G_N_ELEMENTS (statuses)];

      sl_rest_parse_error (status, round % 2 ? "application/json" : NULL, body, &error);
      g_assert_nonnull (error);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
    }
}


/* Server tests */

typedef struct
{
  SlTestStandIn *stand_in;
  SlOAuthConfig *config;
  SlTokenClient *token_client;
  SoupSession *session;
  SlCredentials *credentials;
  SlRestClient *client;
} Fixture;

static gboolean
on_wait_timeout (gpointer user_data)
{
  g_error ("No result after %d seconds", WAIT_SECONDS);
  return G_SOURCE_REMOVE;
}

static void
on_result (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
wait_for (GAsyncResult **result)
{
  guint timeout_id = g_timeout_add_seconds (WAIT_SECONDS, on_wait_timeout, NULL);

  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (timeout_id);
}

/* Signs in as the stand-in's auto-sign-in user and returns the credentials. */
static SlCredentials *
sign_in (Fixture *fixture)
{
  g_autoptr(SlSignIn) sign_in = sl_sign_in_new (fixture->token_client, "user", FALSE);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *callback = NULL;
  SlCredentials *credentials;

  callback = sl_test_stand_in_authorize (fixture->stand_in,
                                         sl_sign_in_get_authorize_uri (sign_in));
  sl_sign_in_complete_async (sign_in, callback, NULL, on_result, &result);
  wait_for (&result);
  credentials = sl_sign_in_complete_finish (sign_in, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (credentials);

  return credentials;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->stand_in = sl_test_stand_in_start ("--auto-sign-in", ALICE, NULL);
  fixture->config = sl_oauth_config_new (sl_test_stand_in_get_url (fixture->stand_in),
                                         CLIENT_ID, &error);
  g_assert_no_error (error);
  fixture->token_client = sl_token_client_new (fixture->config);
  fixture->credentials = sign_in (fixture);
  fixture->session = soup_session_new_with_options ("timeout", SESSION_TIMEOUT_SECONDS,
                                                    NULL);
  fixture->client = sl_rest_client_new (fixture->session, fixture->credentials,
                                        API_VERSION);
  g_string_truncate (captured_log, 0);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->session);
  g_clear_pointer (&fixture->credentials, sl_credentials_free);
  g_clear_object (&fixture->token_client);
  g_clear_object (&fixture->config);
  g_clear_pointer (&fixture->stand_in, sl_test_stand_in_stop);
}

/* Replaces the fixture's client with one signed in as @username. */
static void
use_user (Fixture    *fixture,
          const char *username)
{
  sl_test_stand_in_set_auto_sign_in (fixture->stand_in, username);
  g_clear_pointer (&fixture->credentials, sl_credentials_free);
  fixture->credentials = sign_in (fixture);
  g_clear_object (&fixture->client);
  fixture->client = sl_rest_client_new (fixture->session, fixture->credentials,
                                        API_VERSION);
}

static SlCase *
find_case (SlRestClient  *client,
           const char    *case_number,
           GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sl_rest_client_find_case_async (client, case_number, NULL, on_result, &result);
  wait_for (&result);
  return sl_rest_client_find_case_finish (client, result, error);
}

static char *
post_comment (SlRestClient  *client,
              const char    *case_id,
              const char    *body,
              gboolean       is_published,
              gboolean       is_retry,
              GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sl_rest_client_post_comment_async (client, case_id, body, is_published, is_retry,
                                     RETRY_WINDOW_SECONDS, NULL, on_result, &result);
  wait_for (&result);
  return sl_rest_client_post_comment_finish (client, result, error);
}

static gboolean
update_case (SlRestClient  *client,
             const char    *case_id,
             const char    *field,
             const char    *value,
             GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonObject) fields = json_object_new ();

  json_object_set_string_member (fields, field, value);
  sl_rest_client_update_case_async (client, case_id, fields, NULL, on_result, &result);
  wait_for (&result);
  return sl_rest_client_update_case_finish (client, result, error);
}

static char **
get_case_statuses (SlRestClient  *client,
                   GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sl_rest_client_get_case_statuses_async (client, NULL, on_result, &result);
  wait_for (&result);
  return sl_rest_client_get_case_statuses_finish (client, result, error);
}

/* Returns the ID of the case with @case_number, which must exist. */
static char *
get_case_id (Fixture    *fixture,
             const char *case_number)
{
  g_autoptr(SlCase) found = NULL;
  g_autoptr(GError) error = NULL;

  found = find_case (fixture->client, case_number, &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);

  return g_strdup (found->id);
}

/* Returns the stand-in's CaseComment records whose CommentBody is @body. */
static GPtrArray *
find_comments (Fixture    *fixture,
               const char *body)
{
  g_autoptr(JsonArray) records = sl_test_stand_in_get_records (fixture->stand_in,
                                                               "CaseComment");
  GPtrArray *matches = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  for (guint i = 0; i < json_array_get_length (records); i++)
    {
      JsonObject *record = json_array_get_object_element (records, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (record, "CommentBody",
                                                                 NULL), body) == 0)
        g_ptr_array_add (matches, json_object_ref (record));
    }

  return matches;
}

static void
assert_log_clean (Fixture    *fixture,
                  const char *secret_text)
{
  g_assert_null (strstr (captured_log->str, fixture->credentials->access_token));
  g_assert_null (strstr (captured_log->str, secret_text));
}

static void
test_find_case (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(SlCase) found = NULL;
  g_autoptr(SlCase) copy = NULL;
  g_autoptr(GError) error = NULL;

  found = find_case (fixture->client, "00001001", &error);
  copy = sl_case_copy (found);

  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_nonnull (found->id);
  g_assert_cmpstr (found->case_number, ==, "00001001");
  g_assert_cmpstr (found->status, ==, "New");
  g_assert_nonnull (found->subject);
  g_assert_true (g_str_has_prefix (found->owner_id, "005"));
  g_assert_nonnull (found->owner_name);
  g_assert_cmpstr (copy->owner_name, ==, found->owner_name);
  g_assert_cmpstr (copy->id, ==, found->id);
  assert_log_clean (fixture, "00001001");
}

static void
test_find_case_trimmed (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(SlCase) found = NULL;
  g_autoptr(GError) error = NULL;

  found = find_case (fixture->client, "  00001002\n", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (found->case_number, ==, "00001002");
  g_assert_cmpstr (found->status, ==, "Working");
}

static void
test_find_case_not_found (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(SlCase) found = NULL;
  g_autoptr(GError) error = NULL;

  found = find_case (fixture->client, "09999999", &error);

  g_assert_null (found);
  g_assert_error (error, SL_REST_ERROR, SL_REST_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "Case 09999999 was not found.");
}

static void
test_find_case_empty (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(SlCase) found = NULL;
  g_autoptr(GError) error = NULL;

  sl_test_stand_in_reset (fixture->stand_in);
  found = find_case (fixture->client, " \t ", &error);

  g_assert_null (found);
  g_assert_error (error, SL_REST_ERROR, SL_REST_ERROR_VALIDATION);
  g_assert_cmpuint (sl_test_stand_in_count_requests (fixture->stand_in, "query"), ==, 0);
}

static void
test_find_case_injection (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(SlCase) found = NULL;
  g_autoptr(SlCase) backslash = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) backslash_error = NULL;

  found = find_case (fixture->client, "00001001' OR CaseNumber != '", &error);
  backslash = find_case (fixture->client, "00001001\\' OR CaseNumber != \\'",
                         &backslash_error);

  g_assert_null (found);
  g_assert_error (error, SL_REST_ERROR, SL_REST_ERROR_NOT_FOUND);
  g_assert_null (backslash);
  g_assert_error (backslash_error, SL_REST_ERROR, SL_REST_ERROR_NOT_FOUND);
}

static void
check_posted_comment (Fixture    *fixture,
                      const char *body,
                      gboolean    is_published)
{
  g_autofree char *case_id = get_case_id (fixture, "00001001");
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autoptr(GPtrArray) comments = NULL;
  JsonObject *record;

  id = post_comment (fixture->client, case_id, body, is_published, FALSE, &error);
  comments = find_comments (fixture, body);

  g_assert_no_error (error);
  g_assert_nonnull (id);
  g_assert_cmpuint (comments->len, ==, 1);
  record = g_ptr_array_index (comments, 0);
  g_assert_cmpstr (json_object_get_string_member (record, "Id"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (record, "CreatedById"), ==, ALICE_ID);
  g_assert_cmpstr (json_object_get_string_member (record, "ParentId"), ==, case_id);
  g_assert_true (json_object_get_boolean_member (record, "IsPublished") == is_published);
  assert_log_clean (fixture, body);
}

static void
test_comment_public (Fixture       *fixture,
                     gconstpointer  user_data)
{
  check_posted_comment (fixture, "Replaced the \"power\" unit; 'see' C:\\logs ✓", TRUE);
}

static void
test_comment_internal (Fixture       *fixture,
                       gconstpointer  user_data)
{
  check_posted_comment (fixture, "Internal: customer\nprefers email", FALSE);
}

static void
test_comment_no_access (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autofree char *case_id = get_case_id (fixture, "00001002");
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autoptr(GPtrArray) comments = NULL;

  use_user (fixture, BOB);
  id = post_comment (fixture->client, case_id, "Bob was here", TRUE, FALSE, &error);
  comments = find_comments (fixture, "Bob was here");

  g_assert_null (id);
  g_assert_error (error, SL_REST_ERROR, SL_REST_ERROR_NO_ACCESS);
  g_assert_cmpstr (sl_rest_error_get_error_code (error), ==,
                   "INSUFFICIENT_ACCESS_OR_READONLY");
  g_assert_cmpstr (error->message, ==, NO_ACCESS_MESSAGE);
  g_assert_cmpuint (comments->len, ==, 0);
}

static void
test_update_status (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autofree char *case_id = get_case_id (fixture, "00001001");
  g_autoptr(SlCase) updated = NULL;
  g_autoptr(GError) error = NULL;
  gboolean done;

  done = update_case (fixture->client, case_id, "Status", "Working", &error);
  g_assert_no_error (error);
  g_assert_true (done);

  updated = find_case (fixture->client, "00001001", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (updated->status, ==, "Working");
}

static void
test_update_owner (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autofree char *case_id = get_case_id (fixture, "00001003");
  const char *user_id = sl_rest_client_get_user_id (fixture->client);
  g_autoptr(SlCase) updated = NULL;
  g_autoptr(GError) error = NULL;
  gboolean done;

  g_assert_cmpstr (user_id, ==, ALICE_ID);

  done = update_case (fixture->client, case_id, "OwnerId", user_id, &error);
  g_assert_no_error (error);
  g_assert_true (done);

  updated = find_case (fixture->client, "00001003", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (updated->owner_id, ==, ALICE_ID);
}

static void
test_update_validation (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autofree char *case_id = get_case_id (fixture, "00001002");
  g_autoptr(SlCase) unchanged = NULL;
  g_autoptr(GError) error = NULL;
  gboolean done;

  done = update_case (fixture->client, case_id, "Status", "Closed", &error);

  g_assert_false (done);
  g_assert_error (error, SL_REST_ERROR, SL_REST_ERROR_VALIDATION);
  g_assert_cmpstr (sl_rest_error_get_error_code (error), ==,
                   "FIELD_CUSTOM_VALIDATION_EXCEPTION");
  g_assert_cmpstr (error->message, ==, VALIDATION_MESSAGE);
  g_clear_error (&error);

  unchanged = find_case (fixture->client, "00001002", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (unchanged->status, ==, "Working");
}

static void
test_update_unknown_case (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) malformed = NULL;
  gboolean done;

  done = update_case (fixture->client, "500000000000000AAA", "Status", "Working", &error);
  update_case (fixture->client, "../../limits", "Status", "Working", &malformed);

  g_assert_false (done);
  g_assert_error (error, SL_REST_ERROR, SL_REST_ERROR_NOT_FOUND);
  g_assert_error (malformed, SL_REST_ERROR, SL_REST_ERROR_NOT_FOUND);
}

static void
test_case_statuses (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_auto(GStrv) statuses = NULL;
  g_autoptr(GError) error = NULL;

  statuses = get_case_statuses (fixture->client, &error);

  g_assert_no_error (error);
  g_assert_nonnull (statuses);
  g_assert_true (g_strv_contains ((const char * const *) statuses, "New"));
  g_assert_true (g_strv_contains ((const char * const *) statuses, "Working"));
  g_assert_true (g_strv_contains ((const char * const *) statuses, "Escalated"));
}

/* Writebacks share one kept-alive connection instead of opening one each. */
static void
test_comments_reuse_connection (Fixture       *fixture,
                                gconstpointer  user_data)
{
  g_autofree char *case_id = get_case_id (fixture, "00001002");
  g_autoptr(JsonArray) requests = NULL;
  gint64 first_port = -1;
  guint posts = 0;

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *text = g_strdup_printf ("Update %u", i);
      g_autoptr(GError) error = NULL;
      g_autofree char *id = post_comment (fixture->client, case_id, text, FALSE, FALSE,
                                          &error);

      g_assert_no_error (error);
    }

  requests = sl_test_stand_in_get_requests (fixture->stand_in);
  for (guint i = 0; i < json_array_get_length (requests); i++)
    {
      JsonObject *request = json_array_get_object_element (requests, i);
      gint64 port;

      if (g_strcmp0 (json_object_get_string_member (request, "endpoint"),
                     "comment-create") != 0)
        continue;

      port = json_object_get_int_member (request, "client_port");
      if (first_port < 0)
        first_port = port;
      g_assert_cmpint (port, ==, first_port);
      posts++;
    }
  g_assert_cmpuint (posts, ==, 3);
}

static SlRestAccess
check_access (SlRestClient  *client,
              GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sl_rest_client_check_access_async (client, NULL, on_result, &result);
  wait_for (&result);
  return sl_rest_client_check_access_finish (client, result, error);
}

static void
test_access_full (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  SlRestAccess access = check_access (fixture->client, &error);
  g_autofree char *warning = sl_rest_access_describe_missing (access);

  g_assert_no_error (error);
  g_assert_cmpint (access, ==, SL_REST_ACCESS_ALL);
  g_assert_null (warning);
}

static void
test_access_read_only (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *warning = NULL;
  SlRestAccess access;

  use_user (fixture, BOB);
  access = check_access (fixture->client, &error);
  warning = sl_rest_access_describe_missing (access);

  g_assert_no_error (error);
  g_assert_cmpint (access, ==, SL_REST_ACCESS_NONE);
  g_assert_nonnull (warning);
  g_assert_nonnull (strstr (warning, "edit access"));
}

static void
test_access_partial (void)
{
  g_autofree char *no_update = sl_rest_access_describe_missing (SL_REST_ACCESS_COMMENT_CREATE);
  g_autofree char *no_comment = sl_rest_access_describe_missing (SL_REST_ACCESS_CASE_UPDATE);

  g_assert_nonnull (strstr (no_update, "cannot update cases"));
  g_assert_nonnull (strstr (no_comment, "cannot add case comments"));
}

static void
test_api_disabled (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  SlRestAccess access;

  use_user (fixture, "noapi@acme.example.com");
  access = check_access (fixture->client, &error);

  g_assert_cmpint (access, ==, SL_REST_ACCESS_NONE);
  g_assert_error (error, SL_REST_ERROR, SL_REST_ERROR_API_DISABLED);
  g_assert_cmpstr (sl_rest_error_get_error_code (error), ==, "API_DISABLED_FOR_ORG");
  g_assert_nonnull (strstr (error->message, "API Enabled"));
}

static void
test_bad_token (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(SlCredentials) credentials = sl_credentials_copy (fixture->credentials);
  g_autoptr(SlRestClient) client = NULL;
  g_autoptr(SlCase) found = NULL;
  g_autoptr(GError) error = NULL;

  g_free (credentials->access_token);
  credentials->access_token = g_strdup ("00D5g00000TestOrg!AQ-not-a-token");
  client = sl_rest_client_new (fixture->session, credentials, API_VERSION);
  found = find_case (client, "00001001", &error);

  g_assert_null (found);
  g_assert_error (error, SL_REST_ERROR, SL_REST_ERROR_SESSION_EXPIRED);
  g_assert_cmpstr (sl_rest_error_get_error_code (error), ==, "INVALID_SESSION_ID");
}

/* Without a refresher an expired session fails at once, with no token
 * request. */
static void
test_expired_without_refresher (Fixture       *fixture,
                                gconstpointer  user_data)
{
  g_autoptr(SlTokenRefresher) unused = NULL;
  g_autoptr(SlCase) found = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strconcat (sl_test_stand_in_get_url (fixture->stand_in),
                                      "/__control/expire-access-tokens", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_POST, url);
  g_autoptr(GBytes) body = NULL;

  body = soup_session_send_and_read (fixture->session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);
  sl_test_stand_in_reset (fixture->stand_in);

  /* Setting and clearing a refresher leaves the client without one. */
  unused = sl_token_refresher_new ("user", fixture->token_client);
  sl_rest_client_set_refresher (fixture->client, unused);
  sl_rest_client_set_refresher (fixture->client, NULL);
  found = find_case (fixture->client, "00001001", &error);

  g_assert_null (found);
  g_assert_error (error, SL_REST_ERROR, SL_REST_ERROR_SESSION_EXPIRED);
  g_assert_cmpuint (sl_test_stand_in_count_requests (fixture->stand_in, "token"), ==, 0);
  g_assert_cmpuint (sl_test_stand_in_count_requests (fixture->stand_in, "query"), ==, 1);
}

static void
test_insecure_instance (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(SlCredentials) credentials = sl_credentials_copy (fixture->credentials);
  g_autoptr(SlRestClient) client = NULL;
  g_auto(GStrv) statuses = NULL;
  g_autoptr(GError) error = NULL;

  /* The .invalid domain never resolves, and the client must not try. */
  g_free (credentials->instance_url);
  credentials->instance_url = g_strdup ("http://instance.invalid");
  expected_warning = "instance URL";
  expected_warning_count = 0;
  client = sl_rest_client_new (fixture->session, credentials, API_VERSION);
  expected_warning = NULL;
  statuses = get_case_statuses (client, &error);

  g_assert_cmpuint (expected_warning_count, ==, 1);
  g_assert_null (statuses);
  g_assert_error (error, SL_REST_ERROR, SL_REST_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "http://instance.invalid"));
}

static void
add_fault (Fixture    *fixture,
           const char *fault)
{
  sl_test_stand_in_add_fault (fixture->stand_in, fault);
}

static void
test_limit_exceeded (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(SlCase) found = NULL;
  g_autoptr(GError) error = NULL;

  add_fault (fixture, "{\"endpoint\": \"query\", \"status\": 403, \"body\": "
             "\"[{\\\"message\\\": \\\"TotalRequests Limit exceeded.\\\", "
             "\\\"errorCode\\\": \\\"REQUEST_LIMIT_EXCEEDED\\\"}]\"}");
  found = find_case (fixture->client, "00001001", &error);

  g_assert_null (found);
  g_assert_error (error, SL_REST_ERROR, SL_REST_ERROR_LIMIT_EXCEEDED);
}

static void
test_dropped_connection (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_auto(GStrv) statuses = NULL;
  g_autoptr(GError) error = NULL;

  add_fault (fixture, "{\"endpoint\": \"describe\", \"drop\": true}");
  statuses = get_case_statuses (fixture->client, &error);

  g_assert_null (statuses);
  g_assert_error (error, SL_REST_ERROR, SL_REST_ERROR_OFFLINE);
}

static void
test_html_503 (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_auto(GStrv) statuses = NULL;
  g_autoptr(GError) error = NULL;

  add_fault (fixture, "{\"endpoint\": \"describe\", \"status\": 503, \"body\": "
             "\"<html><body>Maintenance</body></html>\", \"content_type\": \"text/html\"}");
  statuses = get_case_statuses (fixture->client, &error);

  g_assert_null (statuses);
  g_assert_error (error, SL_REST_ERROR, SL_REST_ERROR_UNEXPECTED_RESPONSE);
}

static void
test_html_200 (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(SlCase) found = NULL;
  g_autoptr(GError) error = NULL;

  add_fault (fixture, "{\"endpoint\": \"query\", \"status\": 200, \"body\": "
             "\"<html><body>Proxy login</body></html>\", \"content_type\": \"text/html\"}");
  found = find_case (fixture->client, "00001001", &error);

  g_assert_null (found);
  g_assert_error (error, SL_REST_ERROR, SL_REST_ERROR_UNEXPECTED_RESPONSE);
}

static void
test_timed_out (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(SlCase) found = NULL;
  g_autoptr(GError) error = NULL;

  add_fault (fixture, "{\"endpoint\": \"query\", \"delay_ms\": 3000, \"times\": 1}");
  found = find_case (fixture->client, "00001001", &error);

  g_assert_null (found);
  g_assert_error (error, SL_REST_ERROR, SL_REST_ERROR_TIMED_OUT);
}

static void
test_cancelled (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SlCase) found = NULL;

  sl_rest_client_find_case_async (fixture->client, "00001001", cancellable, on_result,
                                  &result);
  g_cancellable_cancel (cancellable);
  wait_for (&result);
  found = sl_rest_client_find_case_finish (fixture->client, result, &error);

  g_assert_null (found);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* The first POST takes effect but its response is lost (@fault). A retry
 * must return the comment the first POST created and not post it again. */
static void
check_retry_after_lost_response (Fixture    *fixture,
                                 const char *fault,
                                 int         first_code,
                                 const char *body)
{
  g_autofree char *case_id = get_case_id (fixture, "00001002");
  g_autoptr(GError) error = NULL;
  g_autofree char *first_id = NULL;
  g_autofree char *retry_id = NULL;
  g_autoptr(GPtrArray) comments = NULL;
  JsonObject *record;

  add_fault (fixture, fault);
  first_id = post_comment (fixture->client, case_id, body, TRUE, FALSE, &error);
  g_assert_null (first_id);
  g_assert_error (error, SL_REST_ERROR, first_code);
  g_clear_error (&error);

  retry_id = post_comment (fixture->client, case_id, body, TRUE, TRUE, &error);
  comments = find_comments (fixture, body);

  g_assert_no_error (error);
  g_assert_nonnull (retry_id);
  g_assert_cmpuint (comments->len, ==, 1);
  record = g_ptr_array_index (comments, 0);
  g_assert_cmpstr (json_object_get_string_member (record, "Id"), ==, retry_id);
  assert_log_clean (fixture, body);
}

static void
test_retry_after_drop (Fixture       *fixture,
                       gconstpointer  user_data)
{
  check_retry_after_lost_response (fixture,
                                   "{\"endpoint\": \"comment-create\", \"process\": true,"
                                   " \"drop\": true, \"times\": 1}",
                                   SL_REST_ERROR_OFFLINE,
                                   "Shipped the replacement today.");
}

static void
test_retry_after_timeout (Fixture       *fixture,
                          gconstpointer  user_data)
{
  check_retry_after_lost_response (fixture,
                                   "{\"endpoint\": \"comment-create\", \"process\": true,"
                                   " \"delay_ms\": 3000, \"times\": 1}",
                                   SL_REST_ERROR_TIMED_OUT,
                                   "Customer confirmed it works.");
}

/* The first POST never reaches Salesforce, so the retry posts once. */
static void
test_retry_not_arrived (Fixture       *fixture,
                        gconstpointer  user_data)
{
  const char *body = "Called the customer back.";
  g_autofree char *case_id = get_case_id (fixture, "00001002");
  g_autoptr(GError) error = NULL;
  g_autofree char *first_id = NULL;
  g_autofree char *retry_id = NULL;
  g_autoptr(GPtrArray) before_retry = NULL;
  g_autoptr(GPtrArray) comments = NULL;

  add_fault (fixture, "{\"endpoint\": \"comment-create\", \"drop\": true, \"times\": 1}");
  first_id = post_comment (fixture->client, case_id, body, FALSE, FALSE, &error);
  g_assert_null (first_id);
  g_assert_error (error, SL_REST_ERROR, SL_REST_ERROR_OFFLINE);
  g_clear_error (&error);
  before_retry = find_comments (fixture, body);
  g_assert_cmpuint (before_retry->len, ==, 0);

  retry_id = post_comment (fixture->client, case_id, body, FALSE, TRUE, &error);
  comments = find_comments (fixture, body);

  g_assert_no_error (error);
  g_assert_nonnull (retry_id);
  g_assert_cmpuint (comments->len, ==, 1);
  g_assert_cmpuint (sl_test_stand_in_count_requests (fixture->stand_in, "comment-create"),
                    ==, 2);
}

/* A retry does not take an internal comment with the same text for the
 * public comment it is retrying. */
static void
test_retry_other_comment (Fixture       *fixture,
                          gconstpointer  user_data)
{
  const char *body = "Waiting for the customer.";
  g_autofree char *case_id = get_case_id (fixture, "00001001");
  g_autoptr(GError) error = NULL;
  g_autofree char *internal_id = NULL;
  g_autofree char *public_id = NULL;
  g_autoptr(GPtrArray) comments = NULL;

  internal_id = post_comment (fixture->client, case_id, body, FALSE, FALSE, &error);
  g_assert_no_error (error);

  public_id = post_comment (fixture->client, case_id, body, TRUE, TRUE, &error);
  comments = find_comments (fixture, body);

  g_assert_no_error (error);
  g_assert_cmpstr (public_id, !=, internal_id);
  g_assert_cmpuint (comments->len, ==, 2);
}

static void
add_stand_in_test (const char *path,
                   void (*func) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down);
}

int
main (int   argc,
      char *argv[])
{
  captured_log = g_string_new (NULL);
  g_log_set_writer_func (capture_log, NULL, NULL);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/rest/parse/session-expired", test_parse_session_expired);
  g_test_add_func ("/rest/parse/no-access", test_parse_no_access);
  g_test_add_func ("/rest/parse/not-found", test_parse_not_found);
  g_test_add_func ("/rest/parse/validation", test_parse_validation);
  g_test_add_func ("/rest/parse/validation-sanitized", test_parse_validation_sanitized);
  g_test_add_func ("/rest/parse/limit-exceeded", test_parse_limit_exceeded);
  g_test_add_func ("/rest/parse/other-code", test_parse_other_code);
  g_test_add_func ("/rest/parse/not-json", test_parse_not_json);
  g_test_add_func ("/rest/parse/empty", test_parse_empty);
  g_test_add_func ("/rest/parse/html-503", test_parse_html);
  g_test_add_func ("/rest/parse/json-without-code", test_parse_json_without_code);
  g_test_add_func ("/rest/parse/first-error-wins", test_parse_first_error_wins);
  g_test_add_func ("/rest/parse/fields", test_parse_fields);
  g_test_add_func ("/rest/parse/other-domain", test_error_accessors_other_domain);
  g_test_add_func ("/rest/parse/fuzz", test_parse_fuzz);

  add_stand_in_test ("/rest/find-case/found", test_find_case);
  add_stand_in_test ("/rest/find-case/trimmed", test_find_case_trimmed);
  add_stand_in_test ("/rest/find-case/not-found", test_find_case_not_found);
  add_stand_in_test ("/rest/find-case/empty", test_find_case_empty);
  add_stand_in_test ("/rest/find-case/soql-injection", test_find_case_injection);
  add_stand_in_test ("/rest/comment/public", test_comment_public);
  add_stand_in_test ("/rest/comment/internal", test_comment_internal);
  add_stand_in_test ("/rest/comment/no-access", test_comment_no_access);
  add_stand_in_test ("/rest/comment/retry-after-drop", test_retry_after_drop);
  add_stand_in_test ("/rest/comment/retry-after-timeout", test_retry_after_timeout);
  add_stand_in_test ("/rest/comment/retry-not-arrived", test_retry_not_arrived);
  add_stand_in_test ("/rest/comment/retry-other-comment", test_retry_other_comment);
  add_stand_in_test ("/rest/update/status", test_update_status);
  add_stand_in_test ("/rest/update/owner", test_update_owner);
  add_stand_in_test ("/rest/update/validation-rule", test_update_validation);
  add_stand_in_test ("/rest/update/unknown-case", test_update_unknown_case);
  add_stand_in_test ("/rest/describe/statuses", test_case_statuses);
  add_stand_in_test ("/rest/comment/reuse-connection", test_comments_reuse_connection);
  add_stand_in_test ("/rest/access/full", test_access_full);
  add_stand_in_test ("/rest/access/read-only", test_access_read_only);
  add_stand_in_test ("/rest/access/api-disabled", test_api_disabled);
  g_test_add_func ("/rest/access/partial", test_access_partial);
  add_stand_in_test ("/rest/errors/bad-token", test_bad_token);
  add_stand_in_test ("/rest/errors/insecure-instance", test_insecure_instance);
  add_stand_in_test ("/rest/errors/expired-no-refresher", test_expired_without_refresher);
  add_stand_in_test ("/rest/errors/limit-exceeded", test_limit_exceeded);
  add_stand_in_test ("/rest/errors/dropped", test_dropped_connection);
  add_stand_in_test ("/rest/errors/html-503", test_html_503);
  add_stand_in_test ("/rest/errors/html-200", test_html_200);
  add_stand_in_test ("/rest/errors/timed-out", test_timed_out);
  add_stand_in_test ("/rest/errors/cancelled", test_cancelled);

  return g_test_run ();
}
