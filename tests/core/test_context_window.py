import pytest
from fireside.assistant.context_window import fit_messages
from fireside.models.errors import ContextOverflowError


def count_words(messages):
    return sum(len(m["content"].split()) for m in messages)


def conversation(turns):
    msgs = [{"role": "system", "content": "sys prompt"}]
    for i in range(turns):
        msgs.append({"role": "user", "content": f"question {i} " + "w " * 8})
        msgs.append({"role": "assistant", "content": f"answer {i} " + "w " * 8})
    msgs.append({"role": "user", "content": "final question"})
    return msgs


def test_fits_untouched():
    msgs = conversation(2)
    out, dropped, tokens = fit_messages(msgs, count_words, 1000)
    assert out == msgs and dropped == 0 and tokens == count_words(msgs)


def test_drops_oldest_turns_keeps_system_and_last():
    msgs = conversation(10)
    out, dropped, tokens = fit_messages(msgs, count_words, 50)
    assert out[0]["role"] == "system"
    assert out[1]["role"] == "user"
    assert out[-1]["content"] == "final question"
    assert dropped > 0 and tokens <= 50
    assert len(out) == len(msgs) - dropped


def test_single_message_too_long_is_an_error():
    msgs = [{"role": "system", "content": "s"}, {"role": "user", "content": "w " * 100}]
    with pytest.raises(ContextOverflowError, match="more than the 10"):
        fit_messages(msgs, count_words, 10)


def linear_fit(messages, count, budget):
    """The rule, one message at a time: the earliest start (first, a user message, or the
    last) whose prompt fits."""
    system, rest = messages[:1], messages[1:]
    for start in range(len(rest)):
        if start and rest[start]["role"] != "user" and start != len(rest) - 1:
            continue
        if count(system + rest[start:]) <= budget:
            return start
    return None


@pytest.mark.parametrize("budget", [20, 50, 333, 5000, 20000])
def test_thousands_of_messages_are_fitted_with_a_few_counts(budget):
    msgs = conversation(1500)
    msgs.insert(5, {"role": "assistant", "content": "two assistant turns in a row"})
    calls = []

    def counting(messages):
        calls.append(len(messages))
        return count_words(messages)

    out, dropped, tokens = fit_messages(msgs, counting, budget)
    assert dropped == linear_fit(msgs, count_words, budget)
    assert out == msgs[:1] + msgs[1 + dropped :] and tokens == count_words(out) <= budget
    assert len(calls) <= 16  # bisection, not one count per message
