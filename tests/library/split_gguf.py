"""Write a real split GGUF (``NAME-0000k-of-0000n.gguf``) from the bundled model.

gguf-py's writer shards by tensor count the way llama.cpp's ``gguf-split`` does: the first
part holds the metadata and the ``split.*`` keys, and llama.cpp loads the model from it.
"""

from __future__ import annotations

from pathlib import Path


def write_split(src: Path, folder: Path, stem: str, max_tensors: int = 120) -> list[Path]:
    import gguf

    reader = gguf.GGUFReader(src)
    arch = reader.fields[gguf.Keys.General.ARCHITECTURE].contents()
    writer = gguf.GGUFWriter(folder / f"{stem}.gguf", arch, split_max_tensors=max_tensors)
    for field in reader.fields.values():
        if field.name == gguf.Keys.General.ARCHITECTURE or field.name.startswith(
            ("GGUF.", "split.")
        ):
            continue
        kind = field.types[0]
        sub = field.types[-1] if kind == gguf.GGUFValueType.ARRAY else None
        writer.add_key_value(field.name, field.contents(), kind, sub_type=sub)
    for tensor in reader.tensors:
        writer.add_tensor(tensor.name, tensor.data, raw_dtype=tensor.tensor_type)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file(progress=False)
    writer.close()
    return sorted(folder.glob(f"{stem}-*-of-*.gguf"))
