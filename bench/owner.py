"""The owner's figures: questionnaire pages, saves under load, and a whole check start to report."""

from __future__ import annotations

import http.client
import itertools
import re
import time
from collections.abc import Callable, Iterable, Mapping

from assessment.questionnaire import QuestionBase, Questionnaire
from assessment.questionnaire.questions import ScaleQuestion, SingleQuestion
from tests.survey.helpers import good_answer

from .figures import Result, measured
from .processes import CpuMeter
from .sampling import Sizes, in_parallel, measure
from .serving import Client, csrf

_STEP_ZERO = re.compile(r"/a/([\w-]+)/step/0")
_NAMES = re.compile(rb'name="([\w.-]+)"')
_INPUT = re.compile(rb"<input\b[^>]*>")
#: The charts a wide screen loads: every chart image but those loaded only when shown (the
#: narrow chart, shown on phones instead of the wide ones).
_CHARTS = re.compile(rb'<img src="(charts/[^"]+)"(?![^>]*\bloading="lazy")')
#: The dimension page the figures load: the second dimension.
STEP = 2
CLIENTS = 8
#: Checks completed before the CPU per check is measured.
WARM_UP_CHECKS = 8


class Stopwatch(Client):
    """A client that adds up the time its requests take."""

    def __init__(self, port: int) -> None:
        super().__init__(port)
        self.elapsed = 0.0

    def request(
        self, method: str, path: str, form: Mapping[str, str | list[str]] | None = None
    ) -> tuple[int, dict, bytes]:
        """Send one request, timed."""
        start = time.perf_counter()
        try:
            return super().request(method, path, form)
        finally:
            self.elapsed += time.perf_counter() - start


def start_check(client: Client, questionnaire_id: str = "digitalcheck") -> str:
    """Start a check from the landing page; its token."""
    _status, _headers, landing = client.request("GET", "/")
    status, headers, _body = client.request(
        "POST", "/assessments", {"csrf_token": csrf(landing), "questionnaire": questionnaire_id}
    )
    match = _STEP_ZERO.search(headers.get("Location", "")) if status == 302 else None
    if match is None:
        raise RuntimeError(f"starting a check answered {status}")
    return match.group(1)


def page_questions(questionnaire: Questionnaire, number: int) -> tuple[QuestionBase, ...]:
    """The questions of a step: the profile on step 0, else a dimension's."""
    if number == 0:
        return tuple(questionnaire.profile)
    return tuple(questionnaire.dimensions[number - 1].questions)


def page_form(page: bytes, questions: Iterable[QuestionBase]) -> dict[str, str | list[str]]:
    """A valid answer to every question whose fields the page shows, to save with "next"."""
    names = set(_NAMES.findall(page))
    form: dict[str, str | list[str]] = {"csrf_token": csrf(page), "action": "next"}
    for question in questions:
        for key, values in good_answer(question).lists():
            if key.encode() in names:
                form[key] = values
    return form


def complete_check(client: Client, questionnaire: Questionnaire, company: str) -> str:
    """Answer every page of a new check through HTTP and submit it; its token."""
    token = start_check(client, questionnaire.id)
    for number in range(len(questionnaire.dimensions) + 1):
        path = f"/a/{token}/step/{number}"
        _status, _headers, page = client.request("GET", path)
        form = page_form(page, page_questions(questionnaire, number))
        if number == 0:
            form["company_name"] = company
        status, _headers, body = client.request("POST", path, form)
        if status != 302:
            raise RuntimeError(f"step {number} answered {status}: {body[:300]!r}")
    _status, _headers, review = client.request("GET", f"/a/{token}/review")
    status, _headers, _body = client.request(
        "POST", f"/a/{token}/review", {"csrf_token": csrf(review), "action": "submit"}
    )
    if status != 302:
        raise RuntimeError(f"submitting answered {status}")
    return token


def chart_paths(token: str, report: bytes) -> list[str]:
    """The chart images a report page shows on a wide screen, as absolute paths."""
    return [f"/a/{token}/{chart.decode()}" for chart in _CHARTS.findall(report)]


def checked_value(page: bytes, name: str) -> str | None:
    """The value of the checked radio button named ``name``; None when none is checked."""
    for tag in _INPUT.findall(page):
        if re.search(rb'\bname="' + re.escape(name.encode()) + rb'"', tag) and re.search(
            rb"\schecked\b", tag
        ):
            value = re.search(rb'\bvalue="([^"]*)"', tag)
            return value.group(1).decode() if value else None
    return None


def varied_question(questions: Iterable[QuestionBase]) -> SingleQuestion | ScaleQuestion:
    """The question whose answer each save changes: the page's last unconditional choice."""
    choices = [
        q for q in questions if isinstance(q, SingleQuestion | ScaleQuestion) and q.show_if is None
    ]
    if not choices:
        raise RuntimeError("the page has no single-choice or scale question without condition")
    return choices[-1]


def one_client(port: int, sizes: Sizes) -> list[Result]:
    """One keep-alive client reads a questionnaire page again and again."""
    client = Client(port)
    path = f"/a/{start_check(client)}/step/{STEP}"
    measure(sizes.count(50), 30, lambda: client.timed(path))
    samples = measure(sizes.count(500), 60, lambda: client.timed(path))
    return [
        measured("questionnaire page, one client, p50", samples),
        measured("questionnaire page, one client, p95", samples),
    ]


