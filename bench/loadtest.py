"""No answer lost: many respondents at once under gunicorn, then every stored answer is checked.

Run with `make loadtest` (`python -m bench.loadtest`). The app runs under gunicorn with several
workers on 127.0.0.1, on SQLite or on a PostgreSQL server started for the run. Respondents
start checks, answer every page with random answers, sometimes change the last page again,
submit and open the report, over and over, for a fixed time and a bounded number of requests.
No check starts once the time is up; those under way are completed, within a grace period.
With ``--kill`` a worker is killed with SIGKILL at 30 %, 50 % and 70 % of the time: the first
while it holds a profile save before the app sees it, the second while it holds one the app has
stored and answered, before the answer goes out (bench.holding), the third whatever it does.

Afterwards the database is read directly. Every check must hold exactly what the server
acknowledged (a redirect after a save): every answer as sent, the profile, the submission, and
nothing else. A save whose answer never came (the connection broke) must be stored completely
or not at all. No other assessment may exist than those started, and no request may fail
otherwise. The exit status is 0 when nothing was lost; a JSON summary goes to ``--json``.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import itertools
import json
import math
import os
import random
import re
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import select

from assessment import create_app
from assessment.extensions import db
from assessment.kernel.assessments import find_assessment
from assessment.kernel.models import Assessment
from assessment.questionnaire import QuestionBase, Questionnaire, load_questionnaire
from assessment.questionnaire.conditions import visible_answers
from assessment.questionnaire.pages import Step, steps
from assessment.questionnaire.questions import (
    MatrixQuestion,
    MultiQuestion,
    NumberQuestion,
    ScaleQuestion,
    SingleQuestion,
    TextQuestion,
)
from tests.postgres import MISSING, PostgresServer, find_binaries

from . import holding
from .serving import ROOT, Client, Gunicorn, csrf, flask

SAMPLE = ROOT / "questionnaires" / "digitalcheck.yaml"
_STEP_ZERO = re.compile(r"/a/([A-Za-z0-9_-]+)/step/0")
_NAMES = re.compile(rb'name="([^"]+)"')
#: What a connection that breaks off (a killed worker) raises.
BROKEN = (OSError, http.client.HTTPException)
#: The profile of a check nobody has saved a profile page of: the model's defaults.
EMPTY_PROFILE = {
    "company_name": None,
    "contact_email": None,
    "consent_benchmark": False,
    "consent_advisors": False,
    "consent_partners": False,
}


@dataclass(frozen=True)
class State:
    """What the database should hold of one check."""

    answers: Mapping[str, Any] = field(default_factory=dict)
    profile: Mapping[str, Any] = field(default_factory=lambda: dict(EMPTY_PROFILE))
    submitted: bool = False


@dataclass
class Check:
    """One check a respondent started: what the server acknowledged, and what it did not."""

    token: str
    acknowledged: State = field(default_factory=State)
    #: The state had the save whose answer never came been stored.
    unacknowledged: State | None = None

    def allowed(self) -> list[State]:
        """The states the check may be stored in."""
        states = [self.acknowledged]
        if self.unacknowledged is not None:
            states.append(self.unacknowledged)
        return states


@dataclass
class Tally:
    """What all respondents did, counted under a lock."""

    max_requests: int
    #: No check starts after this moment; the checks under way are completed.
    deadline: float
    #: No request at all after this moment.
    cutoff: float
    requests: int = 0
    saves_acknowledged: int = 0
    saves_unacknowledged: int = 0
    starts_unacknowledged: int = 0
    checks_submitted: int = 0
    checks: list[Check] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def allow(self) -> bool:
        """Count one more request, if the time and the request budget allow it."""
        with self.lock:
            if self.requests >= self.max_requests or time.monotonic() >= self.cutoff:
                return False
            self.requests += 1
            return True

    def add(self, name: str, amount: int = 1) -> None:
        """Add to one of the counters."""
        with self.lock:
            setattr(self, name, getattr(self, name) + amount)

    def error(self, message: str) -> None:
        """Note a request that failed in another way than a broken connection."""
        with self.lock:
            self.errors.append(message)


class OutOfBudget(Exception):
    """The time or the request budget is used up."""


class Broken(Exception):
    """A request got no answer, or an answer that ends the check."""


class Respondent:
    """One simulated owner who completes checks, one after the other, until the time is up."""

    def __init__(self, number: int, port: int, questionnaire: Questionnaire, tally: Tally):
        self.number = number
        self.client = Client(port, keep_alive=False)
        self.questionnaire = questionnaire
        self.steps = steps(questionnaire)
        self.tally = tally
        self.random = random.Random(number)
        self.serial = itertools.count(1)

    def run(self) -> None:
        """Complete checks until the time is up, or until the request budget is used up."""
        with contextlib.suppress(OutOfBudget):
            while time.monotonic() < self.tally.deadline:
                with contextlib.suppress(Broken):
                    self.complete_check()

    def request(self, method: str, path: str, form: Mapping[str, Any] | None = None) -> Any:
        """One request within the budget; its status, headers and body."""
        if not self.tally.allow():
            raise OutOfBudget
        return self.client.request(method, path, form)

    def page(self, path: str) -> bytes:
        """A page that must answer 200; a broken connection (even on retry) ends the check."""
        try:
            status, _headers, body = self.request("GET", path)
        except BROKEN as error:
            raise Broken from error
        if status != 200:
            self.tally.error(f"GET {path} answered {status}")
            raise Broken
        return body

    def complete_check(self) -> None:
        """Start a check, answer every page, change the last one again at times, submit."""
        check = self.start()
        for step in self.steps:
            self.save(check, step)
        if self.random.random() < 0.3:
            self.save(check, self.steps[-1])
        self.submit(check)
        self.page(f"/a/{check.token}/report")

    def start(self) -> Check:
        """Start a check from the landing page."""
        landing = self.page("/")
        form = {"csrf_token": csrf(landing), "questionnaire": self.questionnaire.id}
        try:
            status, headers, _body = self.request("POST", "/assessments", form)
        except BROKEN as error:
            self.tally.add("starts_unacknowledged")
            raise Broken from error
        match = _STEP_ZERO.search(headers.get("Location", "")) if status == 302 else None
        if match is None:
            self.tally.error(f"starting a check answered {status}")
            raise Broken
        check = Check(match.group(1))
        with self.tally.lock:
            self.tally.checks.append(check)
        return check

    def save(self, check: Check, step: Step) -> None:
        """Answer one page at random and save it with "next"."""
        path = f"/a/{check.token}/step/{step.number}"
        page = self.page(path)
        form, after = self.fill(step, set(_NAMES.findall(page)), check.acknowledged)
        form.update(csrf_token=csrf(page), action="next")
        self.send(check, path, form, after)
        self.tally.add("saves_acknowledged")

    def submit(self, check: Check) -> None:
        """Submit the check from the review page."""
        path = f"/a/{check.token}/review"
        form = {"csrf_token": csrf(self.page(path)), "action": "submit"}
        self.send(check, path, form, replace(check.acknowledged, submitted=True))
        self.tally.add("checks_submitted")

    def send(self, check: Check, path: str, form: dict[str, Any], after: State) -> None:
        """Post a form; on the redirect that acknowledges it the check's state is ``after``."""
        try:
            status, _headers, body = self.request("POST", path, form)
        except BROKEN as error:
            check.unacknowledged = after
            self.tally.add("saves_unacknowledged")
            raise Broken from error
        if status != 302:
            check.unacknowledged = after
            self.tally.error(f"POST {path} answered {status}: {body[:200]!r}")
            raise Broken
        check.acknowledged = after

    def fill(self, step: Step, names: set[bytes], before: State) -> tuple[dict[str, Any], State]:
        """Random answers to the questions the page shows; the form, and the state once saved."""
        form: dict[str, Any] = {}
        sent: dict[str, Any] = {}
        for question in step.questions:
            raw, fields = random_answer(question, self.random)
            if all(name.encode() in names for name in fields):
                form.update(fields)
                sent[question.id] = question.read_answer(raw)
            else:
                sent[question.id] = None  # hidden by an earlier page: the save removes it
        merged = {**before.answers, **sent}
        answers = visible_answers(
            self.questionnaire, {k: v for k, v in merged.items() if v is not None}
        )
        after = replace(before, answers=json_roundtrip(answers))
        if step.is_profile:
            profile = self.random_profile()
            form.update({k: "y" if v is True else v for k, v in profile.items() if v})
            after = replace(after, profile=profile)
        return form, after

    def random_profile(self) -> dict[str, Any]:
        """The fixed profile fields: a unique company name, maybe an address, three consents."""
        serial = f"{self.number}-{next(self.serial)}"
        email = f"inhaberin.{serial}@example.org" if self.random.random() < 0.5 else None
        return {
            "company_name": f"Lasttest {serial} Müller & Söhne GmbH",
            "contact_email": email,
            "consent_benchmark": self.random.random() < 0.7,
            "consent_advisors": self.random.random() < 0.5,
            "consent_partners": self.random.random() < 0.3,
        }


