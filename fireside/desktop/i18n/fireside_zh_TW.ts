<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_TW" sourcelanguage="en">
<context>
    <name>ChatController</name>
    <message>
        <source>unexpected error while generating: {error}</source>
        <translation>產生回覆時發生非預期的錯誤：{error}</translation>
    </message>
    <message>
        <source>the reply ended without a result</source>
        <translation>回覆意外結束，沒有取得結果</translation>
    </message>
</context>
<context>
    <name>ChatPanel</name>
    <message>
        <source>This chat answers from {names}, with sources</source>
        <translation>此對話將根據 {names} 回答，並附上來源</translation>
    </message>
    <message>
        <source>This chat no longer answers from documents</source>
        <translation>此對話不再根據文件回答</translation>
    </message>
    <message>
        <source>this reply was not saved</source>
        <translation>此回覆未儲存</translation>
    </message>
    <message>
        <source>Message copied</source>
        <translation>訊息已複製</translation>
    </message>
    <message>
        <source>Code copied</source>
        <translation>程式碼已複製</translation>
    </message>
</context>
<context>
    <name>CollectionPicker</name>
    <message>
        <source>Documents</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>%n collections</source>
        <translation>%n 個文件集</translation>
    </message>
    <message>
        <source>Answering from: {names} (with sources)</source>
        <translation>根據以下文件集回答：{names}（附上來源）</translation>
    </message>
    <message>
        <source>Answer from your documents: choose the collections this chat uses</source>
        <translation>根據您的文件回答：選擇此對話使用的文件集</translation>
    </message>
    <message>
        <source>Answer from these collections:</source>
        <translation>根據這些文件集回答：</translation>
    </message>
    <message>
        <source>(no collections yet: add documents first)</source>
        <translation>（尚無文件集：請先加入文件）</translation>
    </message>
    <message>
        <source>{name} (removed)</source>
        <translation>{name}（已移除）</translation>
    </message>
    <message>
        <source>No documents (plain chat)</source>
        <translation>不使用文件（一般對話）</translation>
    </message>
    <message>
        <source>Manage documents…</source>
        <translation>管理文件…</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <source>Send</source>
        <translation>傳送</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop the reply (Esc)</source>
        <translation>停止回覆 (Esc)</translation>
    </message>
    <message>
        <source>Send (Enter)</source>
        <translation>傳送 (Enter)</translation>
    </message>
    <message>
        <source>Editing your message — Enter resends it as a new version (the original is kept), Esc cancels</source>
        <translation>正在編輯您的訊息 — 按 Enter 以新版本重新傳送（保留原訊息），按 Esc 取消</translation>
    </message>
</context>
<context>
    <name>DocumentDrop</name>
    <message>
        <source>{names} and {count} more</source>
        <translation>{names} 及另外 {count} 項</translation>
    </message>
    <message>
        <source>Indexed {indexed} of {total} file(s) into the &apos;{name}&apos; document collection.</source>
        <translation>已將 {total} 個檔案中的 {indexed} 個加入文件集「{name}」的索引。</translation>
    </message>
    <message>
        <source> Not indexed: {problems}</source>
        <translation>未加入索引：{problems}</translation>
    </message>
    <message numerus="yes">
        <source>Document chat is not available yet in this build: {names} were not added. You can still paste text into the message box.</source>
        <translation>
            <numerusform>此版本尚不支援文件對話：未加入 {names}。您仍可將文字貼到訊息框中。</numerusform>
        </translation>
    </message>
    <message>
        <source>Documents are still being indexed; drop more when it is done.</source>
        <translation>文件仍在建立索引，完成後再拖入更多檔案。</translation>
    </message>
    <message>
        <source>Indexing {names}…</source>
        <translation>正在為 {names} 建立索引…</translation>
    </message>
    <message>
        <source>Indexing {name} — {done}/{total} files, {percent}%</source>
        <translation>正在為 {name} 建立索引 — {done}/{total} 個檔案，{percent}%</translation>
    </message>
    <message>
        <source>Indexing failed: {error}</source>
        <translation>建立索引失敗：{error}</translation>
    </message>
