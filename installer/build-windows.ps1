#Requires -Version 7.2
<#
.SYNOPSIS
Builds the Fireside installer for Windows x64: build\Fireside-<version>-windows-x64-setup.exe

.DESCRIPTION
NOT RUN YET: written on Linux and checked only by tests/installer/test_installer_scripts.py
(which reads it for the defines and paths it shares with installer\windows\fireside.iss). The
first real run is the windows-2022 job of .github/workflows/installers.yml.

Steps: a portable llama-cpp-python wheel (MSVC) -> pip install (the project, that wheel, the
build tools) -> icons -> ONNX export of MiniLM -> PyInstaller -> checks and a smoke test of
the frozen command line -> Inno Setup (iscc) -> optionally an install/uninstall round trip.

llama.cpp is built with its run-time CPU dispatch, as on Linux (build-llama-portable.sh):
GGML_NATIVE=OFF, GGML_BACKEND_DL=ON, GGML_CPU_ALL_VARIANTS=ON, so one build picks the best
CPU backend (ggml-cpu-haswell.dll, ...-icelake.dll, ...) on the user's machine. The AMX
variant (sapphirerapids) crashes on some AMX CPUs; with MSVC llama.cpp's own CMakeLists
leaves it out ("if (NOT MSVC)  # MSVC doesn't support AMX", in
vendor/llama.cpp/ggml/src/CMakeLists.txt of llama-cpp-python 0.3.36), along with the
ivybridge, piledriver, cooperlake and zen4 variants: those CPUs get the next lower variant.
This script checks that the guard is still there and removes the line itself if not.

Needs: Python 3.11+ (x64) on PATH, Visual Studio 2022 (or its Build Tools) with the C++
workload, CMake (pip brings one if missing), Inno Setup 6.3+ (ISCC.exe), PowerShell 7.2+.

.PARAMETER LlamaWheel
A llama-cpp-python wheel built before (by this script): install it instead of compiling
llama.cpp again (about the longest step). Default: $env:LLAMA_PORTABLE_WHEEL.

.PARAMETER SkipPip
Use the current Python environment as it is: no llama.cpp build, no pip install.

.PARAMETER SkipOnnx
Keep torch in the app instead of the ONNX export of MiniLM (as SKIP_ONNX=1 on Linux).

.PARAMETER SkipSmoke
Do not run the frozen `fireside.exe chat` once after PyInstaller.

.PARAMETER TestInstall
After building: install silently for the current user, check the files, the PATH entry, the
.gguf association and that the installed app answers, then uninstall silently and check that
the program, the PATH entry and the association are gone and the user data stayed. In CI
($env:CI = 'true') it also checks that /DELETEUSERDATA=yes removes the user data. Touches
this user's %LOCALAPPDATA%\Fireside: meant for CI machines.

