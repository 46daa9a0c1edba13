/* test-fuzz-parsers.c: generated and mutated input for every parser of
 * untrusted input in app/core
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each test feeds N_INPUTS inputs to one parser and checks its contract.
 * On failure the parser returns NULL or FALSE with an error in its own
 * domain, and on success it sets the promised fields. No error message
 * contains a control character, invalid UTF-8 or a secret of the input. The inputs
 * come from a GRand with a fixed seed per test, so a failure repeats.
 * SL_FUZZ_SEED=N replaces the seeds and SL_FUZZ_TRACE=1 prints each input
 * before it is parsed, for reproducing a crash.
 */
#include <string.h>

#include "sl-credentials.h"
#include "sl-oauth-callback.h"
#include "sl-oauth-config.h"
#include "sl-oauth-error.h"
#include "sl-rest-client.h"
#include "sl-token-client.h"

#define N_INPUTS 10000
/* Put into every secret of an input. It must never show up in a message. */
#define MARKER "00DSECRET!TOKENMARKER"
#define STATE "st8_Abc-123.xyz~"
/* Nesting depth of the deepest JSON value in the loops. json-glib 1.6
 * recurses once per level, see the deep-nesting tests for larger depths. */
#define MAX_LOOP_DEPTH 3000

typedef void (*GenerateFunc) (GRand *rand, GString *out);
typedef void (*CheckFunc) (GRand *rand, const GString *input);

/* The input being checked, printed when a check fails. */
static guint32 current_seed;
static guint current_index;
static const GString *current_input;
/* Inputs that hit a known bug, which the check skips. */

static void
report_input (void)
{
  gsize shown_length = MIN (current_input->len, 4000);
  g_autofree char *raw = g_strndup (current_input->str, shown_length);
  g_autofree char *escaped = g_strescape (raw, NULL);

  g_test_message ("Input: seed %u, index %u, %" G_GSIZE_FORMAT " bytes "
                  "(first %" G_GSIZE_FORMAT " up to any NUL): \"%s\"",
                  current_seed, current_index, current_input->len, shown_length, escaped);
}

/* Prints the input, then asserts. @cond is evaluated twice, so it must not
 * have side effects. */
#define fuzz_assert(cond) \
  G_STMT_START { if (!(cond)) report_input (); g_assert_true (cond); } G_STMT_END

/* Random pieces */

static const char * const interesting_tokens[] = {
  "\"", "\\", "'", "%00", "%ZZ", "%", "%2", "%e2%80", "&", "=", "?", "#", "+",
  "{", "}", "[", "]", ",", ":", "null", "true", "false", "0", "-0", "1e999",
  "-1e999", "99999999999999999999999999", "-9223372036854775809", "0.0000001e-400",
  "\xff", "\xfe\xff", "\xc3\x28", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x80\xa8",
  "\\u0000", "\\ud800", "\\udfff\\ud800", "\\x41", "\\", "\x01", "\x1b[2J", "\r\n",
  "\t", " ", "/*", "*/", "//", "<html>", "@", "[::1]", MARKER,
};

static const char * const text_values[] = {
  "", MARKER, "abc", "00D5g00000TestOrgA", "0055g00000AliceAAA", "Alice Agent",
  "alice@acme.example.com", "https://login.salesforce.com", "http://127.0.0.1:8080",
  "http://localhost", "https://[::1]:443", "https://acme.my.salesforce.com/",
  "https://u:" MARKER "@acme.example.com", "http://evil.example.com", "javascript:1",
  "access_denied", "invalid_grant", "invalid_client_id", "redirect_uri_mismatch",
  "invalid_request", "unsupported_grant_type", "end-user denied authorization",
  "INVALID_SESSION_ID", "REQUEST_LIMIT_EXCEEDED", "INSUFFICIENT_ACCESS_OR_READONLY",
  "NOT_FOUND", "FIELD_CUSTOM_VALIDATION_EXCEPTION", "STRING_TOO_LONG", "Bad_OAuth_Token",
  "\xff\xfe", "\xc3\x28", "\xed\xa0\x80", "\xc3\xa9t\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac",
  "\x01\x02\x1b[31m", "\t\n\r", "%00", "%ZZ", "a+b%2Fc%3D", "\"", "\\", "<b>x</b>",
  "2024-01-02T03:04:05Z", "2024-13-45T99:99:99Z", "1700000000000", "-1",
  "99999999999999999999999", "%s%n%x", "api refresh_token openid",
};

static void
append_random_bytes (GRand   *rand,
                     GString *out,
                     guint    max_length)
{
  guint length = g_rand_int_range (rand, 0, max_length + 1);

  for (guint i = 0; i < length; i++)
    g_string_append_c (out, (char) g_rand_int_range (rand, 0, 256));
}

/* Appends a run of one byte, usually up to 2,000 long and now and then up
 * to 20,000. */
static void
append_long_run (GRand   *rand,
                 GString *out)
{
  static const char bytes[] = "Aa0%\\\"\xff[{ ";
  char byte = bytes[g_rand_int_range (rand, 0, sizeof bytes - 1)];
  guint max_length = g_rand_int_range (rand, 0, 10) == 0 ? 20000 : 2000;
  guint length = g_rand_int_range (rand, 256, max_length + 1);

  for (guint i = 0; i < length; i++)
    g_string_append_c (out, byte);
}