</context>
<context>
    <name>DocumentsDock</name>
    <message>
        <source>Documents</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Use this collection in the current chat (with sources)</source>
        <translation>在目前的對話中使用此文件集（附上來源）</translation>
    </message>
</context>
<context>
    <name>DocumentsPanel</name>
    <message>
        <source>{done} / {total} files</source>
        <translation>{done} / {total} 個檔案</translation>
    </message>
    <message>
        <source> · paused</source>
        <translation> · 已暫停</translation>
    </message>
    <message>
        <source> · done</source>
        <translation> · 已完成</translation>
    </message>
    <message>
        <source> · cancelled</source>
        <translation> · 已取消</translation>
    </message>
    <message>
        <source> · ETA {seconds} s</source>
        <translation> · 預計還需 {seconds} 秒</translation>
    </message>
    <message>
        <source>indexed</source>
        <translation>已建立索引</translation>
    </message>
    <message>
        <source>failed: {error}</source>
        <translation>失敗：{error}</translation>
    </message>
    <message>
        <source>unknown error</source>
        <translation>未知的錯誤</translation>
    </message>
    <message>
        <source>indexing ({done}/{total} chunks)</source>
        <translation>正在建立索引（{done}/{total} 個區塊）</translation>
    </message>
    <message>
        <source>New collection…</source>
        <translation>新增文件集…</translation>
    </message>
    <message>
        <source>Add files…</source>
        <translation>加入檔案…</translation>
    </message>
    <message>
        <source>Add folder…</source>
        <translation>加入資料夾…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>File</source>
        <translation>檔案</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>狀態</translation>
    </message>
    <message>
        <source>Chunks</source>
        <translation>區塊</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暫停</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Collection:</source>
        <translation>文件集：</translation>
    </message>
    <message numerus="yes">
        <source>{name} (%n documents, {failed} failed)</source>
        <translation>
            <numerusform>{name}（%n 份文件，{failed} 份失敗）</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{name} (%n documents)</source>
        <translation>
            <numerusform>{name}（%n 份文件）</numerusform>
        </translation>
    </message>
    <message>
        <source>New collection</source>
        <translation>新增文件集</translation>
    </message>
    <message>
        <source>Name of the new collection:</source>
        <translation>新文件集的名稱：</translation>
    </message>
    <message>
        <source>Indexing is running; add more when it is done.</source>
        <translation>正在建立索引，完成後再加入更多。</translation>
    </message>
    <message numerus="yes">
        <source>Preparing to index %n item(s)…</source>
        <translation>
            <numerusform>正在準備為 %n 個項目建立索引…</numerusform>
        </translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>繼續</translation>
    </message>
    <message>
        <source>Indexing failed: {error}</source>
        <translation>建立索引失敗：{error}</translation>
    </message>
    <message numerus="yes">
        <source>Cancelled: {indexed} of %n file(s) indexed, {problems} not.</source>
        <translation>
            <numerusform>已取消：%n 個檔案中有 {indexed} 個已建立索引，{problems} 個未建立。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Done: {indexed} of %n file(s) indexed, {problems} not.</source>
        <translation>
            <numerusform>已完成：%n 個檔案中有 {indexed} 個已建立索引，{problems} 個未建立。</numerusform>
        </translation>
    </message>
    <message>
        <source>Add files to the collection</source>
        <translation>將檔案加入文件集</translation>
    </message>
    <message>
        <source>Add a folder to the collection</source>
        <translation>將資料夾加入文件集</translation>
    </message>
