<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_TW" sourcelanguage="en">
<context>
    <name>AddServerDialog</name>
    <message>
        <source>Add an MCP server</source>
        <translation>新增 MCP 伺服器</translation>
    </message>
    <message>
        <source>Command (stdio)</source>
        <translation>指令 (stdio)</translation>
    </message>
    <message>
        <source>URL (Streamable HTTP)</source>
        <translation>網址 (Streamable HTTP)</translation>
    </message>
    <message>
        <source>e.g. npx -y @modelcontextprotocol/server-memory</source>
        <translation>例如 npx -y @modelcontextprotocol/server-memory</translation>
    </message>
    <message>
        <source>http://127.0.0.1:8000/mcp</source>
        <translation>http://127.0.0.1:8000/mcp</translation>
    </message>
    <message>
        <source>KEY=value, one per line</source>
        <translation>KEY=value，每行一個</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名稱</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>類型</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>指令</translation>
    </message>
    <message>
        <source>URL</source>
        <translation>網址</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>環境變數</translation>
    </message>
    <message>
        <source>Headers</source>
        <translation>標頭</translation>
    </message>
    <message>
        <source>The command is not valid: %1</source>
        <translation>指令無效：%1</translation>
    </message>
    <message>
        <source>New server</source>
        <translation>新伺服器</translation>
    </message>
</context>
<context>
    <name>ApiServerDialog</name>
    <message>
        <source>Local API server</source>
        <translation>本機 API 伺服器</translation>
    </message>
    <message>
        <source>Other programs on this computer (editors, scripts, the openai Python package) can use Fireside&apos;s models through an OpenAI-compatible API. They need the key below.</source>
        <translation>這台電腦上的其他程式（編輯器、指令碼、openai Python 套件）可以透過與 OpenAI 相容的 API 使用 Fireside 的模型。它們需要下方的金鑰。</translation>
    </message>
    <message>
        <source>Serve the API</source>
        <translation>提供 API 服務</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>顯示</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>複製</translation>
    </message>
    <message>
        <source>New key</source>
        <translation>新金鑰</translation>
    </message>
    <message>
        <source>Make a new key; programs using the old one must update</source>
        <translation>產生新金鑰；使用舊金鑰的程式必須更新</translation>
    </message>
    <message>
        <source>none</source>
        <translation>無</translation>
    </message>
    <message>
        <source>Copy curl example</source>
        <translation>複製 curl 範例</translation>
    </message>
    <message>
        <source>Copy Python example</source>
        <translation>複製 Python 範例</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>連接埠</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>狀態</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API 金鑰</translation>
    </message>
    <message>
        <source>Requests served</source>
        <translation>已處理的請求</translation>
    </message>
    <message>
        <source>Last error</source>
        <translation>最近一次錯誤</translation>
    </message>
    <message>
        <source>Network tools that API requests may run:</source>
        <translation>API 請求可以執行的連網工具：</translation>
    </message>
    <message>
        <source>Examples</source>
        <translation>範例</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>啟動中…</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>停止中…</translation>
    </message>
    <message>
        <source>Serving at {url}</source>
        <translation>正在 {url} 提供服務</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>已關閉</translation>
    </message>
    <message>
        <source>Kept in {where}</source>
        <translation>儲存於：{where}</translation>
    </message>
</context>
<context>
    <name>AssistantBar</name>
    <message>
        <source>Stop using this assistant in this chat</source>
        <translation>此對話不再使用這個助理</translation>
    </message>
    <message>
        <source>Put this in the message box</source>
        <translation>放入輸入框</translation>
    </message>
</context>
<context>
    <name>AttachmentStrip</name>
    <message>
        <source>At most {count} pictures go with one message.</source>
        <translation>一則訊息最多附帶 {count} 張圖片。</translation>
    </message>
    <message>
        <source>{name} — click to remove</source>
        <translation>{name} — 點擊移除</translation>
    </message>
</context>
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
        <source>Rate reply</source>
        <translation>評價回覆</translation>
    </message>
    <message>
        <source>What was wrong with it? (optional)</source>
        <translation>哪裡不好？（可不填）</translation>
    </message>
    <message>
        <source>Thanks: the rating is saved with the reply</source>
        <translation>謝謝：評價已隨回覆儲存</translation>
    </message>
    <message>
        <source>Code copied</source>
        <translation>程式碼已複製</translation>
    </message>
