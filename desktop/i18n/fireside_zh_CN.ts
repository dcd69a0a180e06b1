<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>AddServerDialog</name>
    <message>
        <source>Add an MCP server</source>
        <translation>添加 MCP 服务器</translation>
    </message>
    <message>
        <source>Command (stdio)</source>
        <translation>命令 (stdio)</translation>
    </message>
    <message>
        <source>URL (Streamable HTTP)</source>
        <translation>URL (Streamable HTTP)</translation>
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
        <translation>KEY=value，每行一个</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>命令</translation>
    </message>
    <message>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>环境变量</translation>
    </message>
    <message>
        <source>Headers</source>
        <translation>请求头</translation>
    </message>
    <message>
        <source>The command is not valid: %1</source>
        <translation>命令无效：%1</translation>
    </message>
    <message>
        <source>New server</source>
        <translation>新服务器</translation>
    </message>
</context>
<context>
    <name>ApiServerDialog</name>
    <message>
        <source>Local API server</source>
        <translation>本地 API 服务器</translation>
    </message>
    <message>
        <source>Other programs on this computer (editors, scripts, the openai Python package) can use Fireside&apos;s models through an OpenAI-compatible API. They need the key below.</source>
        <translation>本机上的其他程序（编辑器、脚本、openai Python 包）可以通过兼容 OpenAI 的 API 使用 Fireside 的模型。它们需要使用下面的密钥。</translation>
    </message>
    <message>
        <source>Serve the API</source>
        <translation>提供 API 服务</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>New key</source>
        <translation>新密钥</translation>
    </message>
    <message>
        <source>Make a new key; programs using the old one must update</source>
        <translation>生成新密钥；使用旧密钥的程序需要更新</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Copy curl example</source>
        <translation>复制 curl 示例</translation>
    </message>
    <message>
        <source>Copy Python example</source>
        <translation>复制 Python 示例</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <source>Requests served</source>
        <translation>已处理的请求</translation>
    </message>
    <message>
        <source>Last error</source>
        <translation>最近一次错误</translation>
    </message>
    <message>
        <source>Network tools that API requests may run:</source>
        <translation>API 请求可以运行的联网工具：</translation>
    </message>
    <message>
        <source>Examples</source>
        <translation>示例</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <source>Serving at {url}</source>
        <translation>正在 {url} 提供服务</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>已关闭</translation>
    </message>
    <message>
        <source>Kept in {where}</source>
        <translation>保存在：{where}</translation>
    </message>
</context>
<context>
    <name>AssistantBar</name>
    <message>
        <source>Stop using this assistant in this chat</source>
        <translation>此对话不再使用这个助手</translation>
    </message>
    <message>
        <source>Put this in the message box</source>
        <translation>放入输入框</translation>
    </message>
</context>
<context>
    <name>AttachmentStrip</name>
    <message>
        <source>At most {count} pictures go with one message.</source>
        <translation>一条消息最多附带 {count} 张图片。</translation>
    </message>
    <message>
        <source>{name} — click to remove</source>
        <translation>{name} — 点击移除</translation>
    </message>
</context>
<context>
    <name>ChatController</name>
    <message>
        <source>unexpected error while generating: {error}</source>
        <translation>生成时出现意外错误：{error}</translation>
    </message>
    <message>
        <source>the reply ended without a result</source>
        <translation>回复意外结束，没有得到结果</translation>
    </message>
</context>
<context>
    <name>ChatPanel</name>
    <message>
        <source>This chat answers from {names}, with sources</source>
        <translation>此对话将根据 {names} 回答，并注明来源</translation>
    </message>
    <message>
        <source>This chat no longer answers from documents</source>
        <translation>此对话不再根据文档回答</translation>
    </message>
    <message>
        <source>this reply was not saved</source>
        <translation>此回复未保存</translation>
    </message>
    <message>
        <source>Message copied</source>
        <translation>消息已复制</translation>
    </message>
    <message>
        <source>Rate reply</source>
        <translation>评价回复</translation>
    </message>
    <message>
        <source>What was wrong with it? (optional)</source>
        <translation>哪里不好？（可不填）</translation>
    </message>
    <message>
        <source>Thanks: the rating is saved with the reply</source>
        <translation>谢谢：评价已随回复保存</translation>
    </message>
    <message>
        <source>Code copied</source>
        <translation>代码已复制</translation>
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
        <translation>网页，单个文件（.html）</translation>
    </message>
    <message>
        <source>Fireside JSON, complete (.json)</source>
        <translation>Fireside JSON，完整（.json）</translation>
    </message>
    <message>
        <source>Export chats</source>
        <translation>导出对话</translation>
    </message>
    <message>
        <source>Format:</source>
        <translation>格式：</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n chat(s) to {path}</source>
        <translation>
            <numerusform>已将 %n 个对话导出到 {path}</numerusform>
        </translation>
    </message>
    <message>
        <source>Import chats</source>
        <translation>导入对话</translation>
    </message>
    <message>
        <source>Chat exports (*.zip *.json);;All files (*)</source>
        <translation>对话导出文件 (*.zip *.json);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Importing {name}…</source>
        <translation>正在导入 {name}…</translation>
    </message>
    <message>
        <source>Hide</source>
        <translation>隐藏</translation>
    </message>
    <message numerus="yes">
        <source>Importing… %n conversation(s) read</source>
        <translation>
            <numerusform>正在导入…已读取 %n 个对话</numerusform>
        </translation>
    </message>
    <message>
        <source>Imported {chats} conversations ({messages} messages, {branches} branches) from the {source} export.</source>
        <translation>已从 {source} 导出文件导入 {chats} 个对话（{messages} 条消息，{branches} 个分支）。</translation>
    </message>
    <message>
        <source>{count} were imported before and were skipped.</source>
        <translation>其中 {count} 个以前已导入，已跳过。</translation>
    </message>
    <message>
        <source>{count} files they mention are not in the export.</source>
        <translation>提到的文件中有 {count} 个不在导出文件里。</translation>
    </message>
    <message>
        <source>…and {count} more</source>
        <translation>……还有 {count} 项</translation>
    </message>
    <message>
        <source>Could not be read:</source>
        <translation>无法读取：</translation>
    </message>
