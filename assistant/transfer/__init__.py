"""Conversations that travel: export to Markdown, HTML and Fireside's JSON; import from
ChatGPT's and Claude's data exports and from Fireside's JSON; preference pairs for training."""