/* Appends raw text for a value: from the list, random bytes or a long run. */
static void
append_text (GRand   *rand,
             GString *out)
{
  int pick = g_rand_int_range (rand, 0, 40);

  if (pick < 2)
    append_random_bytes (rand, out, 32);
  else if (pick == 2)
    append_long_run (rand, out);
  else
    g_string_append (out, text_values[g_rand_int_range (rand, 0,
                                                        G_N_ELEMENTS (text_values))]);
}

/* Appends @text as a JSON string. Bytes of 0x80 and up are copied as they
 * are, so invalid UTF-8 reaches the parser. */
static void
append_json_string (GString    *out,
                    const char *text,
                    gsize       length)
{
  g_string_append_c (out, '"');
  for (gsize i = 0; i < length; i++)
    {
      guchar c = (guchar) text[i];

      if (c == '"' || c == '\\')
        g_string_append_printf (out, "\\%c", c);
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, (char) c);
    }
  g_string_append_c (out, '"');
}

static void
append_json_text (GRand   *rand,
                  GString *out)
{
  g_autoptr(GString) text = g_string_new (NULL);

  append_text (rand, text);
  append_json_string (out, text->str, text->len);
}

/* Appends @depth nested arrays or objects around a value. */
static void
append_deep_nesting (GString *out,
                     guint    depth,
                     gboolean objects)
{
  for (guint i = 0; i < depth; i++)
    g_string_append (out, objects ? "{\"a\":" : "[");
  g_string_append (out, "1");
  for (guint i = 0; i < depth; i++)
    g_string_append_c (out, objects ? '}' : ']');
}

static void append_json_value (GRand *rand, GString *out, guint depth);

static void
append_json_container (GRand   *rand,
                       GString *out,
                       guint    depth,
                       gboolean object)
{
  guint length = g_rand_int_range (rand, 0, 5);

  g_string_append_c (out, object ? '{' : '[');
  for (guint i = 0; i < length; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      if (object)
        {
          append_json_text (rand, out);
          g_string_append_c (out, ':');
        }
      append_json_value (rand, out, depth + 1);
    }
  g_string_append_c (out, object ? '}' : ']');
}

/* Appends a JSON value of any type, usually the wrong one for its place. */
static void
append_json_value (GRand   *rand,
                   GString *out,
                   guint    depth)
{
  static const char * const scalars[] = {
    "0", "-1", "1", "42", "9223372036854775807", "-9223372036854775808",
    "99999999999999999999999999999", "1e999", "-1e999", "1.5", "-0", "1e-400",
    "true", "false", "null", "\"\"", "\"" MARKER "\"",
  };
  int pick = g_rand_int_range (rand, 0, 50);

  if (pick < 20 || depth > 3)
    g_string_append (out, scalars[g_rand_int_range (rand, 0, G_N_ELEMENTS (scalars))]);
  else if (pick < 32)
    append_json_text (rand, out);
  else if (pick < 48)
    append_json_container (rand, out, depth, pick < 40);
  else
    append_deep_nesting (out, g_rand_int_range (rand, 1, MAX_LOOP_DEPTH + 1), pick == 48);
}

/* Structured JSON objects */

typedef enum
{
  VALUE_SECRET,
  VALUE_TEXT,
  VALUE_URL,
  VALUE_NUMBER_TEXT,
  VALUE_INTEGER,
  VALUE_BOOLEAN,
  VALUE_STRING_ARRAY,
  VALUE_DATE,
} ValueKind;

typedef struct
{
  const char *name;
  ValueKind   kind;
} Member;

static void
append_url (GRand   *rand,
            GString *out)
{
  static const char * const urls[] = {
    "https://acme.my.salesforce.com", "http://localhost:8080", "http://127.0.0.1:1",
    "https://[::1]", "http://evil.example.com", "https://", "https://a..b",
    "https://u:" MARKER "@acme.example.com", "HTTPS://ACME.EXAMPLE.COM:443/",
    "https://acme.example.com/path?q#f", "ftp://acme.example.com", "https://acme:0",
    "https://acme:99999999999", "https://%41cme.example.com", "//acme", "",
  };

  g_string_append (out, urls[g_rand_int_range (rand, 0, G_N_ELEMENTS (urls))]);
}

static void
append_typed_text (GRand     *rand,
                   GString   *out,
                   ValueKind  kind)
{
  if (kind == VALUE_SECRET)
    {
      g_string_append (out, MARKER);
      append_random_bytes (rand, out, 8);
    }
  else if (kind == VALUE_URL)
    append_url (rand, out);
  else if (kind == VALUE_NUMBER_TEXT)
    g_string_append_printf (out, "%" G_GINT64_FORMAT, (gint64) g_rand_int (rand) * 1000);
  else if (kind == VALUE_DATE)
    g_string_append (out, g_rand_boolean (rand) ? "2024-05-06T07:08:09Z" : "not a date");
  else
    append_text (rand, out);
}

static void
append_typed_value (GRand     *rand,
                    GString   *out,
                    ValueKind  kind)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (g_rand_int_range (rand, 0, 4) == 0)
    {
      append_json_value (rand, out, 0);
      return;
    }

  if (kind == VALUE_INTEGER)
    g_string_append_printf (out, "%" G_GINT64_FORMAT, (gint64) g_rand_int (rand) - 100);
  else if (kind == VALUE_BOOLEAN)
    g_string_append (out, g_rand_boolean (rand) ? "true" : "false");
  else if (kind == VALUE_STRING_ARRAY)
    append_json_container (rand, out, 3, FALSE);

  if (kind == VALUE_INTEGER || kind == VALUE_BOOLEAN || kind == VALUE_STRING_ARRAY)
    return;

  append_typed_text (rand, text, kind);
  append_json_string (out, text->str, text->len);
}