</context>
<context>
    <name>CollectionPicker</name>
    <message>
        <source>Documents</source>
        <translation>文档</translation>
    </message>
    <message>
        <source>%n collections</source>
        <translation>%n 个文档集</translation>
    </message>
    <message>
        <source>Answering from: {names} (with sources)</source>
        <translation>根据以下文档集回答：{names}（注明来源）</translation>
    </message>
    <message>
        <source>Answer from your documents: choose the collections this chat uses</source>
        <translation>根据你的文档回答：选择此对话使用的文档集</translation>
    </message>
    <message>
        <source>Answer from these collections:</source>
        <translation>根据这些文档集回答：</translation>
    </message>
    <message>
        <source>(no collections yet: add documents first)</source>
        <translation>（还没有文档集：请先添加文档）</translation>
    </message>
    <message>
        <source>{name} (removed)</source>
        <translation>{name}（已删除）</translation>
    </message>
    <message>
        <source>No documents (plain chat)</source>
        <translation>不使用文档（普通对话）</translation>
    </message>
    <message>
        <source>Manage documents…</source>
        <translation>管理文档…</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <source>Picture…</source>
        <translation>图片…</translation>
    </message>
    <message>
        <source>Send a picture with the message (or paste one, or drop it on the chat)</source>
        <translation>随消息发送图片（也可以粘贴，或拖放到对话中）</translation>
    </message>
    <message>
        <source>pasted picture</source>
        <translation>粘贴的图片</translation>
    </message>
    <message>
        <source>Send pictures</source>
        <translation>发送图片</translation>
    </message>
    <message>
        <source>Pictures ({patterns})</source>
        <translation>图片 ({patterns})</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop the reply (Esc)</source>
        <translation>停止回复 (Esc)</translation>
    </message>
    <message>
        <source>Send (Enter)</source>
        <translation>发送 (Enter)</translation>
    </message>
    <message>
        <source>Editing your message — Enter resends it as a new version (the original is kept), Esc cancels</source>
        <translation>正在编辑你的消息 — 按 Enter 作为新版本重新发送（保留原消息），按 Esc 取消</translation>
    </message>
</context>
<context>
    <name>DocumentDrop</name>
    <message>
        <source>{names} and {count} more</source>
        <translation>{names} 等另外 {count} 项</translation>
    </message>
    <message>
        <source>Indexed {indexed} of {total} file(s) into the &apos;{name}&apos; document collection.</source>
        <translation>已将 {total} 个文件中的 {indexed} 个编入文档集“{name}”的索引。</translation>
    </message>
    <message>
        <source> Not indexed: {problems}</source>
        <translation>未编入索引：{problems}</translation>
    </message>
    <message numerus="yes">
        <source>Document chat is not available yet in this build: {names} were not added. You can still paste text into the message box.</source>
        <translation>
            <numerusform>此版本尚不支持文档对话：未添加 {names}。你仍可以把文本粘贴到消息框中。</numerusform>
        </translation>
    </message>
    <message>
        <source>Documents are still being indexed; drop more when it is done.</source>
        <translation>文档仍在编入索引，完成后再拖入更多文件。</translation>
    </message>
    <message>
        <source>Indexing {names}…</source>
        <translation>正在为 {names} 编制索引…</translation>
    </message>
    <message>
        <source>Indexing {name} — {done}/{total} files, {percent}%</source>
        <translation>正在为 {name} 编制索引 — {done}/{total} 个文件，{percent}%</translation>
    </message>
    <message>
        <source>Indexing failed: {error}</source>
        <translation>编制索引失败：{error}</translation>
    </message>
</context>
<context>
    <name>DocumentsDock</name>
    <message>
        <source>Documents</source>
        <translation>文档</translation>
    </message>
    <message>
        <source>Use this collection in the current chat (with sources)</source>
        <translation>在当前对话中使用此文档集（注明来源）</translation>
    </message>