</context>
<context>
    <name>ChatTransfer</name>
    <message>
        <source>Markdown (.md)</source>
        <translation>Markdown（.md）</translation>
    </message>
    <message>
        <source>Web page, one file (.html)</source>
        <translation>網頁，單一檔案（.html）</translation>
    </message>
    <message>
        <source>Fireside JSON, complete (.json)</source>
        <translation>Fireside JSON，完整（.json）</translation>
    </message>
    <message>
        <source>Export chats</source>
        <translation>匯出對話</translation>
    </message>
    <message>
        <source>Format:</source>
        <translation>格式：</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n chat(s) to {path}</source>
        <translation>
            <numerusform>已將 %n 個對話匯出到 {path}</numerusform>
        </translation>
    </message>
    <message>
        <source>Import chats</source>
        <translation>匯入對話</translation>
    </message>
    <message>
        <source>Chat exports (*.zip *.json);;All files (*)</source>
        <translation>對話匯出檔 (*.zip *.json);;所有檔案 (*)</translation>
    </message>
    <message>
        <source>Importing {name}…</source>
        <translation>正在匯入 {name}…</translation>
    </message>
    <message>
        <source>Hide</source>
        <translation>隱藏</translation>
    </message>
    <message numerus="yes">
        <source>Importing… %n conversation(s) read</source>
        <translation>
            <numerusform>正在匯入…已讀取 %n 個對話</numerusform>
        </translation>
    </message>
    <message>
        <source>Imported {chats} conversations ({messages} messages, {branches} branches) from the {source} export.</source>
        <translation>已從 {source} 匯出檔匯入 {chats} 個對話（{messages} 則訊息，{branches} 個分支）。</translation>
    </message>
    <message>
        <source>{count} were imported before and were skipped.</source>
        <translation>其中 {count} 個先前已匯入，已略過。</translation>
    </message>
    <message>
        <source>{count} files they mention are not in the export.</source>
        <translation>提到的檔案中有 {count} 個不在匯出檔裡。</translation>
    </message>
    <message>
        <source>…and {count} more</source>
        <translation>……還有 {count} 項</translation>
    </message>
    <message>
        <source>Could not be read:</source>
        <translation>無法讀取：</translation>
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
        <source>Picture…</source>
        <translation>圖片…</translation>
    </message>
    <message>
        <source>Send a picture with the message (or paste one, or drop it on the chat)</source>
        <translation>隨訊息傳送圖片（也可以貼上，或拖放到對話中）</translation>
    </message>
    <message>
        <source>pasted picture</source>
        <translation>貼上的圖片</translation>
    </message>
    <message>
        <source>Send pictures</source>
        <translation>傳送圖片</translation>
    </message>
    <message>
        <source>Pictures ({patterns})</source>
        <translation>圖片 ({patterns})</translation>
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
        <source> · page {done} of {total}</source>
        <translation> · 第 {done} / {total} 頁</translation>
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
        <source>Read scans and pictures (OCR)</source>
        <translation>辨識掃描檔和圖片中的文字 (OCR)</translation>
    </message>
    <message>
        <source>Pages without text and picture files are read with OCR (offline, Chinese and English); files added later follow this choice</source>
        <translation>沒有文字層的頁面和圖片檔將以 OCR 辨識（離線，支援中文和英文）；之後加入的檔案依循此設定</translation>
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
        <source>No collections yet: add files</source>
        <translation>還沒有文件集：請新增檔案</translation>
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
    <name>LibraryCatalogTab</name>
    <message>
        <source> tokens</source>
        <translation> 個 token</translation>
    </message>
    <message>
        <source>Context size for the memory estimate:</source>
        <translation>用於估算記憶體的上下文長度：</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>參數量</translation>
    </message>
    <message>
        <source>Quantization</source>
        <translation>量化</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Fits?</source>
        <translation>能否執行？</translation>
    </message>
    <message>
        <source>Languages</source>
        <translation>語言</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>授權條款</translation>
    </message>
    <message>
        <source>Trained to call tools.</source>
        <translation>經過工具呼叫訓練。</translation>
    </message>
    <message>
        <source>Strong in Chinese.</source>
        <translation>中文能力強。</translation>
    </message>
    <message>
        <source>Size approximate; size and SHA-256 are checked against the hub when it downloads.</source>
        <translation>大小為概略值；下載時會依模型中心核對大小與 SHA-256。</translation>
    </message>
    <message>
        <source>中文 ✓ · </source>
        <translation>中文 ✓ · </translation>
    </message>
    <message>
        <source>Use</source>
        <translation>使用</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>下載</translation>
    </message>
