/* sl-memory.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The sign-in dialog loads WebKitGTK and the libraries it depends on.
 * WebKitGTK registers GLib types, which cannot be unregistered, so these
 * libraries stay loaded after the dialog is gone. Their pages need not
 * stay in memory, though: MADV_PAGEOUT lets the kernel drop the clean ones
 * at once. Without swap, dirty private pages stay where they are. The
 * mappings and their contents do not change for the code that uses them.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "sl-memory.h"

/* Splits one line of a maps file: "START-END PERMS OFFSET DEV INODE PATH".
 * Returns FALSE for a line without a file path, such as an anonymous
 * mapping, [heap] or [stack]. */
static gboolean
parse_line (const char  *line,
            guintptr    *start,
            guintptr    *end,
            const char **path)
{
  char *rest = NULL;
  guint64 first = g_ascii_strtoull (line, &rest, 16);
  guint64 last;

  if (rest == line || *rest != '-')
    return FALSE;
  last = g_ascii_strtoull (rest + 1, &rest, 16);

  /* The path follows the fifth field, after the inode. */
  for (guint field = 0; field < 4 && rest != NULL; field++)
    {
      while (*rest == ' ')
        rest++;
      rest = strchr (rest, ' ');
    }
  if (rest == NULL)
    return FALSE;
  while (*rest == ' ')
    rest++;

  if (*rest != '/' || last <= first)
    return FALSE;

  *start = (guintptr) first;
  *end = (guintptr) last;
  *path = rest;
  return TRUE;
}

GHashTable *
sl_memory_mapped_files (const char *maps)
{
  GHashTable *files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto (GStrv) lines = NULL;

  g_return_val_if_fail (maps != NULL, files);

  lines = g_strsplit (maps, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      guintptr start, end;
      const char *path;

      if (parse_line (lines[i], &start, &end, &path))
        g_hash_table_add (files, g_strdup (path));
    }

  return files;
}

GArray *
sl_memory_new_file_ranges (const char *maps,
                           GHashTable *known)
{
  GArray *ranges = g_array_new (FALSE, FALSE, sizeof (SlMemoryRange));
  g_auto (GStrv) lines = NULL;

  g_return_val_if_fail (maps != NULL, ranges);
  g_return_val_if_fail (known != NULL, ranges);

  lines = g_strsplit (maps, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      SlMemoryRange range;
      guintptr end;
      const char *path;

      if (!parse_line (lines[i], &range.start, &end, &path)
          || g_hash_table_contains (known, path))
        continue;

      range.length = end - range.start;
      g_array_append_val (ranges, range);
    }

  return ranges;
}

static char *
read_own_maps (void)
{
  g_autoptr (GError) error = NULL;
  char *maps = NULL;

  if (!g_file_get_contents ("/proc/self/maps", &maps, NULL, &error))
    g_debug ("Cannot read the memory map: %s", error->message);

  return maps;
}

GHashTable *
sl_memory_snapshot (void)
{
  g_autofree char *maps = read_own_maps ();

  return sl_memory_mapped_files (maps != NULL ? maps : "");
}

gsize
sl_memory_release_file_pages (GHashTable *known)
{
  g_autofree char *maps = NULL;
  g_autoptr (GArray) ranges = NULL;
  gsize advised = 0;

  g_return_val_if_fail (known != NULL, 0);

#ifdef __GLIBC__
  malloc_trim (0);
#endif

  maps = read_own_maps ();
  if (maps == NULL)
    return 0;

#ifdef MADV_PAGEOUT
  ranges = sl_memory_new_file_ranges (maps, known);
  for (guint i = 0; i < ranges->len; i++)
    {
      SlMemoryRange *range = &g_array_index (ranges, SlMemoryRange, i);

      /* Kernels older than Linux 5.4 reject this advice, which only means
       * that the pages stay resident. */
      if (madvise ((void *) range->start, range->length, MADV_PAGEOUT) != 0)
        {
          g_debug ("The kernel declined to reclaim pages: %s", g_strerror (errno));
          break;
        }
      advised += range->length;
    }
#endif

  g_debug ("Asked the kernel to reclaim %" G_GSIZE_FORMAT " bytes of library pages", advised);
  return advised;
}