def random_answer(question: QuestionBase, chance: random.Random) -> tuple[Any, dict[str, Any]]:
    """A random valid answer as the core reads it, and the form fields that send it."""
    if isinstance(question, MultiQuestion):
        exclusive = [option.id for option in question.options if option.exclusive]
        plain = [option.id for option in question.options if not option.exclusive]
        if exclusive and (not plain or chance.random() < 0.2):
            chosen = [chance.choice(exclusive)]
        else:
            chosen = chance.sample(plain, chance.randint(1, len(plain)))
        return chosen, {question.id: chosen}
    if isinstance(question, ScaleQuestion | SingleQuestion):
        choice = chance.choice(question.choices).id
        return choice, {question.id: choice}
    if isinstance(question, MatrixQuestion):
        rows = {row.id: chance.choice(question.options).id for row in question.rows}
        return rows, {f"{question.id}.{row}": choice for row, choice in rows.items()}
    if isinstance(question, NumberQuestion):
        low = math.ceil(question.lowest if question.lowest is not None else 0)
        high = math.floor(question.max if question.max is not None else low + 1000)
        number = chance.randint(low, high)
        return number, {question.id: str(number)}
    assert isinstance(question, TextQuestion)
    text = f"Antwort {chance.randrange(10**6)}: Übergabe an die Nachfolgerin, „bald“ ✓"
    return text, {question.id: text}


