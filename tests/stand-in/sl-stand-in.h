/* sl-stand-in.h: types shared by the files of the Salesforce stand-in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Exit status for a bad command line or a malformed fixture. */
#define STAND_IN_EXIT_USAGE 2

#define STAND_IN_ERROR (stand_in_error_quark ())

typedef enum
{
  STAND_IN_ERROR_FIXTURE,
  STAND_IN_ERROR_FAULT,
} StandInError;

GQuark stand_in_error_quark (void);

/* The Experience Cloud site ID sent for clients with "community": true. */
#define STAND_IN_COMMUNITY_ID "0DB5g000000CaSeGAK"

/* A connected app registered in the fixture. */
typedef struct
{
  char      *client_id;
  char      *name;
  GPtrArray *redirect_uris;
  gboolean   require_pkce;
  gboolean   community;
} StandInClient;

/* A Salesforce user from the fixture. */
typedef struct
{
  char     *user_id;
  char     *username;
  char     *password;
  char     *email;
  char     *name;
  gboolean  active;
  gboolean  can_edit_cases;
  /* FALSE: REST calls return 403 API_DISABLED_FOR_ORG. */
  gboolean  api_enabled;
  /* FALSE: the org has not approved the app for this user, so sign-in
   * ends with error=OAUTH_APP_ACCESS_DENIED. */
  gboolean  app_approved;
} StandInUser;

/* A Case record.  REST writes change it in place. */
typedef struct
{
  char *id;
  char *case_number;
  char *subject;
  char *status;
  char *owner_id;
} StandInCase;

/* A CaseComment record, created through REST. */
typedef struct
{
  char     *id;
  char     *parent_id;
  char     *comment_body;
  gboolean  is_published;
  char     *created_by_id;
  char     *created_date;   /* 2026-12-04T10:00:00.000+0000 */
} StandInComment;

/* A validation rule that rejects writes setting @field of @object to
 * @value, with @message as the error text. */
typedef struct
{
  char *object;
  char *field;
  char *value;
  char *message;
} StandInValidationRule;

typedef struct
{
  char      *org_id;
  char      *org_name;
  GPtrArray *clients;
  GPtrArray *users;
  GPtrArray *case_statuses;     /* char *, the Case Status picklist */
  GPtrArray *validation_rules;  /* StandInValidationRule */
  GPtrArray *cases;             /* StandInCase */
  GPtrArray *comments;          /* StandInComment, in creation order */
  guint      api_limit;         /* REST requests allowed per day */
} StandInFixture;

/* An injected failure for one endpoint.  A status of 0 keeps the real
 * response, so a fault with only a delay slows the endpoint down. */
typedef struct
{
  char     *endpoint;
  guint     status;
  char     *body;
  char     *content_type;
  guint     delay_ms;
  gboolean  drop;
  gboolean  process;        /* handle the request first, then apply the fault */
  int       times;          /* requests left, -1 for unlimited */
} StandInFault;

/* The state of the server.  One instance lives for the whole process. */
typedef struct
{
  StandInFixture *fixture;
  SoupServer     *server;
  guint           port;
  char           *login_url;       /* http://127.0.0.1:PORT, or https:// */
  char           *instance_url;    /* http://localhost:PORT, or https:// */
  gboolean        hostile_login_page;  /* authorize serves the hostile page */
  char           *auto_sign_in;    /* username, or NULL */
  gint64          code_lifetime_us;
  gint64          access_token_lifetime_us;  /* 0: access tokens never expire */
  gboolean        rotate_refresh_tokens;
  GPtrArray      *faults;          /* StandInFault */
  GPtrArray      *requests;        /* JsonObject, in arrival order */
  GOutputStream  *log_stream;      /* JSON lines, or NULL */
  GHashTable     *transactions;    /* id -> StandInTransaction */
  GHashTable     *codes;           /* code -> StandInCode */
  GHashTable     *refresh_tokens;  /* token -> StandInSession */
  GHashTable     *access_tokens;   /* token -> StandInAccessToken */
  GPtrArray      *issued_secrets;  /* char *: every code and token handed out */
  GBytes         *signing_key;
  GPtrArray      *routes;
  guint           api_requests;    /* REST requests counted so far */
  guint           next_record_id;  /* sequence number for new record IDs */
} StandIn;

/* One sign-in in progress between authorize and the callback. */
typedef struct
{
  const StandInClient *client;
  const StandInUser   *user;        /* set once the password was right */
  char                *redirect_uri;
  char                *state;
  char                *scope;
  char                *code_challenge;
} StandInTransaction;

typedef struct
{
  const StandInClient *client;
  const StandInUser   *user;
  char                *redirect_uri;
  char                *scope;
  char                *code_challenge;
  gint64               expires_at;  /* monotonic time, microseconds */
} StandInCode;

/* What a refresh token and the access tokens issued from it share.  With
 * --rotate-refresh-tokens every refresh token of the rotation chain maps
 * to the same session, and only @refresh_token, the newest, is accepted.
 * Reference counted with g_rc_box. */