</context>
<context>
    <name>DocumentsPanel</name>
    <message>
        <source>{done} / {total} files</source>
        <translation>{done} / {total} 个文件</translation>
    </message>
    <message>
        <source> · paused</source>
        <translation> · 已暂停</translation>
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
        <translation> · 第 {done} / {total} 页</translation>
    </message>
    <message>
        <source> · ETA {seconds} s</source>
        <translation> · 预计还需 {seconds} 秒</translation>
    </message>
    <message>
        <source>indexed</source>
        <translation>已编入索引</translation>
    </message>
    <message>
        <source>failed: {error}</source>
        <translation>失败：{error}</translation>
    </message>
    <message>
        <source>unknown error</source>
        <translation>未知错误</translation>
    </message>
    <message>
        <source>indexing ({done}/{total} chunks)</source>
        <translation>正在编制索引（{done}/{total} 个分块）</translation>
    </message>
    <message>
        <source>New collection…</source>
        <translation>新建文档集…</translation>
    </message>
    <message>
        <source>Read scans and pictures (OCR)</source>
        <translation>识别扫描件和图片中的文字 (OCR)</translation>
    </message>
    <message>
        <source>Pages without text and picture files are read with OCR (offline, Chinese and English); files added later follow this choice</source>
        <translation>没有文字层的页面和图片文件将用 OCR 识别（离线，支持中文和英文）；之后添加的文件遵循此设置</translation>
    </message>
    <message>
        <source>Add files…</source>
        <translation>添加文件…</translation>
    </message>
    <message>
        <source>Add folder…</source>
        <translation>添加文件夹…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Chunks</source>
        <translation>分块</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Collection:</source>
        <translation>文档集：</translation>
    </message>
    <message numerus="yes">
        <source>{name} (%n documents, {failed} failed)</source>
        <translation>
            <numerusform>{name}（%n 个文档，{failed} 个失败）</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{name} (%n documents)</source>
        <translation>
            <numerusform>{name}（%n 个文档）</numerusform>
        </translation>
    </message>
    <message>
        <source>No collections yet: add files</source>
        <translation>还没有文档集：请添加文件</translation>
    </message>
    <message>
        <source>New collection</source>
        <translation>新建文档集</translation>
    </message>
    <message>
        <source>Name of the new collection:</source>
        <translation>新文档集的名称：</translation>
    </message>
    <message>
        <source>Indexing is running; add more when it is done.</source>
        <translation>正在编制索引，完成后再添加更多。</translation>
    </message>
    <message numerus="yes">
        <source>Preparing to index %n item(s)…</source>
        <translation>
            <numerusform>正在准备为 %n 项编制索引…</numerusform>
        </translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Indexing failed: {error}</source>
        <translation>编制索引失败：{error}</translation>
    </message>
    <message numerus="yes">
        <source>Cancelled: {indexed} of %n file(s) indexed, {problems} not.</source>
        <translation>
            <numerusform>已取消：%n 个文件中 {indexed} 个已编入索引，{problems} 个未编入。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Done: {indexed} of %n file(s) indexed, {problems} not.</source>
        <translation>
            <numerusform>已完成：%n 个文件中 {indexed} 个已编入索引，{problems} 个未编入。</numerusform>
        </translation>
    </message>
    <message>
        <source>Add files to the collection</source>
        <translation>向文档集添加文件</translation>
    </message>
    <message>
        <source>Add a folder to the collection</source>
        <translation>向文档集添加文件夹</translation>
    </message>
</context>
<context>
    <name>InputBox</name>
    <message>
        <source>Message the assistant — Enter to send, Shift+Enter for a new line</source>
        <translation>给助手发消息 — Enter 发送，Shift+Enter 换行</translation>
    </message>
</context>
<context>
    <name>LibraryCatalogTab</name>
    <message>
        <source> tokens</source>
        <translation> 个 token</translation>
    </message>
    <message>
        <source>Context size for the memory estimate:</source>
        <translation>用于估算内存的上下文长度：</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数量</translation>
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
        <translation>能否运行？</translation>
    </message>
    <message>
        <source>Languages</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>许可证</translation>
    </message>
    <message>
        <source>Trained to call tools.</source>
        <translation>经过工具调用训练。</translation>
    </message>
    <message>
        <source>Strong in Chinese.</source>
        <translation>中文能力强。</translation>
    </message>
    <message>
        <source>Size approximate; size and SHA-256 are checked against the hub when it downloads.</source>
        <translation>大小为近似值；下载时会根据模型中心核对大小和 SHA-256。</translation>
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
        <translation>下载</translation>
    </message>
</context>
<context>
    <name>LibraryDialog</name>
    <message>
        <source>Model library</source>
        <translation>模型库</translation>
    </message>
    <message>
        <source>Catalog</source>
        <translation>目录</translation>
    </message>
    <message>
        <source>Search the hub</source>
        <translation>搜索模型中心</translation>
    </message>
    <message>
        <source>Downloads</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>On this computer</source>
        <translation>本机</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Switching the chat to {0}</source>
        <translation>正在将对话切换到 {0}</translation>
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
        <translation>进度</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>已就绪</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <source>, {0} left</source>
        <translation>，剩余 {0}</translation>
    </message>
    <message>
        <source>{done} of {total} · {speed:.1f} MB/s{eta}</source>
        <translation>{done} / {total} · {speed:.1f} MB/s{eta}</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Use</source>
        <translation>使用</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
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
        <translation>✓ 可运行</translation>
    </message>
    <message>
        <source>⚠ tight</source>
        <translation>⚠ 勉强</translation>
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
        <translation>大约需要 {need:.1f} GiB（权重、上下文和缓冲区）；可用 {free:.1f} GiB</translation>
    </message>
</context>
<context>
    <name>LibraryHubTab</name>
    <message>
        <source>Search GGUF models, e.g. qwen 7b</source>
        <translation>搜索 GGUF 模型，例如 qwen 7b</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
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
        <translation>能否运行？</translation>
    </message>
    <message>
        <source>Searching for “{0}”…</source>
        <translation>正在搜索“{0}”…</translation>
    </message>
    <message>
        <source>{0} repositories found</source>
        <translation>找到 {0} 个仓库</translation>
    </message>
    <message>
        <source>No GGUF repositories match.</source>
        <translation>没有匹配的 GGUF 仓库。</translation>
    </message>
    <message>
        <source> ({0} parts)</source>
        <translation>（{0} 个分卷）</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>下载</translation>
    </message>
