"""Models already on disk: other apps' folders and user folders, listed without copying."""

from __future__ import annotations

import shutil

from fireside.models.library.discovery import ModelFolder, other_app_folders, scan
from fireside.models.library.hub import HubClient
from fireside.models.library.library import ModelLibrary


def test_finds_lm_studio_gpt4all_and_jan_models(tmp_path, monkeypatch, smollm_path, split_parts):
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    folders = {f.source: f.path for f in other_app_folders()}
    assert set(folders) == {"LM Studio", "GPT4All", "Jan"}

    lms = home / ".lmstudio" / "models" / "someone" / "SmolLM2-GGUF"
    lms.mkdir(parents=True)
    (lms / "model.gguf").symlink_to(smollm_path)  # LM Studio's folder may hold links
    (lms / "mmproj-model-f16.gguf").write_bytes(b"GGUF")  # a projector: not listed
    gpt4all = home / ".local" / "share" / "nomic.ai" / "GPT4All"
    gpt4all.mkdir(parents=True)
    shutil.copyfile(smollm_path, gpt4all / "smol.gguf")
    (gpt4all / "half.gguf.part").write_bytes(b"x")  # an unfinished download elsewhere
    jan = home / "jan" / "models" / "split"
    jan.mkdir(parents=True)
    shutil.copyfile(split_parts[0], jan / split_parts[0].name)  # part 2 is missing

    library = ModelLibrary(tmp_path / "fireside-models", HubClient("http://127.0.0.1:9"))
    found = {m.path.name: m for m in library.local_models()}
    assert set(found) == {"model.gguf", "smol.gguf", split_parts[0].name}
    assert found["model.gguf"].source == "LM Studio"
    assert found["model.gguf"].size_bytes == smollm_path.stat().st_size
    assert found["smol.gguf"].source == "GPT4All"
    split = found[split_parts[0].name]
    assert split.source == "Jan" and split.parts == 2 and not split.complete
    assert (lms / "model.gguf").is_symlink()  # listed in place, nothing copied


def test_user_folders_and_duplicates(tmp_path, smollm_path):
    mine = tmp_path / "mine"
    (mine / "deep" / "er").mkdir(parents=True)
    shutil.copyfile(smollm_path, mine / "deep" / "er" / "a.gguf")
    (mine / ".hidden").mkdir()
    shutil.copyfile(smollm_path, mine / ".hidden" / "b.gguf")
    models = scan(
        [
            ModelFolder(mine, "user folder"),
            ModelFolder(mine / "deep", "user folder"),
            ModelFolder(tmp_path / "missing", "user folder"),
        ]
    )
    assert [m.path.name for m in models] == ["a.gguf"]


def test_loader_names_split_parts_and_projectors(tmp_path, split_parts, smollm_path):
    import pytest
    from fireside.models.errors import ModelError, NotGGUFError
    from fireside.models.gguf_info import inspect_gguf

    with pytest.raises(
        ModelError,
        match="part 2 of 2 of a split model; open the first part, tiny-Q4_1-00001-of-00002.gguf",
    ):
        inspect_gguf(split_parts[1])
    lone = tmp_path / split_parts[0].name
    shutil.copyfile(split_parts[0], lone)
    with pytest.raises(ModelError, match=r"part 2 of this 2-part model is missing"):
        inspect_gguf(lone)
    projector = tmp_path / "mmproj-model-f16.gguf"
    shutil.copyfile(smollm_path, projector)
    with pytest.raises(NotGGUFError, match="projector"):
        inspect_gguf(projector)