</context>
<context>
    <name>LibraryDialog</name>
    <message>
        <source>Model library</source>
        <translation>模型庫</translation>
    </message>
    <message>
        <source>Catalog</source>
        <translation>目錄</translation>
    </message>
    <message>
        <source>Search the hub</source>
        <translation>搜尋模型中心</translation>
    </message>
    <message>
        <source>Downloads</source>
        <translation>下載</translation>
    </message>
    <message>
        <source>On this computer</source>
        <translation>這台電腦</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>設定</translation>
    </message>
    <message>
        <source>Switching the chat to {0}</source>
        <translation>正在將對話切換至 {0}</translation>
    </message>
</context>
<context>
    <name>LibraryDownloadsTab</name>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>進度</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>狀態</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>排隊中</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>已暫停</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>就緒</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>啟動中…</translation>
    </message>
    <message>
        <source>, {0} left</source>
        <translation>，剩餘 {0}</translation>
    </message>
    <message>
        <source>{done} of {total} · {speed:.1f} MB/s{eta}</source>
        <translation>{done} / {total} · {speed:.1f} MB/s{eta}</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暫停</translation>
    </message>
    <message>
        <source>Use</source>
        <translation>使用</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>繼續</translation>
    </message>
</context>
<context>
    <name>LibraryFitBadge</name>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>✓ fits</source>
        <translation>✓ 可執行</translation>
    </message>
    <message>
        <source>⚠ tight</source>
        <translation>⚠ 勉強</translation>
    </message>
    <message>
        <source>✗ too large</source>
        <translation>✗ 太大</translation>
    </message>
    <message>
        <source>{verdict} · {need:.1f} GiB</source>
        <translation>{verdict} · {need:.1f} GiB</translation>
    </message>
    <message>
        <source>Needs about {need:.1f} GiB (weights, context and buffers); {free:.1f} GiB available</source>
        <translation>大約需要 {need:.1f} GiB（權重、上下文與緩衝區）；可用 {free:.1f} GiB</translation>
    </message>
</context>
<context>
    <name>LibraryHubTab</name>
    <message>
        <source>Search GGUF models, e.g. qwen 7b</source>
        <translation>搜尋 GGUF 模型，例如 qwen 7b</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>搜尋</translation>
    </message>
    <message>
        <source>File</source>
        <translation>檔案</translation>
    </message>
    <message>
        <source>Quantization</source>
        <translation>量化</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Fits?</source>
        <translation>能否執行？</translation>
    </message>
    <message>
        <source>Searching for “{0}”…</source>
        <translation>正在搜尋「{0}」…</translation>
    </message>
    <message>
        <source>{0} repositories found</source>
        <translation>找到 {0} 個儲存庫</translation>
    </message>
    <message>
        <source>No GGUF repositories match.</source>
        <translation>沒有符合的 GGUF 儲存庫。</translation>
    </message>
    <message>
        <source> ({0} parts)</source>
        <translation>（{0} 個分割檔）</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>下載</translation>
    </message>
</context>
<context>
    <name>LibraryLocalTab</name>
    <message>
        <source>File</source>
        <translation>檔案</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>重新整理</translation>
    </message>
    <message>
        <source>Downloaded</source>
        <translation>已下載</translation>
    </message>
    <message>
        <source>Your folder</source>
        <translation>您的資料夾</translation>
    </message>
    <message>
        <source>Bundled demo model</source>
        <translation>內建示範模型</translation>
    </message>
    <message>
        <source>Recently used</source>
        <translation>最近使用</translation>
    </message>
    <message>
        <source> ({0} of {1} parts missing)</source>
        <translation>（{1} 個分割檔中缺少 {0} 個）</translation>
    </message>
    <message>
        <source>Use</source>
        <translation>使用</translation>
    </message>
