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

/* Serves /__control/requests (GET), /__control/faults (POST, DELETE),
 * /__control/reset (POST), /__control/records/OBJECT (GET) and
 * /__control/auto-sign-in (POST).  These requests stay out of the request
 * log. */
static void
handle_control (StandIn           *self,
                SoupServerMessage *msg,
                GHashTable        *query)
{
  const char *path = g_uri_get_path (soup_server_message_get_uri (msg));
  const char *method = soup_server_message_get_method (msg);

  if (g_str_equal (path, "/__control/requests") && g_str_equal (method, SOUP_METHOD_GET))
    respond_requests (self, msg);
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