.EXAMPLE
pwsh -File installer\build-windows.ps1
#>
[CmdletBinding()]
param(
    [string]$LlamaWheel = $env:LLAMA_PORTABLE_WHEEL,
    [switch]$SkipPip,
    [switch]$SkipOnnx,
    [switch]$SkipSmoke,
    [switch]$TestInstall
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$Root = Split-Path -Parent $PSScriptRoot
Set-Location $Root
$Build = Join-Path $Root 'build'
New-Item -ItemType Directory -Force -Path $Build | Out-Null
$Start = Get-Date

function Say([string]$Message) { Write-Host "build-windows: $Message" }
function Fail([string]$Message) {
    [Console]::Error.WriteLine("build-windows: error: $Message")
    exit 1
}
# A native command that fails does not stop a PowerShell script: check every exit code.
# (A plain function, so arguments such as -m reach the command untouched.)
function Invoke-Native {
    $exe = $args[0]
    $rest = @($args | Select-Object -Skip 1)
    & $exe @rest
    if ($LASTEXITCODE -ne 0) { Fail "$exe $($rest -join ' ') exited with $LASTEXITCODE" }
}

if (-not $IsWindows) { Fail 'this script builds the Windows installer and runs on Windows only' }
if (-not (Get-Command python -ErrorAction SilentlyContinue)) { Fail 'no python on PATH (Python 3.11 or newer, x64)' }
$Version = "$(& python -c "import tomllib; print(tomllib.load(open('pyproject.toml', 'rb'))['project']['version'])")".Trim()
if ($LASTEXITCODE -ne 0 -or -not $Version) { Fail 'could not read the version from pyproject.toml' }
$Machine = "$(& python -c "import platform; print(platform.machine())")".Trim()
if ($Machine -ne 'AMD64') { Fail "this builds the x64 installer; this Python is $Machine" }
Say "Fireside $Version for Windows x64"

# -- llama-cpp-python and the Python environment ------------------------------------------
if (-not $SkipPip) {
    if (-not $LlamaWheel) {
        $llamaVersion = $env:LLAMA_CPP_PYTHON_VERSION
        if (-not $llamaVersion) {
            $llamaVersion = & python -c "import importlib.metadata as m; print(m.version('llama-cpp-python'))" 2>$null
            if ($LASTEXITCODE -ne 0 -or -not $llamaVersion) { $llamaVersion = '0.3.36' }
            $llamaVersion = "$llamaVersion".Trim()
        }
        Say "llama-cpp-python $llamaVersion (MSVC, portable CPU build)"
        # Short paths: MSBuild's object paths under a deep folder can pass Windows' 260 limit.
        $work = Join-Path $Build 'llama-src'
        if (Test-Path $work) { Remove-Item -Recurse -Force $work }
        New-Item -ItemType Directory -Force -Path $work | Out-Null
        Invoke-Native python -m pip download --quiet --no-deps --no-binary ':all:' "llama-cpp-python==$llamaVersion" -d $work
        # Windows' own bsdtar: a GNU tar from Git's usr\bin on PATH reads C: as a host name.
        Invoke-Native "$env:SystemRoot\System32\tar.exe" -xzf (Join-Path $work "llama_cpp_python-$llamaVersion.tar.gz") -C $work
        $src = Join-Path $work "llama_cpp_python-$llamaVersion"

        $variants = Join-Path $src 'vendor\llama.cpp\ggml\src\CMakeLists.txt'
        $text = Get-Content -Raw $variants
        if ($text -notmatch 'ggml_add_cpu_backend_variant\(sapphirerapids') {
            Fail "the AMX variant was not found in $variants; check the list by hand"
        }
        if ($text -match 'if \(NOT MSVC\)\s*\r?\n(\s*#[^\n]*\n)*\s*ggml_add_cpu_backend_variant\(sapphirerapids') {
            Say 'AMX variant: llama.cpp leaves it out of MSVC builds by itself'
        } else {
            Say 'AMX variant: no MSVC guard in this llama.cpp, removing it from the list'
            Get-Content $variants |
                Where-Object { $_ -notmatch 'ggml_add_cpu_backend_variant\(sapphirerapids' } |
                Set-Content -Encoding utf8NoBOM $variants
        }

        $wheelDir = Join-Path $Build 'llama-windows'
        if (Test-Path $wheelDir) { Remove-Item -Recurse -Force $wheelDir }
        # MSVC, by name: a MinGW gcc on PATH (GitHub's runners have one) must not be picked.
        $env:CMAKE_GENERATOR = 'Visual Studio 17 2022'
        $env:CMAKE_GENERATOR_PLATFORM = 'x64'
        $env:CMAKE_ARGS = "-DGGML_NATIVE=OFF -DGGML_BACKEND_DL=ON -DGGML_CPU_ALL_VARIANTS=ON $env:CMAKE_ARGS_EXTRA".Trim()
        $env:CMAKE_BUILD_PARALLEL_LEVEL = $env:NUMBER_OF_PROCESSORS
        $llamaStart = Get-Date
        Invoke-Native python -m pip wheel --no-deps --wheel-dir $wheelDir $src
        $LlamaWheel = (Get-ChildItem $wheelDir -Filter 'llama_cpp_python-*.whl' | Select-Object -First 1).FullName
        $minutes = [int]((Get-Date) - $llamaStart).TotalMinutes
        Say "built $LlamaWheel in $minutes min on $env:NUMBER_OF_PROCESSORS cores"
        Remove-Item -Recurse -Force $work
    }
    if (-not $LlamaWheel -or -not (Test-Path $LlamaWheel)) { Fail "no llama-cpp-python wheel at '$LlamaWheel'" }

    Say 'pip install (the project, its llama-cpp-python wheel, the build tools)'
    # The wheel replaces any llama-cpp-python already there (pip would keep one of the same
    # version), and named again below it satisfies the project's requirement, so pip does
    # not compile the sdist from PyPI natively.
    Invoke-Native python -m pip install --upgrade pip
    Invoke-Native python -m pip install --force-reinstall --no-deps $LlamaWheel
    Invoke-Native python -m pip install $LlamaWheel 'torch==2.13.0' . 'pyinstaller==6.22.3' 'onnx==1.23.2' 'onnxruntime==1.32.0'
}

# -- Icons, ONNX, PyInstaller -------------------------------------------------------------
Say 'icons'
Invoke-Native python installer/make_icons.py (Join-Path $Build 'icons')
if (-not (Test-Path (Join-Path $Build 'icons\fireside.ico'))) { Fail 'make_icons.py wrote no fireside.ico' }

$onnx = Join-Path $Build 'onnx\all-MiniLM-L6-v2'
if (-not $SkipOnnx -and (Test-Path 'installer/export_minilm_onnx.py')) {
    Say 'MiniLM embedder to ONNX'
    Invoke-Native python installer/export_minilm_onnx.py $onnx
    $env:FIRESIDE_ONNX_EXPORT = $onnx
} else {
    Say 'no ONNX export: the app carries torch for MiniLM'
    Remove-Item Env:FIRESIDE_ONNX_EXPORT -ErrorAction SilentlyContinue
}

Say 'freezing (PyInstaller)'
$dist = Join-Path $Build 'dist\fireside'
if (Test-Path $dist) { Remove-Item -Recurse -Force $dist }
Invoke-Native python -m PyInstaller --noconfirm --log-level WARN --distpath (Join-Path $Build 'dist') --workpath (Join-Path $Build 'pyinstaller') installer/fireside.spec
foreach ($exe in 'fireside.exe', 'FiresideApp.exe') {
    if (-not (Test-Path (Join-Path $dist $exe))) { Fail "PyInstaller did not produce $dist\$exe" }
}

# The CPU variants must be in the app (ggml loads one at run time), without the AMX one.
$libDir = Join-Path $dist '_internal\llama_cpp\lib'
$cpuLibs = @(Get-ChildItem $libDir -Filter 'ggml-cpu-*.dll' -ErrorAction SilentlyContinue | ForEach-Object Name)
if ($cpuLibs.Count -eq 0) { Fail "no ggml-cpu-*.dll in $libDir: not a portable llama.cpp build" }
if ($cpuLibs -contains 'ggml-cpu-sapphirerapids.dll') { Fail 'the AMX variant (ggml-cpu-sapphirerapids.dll) is in the app' }
Say "CPU variants: $($cpuLibs -join ', ')"
# MSVC's C++ runtime, and its OpenMP runtime when the CPU backends import it (GGML_OPENMP,
# on by default): present on the build machine, not on every user's, so they must be in the
# app (PyInstaller collects them from System32).
$runtimes = @('msvcp140.dll')
$cpuBytes = [IO.File]::ReadAllBytes((Join-Path $libDir $cpuLibs[0]))
if ([Text.Encoding]::ASCII.GetString($cpuBytes).IndexOf('vcomp140.dll', [StringComparison]::OrdinalIgnoreCase) -ge 0) {
    $runtimes += 'vcomp140.dll'
}
foreach ($dll in $runtimes) {
    if (-not (Get-ChildItem (Join-Path $dist '_internal') -Recurse -Filter $dll -ErrorAction SilentlyContinue)) {
        Fail "$dll is not in the app: llama.cpp would not load on a machine without the VC++ runtime"
    }
}

if (-not $SkipSmoke) {
    # The frozen command line loads the bundled model in its worker process and answers:
    # the same path the window takes.
    Say 'smoke test: the frozen fireside chat'
    $home_ = Join-Path $Build 'smoke-home'
    if (Test-Path $home_) { Remove-Item -Recurse -Force $home_ }
    $env:FIRESIDE_HOME = $home_
    try {
        Invoke-Native (Join-Path $dist 'fireside.exe') chat Hello --max-tokens 8 --seed 1
    } finally {
        Remove-Item Env:FIRESIDE_HOME
        Remove-Item -Recurse -Force $home_ -ErrorAction SilentlyContinue
    }
}

# -- Inno Setup ---------------------------------------------------------------------------
$iscc = $env:ISCC
if (-not $iscc) {
    $found = Get-Command ISCC.exe -ErrorAction SilentlyContinue
    if ($found) { $iscc = $found.Source }
}
# Inno Setup 6, or 7 (meant to compile 6's scripts; it installs beside 6).
foreach ($edition in 'Inno Setup 6', 'Inno Setup 7') {
    foreach ($base in ${env:ProgramFiles(x86)}, $env:ProgramFiles, "$env:LOCALAPPDATA\Programs") {
        $candidate = Join-Path $base "$edition\ISCC.exe"
        if (-not $iscc -and (Test-Path $candidate)) { $iscc = $candidate }
    }
}
if (-not $iscc) { Fail 'Inno Setup 6 (ISCC.exe) not found: install it (winget install JRSoftware.InnoSetup, or choco install innosetup) or set $env:ISCC' }
Say "installer ($iscc)"
$setup = Join-Path $Build "Fireside-$Version-windows-x64-setup.exe"
if (Test-Path $setup) { Remove-Item -Force $setup }
Invoke-Native $iscc /Q "/DAppVersion=$Version" "/DDistDir=$dist" (Join-Path $Root 'installer\windows\fireside.iss')
if (-not (Test-Path $setup)) { Fail "iscc did not produce $setup" }

# -- Install round trip -------------------------------------------------------------------
function Wait-Gone([string]$Path) {
    # The uninstaller runs a copy of itself from %TEMP%: wait for the files, not the process.
    for ($i = 0; $i -lt 120 -and (Test-Path $Path); $i++) { Start-Sleep -Seconds 1 }
    if (Test-Path $Path) { Fail "the uninstaller left $Path" }
}
function Get-UserPath { [Environment]::GetEnvironmentVariable('Path', 'User') ?? '' }
function Get-GgufProgId {
    $key = 'HKCU:\Software\Classes\.gguf'
    if (-not (Test-Path $key)) { return '' }
    return (Get-Item $key).GetValue('')
}

if ($TestInstall) {
    Say 'install round trip: silent per-user install'
    $dir = Join-Path $env:LOCALAPPDATA 'Programs\Fireside-test'
    $data = Join-Path $env:LOCALAPPDATA 'Fireside'
    $p = Start-Process -FilePath $setup -Wait -PassThru -ArgumentList '/VERYSILENT', '/SUPPRESSMSGBOXES', '/NORESTART', '/CURRENTUSER', "/DIR=`"$dir`"", '/TASKS=addtopath,assocgguf'
    if ($p.ExitCode -ne 0) { Fail "the installer exited with $($p.ExitCode)" }
    foreach ($exe in 'fireside.exe', 'FiresideApp.exe', 'unins000.exe') {
        if (-not (Test-Path (Join-Path $dir $exe))) { Fail "the install has no $exe" }
    }
    if (-not ((Get-UserPath) -split ';' -contains $dir)) { Fail "the install did not put $dir on the user PATH" }
    if ((Get-GgufProgId) -ne 'Fireside.gguf') { Fail '.gguf is not associated with Fireside.gguf' }
    $command = (Get-Item 'HKCU:\Software\Classes\Fireside.gguf\shell\open\command').GetValue('')
    if ($command -ne "`"$dir\FiresideApp.exe`" `"%1`"") { Fail "unexpected open command: $command" }

    Say 'install round trip: the installed app answers, with its data outside the install folder'
    Invoke-Native (Join-Path $dir 'fireside.exe') chat Hello --max-tokens 4 --seed 1
    if (-not (Test-Path (Join-Path $data 'history.db'))) { Fail "no history.db in $data after a chat" }
    if (Get-ChildItem $dir -Recurse -Filter '*.db') { Fail "the app wrote a database inside its install folder $dir" }

    Say 'install round trip: silent uninstall keeps the user data'
    Start-Process -FilePath (Join-Path $dir 'unins000.exe') -Wait -ArgumentList '/VERYSILENT', '/SUPPRESSMSGBOXES', '/NORESTART' | Out-Null
    Wait-Gone (Join-Path $dir 'fireside.exe')
    if ((Get-UserPath) -split ';' -contains $dir) { Fail 'the uninstaller left the PATH entry' }
    if (Test-Path 'HKCU:\Software\Classes\Fireside.gguf') { Fail 'the uninstaller left the Fireside.gguf class' }
    if (-not (Test-Path (Join-Path $data 'history.db'))) { Fail "the uninstaller deleted the user data in $data" }

    if ($env:CI -eq 'true') {
        Say 'install round trip (CI): /DELETEUSERDATA=yes removes the user data'
        $p = Start-Process -FilePath $setup -Wait -PassThru -ArgumentList '/VERYSILENT', '/SUPPRESSMSGBOXES', '/NORESTART', '/CURRENTUSER', "/DIR=`"$dir`""
        if ($p.ExitCode -ne 0) { Fail "the installer exited with $($p.ExitCode)" }
        Start-Process -FilePath (Join-Path $dir 'unins000.exe') -Wait -ArgumentList '/VERYSILENT', '/SUPPRESSMSGBOXES', '/NORESTART', '/DELETEUSERDATA=yes' | Out-Null
        Wait-Gone (Join-Path $dir 'fireside.exe')
        Wait-Gone $data
    }
}

$sizeMb = [math]::Round((Get-Item $setup).Length / 1MB)
$minutes = [int]((Get-Date) - $Start).TotalMinutes
Say "$setup ($sizeMb MB) in $minutes min"
