; Inno Setup 6 script: the Fireside installer for Windows (x64).
;
; NOT RUN YET: written on Linux and checked only by tests/installer/test_installer_scripts.py
; (the defines, paths and file names it shares with build-windows.ps1 and the spec). The
; first real compile is the windows-2022 job of .github/workflows/installers.yml.
;
; Compiled by installer/build-windows.ps1 after PyInstaller:
;     iscc /DAppVersion=0.1.0 /DDistDir=C:\...\build\dist\fireside installer\windows\fireside.iss
; Output: build\Fireside-<AppVersion>-windows-x64-setup.exe
;
; What it does:
; - installs per user by default (no administrator: %LOCALAPPDATA%\Programs\Fireside); the
;   first page lets the user choose an all-users install instead (PrivilegesRequired=lowest
;   with the override dialog);
; - a Start-menu entry for FiresideApp.exe (the window, no console), an optional desktop icon;
; - optionally puts the install folder, which holds fireside.exe (the command line), on the
;   user's PATH (the system PATH for an all-users install); uninstalling takes it off;
; - opens .gguf files with FiresideApp.exe "%1" (HKA\Software\Classes: HKCU for a per-user
;   install, HKLM for an all-users one);
; - the uninstaller removes the program and keeps the user's data (%LOCALAPPDATA%\Fireside:
;   chats, document indexes, downloaded models, settings, logs) unless the user answers
;   Yes to its question (default No), or passes /DELETEUSERDATA=yes to a silent uninstall.

#if VER < EncodeVer(6, 3, 0)
  #error Inno Setup 6.3 or newer is needed (x64compatible architectures)
#endif

#ifndef AppVersion
  #error AppVersion is not defined: build with installer\build-windows.ps1, or pass /DAppVersion=X.Y.Z (pyproject.toml's version)
#endif

; The repository root: this file is installer\windows\fireside.iss.
#define RepoRoot AddBackslash(SourcePath) + "..\.."
#ifndef DistDir
  #define DistDir RepoRoot + "\build\dist\fireside"
#endif
#define IconFile RepoRoot + "\build\icons\fireside.ico"

#if !FileExists(DistDir + "\FiresideApp.exe") || !FileExists(DistDir + "\fireside.exe")
  #error No PyInstaller build in DistDir: run installer\build-windows.ps1 (it runs PyInstaller on installer\fireside.spec first)
#endif
#if !FileExists(IconFile)
  #error build\icons\fireside.ico is missing: run python installer\make_icons.py
#endif

#define AppName "Fireside"
#define AppExe "FiresideApp.exe"
#define CliExe "fireside.exe"
#define ProgId "Fireside.gguf"
; Where platformdirs puts everything of Fireside on Windows (assistant/settings.py:
; user_data_dir/user_config_dir/user_cache_dir/user_log_dir("Fireside", appauthor=False)
; are %LOCALAPPDATA%\Fireside and its Cache and Logs folders).
#define UserDataDir "{localappdata}\Fireside"

