/* test-connection.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs against the private gnome-keyring that `run-isolated --keyring`
 * starts, and the Salesforce stand-in for the disconnect tests.
 */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "sl-auth-request.h"
#include "sl-connection.h"
#include "sl-keyring.h"
#include "sl-test-stand-in.h"
#include "sl-token-client.h"

#define TIMEOUT_SECONDS 20

/* Async helpers */

static gboolean
on_timeout (gpointer user_data)
{
  g_error ("Operation timed out after %d seconds", TIMEOUT_SECONDS);
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
  guint timeout_id = g_timeout_add_seconds (TIMEOUT_SECONDS, on_timeout, NULL);

  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (timeout_id);
}

static gboolean
connection_store (SlConnection        *connection,
                  const SlCredentials *creds,
                  GCancellable        *cancellable,
                  GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sl_connection_store_async (connection, creds, cancellable, on_result, &result);
  wait_for (&result);
  return sl_connection_store_finish (connection, result, error);
}

static gboolean
connection_load (SlConnection  *connection,
                 GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sl_connection_load_async (connection, NULL, on_result, &result);
  wait_for (&result);
  return sl_connection_load_finish (connection, result, error);
}

static gboolean
connection_disconnect (SlConnection   *connection,
                       SlTokenClient  *client,
                       gboolean       *revoke_failed,
                       GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sl_connection_disconnect_async (connection, client, NULL, on_result, &result);
  wait_for (&result);
  return sl_connection_disconnect_finish (connection, result, revoke_failed, error);
}

static void
keyring_delete (const char *slot)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sl_keyring_delete_async (slot, NULL, on_result, &result);
  wait_for (&result);
  sl_keyring_delete_finish (result, &error);
  g_assert_no_error (error);
}

static void
clear_slots (void)
{
  keyring_delete (SL_SLOT_INTEGRATION);
  keyring_delete (SL_SLOT_USER);
}

static SlCredentials *
make_credentials (const char *username)
{
  SlCredentials *creds = sl_credentials_new ();

  creds->access_token = g_strdup ("access-token-value");
  creds->refresh_token = g_strdup ("refresh-token-value");
  creds->login_host = g_strdup ("http://127.0.0.1:1");
  creds->instance_url = g_strdup ("http://localhost:1");
  creds->user_id = g_strdup ("005xx000001SwiUAAS");
  creds->org_id = g_strdup ("00Dxx0000001gPLEAY");
  creds->username = g_strdup (username);
  creds->email = g_strdup (username);
  creds->connected_at = g_date_time_new_utc (2026, 12, 4, 10, 0, 0);

  return creds;
}

/* Stores integration@ in the integration slot, which the tests on the user
 * slot must leave untouched. */
static void
store_other_slot (void)
{
  g_autoptr(SlConnection) other = sl_connection_new (SL_SLOT_INTEGRATION);
  g_autoptr(SlCredentials) creds = make_credentials ("integration@acme.example.com");
  g_autoptr(GError) error = NULL;

  connection_store (other, creds, NULL, &error);
  g_assert_no_error (error);
}

static void
assert_other_slot_untouched (void)
{
  g_autoptr(SlCredentials) loaded = NULL;
  g_autoptr(GError) error = NULL;

  loaded = sl_keyring_load_sync (SL_SLOT_INTEGRATION, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  g_assert_cmpstr (loaded->username, ==, "integration@acme.example.com");
}

/* Notification counting */

typedef struct
{
  GHashTable *counts;
} NotifyLog;

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           NotifyLog  *log)
{
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (log->counts, pspec->name));

  g_hash_table_insert (log->counts, (gpointer) pspec->name, GUINT_TO_POINTER (count + 1));
}

static void
notify_log_init (NotifyLog    *log,
                 SlConnection *connection)
{
  log->counts = g_hash_table_new (g_str_hash, g_str_equal);
  g_signal_connect (connection, "notify", G_CALLBACK (on_notify), log);
}

static guint
notify_count (NotifyLog  *log,
              const char *name)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (log->counts, name));
}

/* Tests without the keyring */

