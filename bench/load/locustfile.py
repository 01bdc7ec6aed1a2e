"""Mixed traffic for `bench/load/run.py` (headless, loopback, bounded by the runner's -t).

Citizens sign in, list their appeals, open one and submit new ones; officials work the inbox
and open appeals; prosecutors read the dashboard and body pages; the public reads the
ratings and checks a status. Targets (accounts, numbers and codes) come from the JSON file
named by LOAD_TARGETS, written by the runner from the generated database. Every accepted
submission's id is appended to LOAD_ACCEPTED, which the runner checks in the database.
LOAD_ONLY names one task to run alone (the runner's per-page runs)."""

from __future__ import annotations

import json
import os
import random
import re
import time

import gevent
from appeal_form import appeal_form, csrf  # locust puts this folder on the path
from locust import FastHttpUser, constant, task

TARGETS = json.load(open(os.environ["LOAD_TARGETS"])) if os.environ.get("LOAD_TARGETS") else {}
ACCEPTED = os.environ.get("LOAD_ACCEPTED", "")
ANSWERED = os.environ.get("LOAD_ANSWERED", "")
# Seconds between a user's requests: 0 measures what the server sustains at this concurrency.
THINK = constant(float(os.environ.get("LOAD_WAIT", "0")))
PROSECUTORS = sorted(TARGETS.get("recovery_codes", {}))
OWN = re.compile(r'href="/appeals/(\d+)"')
# The answer form's hidden fields (its prefix names them: answer-csrf_token, answer-version).
ANSWER_FORM = re.compile(r'name="answer-(csrf_token|version)" type="hidden" value="([^"]+)"')
ANSWER_TEXT = (
    "The matter was considered on its merits. The works are planned for the coming season; "
    "the reasons and how to complain are set out below."
)
READY = os.environ.get("LOAD_READY", "")
SECONDS = float(os.environ.get("LOAD_SECONDS", "0"))
# One page alone (LOAD_ONLY): a page that needs another first (a form's token, the inbox's
# links) fetches that once per user, so that the run measures the page it names. The mixed
# run keeps each pair, as a person would.
ALONE = bool(os.environ.get("LOAD_ONLY"))
_ready_users = 0


def ready(user) -> None:
    """One more user signed in (or needing none). Once all are, the measured run begins."""
    global _ready_users
    _ready_users += 1
    runner = user.environment.runner
    if _ready_users != runner.target_user_count:
        return
    user.environment.stats.reset_all()
    if READY:
        with open(READY, "w") as out:
            out.write(str(time.time()))
    if SECONDS:
        gevent.spawn_later(SECONDS, runner.quit)


class Signed(FastHttpUser):
    abstract = True
    wait_time = THINK
    pool = "citizens"

    def on_start(self):
        self.sign_in()
        ready(self)

    def sign_in(self):
        if self.pool == "prosecutors":  # an account of their own: each signs in with a code
            self.email = PROSECUTORS.pop()
        else:
            self.email = random.choice(TARGETS[self.pool])
        page = self.client.get("/login", name="/login [form]")
        signed = self.client.post(
            "/login",
            data={"email": self.email, "password": TARGETS["password"],
                  "csrf_token": csrf(page.text)},
            name="/login",
        )  # fmt: skip
        if signed.url and signed.url.endswith("/login/second-factor"):
            # A prosecutor: one of the recovery codes the runner enrolled them with.
            code = TARGETS["recovery_codes"][self.email].pop()
            self.client.post(
                "/login/second-factor",
                data={"code": code, "csrf_token": csrf(signed.text)},
                name="/login/second-factor",
            )