</context>
<context>
    <name>InputBox</name>
    <message>
        <source>Message the assistant — Enter to send, Shift+Enter for a new line</source>
        <translation>傳訊息給助理 — Enter 傳送，Shift+Enter 換行</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Settings</source>
        <translation>設定</translation>
    </message>
    <message>
        <source>Settings (Ctrl+,)</source>
        <translation>設定 (Ctrl+,)</translation>
    </message>
    <message>
        <source>&amp;Chat</source>
        <translation>對話(&amp;C)</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>新增對話</translation>
    </message>
    <message>
        <source>Search chats</source>
        <translation>搜尋對話</translation>
    </message>
    <message>
        <source>Stop reply</source>
        <translation>停止回覆</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>設定…</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>結束</translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation>工具(&amp;T)</translation>
    </message>
    <message>
        <source>Documents…</source>
        <translation>文件…</translation>
    </message>
    <message>
        <source>Plugins…</source>
        <translation>外掛程式…</translation>
    </message>
    <message>
        <source>&amp;Model</source>
        <translation>模型(&amp;M)</translation>
    </message>
    <message>
        <source>Open GGUF…</source>
        <translation>開啟 GGUF…</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>說明(&amp;H)</translation>
    </message>
    <message>
        <source>About Fireside</source>
        <translation>關於 Fireside</translation>
    </message>
    <message>
        <source>Open log folder</source>
        <translation>開啟日誌資料夾</translation>
    </message>
    <message>
        <source>Loading the model…</source>
        <translation>正在載入模型…</translation>
    </message>
    <message>
        <source>Thinking…</source>
        <translation>思考中…</translation>
    </message>
    <message>
        <source>Fireside — an offline chat assistant for local GGUF models. Your conversations never leave this computer.</source>
        <translation>Fireside — 使用本機 GGUF 模型的離線聊天助理。您的對話永遠不會離開這台電腦。</translation>
    </message>
    <message>
        <source>Plugins and tools</source>
        <translation>外掛程式與工具</translation>
    </message>
    <message>
        <source>Something went wrong: {error}. Details are in the log: {path}</source>
        <translation>發生錯誤：{error}。詳細資訊請見日誌：{path}</translation>
    </message>
</context>
<context>
    <name>MarkdownRenderer</name>
    <message>
        <source>code</source>
        <translation>程式碼</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>複製</translation>
    </message>
</context>
<context>
    <name>MessageDelegate</name>
    <message>
        <source>Thinking…</source>
        <translation>思考中…</translation>
    </message>
    <message>
        <source>generating… (Esc to stop)</source>
        <translation>產生中…（按 Esc 停止）</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>複製</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>重試</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>重新產生</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>編輯</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>interrupted</source>
        <translation>已中斷</translation>
    </message>
    <message>
        <source>{speed} tok/s</source>
        <translation>{speed} tok/s</translation>
    </message>
    <message>
        <source>You</source>
        <translation>您</translation>
    </message>
    <message>
        <source>Assistant</source>
        <translation>助理</translation>
    </message>
</context>
<context>
    <name>MessageExtras</name>
    <message>
        <source>hide tool details</source>
        <translation>隱藏工具詳細資料</translation>
    </message>
    <message>
        <source>show tool details</source>
        <translation>顯示工具詳細資料</translation>
    </message>
    <message>
        <source>document</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>{name}, page {page}</source>
        <translation>{name}，第 {page} 頁</translation>
    </message>
    <message>
        <source>{name}, line {line}</source>
        <translation>{name}，第 {line} 行</translation>
    </message>
    <message>
        <source>Sources</source>
        <translation>來源</translation>
    </message>
</context>
<context>
    <name>ModelLoader</name>
    <message>
        <source>context {n_ctx} of {trained}</source>
        <translation>上下文 {n_ctx}（訓練長度 {trained}）</translation>
    </message>
    <message>
        <source>context {n_ctx}</source>
        <translation>上下文 {n_ctx}</translation>
    </message>
    <message>
        <source>{size} · {parameters} · {quantization} · {context} · needs ≈ {need} ({available} free)</source>
        <translation>{size} · {parameters} · {quantization} · {context} · 需要約 {need}（可用 {available}）</translation>
    </message>
    <message>
        <source>needs about {need} of memory (weights + {n_ctx}-token context) but only {available} is available; choose a smaller quantization or a shorter context</source>
        <translation>需要約 {need} 記憶體（權重 + {n_ctx} token 的上下文），但只有 {available} 可用；請選擇較小的量化版本或較短的上下文</translation>
    </message>
    <message>
        <source>could not load the model ({kind}: {error})</source>
        <translation>無法載入模型（{kind}：{error}）</translation>
    </message>