def json_roundtrip(value: Any) -> Any:
    """A value as a JSON column gives it back (tuples become lists)."""
    return json.loads(json.dumps(value))


#: When during the fixed time a worker is killed (fractions of it), and where the save it is
#: made to hold stands then (bench.holding); None kills a worker at that moment, whatever it does.
KILLS = ((0.3, "before"), (0.5, "after"), (0.7, None))


def kill_workers(
    server: Gunicorn, hold_dir: Path, tally: Tally, start: float, report: dict[str, Any]
) -> None:
    """Kill a worker with SIGKILL at each of KILLS; note the saves held and the replacements."""
    report["killed_workers"] = []
    report["held_saves"] = []
    report["workers_replaced"] = True
    seconds = tally.deadline - start
    for fraction, stage in KILLS:
        time.sleep(max(0.0, start + fraction * seconds - time.monotonic()))
        if stage is None:
            victim = server.worker_pids()[0]
        else:
            hold = hold_save(hold_dir, stage, tally.cutoff)
            if hold is None:
                tally.error(f"no save came to be held {stage} the app before the time was up")
                continue
            report["held_saves"].append(hold)
            victim = hold["pid"]
        os.kill(victim, signal.SIGKILL)
        holding.release(hold_dir)
        report["killed_workers"].append(victim)
        report["workers_replaced"] &= replaced(server, victim)


def hold_save(hold_dir: Path, stage: str, until: float) -> dict[str, Any] | None:
    """Have the next profile save held at ``stage``; wait until a worker holds it (or ``until``)."""
    holding.arm(hold_dir, stage)
    while time.monotonic() < until:
        hold = holding.held(hold_dir)
        if hold is not None:
            return hold
        time.sleep(0.05)
    return None


