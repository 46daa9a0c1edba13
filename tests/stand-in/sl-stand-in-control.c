/* sl-stand-in-control.c: endpoints through which tests read the request
 * log and set faults, and the 404 response for unknown paths
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "sl-stand-in.h"

static void
respond_requests (StandIn           *self,
                  SoupServerMessage *msg)
{
  g_autoptr(JsonArray) array = json_array_sized_new (self->requests->len);
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *body = NULL;

  for (guint i = 0; i < self->requests->len; i++)
    json_array_add_object_element (array, json_object_ref (g_ptr_array_index (self->requests, i)));

  node = json_node_init_array (json_node_alloc (), array);
  body = json_to_string (node, FALSE);
  stand_in_respond (self, msg, SOUP_STATUS_OK, "application/json", body);
}

/* Lists every authorization code and token issued so far, so end-to-end
 * tests can check that none of them reached a log, an output or a file. */
static void
respond_issued_secrets (StandIn           *self,
                        SoupServerMessage *msg)
{
  g_autoptr(JsonArray) array = json_array_sized_new (self->issued_secrets->len);
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *body = NULL;

  for (guint i = 0; i < self->issued_secrets->len; i++)
    json_array_add_string_element (array, g_ptr_array_index (self->issued_secrets, i));

  node = json_node_init_array (json_node_alloc (), array);
  body = json_to_string (node, FALSE);
  stand_in_respond (self, msg, SOUP_STATUS_OK, "application/json", body);
}

static void
add_fault_from_body (StandIn           *self,
                     SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  gsize length = 0;
  const char *data = g_bytes_get_data (bytes, &length);
  StandInFault *fault = NULL;

  if (json_parser_load_from_data (parser, data != NULL ? data : "", length, &error))
    fault = stand_in_fault_from_json (json_parser_get_root (parser), &error);

  if (fault == NULL)
    {
      g_autofree char *message = g_strdup_printf ("Invalid fault: %s\n", error->message);

      stand_in_respond (self, msg, SOUP_STATUS_BAD_REQUEST, "text/plain", message);
      return;
    }

  g_debug ("Added a fault for the %s endpoint", fault->endpoint);
  g_ptr_array_add (self->faults, fault);
  stand_in_respond (self, msg, SOUP_STATUS_OK, "text/plain", "");
}

/* Sends the current records of the object named at the end of @path, all
 * fields, as a JSON array. */
static void
respond_records (StandIn           *self,
                 SoupServerMessage *msg,
                 const char        *path)
{
  const StandInObject *object = stand_in_find_object (path + strlen ("/__control/records/"));
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *body = NULL;

  if (object == NULL)
    {
      stand_in_respond (self, msg, SOUP_STATUS_NOT_FOUND, "text/plain", "Unknown object\n");
      return;
    }

  records = stand_in_list_records (self, object);
  for (guint i = 0; i < records->len; i++)
    json_array_add_object_element (array, json_object_ref (g_ptr_array_index (records, i)));

  node = json_node_init_array (json_node_alloc (), array);
  body = json_to_string (node, FALSE);
  stand_in_respond (self, msg, SOUP_STATUS_OK, "application/json", body);
}

/* Replaces the --auto-sign-in user with the "username" of a JSON body such
 * as {"username": "alice@acme.example.com"}; null switches it off. */
static void
set_auto_sign_in (StandIn           *self,
                  SoupServerMessage *msg)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = stand_in_read_json (msg, &error);
  JsonObject *object = node != NULL && JSON_NODE_HOLDS_OBJECT (node)
                       ? json_node_get_object (node) : NULL;
  JsonNode *username = object != NULL ? json_object_get_member (object, "username") : NULL;
  const StandInUser *user = NULL;

  if (username != NULL && JSON_NODE_HOLDS_VALUE (username)
      && json_node_get_value_type (username) == G_TYPE_STRING)
    user = stand_in_fixture_find_user (self->fixture, json_node_get_string (username));

  if (username == NULL || (!JSON_NODE_HOLDS_NULL (username) && (user == NULL || !user->active)))
    {
      stand_in_respond (self, msg, SOUP_STATUS_BAD_REQUEST, "text/plain",
                        "Expected {\"username\": an active user of the fixture, or null}\n");
      return;
    }

  g_free (self->auto_sign_in);
  self->auto_sign_in = user != NULL ? g_strdup (user->username) : NULL;
  g_debug ("Auto sign-in: %s", user != NULL ? user->username : "off");
  stand_in_respond (self, msg, SOUP_STATUS_OK, "text/plain", "");
}

/* Returns the user named by the "username" member of the JSON body, or
 * NULL after responding 400 when the body names no user of the fixture.
 * With @optional, an empty body sets *@all and returns NULL. */
static StandInUser *
read_username (StandIn           *self,
               SoupServerMessage *msg,
               gboolean           optional,
               gboolean          *all)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;
  const char *username = NULL;

  if (optional && body->length == 0)
    {
      *all = TRUE;
      return NULL;
    }

  node = stand_in_read_json (msg, &error);
  object = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  if (object != NULL)
    username = json_object_get_string_member_with_default (object, "username", NULL);

  for (guint i = 0; username != NULL && i < self->fixture->users->len; i++)
    {
      StandInUser *user = g_ptr_array_index (self->fixture->users, i);

      if (g_ascii_strcasecmp (user->username, username) == 0)
        return user;
    }

  stand_in_respond (self, msg, SOUP_STATUS_BAD_REQUEST, "text/plain",
                    "Expected {\"username\": a user of the fixture}\n");
  return NULL;
}

static gboolean
session_of_user (gpointer key,
                 gpointer value,
                 gpointer user)
{
  StandInSession *session = value;

  return user == NULL || session->user == user;
}

