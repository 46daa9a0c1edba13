# SPDX-License-Identifier: GPL-3.0-or-later
"""Measures the app against references run in the same session.

build-aux/benchmark builds everything and runs this file inside
tests/run-isolated (private D-Bus session, unlocked gnome-keyring, Xvfb,
throw-away HOME and XDG folders). It prints one table row per figure and
exits with status 1 when a goal is missed.

Tokens and authorization codes exist here only in memory: they go to curl
on its standard input (never on its command line) and are never printed or
written to a file.
"""

import base64
import hashlib
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import time
import urllib.parse

APP_ID = "com.supportlogic.Connect"
APP_PATH = "/com/supportlogic/Connect"
APP_TITLE = "SupportLogic Connect"
DIALOG_TITLE = "Sign in to Salesforce"
REFERENCE_TITLE = "Benchmark Reference"
CLIENT_ID = "SupportLogicConnectDemo"
REDIRECT_URI = "com.supportlogic.connect:/oauth2/callback"
SIGN_IN_USER = "integration@acme.example.com"
API_VERSION = "v62.0"
MIB = 1024 * 1024

STARTUP_RUNS = 7
STATUS_RUNS = 10
SIGN_IN_RUNS = 7
REFRESH_RUNS = 3
CONCURRENT_CALLS = 50
WRITEBACK_RUNS = 5
WRITEBACK_COUNT = 1000
# Time for the web processes to exit and the app to settle after the sign-in
# dialog closed, before they are counted and the memory is read.
SETTLE_SECONDS = 3.0


class BenchmarkError(Exception):
    pass


def log(message):
    print(f"benchmark: {message}", file=sys.stderr, flush=True)


def median(values):
    return statistics.median(values)


def wait_until(predicate, timeout, interval=0.05):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


class Paths:
    def __init__(self):
        self.build = os.environ["SL_BENCH_BUILD_DIR"]
        self.source = os.environ["SL_BENCH_SOURCE_DIR"]
        self.app = os.path.join(self.build, "app", "supportlogic-connect")
        self.stand_in = os.path.join(self.build, "tests", "stand-in", "sl-stand-in")
        tools = os.path.join(self.build, "build-aux", "benchmark-tools")
        self.reference_app = os.path.join(tools, "sl-bench-reference-app")
        self.core_driver = os.path.join(tools, "sl-bench-core")
        self.fixture = os.path.join(self.source, "tests", "fixtures", "test-org.json")
        self.logs = os.path.join(self.build, "benchmark-logs")
        os.makedirs(self.logs, exist_ok=True)


class StandIn:
    """The Salesforce stand-in on a free loopback port, signing a user in
    automatically and with an API limit that the writebacks cannot reach."""

    def __init__(self, paths):
        self.log = open(os.path.join(paths.logs, "stand-in.log"), "w")
        self.process = subprocess.Popen(
            [paths.stand_in, "--fixture", paths.fixture, "--port", "0",
             "--auto-sign-in", SIGN_IN_USER, "--api-limit", "100000000"],
            stdout=subprocess.PIPE, stderr=self.log, text=True)
        self.url = self.process.stdout.readline().strip()
        if not self.url.startswith("http://127.0.0.1:"):
            raise BenchmarkError(f"the stand-in printed no URL (got {self.url!r})")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        self.log.close()