def replaced(server: Gunicorn, victim: int) -> bool:
    """Whether gunicorn has started a new worker for the killed one (waits up to 30 s)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        workers = server.worker_pids()
        if victim not in workers and len(workers) == server.workers:
            return True
        time.sleep(0.1)
    return False


def stored_state(assessment: Assessment) -> State:
    """What the database holds of one check."""
    return State(
        answers={answer.question_id: answer.value for answer in assessment.answers},
        profile={key: getattr(assessment, key) for key in EMPTY_PROFILE},
        submitted=assessment.status == "submitted" and assessment.submitted_at is not None,
    )


def verify(
    database_url: str,
    checks: list[Check],
    unacknowledged_starts: int,
    holds: list[dict[str, Any]] | None = None,
) -> list[str]:
    """Every way the database differs from what the server acknowledged.

    Each held save (bench.holding) gets ``stored``: whether the database holds it.
    """
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "x" * 40})
    problems = []
    with app.app_context():
        known = set()
        states = {}
        for check in checks:
            assessment = find_assessment(check.token)
            if assessment is None:
                problems.append(f"check {check.token[:8]}…: missing")
                continue
            known.add(assessment.id)
            stored = states[check.token] = stored_state(assessment)
            if stored not in check.allowed():
                problems.append(describe_difference(check, stored))
            if stored.submitted != bool(assessment.dimension_scores):
                problems.append(f"check {check.token[:8]}…: scores do not match its submission")
        others = [a for a in db.session.scalars(select(Assessment)) if a.id not in known]
        if len(others) > unacknowledged_starts:
            problems.append(
                f"{len(others)} assessments nobody was told of, but only "
                f"{unacknowledged_starts} starts went unanswered"
            )
        for other in others:
            if other.answers or other.status != "in_progress":
                problems.append(f"assessment {other.id}, never acknowledged, holds answers")
        db.session.remove()
        db.engine.dispose()
    return problems + verify_holds(holds or [], checks, states)


def verify_holds(
    holds: list[dict[str, Any]], checks: list[Check], states: Mapping[str, State]
) -> list[str]:
    """A save held before the app must be missing; one held after it answered, stored."""
    problems = []
    by_token = {check.token: check for check in checks}
    for hold in holds:
        token = hold["path"].split("/")[2]
        check, stored = by_token.get(token), states.get(token)
        if check is None or stored is None or check.unacknowledged is None:
            problems.append(f"the save held at {hold['path']} belongs to no check cut off")
            continue
        hold["stored"] = stored == check.unacknowledged
        expected = hold["stage"] == "after" and str(hold["status"]).startswith("302")
        if hold["stored"] != expected:
            problems.append(
                f"the save held {hold['stage']} the app (answer {hold['status']}) at "
                f"{hold['path']} is {'' if hold['stored'] else 'not '}stored"
            )
    return problems


def describe_difference(check: Check, stored: State) -> str:
    """What a check holds that neither the acknowledged nor the unacknowledged state has."""
    expected = check.acknowledged
    lines = [f"check {check.token[:8]}… differs from what was acknowledged:"]
    for key in sorted(set(expected.answers) | set(stored.answers)):
        if expected.answers.get(key) != stored.answers.get(key):
            lines.append(
                f"  {key}: sent {expected.answers.get(key)!r}, stored {stored.answers.get(key)!r}"
            )
    if expected.profile != stored.profile:
        lines.append(f"  profile: sent {dict(expected.profile)}, stored {dict(stored.profile)}")
    if expected.submitted != stored.submitted:
        lines.append(f"  submitted: acknowledged {expected.submitted}, stored {stored.submitted}")
    if check.unacknowledged is not None:
        lines.append("  (nor does it match the save that went unanswered)")
    return "\n".join(lines)


@contextlib.contextmanager
def database(kind: str, workdir: Path, url: str | None) -> Iterator[str]:
    """The URL of an empty database for the run: given, a SQLite file, or a new server's."""
    if url is not None:
        yield url
    elif kind == "sqlite":
        yield f"sqlite:///{workdir / 'loadtest.db'}"
    else:
        binaries = find_binaries()
        if binaries is None:
            raise SystemExit(MISSING)
        server = PostgresServer(binaries)
        try:
            server.start()
            server.create_database("loadtest")
            yield server.url("loadtest")
        finally:
            server.stop()


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Serve, load, optionally kill a worker, stop, verify; the summary."""
    questionnaire = load_questionnaire(SAMPLE)
    workdir = Path(tempfile.mkdtemp(prefix="digitalcheck-loadtest-"))
    summary: dict[str, Any] = {
        "database": args.database,
        "workers": args.workers,
        "respondents": args.respondents,
        "seconds": args.seconds,
        "kill": args.kill,
    }
    try:
        with database(args.database, workdir, args.database_url) as url:
            hold_dir = workdir / "hold"
            hold_dir.mkdir()
            env = {
                **os.environ,
                "DATABASE_URL": url,
                "CACHE_DIR": str(workdir / "cache"),
                "SECRET_KEY": "loadtest-" + "x" * 40,
                "HOLD_DIR": str(hold_dir),
                # 50 respondents share one address here; behind a proxy they would not
                "START_LIMIT_PER_ADDRESS": "1000000",
            }
            flask(env, "db", "upgrade")
            with Gunicorn(env, workers=args.workers, app="bench.holding:app") as server:
                started = time.monotonic()
                deadline = started + args.seconds
                tally = Tally(args.max_requests, deadline, deadline + args.grace)
                respondents = [
                    Respondent(n, server.port, questionnaire, tally)
                    for n in range(args.respondents)
                ]
                threads = [threading.Thread(target=r.run, daemon=True) for r in respondents]
                if args.kill:
                    killer = (server, hold_dir, tally, started, summary)
                    threads.append(threading.Thread(target=kill_workers, args=killer, daemon=True))
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                summary["elapsed_seconds"] = round(time.monotonic() - started, 1)
            holds = summary.get("held_saves", [])
            problems = verify(url, tally.checks, tally.starts_unacknowledged, holds)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    summary.update(
        requests=tally.requests,
        checks_started=len(tally.checks),
        checks_submitted=tally.checks_submitted,
        saves_acknowledged=tally.saves_acknowledged,
        saves_unacknowledged=tally.saves_unacknowledged,
        requests_cut_off=sum(respondent.client.broken for respondent in respondents),
        starts_unacknowledged=tally.starts_unacknowledged,
        errors=tally.errors,
        problems=problems,
    )
    return summary


def print_summary(summary: dict[str, Any]) -> None:
    """The run in a few lines."""
    killed = (
        f", {len(summary.get('killed_workers', []))} workers killed with SIGKILL "
        f"({'each replaced' if summary.get('workers_replaced') else 'NOT all replaced'})"
        if summary["kill"]
        else ""
    )
    print(
        f"{summary['database']}: {summary['respondents']} respondents, {summary['workers']} "
        f"workers, {summary['elapsed_seconds']} s{killed}\n"
        f"  {summary['requests']} requests, {summary['checks_started']} checks started, "
        f"{summary['checks_submitted']} submitted, {summary['saves_acknowledged']} saves "
        f"acknowledged; {summary['requests_cut_off']} requests cut off, "
        f"{summary['saves_unacknowledged']} of them saves and "
        f"{summary['starts_unacknowledged']} starts"
    )
    for hold in summary.get("held_saves", []):
        stored = "stored" if hold.get("stored") else "not stored"
        print(f"  a save held {hold['stage']} the app by worker {hold['pid']}: {stored}")
    for line in summary["errors"][:20] + summary["problems"][:20]:
        print("  " + line)
    lost = "no answer lost" if not summary["problems"] else f"{len(summary['problems'])} problems"
    print(f"  {lost}, {len(summary['errors'])} failed requests")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--database-url", help="an empty database to use instead")
    parser.add_argument("--respondents", type=int, default=50)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--grace", type=float, default=120, help="seconds to complete checks")
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument("--kill", action="store_true", help="kill workers on the way (SIGKILL)")
    parser.add_argument("--json", type=Path, help="also write the summary as JSON here")
    args = parser.parse_args()
    summary = run(args)
    print_summary(summary)
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2))
    failed = summary["problems"] or summary["errors"]
    if args.kill and not summary.get("workers_replaced"):
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
