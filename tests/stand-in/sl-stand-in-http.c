/* sl-stand-in-http.c: routing, fault injection, the request log and
 * response helpers shared by all endpoints
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "sl-stand-in.h"

#define RECORD_KEY "stand-in-record"
/* Set while a handler runs ahead of a fault with "process", so its
 * response does not finish the request record yet. */
#define DEFERRED_KEY "stand-in-deferred"

typedef struct
{
  StandIn           *self;
  const char        *endpoint;  /* NULL: not written to the request log */
  StandInClassifier  classify;  /* when set, names the endpoint instead */
  StandInHandler     handler;
} Route;

/* A request whose fault waits for its delay to pass. */
typedef struct
{
  const Route       *route;
  SoupServerMessage *msg;
  GHashTable        *query;
  StandInFault      *fault;
} DelayedRequest;

static void
delayed_request_free (DelayedRequest *delayed)
{
  g_clear_object (&delayed->msg);
  g_clear_pointer (&delayed->query, g_hash_table_unref);
  g_clear_pointer (&delayed->fault, stand_in_fault_free);
  g_free (delayed);
}

/* Appends @record as one JSON line to the --log-file stream. */
static void
write_log_line (StandIn    *self,
                JsonObject *record)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), record);
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *text = json_to_string (node, FALSE);

  if (self->log_stream == NULL)
    return;

  line = g_strconcat (text, "\n", NULL);
  if (!g_output_stream_write_all (self->log_stream, line, strlen (line), NULL, NULL, &error)
      || !g_output_stream_flush (self->log_stream, NULL, &error))
    g_warning ("Could not write to the request log file: %s", error->message);
}

/* Stores the final status of @msg in its request record.  A record keeps
 * status 0 when the connection was dropped without a response. */
static void
finish_record (StandIn           *self,
               SoupServerMessage *msg,
               guint              status)
{
  JsonObject *record = g_object_get_data (G_OBJECT (msg), RECORD_KEY);

  if (g_object_get_data (G_OBJECT (msg), DEFERRED_KEY) != NULL)
    return;

  g_debug ("%s %s -> %u", soup_server_message_get_method (msg),
           g_uri_get_path (soup_server_message_get_uri (msg)), status);

  if (record == NULL)
    return;

  json_object_set_int_member (record, "status", status);
  write_log_line (self, record);
  g_object_set_data (G_OBJECT (msg), RECORD_KEY, NULL);
}

static void
add_record (StandIn           *self,
            SoupServerMessage *msg,
            const char        *endpoint)
{
  JsonObject *record = json_object_new ();

  /* Only the path: query strings and bodies may carry codes and tokens. */
  json_object_set_string_member (record, "method", soup_server_message_get_method (msg));
  json_object_set_string_member (record, "path",
                                 g_uri_get_path (soup_server_message_get_uri (msg)));
  json_object_set_string_member (record, "endpoint", endpoint);
  json_object_set_int_member (record, "status", 0);
  /* Requests with the same client port came over one kept-alive connection. */
  if (G_IS_INET_SOCKET_ADDRESS (soup_server_message_get_remote_address (msg)))
    json_object_set_int_member (record, "client_port",
                                g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (
                                  soup_server_message_get_remote_address (msg))));

  g_ptr_array_add (self->requests, json_object_ref (record));
  g_object_set_data_full (G_OBJECT (msg), RECORD_KEY, record,
                          (GDestroyNotify) json_object_unref);
}

void
stand_in_note_grant_type (SoupServerMessage *msg,
                          const char        *grant_type)
{
  JsonObject *record = g_object_get_data (G_OBJECT (msg), RECORD_KEY);

  if (record != NULL && grant_type != NULL)
    json_object_set_string_member (record, "grant_type", grant_type);
}

/* Records which HTML page was sent in response to @msg ("login", "login-failed",
 * "consent" or "error"), so tests can tell what the browser shows. */
void
stand_in_note_page (SoupServerMessage *msg,
                    const char        *page)
{
  JsonObject *record = g_object_get_data (G_OBJECT (msg), RECORD_KEY);

  if (record != NULL)
    json_object_set_string_member (record, "page", page);
}