static void
test_state_enum (void)
{
  g_autoptr(GEnumClass) enum_class = g_type_class_ref (SL_TYPE_CONNECTION_STATE);
  GEnumValue *value = g_enum_get_value (enum_class, SL_CONNECTION_STATE_NEEDS_REAUTH);

  g_assert_true (G_TYPE_IS_ENUM (SL_TYPE_CONNECTION_STATE));
  g_assert_cmpstr (value->value_nick, ==, "needs-reauth");
  g_assert_cmpstr (sl_connection_state_to_string (SL_CONNECTION_STATE_DISCONNECTED), ==,
                   "disconnected");
  g_assert_cmpstr (sl_connection_state_to_string (SL_CONNECTION_STATE_CONNECTING), ==,
                   "connecting");
  g_assert_cmpstr (sl_connection_state_to_string (SL_CONNECTION_STATE_CONNECTED), ==,
                   "connected");
  g_assert_cmpstr (sl_connection_state_to_string (SL_CONNECTION_STATE_NEEDS_REAUTH), ==,
                   "needs-reauth");
  g_assert_cmpstr (sl_connection_state_to_string (SL_CONNECTION_STATE_ERROR), ==, "error");
}

static void
test_slot_names (void)
{
  g_assert_true (sl_slot_name_is_valid ("integration"));
  g_assert_true (sl_slot_name_is_valid ("user"));
  g_assert_false (sl_slot_name_is_valid ("admin"));
  g_assert_false (sl_slot_name_is_valid (""));
  g_assert_false (sl_slot_name_is_valid (NULL));
}

static void
test_notify_only_on_change (void)
{
  g_autoptr(SlConnection) connection = sl_connection_new (SL_SLOT_USER);
  g_autoptr(SlCredentials) creds = make_credentials ("alice@acme.example.com");
  NotifyLog log;

  notify_log_init (&log, connection);

  sl_connection_apply_credentials (connection, creds);
  g_assert_cmpuint (notify_count (&log, "state"), ==, 1);
  g_assert_cmpuint (notify_count (&log, "email"), ==, 1);
  g_assert_cmpuint (notify_count (&log, "connected-at"), ==, 1);
  g_assert_cmpuint (notify_count (&log, "last-error"), ==, 0);

  sl_connection_apply_credentials (connection, creds);
  sl_connection_set_state (connection, SL_CONNECTION_STATE_CONNECTED);
  g_assert_cmpuint (notify_count (&log, "state"), ==, 1);
  g_assert_cmpuint (notify_count (&log, "email"), ==, 1);
  g_assert_cmpuint (notify_count (&log, "username"), ==, 1);
  g_assert_cmpuint (notify_count (&log, "connected-at"), ==, 1);

  sl_connection_reset (connection);
  sl_connection_reset (connection);
  g_assert_cmpuint (notify_count (&log, "state"), ==, 2);
  g_assert_cmpuint (notify_count (&log, "email"), ==, 2);
  g_assert_null (sl_connection_get_email (connection));

  g_hash_table_unref (log.counts);
}

static void
test_sign_in_from_disconnected (void)
{
  g_autoptr(SlConnection) connection = sl_connection_new (SL_SLOT_USER);

  sl_connection_begin_sign_in (connection);
  g_assert_cmpint (sl_connection_get_state (connection), ==, SL_CONNECTION_STATE_CONNECTING);

  sl_connection_cancel_sign_in (connection);
  g_assert_cmpint (sl_connection_get_state (connection), ==,
                   SL_CONNECTION_STATE_DISCONNECTED);

  sl_connection_begin_sign_in (connection);
  sl_connection_report_error (connection, "Access was denied.", "access_denied");
  g_assert_cmpint (sl_connection_get_state (connection), ==, SL_CONNECTION_STATE_ERROR);
  g_assert_cmpstr (sl_connection_get_last_error (connection), ==, "Access was denied.");
  g_assert_cmpstr (sl_connection_get_last_error_code (connection), ==, "access_denied");
}