def curl(config, timeout=120):
    """Runs curl with @config on its standard input, so secrets stay off the
    command line, and returns its standard output."""
    result = subprocess.run(["curl", "--noproxy", "*", "-s", "-K", "-"], input=config,
                            capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise BenchmarkError(f"curl failed with exit status {result.returncode}")
    return result.stdout


def quote(value):
    """Quotes @value for a curl config file."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class CurlClient:
    """The curl reference: the same HTTP requests as the app, one curl
    process per step."""

    def __init__(self, stand_in):
        self.url = stand_in.url

    def authorize(self):
        """Returns (code, verifier) from an automatic sign-in. Not timed."""
        verifier = secrets.token_urlsafe(64)
        digest = hashlib.sha256(verifier.encode()).digest()
        challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        query = urllib.parse.urlencode({
            "response_type": "code", "client_id": CLIENT_ID, "redirect_uri": REDIRECT_URI,
            "code_challenge": challenge, "code_challenge_method": "S256",
            "state": secrets.token_urlsafe(32)})
        location = curl(f"url = {quote(self.url + '/services/oauth2/authorize?' + query)}\n"
                        'output = "/dev/null"\nwrite-out = "%{redirect_url}"\n')
        params = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
        if "code" not in params:
            raise BenchmarkError("the stand-in's authorize redirect has no code")
        return params["code"][0], verifier

    def exchange(self, code, verifier):
        """Returns the token response as a dictionary."""
        form = urllib.parse.urlencode({
            "grant_type": "authorization_code", "code": code, "client_id": CLIENT_ID,
            "redirect_uri": REDIRECT_URI, "code_verifier": verifier})
        body = curl(f"url = {quote(self.url + '/services/oauth2/token')}\n"
                    f"data = {quote(form)}\n")
        token = json.loads(body)
        if "access_token" not in token:
            raise BenchmarkError("the curl token request returned no access token")
        return token

    def userinfo(self, token):
        body = curl(f"url = {quote(token['instance_url'] + '/services/oauth2/userinfo')}\n"
                    f"header = {quote('Authorization: Bearer ' + token['access_token'])}\n")
        if "user_id" not in json.loads(body):
            raise BenchmarkError("the curl userinfo request returned no user ID")

    def timed_sign_in(self):
        code, verifier = self.authorize()
        start = time.monotonic()
        self.userinfo(self.exchange(code, verifier))
        return (time.monotonic() - start) * 1000

    def access_token(self):
        code, verifier = self.authorize()
        token = self.exchange(code, verifier)
        return token["access_token"], token["instance_url"]

    def writeback(self, case_id, count):
        """Posts @count comments with one curl process, which keeps one
        connection alive across them. Returns (ms, created, connections)."""
        access_token, instance_url = self.access_token()
        url = f"{instance_url}/services/data/{API_VERSION}/sobjects/CaseComment"
        header = quote("Authorization: Bearer " + access_token)
        blocks = []
        for index in range(count):
            body = json.dumps({"ParentId": case_id, "CommentBody": f"Benchmark comment {index}",
                               "IsPublished": False})
            blocks.append(f"url = {quote(url)}\nheader = {header}\n"
                          'header = "Content-Type: application/json"\n'
                          f"data = {quote(body)}\noutput = \"/dev/null\"\n"
                          'write-out = "%{http_code} %{num_connects}\\n"\n')
        config = "next\n".join(blocks)
        start = time.monotonic()
        output = curl(config, timeout=600)
        elapsed = (time.monotonic() - start) * 1000
        lines = [line.split() for line in output.splitlines() if line.strip()]
        created = sum(1 for line in lines if line[0] == "201")
        connections = sum(int(line[1]) for line in lines)
        return elapsed, created, connections


def run_driver(paths, stand_in, mode, *args):
    """Runs sl-bench-core and returns its JSON result."""
    env = dict(os.environ)
    env.pop("G_MESSAGES_DEBUG", None)
    result = subprocess.run([paths.core_driver, "--url", stand_in.url, mode, *args],
                            capture_output=True, text=True, env=env, timeout=900)
    if result.returncode != 0:
        raise BenchmarkError(f"sl-bench-core {mode} failed: {result.stderr.strip()}")
    return json.loads(result.stdout)


def write_settings(login_host):
    """Points the app at the stand-in through a keyfile GSettings backend in
    the throw-away XDG_CONFIG_HOME."""
    os.environ["GSETTINGS_BACKEND"] = "keyfile"
    folder = os.path.join(os.environ["XDG_CONFIG_HOME"], "glib-2.0", "settings")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "keyfile"), "w") as keyfile:
        keyfile.write(f"[com/supportlogic/Connect]\nlogin-host='{login_host}'\n")


def window_visible(title):
    result = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", f"^{title}$"],
                            capture_output=True, text=True)
    return result.returncode == 0 and result.stdout.strip() != ""


def reap(process):
    """Waits for @process and returns its peak resident memory in bytes."""
    _, _, usage = os.wait4(process.pid, 0)
    process.returncode = 0
    return usage.ru_maxrss * 1024


def start_until_visible(argv, title, log_file):
    """Starts @argv and polls until a visible window named @title exists.
    Returns (milliseconds from exec to visible, process)."""
    start = time.monotonic()
    process = subprocess.Popen(argv, stdout=log_file, stderr=log_file)
    while not window_visible(title):
        if process.poll() is not None:
            raise BenchmarkError(f"{argv[0]} exited before its window showed")
        if time.monotonic() - start > 60:
            raise BenchmarkError(f"no visible window named {title!r} after 60 s")
    return (time.monotonic() - start) * 1000, process


def stop_gui(process):
    """Stops a GUI program with SIGTERM and returns its peak memory."""
    process.send_signal(signal.SIGTERM)
    peak = reap(process)
    time.sleep(0.2)
    return peak


def measure_startup(paths):
    """Alternates the app and the reference app, after one unmeasured start
    of each that fills the page cache. Returns the median times and the
    reference's median peak memory."""
    app_ms, reference_ms, reference_peak = [], [], []
    with open(os.path.join(paths.logs, "startup.log"), "w") as log_file:
        for run in range(STARTUP_RUNS + 1):
            ms, process = start_until_visible([paths.app], APP_TITLE, log_file)
            stop_gui(process)
            if run > 0:
                app_ms.append(ms)
            ms, process = start_until_visible([paths.reference_app], REFERENCE_TITLE, log_file)
            peak = stop_gui(process)
            if run > 0:
                reference_ms.append(ms)
                reference_peak.append(peak)
    return median(app_ms), median(reference_ms), median(reference_peak)


def time_command(argv, env):
    """Runs @argv with its output discarded. Returns (ms, peak bytes)."""
    start = time.monotonic()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env=env)
    peak = reap(process)
    return (time.monotonic() - start) * 1000, peak