def concurrent_reads(port: int, sizes: Sizes) -> Result:
    """Eight clients, each with a check of its own, read a questionnaire page at once.

    Each request has a connection of its own, as behind a reverse proxy: kept-alive
    connections would stay with the worker that accepted them, however unevenly they fell.
    """

    def reader() -> Callable[[], bool]:
        client = Client(port, keep_alive=False)
        path = f"/a/{start_check(client)}/step/{STEP}"

        def read() -> bool:
            status, _headers, _body = client.request("GET", path)
            if status != 200:
                raise RuntimeError(f"GET {path} answered {status}")
            return True

        return read

    load = in_parallel(
        [reader() for _ in range(CLIENTS)], sizes.warm_up, sizes.load_seconds, sizes.cap
    )
    return Result("questionnaire page, 8 concurrent clients", load.rate, load.attempted)


class Saver:
    """A client that saves one page of its check again and again, changing one answer."""

    def __init__(self, port: int, questionnaire: Questionnaire) -> None:
        self.client = Client(port, keep_alive=False)
        self.path = f"/a/{start_check(self.client, questionnaire.id)}/step/{STEP}"
        questions = page_questions(questionnaire, STEP)
        _status, _headers, page = self.client.request("GET", self.path)
        self.form = page_form(page, questions)
        self.question = varied_question(questions)
        self.choices = itertools.cycle([choice.id for choice in self.question.choices])
        self.last_sent: str | None = None
        self.sent = 0
        self.failed = 0

    def save(self) -> bool:
        """Save the page with the next option of the varied question; whether it answered 302."""
        self.last_sent = next(self.choices)
        self.sent += 1
        try:
            status, _headers, _body = self.client.request(
                "POST", self.path, {**self.form, self.question.id: self.last_sent}
            )
        except (OSError, http.client.HTTPException):
            self.client.connection.close()
            status = 0
        if status != 302:
            self.failed += 1
        return status == 302

    def stored_differs(self) -> bool:
        """Whether the page shows another answer than the last one sent."""
        _status, _headers, page = self.client.request("GET", self.path)
        return checked_value(page, self.question.id) != self.last_sent


def concurrent_saves(port: int, questionnaire: Questionnaire, sizes: Sizes) -> list[Result]:
    """Eight clients save a page at once; then every client checks that its last save stuck."""
    savers = [Saver(port, questionnaire) for _ in range(CLIENTS)]
    load = in_parallel([s.save for s in savers], sizes.warm_up, sizes.load_seconds, sizes.cap)
    lost = sum(s.failed for s in savers) + sum(s.stored_differs() for s in savers)
    return [
        Result("page save, 8 concurrent clients", load.rate, load.attempted),
        Result("page saves lost, 8 concurrent clients", lost, sum(s.sent for s in savers)),
    ]


_serial = itertools.count()


def check_with_report(port: int, questionnaire: Questionnaire) -> float:
    """One client completes a check under a new name and opens its report with the charts; the
    milliseconds its requests took."""
    client = Stopwatch(port)
    token = complete_check(client, questionnaire, f"Bench {time.time_ns()}-{next(_serial)} GmbH")
    status, _headers, report = client.request("GET", f"/a/{token}/report")
    if status != 200:
        raise RuntimeError(f"the report answered {status}")
    for chart in chart_paths(token, report):
        client.timed(chart)
    return client.elapsed * 1000


def complete_questionnaire(port: int, questionnaire: Questionnaire, sizes: Sizes) -> Result:
    """One client completes a check and opens its report with the charts, under a new name."""
    check_with_report(port, questionnaire)  # both workers' code warm
    samples = measure(sizes.count(10), 60, lambda: check_with_report(port, questionnaire))
    return measured("complete questionnaire, start to report", samples)


def completion_cost(
    server: int, port: int, questionnaire: Questionnaire, sizes: Sizes, name: str
) -> Result:
    """The server's CPU time (every process of it, from /proc) per completed check with its
    report and both charts, over checks completed one after the other."""
    # Enough checks first that the questionnaire has a peer group (five other firms) and both
    # workers have drawn its charts' frames, with and without the peers' series: the figure is
    # the cost of a check once a server has run for a while.
    for _ in range(WARM_UP_CHECKS):
        check_with_report(port, questionnaire)
    meter = CpuMeter(server)
    count = len(measure(sizes.count(20), 60, lambda: check_with_report(port, questionnaire)))
    return Result(name, meter.spent() / count, count)


def owner_figures(
    server: int, port: int, questionnaires: tuple[Questionnaire, Questionnaire], sizes: Sizes
) -> list[Result]:
    """Every figure of the owner's side (``server``: the process id of gunicorn's master), with
    the sample questionnaire and the short one of seven pages."""
    sample, short = questionnaires
    return [
        *one_client(port, sizes),
        concurrent_reads(port, sizes),
        *concurrent_saves(port, sample, sizes),
        complete_questionnaire(port, sample, sizes),
        completion_cost(server, port, sample, sizes, "server CPU per completed check"),
        completion_cost(
            server, port, short, sizes, "server CPU per completed check, 7 pages of 5 questions"
        ),
    ]
