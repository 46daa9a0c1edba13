/* sl-stand-in-hostile.c: a login page that tries to leave the sign-in
 * dialog, and the beacon and download endpoints it uses
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * With the hostile page switched on, authorize responds with a page whose
 * script tries, one step after another, every escape a login page could
 * try: top-level navigations to file:, data: and javascript: URLs, pop-ups,
 * a target=_blank link, downloads and a form POST to a non-http scheme.
 * Each escape that succeeds sends a request to /__beacon?escaped=NAME, and
 * the last step requests /__beacon?done=1, so a test can tell that the page
 * ran to its end while still loaded.
 */

#include "sl-stand-in.h"

/* Milliseconds between two steps, so WebKit can decide on each navigation
 * before the next one starts. */
#define STEP_INTERVAL_MS 600

/* A beacon name is at most this long and uses only [a-z0-9-]. */
#define MAX_BEACON_NAME 32

/* The arguments are the login URL and the step interval, twice.  Every
 * escape target is also a beacon, so an escape that loads is seen in the
 * request log. */
#define HOSTILE_SCRIPT \
  "const base = '%s';\n" \
  "const steps = [\n" \
  "  () => { location.href = 'file:///etc/hostname'; },\n" \
  "  () => { location.href = 'data:text/html,<script>fetch(\"' + base +\n" \
  "          '/__beacon?escaped=data\")</scr' + 'ipt>'; },\n" \
  "  () => { location.href = \"javascript:fetch('/__beacon?escaped=javascript')\"; },\n" \
  "  () => { window.open('/__beacon?escaped=popup'); },\n" \
  "  () => { document.getElementById('blank-link').click(); },\n" \
  "  () => { document.getElementById('download-link').click(); },\n" \
  "  () => { location.href = '/__download?kind=binary'; },\n" \
  "  () => { location.href = '/__download?kind=text'; },\n" \
  "  () => { document.getElementById('download-frame').src = '/__download?kind=text'; },\n" \
  "  () => { document.getElementById('scheme-form').submit(); },\n" \
  "  () => { fetch(base + '/__beacon?done=1'); },\n" \
  "];\n" \
  "let step = 0;\n" \
  "function next () {\n" \
  "  if (step >= steps.length)\n" \
  "    return;\n" \
  "  try { steps[step++] (); } catch (e) { }\n" \
  "  setTimeout (next, %d);\n" \
  "}\n" \
  "window.addEventListener ('load', () => setTimeout (next, %d));\n"

/* Returns the hostile page for a stand-in reachable at @login_url. */
char *
stand_in_page_hostile (const char *login_url)
{
  g_autofree char *script = g_strdup_printf (HOSTILE_SCRIPT, login_url,
                                             STEP_INTERVAL_MS, STEP_INTERVAL_MS);

  return g_strdup_printf (
    "<!DOCTYPE html>\n"
    "<html lang=\"en\">\n"
    "<head><meta charset=\"utf-8\"><title>Login | Salesforce</title></head>\n"
    "<body>\n"
    "<h1>Log In</h1>\n"
    "<a id=\"blank-link\" href=\"/__beacon?escaped=blank\" target=\"_blank\">help</a>\n"
    "<a id=\"download-link\" href=\"/__download?kind=link\" download=\"sl-hostile.bin\">"
    "get</a>\n"
    "<iframe id=\"download-frame\" title=\"empty\" src=\"about:blank\"></iframe>\n"
    "<form id=\"scheme-form\" method=\"post\" "
    "action=\"ftp://127.0.0.1/__beacon?escaped=form\">\n"
    "<input type=\"hidden\" name=\"field\" value=\"value\">\n"
    "</form>\n"
    "<script>\n%s</script>\n"
    "</body>\n"
    "</html>\n",
    script);
}

/* Returns whether @name is a valid beacon name, so the request log only
 * ever holds short names chosen by the hostile page. */
static gboolean
is_beacon_name (const char *name)
{
  gsize length = name != NULL ? strlen (name) : 0;

  if (length == 0 || length > MAX_BEACON_NAME)
    return FALSE;

  for (gsize i = 0; i < length; i++)
    {
      if (!g_ascii_islower (name[i]) && !g_ascii_isdigit (name[i]) && name[i] != '-')
        return FALSE;
    }

  return TRUE;
}

/* Records "done" for ?done=1 and "escaped:NAME" for ?escaped=NAME in the
 * request record's "beacon" member, and responds with 204.  The response allows
 * every origin, so a fetch from a data: page is not stopped by CORS before
 * its request is counted. */
static void
handle_beacon (StandIn           *self,
               SoupServerMessage *msg,
               GHashTable        *query)
{
  const char *escaped = g_hash_table_lookup (query, "escaped");
  g_autofree char *beacon = NULL;

  if (g_hash_table_contains (query, "done"))
    beacon = g_strdup ("done");
  else if (is_beacon_name (escaped))
    beacon = g_strconcat ("escaped:", escaped, NULL);
  else
    beacon = g_strdup ("unknown");

  g_debug ("Beacon %s", beacon);
  stand_in_note_beacon (msg, beacon);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Access-Control-Allow-Origin", "*");
  stand_in_respond_no_content (self, msg);
}

/* Responds with a file attachment: application/octet-stream, or text/plain
 * for ?kind=text, a type WebKit could also show in the page. */
static void
handle_download (StandIn           *self,
                 SoupServerMessage *msg,
                 GHashTable        *query)
{
  gboolean text = g_strcmp0 (g_hash_table_lookup (query, "kind"), "text") == 0;

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Content-Disposition",
                                text ? "attachment; filename=\"sl-hostile.txt\""
                                     : "attachment; filename=\"sl-hostile.bin\"");
  stand_in_respond (self, msg, SOUP_STATUS_OK,
                    text ? "text/plain" : "application/octet-stream",
                    "sl-stand-in test download\n");
}

/* Switches what authorize shows: "hostile" for the hostile page, "login"
 * for the login form.  Returns FALSE for any other @page. */
gboolean
stand_in_set_authorize_page (StandIn    *self,
                             const char *page)
{
  if (g_strcmp0 (page, "hostile") == 0)
    self->hostile_login_page = TRUE;
  else if (g_strcmp0 (page, "login") == 0)
    self->hostile_login_page = FALSE;
  else
    return FALSE;

  g_debug ("Authorize shows the %s page", page);
  return TRUE;
}

void
stand_in_add_hostile_routes (StandIn *self)
{
  stand_in_add_route (self, "/__beacon", "beacon", handle_beacon);
  stand_in_add_route (self, "/__download", "download", handle_download);
}