/* Appends an object with most of @members, sometimes one twice, and
 * sometimes an unknown member. */
static void
append_json_object (GRand        *rand,
                    GString      *out,
                    const Member *members,
                    guint         n_members)
{
  gboolean first = TRUE;

  g_string_append_c (out, '{');
  for (guint i = 0; i < n_members; i++)
    {
      guint copies = g_rand_int_range (rand, 0, 10) < 8 ? 1 : g_rand_int_range (rand, 0, 3);

      for (guint copy = 0; copy < copies; copy++)
        {
          if (!first)
            g_string_append (out, g_rand_boolean (rand) ? "," : " ,\n ");
          first = FALSE;
          append_json_string (out, members[i].name, strlen (members[i].name));
          g_string_append_c (out, ':');
          append_typed_value (rand, out, members[i].kind);
        }
    }
  if (g_rand_int_range (rand, 0, 4) == 0)
    {
      g_string_append (out, first ? "\"x-unknown\":" : ",\"x-unknown\":");
      append_json_value (rand, out, 0);
    }
  g_string_append_c (out, '}');
}

/* Mutations */

static void
mutate_once (GRand   *rand,
             GString *data)
{
  guint length = data->len;
  guint position = length > 0 ? g_rand_int_range (rand, 0, length + 1) : 0;
  guint span = g_rand_int_range (rand, 1, 64);
  const char *token = interesting_tokens[g_rand_int_range (rand, 0,
                                                           G_N_ELEMENTS (interesting_tokens))];

  switch (g_rand_int_range (rand, 0, 8))
    {
    case 0: /* flip one bit */
      if (position < length)
        data->str[position] ^= (char) (1 << g_rand_int_range (rand, 0, 8));
      break;
    case 1: /* insert an interesting token */
      g_string_insert (data, position, token);
      break;
    case 2: /* insert a NUL byte */
      g_string_insert_len (data, position, "\0", 1);
      break;
    case 3: /* delete a range */
      g_string_erase (data, position, MIN (span, length - position));
      break;
    case 4: /* truncate */
      g_string_truncate (data, position);
      break;
    case 5: /* duplicate a range, which repeats parameters and members */
      {
        g_autofree char *copy = g_strndup (data->str + position, MIN (span, length - position));
        g_string_insert_len (data, position, copy, MIN (span, length - position));
      }
      break;
    case 6: /* insert a long run */
      {
        g_autoptr(GString) run = g_string_new (NULL);
        append_long_run (rand, run);
        g_string_insert_len (data, position, run->str, run->len);
      }
      break;
    default: /* replace one byte */
      if (position < length)
        data->str[position] = (char) g_rand_int_range (rand, 0, 256);
      break;
    }
}

static void
mutate (GRand   *rand,
        GString *data)
{
  guint count = g_rand_int_range (rand, 1, 6);

  for (guint i = 0; i < count; i++)
    mutate_once (rand, data);
}

/* Reads the files of tests/fuzz-seeds whose names start with @prefix. */
static GPtrArray *
load_seed_files (const char *prefix)
{
  g_autofree char *folder = g_test_build_filename (G_TEST_DIST, "fuzz-seeds", NULL);
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  GPtrArray *seeds = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      char *contents = NULL;

      if (!g_str_has_prefix (name, prefix))
        continue;
      path = g_build_filename (folder, name, NULL);
      g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
      g_ptr_array_add (seeds, contents);
    }
  g_ptr_array_sort (seeds, (GCompareFunc) g_strcmp0);

  return seeds;
}

/* Fills @input with a generated input (40 %), a mutated seed file or
 * generated input (55 %), or an edge case (5 %). */
static void
make_input (GRand        *rand,
            GPtrArray    *seeds,
            GenerateFunc  generate,
            GString      *input)
{
  int pick = g_rand_int_range (rand, 0, 100);

  g_string_truncate (input, 0);
  if (pick < 40)
    generate (rand, input);
  else if (pick < 95)
    {
      if (seeds->len > 0 && g_rand_boolean (rand))
        g_string_append (input, g_ptr_array_index (seeds,
                                                   g_rand_int_range (rand, 0, seeds->len)));
      else
        generate (rand, input);
      mutate (rand, input);
    }
  else if (pick < 97)
    append_deep_nesting (input, g_rand_int_range (rand, 1, MAX_LOOP_DEPTH + 1),
                         g_rand_boolean (rand));
  else if (pick < 99)
    append_long_run (rand, input);
}

static guint32
get_seed (guint32 default_seed)
{
  const char *text = g_getenv ("SL_FUZZ_SEED");
  guint64 seed = 0;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT32, &seed, NULL))
    return default_seed;

  return (guint32) seed;
}

static void
run_fuzz_loop (guint32       default_seed,
               const char   *seed_prefix,
               GenerateFunc  generate,
               CheckFunc     check)
{
  g_autoptr(GPtrArray) seeds = load_seed_files (seed_prefix);
  g_autoptr(GString) input = g_string_new (NULL);
  gboolean trace = g_getenv ("SL_FUZZ_TRACE") != NULL;
  GRand *rand;

  current_seed = get_seed (default_seed);
  rand = g_rand_new_with_seed (current_seed);
  g_test_message ("Seed %u, %u inputs, %u seed files \"%s*\"", current_seed, N_INPUTS,
                  seeds->len, seed_prefix);

  current_input = input;
  for (current_index = 0; current_index < N_INPUTS; current_index++)
    {
      make_input (rand, seeds, generate, input);
      if (trace)
        report_input ();
      check (rand, input);
    }

  current_input = NULL;
  g_rand_free (rand);
}