def measure_status(paths):
    """Times `--status --json` and `true`. Returns (app ms, true ms, app
    peak bytes)."""
    env = dict(os.environ)
    env.pop("DISPLAY", None)
    status = subprocess.run([paths.app, "--status", "--json"], capture_output=True,
                            text=True, env=env, timeout=30)
    states = [slot.get("state") for slot in json.loads(status.stdout).values()]
    if states != ["connected", "connected"]:
        raise BenchmarkError(f"--status needs two connected slots, found {states}")
    app_ms, true_ms, peaks = [], [], []
    for _ in range(STATUS_RUNS):
        ms, peak = time_command([paths.app, "--status", "--json"], env)
        app_ms.append(ms)
        peaks.append(peak)
        true_ms.append(time_command(["true"], env)[0])
    return median(app_ms), median(true_ms), median(peaks)


def process_table():
    """Returns {pid: (parent pid, command name)} of every process."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                text = stat.read()
        except OSError:
            continue
        name = text[text.index("(") + 1:text.rindex(")")]
        parent = int(text[text.rindex(")") + 2:].split()[1])
        table[int(entry)] = (parent, name)
    return table


def web_processes(root):
    """Returns the names of the WebKit processes that descend from @root."""
    table = process_table()
    names = []
    for pid, (parent, name) in table.items():
        ancestor = parent
        while ancestor > 1 and ancestor != root:
            ancestor = table.get(ancestor, (0, ""))[0]
        if ancestor == root and pid != root and name.startswith("WebKit"):
            names.append(name)
    return names


def resident_bytes(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise BenchmarkError("VmRSS missing from /proc")


def slot_state(paths, slot):
    env = dict(os.environ)
    env.pop("DISPLAY", None)
    result = subprocess.run([paths.app, "--status", "--json"], capture_output=True,
                            text=True, env=env, timeout=30)
    return json.loads(result.stdout).get(slot, {}).get("state")


def activate(action, slot):
    subprocess.run(["gdbus", "call", "--session", "--dest", APP_ID, "--object-path", APP_PATH,
                    "--method", "org.gtk.Actions.Activate", action, f"[<'{slot}'>]", "{}"],
                   check=True, capture_output=True, text=True)


def measure_sign_in_dialog(paths):
    """Connects the integration slot through the real app and its sign-in
    dialog. Returns (web processes seen during the sign-in, web processes
    left after the dialog closed, resident bytes before, after)."""
    with open(os.path.join(paths.logs, "sign-in-dialog.log"), "w") as log_file:
        _, process = start_until_visible([paths.app], APP_TITLE, log_file)
        try:
            time.sleep(SETTLE_SECONDS)
            before = resident_bytes(process.pid)
            activate("connect", "integration")
            during = wait_until(lambda: web_processes(process.pid), 30)
            if not wait_until(lambda: slot_state(paths, "integration") == "connected", 60):
                raise BenchmarkError("the app did not connect the integration slot")
            if not wait_until(lambda: not window_visible(DIALOG_TITLE), 30):
                raise BenchmarkError("the sign-in dialog did not close")
            time.sleep(SETTLE_SECONDS)
            left = web_processes(process.pid)
            after = resident_bytes(process.pid)
        finally:
            stop_gui(process)
    return len(during or []), len(left), before, after


def measure_refresh(paths, stand_in):
    results = [run_driver(paths, stand_in, "refresh", "--calls", str(CONCURRENT_CALLS))
               for _ in range(REFRESH_RUNS)]
    failed = [r for r in results if r["succeeded"] != CONCURRENT_CALLS]
    if failed:
        raise BenchmarkError(f"{CONCURRENT_CALLS - failed[0]['succeeded']} of "
                             f"{CONCURRENT_CALLS} renewed calls failed")
    return [r["refreshes"] for r in results]


def first_case_id(paths):
    with open(paths.fixture) as fixture:
        return json.load(fixture)["cases"][0]["id"]


def measure_writeback(paths, stand_in):
    curl_client = CurlClient(stand_in)
    case_id = first_case_id(paths)
    app_ms, curl_ms, connections = [], [], []
    for _ in range(WRITEBACK_RUNS):
        result = run_driver(paths, stand_in, "writeback", "--count", str(WRITEBACK_COUNT))
        if result["succeeded"] != WRITEBACK_COUNT:
            raise BenchmarkError(f"only {result['succeeded']} app writebacks succeeded")
        app_ms.append(result["ms"])
        ms, created, connects = curl_client.writeback(case_id, WRITEBACK_COUNT)
        if created != WRITEBACK_COUNT:
            raise BenchmarkError(f"only {created} curl writebacks succeeded")
        curl_ms.append(ms)
        connections.append(connects)
    return median(app_ms), median(curl_ms), max(connections)


class Table:
    def __init__(self):
        self.rows = []
        self.failed = False

    def add(self, order, figure, app, reference, ratio, goal, passed):
        """Adds a row; @order places it, so rows follow the README's order
        whatever order the measurements run in."""
        self.rows.append((order, (figure, app, reference, ratio, goal,
                                  "pass" if passed else "FAIL")))
        self.failed = self.failed or not passed

    def print(self):
        header = ("figure", "app", "reference", "ratio/count", "goal", "result")
        rows = [row for _, row in sorted(self.rows, key=lambda entry: entry[0])]
        widths = [max(len(str(row[i])) for row in rows + [header]) for i in range(6)]
        lines = [header, tuple("-" * w for w in widths)] + rows
        for row in lines:
            print("| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths)) + " |")


def fmt_ms(value):
    return f"{value:.1f} ms"


def fmt_mib(value):
    return f"{value / MIB:.1f} MiB"


def run(paths, table):
    # Xvfb resets itself whenever its last client disconnects, and a client
    # that connects during the reset fails with "cannot open display". This
    # idle client keeps one connection open for the whole run.
    x_client = subprocess.Popen(["xprop", "-root", "-spy"], stdout=subprocess.DEVNULL)
    stand_in = StandIn(paths)
    try:
        write_settings(stand_in.url)

        log("sign-in dialog: web processes and memory (real app, empty keyring)")
        during, left, before, after = measure_sign_in_dialog(paths)
        table.add(4, "web processes after the sign-in dialog closed",
                  f"{left} (during: {during})", "none", str(left), "0", left == 0)
        table.add(5, "app resident memory after sign-in vs before", fmt_mib(after),
                  fmt_mib(before), f"{after / before:.2f}x", "<= 1.2x", after <= 1.2 * before)

        log(f"sign-in overhead: {SIGN_IN_RUNS} runs each of the core and curl")
        app_runs = run_driver(paths, stand_in, "sign-in", "--runs", str(SIGN_IN_RUNS))["ms"]
        curl_client = CurlClient(stand_in)
        curl_runs = [curl_client.timed_sign_in() for _ in range(SIGN_IN_RUNS)]
        app_ms, curl_ms = median(app_runs), median(curl_runs)
        table.add(3, "sign-in: callback to connected (vs curl token + userinfo)",
                  fmt_ms(app_ms), fmt_ms(curl_ms), f"{app_ms / curl_ms:.2f}x", "<= 1.5x",
                  app_ms <= 1.5 * curl_ms)

        log(f"--status --json: {STATUS_RUNS} runs, two slots connected")
        status_ms, true_ms, status_peak = measure_status(paths)

        log(f"start-up to visible window: {STARTUP_RUNS} runs each of the app and reference")
        app_start, reference_start, reference_peak = measure_startup(paths)
        table.add(0, "start-up: exec to main window visible", fmt_ms(app_start),
                  fmt_ms(reference_start), f"{app_start / reference_start:.2f}x", "<= 1.3x",
                  app_start <= 1.3 * reference_start)
        table.add(1, "--status --json wall time (vs true)", fmt_ms(status_ms), fmt_ms(true_ms),
                  f"{status_ms / true_ms:.1f}x", "<= 60 ms", status_ms <= 60)
        table.add(2, "--status --json peak memory (vs reference app)", fmt_mib(status_peak),
                  fmt_mib(reference_peak), f"{status_peak / reference_peak:.2f}x", "<= 20 MiB",
                  status_peak <= 20 * MIB)

        log(f"{CONCURRENT_CALLS} concurrent calls with an expired token: {REFRESH_RUNS} runs")
        refreshes = measure_refresh(paths, stand_in)
        table.add(6, f"refreshes for {CONCURRENT_CALLS} concurrent 401s",
                  ", ".join(map(str, refreshes)), "-", str(max(refreshes)), "exactly 1",
                  all(count == 1 for count in refreshes))

        log(f"{WRITEBACK_COUNT} sequential writebacks: {WRITEBACK_RUNS} runs each")
        app_wb, curl_wb, connections = measure_writeback(paths, stand_in)
        table.add(7, f"{WRITEBACK_COUNT} sequential comment writebacks (vs curl keep-alive, "
                  f"{connections} connection)", fmt_ms(app_wb), fmt_ms(curl_wb),
                  f"{app_wb / curl_wb:.2f}x", "<= 1.5x", app_wb <= 1.5 * curl_wb)
    finally:
        stand_in.stop()
        x_client.terminate()
        x_client.wait()


def main():
    paths = Paths()
    table = Table()
    try:
        run(paths, table)
    except (BenchmarkError, subprocess.SubprocessError, OSError, ValueError) as error:
        table.print()
        log(f"stopped: {error}")
        return 2
    table.print()
    print(f"\nMedians of {STARTUP_RUNS} start-ups, {STATUS_RUNS} --status runs, "
          f"{SIGN_IN_RUNS} sign-ins and {WRITEBACK_RUNS} writeback runs; "
          f"logs in {paths.logs}")
    return 1 if table.failed else 0


if __name__ == "__main__":
    sys.exit(main())