</context>
<context>
    <name>LibraryLocalTab</name>
    <message>
        <source>File</source>
        <translation>文件</translation>
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
        <translation>刷新</translation>
    </message>
    <message>
        <source>Downloaded</source>
        <translation>已下载</translation>
    </message>
    <message>
        <source>Your folder</source>
        <translation>你的文件夹</translation>
    </message>
    <message>
        <source>Bundled demo model</source>
        <translation>内置演示模型</translation>
    </message>
    <message>
        <source>Recently used</source>
        <translation>最近使用</translation>
    </message>
    <message>
        <source> ({0} of {1} parts missing)</source>
        <translation>（缺少 {1} 个分卷中的 {0} 个）</translation>
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
        <translation>选择…</translation>
    </message>
    <message>
        <source>hf_… (only for gated or private models)</source>
        <translation>hf_…（仅用于受限或私有模型）</translation>
    </message>
    <message>
        <source>Add folder…</source>
        <translation>添加文件夹…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Models folder</source>
        <translation>模型文件夹</translation>
    </message>
    <message>
        <source>Hub address (mirror)</source>
        <translation>模型中心地址（镜像）</translation>
    </message>
    <message>
        <source>Forget token</source>
        <translation>清除令牌</translation>
    </message>
    <message>
        <source>Access token</source>
        <translation>访问令牌</translation>
    </message>
    <message>
        <source>Also list models in</source>
        <translation>同时列出以下位置的模型</translation>
    </message>
    <message>
        <source>LM Studio&apos;s, GPT4All&apos;s and Jan&apos;s model folders are listed too; their files are used in place, never copied.</source>
        <translation>LM Studio、GPT4All 和 Jan 的模型文件夹也会列出；其中的文件直接在原位置使用，不会复制。</translation>
    </message>
    <message>
        <source>A folder with GGUF models</source>
        <translation>包含 GGUF 模型的文件夹</translation>
    </message>
    <message>
        <source>Access token removed</source>
        <translation>访问令牌已移除</translation>
    </message>
    <message>
        <source>Access token saved ({0})</source>
        <translation>访问令牌已保存（{0}）</translation>
    </message>
    <message>
        <source>system keyring</source>
        <translation>系统密钥环</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Settings (Ctrl+,)</source>
        <translation>设置 (Ctrl+,)</translation>
    </message>
    <message>
        <source>&amp;Chat</source>
        <translation>对话(&amp;C)</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>新建对话</translation>
    </message>
    <message>
        <source>New chat with assistant</source>
        <translation>用助手开始新对话</translation>
    </message>
    <message>
        <source>Search chats</source>
        <translation>搜索对话</translation>
    </message>
    <message>
        <source>Stop reply</source>
        <translation>停止回复</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Export all chats…</source>
        <translation>导出全部对话…</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation>工具(&amp;T)</translation>
    </message>
    <message>
        <source>Documents…</source>
        <translation>文档…</translation>
    </message>
    <message>
        <source>Plugins…</source>
        <translation>插件…</translation>
    </message>
    <message>
        <source>MCP servers…</source>
        <translation>MCP 服务器…</translation>
    </message>
    <message>
        <source>Local API server…</source>
        <translation>本地 API 服务器…</translation>
    </message>
    <message>
        <source>&amp;Model</source>
        <translation>模型(&amp;M)</translation>
    </message>
    <message>
        <source>Open GGUF…</source>
        <translation>打开 GGUF…</translation>
    </message>
    <message>
        <source>Library…</source>
        <translation>模型库…</translation>
    </message>
    <message>
        <source>Remote connections…</source>
        <translation>远程连接…</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>About Fireside</source>
        <translation>关于 Fireside</translation>
    </message>
    <message>
        <source>Open log folder</source>
        <translation>打开日志文件夹</translation>
    </message>
    <message>
        <source>A setting was not saved: {error}</source>
        <translation>有一项设置未能保存：{error}</translation>
    </message>
    <message>
        <source>Ask anything. Replies come from %1 on another computer: your messages are sent there. History, documents and tools stay here.</source>
        <translation>尽管提问。回复来自另一台计算机上的 %1：你的消息会发送到那里。历史记录、文档和工具保留在本机。</translation>
    </message>
    <message>
        <source>Ask anything. Replies come from %1, a server on this computer; nothing leaves it.</source>
        <translation>尽管提问。回复来自本机上的服务器 %1；任何内容都不会离开本机。</translation>
    </message>
    <message>
        <source>Loading the model…</source>
        <translation>正在加载模型…</translation>
    </message>
    <message>
        <source>Thinking…</source>
        <translation>正在思考…</translation>
    </message>
    <message>
        <source>Fireside — an offline chat assistant for local GGUF models. Your conversations never leave this computer.</source>
        <translation>Fireside — 使用本地 GGUF 模型的离线聊天助手。你的对话永远不会离开这台电脑。</translation>
    </message>
    <message>
        <source>Version {version} · Licence: {licence}</source>
        <translation>版本 {version} · 许可证：{licence}</translation>
    </message>
    <message>
        <source>Plugins and tools</source>
        <translation>插件和工具</translation>
    </message>
    <message>
        <source>Downloaded {0}: Model &gt; Library… to use it</source>
        <translation>已下载 {0}：通过“模型 &gt; 模型库…”使用它</translation>
    </message>
    <message>
        <source>Something went wrong: {error}. Details are in the log: {path}</source>
        <translation>出错了：{error}。详细信息见日志：{path}</translation>
    </message>
</context>
<context>
    <name>MarkdownRenderer</name>
    <message>
        <source>code</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