</context>
<context>
    <name>ModelPicker</name>
    <message>
        <source>GGUF models (*.gguf);;All files (*)</source>
        <translation>GGUF 模型 (*.gguf);;所有檔案 (*)</translation>
    </message>
    <message>
        <source>The model that answers (Ctrl+O opens a GGUF file)</source>
        <translation>負責回答的模型（Ctrl+O 開啟 GGUF 檔案）</translation>
    </message>
    <message>
        <source> (missing)</source>
        <translation>（檔案不存在）</translation>
    </message>
    <message>
        <source>Open GGUF…</source>
        <translation>開啟 GGUF…</translation>
    </message>
    <message>
        <source>Open a GGUF model</source>
        <translation>開啟 GGUF 模型</translation>
    </message>
</context>
<context>
    <name>ModelSwitcher</name>
    <message>
        <source>{error}. Use Model &gt; Open GGUF… to choose one.</source>
        <translation>{error}。請透過「模型 &gt; 開啟 GGUF…」選擇一個模型。</translation>
    </message>
    <message>
        <source>Switching to {model} when the reply finishes</source>
        <translation>回覆結束後將切換至 {model}</translation>
    </message>
    <message>
        <source>Loaded {model} in {seconds} s</source>
        <translation>已載入 {model}，耗時 {seconds} 秒</translation>
    </message>
    <message>
        <source>Loaded {model}</source>
        <translation>已載入 {model}</translation>
    </message>
    <message>
        <source>Could not use {model}: {error}</source>
        <translation>無法使用 {model}：{error}</translation>
    </message>
</context>
<context>
    <name>Notice</name>
    <message>
        <source>Dismiss</source>
        <translation>關閉</translation>
    </message>
    <message>
        <source>Error:</source>
        <translation>錯誤：</translation>
    </message>
</context>
<context>
    <name>PluginsPage</name>
    <message>
        <source>network</source>
        <translation>網路</translation>
    </message>
    <message>
        <source>files</source>
        <translation>檔案</translation>
    </message>
    <message>
        <source>Plugins add tools the assistant may use. Tools marked [network] or [files] ask before they run.</source>
        <translation>外掛程式為助理提供可用的工具。標有 [網路] 或 [檔案] 的工具在執行前會先徵求您的同意。</translation>
    </message>
    <message>
        <source>Failed to load: {error}</source>
        <translation>載入失敗：{error}</translation>
    </message>
    <message>
        <source>A hook failed: {error}</source>
        <translation>某個掛鉤執行失敗：{error}</translation>
    </message>
</context>
<context>
    <name>QFileDialog</name>
    <message>
        <source>&amp;Look in:</source>
        <translation>搜尋位置(&amp;L)：</translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation>檔案類型(&amp;T)：</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Follow system</source>
        <translation>跟隨系統</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>淺色</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>設定</translation>
    </message>
    <message>
        <source>A new language applies after Fireside restarts.</source>
        <translation>變更語言後需重新啟動 Fireside 才會生效。</translation>
    </message>
    <message>
        <source>auto</source>
        <translation>自動</translation>
    </message>
    <message>
        <source>General</source>
        <translation>一般</translation>
    </message>
    <message>
        <source>System prompt
(new chats)</source>
        <translation>系統提示詞
