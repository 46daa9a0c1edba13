/* sl-stand-in-identity.c: the userinfo endpoint and the identity URL
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "sl-stand-in.h"

/* Returns the access token of the Authorization header, which Salesforce
 * takes with the "Bearer" or the older "OAuth" scheme. */
const char *
stand_in_get_bearer_token (SoupServerMessage *msg)
{
  const char *value = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                    "Authorization");

  if (value == NULL)
    return NULL;
  if (g_ascii_strncasecmp (value, "Bearer ", 7) == 0)
    return value + 7;
  if (g_ascii_strncasecmp (value, "OAuth ", 6) == 0)
    return value + 6;

  return NULL;
}

/* Returns the session of the request's access token, or responds with 403
 * and the plain-text body Salesforce uses and returns NULL. */
static StandInSession *
authenticate (StandIn           *self,
              SoupServerMessage *msg)
{
  const char *token = stand_in_get_bearer_token (msg);
  StandInSession *session = stand_in_lookup_access_token (self, token);

  if (token == NULL)
    stand_in_respond (self, msg, SOUP_STATUS_FORBIDDEN, "text/plain;charset=UTF-8",
                      "Missing_OAuth_Token");
  else if (session == NULL)
    stand_in_respond (self, msg, SOUP_STATUS_FORBIDDEN, "text/plain;charset=UTF-8",
                      "Bad_OAuth_Token");

  return session;
}

static void
add_string_member (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

static void
add_boolean_member (JsonBuilder *builder,
                    const char  *name,
                    gboolean     value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}

/* Adds the "urls" object.  "{version}" is literal: Salesforce leaves the
 * API version for the client to fill in. */
static void
add_urls (StandIn           *self,
          JsonBuilder       *builder,
          const StandInUser *user)
{
  g_autofree char *rest = g_strconcat (self->instance_url, "/services/data/v{version}/", NULL);
  g_autofree char *sobjects = g_strconcat (rest, "sobjects/", NULL);
  g_autofree char *search = g_strconcat (rest, "search/", NULL);
  g_autofree char *query = g_strconcat (rest, "query/", NULL);
  g_autofree char *recent = g_strconcat (rest, "recent/", NULL);
  g_autofree char *tooling = g_strconcat (rest, "tooling/", NULL);
  g_autofree char *profile = g_strconcat (self->instance_url, "/", user->user_id, NULL);

  json_builder_set_member_name (builder, "urls");
  json_builder_begin_object (builder);
  add_string_member (builder, "rest", rest);
  add_string_member (builder, "sobjects", sobjects);
  add_string_member (builder, "search", search);
  add_string_member (builder, "query", query);
  add_string_member (builder, "recent", recent);
  add_string_member (builder, "tooling_rest", tooling);
  add_string_member (builder, "profile", profile);
  add_string_member (builder, "custom_domain", self->instance_url);
  json_builder_end_object (builder);
}

static void
add_locale_members (JsonBuilder *builder)
{
  add_string_member (builder, "user_type", "STANDARD");
  add_string_member (builder, "language", "en_US");
  add_string_member (builder, "locale", "en_US");
  json_builder_set_member_name (builder, "utcOffset");
  json_builder_add_int_value (builder, 0);
}

/* Sends the OpenID Connect userinfo of the token's user. */
static void
handle_userinfo (StandIn           *self,
                 SoupServerMessage *msg,
                 GHashTable        *query)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  StandInSession *session = authenticate (self, msg);
  g_autofree char *id_url = NULL;

  if (session == NULL)
    return;

  id_url = g_strdup_printf ("%s/id/%s/%s", self->login_url, self->fixture->org_id,
                            session->user->user_id);

  json_builder_begin_object (builder);
  add_string_member (builder, "sub", id_url);
  add_string_member (builder, "user_id", session->user->user_id);
  add_string_member (builder, "organization_id", self->fixture->org_id);
  add_string_member (builder, "preferred_username", session->user->username);
  add_string_member (builder, "nickname", session->user->username);
  add_string_member (builder, "name", session->user->name);
  add_string_member (builder, "email", session->user->email);
  add_boolean_member (builder, "email_verified", TRUE);
  add_boolean_member (builder, "active", session->user->active);
  add_locale_members (builder);
  add_urls (self, builder, session->user);
  json_builder_end_object (builder);

  stand_in_respond_json (self, msg, SOUP_STATUS_OK, builder);
}

/* Returns the user named by an identity URL path /id/{orgId}/{userId} of
 * this org, or NULL. */
static const StandInUser *
find_user_of_path (StandIn    *self,
                   const char *path)
{
  g_auto(GStrv) segments = g_strsplit (path, "/", -1);

  if (g_strv_length (segments) != 4 || !g_str_equal (segments[1], "id")
      || !g_str_equal (segments[2], self->fixture->org_id))
    return NULL;

  return stand_in_fixture_find_user_by_id (self->fixture, segments[3]);
}

/* Sends the identity service response for the user in the path, which any
 * valid token of the org may read. */
static void
handle_id (StandIn           *self,
           SoupServerMessage *msg,
           GHashTable        *query)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char *path = g_uri_get_path (soup_server_message_get_uri (msg));
  const StandInUser *user = find_user_of_path (self, path);
  StandInSession *session = authenticate (self, msg);
  g_autofree char *id_url = NULL;

  if (session == NULL)
    return;
  if (user == NULL)
    {
      stand_in_respond (self, msg, SOUP_STATUS_NOT_FOUND, "text/plain;charset=UTF-8", "Bad_Id");
      return;
    }

  id_url = g_strconcat (self->login_url, path, NULL);
  json_builder_begin_object (builder);
  add_string_member (builder, "id", id_url);
  add_boolean_member (builder, "asserted_user", user == session->user);
  add_string_member (builder, "user_id", user->user_id);
  add_string_member (builder, "organization_id", self->fixture->org_id);
  add_string_member (builder, "username", user->username);
  add_string_member (builder, "nick_name", user->username);
  add_string_member (builder, "display_name", user->name);
  add_string_member (builder, "email", user->email);
  add_boolean_member (builder, "email_verified", TRUE);
  add_boolean_member (builder, "active", user->active);
  add_locale_members (builder);
  add_urls (self, builder, user);
  json_builder_end_object (builder);

  stand_in_respond_json (self, msg, SOUP_STATUS_OK, builder);
}

void
stand_in_add_identity_routes (StandIn *self)
{
  stand_in_add_route (self, "/services/oauth2/userinfo", "userinfo", handle_userinfo);
  stand_in_add_route (self, "/id", "id", handle_id);
}