</context>
<context>
    <name>LibrarySettingsTab</name>
    <message>
        <source>Choose…</source>
        <translation>選擇…</translation>
    </message>
    <message>
        <source>hf_… (only for gated or private models)</source>
        <translation>hf_…（僅用於受限或私人模型）</translation>
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
        <source>Save</source>
        <translation>儲存</translation>
    </message>
    <message>
        <source>Models folder</source>
        <translation>模型資料夾</translation>
    </message>
    <message>
        <source>Hub address (mirror)</source>
        <translation>模型中心位址（鏡像）</translation>
    </message>
    <message>
        <source>Forget token</source>
        <translation>清除權杖</translation>
    </message>
    <message>
        <source>Access token</source>
        <translation>存取權杖</translation>
    </message>
    <message>
        <source>Also list models in</source>
        <translation>一併列出以下位置的模型</translation>
    </message>
    <message>
        <source>LM Studio&apos;s, GPT4All&apos;s and Jan&apos;s model folders are listed too; their files are used in place, never copied.</source>
        <translation>LM Studio、GPT4All 與 Jan 的模型資料夾也會列出；其中的檔案直接在原處使用，不會複製。</translation>
    </message>
    <message>
        <source>A folder with GGUF models</source>
        <translation>含有 GGUF 模型的資料夾</translation>
    </message>
    <message>
        <source>Access token removed</source>
        <translation>存取權杖已移除</translation>
    </message>
    <message>
        <source>Access token saved ({0})</source>
        <translation>存取權杖已儲存（{0}）</translation>
    </message>
    <message>
        <source>system keyring</source>
        <translation>系統金鑰圈</translation>
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
        <source>New chat with assistant</source>
        <translation>用助理開始新對話</translation>
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
        <source>Export…</source>
        <translation>匯出…</translation>
    </message>
    <message>
        <source>Export all chats…</source>
        <translation>匯出全部對話…</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>匯入…</translation>
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
        <source>MCP servers…</source>
        <translation>MCP 伺服器…</translation>
    </message>
    <message>
        <source>Local API server…</source>
        <translation>本機 API 伺服器…</translation>
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
        <source>Library…</source>
        <translation>模型庫…</translation>
    </message>
    <message>
        <source>Remote connections…</source>
        <translation>遠端連線…</translation>
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
        <source>A setting was not saved: {error}</source>
        <translation>有一項設定未能儲存：{error}</translation>
    </message>
    <message>
        <source>Ask anything. Replies come from %1 on another computer: your messages are sent there. History, documents and tools stay here.</source>
        <translation>儘管提問。回覆來自另一台電腦上的 %1：您的訊息會傳送到那裡。歷史紀錄、文件與工具都留在這台電腦。</translation>
    </message>
    <message>
        <source>Ask anything. Replies come from %1, a server on this computer; nothing leaves it.</source>
        <translation>儘管提問。回覆來自這台電腦上的伺服器 %1；任何內容都不會離開這台電腦。</translation>
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
        <source>Version {version} · Licence: {licence}</source>
        <translation>版本 {version} · 授權：{licence}</translation>
    </message>
    <message>
        <source>Plugins and tools</source>
        <translation>外掛程式與工具</translation>
    </message>
    <message>
        <source>Downloaded {0}: Model &gt; Library… to use it</source>
        <translation>已下載 {0}：請透過「模型 &gt; 模型庫…」使用</translation>
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
    <name>McpServersDialog</name>
    <message>
        <source>MCP servers</source>
        <translation>MCP 伺服器</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>伺服器</translation>
    </message>
    <message>
        <source>State</source>
        <translation>狀態</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>詳細資料</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>新增…</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>匯入…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Restart</source>
        <translation>重新啟動</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>關閉</translation>
    </message>
    <message>
        <source>MCP servers give the assistant more tools. Their tools ask before they run. Servers are set in mcp.json, the format Claude Desktop, Cursor and LM Studio use.</source>
        <translation>MCP 伺服器為助理提供更多工具，這些工具執行前會先徵求您的同意。伺服器在 mcp.json 中設定，與 Claude Desktop、Cursor 和 LM Studio 使用的格式相同。</translation>
    </message>
    <message>
        <source>Starting servers…</source>
        <translation>正在啟動伺服器…</translation>
    </message>
    <message>
        <source>error</source>
        <translation>錯誤</translation>
    </message>
    <message>
        <source>No MCP servers yet: Add… or Import… one.</source>
        <translation>尚無 MCP 伺服器：請「新增…」或「匯入…」。</translation>
    </message>
    <message>
        <source>%1 of %2 servers running</source>
        <translation>%2 個伺服器中有 %1 個正在執行</translation>
    </message>
    <message>
        <source>running, %1 tools</source>
        <translation>執行中，%1 個工具</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>已停用</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>starting</source>
        <translation>啟動中</translation>
    </message>
    <message>
        <source>restarting</source>
        <translation>重新啟動中</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失敗</translation>
    </message>
    <message>
        <source>Import MCP servers</source>
        <translation>匯入 MCP 伺服器</translation>
    </message>
    <message>
        <source>JSON files (*.json)</source>
        <translation>JSON 檔案 (*.json)</translation>
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
        <source>Good</source>
        <translation>好</translation>
    </message>
    <message>
        <source>Bad</source>
        <translation>差</translation>
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
    <name>MessageDocs</name>
    <message>
        <source>Not found in the cited sources.</source>
        <translation>在所引用的來源中找不到。</translation>
    </message>
    <message>
        <source>The sources do not say: {names}</source>
        <translation>來源中沒有提到：{names}</translation>
    </message>
    <message>
        <source>Source [{n}]: {text}</source>
        <translation>來源 [{n}]：{text}</translation>
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
        <source>{name}, lines {start}–{end}</source>
        <translation>{name}，第 {start}–{end} 行</translation>
    </message>
    <message>
        <source>{name}, line {line}</source>
        <translation>{name}，第 {line} 行</translation>
    </message>
    <message>
        <source>Sources</source>
        <translation>來源</translation>
    </message>
    <message>
        <source>{name}: the model cannot see pictures; it got the text read from it</source>
        <translation>{name}：模型無法檢視圖片，已改為提供從中辨識出的文字</translation>
    </message>
    <message>
        <source>{name}: the model cannot see pictures and no text was found in it</source>
        <translation>{name}：模型無法檢視圖片，且圖中沒有找到文字</translation>
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
    <name>ModelNames</name>
    <message>
        <source>SmolLM2 135M (bundled demo model)</source>
        <translation>SmolLM2 135M（內建示範模型）</translation>
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
        <source>%1 (remote)</source>
        <translation>%1（遠端）</translation>
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
        <source>messages leave this computer</source>
        <translation>訊息會離開這台電腦</translation>
    </message>
    <message>
        <source>on this computer</source>
        <translation>在這台電腦上</translation>
    </message>
    <message>
        <source>%1 — remote, %2</source>
        <translation>%1 — 遠端，%2</translation>
    </message>
    <message>
        <source>%1 — not reachable</source>
        <translation>%1 — 無法連線</translation>
    </message>
    <message>
        <source>Your messages to %1 are sent to %2</source>
        <translation>您傳給 %1 的訊息會傳送到 %2</translation>
    </message>
    <message>
        <source>%1 runs in a server on this computer (%2)</source>
        <translation>%1 在這台電腦的伺服器中執行（%2）</translation>
    </message>
    <message>
        <source>%1 — plugin</source>
        <translation>%1 — 外掛程式</translation>
    </message>
    <message>
        <source>%1 is offered by the plugin %2</source>
        <translation>%1 由外掛程式 %2 提供</translation>
    </message>
    <message>
        <source>{model} — sees images</source>
        <translation>{model} — 可檢視圖片</translation>
    </message>
    <message>
        <source>Open a GGUF model</source>
        <translation>開啟 GGUF 模型</translation>
    </message>