/* Asserts that a parsed @value is UTF-8: json-glib 1.6 turns a lone
 * surrogate escape such as "\ud800" into bytes that are not, and the
 * parsers must not pass those on. */
static void
assert_utf8 (const char *value)
{
  fuzz_assert (value == NULL || g_utf8_validate (value, -1, NULL));
}

/* Contract checks */

/* Asserts that @message is valid UTF-8 without control characters and,
 * unless @marker_allowed, without MARKER. */
static void
assert_clean_message (const char *message,
                      gboolean    marker_allowed)
{
  fuzz_assert (message != NULL);
  fuzz_assert (message[0] != '\0');
  fuzz_assert (g_utf8_validate (message, -1, NULL));
  for (const char *p = message; *p != '\0'; p = g_utf8_next_char (p))
    fuzz_assert (!g_unichar_iscntrl (g_utf8_get_char (p)));
  if (!marker_allowed)
    fuzz_assert (strstr (message, MARKER) == NULL);
}

/* Returns TRUE when a member of @object named in @names is a string that
 * contains MARKER, so a message may quote it. */
static gboolean
object_quotes_marker (JsonObject         *object,
                      const char * const *names)
{
  for (guint i = 0; names[i] != NULL; i++)
    {
      JsonNode *node = json_object_get_member (object, names[i]);

      if (node != NULL && JSON_NODE_HOLDS_VALUE (node)
          && json_node_get_value_type (node) == G_TYPE_STRING
          && strstr (json_node_get_string (node), MARKER) != NULL)
        return TRUE;
    }

  return FALSE;
}

/* Returns TRUE when MARKER is in a member of @names of the body's root
 * object or of an object in the root array: members a message quotes on
 * purpose, such as `error_description`. */
static gboolean
body_quotes_marker (const GString      *body,
                    const char * const *names)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;
  JsonArray *array;

  if (!json_parser_load_from_data (parser, body->str, (gssize) body->len, NULL))
    return FALSE;

  root = json_parser_get_root (parser);
  if (root == NULL)
    return FALSE;
  if (JSON_NODE_HOLDS_OBJECT (root))
    return object_quotes_marker (json_node_get_object (root), names);
  if (!JSON_NODE_HOLDS_ARRAY (root))
    return FALSE;

  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_OBJECT (element)
          && object_quotes_marker (json_node_get_object (element), names))
        return TRUE;
    }

  return FALSE;
}

/* Returns TRUE when @error's message has no MARKER, or quotes it from a
 * member of @names. The body is parsed a second time only when needed. */
static gboolean
message_may_quote_marker (const GError       *error,
                          const GString      *body,
                          const char * const *names)
{
  if (error == NULL || error->message == NULL || strstr (error->message, MARKER) == NULL)
    return TRUE;

  return body_quotes_marker (body, names);
}

static guint
pick_status (GRand *rand)
{
  static const guint statuses[] = { 200, 200, 200, 200, 400, 401, 403, 404, 500, 503,
                                    0, 204, 302, 999, G_MAXUINT };

  return statuses[g_rand_int_range (rand, 0, G_N_ELEMENTS (statuses))];
}

static const char *
pick_content_type (GRand *rand)
{
  static const char * const types[] = {
    "application/json", "application/json", "application/json", "text/html", "TEXT/HTML",
    "application/xhtml+xml", "text/plain", "", NULL,
  };

  return types[g_rand_int_range (rand, 0, G_N_ELEMENTS (types))];
}

static GBytes *
bytes_from_input (const GString *input)
{
  return g_bytes_new (input->str, input->len);
}

/* Asserts the contract of a failed parse in the SL_OAUTH_ERROR domain. The
 * codes of the transport, the callback and the sign-in never come from a
 * response body. */
static void
assert_oauth_response_error (const GError *error,
                             gboolean      marker_allowed)
{
  fuzz_assert (error != NULL);
  fuzz_assert (error->domain == SL_OAUTH_ERROR);
  fuzz_assert (error->code >= SL_OAUTH_ERROR_INVALID_GRANT);
  fuzz_assert (error->code <= SL_OAUTH_ERROR_BAD_TOKEN);
  assert_clean_message (error->message, marker_allowed);
}

/* OAuth callback */

static void
append_callback_param (GRand   *rand,
                       GString *out)
{
  static const char * const names[] = {
    "state", "state", "code", "code", "error", "error_description", "sfdc_community_url",
    "sfdc_community_id", "", "co%64e", "STATE",
  };
  const char *name = names[g_rand_int_range (rand, 0, G_N_ELEMENTS (names))];
  g_autoptr(GString) value = g_string_new (NULL);
  g_autofree char *escaped = NULL;

  if (g_str_equal (name, "state") && g_rand_int_range (rand, 0, 4) != 0)
    g_string_append (value, STATE);
  else if (g_str_equal (name, "code") || g_str_equal (name, "state"))
    append_typed_text (rand, value, VALUE_SECRET);
  else
    append_text (rand, value);

  g_string_append (out, name);
  if (g_rand_int_range (rand, 0, 8) == 0)
    return;
  g_string_append_c (out, '=');
  if (g_rand_boolean (rand))
    {
      escaped = g_uri_escape_bytes ((const guint8 *) value->str, value->len, NULL);
      g_string_append (out, escaped);
    }
  else
    g_string_append_len (out, value->str, value->len);
}

