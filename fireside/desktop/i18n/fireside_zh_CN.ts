<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>ChatController</name>
    <message>
        <source>unexpected error while generating: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the reply ended without a result</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ChatPanel</name>
    <message>
        <source>This chat answers from {names}, with sources</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This chat no longer answers from documents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>this reply was not saved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Message copied</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Code copied</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CollectionPicker</name>
    <message>
        <source>Documents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%n collections</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Answering from: {names} (with sources)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Answer from your documents: choose the collections this chat uses</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Answer from these collections:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(no collections yet: add documents first)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} (removed)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No documents (plain chat)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Manage documents…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <source>Send</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop the reply (Esc)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Editing your message — Enter resends it as a new version (the original is kept), Esc cancels</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DocumentDrop</name>
    <message>
        <source>{names} and {count} more</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Indexed {indexed} of {total} file(s) into the &apos;{name}&apos; document collection.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> Not indexed: {problems}</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Document chat is not available yet in this build: {names} were not added. You can still paste text into the message box.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Documents are still being indexed; drop more when it is done.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Indexing {names}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Indexing {name} — {done}/{total} files, {percent}%</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Indexing failed: {error}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DocumentsDock</name>
    <message>
        <source>Documents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use this collection in the current chat (with sources)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DocumentsPanel</name>
    <message>
        <source>{done} / {total} files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> · paused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> · done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> · cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> · ETA {seconds} s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>indexed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>failed: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>indexing ({done}/{total} chunks)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New collection…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add files…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add folder…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chunks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Collection:</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>{name} (%n documents, {failed} failed)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{name} (%n documents)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>New collection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name of the new collection:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Indexing is running; add more when it is done.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Preparing to index %n item(s)…</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Indexing failed: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Cancelled: {indexed} of %n file(s) indexed, {problems} not.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Done: {indexed} of %n file(s) indexed, {problems} not.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Add files to the collection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add a folder to the collection</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>InputBox</name>
    <message>
        <source>Message the assistant — Enter to send, Shift+Enter for a new line</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings (Ctrl+,)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search chats</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop reply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Documents…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Plugins…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open GGUF…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About Fireside</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading the model…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thinking…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fireside — an offline chat assistant for local GGUF models. Your conversations never leave this computer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Plugins and tools</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MarkdownRenderer</name>
    <message>
        <source>code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MessageDelegate</name>
    <message>
        <source>Thinking…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>generating… (Esc to stop)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>interrupted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{speed} tok/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assistant</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MessageExtras</name>
    <message>
        <source>hide tool details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>show tool details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>document</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name}, page {page}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name}, line {line}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sources</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ModelLoader</name>
    <message>
        <source>context {n_ctx} of {trained}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>context {n_ctx}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{size} · {parameters} · {quantization} · {context} · needs ≈ {need} ({available} free)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>needs about {need} of memory (weights + {n_ctx}-token context) but only {available} is available; choose a smaller quantization or a shorter context</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>could not load the model ({kind}: {error})</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ModelPicker</name>
    <message>
        <source>GGUF models (*.gguf);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The model that answers (Ctrl+O opens a GGUF file)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (missing)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open GGUF…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a GGUF model</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ModelSwitcher</name>
    <message>
        <source>{error}. Use Model &gt; Open GGUF… to choose one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Switching to {model} when the reply finishes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loaded {model} in {seconds} s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loaded {model}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not use {model}: {error}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Notice</name>
    <message>
        <source>Dismiss</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Error:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PluginsPage</name>
    <message>
        <source>network</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Plugins add tools the assistant may use. Tools marked [network] or [files] ask before they run.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed to load: {error}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Follow system</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Light</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dark</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A new language applies after Fireside restarts.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>auto</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>General</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>System prompt
(new chats)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Theme</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CPU threads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>model default</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Auto</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>all</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>For this model: {model}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Top-p</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Top-k</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Max tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Context size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>GPU layers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This build of llama.cpp runs on the CPU only; GPU layers are ignored.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Sidebar</name>
    <message>
        <source>New chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New chat (Ctrl+N)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search chats  (Ctrl+K)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rename</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This chat is still generating a reply; stop it first, then delete the chat.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete this chat and all its messages? This cannot be undone.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SourceViewer</name>
    <message>
        <source>Previous page</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next page</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show in folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open in default app</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} — Source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{kind} files cannot be shown here; this is the cited passage. “Open in default app” shows the whole document.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>These files cannot be shown here; this is the cited passage. “Open in default app” shows the whole document.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(the citation has no text)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>page {page} of {count}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>page {page}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>lines {start}–{end}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>line {start}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No app could open {name}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The folder {folder} could not be opened.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} cannot be shown ({error})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{reason}. Below is the cited passage.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Startup</name>
    <message>
        <source>Fireside cannot start</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <source>No model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Generation speed of the last reply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tokens in the context after the last reply / context size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading {model}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{model} (not loaded)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{speed} tok/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>context {used} / {size}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ToolApprovalDialog</name>
    <message>
        <source>the network and the file system</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the network</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the file system</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>nothing outside the app</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Allow the {tool} tool?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;{tool}&lt;/b&gt; wants to run. It uses &lt;b&gt;{reach}&lt;/b&gt;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Allow once</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Always allow this tool</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deny</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Arguments:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ToolCallText</name>
    <message>
        <source>… (cut; {count} characters in all)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>*(no output)*</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>error: </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>output</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TranscriptModel</name>
    <message>
        <source>This reply failed; Retry asks again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TranscriptView</name>
    <message>
        <source>Ask anything. Replies are written on this computer by a local model; nothing leaves it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit and resend</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
