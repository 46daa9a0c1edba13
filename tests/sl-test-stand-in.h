/* sl-test-stand-in.h: runs the Salesforce stand-in for unit tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _SlTestStandIn SlTestStandIn;

/* Spawns $SL_STAND_IN --fixture $SL_TEST_FIXTURE --port 0 plus the extra
 * arguments (NULL-terminated), reads the URL line; g_error()s on failure.
 * It has no G_GNUC_NULL_TERMINATED, because GCC's sentinel check rejects
 * the call without extra arguments, sl_test_stand_in_start (NULL). */
SlTestStandIn *sl_test_stand_in_start            (const char    *first_arg,
                                                  ...);
const char    *sl_test_stand_in_get_url          (SlTestStandIn *self);
void           sl_test_stand_in_add_fault        (SlTestStandIn *self,
                                                  const char    *json_fault);
void           sl_test_stand_in_reset            (SlTestStandIn *self);
JsonArray     *sl_test_stand_in_get_requests     (SlTestStandIn *self);
guint          sl_test_stand_in_count_requests   (SlTestStandIn *self,
                                                  const char    *endpoint);
char          *sl_test_stand_in_authorize        (SlTestStandIn *self,
                                                  const char    *authorize_uri);
JsonArray     *sl_test_stand_in_get_records      (SlTestStandIn *self,
                                                  const char    *object);
void           sl_test_stand_in_set_auto_sign_in (SlTestStandIn *self,
                                                  const char    *username);
char          *sl_test_stand_in_get_access_token (SlTestStandIn *self,
                                                  const char    *username);
void           sl_test_stand_in_stop             (SlTestStandIn *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SlTestStandIn, sl_test_stand_in_stop)

G_END_DECLS