typedef struct
{
  const StandInClient *client;
  const StandInUser   *user;
  char                *scope;
  char                *refresh_token;  /* newest of the chain, or NULL */
  gboolean             revoked;
} StandInSession;

/* An issued access token. */
typedef struct
{
  StandInSession *session;     /* a reference */
  gint64          expires_at;  /* monotonic time, microseconds */
} StandInAccessToken;

typedef void (*StandInHandler) (StandIn           *self,
                                SoupServerMessage *msg,
                                GHashTable        *query);

/* Returns the endpoint name of a request for the request log and faults,
 * for routes that serve several endpoints under one path. */
typedef const char *(*StandInClassifier) (SoupServerMessage *msg);

/* The field types of the sObjects the stand-in serves, as describe names
 * them. */
typedef enum
{
  STAND_IN_FIELD_ID,
  STAND_IN_FIELD_STRING,
  STAND_IN_FIELD_TEXTAREA,
  STAND_IN_FIELD_PICKLIST,
  STAND_IN_FIELD_BOOLEAN,
  STAND_IN_FIELD_DATETIME,
  STAND_IN_FIELD_REFERENCE,
} StandInFieldType;

typedef struct
{
  const char       *name;
  StandInFieldType  type;
  const char       *label;
  guint             length;        /* for strings and text areas */
  const char       *reference_to;  /* object of a reference field */
  const char       *relationship;  /* e.g. "Owner" for OwnerId */
  gboolean          createable;
  gboolean          updateable;
} StandInField;

typedef struct
{
  const char         *name;
  const char         *label;
  const char         *key_prefix;
  const StandInField *fields;
  guint               n_fields;
} StandInObject;

/* A parsed SOQL query. */
typedef struct
{
  const StandInObject *object;
  GPtrArray           *fields;       /* char *, canonical names, "Owner.Name" */
  GPtrArray           *conditions;   /* StandInCondition, all joined by AND */
  char                *order_by;     /* canonical name, or NULL */
  gboolean             descending;
  gint64               limit;        /* -1 for none */
} StandInQuery;

typedef struct
{
  char     *field;
  JsonNode *value;
} StandInCondition;

/* A REST error: the errorCode, its message and the fields it names.
 * NULL @fields leaves the "fields" member out. */
typedef struct
{
  guint       status;
  char       *error_code;
  char       *message;
  GPtrArray  *fields;
} StandInRestError;

/* sl-stand-in-fixture.c */
StandInFixture      *stand_in_fixture_load             (const char           *path,
                                                        GError              **error);
void                 stand_in_fixture_free             (StandInFixture       *fixture);
const StandInClient *stand_in_fixture_find_client      (const StandInFixture *fixture,
                                                        const char           *client_id);
const StandInUser   *stand_in_fixture_find_user        (const StandInFixture *fixture,
                                                        const char           *username);
const StandInUser   *stand_in_fixture_find_user_by_id  (const StandInFixture *fixture,
                                                        const char           *user_id);
gboolean             stand_in_client_has_redirect_uri  (const StandInClient  *client,
                                                        const char           *redirect_uri);
char                *stand_in_fixture_dup_string       (JsonObject           *object,
                                                        const char           *member,
                                                        const char           *where,
                                                        GError              **error);
gboolean             stand_in_fixture_read_boolean     (JsonObject           *object,
                                                        const char           *member,
                                                        gboolean              fallback,
                                                        const char           *where,
                                                        gboolean             *value,
                                                        GError              **error);
gboolean             stand_in_fixture_check_id         (const char           *id,
                                                        const char           *prefix,
                                                        const char           *where,
                                                        GError              **error);
JsonObject          *stand_in_fixture_get_object       (JsonArray            *array,
                                                        guint                 index,
                                                        const char           *where,
                                                        GError              **error);

/* sl-stand-in-records.c */
gboolean             stand_in_fixture_load_records     (StandInFixture       *fixture,
                                                        JsonObject           *root,
                                                        GError              **error);
void                 stand_in_fixture_free_records     (StandInFixture       *fixture);
StandInCase         *stand_in_fixture_find_case        (const StandInFixture *fixture,
                                                        const char           *case_id);
gboolean             stand_in_fixture_has_status       (const StandInFixture *fixture,
                                                        const char           *status);
const StandInValidationRule *
                     stand_in_fixture_find_violated_rule (const StandInFixture *fixture,
                                                          const char           *object,
                                                          const char           *field,
                                                          const char           *value);
StandInComment      *stand_in_add_comment              (StandIn              *self,
                                                        const char           *parent_id,
                                                        const char           *comment_body,
                                                        gboolean              is_published,
                                                        const char           *created_by_id);

/* sl-stand-in-sobjects.c */
const StandInObject *stand_in_find_object              (const char           *name);
const StandInField  *stand_in_object_find_field        (const StandInObject  *object,
                                                        const char           *name);
GPtrArray           *stand_in_list_records             (StandIn              *self,
                                                        const StandInObject  *object);
JsonObject          *stand_in_find_record              (StandIn              *self,
                                                        const StandInObject  *object,
                                                        const char           *id);
