/* test-fuzz-fixture.c: mutated fixtures for the stand-in's fixture loader
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each input is written to a file and loaded by a new sl-stand-in process.
 * A bad fixture must end it with exit status 2 and a message on standard
 * error. A fixture it accepts makes it print its URL, and SIGTERM must then
 * stop it with status 0. Anything else, such as a crash or a sanitizer
 * report, fails. The GRand seed is fixed, so a failure repeats, and
 * SL_FUZZ_SEED=N replaces it.
 */
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

/* The exit status of sl-stand-in for a malformed fixture. */
#define EXIT_BAD_FIXTURE 2
#define MAX_INPUTS 2000
#define MIN_INPUTS 50
/* Stop starting new processes after this many seconds. */
#define TIME_BUDGET_S 18
#define DEFAULT_SEED 0x5eed0101u

typedef struct
{
  GRand     *rand;
  char      *folder;
  GPtrArray *seeds;
  guint32    seed;
  guint      index;
  guint      accepted;
  guint      rejected;
} FuzzRun;

static const char * const interesting_tokens[] = {
  "\"", "\\", "%00", "%ZZ", "{", "}", "[", "]", ",", ":", "null", "true", "1e999",
  "99999999999999999999999999", "-1", "0", "\xff", "\xc3\x28", "\xed\xa0\x80", "\\u0000",
  "\\ud800", "\x01", "\"\":", "[[[[[[[[", "{\"a\":", "00D", "005", "500",
};

/* Members whose value the mutations replace with a value of another type. */
static const char * const member_names[] = {
  "\"org\"", "\"id\"", "\"name\"", "\"clients\"", "\"client_id\"", "\"redirect_uris\"",
  "\"require_pkce\"", "\"community\"", "\"users\"", "\"user_id\"", "\"username\"",
  "\"password\"", "\"email\"", "\"active\"", "\"can_edit_cases\"", "\"case_statuses\"",
  "\"validation_rules\"", "\"object\"", "\"field\"", "\"value\"", "\"message\"",
  "\"cases\"", "\"case_number\"", "\"subject\"", "\"status\"", "\"owner_id\"",
  "\"api_limit\"",
};

static const char * const wrong_values[] = {
  "null", "true", "0", "-5", "99999999999999999999", "1e999", "1.5", "\"\"", "[]", "{}",
  "[1]", "{\"a\":1}", "\"x\"", "\"\\u0000\"", "\"\xff\"", "[null]", "[[]]",
};

static void
replace_member_value (GRand   *rand,
                      GString *data)
{
  const char *name = member_names[g_rand_int_range (rand, 0, G_N_ELEMENTS (member_names))];
  const char *value = wrong_values[g_rand_int_range (rand, 0, G_N_ELEMENTS (wrong_values))];
  const char *found = strstr (data->str, name);
  gsize start;
  gsize end;

  if (found == NULL)
    return;

  /* Replaces the text up to the next ',' or '}' after the ':' of the member. */
  start = (gsize) (found - data->str) + strlen (name);
  end = start;
  while (end < data->len && data->str[end] != ',' && data->str[end] != '}')
    end++;
  g_string_erase (data, start, end - start);
  g_string_insert (data, start, ": ");
  g_string_insert (data, start + 2, value);
}

static void
mutate_bytes (GRand   *rand,
              GString *data)
{
  guint position = g_rand_int_range (rand, 0, data->len + 1);
  guint span = g_rand_int_range (rand, 1, 200);
  const char *token = interesting_tokens[g_rand_int_range (rand, 0,
                                                           G_N_ELEMENTS (interesting_tokens))];
  g_autofree char *copy = NULL;

  span = MIN (span, data->len - position);
  switch (g_rand_int_range (rand, 0, 6))
    {
    case 0:
      if (position < data->len)
        data->str[position] ^= (char) (1 << g_rand_int_range (rand, 0, 8));
      break;
    case 1:
      g_string_insert (data, position, token);
      break;
    case 2:
      g_string_insert_len (data, position, "\0", 1);
      break;
    case 3:
      g_string_erase (data, position, span);
      break;
    case 4:
      g_string_truncate (data, position);
      break;
    default:
      copy = g_strndup (data->str + position, span);
      g_string_insert_len (data, position, copy, span);
      break;
    }
}

/* Fills @input with a mutated seed, or now and then an edge case. */
static void
make_input (FuzzRun *run,
            GString *input)
{
  int pick = g_rand_int_range (run->rand, 0, 100);
  guint n_mutations = g_rand_int_range (run->rand, 1, 4);

  g_string_assign (input, g_ptr_array_index (run->seeds,
                                             g_rand_int_range (run->rand, 0, run->seeds->len)));
  if (pick < 2)
    g_string_truncate (input, 0);
  else if (pick < 4)
    {
      g_string_truncate (input, 0);
      for (guint i = 0; i < 3000; i++)
        g_string_append (input, "{\"org\":");
    }
  else
    for (guint i = 0; i < n_mutations; i++)
      {
        if (g_rand_boolean (run->rand))
          replace_member_value (run->rand, input);
        else
          mutate_bytes (run->rand, input);
      }
}

/* Runs in the child before exec, so that a stand-in left running by an
 * aborted test gets SIGTERM. */
static void
stop_with_parent (gpointer user_data)
{
  (void) user_data;
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static GSubprocess *
spawn_stand_in (const char  *fixture_path,
                const char  *stderr_path,
                GError     **error)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  const char *stand_in = g_getenv ("SL_STAND_IN");

  g_assert_nonnull (stand_in);
  /* Standard error goes to a file: a long message could fill a pipe while
   * this process waits on standard output. */
  g_subprocess_launcher_set_stderr_file_path (launcher, stderr_path);
  g_subprocess_launcher_set_child_setup (launcher, stop_with_parent, NULL, NULL);

  return g_subprocess_launcher_spawn (launcher, error, stand_in, "--fixture", fixture_path,
                                      "--port", "0", NULL);
}