</context>
<context>
    <name>McpServersDialog</name>
    <message>
        <source>MCP servers</source>
        <translation>MCP 服务器</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Restart</source>
        <translation>重启</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>MCP servers give the assistant more tools. Their tools ask before they run. Servers are set in mcp.json, the format Claude Desktop, Cursor and LM Studio use.</source>
        <translation>MCP 服务器为助手提供更多工具，这些工具在运行前会征求你的同意。服务器在 mcp.json 中配置，与 Claude Desktop、Cursor 和 LM Studio 使用的格式相同。</translation>
    </message>
    <message>
        <source>Starting servers…</source>
        <translation>正在启动服务器…</translation>
    </message>
    <message>
        <source>error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>No MCP servers yet: Add… or Import… one.</source>
        <translation>还没有 MCP 服务器：请“添加…”或“导入…”。</translation>
    </message>
    <message>
        <source>%1 of %2 servers running</source>
        <translation>%2 个服务器中有 %1 个正在运行</translation>
    </message>
    <message>
        <source>running, %1 tools</source>
        <translation>运行中，%1 个工具</translation>
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
        <translation>正在启动</translation>
    </message>
    <message>
        <source>restarting</source>
        <translation>正在重启</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Import MCP servers</source>
        <translation>导入 MCP 服务器</translation>
    </message>
    <message>
        <source>JSON files (*.json)</source>
        <translation>JSON 文件 (*.json)</translation>
    </message>
</context>
<context>
    <name>MessageDelegate</name>
    <message>
        <source>Thinking…</source>
        <translation>正在思考…</translation>
    </message>
    <message>
        <source>generating… (Esc to stop)</source>
        <translation>正在生成…（按 Esc 停止）</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>编辑</translation>
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
        <translation>已中断</translation>
    </message>
    <message>
        <source>{speed} tok/s</source>
        <translation>{speed} tok/s</translation>
    </message>
    <message>
        <source>You</source>
        <translation>你</translation>
    </message>
    <message>
        <source>Assistant</source>
        <translation>助手</translation>
    </message>
</context>
<context>
    <name>MessageDocs</name>
    <message>
        <source>Not found in the cited sources.</source>
        <translation>在所引用的来源中找不到。</translation>
    </message>
    <message>
        <source>The sources do not say: {names}</source>
        <translation>来源中没有提到：{names}</translation>
    </message>
    <message>
        <source>Source [{n}]: {text}</source>
        <translation>来源 [{n}]：{text}</translation>
    </message>
</context>
<context>
    <name>MessageExtras</name>
    <message>
        <source>hide tool details</source>
        <translation>隐藏工具详情</translation>
    </message>
    <message>
        <source>show tool details</source>
        <translation>显示工具详情</translation>
    </message>
    <message>
        <source>document</source>
        <translation>文档</translation>
    </message>
    <message>
        <source>{name}, page {page}</source>
        <translation>{name}，第 {page} 页</translation>
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
        <translation>来源</translation>
    </message>
    <message>
        <source>{name}: the model cannot see pictures; it got the text read from it</source>
        <translation>{name}：模型无法查看图片，已改为提供从中识别出的文字</translation>
    </message>
    <message>
        <source>{name}: the model cannot see pictures and no text was found in it</source>
        <translation>{name}：模型无法查看图片，且图中没有找到文字</translation>
    </message>
</context>
<context>
    <name>ModelLoader</name>
    <message>
        <source>context {n_ctx} of {trained}</source>
        <translation>上下文 {n_ctx}（训练长度 {trained}）</translation>
    </message>
    <message>
        <source>context {n_ctx}</source>
        <translation>上下文 {n_ctx}</translation>
    </message>
    <message>
        <source>{size} · {parameters} · {quantization} · {context} · needs ≈ {need} ({available} free)</source>
        <translation>{size} · {parameters} · {quantization} · {context} · 需要约 {need}（可用 {available}）</translation>
    </message>
    <message>
        <source>needs about {need} of memory (weights + {n_ctx}-token context) but only {available} is available; choose a smaller quantization or a shorter context</source>
        <translation>需要约 {need} 内存（权重 + {n_ctx} token 的上下文），但只有 {available} 可用；请选择更小的量化版本或更短的上下文</translation>
    </message>
    <message>
        <source>could not load the model ({kind}: {error})</source>
        <translation>无法加载模型（{kind}：{error}）</translation>
    </message>
</context>
<context>
    <name>ModelNames</name>
    <message>
        <source>SmolLM2 135M (bundled demo model)</source>
        <translation>SmolLM2 135M（内置演示模型）</translation>
    </message>
</context>
<context>
    <name>ModelPicker</name>
    <message>
        <source>GGUF models (*.gguf);;All files (*)</source>
        <translation>GGUF 模型 (*.gguf);;所有文件 (*)</translation>
    </message>
    <message>
        <source>The model that answers (Ctrl+O opens a GGUF file)</source>
        <translation>负责回答的模型（Ctrl+O 打开 GGUF 文件）</translation>
    </message>
    <message>
        <source>%1 (remote)</source>
        <translation>%1（远程）</translation>
    </message>
    <message>
        <source> (missing)</source>
        <translation>（文件不存在）</translation>
    </message>
    <message>
        <source>Open GGUF…</source>
        <translation>打开 GGUF…</translation>
    </message>
    <message>
        <source>messages leave this computer</source>
        <translation>消息会离开本机</translation>
    </message>
    <message>
        <source>on this computer</source>
        <translation>在本机上</translation>
    </message>
    <message>
        <source>%1 — remote, %2</source>
        <translation>%1 — 远程，%2</translation>
    </message>
    <message>
        <source>%1 — not reachable</source>
        <translation>%1 — 无法连接</translation>
    </message>
    <message>
        <source>Your messages to %1 are sent to %2</source>
        <translation>你发给 %1 的消息会发送到 %2</translation>
    </message>
    <message>
        <source>%1 runs in a server on this computer (%2)</source>
        <translation>%1 在本机的服务器中运行（%2）</translation>
    </message>
    <message>
        <source>%1 — plugin</source>
        <translation>%1 — 插件</translation>
    </message>
    <message>
        <source>%1 is offered by the plugin %2</source>
        <translation>%1 由插件 %2 提供</translation>
    </message>
    <message>
        <source>{model} — sees images</source>
        <translation>{model} — 可查看图片</translation>
    </message>
    <message>
        <source>Open a GGUF model</source>
        <translation>打开 GGUF 模型</translation>
    </message>
