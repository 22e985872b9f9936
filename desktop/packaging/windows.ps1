# Packages the Romotica desktop app on Windows (run on a Windows CI runner: jpackage cannot cross-build).
#   powershell -File desktop\packaging\windows.ps1 [-Type app-image|msi]     (default: msi)
# Needs a JDK 21+ in JAVA_HOME; -Type msi also needs the WiX Toolset on the PATH (WiX 3: candle/light;
# JDK 24+ jpackage also accepts WiX 4/5). Output: desktop\target\windows\Romotica\ or Romotica-<version>.msi.
param(
    [ValidateSet('app-image', 'msi', 'exe')] [string] $Type = 'msi',
    [string] $Version = $(if ($env:ROMOTICA_APP_VERSION) { $env:ROMOTICA_APP_VERSION } else { '0.1.0' })
)
$ErrorActionPreference = 'Stop'
Set-Location (Join-Path $PSScriptRoot '..\..')
if (-not $env:JAVA_HOME) { throw 'Set JAVA_HOME to a JDK 21 or newer.' }
$webrtcVersion = '0.14.0'

function Invoke-Checked([string] $exe, [string[]] $arguments) {
    & $exe @arguments
    if ($LASTEXITCODE -ne 0) { throw "$exe failed with exit code $LASTEXITCODE" }
}

# The jar and its libraries (the Linux image is a Linux-only profile, so nothing else is built).
Invoke-Checked '.\mvnw.cmd' @('-B', '-ntp', '-pl', 'desktop', '-am', 'package', '-DskipTests', '-DskipAppImage=true')
$input = 'desktop\target\jpackage-input'
# Swap the Linux native library for the Windows one.
Remove-Item "$input\lib\webrtc-java-*-linux-*.jar" -ErrorAction SilentlyContinue
Invoke-Checked '.\mvnw.cmd' @('-B', '-ntp', '-q', 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy',
    "-Dartifact=dev.onvoid.webrtc:webrtc-java:${webrtcVersion}:jar:windows-x86_64", "-DoutputDirectory=$input\lib")

$modules = ([regex]::Match((Get-Content 'desktop\pom.xml' -Raw), '<app.modules>(.*?)</app.modules>')).Groups[1].Value
$dest = 'desktop\target\windows'
if (Test-Path $dest) { Remove-Item -Recurse -Force $dest }
$arguments = @('--type', $Type, '--name', 'Romotica', '--app-version', $Version, '--vendor', 'Romotica',
    '--dest', $dest, '--input', $input, '--main-jar', 'romotica-desktop.jar',
    '--main-class', 'io.romotica.desktop.DesktopMain', '--add-modules', $modules,
    '--jlink-options', '--strip-native-commands --strip-debug --no-man-pages --no-header-files --include-locales=en,tr',
    '--java-options', '--enable-native-access=ALL-UNNAMED', '--win-console')
if ($Type -ne 'app-image') {
    # Per-user install with a Start-menu entry; a fixed upgrade UUID lets newer MSIs replace older ones.
    $arguments += @('--win-per-user-install', '--win-menu', '--win-menu-group', 'Romotica', '--win-shortcut',
        '--win-upgrade-uuid', '6f1c0f53-3b0e-4d4b-9a55-2f3f1b7c9e21')
}
Invoke-Checked (Join-Path $env:JAVA_HOME 'bin\jpackage.exe') $arguments
Get-ChildItem $dest