static void
generate_callback (GRand   *rand,
                   GString *out)
{
  static const char * const prefixes[] = {
    SL_OAUTH_REDIRECT_URI, SL_OAUTH_REDIRECT_URI, SL_OAUTH_REDIRECT_URI,
    SL_OAUTH_REDIRECT_URI "/", SL_OAUTH_REDIRECT_URI "x",
    "COM.SUPPORTLOGIC.CONNECT:/oauth2/callback",
    "https://evil.example.com/oauth2/callback", "com.supportlogic.connect://oauth2/callback", "",
  };
  guint n_params = g_rand_int_range (rand, 0, 7);

  g_string_append (out, prefixes[g_rand_int_range (rand, 0, G_N_ELEMENTS (prefixes))]);
  if (g_rand_int_range (rand, 0, 10) > 0)
    g_string_append_c (out, '?');
  for (guint i = 0; i < n_params; i++)
    {
      if (i > 0)
        g_string_append (out, g_rand_int_range (rand, 0, 10) > 0 ? "&" : "&&");
      append_callback_param (rand, out);
    }
  if (g_rand_int_range (rand, 0, 5) == 0)
    g_string_append (out, "#code=" MARKER "&state=" STATE);
}

/* Returns TRUE when an `error` or `error_description` of the query, which
 * the message quotes, contains MARKER. */
static gboolean
callback_quotes_marker (const char *uri)
{
  const char *query = strchr (uri, '?');
  const char *end;
  GUriParamsIter iter;
  char *name;
  char *value;
  gboolean found = FALSE;

  if (query == NULL)
    return FALSE;
  query++;
  end = strchr (query, '#');
  g_uri_params_iter_init (&iter, query, end != NULL ? end - query : -1, "&",
                          G_URI_PARAMS_WWW_FORM);
  while (g_uri_params_iter_next (&iter, &name, &value, NULL))
    {
      if ((g_str_equal (name, "error") || g_str_equal (name, "error_description"))
          && strstr (value, MARKER) != NULL)
        found = TRUE;
      g_free (name);
      g_free (value);
    }

  return found;
}

static void
check_callback (GRand         *rand,
                const GString *input)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;

  (void) rand;
  code = sl_oauth_parse_callback (input->str, STATE, &error);
  if (code != NULL)
    {
      fuzz_assert (error == NULL);
      fuzz_assert (code[0] != '\0');
      fuzz_assert (sl_oauth_is_callback_uri (input->str));
      return;
    }

  fuzz_assert (error != NULL);
  fuzz_assert (error->domain == SL_OAUTH_ERROR);
  fuzz_assert (error->code >= SL_OAUTH_ERROR_REDIRECT_MISMATCH);
  fuzz_assert (error->code <= SL_OAUTH_ERROR_AUTHORIZATION_FAILED);
  assert_clean_message (error->message, callback_quotes_marker (input->str));
}

static void
test_callback (void)
{
  run_fuzz_loop (0x5eed0001, "callback-", generate_callback, check_callback);
}

/* Token response */

static const Member token_members[] = {
  { "access_token", VALUE_SECRET },
  { "refresh_token", VALUE_SECRET },
  { "signature", VALUE_SECRET },
  { "id_token", VALUE_SECRET },
  { "instance_url", VALUE_URL },
  { "id", VALUE_URL },
  { "token_type", VALUE_TEXT },
  { "issued_at", VALUE_NUMBER_TEXT },
  { "scope", VALUE_TEXT },
  { "error", VALUE_TEXT },
  { "error_description", VALUE_TEXT },
};

static void
generate_token_response (GRand   *rand,
                         GString *out)
{
  append_json_object (rand, out, token_members, G_N_ELEMENTS (token_members));
}

static void
assert_token_credentials (const SlCredentials *credentials)
{
  g_autofree char *renormalized = NULL;

  fuzz_assert (credentials->access_token != NULL);
  fuzz_assert (credentials->access_token[0] != '\0');
  fuzz_assert (credentials->instance_url != NULL);
  fuzz_assert (credentials->issued_at_ms >= 0);
  assert_utf8 (credentials->access_token);
  assert_utf8 (credentials->refresh_token);
  assert_utf8 (credentials->id_url);
  assert_utf8 (credentials->scope);
  renormalized = sl_oauth_normalize_login_host (credentials->instance_url, NULL);
  fuzz_assert (g_strcmp0 (renormalized, credentials->instance_url) == 0);
}

static void
check_token_response (GRand         *rand,
                      const GString *input)
{
  static const char * const quoted[] = { "error", "error_description", "instance_url", NULL };
  guint status = pick_status (rand);
  const char *content_type = pick_content_type (rand);
  g_autoptr(GBytes) body = bytes_from_input (input);
  g_autoptr(GError) error = NULL;
  g_autoptr(SlCredentials) credentials = NULL;

  credentials = sl_token_client_parse_token_response (status, content_type, body, &error);
  if (credentials != NULL)
    {
      fuzz_assert (error == NULL);
      fuzz_assert (status == 200);
      assert_token_credentials (credentials);
      return;
    }

  assert_oauth_response_error (error, message_may_quote_marker (error, input, quoted));
  (void) sl_oauth_error_get_server_code (error);
}

