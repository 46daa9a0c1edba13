/* sl-rest-client.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "sl-credentials.h"
#include "sl-token-refresher.h"

G_BEGIN_DECLS

#define SL_REST_ERROR (sl_rest_error_quark ())

/**
 * SlRestError:
 * @SL_REST_ERROR_SESSION_EXPIRED: 401 `INVALID_SESSION_ID`
 * @SL_REST_ERROR_NO_ACCESS: `INSUFFICIENT_ACCESS_OR_READONLY` and other 403s
 * @SL_REST_ERROR_NOT_FOUND: `NOT_FOUND`, or a query that matched nothing
 * @SL_REST_ERROR_VALIDATION: `FIELD_CUSTOM_VALIDATION_EXCEPTION`,
 *   `REQUIRED_FIELD_MISSING`, `STRING_TOO_LONG` and other rejected input
 * @SL_REST_ERROR_LIMIT_EXCEEDED: `REQUEST_LIMIT_EXCEEDED`
 * @SL_REST_ERROR_OFFLINE: Salesforce could not be reached
 * @SL_REST_ERROR_TIMED_OUT: no response in time, so the request may have taken effect
 * @SL_REST_ERROR_UNEXPECTED_RESPONSE: a body that is not Salesforce's JSON
 * @SL_REST_ERROR_FAILED: any other `errorCode`
 * @SL_REST_ERROR_API_DISABLED: `API_DISABLED_FOR_ORG` or `API_CURRENTLY_DISABLED`:
 *   the user or the org may not use the API
 *
 * Errors of REST calls. The message is translated and says what happened in
 * words a support agent understands; for validation errors it is Salesforce's
 * own `message`, which is already in the user's language.
 */
typedef enum
{
  SL_REST_ERROR_SESSION_EXPIRED,
  SL_REST_ERROR_NO_ACCESS,
  SL_REST_ERROR_NOT_FOUND,
  SL_REST_ERROR_VALIDATION,
  SL_REST_ERROR_LIMIT_EXCEEDED,
  SL_REST_ERROR_OFFLINE,
  SL_REST_ERROR_TIMED_OUT,
  SL_REST_ERROR_UNEXPECTED_RESPONSE,
  SL_REST_ERROR_FAILED,
  SL_REST_ERROR_API_DISABLED,
} SlRestError;

GQuark              sl_rest_error_quark          (void);

/* The first `errorCode` of Salesforce's error array, or NULL. */
const char         *sl_rest_error_get_error_code (const GError *error);
/* The `fields` of the first error, NULL-terminated, or NULL. */
const char * const *sl_rest_error_get_fields     (const GError *error);

/* Parses a REST error response (a JSON array of {message, errorCode,
 * fields}) into @error. Non-JSON or empty bodies become
 * SL_REST_ERROR_UNEXPECTED_RESPONSE. Public for tests and fuzzing. */
void                sl_rest_parse_error          (guint         status,
                                                  const char   *content_type,
                                                  GBytes       *body,
                                                  GError      **error);

/**
 * SlCase:
 *
 * The fields of a Case the Cases page shows.
 */
typedef struct _SlCase
{
  char *id;
  char *case_number;
  char *subject;
  char *status;
  char *owner_id;
  char *owner_name;
} SlCase;

#define SL_TYPE_CASE (sl_case_get_type ())
GType   sl_case_get_type (void) G_GNUC_CONST;
SlCase *sl_case_copy     (const SlCase *self);
void    sl_case_free     (SlCase       *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SlCase, sl_case_free)

#define SL_TYPE_REST_CLIENT (sl_rest_client_get_type ())

G_DECLARE_FINAL_TYPE (SlRestClient, sl_rest_client, SL, REST_CLIENT, GObject)

/* Creates a client that calls `{instance_url}/services/data/v{api_version}/`
 * as the user of @credentials (its access token and user ID are copied) over
 * @session, which is shared and reused. @api_version is e.g. "62.0". */
