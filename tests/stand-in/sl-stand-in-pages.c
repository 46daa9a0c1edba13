/* sl-stand-in-pages.c: the HTML pages shown in the browser during sign-in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "sl-stand-in.h"

#define PAGE_STYLE \
  "body{font-family:sans-serif;background:#f3f3f3;margin:0}" \
  "main{max-width:24em;margin:3em auto;background:#fff;padding:1.5em;" \
  "border:1px solid #d8dde6;border-radius:4px}" \
  "label,input,button{display:block;width:100%;box-sizing:border-box}" \
  "input{margin:.25em 0 1em;padding:.5em}" \
  "button{padding:.6em;margin-top:.5em}" \
  ".error{color:#c23934}"

/* Wraps @content in a complete page.  @title is plain text. */
static char *
page_new (const char *title,
          const char *content)
{
  g_autofree char *escaped_title = g_markup_escape_text (title, -1);

  return g_strdup_printf ("<!DOCTYPE html>\n"
                          "<html lang=\"en\">\n"
                          "<head>\n"
                          "<meta charset=\"utf-8\">\n"
                          "<meta name=\"viewport\" content=\"width=device-width\">\n"
                          "<title>%s</title>\n"
                          "<style>%s</style>\n"
                          "</head>\n"
                          "<body><main>\n%s</main></body>\n"
                          "</html>\n",
                          escaped_title, PAGE_STYLE, content);
}

/* Returns the login form for @transaction_id.  @username pre-fills the
 * username field after a failed attempt, and @show_error adds the message
 * Salesforce shows for a wrong username or password. */
char *
stand_in_page_login (const char *transaction_id,
                     const char *username,
                     gboolean    show_error)
{
  g_autofree char *escaped_id = g_markup_escape_text (transaction_id, -1);
  g_autofree char *escaped_username = g_markup_escape_text (username ? username : "", -1);
  g_autofree char *content = NULL;

  content = g_strdup_printf (
    "<h1>Log In</h1>\n"
    "%s"
    "<form method=\"post\" action=\"/login\">\n"
    "<input type=\"hidden\" name=\"transaction\" value=\"%s\">\n"
    "<label for=\"username\">Username</label>\n"
    "<input type=\"text\" id=\"username\" name=\"username\" value=\"%s\" "
    "autocomplete=\"username\" autofocus>\n"
    "<label for=\"password\">Password</label>\n"
    "<input type=\"password\" id=\"password\" name=\"password\" "
    "autocomplete=\"current-password\">\n"
    "<button type=\"submit\" id=\"Login\" name=\"Login\">Log In</button>\n"
    "</form>\n",
    show_error
    ? "<p id=\"error\" class=\"error\" role=\"alert\">Your username or password is "
      "not correct, or the user is not active. Check both and try again, or ask "
      "your Salesforce administrator for help.</p>\n"
    : "",
    escaped_id, escaped_username);

  return page_new ("Login | Salesforce", content);
}

/* Returns the page on which @user allows or denies @client access.  Deny
 * comes first in the DOM and Allow has the focus, as on Salesforce. */
char *
stand_in_page_consent (const char          *transaction_id,
                       const StandInClient *client,
                       const StandInUser   *user)
{
  g_autofree char *escaped_id = g_markup_escape_text (transaction_id, -1);
  g_autofree char *app = g_markup_escape_text (client->name, -1);
  g_autofree char *name = g_markup_escape_text (user->name, -1);
  g_autofree char *username = g_markup_escape_text (user->username, -1);
  g_autofree char *content = NULL;

  content = g_strdup_printf (
    "<h1>Allow access?</h1>\n"
    "<p><strong id=\"app\">%s</strong> is asking to access your Salesforce "
    "data as <strong id=\"user\">%s</strong> (%s).</p>\n"
    "<p>It will be able to access and manage your data and to do so at any "
    "time, until you revoke its access.</p>\n"
    "<form method=\"post\" action=\"/consent\">\n"
    "<input type=\"hidden\" name=\"transaction\" value=\"%s\">\n"
    "<button type=\"submit\" id=\"oaapprove-deny\" name=\"action\" value=\"deny\">"
    "Deny</button>\n"
    "<button type=\"submit\" id=\"oaapprove-allow\" name=\"action\" value=\"allow\" "
    "autofocus>Allow</button>\n"
    "</form>\n",
    app, name, username, escaped_id);

  return page_new ("Allow Access | Salesforce", content);
}

/* Returns the page shown when authorize cannot redirect back, with the
 * OAuth @error code and @description as plain text. */
char *
stand_in_page_error (const char *error,
                     const char *description)
{
  g_autofree char *escaped_error = g_markup_escape_text (error, -1);
  g_autofree char *escaped_description = g_markup_escape_text (description, -1);
  g_autofree char *content = NULL;

  content = g_strdup_printf ("<h1>Remote Access Error</h1>\n"
                             "<p class=\"error\">error=%s<br>\n"
                             "error_description=%s</p>\n",
                             escaped_error, escaped_description);

  return page_new ("Remote Access Error | Salesforce", content);
}
