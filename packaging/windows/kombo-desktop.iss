; Inno Setup 6 script for Kombo Desktop: a per-user install that needs no administrator rights.
;
; Compiled by packaging/build.py on Windows, which passes the values below with /D:
;   ISCC /DAppVersion=0.1.0 /DAppNumericVersion=0.1.0.0 /DSourceDir=packaging\out\dist\kombo-desktop
;        /DOutputDir=packaging\out /DIconFile=packaging\icons\kombo-desktop.ico
;        [/DSign "/Skombo=signtool.exe sign /fd SHA256 ... $f"]  kombo-desktop.iss
; The version comes from kombo_desktop/__init__.py through build.py; nothing here repeats it.
;
; Silent install for IT (no window, no questions, no reboot, for the current user):
;   kombo-desktop-0.1.0-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART /CURRENTUSER
;   optional: /DIR="%LOCALAPPDATA%\Programs\Kombo Desktop"  /NOICONS  /LOG="%TEMP%\kombo-setup.log"
; Silent uninstall:
;   "%LOCALAPPDATA%\Programs\Kombo Desktop\unins000.exe" /VERYSILENT /SUPPRESSMSGBOXES /NORESTART
; An administrator may still install for all users with /ALLUSERS (elevates; goes to Program Files).

#ifndef AppVersion
  #error AppVersion must be given: ISCC /DAppVersion=x.y.z (packaging/build.py does this)
#endif
#ifndef SourceDir
  #error SourceDir must be given: the PyInstaller folder (packaging/out/dist/kombo-desktop)
#endif
; The licences of the software the program contains (written by the PyInstaller spec, see
; packaging/notices.py): installed with the program folder as {app}\THIRD-PARTY-NOTICES.txt.
#if !FileExists(AddBackslash(SourceDir) + "THIRD-PARTY-NOTICES.txt")
  #error THIRD-PARTY-NOTICES.txt is missing from SourceDir: build with packaging/build.py
#endif
#ifndef AppNumericVersion
  #define AppNumericVersion AppVersion
#endif
#ifndef OutputDir
  #define OutputDir "."
#endif
#ifndef IconFile
  #define IconFile "..\icons\kombo-desktop.ico"
#endif

#define AppName "Kombo Desktop"
#define AppExe "kombo-desktop.exe"

[Setup]
; Never change AppId: upgrades and the uninstaller find earlier installs by it.
AppId={{6B1F3C52-0D1E-4B8A-9C57-2E4F1A7D9B30}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
; Version resources take four numbers: build.py passes 1.2.3rc1 as 1.2.3.0.
VersionInfoVersion={#AppNumericVersion}
VersionInfoProductVersion={#AppNumericVersion}
VersionInfoProductTextVersion={#AppVersion}
VersionInfoDescription={#AppName} installer
AppPublisher=Kombo Desktop team
AppPublisherURL=https://kombo.dev
; Per-user by default: installs to %LOCALAPPDATA%\Programs, no UAC prompt, no admin rights.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=commandline
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
DisableDirPage=auto
DisableReadyPage=yes
UsePreviousAppDir=yes
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
OutputDir={#OutputDir}
OutputBaseFilename=kombo-desktop-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
; Close a running copy before files are replaced (also in silent mode).
CloseApplications=yes
RestartApplications=no
#ifdef Sign
SignTool=kombo
SignedUninstaller=yes
#endif

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the whole program folder, so no file of an older version lingers.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
; The program folder, with THIRD-PARTY-NOTICES.txt at its top (checked above).
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; Settings, history and the API key (Credential Manager) belong to the user and are kept on
; uninstall, so a reinstall or upgrade keeps working without asking for the key again.
