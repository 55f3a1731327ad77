@echo off
rem JBang wrapper for seek-auth on Windows, in the spirit of Maven's mvnw.cmd.
rem With a real jbang on the PATH it hands over; otherwise it fetches and
rem verifies JBang (see .jbang-wrapper\bootstrap.ps1) and runs it with its
rem launcher protocol on an installed JDK 21+.
setlocal ENABLEEXTENSIONS ENABLEDELAYEDEXPANSION

for /f "delims=" %%J in ('where jbang.cmd 2^>nul') do (
  if /i not "%%~fJ"=="%~f0" ( call "%%~fJ" %* & exit /b !ERRORLEVEL! )
)

set "JDK="
set "CACHE="
for /f "usebackq delims=" %%L in (`powershell -NoProfile -ExecutionPolicy Bypass -NonInteractive -File "%~dp0.jbang-wrapper\bootstrap.ps1"`) do (
  if not defined JDK ( set "JDK=%%L" ) else ( set "CACHE=%%L" )
)
if not defined CACHE exit /b 1

set "JAVA_HOME=%JDK%"
set "JBANG_NO_VERSION_CHECK=true"
set "JBANG_RUNTIME_SHELL=cmd"
set "JBANG_LAUNCH_CMD=%~f0"
2>nul >nul timeout /t 0 && (set JBANG_STDIN_NOTTY=false) || (set JBANG_STDIN_NOTTY=true)

set "JBDIR=%JBANG_DIR%"
if not defined JBDIR set "JBDIR=%USERPROFILE%\.jbang"
if not exist "%JBDIR%\cache\jdks" (
  for /f "tokens=2 delims==." %%V in ('findstr /b "JAVA_VERSION=" "%JDK%\release"') do set "MAJOR=%%~V"
  "%JDK%\bin\java.exe" -classpath "%CACHE%\*" dev.jbang.Main jdk install !MAJOR! "%JDK%" >nul 2>&1
)

rem Launcher protocol: exit 255 means the output is a command line to run instead.
set "TMPOUT=%TEMP%\seek-jbang-%RANDOM%%RANDOM%.tmp"
"%JDK%\bin\java.exe" %JBANG_JAVA_OPTIONS% -classpath "%CACHE%\*" dev.jbang.Main %* > "%TMPOUT%"
set "STATUS=%ERRORLEVEL%"
if "%STATUS%"=="255" (
  for /f "usebackq delims=" %%C in ("%TMPOUT%") do set "COMMAND=%%C"
  del /f /q "%TMPOUT%"
  !COMMAND!
  exit /b !ERRORLEVEL!
)
type "%TMPOUT%"
del /f /q "%TMPOUT%"
exit /b %STATUS%
