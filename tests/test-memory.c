/* test-memory.c: the mappings whose pages the app releases after a sign-in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib.h>

#include "sl-memory.h"

static const char *maps_before =
  "55d0c0a00000-55d0c0a21000 r--p 00000000 08:01 1234    /usr/bin/app\n"
  "55d0c1e00000-55d0c2000000 rw-p 00000000 00:00 0       [heap]\n"
  "7f0000000000-7f0000200000 r-xp 00000000 08:01 2000    /usr/lib/libgtk-4.so.1\n"
  "7f0000400000-7f0000401000 rw-p 00000000 00:00 0 \n"
  "7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0       [stack]\n";

/* The same process after a module with one library was loaded. */
static const char *maps_after =
  "55d0c0a00000-55d0c0a21000 r--p 00000000 08:01 1234    /usr/bin/app\n"
  "55d0c1e00000-55d0c2800000 rw-p 00000000 00:00 0       [heap]\n"
  "7f0000000000-7f0000200000 r-xp 00000000 08:01 2000    /usr/lib/libgtk-4.so.1\n"
  "7f0000400000-7f0000401000 rw-p 00000000 00:00 0 \n"
  "7f1000000000-7f1000100000 r--p 00000000 08:01 3000    /usr/lib/libweb engine.so.4\n"
  "7f1000100000-7f1003000000 r-xp 00100000 08:01 3000    /usr/lib/libweb engine.so.4\n"
  "7f2000000000-7f2000010000 rw-s 00000000 00:05 4000    /memfd:shared (deleted)\n"
  "7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0       [stack]\n";

static void
test_mapped_files (void)
{
  g_autoptr (GHashTable) files = sl_memory_mapped_files (maps_before);

  g_assert_cmpuint (g_hash_table_size (files), ==, 2);
  g_assert_true (g_hash_table_contains (files, "/usr/bin/app"));
  g_assert_true (g_hash_table_contains (files, "/usr/lib/libgtk-4.so.1"));
}

static void
test_new_file_ranges (void)
{
  g_autoptr (GHashTable) known = sl_memory_mapped_files (maps_before);
  g_autoptr (GArray) ranges = sl_memory_new_file_ranges (maps_after, known);
  SlMemoryRange *range;

  /* The two mappings of the new library, whose path has a space, and the
   * shared memory file. The heap, the stack and anonymous memory are left out. */
  g_assert_cmpuint (ranges->len, ==, 3);
  range = &g_array_index (ranges, SlMemoryRange, 0);
  g_assert_cmphex (range->start, ==, 0x7f1000000000);
  g_assert_cmphex (range->length, ==, 0x100000);
  range = &g_array_index (ranges, SlMemoryRange, 1);
  g_assert_cmphex (range->start, ==, 0x7f1000100000);
  g_assert_cmphex (range->length, ==, 0x2f00000);
  range = &g_array_index (ranges, SlMemoryRange, 2);
  g_assert_cmphex (range->start, ==, 0x7f2000000000);
}

static void
test_nothing_new (void)
{
  g_autoptr (GHashTable) known = sl_memory_mapped_files (maps_after);
  g_autoptr (GArray) ranges = sl_memory_new_file_ranges (maps_after, known);

  g_assert_cmpuint (ranges->len, ==, 0);
}

static void
test_malformed_lines (void)
{
  g_autoptr (GHashTable) known = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GArray) ranges = NULL;

  ranges = sl_memory_new_file_ranges ("\n"
                                      "not a mapping /usr/lib/x.so\n"
                                      "7f00-7f10\n"
                                      "7f10-7f00 r--p 0 08:01 1 /usr/lib/backwards.so\n"
                                      "7f00-7f10 r--p 0 08:01 1\n"
                                      "zz-yy r--p 0 08:01 1 /usr/lib/y.so",
                                      known);

  g_assert_cmpuint (ranges->len, ==, 0);
}

/* The real map of this process lists the test program itself. */
static void
test_snapshot (void)
{
  g_autoptr (GHashTable) files = sl_memory_snapshot ();
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);

  g_assert_nonnull (self);
  g_assert_true (g_hash_table_contains (files, self));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/memory/mapped-files", test_mapped_files);
  g_test_add_func ("/memory/new-file-ranges", test_new_file_ranges);
  g_test_add_func ("/memory/nothing-new", test_nothing_new);
  g_test_add_func ("/memory/malformed-lines", test_malformed_lines);
  g_test_add_func ("/memory/snapshot", test_snapshot);

  return g_test_run ();
}
