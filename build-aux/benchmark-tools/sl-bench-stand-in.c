/* sl-bench-stand-in.c: synchronous requests to the stand-in for benchmarks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each request runs in a main context of its own, so it never dispatches
 * the sources of the benchmark's main loop. No response body is logged,
 * because token responses and callbacks contain secrets.
 */
#include "sl-bench-stand-in.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#define CONTROL_TIMEOUT_SECONDS 30

#define SL_BENCH_STAND_IN_ERROR (sl_bench_stand_in_error_quark ())

static GQuark sl_bench_stand_in_error_quark (void);

G_DEFINE_QUARK (sl-bench-stand-in-error-quark, sl_bench_stand_in_error)

static GBytes *
send_message (SoupMessage  *msg,
              GError      **error)
{
  g_autoptr (GMainContext) context = g_main_context_new ();
  g_autoptr (SoupSession) session = NULL;
  GBytes *body;

  g_main_context_push_thread_default (context);
  session = soup_session_new_with_options ("timeout", CONTROL_TIMEOUT_SECONDS, NULL);
  body = soup_session_send_and_read (session, msg, NULL, error);
  g_clear_object (&session);
  g_main_context_pop_thread_default (context);

  return body;
}

static gboolean
check_status (SoupMessage  *msg,
              guint         expected,
              GError      **error)
{
  guint status = soup_message_get_status (msg);

  if (status == expected)
    return TRUE;

  g_set_error (error, SL_BENCH_STAND_IN_ERROR, 0, "%s %s returned HTTP %u, expected %u",
               soup_message_get_method (msg), g_uri_get_path (soup_message_get_uri (msg)),
               status, expected);
  return FALSE;
}

char *
sl_bench_stand_in_authorize (const char  *authorize_uri,
                             GError     **error)
{
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GBytes) body = NULL;
  const char *location;

  g_return_val_if_fail (authorize_uri != NULL, NULL);

  msg = soup_message_new (SOUP_METHOD_GET, authorize_uri);
  g_return_val_if_fail (msg != NULL, NULL);
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);

  body = send_message (msg, error);
  if (body == NULL || !check_status (msg, SOUP_STATUS_FOUND, error))
    return NULL;

  location = soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                           "Location");
  if (location == NULL)
    {
      g_set_error_literal (error, SL_BENCH_STAND_IN_ERROR, 0,
                           "The authorize redirect has no Location header");
      return NULL;
    }

  return g_strdup (location);
}

gboolean
sl_bench_stand_in_control (const char  *url,
                           const char  *path,
                           GError     **error)
{
  g_autofree char *uri = NULL;
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GBytes) body = NULL;

  g_return_val_if_fail (url != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  uri = g_strconcat (url, path, NULL);
  msg = soup_message_new (SOUP_METHOD_POST, uri);
  g_return_val_if_fail (msg != NULL, FALSE);

  body = send_message (msg, error);

  return body != NULL && check_status (msg, SOUP_STATUS_OK, error);
}

static gint
count_refresh_grants (JsonArray *requests)
{
  gint count = 0;

  for (guint i = 0; i < json_array_get_length (requests); i++)
    {
      JsonNode *node = json_array_get_element (requests, i);
      JsonObject *request;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;

      request = json_node_get_object (node);
      if (g_strcmp0 (json_object_get_string_member_with_default (request, "grant_type", NULL),
                     "refresh_token") == 0)
        count++;
    }

  return count;
}

gint
sl_bench_stand_in_count_refreshes (const char  *url,
                                   GError     **error)
{
  g_autofree char *uri = NULL;
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonNode *root;

  g_return_val_if_fail (url != NULL, -1);

  uri = g_strconcat (url, "/__control/requests", NULL);
  msg = soup_message_new (SOUP_METHOD_GET, uri);
  body = send_message (msg, error);
  if (body == NULL || !check_status (msg, SOUP_STATUS_OK, error))
    return -1;

  if (!json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                   g_bytes_get_size (body), error))
    return -1;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    {
      g_set_error_literal (error, SL_BENCH_STAND_IN_ERROR, 0,
                           "The request log is not a JSON array");
      return -1;
    }

  return count_refresh_grants (json_node_get_array (root));
}