static void
test_sign_in_cancelled_after_error (void)
{
  g_autoptr(SlConnection) connection = sl_connection_new (SL_SLOT_USER);

  sl_connection_begin_sign_in (connection);
  sl_connection_report_error (connection, "Access was denied.", "access_denied");

  sl_connection_begin_sign_in (connection);
  g_assert_null (sl_connection_get_last_error (connection));
  sl_connection_cancel_sign_in (connection);

  g_assert_cmpint (sl_connection_get_state (connection), ==, SL_CONNECTION_STATE_ERROR);
  g_assert_cmpstr (sl_connection_get_last_error (connection), ==, "Access was denied.");
  g_assert_cmpstr (sl_connection_get_last_error_code (connection), ==, "access_denied");
}

static void
test_sign_in_from_connected (void)
{
  g_autoptr(SlConnection) connection = sl_connection_new (SL_SLOT_USER);
  g_autoptr(SlCredentials) creds = make_credentials ("alice@acme.example.com");

  sl_connection_apply_credentials (connection, creds);
  sl_connection_begin_sign_in (connection);
  g_assert_cmpint (sl_connection_get_state (connection), ==, SL_CONNECTION_STATE_CONNECTED);

  sl_connection_report_error (connection, "The server is unavailable.", NULL);
  g_assert_cmpint (sl_connection_get_state (connection), ==, SL_CONNECTION_STATE_CONNECTED);
  g_assert_cmpstr (sl_connection_get_email (connection), ==, "alice@acme.example.com");
  g_assert_cmpstr (sl_connection_get_last_error (connection), ==,
                   "The server is unavailable.");
  g_assert_null (sl_connection_get_last_error_code (connection));

  sl_connection_begin_sign_in (connection);
  g_assert_null (sl_connection_get_last_error (connection));
  sl_connection_cancel_sign_in (connection);
  g_assert_cmpint (sl_connection_get_state (connection), ==, SL_CONNECTION_STATE_CONNECTED);
}

static void
test_sign_in_from_needs_reauth (void)
{
  g_autoptr(SlConnection) connection = sl_connection_new (SL_SLOT_USER);
  g_autoptr(SlCredentials) creds = make_credentials ("alice@acme.example.com");

  sl_connection_apply_credentials (connection, creds);
  sl_connection_set_state (connection, SL_CONNECTION_STATE_NEEDS_REAUTH);
  sl_connection_begin_sign_in (connection);
  g_assert_cmpint (sl_connection_get_state (connection), ==, SL_CONNECTION_STATE_CONNECTING);

  sl_connection_report_error (connection, "Access was denied.", "access_denied");
  g_assert_cmpint (sl_connection_get_state (connection), ==,
                   SL_CONNECTION_STATE_NEEDS_REAUTH);
  g_assert_cmpstr (sl_connection_get_email (connection), ==, "alice@acme.example.com");
}

/* Tests with the keyring */

static void
test_store_then_load (void)
{
  g_autoptr(SlConnection) connection = sl_connection_new (SL_SLOT_USER);
  g_autoptr(SlConnection) fresh = sl_connection_new (SL_SLOT_USER);
  g_autoptr(SlCredentials) creds = make_credentials ("alice@acme.example.com");
  g_autoptr(GError) error = NULL;
  g_autofree char *connected_at = NULL;
  NotifyLog log;

  clear_slots ();
  store_other_slot ();
  notify_log_init (&log, connection);
  sl_connection_begin_sign_in (connection);
  connection_store (connection, creds, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sl_connection_get_state (connection), ==, SL_CONNECTION_STATE_CONNECTED);
  g_assert_cmpuint (notify_count (&log, "state"), ==, 2);
  g_assert_cmpuint (notify_count (&log, "busy"), ==, 2);
  g_assert_false (sl_connection_get_busy (connection));

  connection_load (fresh, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sl_connection_get_state (fresh), ==, SL_CONNECTION_STATE_CONNECTED);
  g_assert_cmpstr (sl_connection_get_email (fresh), ==, "alice@acme.example.com");
  g_assert_cmpstr (sl_connection_get_username (fresh), ==, "alice@acme.example.com");
  g_assert_cmpstr (sl_connection_get_user_id (fresh), ==, "005xx000001SwiUAAS");
  g_assert_cmpstr (sl_connection_get_org_id (fresh), ==, "00Dxx0000001gPLEAY");
  g_assert_cmpstr (sl_connection_get_instance_url (fresh), ==, "http://localhost:1");
  g_assert_cmpstr (sl_connection_get_login_host (fresh), ==, "http://127.0.0.1:1");
  connected_at = g_date_time_format_iso8601 (sl_connection_get_connected_at (fresh));
  g_assert_cmpstr (connected_at, ==, "2026-12-04T10:00:00Z");
  assert_other_slot_untouched ();

  g_hash_table_unref (log.counts);
}

