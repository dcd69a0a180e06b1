"""Chat with local documents: load, chunk, embed, store, search, and answer with citations.

The pieces, in the order a file travels: ``loaders`` (file -> blocks), ``chunking``
(blocks -> chunks), ``indexer``/``batching``/``jobs``/``control`` (chunks -> embedded rows,
resumable, with progress, pause and cancel), ``store`` (SQLite: collections, documents,
chunks, vectors, FTS5; all the SQL of indexing and re-embedding), ``keywords`` (Chinese
word segmentation, Simplified/Traditional folding) and ``language`` (each chunk's and
question's script), ``vector_index`` + ``fts`` + ``fusion`` -> ``retrieval`` (hybrid search),
``whole`` (read documents in order for summaries), ``prompting`` + ``answering`` (quoted
sources -> chat engine -> citations), ``watcher`` (re-index folders on change), ``reembed``
(switch a collection's embedding model) and ``service`` (open the store and the loaders the
way the front ends do).
"""
