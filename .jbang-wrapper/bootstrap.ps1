# Windows half of the seek-auth JBang wrapper (called by jbang.cmd).
# Makes sure the pinned jars are cached and verified, finds an installed
# JDK 21+, and prints two lines: the JDK home and the jar folder.
$ErrorActionPreference = 'Stop'
$version = '0.132.1'
$minJava = 21
function Fail($msg) { [Console]::Error.WriteLine("jbang wrapper: $msg"); exit 1 }

$lock = Join-Path $PSScriptRoot 'jbang-cli.sha256'
$repo = if ($env:SEEK_MAVEN_REPO) { $env:SEEK_MAVEN_REPO.TrimEnd('/') } else { 'https://repo1.maven.org/maven2' }
$base = if ($env:SEEK_JBANG_CACHE) { $env:SEEK_JBANG_CACHE } else { Join-Path $env:LOCALAPPDATA 'seek-auth' }
$cache = Join-Path $base "jbang-$version"
New-Item -ItemType Directory -Force -Path $cache | Out-Null

$announced = $false
foreach ($line in Get-Content $lock) {
  if ($line -match '^\s*(#|$)') { continue }
  $sha, $path = $line -split '\s+', 2
  $file = Join-Path $cache ($path -split '/')[-1]
  if ((Test-Path $file) -and ((Get-FileHash -Algorithm SHA256 $file).Hash -eq $sha)) { continue }
  Remove-Item -Force -ErrorAction SilentlyContinue $file
  if (-not $announced) { [Console]::Error.WriteLine("Fetching JBang $version from $repo into $cache ..."); $announced = $true }
  $part = "$file.part.$PID"
  try { Invoke-WebRequest -UseBasicParsing -Uri "$repo/$path" -OutFile $part }
  catch { Remove-Item -Force -ErrorAction SilentlyContinue $part; Fail "could not download $repo/$path" }
  $got = (Get-FileHash -Algorithm SHA256 $part).Hash.ToLower()
  if ($got -ne $sha) { Remove-Item -Force $part; Fail "checksum mismatch for $path (expected $sha, got $got); file deleted" }
  Move-Item -Force $part $file
}

function Get-JavaMajor($jdkHome) {
  $release = Join-Path $jdkHome 'release'
  if (-not (Test-Path $release)) { return 0 }
  $m = Select-String -Path $release -Pattern '^JAVA_VERSION="(\d+)' | Select-Object -First 1
  if ($m) { return [int]$m.Matches[0].Groups[1].Value } else { return 0 }
}
$candidates = @()
if ($env:JAVA_HOME) { $candidates += $env:JAVA_HOME }
$javac = Get-Command javac -ErrorAction SilentlyContinue
if ($javac) { $candidates += (Split-Path (Split-Path $javac.Source)) }
foreach ($root in @("$env:ProgramFiles\Java", "$env:ProgramFiles\Eclipse Adoptium", "$env:ProgramFiles\Microsoft", "$env:USERPROFILE\.sdkman\candidates\java")) {
  if (Test-Path $root) { $candidates += (Get-ChildItem -Directory $root | ForEach-Object FullName) }
}
foreach ($c in $candidates) {
  if ((Test-Path (Join-Path $c 'bin\javac.exe')) -and ((Get-JavaMajor $c) -ge $minJava)) {
    Write-Output $c
    Write-Output $cache
    exit 0
  }
}
Fail "no JDK $minJava or newer found (looked in JAVA_HOME, PATH, Program Files); install one, e.g. Temurin 21, or set JAVA_HOME"
