/* sl-json.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Typed readers of JSON object members for parsing Salesforce responses.
 * Each returns NULL (or @fallback) when the member is missing or has
 * another type, and sl_json_get_string() also when the string is not
 * UTF-8, so a response with a wrong field never crashes. The
 * results belong to @object. */
const char *sl_json_get_string          (JsonObject *object,
                                         const char *name);
const char *sl_json_get_nonempty_string (JsonObject *object,
                                         const char *name);
JsonObject *sl_json_get_object          (JsonObject *object,
                                         const char *name);
JsonArray  *sl_json_get_array           (JsonObject *object,
                                         const char *name);
gboolean    sl_json_get_boolean         (JsonObject *object,
                                         const char *name,
                                         gboolean    fallback);

/* Nesting depth beyond which a document is rejected unparsed: json-glib
 * 1.6 recurses once per level, and about 100,000 levels overflow the stack.
 * No Salesforce response or keyring item comes near this. */
#define SL_JSON_MAX_DEPTH 256

/* Returns FALSE when @data nests arrays or objects deeper than
 * SL_JSON_MAX_DEPTH, counting only brackets outside strings. */
gboolean    sl_json_nesting_is_safe     (const char *data,
                                         gsize       size);

/* Returns TRUE for text/html and application/xhtml+xml, the content types
 * of maintenance pages and proxy errors sent where JSON was expected. */
gboolean    sl_json_content_type_is_html (const char *content_type);

/* Parses a response @body and returns its root (a new reference), or NULL
 * when the body is missing, empty, HTML or not JSON. Parse errors are not
 * logged with their message, because it can quote the body. */
JsonNode   *sl_json_parse_body          (const char *content_type,
                                         GBytes     *body);

G_END_DECLS