/* Records the name of a beacon request of the hostile page ("done" or
 * "escaped:NAME"), so tests can tell which of its escapes succeeded. */
void
stand_in_note_beacon (SoupServerMessage *msg,
                      const char        *beacon)
{
  JsonObject *record = g_object_get_data (G_OBJECT (msg), RECORD_KEY);

  if (record != NULL)
    json_object_set_string_member (record, "beacon", beacon);
}

/* Closes the connection of @msg without sending anything back. */
static void
drop_connection (StandIn           *self,
                 SoupServerMessage *msg)
{
  g_autoptr(GIOStream) stream = NULL;

  finish_record (self, msg, 0);
  stream = soup_server_message_steal_connection (msg);
  if (stream != NULL)
    g_io_stream_close (stream, NULL, NULL);
}

/* Runs the handler of @route with the request record left open, for a
 * fault that replaces the response after the request took effect. */
static void
process_before_fault (const Route       *route,
                      SoupServerMessage *msg,
                      GHashTable        *query)
{
  g_object_set_data (G_OBJECT (msg), DEFERRED_KEY, GINT_TO_POINTER (TRUE));
  route->handler (route->self, msg, query);
  g_object_set_data (G_OBJECT (msg), DEFERRED_KEY, NULL);
}

static void
apply_fault (const Route       *route,
             SoupServerMessage *msg,
             GHashTable        *query,
             StandInFault      *fault)
{
  if (fault->drop)
    drop_connection (route->self, msg);
  else if (fault->status != 0 || fault->body != NULL)
    stand_in_respond (route->self, msg, fault->status != 0 ? fault->status : SOUP_STATUS_OK,
                      fault->content_type, fault->body != NULL ? fault->body : "");
  else if (fault->process)
    finish_record (route->self, msg, soup_server_message_get_status (msg));
  else
    route->handler (route->self, msg, query);
}

static gboolean
on_fault_delay_elapsed (gpointer user_data)
{
  DelayedRequest *delayed = user_data;

  apply_fault (delayed->route, delayed->msg, delayed->query, delayed->fault);
  if (!delayed->fault->drop)
    soup_server_message_unpause (delayed->msg);

  return G_SOURCE_REMOVE;
}

static void
delay_request (const Route       *route,
               SoupServerMessage *msg,
               GHashTable        *query,
               StandInFault      *fault)
{
  DelayedRequest *delayed = g_new0 (DelayedRequest, 1);

  delayed->route = route;
  delayed->msg = g_object_ref (msg);
  delayed->query = g_hash_table_ref (query);
  delayed->fault = fault;

  soup_server_message_pause (msg);
  g_timeout_add_full (G_PRIORITY_DEFAULT, fault->delay_ms, on_fault_delay_elapsed,
                      delayed, (GDestroyNotify) delayed_request_free);
}

static void
on_request (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  const Route *route = user_data;
  g_autoptr(GHashTable) empty_query = NULL;
  const char *endpoint = route->endpoint;
  StandInFault *fault = NULL;

  if (query == NULL)
    query = empty_query = g_hash_table_new (g_str_hash, g_str_equal);

  if (route->classify != NULL)
    endpoint = route->classify (msg);

  if (endpoint != NULL)
    {
      add_record (route->self, msg, endpoint);
      fault = stand_in_take_fault (route->self, endpoint);
    }

  if (fault != NULL && fault->process)
    process_before_fault (route, msg, query);

  if (fault == NULL)
    route->handler (route->self, msg, query);
  else if (fault->delay_ms > 0)
    delay_request (route, msg, query, fault);
  else
    {
      apply_fault (route, msg, query, fault);
      stand_in_fault_free (fault);
    }
}

/* Serves @path and everything below it with @handler.  Requests are
 * written to the request log under @endpoint unless it is NULL, and a NULL
 * @path makes @handler the fallback for unknown paths. */