SlRestClient *sl_rest_client_new (SoupSession         *session,
                                  const SlCredentials *credentials,
                                  const char          *api_version);

const char   *sl_rest_client_get_user_id (SlRestClient *self);

/* Lets the client renew an expired session. A call rejected with 401
 * `INVALID_SESSION_ID` asks @refresher (which must be for the slot of the
 * client's credentials) for a new access token, then repeats the call once
 * with it. A second 401 fails with SL_REST_ERROR_SESSION_EXPIRED. When the
 * refresh fails, the call fails with the refresher's
 * SL_OAUTH_ERROR_INVALID_GRANT (the user must sign in again), its keyring
 * or G_IO_ERROR_NOT_FOUND error, or else an SL_REST_ERROR: _OFFLINE,
 * _TIMED_OUT, _UNEXPECTED_RESPONSE or _FAILED. NULL turns renewal off. */
void          sl_rest_client_set_refresher (SlRestClient     *self,
                                            SlTokenRefresher *refresher);

/* Looks a case up by its CaseNumber (SOQL on Case: Id, CaseNumber,
 * Subject, Status, OwnerId, Owner.Name). No match is SL_REST_ERROR_NOT_FOUND. */
void     sl_rest_client_find_case_async    (SlRestClient        *self,
                                            const char          *case_number,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
SlCase  *sl_rest_client_find_case_finish   (SlRestClient        *self,
                                            GAsyncResult        *result,
                                            GError             **error);

/* Creates a CaseComment on @case_id and returns its ID. With @is_retry,
 * it first looks for a comment with the same body that this user created
 * on the case in the last @retry_window_seconds and returns that comment's
 * ID instead of posting again, so a retry after a timeout never posts the
 * comment twice. */
void     sl_rest_client_post_comment_async  (SlRestClient        *self,
                                             const char          *case_id,
                                             const char          *body,
                                             gboolean             is_published,
                                             gboolean             is_retry,
                                             guint                retry_window_seconds,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
char    *sl_rest_client_post_comment_finish (SlRestClient        *self,
                                             GAsyncResult        *result,
                                             GError             **error);

/* PATCHes the Case @case_id with @fields (e.g. {"Status": "Working"} or
 * {"OwnerId": "005..."}). Salesforce responds with 204. */
void     sl_rest_client_update_case_async   (SlRestClient        *self,
                                             const char          *case_id,
                                             JsonObject          *fields,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean sl_rest_client_update_case_finish  (SlRestClient        *self,
                                             GAsyncResult        *result,
                                             GError             **error);

/**
 * SlRestAccess:
 * @SL_REST_ACCESS_CASE_UPDATE: the user may update cases
 * @SL_REST_ACCESS_COMMENT_CREATE: the user may add case comments
 *
 * What writeback needs, as Salesforce's object descriptions report it.
 */
typedef enum
{
  SL_REST_ACCESS_NONE = 0,
  SL_REST_ACCESS_CASE_UPDATE = 1 << 0,
  SL_REST_ACCESS_COMMENT_CREATE = 1 << 1,
  SL_REST_ACCESS_ALL = SL_REST_ACCESS_CASE_UPDATE | SL_REST_ACCESS_COMMENT_CREATE,
} SlRestAccess;

/* Reads `updateable` of `sobjects/Case/describe` and `createable` of
 * `sobjects/CaseComment/describe`, so a missing permission is known before
 * any writeback fails. */
void         sl_rest_client_check_access_async  (SlRestClient        *self,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
SlRestAccess sl_rest_client_check_access_finish (SlRestClient        *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);

/* Returns a translated warning that names what the user lacks, or NULL
 * when @access has everything writeback needs. */
char        *sl_rest_access_describe_missing    (SlRestAccess         access);

/* Returns the active values of the Case Status picklist, from
 * `GET sobjects/Case/describe`, as a NULL-terminated array. */
void     sl_rest_client_get_case_statuses_async  (SlRestClient        *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
char   **sl_rest_client_get_case_statuses_finish (SlRestClient        *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

G_END_DECLS
