"""Chat with local documents: load, chunk, embed, store, search, and answer with citations.

The pieces, in the order a file travels: ``loaders`` (file -> blocks), ``chunking``
(blocks -> chunks), ``indexer``/``batching``/``jobs``/``control`` (chunks -> embedded rows,
resumable, with progress, pause and cancel), ``store`` (SQLite: collections, documents,
chunks, vectors, FTS5; all the SQL of indexing and re-embedding), ``keywords`` (Chinese
word segmentation, Simplified/Traditional folding) and ``language`` (each chunk's and
question's script), ``vector_index`` + ``fts`` + ``fusion`` -> ``retrieval`` (hybrid search),
``whole`` + ``map_reduce`` (read documents in order for summaries), ``prompting`` +
``context`` (quoted sources as the context the chat engine asks for, with citations),
``watcher`` (re-index folders on change), ``reembed`` (switch a collection's embedding
model) and ``service`` (open the store with its embedders).
"""