void                 stand_in_build_describe           (StandIn              *self,
                                                        JsonBuilder          *builder,
                                                        const StandInObject  *object,
                                                        gboolean              can_edit);

/* sl-stand-in-soql.c */
StandInQuery        *stand_in_query_parse              (const char           *soql,
                                                        StandInRestError    **error);
void                 stand_in_query_free               (StandInQuery         *query);
GPtrArray           *stand_in_query_run                (StandIn              *self,
                                                        const StandInQuery   *query);
JsonNode            *stand_in_query_get_value          (StandIn              *self,
                                                        const StandInObject  *object,
                                                        JsonObject           *record,
                                                        const char           *path);


/* sl-stand-in-faults.c */
gboolean             stand_in_endpoint_is_known        (const char           *endpoint);
StandInFault        *stand_in_fault_parse_spec         (const char           *spec,
                                                        GError              **error);
StandInFault        *stand_in_fault_from_json          (JsonNode             *node,
                                                        GError              **error);
void                 stand_in_fault_free               (StandInFault         *fault);
StandInFault        *stand_in_take_fault               (StandIn              *self,
                                                        const char           *endpoint);

/* sl-stand-in-http.c */
void                 stand_in_add_route                (StandIn              *self,
                                                        const char           *path,
                                                        const char           *endpoint,
                                                        StandInHandler        handler);
void                 stand_in_add_classified_route     (StandIn              *self,
                                                        const char           *path,
                                                        StandInClassifier     classify,
                                                        StandInHandler        handler);
JsonNode            *stand_in_read_json                (SoupServerMessage    *msg,
                                                        GError              **error);
void                 stand_in_respond_no_content       (StandIn              *self,
                                                        SoupServerMessage    *msg);
GHashTable          *stand_in_read_form                (SoupServerMessage    *msg);
void                 stand_in_note_grant_type          (SoupServerMessage    *msg,
                                                        const char           *grant_type);
void                 stand_in_note_page                (SoupServerMessage    *msg,
                                                        const char           *page);
void                 stand_in_note_beacon              (SoupServerMessage    *msg,
                                                        const char           *beacon);
void                 stand_in_respond                  (StandIn              *self,
                                                        SoupServerMessage    *msg,
                                                        guint                 status,
                                                        const char           *content_type,
                                                        const char           *body);
void                 stand_in_respond_json             (StandIn              *self,
                                                        SoupServerMessage    *msg,
                                                        guint                 status,
                                                        JsonBuilder          *builder);
void                 stand_in_respond_html             (StandIn              *self,
                                                        SoupServerMessage    *msg,
                                                        guint                 status,
                                                        const char           *html);
void                 stand_in_respond_redirect         (StandIn              *self,
                                                        SoupServerMessage    *msg,
                                                        const char           *location);
void                 stand_in_respond_oauth_error      (StandIn              *self,
                                                        SoupServerMessage    *msg,
                                                        const char           *error,
                                                        const char           *description);

/* sl-stand-in-pages.c */
char                *stand_in_page_login               (const char           *transaction_id,
                                                        const char           *username,
                                                        gboolean              show_error);
char                *stand_in_page_consent             (const char           *transaction_id,
                                                        const StandInClient  *client,
                                                        const StandInUser    *user);
char                *stand_in_page_error               (const char           *error,
                                                        const char           *description);

/* sl-stand-in-authorize.c */
void                 stand_in_add_authorize_routes     (StandIn              *self);

/* sl-stand-in-token.c */
void                 stand_in_add_token_routes         (StandIn              *self);
char                *stand_in_random_string            (const char           *prefix,
                                                        guint                 length);
char                *stand_in_issue_code               (StandIn              *self,
                                                        StandInTransaction   *transaction);
StandInSession      *stand_in_lookup_access_token      (StandIn              *self,
                                                        const char           *token);
void                 stand_in_revoke_session           (StandIn              *self,
                                                        StandInSession       *session);
void                 stand_in_expire_access_tokens     (StandIn              *self);

char                *stand_in_get_community_url        (StandIn              *self);

/* sl-stand-in-identity.c */
void                 stand_in_add_identity_routes      (StandIn              *self);
const char          *stand_in_get_bearer_token         (SoupServerMessage    *msg);

/* sl-stand-in-rest.c */
void                 stand_in_add_rest_routes          (StandIn              *self);
StandInRestError    *stand_in_rest_error_new           (guint                 status,
                                                        const char           *error_code,
                                                        const char           *message,
                                                        const char           *first_field,
                                                        ...);
StandInRestError    *stand_in_rest_error_new_no_fields (guint                 status,
                                                        const char           *error_code,
                                                        const char           *message);
void                 stand_in_rest_error_free          (StandInRestError     *error);

/* sl-stand-in-hostile.c */
char                *stand_in_page_hostile             (const char           *login_url);
gboolean             stand_in_set_authorize_page       (StandIn              *self,
                                                        const char           *page);
void                 stand_in_add_hostile_routes       (StandIn              *self);

/* sl-stand-in-control.c */
void                 stand_in_add_control_routes       (StandIn              *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StandInQuery, stand_in_query_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StandInRestError, stand_in_rest_error_free)

G_END_DECLS
