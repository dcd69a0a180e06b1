"""The helper process behind OCR, the embedder and the Chinese segmenter: one request at a
time, and an app that closes while a request is in flight does not wait for it."""

from __future__ import annotations

import threading
import time

from fireside.models.worker.service_process import ServiceProcess, ServiceStopped, serve_requests


def _slow_echo(conn, parent_pid, delay_s):
    def handle(message):
        if message[0] == "sleep":
            time.sleep(delay_s)
        return ("ok", message[1:])

    serve_requests(conn, handle)


def test_requests_are_answered_and_close_waits_for_the_one_in_flight():
    service = ServiceProcess(_slow_echo, (0.5,), "test-echo")
    try:
        assert service.call(("echo", 1, "二")) == ("ok", (1, "二"))
        replies = []
        caller = threading.Thread(target=lambda: replies.append(service.call(("sleep", 7))))
        caller.start()
        time.sleep(0.2)  # the request is in the child now
        service.close()
        caller.join(5)
        assert replies == [("ok", (7,))]  # close let it finish
        assert service.call(("echo", 2)) == ("ok", (2,))  # and a later call starts another
        assert service.starts == 2
    finally:
        service.shutdown()


def test_shutdown_kills_a_child_busy_with_a_long_request():
    service = ServiceProcess(_slow_echo, (60.0,), "test-echo")
    assert service.call(("echo", 0)) == ("ok", (0,))
    process = service.process
    errors = []

    def call():
        try:
            service.call(("sleep", 1))
        except ServiceStopped as exc:
            errors.append(exc.reason)

    caller = threading.Thread(target=call)
    caller.start()
    time.sleep(0.3)
    started = time.monotonic()
    service.shutdown()
    caller.join(10)
    assert not caller.is_alive() and time.monotonic() - started < 10
    assert errors == ["killed by SIGKILL"]
    assert not process.is_alive()


def test_shutdown_of_an_idle_service_ends_its_child():
    service = ServiceProcess(_slow_echo, (0.0,), "test-echo")
    service.call(("echo",))
    process = service.process
    service.shutdown()
    assert not process.is_alive() and process.exitcode == 0
