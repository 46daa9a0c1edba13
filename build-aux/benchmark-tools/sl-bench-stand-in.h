/* sl-bench-stand-in.h: synchronous requests to the stand-in for benchmarks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Requests @authorize_uri without following the redirect and returns its
 * Location header, which is the callback URI when the stand-in signs a user
 * in automatically. Returns NULL with an error otherwise. */
char  *sl_bench_stand_in_authorize    (const char  *authorize_uri,
                                       GError     **error);

/* POSTs an empty body to the control endpoint @path of the stand-in at
 * @url and fails unless it returns 200. */
gboolean sl_bench_stand_in_control    (const char  *url,
                                       const char  *path,
                                       GError     **error);

/* Returns how many `refresh_token` grants the stand-in at @url logged
 * since its last reset, or -1 with an error. */
gint   sl_bench_stand_in_count_refreshes (const char  *url,
                                          GError     **error);

G_END_DECLS
