"""The app segments Chinese in a child process: the same words as in-process on real
sentences, the app's own store uses it, a child that dies is replaced (and the text is
segmented here meanwhile), and closing the app ends it."""

from __future__ import annotations

import pytest
from fireside.assistant.app import build_app
from fireside.assistant.documents.keyword_worker import KeywordWorker
from fireside.assistant.documents.keywords import KeywordText


@pytest.fixture(scope="module")
def sentences() -> list[str]:
    hsk = pytest.importorskip("hsk_sentences_audio")
    return [s["chinese"] for s in hsk.load_sentences()[::97][:40]]


def test_the_child_cuts_as_this_process_does(tmp_path, sentences):
    here, there = KeywordText(tmp_path / "a"), KeywordWorker(tmp_path / "b")
    try:
        mixed = "Debian 12 的代号是 bookworm，發佈於二〇二三年。"
        for text in [*sentences, mixed]:
            assert there.index_text(text) == here.index_text(text)
            assert there.query_words(text) == here.query_words(text)
        assert there.chinese_names("李明在北京大学学习。") == here.chinese_names(
            "李明在北京大学学习。"
        )
        assert "北京大学" in there.chinese_names("李明在北京大学学习。")
        assert there.index_text("no Chinese here") is None
        assert there._service.starts == 1
    finally:
        there.close()


def test_a_dead_child_is_replaced_and_nothing_is_lost(tmp_path, sentences):
    here, there = KeywordText(tmp_path / "a"), KeywordWorker(tmp_path / "b")
    try:
        there.query_words(sentences[0])
        process = there._service.process
        process.kill()
        process.join()
        assert there.index_text(sentences[1]) == here.index_text(sentences[1])
        assert there._service.starts == 2
    finally:
        there.close()


def test_the_app_store_segments_in_a_child_and_closing_ends_it(sentences):
    app = build_app()
    try:
        words = app.documents_store.keywords
        assert isinstance(words, KeywordWorker)
        assert words.query_words("如何升级系统？")
        process = words._service.process
        assert process is not None and process.is_alive()
    finally:
        app.close()
    process.join(5)
    assert not process.is_alive()


def test_a_child_that_stops_mid_text_leaves_the_text_to_this_process(tmp_path, monkeypatch):
    from fireside.models.worker.service_process import ServiceStopped

    here, there = KeywordText(tmp_path / "a"), KeywordWorker(tmp_path / "b")

    def stopped(message):
        raise ServiceStopped("killed by SIGKILL")

    monkeypatch.setattr(there._service, "call", stopped)
    text = "保修期为两年，自购买之日起计算。"
    assert there.index_text(text) == here.index_text(text)
    assert there.query_words(text) == here.query_words(text)
    there.close()