void
stand_in_add_route (StandIn        *self,
                    const char     *path,
                    const char     *endpoint,
                    StandInHandler  handler)
{
  Route *route = g_new0 (Route, 1);

  route->self = self;
  route->endpoint = endpoint;
  route->handler = handler;
  g_ptr_array_add (self->routes, route);

  soup_server_add_handler (self->server, path, on_request, route, NULL);
}

/* Serves @path and everything below it with @handler, like
 * stand_in_add_route(), with the endpoint of each request named by
 * @classify. */
void
stand_in_add_classified_route (StandIn           *self,
                               const char        *path,
                               StandInClassifier  classify,
                               StandInHandler     handler)
{
  Route *route = g_new0 (Route, 1);

  route->self = self;
  route->classify = classify;
  route->handler = handler;
  g_ptr_array_add (self->routes, route);

  soup_server_add_handler (self->server, path, on_request, route, NULL);
}

/* Parses the JSON request body.  An empty body is an error too. */
JsonNode *
stand_in_read_json (SoupServerMessage  *msg,
                    GError            **error)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize length = 0;
  const char *data = g_bytes_get_data (bytes, &length);

  if (!json_parser_load_from_data (parser, data != NULL ? data : "", length, error))
    return NULL;

  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE, "empty body");
      return NULL;
    }

  return json_node_copy (json_parser_get_root (parser));
}

/* Decodes an application/x-www-form-urlencoded request body, sent in one
 * piece or chunked.  Returns an empty table when there is no body. */
GHashTable *
stand_in_read_form (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autofree char *text = NULL;
  gsize length = 0;
  const char *data = g_bytes_get_data (bytes, &length);

  if (length == 0)
    return g_hash_table_new (g_str_hash, g_str_equal);

  text = g_strndup (data, length);
  return soup_form_decode (text);
}

/* Sends @body with @status.  A NULL @content_type is chosen from the body:
 * JSON for "{" or "[", HTML for "<", plain text otherwise. */
void
stand_in_respond (StandIn           *self,
                  SoupServerMessage *msg,
                  guint              status,
                  const char        *content_type,
                  const char        *body)
{
  if (content_type == NULL && (body[0] == '{' || body[0] == '['))
    content_type = "application/json;charset=UTF-8";
  else if (content_type == NULL && body[0] == '<')
    content_type = "text/html;charset=UTF-8";
  else if (content_type == NULL)
    content_type = "text/plain;charset=UTF-8";

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, body, strlen (body));
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-store");
  finish_record (self, msg, status);
}

/* Sends 204 No Content, as REST does for a successful update. */
void
stand_in_respond_no_content (StandIn           *self,
                             SoupServerMessage *msg)
{
  soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
  soup_server_message_set_response (msg, NULL, SOUP_MEMORY_STATIC, NULL, 0);
  finish_record (self, msg, SOUP_STATUS_NO_CONTENT);
}

void
stand_in_respond_json (StandIn           *self,
                       SoupServerMessage *msg,
                       guint              status,
                       JsonBuilder       *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *body = json_to_string (root, FALSE);

  stand_in_respond (self, msg, status, "application/json;charset=UTF-8", body);
}

void
stand_in_respond_html (StandIn           *self,
                       SoupServerMessage *msg,
                       guint              status,
                       const char        *html)
{
  stand_in_respond (self, msg, status, "text/html;charset=UTF-8", html);
}

void
stand_in_respond_redirect (StandIn           *self,
                           SoupServerMessage *msg,
                           const char        *location)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Location", location);
  stand_in_respond (self, msg, SOUP_STATUS_FOUND, "text/html;charset=UTF-8", "");
}

/* Sends a 400 OAuth error in the JSON shape of the token endpoint. */
void
stand_in_respond_oauth_error (StandIn           *self,
                              SoupServerMessage *msg,
                              const char        *error,
                              const char        *description)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_debug ("OAuth error %s: %s", error, description);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, error);
  json_builder_set_member_name (builder, "error_description");
  json_builder_add_string_value (builder, description);
  json_builder_end_object (builder);

  stand_in_respond_json (self, msg, SOUP_STATUS_BAD_REQUEST, builder);
}