（用於新對話）</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>主題</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>語言</translation>
    </message>
    <message>
        <source>CPU threads</source>
        <translation>CPU 執行緒數</translation>
    </message>
    <message>
        <source>off</source>
        <translation>關閉</translation>
    </message>
    <message>
        <source>model default</source>
        <translation>模型預設值</translation>
    </message>
    <message>
        <source>Auto</source>
        <translation>自動</translation>
    </message>
    <message>
        <source>all</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>For this model: {model}</source>
        <translation>僅用於此模型：{model}</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>溫度</translation>
    </message>
    <message>
        <source>Top-p</source>
        <translation>Top-p</translation>
    </message>
    <message>
        <source>Top-k</source>
        <translation>Top-k</translation>
    </message>
    <message>
        <source>Max tokens</source>
        <translation>最大 token 數</translation>
    </message>
    <message>
        <source>Context size</source>
        <translation>上下文長度</translation>
    </message>
    <message>
        <source>GPU layers</source>
        <translation>GPU 層數</translation>
    </message>
    <message>
        <source>This build of llama.cpp runs on the CPU only; GPU layers are ignored.</source>
        <translation>此 llama.cpp 版本僅在 CPU 上執行，GPU 層數設定將被忽略。</translation>
    </message>
</context>
<context>
    <name>Sidebar</name>
    <message>
        <source>New chat</source>
        <translation>新增對話</translation>
    </message>
    <message>
        <source>New chat (Ctrl+N)</source>
        <translation>新增對話 (Ctrl+N)</translation>
    </message>
    <message>
        <source>Search chats  (Ctrl+K)</source>
        <translation>搜尋對話  (Ctrl+K)</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>重新命名</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>刪除…</translation>
    </message>
    <message>
        <source>This chat is still generating a reply; stop it first, then delete the chat.</source>
        <translation>此對話仍在產生回覆；請先停止，再刪除對話。</translation>
    </message>
    <message>
        <source>Delete chat</source>
        <translation>刪除對話</translation>
    </message>
    <message>
        <source>Delete this chat and all its messages? This cannot be undone.</source>
        <translation>要刪除此對話及其所有訊息嗎？此動作無法復原。</translation>
    </message>
</context>
<context>
    <name>SourceViewer</name>
    <message>
        <source>Previous page</source>
        <translation>上一頁</translation>
    </message>
    <message>
        <source>Next page</source>
        <translation>下一頁</translation>
    </message>
    <message>
        <source>Show in folder</source>
        <translation>在資料夾中顯示</translation>
    </message>
    <message>
        <source>Open in default app</source>
        <translation>以預設應用程式開啟</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>載入中…</translation>
    </message>
    <message>
        <source>{name} — Source</source>
        <translation>{name} — 來源</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>來源</translation>
    </message>
    <message>
        <source>{kind} files cannot be shown here; this is the cited passage. “Open in default app” shows the whole document.</source>
        <translation>{kind} 檔案無法在此顯示；以下是引用的段落。「以預設應用程式開啟」可檢視整份文件。</translation>
    </message>
    <message>
        <source>These files cannot be shown here; this is the cited passage. “Open in default app” shows the whole document.</source>
        <translation>此類檔案無法在此顯示；以下是引用的段落。「以預設應用程式開啟」可檢視整份文件。</translation>
    </message>
    <message>
        <source>(the citation has no text)</source>
        <translation>（此引用沒有文字）</translation>
    </message>
    <message>
        <source>page {page} of {count}</source>
        <translation>第 {page} 頁，共 {count} 頁</translation>
    </message>
    <message>
        <source>page {page}</source>
        <translation>第 {page} 頁</translation>
    </message>
    <message>
        <source>lines {start}–{end}</source>
        <translation>第 {start}–{end} 行</translation>
    </message>
    <message>
        <source>line {start}</source>
        <translation>第 {start} 行</translation>
    </message>
    <message>
        <source>No app could open {name}.</source>
        <translation>沒有應用程式能開啟 {name}。</translation>
    </message>
    <message>
        <source>The folder {folder} could not be opened.</source>
        <translation>無法開啟資料夾 {folder}。</translation>
    </message>
    <message>
        <source>{name} cannot be shown ({error})</source>
        <translation>無法顯示 {name}（{error}）</translation>
    </message>
    <message>
        <source>{reason}. Below is the cited passage.</source>
        <translation>{reason}。以下是引用的段落。</translation>
    </message>