</context>
<context>
    <name>ModelSwitcher</name>
    <message>
        <source>{device} · sees images</source>
        <translation>{device} · 可查看图片</translation>
    </message>
    <message>
        <source>{error}. Use Model &gt; Open GGUF… to choose one.</source>
        <translation>{error}。请通过“模型 &gt; 打开 GGUF…”选择一个模型。</translation>
    </message>
    <message>
        <source>Switching to {model} when the reply finishes</source>
        <translation>回复结束后将切换到 {model}</translation>
    </message>
    <message>
        <source>SmolLM2 135M is a tiny offline demo model: it chats, but it gets facts and arithmetic wrong. For real answers download a larger model from Model &gt; Library… (or `fireside models catalog`), e.g. Llama 3.2 3B, Qwen 2.5 7B or Gemma 3 4B, or open a GGUF you have with Model &gt; Open GGUF.</source>
        <translation>SmolLM2 135M 是一个很小的离线演示模型：它能聊天，但常把事实和算术弄错。想要可靠的回答，请从“模型 &gt; 模型库…”下载更大的模型（或运行 `fireside models catalog`），例如 Llama 3.2 3B、Qwen 2.5 7B 或 Gemma 3 4B；也可以用“模型 &gt; 打开 GGUF…”打开你已有的 GGUF 文件。</translation>
    </message>
    <message>
        <source>Loaded {model} in {seconds} s</source>
        <translation>已加载 {model}，用时 {seconds} 秒</translation>
    </message>
    <message>
        <source>Loaded {model}</source>
        <translation>已加载 {model}</translation>
    </message>
    <message>
        <source>Could not use {model}: {error}</source>
        <translation>无法使用 {model}：{error}</translation>
    </message>
</context>
<context>
    <name>Notice</name>
    <message>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Error:</source>
        <translation>错误：</translation>
    </message>
</context>
<context>
    <name>PluginsPage</name>
    <message>
        <source>network</source>
        <translation>网络</translation>
    </message>
    <message>
        <source>files</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Plugins add tools the assistant may use. Tools marked [network] or [files] ask before they run.</source>
        <translation>插件为助手提供可用的工具。标有 [网络] 或 [文件] 的工具在运行前会先征求你的同意。</translation>
    </message>
    <message>
        <source>Run obvious tool requests first (sums, the weather, the date), for any model</source>
        <translation>对任何模型都先直接运行明显的工具请求（计算、天气、日期）</translation>
    </message>
    <message>
        <source>Failed to load: {error}</source>
        <translation>加载失败：{error}</translation>
    </message>
    <message>
        <source>A hook failed: {error}</source>
        <translation>某个钩子执行失败：{error}</translation>
    </message>
</context>
<context>
    <name>QFileDialog</name>
    <message>
        <source>&amp;Look in:</source>
        <translation>查找范围(&amp;L)：</translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation>文件类型(&amp;T)：</translation>
    </message>
</context>
<context>
    <name>RemoteConnectionsDialog</name>
    <message>
        <source>Remote connections</source>
        <translation>远程连接</translation>
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
        <translation>无</translation>
    </message>
    <message>
        <source>or the name of a variable, e.g. %1</source>
        <translation>或环境变量名，例如 %1</translation>
    </message>
    <message>
        <source>No connections yet: fill in the form below to add one.</source>
        <translation>还没有连接：填写下面的表单来添加一个。</translation>
    </message>
    <message>
        <source>Native (the server&apos;s tool calls)</source>
        <translation>原生（服务器的工具调用）</translation>
    </message>
    <message>
        <source>In the prompt (servers without tool support)</source>
        <translation>写入提示词（适用于不支持工具的服务器）</translation>
    </message>
    <message>
        <source>Check and add</source>
        <translation>检查并添加</translation>
    </message>
    <message>
        <source>Models of a connection appear in the model picker as NAME/MODEL. Messages to a server on another computer leave this one; your history, documents and tools stay here.</source>
        <translation>连接中的模型会以“名称/模型”的形式出现在模型选择器中。发往另一台计算机上服务器的消息会离开本机；你的历史记录、文档和工具保留在本机。</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <source>Key variable</source>
        <translation>密钥变量</translation>
    </message>
    <message>
        <source>Tools</source>
        <translation>工具</translation>
    </message>
    <message>
        <source>Give the connection a name and the server&apos;s URL.</source>
        <translation>请为连接命名，并填写服务器的 URL。</translation>
    </message>
    <message>
        <source>Checking %1…</source>
        <translation>正在检查 %1…</translation>
    </message>
    <message numerus="yes">
        <source>Added %1 with %n model(s).</source>
        <translation>
            <numerusform>已添加 %1，包含 %n 个模型。</numerusform>
        </translation>
    </message>
    <message>
        <source>Warning: %1</source>
        <translation>警告：%1</translation>
    </message>
    <message>
        <source>Removed %1 and forgot its key.</source>
        <translation>已移除 %1 并清除其密钥。</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>8-bit (half the memory)</source>
        <translation>8 位（内存减半）</translation>
    </message>
    <message>
        <source>16-bit</source>
        <translation>16 位</translation>
    </message>
    <message>
        <source>Follow system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>A new language applies after Fireside restarts.</source>
        <translation>更改语言后需重新启动 Fireside 才能生效。</translation>
    </message>
    <message>
        <source>auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>never</source>
        <translation>从不</translation>
    </message>
    <message>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <source>End the model&apos;s process after this long unused, so its memory returns to the system; the next message loads it again.</source>
        <translation>模型闲置这么久后结束其进程，把内存归还给系统；下一条消息会重新加载模型。</translation>
    </message>
    <message>
        <source>How the model&apos;s context is kept in memory; 8-bit needs half as much.</source>
        <translation>模型上下文在内存中的存放方式；8 位只需一半内存。</translation>
    </message>
    <message>
        <source>Guess ahead (same answer, sooner)</source>
        <translation>提前预测（答案相同，更快）</translation>
    </message>
    <message>
        <source>Words a reply may copy from the documents or earlier messages are checked several at a time; the answer is exactly the same.</source>
        <translation>回复可能从文档或之前消息中照搬的词语一次检查多个；答案完全相同。</translation>
    </message>
    <message>
        <source>General</source>
        <translation>常规</translation>
    </message>
    <message>
        <source>System prompt