class Citizen(Signed):
    weight = 4
    pool = "citizens"
    own: list[str] = []
    form_token = ""

    def on_start(self):
        self.sign_in()
        self.my_appeals()  # their appeals' ids, for one_appeal
        ready(self)

    @task(3)
    def my_appeals(self):
        page = self.client.get("/appeals/", name="citizen: my appeals")
        self.own = OWN.findall(page.text) or self.own

    @task(2)
    def one_appeal(self):
        if not self.own:
            # Nothing to open: look at the list again, rather than loop at once without a
            # request (with no wait between tasks, that took a core of the load generator).
            self.my_appeals()
            return
        self.client.get(f"/appeals/{random.choice(self.own)}", name="citizen: an appeal")

    @task(2)
    def submit(self):
        if not (ALONE and self.form_token):
            form = self.client.get("/appeals/new", name="citizen: new appeal form")
            self.form_token = csrf(form.text)
        with self.client.post(
            "/appeals/new",
            data=appeal_form(TARGETS, self.form_token),
            name="citizen: submit",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            found = re.search(r"/appeals/(\d+)/receipt", response.headers.get("Location", ""))
            if response.status_code == 302 and found:
                response.success()
                if ACCEPTED:
                    with open(ACCEPTED, "a") as out:
                        out.write(found.group(1) + "\n")
            else:
                response.failure(f"not accepted: {response.status_code}")


class Official(Signed):
    weight = 2
    pool = "officials"
    listed: list[str] = []

    @task(3)
    def inbox(self):
        self.client.get("/work/", name="official: inbox")

    @task(1)
    def inbox_overdue(self):
        self.client.get("/work/?overdue=y", name="official: inbox overdue")

    @task(2)
    def open_appeal(self):
        if not (ALONE and self.listed):
            page = self.client.get("/work/", name="official: inbox")
            self.listed = re.findall(r'href="/work/appeals/(\d+)"', page.text)
        if self.listed:
            self.client.get(
                f"/work/appeals/{random.choice(self.listed)}", name="official: an appeal"
            )


class Answering(Official):
    """Officials answering their own appeals in progress: those with the most (the runner
    lists them and their appeals; each appeal is answered once, whichever user signed in as
    its executor). One whose appeals are all answered opens appeals from the inbox."""

    weight = 1
    pool = "answering"

    def answer(self):
        """The next of the official's appeals in progress: its page, then the answer."""
        mine = TARGETS.get("answerable", {}).get(self.email)
        if not mine:
            self.open_appeal()
            return
        appeal_id = mine.pop()
        page = self.client.get(f"/work/appeals/{appeal_id}", name="official: an appeal")
        fields = dict(ANSWER_FORM.findall(page.text))
        with self.client.post(
            f"/work/appeals/{appeal_id}/answer",
            data={
                "answer-csrf_token": fields.get("csrf_token", ""),
                "answer-version": fields.get("version", ""),
                "answer-decision": "explained",
                "answer-text": ANSWER_TEXT,
            },
            name="official: answer",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            # Sent or refused, the step returns to the appeal's page; the runner then checks
            # in the database that every answer recorded here was saved.
            back = response.headers.get("Location", "").endswith(f"/work/appeals/{appeal_id}")
            if response.status_code == 302 and back:
                response.success()
                if ANSWERED:
                    with open(ANSWERED, "a") as out:
                        out.write(f"{appeal_id}\n")
            else:
                response.failure(f"not answered: {response.status_code}")


Answering.tasks = [Answering.answer]


class Prosecutor(Signed):
    weight = 1
    pool = "prosecutors"

    @task(2)
    def dashboard(self):
        self.client.get("/prosecutor/", name="prosecutor: dashboard")

    @task(1)
    def body_page(self):
        body = random.choice(TARGETS["bodies"])
        self.client.get(f"/prosecutor/bodies/{body}", name="prosecutor: body page")


class Public(FastHttpUser):
    weight = 3
    wait_time = THINK
    status_token = ""

    def on_start(self):
        ready(self)

    @task(1)
    def home(self):
        self.client.get("/", name="public: home")

    @task(2)
    def ratings(self):
        self.client.get("/ratings/", name="public: ratings")

    @task(2)
    def status(self):
        number, code = random.choice(TARGETS["statuses"])
        if not (ALONE and self.status_token):
            page = self.client.get("/status", name="public: status form")
            self.status_token = csrf(page.text)
        with self.client.post(
            "/status",
            data={"number": number, "access_code": code, "csrf_token": self.status_token},
            name="public: status check",
            catch_response=True,
        ) as response:
            # A refused token or code shows the form again: fast, but not a status check.
            if 'data-testid="status-result"' in response.text:
                response.success()
            else:
                response.failure(f"no status shown: {response.status_code}")


class Hello(FastHttpUser):
    """Only for the ceiling run: the runner names the classes of each run."""

    wait_time = THINK

    def on_start(self):
        ready(self)

    @task
    def hello(self):
        self.client.get("/", name="hello-world")


# One page alone (LOAD_ONLY="Class.task", e.g. "Public.ratings"): the runner's per-page runs
# measure what the server sustains for that page, signed in as its class's users.
if os.environ.get("LOAD_ONLY"):
    _role, _task = os.environ["LOAD_ONLY"].split(".")
    _base = globals()[_role]
    OnePage = type("OnePage", (_base,), {"abstract": False})
    # Set after the class is made: locust's metaclass would add the base's other tasks.
    OnePage.tasks = [getattr(_base, _task)]