</context>
<context>
    <name>Startup</name>
    <message>
        <source>Fireside cannot start</source>
        <translation>Fireside 無法啟動</translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <source>No model</source>
        <translation>未載入模型</translation>
    </message>
    <message>
        <source>Generation speed of the last reply</source>
        <translation>上一則回覆的產生速度</translation>
    </message>
    <message>
        <source>Tokens in the context after the last reply / context size</source>
        <translation>上一則回覆後上下文中的 token 數 / 上下文長度</translation>
    </message>
    <message>
        <source>Loading {model}…</source>
        <translation>正在載入 {model}…</translation>
    </message>
    <message>
        <source>{model} (not loaded)</source>
        <translation>{model}（未載入）</translation>
    </message>
    <message>
        <source>{speed} tok/s</source>
        <translation>{speed} tok/s</translation>
    </message>
    <message>
        <source>context {used} / {size}</source>
        <translation>上下文 {used} / {size}</translation>
    </message>
</context>
<context>
    <name>ToolApprovalDialog</name>
    <message>
        <source>the network and the file system</source>
        <translation>網路與檔案系統</translation>
    </message>
    <message>
        <source>the network</source>
        <translation>網路</translation>
    </message>
    <message>
        <source>the file system</source>
        <translation>檔案系統</translation>
    </message>
    <message>
        <source>nothing outside the app</source>
        <translation>不涉及應用程式以外的任何內容</translation>
    </message>
    <message>
        <source>Allow the {tool} tool?</source>
        <translation>允許執行 {tool} 工具嗎？</translation>
    </message>
    <message>
        <source>&lt;b&gt;{tool}&lt;/b&gt; wants to run. It uses &lt;b&gt;{reach}&lt;/b&gt;.</source>
        <translation>&lt;b&gt;{tool}&lt;/b&gt; 要求執行，它會使用&lt;b&gt;{reach}&lt;/b&gt;。</translation>
    </message>
    <message>
        <source>Allow once</source>
        <translation>允許一次</translation>
    </message>
    <message>
        <source>Always allow this tool</source>
        <translation>一律允許此工具</translation>
    </message>
    <message>
        <source>Deny</source>
        <translation>拒絕</translation>
    </message>
    <message>
        <source>Arguments:</source>
        <translation>參數：</translation>
    </message>
</context>
<context>
    <name>ToolCallText</name>
    <message>
        <source>… (cut; {count} characters in all)</source>
        <translation>…（已截斷；共 {count} 個字元）</translation>
    </message>
    <message>
        <source>*(no output)*</source>
        <translation>*（無輸出）*</translation>
    </message>
    <message>
        <source>error: </source>
        <translation>錯誤：</translation>
    </message>
    <message>
        <source>error</source>
        <translation>錯誤</translation>
    </message>
    <message>
        <source>output</source>
        <translation>輸出</translation>
    </message>
</context>
<context>
    <name>TranscriptModel</name>
    <message>
        <source>This reply failed; Retry asks again.</source>
        <translation>此回覆失敗；按「重試」重新提問。</translation>
    </message>
</context>
<context>
    <name>TranscriptView</name>
    <message>
        <source>Ask anything. Replies are written on this computer by a local model; nothing leaves it.</source>
        <translation>儘管提問。回覆由這台電腦上的本機模型產生，任何內容都不會離開這台電腦。</translation>
    </message>
    <message>
        <source>Copy message</source>
        <translation>複製訊息</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>重新產生</translation>
    </message>
    <message>
        <source>Edit and resend</source>
        <translation>編輯並重新傳送</translation>
    </message>
</context>
</TS>