(new chats)</source>
        <translation>系统提示词
（用于新对话）</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>CPU threads</source>
        <translation>CPU 线程数</translation>
    </message>
    <message>
        <source>Context memory</source>
        <translation>上下文内存</translation>
    </message>
    <message>
        <source>Faster answers</source>
        <translation>更快回答</translation>
    </message>
    <message>
        <source>Unload the model after</source>
        <translation>闲置多久后卸载模型</translation>
    </message>
    <message>
        <source>off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>model default</source>
        <translation>模型默认值</translation>
    </message>
    <message>
        <source>Auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>all</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>For this model: {model}</source>
        <translation>仅用于此模型：{model}</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>温度</translation>
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
        <translation>最大 token 数</translation>
    </message>
    <message>
        <source>Context size</source>
        <translation>上下文长度</translation>
    </message>
    <message>
        <source>GPU layers</source>
        <translation>GPU 层数</translation>
    </message>
    <message>
        <source>none: a small GGUF of the same family</source>
        <translation>无：同系列的小型 GGUF</translation>
    </message>
    <message>
        <source>Draft model</source>
        <translation>草稿模型</translation>
    </message>
    <message>
        <source>This build of llama.cpp runs on the CPU only; GPU layers are ignored.</source>
        <translation>此 llama.cpp 版本仅在 CPU 上运行，GPU 层数设置将被忽略。</translation>
    </message>
    <message>
        <source>Use the web in new chats (the globe by the box)</source>
        <translation>新对话使用网络（消息框旁的地球按钮）</translation>
    </message>
    <message>
        <source>The address of your SearXNG instance, e.g. http://127.0.0.1:8888</source>
        <translation>你的 SearXNG 实例地址，例如 http://127.0.0.1:8888</translation>
    </message>
    <message>
        <source>e.g. us-en, cn-zh (empty: the engine&apos;s)</source>
        <translation>例如 us-en、cn-zh（留空：使用搜索引擎的默认值）</translation>
    </message>
    <message>
        <source>e.g. en, zh-CN (empty: the engine&apos;s)</source>
        <translation>例如 en、zh-CN（留空：使用搜索引擎的默认值）</translation>
    </message>
    <message>
        <source>domains, separated by commas</source>
        <translation>域名，用逗号分隔</translation>
    </message>
    <message>
        <source>Each search and page read asks first. Brave and Tavily need an API key: fireside web use brave --api-key-stdin</source>
        <translation>每次搜索和读取网页前都会先询问。Brave 和 Tavily 需要 API 密钥：fireside web use brave --api-key-stdin</translation>
    </message>
    <message>
        <source>Web</source>
        <translation>网络</translation>
    </message>
    <message>
        <source>Search engine</source>
        <translation>搜索引擎</translation>
    </message>
    <message>
        <source>SearXNG address</source>
        <translation>SearXNG 地址</translation>
    </message>
    <message>
        <source>Region</source>
        <translation>地区</translation>
    </message>
    <message>
        <source>Results</source>
        <translation>结果数</translation>
    </message>
    <message>
        <source>Never search or read</source>
        <translation>从不搜索或读取</translation>
    </message>
</context>
<context>
    <name>Sidebar</name>
    <message>
        <source>New chat</source>
        <translation>新建对话</translation>
    </message>
    <message>
        <source>New chat (Ctrl+N)</source>
        <translation>新建对话 (Ctrl+N)</translation>
    </message>
    <message>
        <source>Search chats  (Ctrl+K)</source>
        <translation>搜索对话  (Ctrl+K)</translation>
    </message>
    <message>
        <source>No chats match “{query}”. Esc clears the search.</source>
        <translation>没有与“{query}”匹配的对话。按 Esc 清除搜索。</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>重命名</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <source>This chat is still generating a reply; stop it first, then delete the chat.</source>
        <translation>此对话仍在生成回复；请先停止，再删除对话。</translation>
    </message>
    <message>
        <source>Delete chat</source>
        <translation>删除对话</translation>
    </message>
    <message>
        <source>Delete this chat and all its messages? This cannot be undone.</source>
        <translation>要删除此对话及其所有消息吗？此操作无法撤销。</translation>
    </message>