</context>
<context>
    <name>ModelSwitcher</name>
    <message>
        <source>{device} · sees images</source>
        <translation>{device} · 可檢視圖片</translation>
    </message>
    <message>
        <source>{error}. Use Model &gt; Open GGUF… to choose one.</source>
        <translation>{error}。請透過「模型 &gt; 開啟 GGUF…」選擇一個模型。</translation>
    </message>
    <message>
        <source>Switching to {model} when the reply finishes</source>
        <translation>回覆結束後將切換至 {model}</translation>
    </message>
    <message>
        <source>SmolLM2 135M is a tiny offline demo model: it chats, but it gets facts and arithmetic wrong. For real answers download a larger model from Model &gt; Library… (or `fireside models catalog`), e.g. Llama 3.2 3B, Qwen 2.5 7B or Gemma 3 4B, or open a GGUF you have with Model &gt; Open GGUF.</source>
        <translation>SmolLM2 135M 是一個很小的離線示範模型：它能聊天，但常把事實和算術弄錯。想要可靠的回答，請從「模型 &gt; 模型庫…」下載更大的模型（或執行 `fireside models catalog`），例如 Llama 3.2 3B、Qwen 2.5 7B 或 Gemma 3 4B；也可以用「模型 &gt; 開啟 GGUF…」開啟你已有的 GGUF 檔案。</translation>
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
        <source>Run obvious tool requests first (sums, the weather, the date), for any model</source>
        <translation>對任何模型都先直接執行明顯的工具請求（計算、天氣、日期）</translation>
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
    <name>RemoteConnectionsDialog</name>
    <message>
        <source>Remote connections</source>
        <translation>遠端連線</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>gpu-box</source>
        <translation>gpu-box</translation>
    </message>
    <message>
        <source>http://gpu-box:8000/v1</source>
        <translation>http://gpu-box:8000/v1</translation>
    </message>
    <message>
        <source>none</source>
        <translation>無</translation>
    </message>
    <message>
        <source>or the name of a variable, e.g. %1</source>
        <translation>或環境變數名稱，例如 %1</translation>
    </message>
    <message>
        <source>No connections yet: fill in the form below to add one.</source>
        <translation>還沒有連線：填寫下面的表單來新增一個。</translation>
    </message>
    <message>
        <source>Native (the server&apos;s tool calls)</source>
        <translation>原生（伺服器的工具呼叫）</translation>
    </message>
    <message>
        <source>In the prompt (servers without tool support)</source>
        <translation>寫入提示詞（適用於不支援工具的伺服器）</translation>
    </message>
    <message>
        <source>Check and add</source>
        <translation>檢查並新增</translation>
    </message>
    <message>
        <source>Models of a connection appear in the model picker as NAME/MODEL. Messages to a server on another computer leave this one; your history, documents and tools stay here.</source>
        <translation>連線中的模型會以「名稱/模型」的形式出現在模型選擇器中。傳給另一台電腦上伺服器的訊息會離開這台電腦；您的歷史紀錄、文件與工具都留在這裡。</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名稱</translation>
    </message>
    <message>
        <source>URL</source>
        <translation>網址</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API 金鑰</translation>
    </message>
    <message>
        <source>Key variable</source>
        <translation>金鑰變數</translation>
    </message>
    <message>
        <source>Tools</source>
        <translation>工具</translation>
    </message>
    <message>
        <source>Give the connection a name and the server&apos;s URL.</source>
        <translation>請為連線命名，並填寫伺服器的網址。</translation>
    </message>
    <message>
        <source>Checking %1…</source>
        <translation>正在檢查 %1…</translation>
    </message>
    <message numerus="yes">
        <source>Added %1 with %n model(s).</source>
        <translation>
            <numerusform>已新增 %1，包含 %n 個模型。</numerusform>
        </translation>
    </message>
    <message>
        <source>Warning: %1</source>
        <translation>警告：%1</translation>
    </message>
    <message>
        <source>Removed %1 and forgot its key.</source>
        <translation>已移除 %1 並清除其金鑰。</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>8-bit (half the memory)</source>
        <translation>8 位元（記憶體減半）</translation>
    </message>
    <message>
        <source>16-bit</source>
        <translation>16 位元</translation>
    </message>
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
        <source>never</source>
        <translation>永不</translation>
    </message>
    <message>
        <source> min</source>
        <translation> 分鐘</translation>
    </message>
    <message>
        <source>End the model&apos;s process after this long unused, so its memory returns to the system; the next message loads it again.</source>
        <translation>模型閒置這麼久後結束其處理程序，將記憶體歸還給系統；下一則訊息會重新載入模型。</translation>
    </message>
    <message>
        <source>How the model&apos;s context is kept in memory; 8-bit needs half as much.</source>
        <translation>模型上下文在記憶體中的存放方式；8 位元只需一半記憶體。</translation>
    </message>
    <message>
        <source>Guess ahead (same answer, sooner)</source>
        <translation>提前預測（答案相同，更快）</translation>
    </message>
    <message>
        <source>Words a reply may copy from the documents or earlier messages are checked several at a time; the answer is exactly the same.</source>
        <translation>回覆可能從文件或先前訊息中照搬的詞語一次檢查多個；答案完全相同。</translation>
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
        <source>Context memory</source>
        <translation>上下文記憶體</translation>
    </message>
    <message>
        <source>Faster answers</source>
        <translation>更快回答</translation>
    </message>
    <message>
        <source>Unload the model after</source>
        <translation>閒置多久後卸載模型</translation>
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
        <source>none: a small GGUF of the same family</source>
        <translation>無：同系列的小型 GGUF</translation>
    </message>
    <message>
        <source>Draft model</source>
        <translation>草稿模型</translation>
    </message>
    <message>
        <source>This build of llama.cpp runs on the CPU only; GPU layers are ignored.</source>
        <translation>此 llama.cpp 版本僅在 CPU 上執行，GPU 層數設定將被忽略。</translation>
    </message>
    <message>
        <source>Use the web in new chats (the globe by the box)</source>
        <translation>新對話使用網路（訊息框旁的地球按鈕）</translation>
    </message>
    <message>
        <source>The address of your SearXNG instance, e.g. http://127.0.0.1:8888</source>
        <translation>你的 SearXNG 執行個體位址，例如 http://127.0.0.1:8888</translation>
    </message>
    <message>
        <source>e.g. us-en, cn-zh (empty: the engine&apos;s)</source>
        <translation>例如 us-en、tw-tzh（留空：使用搜尋引擎的預設值）</translation>
    </message>
    <message>
        <source>e.g. en, zh-CN (empty: the engine&apos;s)</source>
        <translation>例如 en、zh-TW（留空：使用搜尋引擎的預設值）</translation>
    </message>
    <message>
        <source>domains, separated by commas</source>
        <translation>網域，以逗號分隔</translation>
    </message>
    <message>
        <source>Each search and page read asks first. Brave and Tavily need an API key: fireside web use brave --api-key-stdin</source>
        <translation>每次搜尋和讀取網頁前都會先詢問。Brave 和 Tavily 需要 API 金鑰：fireside web use brave --api-key-stdin</translation>
    </message>
    <message>
        <source>Web</source>
        <translation>網路</translation>
    </message>
    <message>
        <source>Search engine</source>
        <translation>搜尋引擎</translation>
    </message>
    <message>
        <source>SearXNG address</source>
        <translation>SearXNG 位址</translation>
    </message>
    <message>
        <source>Region</source>
        <translation>地區</translation>
    </message>
    <message>
        <source>Results</source>
        <translation>結果數</translation>
    </message>
    <message>
        <source>Never search or read</source>
        <translation>永不搜尋或讀取</translation>
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
        <source>No chats match “{query}”. Esc clears the search.</source>
        <translation>沒有與「{query}」相符的對話。按 Esc 清除搜尋。</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>重新命名</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>匯出…</translation>
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
        <source>Add to documents</source>
        <translation>加入文件</translation>
    </message>
    <message>
        <source>Index this page&apos;s text into your documents, to ask about it later</source>
        <translation>將此網頁的文字索引到你的文件中，以便日後提問</translation>
    </message>
    <message>
        <source>Open in browser</source>
        <translation>在瀏覽器中開啟</translation>
    </message>
    <message>
        <source>This is what the search engine showed of the page; “Open in browser” shows the whole page.</source>
        <translation>這是搜尋引擎顯示的網頁摘要；「在瀏覽器中開啟」可檢視整個網頁。</translation>
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
        <source>No browser could open {url}.</source>
        <translation>沒有瀏覽器能開啟 {url}。</translation>
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
        <source>⇄ Remote: messages leave this computer</source>
        <translation>⇄ 遠端：訊息會離開這台電腦</translation>
    </message>
    <message>
        <source>Your messages are sent to %1</source>
        <translation>您的訊息會傳送到 %1</translation>
    </message>
    <message>
        <source>⇄ Remote engine on this computer</source>
        <translation>⇄ 這台電腦上的遠端引擎</translation>
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
        <source>the MCP server %1, a program outside the app</source>
        <translation>MCP 伺服器 %1（應用程式以外的程式）</translation>
    </message>
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
    <message>
        <source>Arguments</source>
        <translation>參數</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>錯誤</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>結果</translation>
    </message>
    <message>
        <source>(no output)</source>
        <translation>（無輸出）</translation>
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
<context>
    <name>WebToggle</name>
    <message>
        <source>Web</source>
        <translation>網路</translation>
    </message>
    <message>
        <source>Use the web in this chat</source>
        <translation>在此對話中使用網路</translation>
    </message>
    <message>
        <source>The web is on for this chat: it may search and read pages, asking first</source>
        <translation>此對話已開啟網路：可以搜尋和讀取網頁，每次都會先詢問</translation>
    </message>
    <message>
        <source>The web is off for this chat; click to let it search and read pages</source>
        <translation>此對話未開啟網路；點擊以允許搜尋和讀取網頁</translation>
    </message>
</context>
</TS>