/* Reads the first line of standard output: the URL, or NULL at the end of
 * the output when the stand-in exits. */
static char *
read_first_line (GSubprocess *process)
{
  g_autoptr(GDataInputStream) stream =
    g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));

  return g_data_input_stream_read_line (stream, NULL, NULL, NULL);
}

static void
report_input (FuzzRun    *run,
              const char *fixture_path,
              const char *stderr_path)
{
  g_autofree char *messages = NULL;

  g_file_get_contents (stderr_path, &messages, NULL, NULL);
  g_test_message ("Input: seed %u, index %u, kept in %s; standard error: %s",
                  run->seed, run->index, fixture_path, messages);
}

static void
check_rejected (FuzzRun     *run,
                GSubprocess *process,
                const char  *fixture_path,
                const char  *stderr_path)
{
  g_autofree char *messages = NULL;
  gboolean ok;

  g_assert_true (g_subprocess_wait (process, NULL, NULL));
  ok = g_subprocess_get_if_exited (process)
       && g_subprocess_get_exit_status (process) == EXIT_BAD_FIXTURE;
  if (!ok)
    report_input (run, fixture_path, stderr_path);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, EXIT_BAD_FIXTURE);

  g_assert_true (g_file_get_contents (stderr_path, &messages, NULL, NULL));
  g_assert_true (g_str_has_prefix (messages, "sl-stand-in: "));
  run->rejected++;
}

static void
check_accepted (FuzzRun     *run,
                GSubprocess *process,
                const char  *url,
                const char  *fixture_path,
                const char  *stderr_path)
{
  gboolean ok;

  g_assert_true (g_str_has_prefix (url, "http://127.0.0.1:"));
  g_subprocess_send_signal (process, SIGTERM);
  g_assert_true (g_subprocess_wait (process, NULL, NULL));
  ok = g_subprocess_get_if_exited (process) && g_subprocess_get_exit_status (process) == 0;
  if (!ok)
    report_input (run, fixture_path, stderr_path);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  run->accepted++;
}

static void
run_one (FuzzRun       *run,
         const GString *input)
{
  g_autofree char *fixture_path = g_build_filename (run->folder, "fixture.json", NULL);
  g_autofree char *stderr_path = g_build_filename (run->folder, "stderr.txt", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *url = NULL;

  g_assert_true (g_file_set_contents (fixture_path, input->str, input->len, &error));
  process = spawn_stand_in (fixture_path, stderr_path, &error);
  g_assert_no_error (error);

  url = read_first_line (process);
  if (url == NULL)
    check_rejected (run, process, fixture_path, stderr_path);
  else
    check_accepted (run, process, url, fixture_path, stderr_path);
}

static GPtrArray *
load_seeds (void)
{
  const char *paths[] = {
    g_getenv ("SL_TEST_FIXTURE"),
    g_test_get_filename (G_TEST_DIST, "fuzz-seeds", "fixture-minimal.json", NULL),
    g_test_get_filename (G_TEST_DIST, "fuzz-seeds", "fixture-records.json", NULL),
  };
  GPtrArray *seeds = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      char *contents = NULL;

      g_assert_nonnull (paths[i]);
      g_assert_true (g_file_get_contents (paths[i], &contents, NULL, NULL));
      g_ptr_array_add (seeds, contents);
    }

  return seeds;
}

static void
remove_folder (const char *folder)
{
  const char * const names[] = { "fixture.json", "stderr.txt" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (folder, names[i], NULL);

      g_assert_cmpint (g_remove (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (folder), ==, 0);
}

static guint32
get_seed (void)
{
  const char *text = g_getenv ("SL_FUZZ_SEED");
  guint64 seed = 0;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT32, &seed, NULL))
    return DEFAULT_SEED;

  return (guint32) seed;
}

static void
test_mutated_fixtures (void)
{
  FuzzRun run = { 0, };
  g_autoptr(GString) input = g_string_new (NULL);
  g_autoptr(GTimer) timer = g_timer_new ();
  g_autoptr(GError) error = NULL;

  run.seed = get_seed ();
  run.rand = g_rand_new_with_seed (run.seed);
  run.seeds = load_seeds ();
  run.folder = g_dir_make_tmp ("sl-fuzz-fixture-XXXXXX", &error);
  g_assert_no_error (error);
  g_test_message ("Seed %u, up to %u fixtures in %d s", run.seed, MAX_INPUTS, TIME_BUDGET_S);

  for (run.index = 0; run.index < MAX_INPUTS; run.index++)
    {
      if (run.index >= MIN_INPUTS && g_timer_elapsed (timer, NULL) > TIME_BUDGET_S)
        break;
      make_input (&run, input);
      run_one (&run, input);
    }

  g_test_message ("%u fixtures: %u accepted, %u rejected", run.index, run.accepted,
                  run.rejected);
  g_assert_cmpuint (run.rejected, >, 0);
  g_assert_cmpuint (run.accepted, >, 0);

  remove_folder (run.folder);
  g_clear_pointer (&run.rand, g_rand_free);
  g_clear_pointer (&run.seeds, g_ptr_array_unref);
  g_clear_pointer (&run.folder, g_free);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fuzz/stand-in-fixture", test_mutated_fixtures);

  return g_test_run ();
}
