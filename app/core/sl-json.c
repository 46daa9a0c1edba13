/* sl-json.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sl-json.h"

const char *
sl_json_get_string (JsonObject *object,
                    const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;

  if (json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  /* json-glib 1.6 turns a lone surrogate escape such as "\ud800" into
   * bytes that are not UTF-8; such a value is treated as missing. */
  if (!g_utf8_validate (json_node_get_string (node), -1, NULL))
    return NULL;

  return json_node_get_string (node);
}

const char *
sl_json_get_nonempty_string (JsonObject *object,
                             const char *name)
{
  const char *value = sl_json_get_string (object, name);

  if (value == NULL || value[0] == '\0')
    return NULL;

  return value;
}

JsonObject *
sl_json_get_object (JsonObject *object,
                    const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  return json_node_get_object (node);
}

JsonArray *
sl_json_get_array (JsonObject *object,
                   const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;

  return json_node_get_array (node);
}

gboolean
sl_json_get_boolean (JsonObject *object,
                     const char *name,
                     gboolean    fallback)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return fallback;

  return json_node_get_boolean (node);
}

gboolean
sl_json_nesting_is_safe (const char *data,
                         gsize       size)
{
  guint depth = 0;
  gboolean in_string = FALSE;

  for (gsize i = 0; i < size; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }

      if (c == '"')
        in_string = TRUE;
      else if ((c == '[' || c == '{') && ++depth > SL_JSON_MAX_DEPTH)
        return FALSE;
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }

  return TRUE;
}

gboolean
sl_json_content_type_is_html (const char *content_type)
{
  return content_type != NULL
         && (g_ascii_strcasecmp (content_type, "text/html") == 0
             || g_ascii_strcasecmp (content_type, "application/xhtml+xml") == 0);
}

JsonNode *
sl_json_parse_body (const char *content_type,
                    GBytes     *body)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;
  gsize size = 0;
  const char *data;

  if (body == NULL || sl_json_content_type_is_html (content_type))
    return NULL;

  data = g_bytes_get_data (body, &size);
  if (size == 0)
    return NULL;

  if (!sl_json_nesting_is_safe (data, size))
    {
      g_debug ("Response body is nested deeper than %d levels", SL_JSON_MAX_DEPTH);
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) size, NULL))
    {
      g_debug ("Response body is not JSON");
      return NULL;
    }

  root = json_parser_get_root (parser);

  return root != NULL ? json_node_ref (root) : NULL;
}
