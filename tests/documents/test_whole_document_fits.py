"""A whole-document answer over a long real file: every step it asks of the model fits the
context, with the real tokenizer and chat template, however deep the file's folder (its
path is in every excerpt's label)."""

from __future__ import annotations

import shutil

from fireside.assistant.context_window import prompt_budget
from fireside.assistant.documents.context import ContextQuery, DocumentsProvider
from fireside.assistant.turn_request import RetrievalOptions
from fireside.models.embedder import HashEmbedder

from tests.documents.helpers import index

N_CTX, MAX_TOKENS = 4096, 160


def test_every_step_of_a_long_whole_document_answer_fits(store, data, tmp_path, smollm_backend):
    deep = tmp_path.joinpath("home", "someone", "Documents", "manuals", "operating systems")
    deep.mkdir(parents=True)
    faq = deep / "debian-faq.en.txt"
    shutil.copy(data / "text" / "debian-faq.en.txt", faq)
    index(store, [faq], collection="faq")
    budget = prompt_budget(N_CTX, MAX_TOKENS)
    steps: list[int] = []

    def ask_model(messages: list[dict], room: int) -> str:
        steps.append(len(smollm_backend.prompt_tokens(messages)) + room)
        return " word" * room  # notes as long as they may be

    question = "Summarise the whole FAQ."
    provider = DocumentsProvider(store, embedders={"hash-384": HashEmbedder(384)})
    context = provider.context(
        ContextQuery(
            question=question,
            collections=["faq"],
            prompt_budget=budget,
            count_text=smollm_backend.count_text,
            ask_model=ask_model,
            options=RetrievalOptions(threshold=0.0, whole_document=True),
        )
    )
    assert len(steps) > 1 and max(steps) <= N_CTX, steps
    final = [
        {"role": "system", "content": context.text},
        {"role": "user", "content": question},
    ]
    assert len(smollm_backend.prompt_tokens(final)) <= budget
    assert context.citations and all(c.document == str(faq) for c in context.citations)