static void
test_store_cancelled_keeps_identity (void)
{
  g_autoptr(SlConnection) connection = sl_connection_new (SL_SLOT_USER);
  g_autoptr(SlCredentials) alice = make_credentials ("alice@acme.example.com");
  g_autoptr(SlCredentials) bob = make_credentials ("bob@acme.example.com");
  g_autoptr(SlCredentials) stored = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  gboolean ok;

  clear_slots ();
  store_other_slot ();
  connection_store (connection, alice, NULL, &error);
  g_assert_no_error (error);

  sl_connection_begin_sign_in (connection);
  g_cancellable_cancel (cancellable);
  ok = connection_store (connection, bob, cancellable, &error);

  g_assert_false (ok);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (sl_connection_get_state (connection), ==, SL_CONNECTION_STATE_CONNECTED);
  g_assert_cmpstr (sl_connection_get_email (connection), ==, "alice@acme.example.com");
  g_assert_null (sl_connection_get_last_error (connection));

  stored = sl_keyring_load_sync (SL_SLOT_USER, NULL, NULL);
  g_assert_nonnull (stored);
  g_assert_cmpstr (stored->username, ==, "alice@acme.example.com");
  assert_other_slot_untouched ();
}

static void
test_store_cancelled_when_disconnected (void)
{
  g_autoptr(SlConnection) connection = sl_connection_new (SL_SLOT_USER);
  g_autoptr(SlCredentials) bob = make_credentials ("bob@acme.example.com");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  clear_slots ();
  sl_connection_begin_sign_in (connection);
  g_cancellable_cancel (cancellable);
  connection_store (connection, bob, cancellable, &error);

  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (sl_connection_get_state (connection), ==,
                   SL_CONNECTION_STATE_DISCONNECTED);
  g_assert_null (sl_connection_get_email (connection));
}

static void
test_load_missing (void)
{
  g_autoptr(SlConnection) connection = sl_connection_new (SL_SLOT_USER);
  g_autoptr(GError) error = NULL;
  NotifyLog log;

  clear_slots ();
  notify_log_init (&log, connection);
  g_assert_false (sl_connection_get_known (connection));
  connection_load (connection, &error);

  g_assert_no_error (error);
  g_assert_cmpint (sl_connection_get_state (connection), ==,
                   SL_CONNECTION_STATE_DISCONNECTED);
  g_assert_cmpuint (notify_count (&log, "state"), ==, 0);
  g_assert_cmpuint (notify_count (&log, "busy"), ==, 2);
  /* The state did not change, but it is known now. */
  g_assert_true (sl_connection_get_known (connection));
  g_assert_cmpuint (notify_count (&log, "known"), ==, 1);

  g_hash_table_unref (log.counts);
}

static void
test_load_invalid_item (void)
{
  g_autoptr(SlConnection) connection = sl_connection_new (SL_SLOT_USER);
  g_autoptr(GError) error = NULL;

  clear_slots ();
  store_other_slot ();
  secret_password_store_sync (sl_keyring_get_schema (), SECRET_COLLECTION_DEFAULT,
                              "Not a credentials document", "not json",
                              NULL, &error, "slot", SL_SLOT_USER, NULL);
  g_assert_no_error (error);

  connection_load (connection, &error);
  g_assert_error (error, SL_KEYRING_ERROR, SL_KEYRING_ERROR_INVALID_ITEM);
  g_assert_cmpint (sl_connection_get_state (connection), ==, SL_CONNECTION_STATE_ERROR);
  g_assert_cmpstr (sl_connection_get_last_error_code (connection), ==,
                   "keyring-invalid-item");
  g_assert_nonnull (strstr (sl_connection_get_last_error (connection), "could not be read"));
  /* The message names the agent's own connection, not the internal slot name. */
  g_assert_true (g_str_has_prefix (sl_connection_get_last_error (connection), "Your stored"));
  g_assert_null (strstr (sl_connection_get_last_error (connection), "for user"));
  g_assert_true (sl_connection_get_known (connection));
  assert_other_slot_untouched ();
}