</context>
<context>
    <name>SourceViewer</name>
    <message>
        <source>Previous page</source>
        <translation>上一页</translation>
    </message>
    <message>
        <source>Next page</source>
        <translation>下一页</translation>
    </message>
    <message>
        <source>Show in folder</source>
        <translation>在文件夹中显示</translation>
    </message>
    <message>
        <source>Open in default app</source>
        <translation>用默认应用打开</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>{name} — Source</source>
        <translation>{name} — 来源</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>{kind} files cannot be shown here; this is the cited passage. “Open in default app” shows the whole document.</source>
        <translation>{kind} 文件无法在此显示；以下是引用的段落。“用默认应用打开”可查看整个文档。</translation>
    </message>
    <message>
        <source>Add to documents</source>
        <translation>添加到文档</translation>
    </message>
    <message>
        <source>Index this page&apos;s text into your documents, to ask about it later</source>
        <translation>将此网页的文字索引到你的文档中，以便日后提问</translation>
    </message>
    <message>
        <source>Open in browser</source>
        <translation>在浏览器中打开</translation>
    </message>
    <message>
        <source>This is what the search engine showed of the page; “Open in browser” shows the whole page.</source>
        <translation>这是搜索引擎显示的网页摘要；“在浏览器中打开”可查看整个网页。</translation>
    </message>
    <message>
        <source>These files cannot be shown here; this is the cited passage. “Open in default app” shows the whole document.</source>
        <translation>此类文件无法在此显示；以下是引用的段落。“用默认应用打开”可查看整个文档。</translation>
    </message>
    <message>
        <source>(the citation has no text)</source>
        <translation>（此引用没有文本）</translation>
    </message>
    <message>
        <source>page {page} of {count}</source>
        <translation>第 {page} 页，共 {count} 页</translation>
    </message>
    <message>
        <source>page {page}</source>
        <translation>第 {page} 页</translation>
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
        <translation>没有浏览器能打开 {url}。</translation>
    </message>
    <message>
        <source>No app could open {name}.</source>
        <translation>没有应用能打开 {name}。</translation>
    </message>
    <message>
        <source>The folder {folder} could not be opened.</source>
        <translation>无法打开文件夹 {folder}。</translation>
    </message>
    <message>
        <source>{name} cannot be shown ({error})</source>
        <translation>无法显示 {name}（{error}）</translation>
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
        <translation>Fireside 无法启动</translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <source>No model</source>
        <translation>未加载模型</translation>
    </message>
    <message>
        <source>Generation speed of the last reply</source>
        <translation>上一条回复的生成速度</translation>
    </message>
    <message>
        <source>Tokens in the context after the last reply / context size</source>
        <translation>上一条回复后上下文中的 token 数 / 上下文长度</translation>
    </message>
    <message>
        <source>Loading {model}…</source>
        <translation>正在加载 {model}…</translation>
    </message>
    <message>
        <source>⇄ Remote: messages leave this computer</source>
        <translation>⇄ 远程：消息会离开本机</translation>
    </message>
    <message>
        <source>Your messages are sent to %1</source>
        <translation>你的消息会发送到 %1</translation>
    </message>
    <message>
        <source>⇄ Remote engine on this computer</source>
        <translation>⇄ 本机上的远程引擎</translation>
    </message>
    <message>
        <source>{model} (not loaded)</source>
        <translation>{model}（未加载）</translation>
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
        <translation>MCP 服务器 %1（应用以外的程序）</translation>
    </message>
    <message>
        <source>the network and the file system</source>
        <translation>网络和文件系统</translation>
    </message>
    <message>
        <source>the network</source>
        <translation>网络</translation>
    </message>
    <message>
        <source>the file system</source>
        <translation>文件系统</translation>
    </message>
    <message>
        <source>nothing outside the app</source>
        <translation>不涉及应用以外的任何内容</translation>
    </message>
    <message>
        <source>Allow the {tool} tool?</source>
        <translation>允许运行 {tool} 工具吗？</translation>
    </message>
    <message>
        <source>&lt;b&gt;{tool}&lt;/b&gt; wants to run. It uses &lt;b&gt;{reach}&lt;/b&gt;.</source>
        <translation>&lt;b&gt;{tool}&lt;/b&gt; 请求运行，它会使用&lt;b&gt;{reach}&lt;/b&gt;。</translation>
    </message>
    <message>
        <source>Allow once</source>
        <translation>允许一次</translation>
    </message>
    <message>
        <source>Always allow this tool</source>
        <translation>始终允许此工具</translation>
    </message>
    <message>
        <source>Deny</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <source>Arguments:</source>
        <translation>参数：</translation>
    </message>
</context>
<context>
    <name>ToolCallText</name>
    <message>
        <source>… (cut; {count} characters in all)</source>
        <translation>…（已截断；共 {count} 个字符）</translation>
    </message>
    <message>
        <source>*(no output)*</source>
        <translation>*（无输出）*</translation>
    </message>
    <message>
        <source>error: </source>
        <translation>错误：</translation>
    </message>
    <message>
        <source>error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>output</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>Arguments</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>(no output)</source>
        <translation>（无输出）</translation>
    </message>
</context>
<context>
    <name>TranscriptModel</name>
    <message>
        <source>This reply failed; Retry asks again.</source>
        <translation>此回复失败；点击“重试”重新提问。</translation>
    </message>
</context>
<context>
    <name>TranscriptView</name>
    <message>
        <source>Ask anything. Replies are written on this computer by a local model; nothing leaves it.</source>
        <translation>尽管提问。回复由这台电脑上的本地模型生成，任何内容都不会离开这台电脑。</translation>
    </message>
    <message>
        <source>Copy message</source>
        <translation>复制消息</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <source>Edit and resend</source>
        <translation>编辑并重新发送</translation>
    </message>
</context>
<context>
    <name>WebToggle</name>
    <message>
        <source>Web</source>
        <translation>网络</translation>
    </message>
    <message>
        <source>Use the web in this chat</source>
        <translation>在此对话中使用网络</translation>
    </message>
    <message>
        <source>The web is on for this chat: it may search and read pages, asking first</source>
        <translation>此对话已开启网络：可以搜索和读取网页，每次都会先询问</translation>
    </message>
    <message>
        <source>The web is off for this chat; click to let it search and read pages</source>
        <translation>此对话未开启网络；点击以允许搜索和读取网页</translation>
    </message>
</context>
</TS>