/* Revokes the refresh tokens of the user in the JSON body, or of every
 * user when the body is empty, with their access tokens. */
static void
revoke_refresh_tokens (StandIn           *self,
                       SoupServerMessage *msg)
{
  gboolean all = FALSE;
  StandInUser *user = read_username (self, msg, TRUE, &all);
  StandInSession *session;

  if (user == NULL && !all)
    return;

  while ((session = g_hash_table_find (self->refresh_tokens, session_of_user, user)) != NULL)
    stand_in_revoke_session (self, session);

  g_debug ("Revoked the refresh tokens of %s", all ? "every user" : user->username);
  stand_in_respond (self, msg, SOUP_STATUS_OK, "text/plain", "");
}

/* Deactivates the user in the JSON body, as an administrator would in
 * Setup: sign-in, refresh and every token of the user stop working. */
static void
deactivate_user (StandIn           *self,
                 SoupServerMessage *msg)
{
  StandInUser *user = read_username (self, msg, FALSE, NULL);

  if (user == NULL)
    return;

  user->active = FALSE;
  g_debug ("Deactivated %s", user->username);
  stand_in_respond (self, msg, SOUP_STATUS_OK, "text/plain", "");
}

/* Switches the page authorize shows, from a JSON body such as
 * {"page": "hostile"} or {"page": "login"}. */
static void
set_authorize_page (StandIn           *self,
                    SoupServerMessage *msg)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = stand_in_read_json (msg, &error);
  JsonObject *object = node != NULL && JSON_NODE_HOLDS_OBJECT (node)
                       ? json_node_get_object (node) : NULL;
  const char *page = object != NULL
                     ? json_object_get_string_member_with_default (object, "page", NULL)
                     : NULL;

  if (!stand_in_set_authorize_page (self, page))
    {
      stand_in_respond (self, msg, SOUP_STATUS_BAD_REQUEST, "text/plain",
                        "Expected {\"page\": \"hostile\" or \"login\"}\n");
      return;
    }

  stand_in_respond (self, msg, SOUP_STATUS_OK, "text/plain", "");
}

static gboolean
is_post (SoupServerMessage *msg,
         const char        *path,
         const char        *expected_path)
{
  return g_str_equal (path, expected_path)
         && g_str_equal (soup_server_message_get_method (msg), SOUP_METHOD_POST);
}

/* Serves /__control/requests and /__control/issued-secrets (GET),
 * /__control/faults (POST, DELETE),
 * /__control/reset (POST), /__control/records/OBJECT (GET) and
 * /__control/auto-sign-in, /__control/expire-access-tokens,
 * /__control/revoke-refresh-tokens, /__control/deactivate-user and
 * /__control/authorize-page (POST).
 * These requests stay out of the request log. */
static void
handle_control (StandIn           *self,
                SoupServerMessage *msg,
                GHashTable        *query)
{
  const char *path = g_uri_get_path (soup_server_message_get_uri (msg));
  const char *method = soup_server_message_get_method (msg);

  if (g_str_equal (path, "/__control/requests") && g_str_equal (method, SOUP_METHOD_GET))
    respond_requests (self, msg);
  else if (g_str_equal (path, "/__control/issued-secrets")
           && g_str_equal (method, SOUP_METHOD_GET))
    respond_issued_secrets (self, msg);
  else if (g_str_equal (path, "/__control/faults") && g_str_equal (method, SOUP_METHOD_POST))
    add_fault_from_body (self, msg);
  else if (g_str_equal (path, "/__control/faults") && g_str_equal (method, SOUP_METHOD_DELETE))
    {
      g_ptr_array_set_size (self->faults, 0);
      stand_in_respond (self, msg, SOUP_STATUS_OK, "text/plain", "");
    }
  else if (g_str_has_prefix (path, "/__control/records/")
           && g_str_equal (method, SOUP_METHOD_GET))
    respond_records (self, msg, path);
  else if (g_str_equal (path, "/__control/auto-sign-in")
           && g_str_equal (method, SOUP_METHOD_POST))
    set_auto_sign_in (self, msg);
  else if (is_post (msg, path, "/__control/expire-access-tokens"))
    {
      stand_in_expire_access_tokens (self);
      stand_in_respond (self, msg, SOUP_STATUS_OK, "text/plain", "");
    }
  else if (is_post (msg, path, "/__control/revoke-refresh-tokens"))
    revoke_refresh_tokens (self, msg);
  else if (is_post (msg, path, "/__control/deactivate-user"))
    deactivate_user (self, msg);
  else if (is_post (msg, path, "/__control/authorize-page"))
    set_authorize_page (self, msg);
  else if (g_str_equal (path, "/__control/reset") && g_str_equal (method, SOUP_METHOD_POST))
    {
      g_ptr_array_set_size (self->faults, 0);
      g_ptr_array_set_size (self->requests, 0);
      stand_in_respond (self, msg, SOUP_STATUS_OK, "text/plain", "");
    }
  else
    stand_in_respond (self, msg, SOUP_STATUS_NOT_FOUND, "text/plain",
                      "Unknown control request\n");
}

/* Responds to unknown paths with 404 in the error shape of the REST API. */
static void
handle_unknown (StandIn           *self,
                SoupServerMessage *msg,
                GHashTable        *query)
{
  stand_in_respond (self, msg, SOUP_STATUS_NOT_FOUND, "application/json;charset=UTF-8",
                    "[{\"errorCode\":\"NOT_FOUND\","
                    "\"message\":\"The requested resource does not exist\"}]");
}

void
stand_in_add_control_routes (StandIn *self)
{
  stand_in_add_route (self, "/__control", NULL, handle_control);
  stand_in_add_route (self, NULL, "other", handle_unknown);
}