static void
test_token_response (void)
{
  run_fuzz_loop (0x5eed0002, "token-", generate_token_response, check_token_response);
}

/* Userinfo response */

static const Member userinfo_members[] = {
  { "user_id", VALUE_TEXT },
  { "organization_id", VALUE_TEXT },
  { "preferred_username", VALUE_TEXT },
  { "email", VALUE_TEXT },
  { "name", VALUE_TEXT },
  { "sub", VALUE_URL },
  { "email_verified", VALUE_BOOLEAN },
  { "urls", VALUE_STRING_ARRAY },
  { "error", VALUE_TEXT },
  { "error_description", VALUE_TEXT },
};

static void
generate_userinfo (GRand   *rand,
                   GString *out)
{
  if (g_rand_int_range (rand, 0, 10) == 0)
    {
      g_string_append (out, g_rand_boolean (rand) ? " Bad_OAuth_Token\n" : "Missing_OAuth_Token");
      return;
    }
  append_json_object (rand, out, userinfo_members, G_N_ELEMENTS (userinfo_members));
}

/* Credentials of a finished token exchange, with the tokens set to MARKER. */
static SlCredentials *
new_token_credentials (void)
{
  SlCredentials *credentials = sl_credentials_new ();

  credentials->access_token = g_strdup (MARKER "access");
  credentials->refresh_token = g_strdup (MARKER "refresh");
  credentials->instance_url = g_strdup ("https://acme.my.salesforce.com");
  return credentials;
}

static void
check_userinfo (GRand         *rand,
                const GString *input)
{
  static const char * const quoted[] = { "error", "error_description", NULL };
  guint status = pick_status (rand);
  const char *content_type = pick_content_type (rand);
  g_autoptr(GBytes) body = bytes_from_input (input);
  g_autoptr(GError) error = NULL;
  g_autoptr(SlCredentials) credentials = new_token_credentials ();

  /* Crashes, see test_userinfo_empty_403(). */
  if (status == 403 && input->len == 0)
    return;

  if (sl_token_client_parse_userinfo (status, content_type, body, credentials, &error))
    {
      fuzz_assert (error == NULL);
      fuzz_assert (status == 200);
      fuzz_assert (credentials->user_id != NULL && credentials->user_id[0] != '\0');
      fuzz_assert (credentials->org_id != NULL && credentials->org_id[0] != '\0');
      fuzz_assert (credentials->username != NULL && credentials->username[0] != '\0');
      fuzz_assert (g_str_equal (credentials->access_token, MARKER "access"));
      /* The identity fields are shown in labels and stored in the keyring. */
      assert_utf8 (credentials->user_id);
      assert_utf8 (credentials->org_id);
      assert_utf8 (credentials->username);
      assert_utf8 (credentials->email);
      assert_utf8 (credentials->display_name);
      return;
    }

  assert_oauth_response_error (error, message_may_quote_marker (error, input, quoted));
  fuzz_assert (g_str_equal (credentials->access_token, MARKER "access"));
}

static void
test_userinfo (void)
{
  run_fuzz_loop (0x5eed0003, "userinfo-", generate_userinfo, check_userinfo);
}

/* An empty GBytes has NULL data, which is what libsoup returns for an
 * empty body. */
