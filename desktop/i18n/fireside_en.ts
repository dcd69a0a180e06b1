<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>ChatTransfer</name>
    <message numerus="yes">
        <source>Exported %n chat(s) to {path}</source>
        <translation>
            <numerusform>Exported %n chat to {path}</numerusform>
            <numerusform>Exported %n chats to {path}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Importing… %n conversation(s) read</source>
        <translation>
            <numerusform>Importing… %n conversation read</numerusform>
            <numerusform>Importing… %n conversations read</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DocumentDrop</name>
    <message numerus="yes">
        <source>Document chat is not available yet in this build: {names} were not added. You can still paste text into the message box.</source>
        <translation>
            <numerusform>Document chat is not available yet in this build: {names} was not added. You can still paste text into the message box.</numerusform>
            <numerusform>Document chat is not available yet in this build: {names} were not added. You can still paste text into the message box.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DocumentsPanel</name>
    <message numerus="yes">
        <source>{name} (%n documents, {failed} failed)</source>
        <translation>
            <numerusform>{name} (%n document, {failed} failed)</numerusform>
            <numerusform>{name} (%n documents, {failed} failed)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{name} (%n documents)</source>
        <translation>
            <numerusform>{name} (%n document)</numerusform>
            <numerusform>{name} (%n documents)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Preparing to index %n item(s)…</source>
        <translation>
            <numerusform>Preparing to index %n item…</numerusform>
            <numerusform>Preparing to index %n items…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Cancelled: {indexed} of %n file(s) indexed, {problems} not.</source>
        <translation>
            <numerusform>Cancelled: {indexed} of %n file indexed, {problems} not.</numerusform>
            <numerusform>Cancelled: {indexed} of %n files indexed, {problems} not.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Done: {indexed} of %n file(s) indexed, {problems} not.</source>
        <translation>
            <numerusform>Done: {indexed} of %n file indexed, {problems} not.</numerusform>
            <numerusform>Done: {indexed} of %n files indexed, {problems} not.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RemoteConnectionsDialog</name>
    <message numerus="yes">
        <source>Added %1 with %n model(s).</source>
        <translation>
            <numerusform>Added %1 with %n model.</numerusform>
            <numerusform>Added %1 with %n models.</numerusform>
        </translation>
    </message>
</context>
</TS>