[Setup]
; Fixed for every version: it is how Windows and this script recognise an installed Fireside
; to upgrade or uninstall. Never change it.
AppId={{1C8F8EF2-C3CD-4F12-8CF9-ED3038CE7952}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppName}
SourceDir={#RepoRoot}
OutputDir=build
OutputBaseFilename=Fireside-{#AppVersion}-windows-x64-setup
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\{#AppExe}
WizardStyle=modern
; Per-user by default; the first page offers an all-users install (which asks for
; administrator rights). {autopf} and {autoprograms} follow the choice.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
DefaultDirName={autopf}\{#AppName}
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Windows 10 1809: the oldest that Qt 6 supports.
MinVersion=10.0.17763
ChangesAssociations=yes
ChangesEnvironment=yes
CloseApplications=yes
Compression=lzma2/max
SolidCompression=yes
LZMAUseSeparateProcess=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
english.AddToPath=Add fireside.exe (the command line) to the PATH
english.AssocGguf=Open .gguf model files with Fireside
english.GgufFile=GGUF model
english.DeleteUserData=Also delete your Fireside data?%n%n%1%n%nIt holds your chats, document indexes, downloaded models, settings and logs. Choose No to keep them for a later install.

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "addtopath"; Description: "{cm:AddToPath}"
Name: "assocgguf"; Description: "{cm:AssocGguf}"

[InstallDelete]
; An upgrade replaces the whole frozen app: a library left from the previous version (a
; llama.cpp CPU variant, say) would otherwise still be found and loaded.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#DistDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; .gguf -> Fireside.gguf -> FiresideApp.exe "%1" (launcher.py opens the window on a lone
; .gguf argument). uninsdelete* flags take them away again on uninstall.
Root: HKA; Subkey: "Software\Classes\.gguf"; ValueType: string; ValueName: ""; ValueData: "{#ProgId}"; Flags: uninsdeletevalue; Tasks: assocgguf
Root: HKA; Subkey: "Software\Classes\.gguf\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue; Tasks: assocgguf
Root: HKA; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: ""; ValueData: "{cm:GgufFile}"; Flags: uninsdeletekey; Tasks: assocgguf
Root: HKA; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"; Tasks: assocgguf
Root: HKA; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""; Tasks: assocgguf
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".gguf"; ValueData: ""; Flags: uninsdeletekey; Tasks: assocgguf

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[Code]
const
  UserEnvKey = 'Environment';
  SystemEnvKey = 'SYSTEM\CurrentControlSet\Control\Session Manager\Environment';

{ The PATH that belongs to this install mode: the user's for a per-user install, the
  machine's for an all-users one. }
function EnvRoot: Integer;
begin
  if IsAdminInstallMode then
    Result := HKEY_LOCAL_MACHINE
  else
    Result := HKEY_CURRENT_USER;
end;

function EnvKey: String;
begin
  if IsAdminInstallMode then
    Result := SystemEnvKey
  else
    Result := UserEnvKey;
end;

function ReadPath: String;
begin
  if not RegQueryStringValue(EnvRoot, EnvKey, 'Path', Result) then
    Result := '';
end;

{ Compares whole ';'-separated entries, case-insensitively, as Windows does. }
function PathHas(const Paths, Dir: String): Boolean;
begin
  Result := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Paths) + ';') > 0;
end;

procedure AddToPath(const Dir: String);
var
  Paths: String;
begin
  Paths := ReadPath;
  if PathHas(Paths, Dir) then
    exit;
  if (Paths <> '') and (Copy(Paths, Length(Paths), 1) <> ';') then
    Paths := Paths + ';';
  { REG_EXPAND_SZ keeps the %VARIABLES% other entries may hold. }
  RegWriteExpandStringValue(EnvRoot, EnvKey, 'Path', Paths + Dir);
end;

procedure RemoveFromPath(const Dir: String);
var
  Paths: String;
  P: Integer;
begin
  Paths := ';' + ReadPath + ';';
  P := Pos(';' + Uppercase(Dir) + ';', Uppercase(Paths));
  if P = 0 then
    exit;
  Delete(Paths, P, Length(Dir) + 1);
  { Paths is ';rest;' again: drop the two ends added above. }
  Paths := Copy(Paths, 2, Length(Paths) - 2);
  RegWriteExpandStringValue(EnvRoot, EnvKey, 'Path', Paths);
end;

procedure CurStepChanged(CurStep: TSetupStep);
begin
  if CurStep = ssPostInstall then
  begin
    { Also on an upgrade where the box was unticked this time. }
    if WizardIsTaskSelected('addtopath') then
      AddToPath(ExpandConstant('{app}'))
    else
      RemoveFromPath(ExpandConstant('{app}'));
  end;
end;

{ Yes only when the user says so: No is the default button, and a silent uninstall keeps
  the data unless /DELETEUSERDATA=yes is on its command line. }
function WantsUserDataDeleted(const Dir: String): Boolean;
begin
  if UninstallSilent then
    Result := CompareText(ExpandConstant('{param:DELETEUSERDATA|no}'), 'yes') = 0
  else
    Result := MsgBox(FmtMessage(CustomMessage('DeleteUserData'), [Dir]), mbConfirmation,
      MB_YESNO or MB_DEFBUTTON2) = IDYES;
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  Dir: String;
begin
  if CurUninstallStep = usUninstall then
    RemoveFromPath(ExpandConstant('{app}'));
  if CurUninstallStep = usPostUninstall then
  begin
    { The data of the user running the uninstaller; after an all-users install, other
      users' folders are theirs to delete. }
    Dir := ExpandConstant('{#UserDataDir}');
    if DirExists(Dir) and WantsUserDataDeleted(Dir) then
      DelTree(Dir, True, True, True);
  end;
end;
