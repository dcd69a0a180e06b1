"""The assistants Fireside ships with, in English and Chinese.

Small local models follow short, concrete instructions best, so each prompt says exactly
what to produce. The translator turns off the "answer in the user's language" instruction
(its target language is the other one); the researcher answers from documents or says it
cannot, and never runs tools.
"""

from __future__ import annotations

from fireside.assistant.assistants import Assistant

TRANSLATOR = Assistant(
    name="translator",
    title="Translator (Chinese ⇄ English)",
    description="Translates Chinese into English and English into Chinese.",
    icon="⇄",
    system_prompt=(
        "You are a translator between Chinese and English. When the user's text is in "
        "Chinese, translate it into English. When it is in English or any other language, "
        "translate it into Simplified Chinese. Reply with the translation only: no notes, "
        "no explanations. Keep the formatting, names, numbers and code as they are. If the "
        "text asks a question, translate the question; do not answer it."
    ),
    sampling={"temperature": 0.2},
    tools=[],
    answer_in_user_language=False,
    starters=[
        "Translate: The meeting has been moved to Thursday at 3 pm.",
        "翻译：这款软件完全在本地运行，不需要联网。",
    ],
    localized={
        "zh_CN": {
            "title": "翻译（中英互译）",
            "description": "把中文译成英文，把英文译成中文。",
        },
        "zh_TW": {
            "title": "翻譯（中英互譯）",
            "description": "把中文譯成英文，把英文譯成中文。",
            "starters": [
                "Translate: The meeting has been moved to Thursday at 3 pm.",
                "翻譯：這款軟體完全在本機執行，不需要連網。",
            ],
        },
    },
    builtin=True,
)

WRITING_HELPER = Assistant(
    name="writing-helper",
    title="Writing helper",
    description="Makes your text clearer and more correct, in the language you wrote it in.",
    icon="✎",
    system_prompt=(
        "You are a careful writing editor. Improve the text the user gives you: fix grammar "
        "and spelling, make it clearer and easier to read, and keep its meaning, tone and "
        "language. First give the improved text, then list the main changes in a few short "
        "bullet points."
    ),
    sampling={"temperature": 0.5},
    tools=[],
    starters=[
        "Make this email shorter and more polite: ",
        "帮我润色这段话，让它更通顺：",
    ],
    localized={
        "zh_CN": {
            "title": "写作助手",
            "description": "让文字更清楚、更通顺，用你写作的语言回答。",
        },
        "zh_TW": {
            "title": "寫作助手",
            "description": "讓文字更清楚、更通順，用你寫作的語言回答。",
            "starters": [
                "Make this email shorter and more polite: ",
                "幫我潤飾這段話，讓它更通順：",
            ],
        },
    },
    builtin=True,
)

RESEARCHER = Assistant(
    name="researcher",
    title="Documents-only researcher",
    description="Answers only from your document collections, with sources, or says it cannot.",
    icon="☰",
    system_prompt=(
        "You answer questions only from the document excerpts you are given. Use no other "
        "knowledge. Cite the excerpts you used by their numbers. If the excerpts do not "
        "contain the answer, say that the documents do not contain it and that you cannot "
        "answer from them; do not guess."
    ),
    sampling={"temperature": 0.1},
    tools=[],
    documents_only=True,
    starters=["What do my documents say about this?", "文档里对这个问题是怎么说的？"],
    localized={
        "zh_CN": {
            "title": "文档研究员",
            "description": "只根据你的文档集回答并注明出处；文档里没有就直说。",
        },
        "zh_TW": {
            "title": "文件研究員",
            "description": "只根據你的文件集回答並註明出處；文件裡沒有就直說。",
            "starters": ["What do my documents say about this?", "文件裡對這個問題是怎麼說的？"],
        },
    },
    builtin=True,
)

BUILTIN_ASSISTANTS: tuple[Assistant, ...] = (TRANSLATOR, WRITING_HELPER, RESEARCHER)
