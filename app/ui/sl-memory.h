/* sl-memory.h: releases the pages of libraries that are no longer in use
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guintptr start;
  gsize    length;
} SlMemoryRange;

/* Returns the set of file paths mapped in @maps, the text of a
 * /proc/PID/maps file. */
GHashTable *sl_memory_mapped_files         (const char *maps);

/* Returns the address ranges (SlMemoryRange) in @maps that map a file
 * whose path is not in @known. */
GArray     *sl_memory_new_file_ranges      (const char *maps,
                                            GHashTable *known);

/* Returns the set of files mapped into this process now. */
GHashTable *sl_memory_snapshot             (void);

/* Gives back unused heap memory and advises the kernel to reclaim the
 * resident pages of every file mapped since @known was taken. The files
 * stay mapped and their contents stay valid: a page that is used again is
 * read back from disk. Returns the number of bytes advised. */
gsize       sl_memory_release_file_pages   (GHashTable *known);

G_END_DECLS