/* Tests with the stand-in */

typedef struct
{
  SlTestStandIn *stand_in;
  SlTokenClient *client;
  SlCredentials *credentials;
} Fixture;

/* Returns the client_id of the first client in the stand-in's fixture. */
static char *
read_fixture_client_id (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;
  JsonArray *clients;

  json_parser_load_from_file (parser, g_getenv ("SL_TEST_FIXTURE"), &error);
  g_assert_no_error (error);

  root = json_node_get_object (json_parser_get_root (parser));
  clients = json_object_get_array_member (root, "clients");
  g_assert_nonnull (clients);
  g_assert_cmpuint (json_array_get_length (clients), >, 0);

  return g_strdup (json_object_get_string_member (json_array_get_object_element (clients, 0),
                                                  "client_id"));
}

static char *
code_from_callback (const char *callback_uri)
{
  g_autoptr(GUri) uri = g_uri_parse (callback_uri, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GHashTable) params = NULL;

  g_assert_nonnull (uri);
  params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, NULL);
  g_assert_nonnull (params);
  g_assert_nonnull (g_hash_table_lookup (params, "code"));

  return g_strdup (g_hash_table_lookup (params, "code"));
}

/* Signs alice@ in to the stand-in for real tokens that revoke accepts. */
static SlCredentials *
sign_in (Fixture *fixture)
{
  SlOAuthConfig *config = sl_token_client_get_config (fixture->client);
  g_autoptr(SlAuthRequest) request = sl_auth_request_new (config, FALSE);
  g_autofree char *callback = NULL;
  g_autofree char *code = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SlCredentials *creds;

  callback = sl_test_stand_in_authorize (fixture->stand_in, sl_auth_request_get_uri (request));
  code = code_from_callback (callback);
  sl_token_client_exchange_code_async (fixture->client, code,
                                       sl_auth_request_get_code_verifier (request),
                                       NULL, on_result, &result);
  wait_for (&result);
  creds = sl_token_client_exchange_code_finish (fixture->client, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (creds);
  g_assert_nonnull (creds->refresh_token);

  g_free (creds->username);
  creds->username = g_strdup ("alice@acme.example.com");
  g_clear_pointer (&creds->user_id, g_free);
  creds->user_id = g_strdup ("005xx000001SwiUAAS");
  return creds;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *client_id = read_fixture_client_id ();
  g_autoptr(SlOAuthConfig) config = NULL;
  g_autoptr(SlConnection) connection = sl_connection_new (SL_SLOT_USER);
  g_autoptr(GError) error = NULL;

  fixture->stand_in = sl_test_stand_in_start ("--auto-sign-in", "alice@acme.example.com",
                                              NULL);
  config = sl_oauth_config_new (sl_test_stand_in_get_url (fixture->stand_in), client_id,
                                &error);
  g_assert_no_error (error);
  fixture->client = sl_token_client_new (config);
  fixture->credentials = sign_in (fixture);

  clear_slots ();
  store_other_slot ();
  connection_store (connection, fixture->credentials, NULL, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->credentials, sl_credentials_free);
  g_clear_object (&fixture->client);
  g_clear_pointer (&fixture->stand_in, sl_test_stand_in_stop);
}

static void
assert_user_slot_deleted (SlConnection *connection)
{
  g_autoptr(SlCredentials) stored = NULL;
  g_autoptr(GError) error = NULL;

  stored = sl_keyring_load_sync (SL_SLOT_USER, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (stored);
  g_assert_cmpint (sl_connection_get_state (connection), ==,
                   SL_CONNECTION_STATE_DISCONNECTED);
  g_assert_null (sl_connection_get_email (connection));
  g_assert_null (sl_connection_get_user_id (connection));
}

static void
test_disconnect_revokes (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(SlConnection) connection = sl_connection_new (SL_SLOT_USER);
  g_autoptr(GError) error = NULL;
  gboolean revoke_failed = TRUE;
  gboolean ok;

  connection_load (connection, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sl_connection_get_state (connection), ==, SL_CONNECTION_STATE_CONNECTED);

  ok = connection_disconnect (connection, fixture->client, &revoke_failed, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_false (revoke_failed);
  g_assert_cmpuint (sl_test_stand_in_count_requests (fixture->stand_in, "revoke"), ==, 1);
  assert_user_slot_deleted (connection);
  assert_other_slot_untouched ();
}

static void
test_disconnect_revoke_fails (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(SlConnection) connection = sl_connection_new (SL_SLOT_USER);
  g_autoptr(GError) error = NULL;
  gboolean revoke_failed = FALSE;
  gboolean ok;

  sl_test_stand_in_add_fault (fixture->stand_in, data);
  connection_load (connection, &error);
  g_assert_no_error (error);

  ok = connection_disconnect (connection, fixture->client, &revoke_failed, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_true (revoke_failed);
  g_assert_cmpuint (sl_test_stand_in_count_requests (fixture->stand_in, "revoke"), >=, 1);
  assert_user_slot_deleted (connection);
  assert_other_slot_untouched ();
}

static void
test_disconnect_without_item (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(SlConnection) connection = sl_connection_new (SL_SLOT_USER);
  g_autoptr(GError) error = NULL;
  gboolean revoke_failed = TRUE;
  gboolean ok;

  keyring_delete (SL_SLOT_USER);
  ok = connection_disconnect (connection, fixture->client, &revoke_failed, &error);

  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_false (revoke_failed);
  g_assert_cmpuint (sl_test_stand_in_count_requests (fixture->stand_in, "revoke"), ==, 0);
  assert_other_slot_untouched ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/connection/state-enum", test_state_enum);
  g_test_add_func ("/connection/slot-names", test_slot_names);
  g_test_add_func ("/connection/notify-only-on-change", test_notify_only_on_change);
  g_test_add_func ("/connection/sign-in/from-disconnected", test_sign_in_from_disconnected);
  g_test_add_func ("/connection/sign-in/cancelled-after-error",
                   test_sign_in_cancelled_after_error);
  g_test_add_func ("/connection/sign-in/from-connected", test_sign_in_from_connected);
  g_test_add_func ("/connection/sign-in/from-needs-reauth", test_sign_in_from_needs_reauth);
  g_test_add_func ("/connection/store-then-load", test_store_then_load);
  g_test_add_func ("/connection/store-cancelled/connected",
                   test_store_cancelled_keeps_identity);
  g_test_add_func ("/connection/store-cancelled/disconnected",
                   test_store_cancelled_when_disconnected);
  g_test_add_func ("/connection/load-missing", test_load_missing);
  g_test_add_func ("/connection/load-invalid-item", test_load_invalid_item);
  g_test_add ("/connection/disconnect/revokes", Fixture, NULL,
              fixture_set_up, test_disconnect_revokes, fixture_tear_down);
  g_test_add ("/connection/disconnect/revoke-503", Fixture,
              "{\"endpoint\": \"revoke\", \"status\": 503, \"times\": 1}",
              fixture_set_up, test_disconnect_revoke_fails, fixture_tear_down);
  g_test_add ("/connection/disconnect/revoke-dropped", Fixture,
              "{\"endpoint\": \"revoke\", \"drop\": true}",
              fixture_set_up, test_disconnect_revoke_fails, fixture_tear_down);
  g_test_add ("/connection/disconnect/without-item", Fixture, NULL,
              fixture_set_up, test_disconnect_without_item, fixture_tear_down);

  return g_test_run ();
}
