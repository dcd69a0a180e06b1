from fireside.models.stop_strings import StopMatcher


def feed_all(matcher, pieces):
    shown, hit = "", False
    for piece in pieces:
        text, hit = matcher.feed(piece)
        shown += text
        if hit:
            break
    if not hit:
        shown += matcher.flush()
    return shown, hit


def test_stop_split_across_tokens_is_never_shown():
    shown, hit = feed_all(StopMatcher(["<|im_end|>"]), ["Hello", " <|im", "_end", "|> junk"])
    assert (shown, hit) == ("Hello ", True)


def test_partial_prefix_that_is_not_a_stop_is_released():
    shown, hit = feed_all(StopMatcher(["<|im_end|>"]), ["a <|i", "nfo"])
    assert (shown, hit) == ("a <|info", False)


def test_no_stops_passes_through():
    assert feed_all(StopMatcher([]), ["a", "b"]) == ("ab", False)


def test_earliest_of_several_stops():
    shown, hit = feed_all(StopMatcher(["END", "\n\nUser:"]), ["x\n\nUser: y END"])
    assert (shown, hit) == ("x", True)