static void
parse_empty_403 (void)
{
  g_autoptr(GBytes) body = g_bytes_new (NULL, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(SlCredentials) credentials = new_token_credentials ();
  gboolean parsed;

  parsed = sl_token_client_parse_userinfo (403, NULL, body, credentials, &error);
  g_assert_false (parsed);
  g_assert_error (error, SL_OAUTH_ERROR, SL_OAUTH_ERROR_UNEXPECTED_RESPONSE);
}

static void
test_userinfo_empty_403 (void)
{
  if (g_test_subprocess ())
    {
      parse_empty_403 ();
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* REST error response */

static const Member rest_error_members[] = {
  { "errorCode", VALUE_TEXT },
  { "message", VALUE_TEXT },
  { "fields", VALUE_STRING_ARRAY },
  { "access_token", VALUE_SECRET },
};

static void
generate_rest_error (GRand   *rand,
                     GString *out)
{
  guint length = g_rand_int_range (rand, 0, 4);

  if (g_rand_int_range (rand, 0, 5) == 0)
    {
      append_json_object (rand, out, rest_error_members, G_N_ELEMENTS (rest_error_members));
      return;
    }

  g_string_append_c (out, '[');
  for (guint i = 0; i < length; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      if (g_rand_int_range (rand, 0, 6) == 0)
        append_json_value (rand, out, 1);
      else
        append_json_object (rand, out, rest_error_members, G_N_ELEMENTS (rest_error_members));
    }
  g_string_append_c (out, ']');
}

static void
assert_rest_error_details (const GError *error)
{
  const char *error_code = sl_rest_error_get_error_code (error);
  const char * const *fields = sl_rest_error_get_fields (error);

  if (error->code == SL_REST_ERROR_UNEXPECTED_RESPONSE)
    fuzz_assert (error_code == NULL);
  if (error_code != NULL)
    fuzz_assert (g_utf8_validate (error_code, -1, NULL));
  if (fields == NULL)
    return;

  fuzz_assert (fields[0] != NULL);
  for (guint i = 0; fields[i] != NULL; i++)
    fuzz_assert (g_utf8_validate (fields[i], -1, NULL));
}

static void
check_rest_error (GRand         *rand,
                  const GString *input)
{
  static const char * const quoted[] = { "errorCode", "message", NULL };
  guint status = pick_status (rand);
  const char *content_type = pick_content_type (rand);
  g_autoptr(GBytes) body = bytes_from_input (input);
  g_autoptr(GError) error = NULL;

  sl_rest_parse_error (status, content_type, body, &error);
  fuzz_assert (error != NULL);
  fuzz_assert (error->domain == SL_REST_ERROR);
  fuzz_assert (error->code != SL_REST_ERROR_OFFLINE);
  fuzz_assert (error->code != SL_REST_ERROR_TIMED_OUT);
  fuzz_assert (error->code <= SL_REST_ERROR_FAILED);
  assert_clean_message (error->message, message_may_quote_marker (error, input, quoted));
  assert_rest_error_details (error);
}

static void
test_rest_error (void)
{
  run_fuzz_loop (0x5eed0004, "rest-error-", generate_rest_error, check_rest_error);
}

/* Keyring secret */

static const Member credentials_members[] = {
  { "format", VALUE_INTEGER },
  { "access_token", VALUE_SECRET },
  { "refresh_token", VALUE_SECRET },
  { "login_host", VALUE_URL },
  { "instance_url", VALUE_URL },
  { "id_url", VALUE_URL },
  { "scope", VALUE_TEXT },
  { "issued_at_ms", VALUE_INTEGER },
  { "user_id", VALUE_TEXT },
  { "org_id", VALUE_TEXT },
  { "username", VALUE_TEXT },
  { "email", VALUE_TEXT },
  { "display_name", VALUE_TEXT },
  { "connected_at", VALUE_DATE },
};

static void
generate_credentials (GRand   *rand,
                      GString *out)
{
  append_json_object (rand, out, credentials_members, G_N_ELEMENTS (credentials_members));
}

static void
assert_credentials_equal (const SlCredentials *a,
                          const SlCredentials *b)
{
  fuzz_assert (g_strcmp0 (a->access_token, b->access_token) == 0);
  fuzz_assert (g_strcmp0 (a->refresh_token, b->refresh_token) == 0);
  fuzz_assert (g_strcmp0 (a->login_host, b->login_host) == 0);
  fuzz_assert (g_strcmp0 (a->instance_url, b->instance_url) == 0);
  fuzz_assert (g_strcmp0 (a->id_url, b->id_url) == 0);
  fuzz_assert (g_strcmp0 (a->scope, b->scope) == 0);
  fuzz_assert (a->issued_at_ms == b->issued_at_ms);
  fuzz_assert (g_strcmp0 (a->user_id, b->user_id) == 0);
  fuzz_assert (g_strcmp0 (a->org_id, b->org_id) == 0);
  fuzz_assert (g_strcmp0 (a->username, b->username) == 0);
  fuzz_assert (g_strcmp0 (a->email, b->email) == 0);
  fuzz_assert (g_strcmp0 (a->display_name, b->display_name) == 0);
  fuzz_assert ((a->connected_at == NULL) == (b->connected_at == NULL));
}

static void
assert_credentials_utf8 (const SlCredentials *credentials)
{
  const char * const values[] = {
    credentials->access_token, credentials->refresh_token, credentials->login_host,
    credentials->instance_url, credentials->id_url, credentials->scope,
    credentials->user_id, credentials->org_id, credentials->username, credentials->email,
    credentials->display_name,
  };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    assert_utf8 (values[i]);
}

/* A parsed document is written again and read back unchanged. */
static void
assert_round_trip (const SlCredentials *credentials)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SlCredentials) again = NULL;
  char *json = sl_credentials_to_json (credentials);

  fuzz_assert (json != NULL);
  again = sl_credentials_from_json (json, &error);
  sl_secure_free (json);
  fuzz_assert (error == NULL);
  fuzz_assert (again != NULL);
  assert_credentials_equal (credentials, again);
}

static void
check_credentials (GRand         *rand,
                   const GString *input)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SlCredentials) credentials = NULL;

  (void) rand;
  credentials = sl_credentials_from_json (input->str, &error);
  if (credentials != NULL)
    {
      fuzz_assert (error == NULL);
      fuzz_assert (credentials->access_token != NULL && credentials->access_token[0] != '\0');
      fuzz_assert (credentials->instance_url != NULL && credentials->instance_url[0] != '\0');
      fuzz_assert (credentials->user_id != NULL && credentials->user_id[0] != '\0');
      assert_credentials_utf8 (credentials);
      assert_round_trip (credentials);
      return;
    }

  fuzz_assert (error != NULL);
  fuzz_assert (g_error_matches (error, SL_CREDENTIALS_ERROR, SL_CREDENTIALS_ERROR_INVALID));
  assert_clean_message (error->message, FALSE);
}

static void
test_credentials (void)
{
  run_fuzz_loop (0x5eed0005, "credentials-", generate_credentials, check_credentials);
}

/* Login host */

static void
append_host (GRand   *rand,
             GString *out)
{
  static const char * const hosts[] = {
    "login.salesforce.com", "LOGIN.Salesforce.COM", "test.salesforce.com", "127.0.0.1",
    "[::1]", "localhost", "LocalHost", "[::ffff:127.0.0.1]", "[fe80::1%25eth0]", "[::1",
    "xn--bcher-kva.example", "b\xc3\xbc" "cher.example", "a..b", "-a.example", ".example",
    "%41.example", "1.2.3", "256.1.1.1", "", "exa mple.com", "example.com.", "0x7f.1",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example",
  };

  g_string_append (out, hosts[g_rand_int_range (rand, 0, G_N_ELEMENTS (hosts))]);
  if (g_rand_int_range (rand, 0, 20) == 0)
    {
      /* A name over 253 characters, in labels of 50. */
      for (guint i = 0; i < 6; i++)
        g_string_append (out, ".aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    }
}

static void
generate_login_host (GRand   *rand,
                     GString *out)
{
  static const char * const schemes[] = {
    "https://", "https://", "http://", "HTTPS://", "HtTp://", "ftp://", "", "https:",
    "https:///", "javascript://",
  };
  static const char * const ports[] = {
    "", "", ":443", ":0", ":65535", ":65536", ":99999999999", ":-1", ":", ":abc", ":08080",
  };
  static const char * const tails[] = {
    "", "", "", "/", "/path", "//", "?q=1", "#f", "/?", "%2F", "\\", " ",
  };

  g_string_append (out, schemes[g_rand_int_range (rand, 0, G_N_ELEMENTS (schemes))]);
  if (g_rand_int_range (rand, 0, 10) == 0)
    g_string_append (out, g_rand_boolean (rand) ? "user@" : "user:" MARKER "@");
  append_host (rand, out);
  g_string_append (out, ports[g_rand_int_range (rand, 0, G_N_ELEMENTS (ports))]);
  g_string_append (out, tails[g_rand_int_range (rand, 0, G_N_ELEMENTS (tails))]);
}

static void
assert_normalized_host (const char *normalized)
{
  g_autofree char *again = NULL;
  g_autofree char *lower = NULL;

  fuzz_assert (g_str_has_prefix (normalized, "https://")
               || g_str_has_prefix (normalized, "http://"));
  fuzz_assert (!g_str_has_suffix (normalized, "/"));
  fuzz_assert (strpbrk (normalized, "@?# ") == NULL);
  lower = g_ascii_strdown (normalized, -1);
  fuzz_assert (g_str_equal (lower, normalized));
  again = sl_oauth_normalize_login_host (normalized, NULL);
  fuzz_assert (g_strcmp0 (again, normalized) == 0);
}

static void
check_login_host (GRand         *rand,
                  const GString *input)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *normalized = NULL;

  (void) rand;
  normalized = sl_oauth_normalize_login_host (input->str, &error);
  if (normalized != NULL)
    {
      fuzz_assert (error == NULL);
      assert_normalized_host (normalized);
      return;
    }

  fuzz_assert (g_error_matches (error, SL_OAUTH_ERROR, SL_OAUTH_ERROR_INVALID_CONFIG));
  /* The message quotes the rejected host on purpose, see the user-info
   * test for the password part. */
  assert_clean_message (error->message, TRUE);
}

static void
test_login_host (void)
{
  run_fuzz_loop (0x5eed0006, "login-host-", generate_login_host, check_login_host);
}

/* A password in the user info of a login host is a secret like a token. */
static void
test_login_host_password (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *normalized = NULL;

  normalized = sl_oauth_normalize_login_host ("https://admin:" MARKER "@login.salesforce.com",
                                              &error);
  g_assert_null (normalized);
  g_assert_error (error, SL_OAUTH_ERROR, SL_OAUTH_ERROR_INVALID_CONFIG);
  g_assert_null (strstr (error->message, MARKER));
}

/* Deep nesting */

/* Parses a body of @depth nested arrays with each JSON parser, in a
 * subprocess, because json-glib 1.6 recurses once per level and a deep
 * enough body overflows the stack. */
static void
parse_deep_body (guint depth)
{
  g_autoptr(GString) input = g_string_new (NULL);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SlCredentials) credentials = NULL;

  append_deep_nesting (input, depth, FALSE);
  body = bytes_from_input (input);
  sl_rest_parse_error (400, "application/json", body, &error);
  g_assert_error (error, SL_REST_ERROR, SL_REST_ERROR_UNEXPECTED_RESPONSE);
  g_clear_error (&error);

  credentials = sl_token_client_parse_token_response (200, "application/json", body, &error);
  g_assert_null (credentials);
  g_assert_error (error, SL_OAUTH_ERROR, SL_OAUTH_ERROR_UNEXPECTED_RESPONSE);
  g_clear_error (&error);

  credentials = sl_credentials_from_json (input->str, &error);
  g_assert_null (credentials);
  g_assert_error (error, SL_CREDENTIALS_ERROR, SL_CREDENTIALS_ERROR_INVALID);
}

static void
test_deep_nesting (gconstpointer data)
{
  guint depth = GPOINTER_TO_UINT (data);

  if (g_test_subprocess ())
    {
      parse_deep_body (depth);
      return;
    }

  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fuzz/oauth-callback", test_callback);
  g_test_add_func ("/fuzz/token-response", test_token_response);
  g_test_add_func ("/fuzz/userinfo", test_userinfo);
  g_test_add_func ("/fuzz/userinfo/empty-403", test_userinfo_empty_403);
  g_test_add_func ("/fuzz/rest-error", test_rest_error);
  g_test_add_func ("/fuzz/credentials", test_credentials);
  g_test_add_func ("/fuzz/login-host", test_login_host);
  g_test_add_func ("/fuzz/login-host/password", test_login_host_password);
  g_test_add_data_func ("/fuzz/json/depth-3000", GUINT_TO_POINTER (3000), test_deep_nesting);
  g_test_add_data_func ("/fuzz/json/depth-200000", GUINT_TO_POINTER (200000),
                        test_deep_nesting);

  return g_test_run ();
}
